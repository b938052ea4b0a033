// The knowledge base's pages over real HTTP: an administrator writes, publishes and edits an
// article and its history keeps every version; searching shows a marked snippet, escaped; bad
// input is refused with an error summary; CSRF is checked; an advisor reads but does not write,
// and a partner agency's worker reads public articles only (advisor articles are not there).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findFirstCouncil, insertTeam } from '../../src/organisations/repo.ts';
import { systemActor } from '../../src/platform/actor.ts';
import { aPartnerAgency, aStaffMember } from '../support/builders.ts';
import { ADMIN, startTestServer, type TestServer } from '../support/server.ts';
import type { WebClient } from '../support/web.ts';

describe('the knowledge base pages', () => {
  let server: TestServer;
  let admin: WebClient;
  let advisor: WebClient;
  let partner: WebClient;
  let binsId: string;
  let articlePath: string;
  let publicArticleId: string;

  before(async () => {
    server = await startTestServer();
    admin = await server.signedIn(ADMIN);
    const councilId = (await findFirstCouncil(server.db))!.id;
    const wasteId = await insertTeam(server.db, { organisationId: councilId, code: 'waste', name: 'Waste' });
    binsId = (
      await server.services.services.create(
        systemActor('test'),
        {
          code: 'bins',
          name: 'Bin collections',
          teamId: wasteId,
          public: 'yes',
          firstContactResolvable: 'no',
          slaWorkingDays: '5',
          defaultPriority: 'normal',
        },
        councilId,
      )
    ).id;
    publicArticleId = (
      await server.services.knowledge.create(
        systemActor('test'),
        {
          title: 'Bin collection days',
          body: 'Find your bin collection day on the council’s website.',
          audience: 'public',
          serviceId: binsId,
        },
        { councilId, status: 'published' },
      )
    ).id;
    advisor = await server.signedIn(await aStaffMember(server.db, { roles: ['advisor'] }));
    await aPartnerAgency(server.db, 'knowledge-police', 'Knowledge Police');
    partner = await server.signedIn(
      await aStaffMember(server.db, { roles: ['partner_worker'], organisation: 'knowledge-police' }),
    );
  });
  after(() => server.close());

  const articleCount = async () =>
    (
      await server.db
        .selectFrom('knowledge_articles')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n;

  it('sends someone not signed in to sign in', async () => {
    const page = await server.client().get('/staff/knowledge?q=bins');
    assert.equal(page.status, 303);
    assert.match(page.location ?? '', /^\/staff\/sign-in\?returnTo=/);
  });

  it('lets an administrator add, publish and change an article, keeping each version', async () => {
    const form = await admin.get('/staff/knowledge/new');
    assert.equal(form.status, 200);
    assert.equal(form.heading, 'Add an article');
    const created = await admin.post('/staff/knowledge', {
      title: 'Missed collections <script>alert(1)</script>',
      body: 'Check the crew’s log first.\n\nIf the bin was missed, raise a case <b>today</b>.',
      audience: 'advisor',
      serviceId: binsId,
      titleCy: '',
      bodyCy: '',
    });
    assert.equal(created.status, 303, created.errorSummary.join('; '));
    articlePath = created.location!;
    assert.match(articlePath, /^\/staff\/knowledge\/[0-9a-f-]{36}$/);
    const page = await admin.follow(created);
    assert.equal(page.heading, 'Missed collections <script>alert(1)</script>');
    assert.ok(!page.html.includes('<script>alert(1)</script>'), 'the title is escaped');
    assert.ok(page.html.includes('raise a case &lt;b&gt;today&lt;/b&gt;.'), 'the body is escaped');
    assert.equal(page.dom.querySelectorAll('main .govuk-grid-column-two-thirds p.govuk-body').length, 2, 'two paragraphs');
    assert.ok(page.html.includes('The article has been saved as a draft.'));

    const published = await admin.post(`${articlePath}/publish`, {});
    assert.equal(published.status, 303);
    assert.ok((await admin.follow(published)).html.includes('The article has been published.'));

    const edit = await admin.get(`${articlePath}/edit`);
    assert.equal(edit.dom.querySelector('input[name="version"]')?.getAttribute('value'), '1');
    const changed = await admin.post(articlePath, {
      title: 'Missed bin collections',
      body: 'Check the crew’s log first.\n\nIf the bin was missed, raise a case.',
      audience: 'advisor',
      serviceId: binsId,
      version: '1',
    });
    assert.equal(changed.status, 303, changed.errorSummary.join('; '));

    const history = await admin.get(`${articlePath}/history`);
    assert.equal(history.status, 200);
    const rows = history.dom
      .querySelectorAll('tbody tr')
      .map((row) => row.querySelectorAll('td').map((cell) => cell.text.trim()));
    assert.deepEqual(
      rows.map((cells) => cells.slice(0, 2)),
      [
        ['Version 2 (current)', 'Missed bin collections'],
        ['Version 1', 'Missed collections <script>alert(1)</script>'],
      ],
    );
    const old = await admin.get(`${articlePath}/versions/1`);
    assert.equal(old.status, 200);
    assert.ok(old.html.includes('This is an earlier version. The article is now at version 2.'));
    assert.ok(old.html.includes('raise a case &lt;b&gt;today&lt;/b&gt;.'));
    assert.equal((await admin.get(`${articlePath}/versions/3`)).status, 404);

    const stale = await admin.post(articlePath, {
      title: 'Overwritten',
      body: 'Stale words.',
      audience: 'advisor',
      version: '1',
    });
    assert.equal(stale.status, 409);
    assert.match(stale.errorSummary[0] ?? '', /Someone else changed this article/);
  });

  it('finds articles by their words, with the match marked in an escaped snippet, and filters them', async () => {
    const found = await advisor.get('/staff/knowledge?q=missed+collection');
    assert.equal(found.status, 200);
    const titles = found.dom.querySelectorAll('main h2 a').map((link) => link.text.trim());
    assert.deepEqual(titles, ['Missed bin collections']);
    const marks = found.dom.querySelectorAll('main mark').map((mark) => mark.text);
    assert.ok(marks.includes('missed'), marks.join(','));
    assert.ok(found.html.includes('1 article found for ‘missed collection’'));

    const publicOnly = await advisor.get(`/staff/knowledge?service=${binsId}&audience=public`);
    assert.deepEqual(
      publicOnly.dom.querySelectorAll('main h2 a').map((link) => link.text.trim()),
      ['Bin collection days'],
    );
  });

  it('never lets an article’s text through as HTML, in the snippet either', async () => {
    await admin.get('/staff/knowledge/new');
    const created = await admin.post('/staff/knowledge', {
      title: 'Street trading licences',
      body: 'Burger <i>vans</i> & <img src=x onerror=alert(1)> stalls need a licence.',
      audience: 'advisor',
    });
    assert.equal(created.status, 303, created.errorSummary.join('; '));
    const found = await admin.get('/staff/knowledge?q=vans+licence');
    const snippet = found.dom.querySelectorAll('main li').find((item) => item.text.includes('Street trading licences'));
    assert.ok(snippet, 'the article is found');
    assert.ok(!found.html.includes('<img'), 'no markup from the article reaches the page');
    assert.deepEqual(
      snippet.querySelectorAll('mark').map((mark) => mark.text),
      ['vans', 'licence'],
    );
    assert.ok(snippet.innerHTML.includes('&amp;'), 'an ampersand is escaped');
    const page = await admin.get(created.location!);
    assert.ok(page.html.includes('Burger &lt;i&gt;vans&lt;/i&gt; &amp; &lt;img src=x onerror=alert(1)&gt; stalls'));
  });

  it('refuses a bad form with an error summary and saves nothing', async () => {
    const before = await articleCount();
    await admin.get('/staff/knowledge/new');
    const page = await admin.post('/staff/knowledge', { title: '', body: '', audience: '', serviceId: 'not-a-service' });
    assert.equal(page.status, 400);
    assert.match(page.dom.querySelector('title')?.text ?? '', /^Error:/);
    assert.deepEqual(page.errorSummary, [
      'Enter a title',
      'Enter the article',
      'Choose who the article is for',
      'Choose one of the council’s services, or no particular service',
    ]);
    assert.equal(page.dom.querySelector('.govuk-error-summary a')?.getAttribute('href'), '#title');
    assert.equal(await articleCount(), before);
  });

  it('refuses a form posted without its CSRF token', async () => {
    const before = await articleCount();
    await admin.get('/staff/knowledge/new');
    const page = await admin.post('/staff/knowledge', { title: 'Forged', body: 'Forged.', audience: 'public' }, { csrf: false });
    assert.equal(page.status, 403);
    assert.equal((await admin.post(`${articlePath}/archive`, { _csrf: 'forged' })).status, 403);
    assert.equal(await articleCount(), before);
  });

  it('shows the pages in Welsh, marking the English article as English', async () => {
    const switched = await advisor.get(`${articlePath}?lang=cy`);
    const page = switched.status === 303 ? await advisor.follow(switched) : switched;
    assert.equal(page.status, 200);
    assert.ok(page.html.includes('Gweld hanes y newidiadau'));
    assert.equal(page.dom.querySelector('h1')?.getAttribute('lang'), 'en');
    const list = await advisor.get('/staff/knowledge?q=bin');
    assert.equal(list.heading, 'Cronfa wybodaeth');
    await advisor.get('/staff/knowledge?lang=en');
  });

  it('lets an advisor read articles but not write them', async () => {
    assert.equal((await advisor.get(articlePath)).status, 200);
    assert.equal((await advisor.get(`${articlePath}/history`)).status, 200);
    assert.equal((await advisor.get('/staff/knowledge/new')).status, 403);
    assert.equal((await advisor.get(`${articlePath}/edit`)).status, 403);
    await advisor.get(articlePath);
    assert.equal((await advisor.post(`${articlePath}/archive`, {})).status, 403);
    const page = await advisor.get('/staff/knowledge');
    assert.equal(page.dom.querySelector('a[href="/staff/knowledge/new"]'), null);
  });

  it('shows a partner agency’s worker public articles only: an advisor article is not there', async () => {
    assert.equal((await partner.get(articlePath)).status, 404);
    assert.equal((await partner.get(`${articlePath}/history`)).status, 404);
    assert.equal((await partner.get(`${articlePath}/versions/1`)).status, 404);
    assert.equal((await partner.get(`/staff/knowledge/${publicArticleId}`)).status, 200);
    const list = await partner.get('/staff/knowledge?q=bin');
    assert.deepEqual(
      list.dom.querySelectorAll('main h2 a').map((link) => link.text.trim()),
      ['Bin collection days'],
    );
    assert.equal((await partner.get('/staff/knowledge/new')).status, 403);
  });
});
