// "Is this page useful?" on the portal's help articles over real HTTP: the article's Yes is kept at
// once; No leads to a page asking what was missing; a bad answer is an error summary with the
// answer kept; a honeypot filled in or an unknown, staff-only or draft article keeps nothing; the
// answers from one address are limited; and the article's editors see the counts and comments.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { findFirstCouncil, insertTeam } from '../../src/organisations/repo.ts';
import { systemActor } from '../../src/platform/actor.ts';
import { aService } from '../support/builders.ts';
import { ADMIN, startTestServer, type TestServer } from '../support/server.ts';

describe('was this page useful, on a help article', () => {
  let server: TestServer;
  const articles: Record<string, string> = {};
  let address = 0;
  /** A resident from an address of their own, so that only the limit's own test meets the limit. */
  const resident = () => server.client(`203.0.113.${++address}`);

  before(async () => {
    server = await startTestServer();
    const { db } = server;
    const councilId = (await findFirstCouncil(db))!.id;
    const teamId = await insertTeam(db, { organisationId: councilId, code: 'bins', name: 'Bins' });
    const serviceId = await aService(db, { councilId, teamId, code: 'bins', name: 'Bins', slaWorkingDays: 5 });
    const article = (title: string, audience: string, status: 'published' | 'draft', titleCy?: string) =>
      server.services.knowledge
        .create(
          systemActor('test'),
          {
            title,
            body: `${title}: what to put out and when.`,
            ...(titleCy ? { titleCy, bodyCy: `${titleCy}: beth i’w roi allan a phryd.` } : {}),
            audience,
            serviceId,
          },
          { councilId, status },
        )
        .then((created) => created.id);
    articles.public = await article('Bin collection days', 'public', 'published', 'Diwrnodau casglu biniau');
    articles.advisor = await article('Missed bin script', 'advisor', 'published');
    articles.draft = await article('New bins next year', 'public', 'draft');
  });
  after(() => server.close());
  beforeEach(() => server.db.deleteFrom('knowledge_article_feedback').execute());

  const answers = () =>
    server.db
      .selectFrom('knowledge_article_feedback')
      .select(['article_id', 'useful', 'comment', 'language', 'version'])
      .orderBy('created_at')
      .execute();

  it('asks on the article, and keeps a Yes at once', async () => {
    const client = resident();
    const page = await client.get(`/help/${articles.public}`);
    const form = page.dom.querySelector(`form[method="post"][action="/help/${articles.public}/feedback"]`);
    assert.ok(form, 'the article asks whether it was useful');
    assert.equal(form.querySelector('input[name="useful"]')?.getAttribute('value'), 'yes');
    assert.ok(form.querySelector('input[name="_csrf"]'), 'with the CSRF token');
    assert.ok(page.dom.querySelector(`a[href="/help/${articles.public}/feedback"]`), 'and links No to the page that asks why');

    const sent = await client.post(`/help/${articles.public}/feedback`, { useful: 'yes', website: '' });
    assert.equal(sent.status, 303);
    assert.equal(sent.location, `/help/${articles.public}/feedback/thank-you`);
    const thanks = await client.follow(sent);
    assert.equal(thanks.heading, 'Thank you for your feedback');
    assert.ok(thanks.dom.querySelector(`a[href="/help/${articles.public}"]`), 'and leads back to the article');
    assert.deepEqual(await answers(), [{ article_id: articles.public, useful: true, comment: null, language: 'en', version: 1 }]);
  });

  it('asks what was missing after a No, and keeps the answer as written', async () => {
    const client = resident();
    const page = await client.get(`/help/${articles.public}/feedback`);
    assert.equal(page.status, 200);
    assert.equal(page.heading, 'Help us improve this page');
    assert.equal(page.dom.querySelector('input[name="useful"][value="no"]')?.getAttribute('checked'), '', 'No is chosen');
    const sent = await client.post(`/help/${articles.public}/feedback`, {
      useful: 'no',
      comment: '  Which day is the <b>garden</b> bin?  ',
    });
    assert.equal(sent.status, 303);
    assert.deepEqual(await answers(), [
      { article_id: articles.public, useful: false, comment: 'Which day is the <b>garden</b> bin?', language: 'en', version: 1 },
    ]);
  });

  it('gives an error summary for a missing answer or a comment too long, keeping what was written and nothing else', async () => {
    const client = resident();
    await client.get(`/help/${articles.public}/feedback`);
    const missing = await client.post(`/help/${articles.public}/feedback`, { comment: 'Opening hours' });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.errorSummary, ['Select yes if this page was useful']);
    assert.equal(missing.dom.querySelector('.govuk-error-summary a')?.getAttribute('href'), '#useful');
    assert.match(missing.dom.querySelector('title')?.text ?? '', /^Error: /);
    assert.equal(missing.dom.querySelector('textarea[name="comment"]')?.text, 'Opening hours');

    const tooLong = await client.post(`/help/${articles.public}/feedback`, { useful: 'no', comment: 'x'.repeat(501) });
    assert.equal(tooLong.status, 400);
    assert.deepEqual(tooLong.errorSummary, ['What you were looking for must be 500 characters or fewer']);
    assert.equal(tooLong.dom.querySelector('input[name="useful"][value="no"]')?.getAttribute('checked'), '');

    const forged = await client.post(`/help/${articles.public}/feedback`, { useful: 'yes', _csrf: 'forged' });
    assert.equal(forged.status, 403);
    assert.deepEqual(await answers(), []);
  });

  it('answers a filled-in honeypot as if it had worked, and keeps nothing', async () => {
    const client = resident();
    await client.get(`/help/${articles.public}`);
    const sent = await client.post(`/help/${articles.public}/feedback`, {
      useful: 'no',
      comment: 'Buy now',
      website: 'http://spam.example',
    });
    assert.equal(sent.status, 303);
    assert.equal(sent.location, `/help/${articles.public}/feedback/thank-you`);
    assert.deepEqual(await answers(), []);
  });

  it('knows no feedback for an advisor’s article, a draft or a made-up one', async () => {
    const client = resident();
    await client.get(`/help/${articles.public}`);
    for (const id of [articles.advisor, articles.draft, '00000000-0000-4000-8000-000000000000', 'not-an-id']) {
      assert.equal((await client.get(`/help/${id}/feedback`)).status, 404, id);
      assert.equal((await client.post(`/help/${id}/feedback`, { useful: 'yes' })).status, 404, id);
      assert.equal((await client.post(`/help/${id}/feedback`, { useful: 'yes', website: 'x' })).status, 404, id);
      assert.equal((await client.get(`/help/${id}/feedback/thank-you`)).status, 404, id);
    }
    assert.deepEqual(await answers(), []);
  });

  it('keeps the language it was read in, and asks in Welsh', async () => {
    const client = resident();
    await client.follow(await client.get(`/help/${articles.public}?lang=cy`));
    const page = await client.get(`/help/${articles.public}/feedback`);
    assert.equal(page.heading, 'Helpwch ni i wella’r dudalen hon');
    assert.match(page.html, /Am: Diwrnodau casglu biniau/);
    await client.post(`/help/${articles.public}/feedback`, { useful: 'no', comment: 'Pa ddiwrnod?' });
    assert.deepEqual(
      (await answers()).map((answer) => answer.language),
      ['cy'],
    );
  });

  it('takes ten answers a minute from one address and refuses the eleventh with 429', async () => {
    const client = resident();
    await client.get(`/help/${articles.public}`);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 11; attempt++)
      statuses.push((await client.post(`/help/${articles.public}/feedback`, { useful: 'yes' })).status);
    assert.deepEqual(statuses, [...Array(10).fill(303), 429]);
    assert.equal((await answers()).length, 10);
  });

  it('shows the article’s editors how many found it useful and the latest comments, escaped', async () => {
    const client = resident();
    await client.get(`/help/${articles.public}`);
    await client.post(`/help/${articles.public}/feedback`, { useful: 'yes' });
    await client.post(`/help/${articles.public}/feedback`, { useful: 'no', comment: 'Garden <script>bins</script>?' });
    await client.post(`/help/${articles.public}/feedback`, { useful: 'no' });

    const staff = await server.signedIn(ADMIN);
    const page = await staff.get(`/staff/knowledge/${articles.public}`);
    assert.equal(page.status, 200);
    assert.match(page.html, /1 found it useful and 2 did not\./);
    assert.match(page.html, /Garden &lt;script&gt;bins&lt;\/script&gt;\?/);
    const advisorPage = await staff.get(`/staff/knowledge/${articles.advisor}`);
    assert.doesNotMatch(advisorPage.html, /What residents said/, 'an advisor’s article is not asked about');
  });
});
