// A resident's private tracking link over real HTTP: the page shows the public side of their
// request only (no internal notes, no staff names), is never cached, indexed or leaked in a
// Referer, serves only its own case's public files, and asks once how satisfied they are.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { saveProperties } from '../../src/gazetteer/service.ts';
import { findFirstCouncil } from '../../src/organisations/repo.ts';
import { systemActor, type StaffActor } from '../../src/platform/actor.ts';
import { aService, aStaffMember, aTeam } from '../support/builders.ts';
import { aPdf, aPng } from '../support/files.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { Page } from '../support/web.ts';

const UPRN = 10_070_000_001;

describe('tracking a request with its private link', () => {
  let server: TestServer;
  let councilId: string;
  let officer: StaffActor;

  before(async () => {
    server = await startTestServer();
    const db = server.db;
    councilId = (await findFirstCouncil(db))!.id;
    const teamId = await aTeam(db, { organisationId: councilId, code: 'street-scene', name: 'Street Scene', nameCy: 'Strydlun' });
    await aService(db, {
      councilId,
      teamId,
      code: 'fly-tipping',
      name: 'Report fly-tipping',
      nameCy: 'Rhoi gwybod am dipio anghyfreithlon',
      slaWorkingDays: 5,
    });
    await db
      .transaction()
      .execute((trx) =>
        saveProperties(trx, councilId, [
          { uprn: UPRN, line1: '7 Willow Street', town: 'Oswestry', postcode: 'SY11 1AA', latitude: 52.86, longitude: -3.05 },
        ]),
      );
    const member = await aStaffMember(db, { roles: ['officer'], name: 'Gwilym Prydderch' });
    await db.insertInto('team_members').values({ team_id: teamId, user_id: member.id }).execute();
    officer = (await server.services.auth.signedInStaff(member.id, '192.0.2.1'))!.actor;
  });
  after(() => server.close());

  /** Raises a case at a property and returns its reference and tracking token. */
  async function aCase(description = 'Mattress dumped in the lane'): Promise<{ reference: string; token: string }> {
    const raised = await server.services.cases.raise(
      systemActor('test'),
      { serviceCode: 'fly-tipping', description, channel: 'web', location: { uprn: UPRN } },
      { council: councilId },
    );
    const row = await server.db
      .selectFrom('cases')
      .select('tracking_token')
      .where('id', '=', raised.id)
      .executeTakeFirstOrThrow();
    return { reference: raised.reference, token: row.tracking_token };
  }

  async function attach(reference: string, visibility: 'public' | 'internal', fileName: string, content = aPng()) {
    const stored = await server.services.files.put(content);
    return await server.services.cases.attach(
      officer,
      reference,
      {
        key: stored.key,
        fileName,
        contentType: fileName.endsWith('.pdf') ? 'application/pdf' : 'image/png',
        sizeBytes: stored.size,
        sha256: stored.sha256,
      },
      visibility,
    );
  }

  const update = (
    reference: string,
    text: string,
    visibility: 'public' | 'internal',
    status?: 'in_progress' | 'resolved' | 'closed',
  ) => server.services.cases.addUpdate(officer, reference, { text, visibility, ...(status ? { status } : {}) });

  const timelineTitles = (page: Page) => page.dom.querySelectorAll('.moj-timeline__title').map((title) => title.text.trim());

  function assertPrivate(page: Page) {
    assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
    assert.match(page.headers.get('cache-control') ?? '', /no-store/);
    assert.equal(page.headers.get('x-robots-tag'), 'noindex');
  }

  it('shows the request, its status and due date, where it is, and the public updates newest first – never an internal note or a name', async () => {
    const { reference, token } = await aCase();
    await update(reference, 'A crew will collect it on Thursday', 'public', 'in_progress');
    await update(reference, 'Resident sounded upset; neighbour dispute', 'internal');
    await update(reference, 'Collected this morning', 'public');

    const page = await server.client().get(`/track/${token}`);
    assert.equal(page.status, 200);
    assertPrivate(page);
    assert.equal(page.heading, `Your request ${reference}`);
    const summary = page.dom.querySelector('.govuk-summary-list')!.text.replace(/\s+/g, ' ');
    assert.match(summary, /Report fly-tipping/);
    assert.match(summary, /In progress/);
    assert.match(summary, /7 Willow Street, Oswestry, SY11 1AA/);
    assert.ok(page.dom.querySelector('.govuk-tag.govuk-tag--blue'), 'the status is a GOV.UK tag');
    assert.match(page.dom.querySelector('.govuk-body-l')!.text, /^We aim to finish by \d{1,2} \w+ \d{4}\.$/);

    assert.deepEqual(timelineTitles(page), ['Update', 'Status changed to In progress', 'Request received']);
    const texts = page.dom.querySelectorAll('.moj-timeline__description').map((item) => item.text.trim());
    assert.deepEqual(texts.slice(0, 2), ['Collected this morning', 'A crew will collect it on Thursday']);
    assert.ok(!page.html.includes('neighbour dispute'), 'the internal note is not shown');
    assert.ok(!page.html.includes('Gwilym') && !page.html.includes('Prydderch'), 'no member of staff is named');
    assert.ok(!page.html.includes('Mattress dumped'), 'nor the description staff may have written');
    assert.match(page.dom.querySelector('.moj-timeline__byline')!.text, /^by Street Scene$/);
  });

  it('answers an unknown or malformed token with the portal’s "Page not found", still private', async () => {
    for (const token of ['A'.repeat(43), 'not-a-token', '..%2F..%2Fetc']) {
      for (const path of [`/track/${token}`, `/track/${token}/satisfaction`]) {
        const page = await server.client().get(path);
        assert.equal(page.status, 404, path);
        assert.equal(page.heading, 'Page not found', path);
        assertPrivate(page);
      }
    }
  });

  it('downloads a public file of this case only: not an internal one, nor another case’s', async () => {
    const mine = await aCase();
    const theirs = await aCase('Fridge on the verge');
    const photo = await attach(mine.reference, 'public', 'Photo of the lane.png');
    const internal = await attach(mine.reference, 'internal', 'Officer notes.pdf', aPdf());
    const elsewhere = await attach(theirs.reference, 'public', 'Their photo.png');

    const page = await server.client().get(`/track/${mine.token}`);
    const links = page.dom.querySelectorAll('a[href*="/attachments/"]').map((link) => link.getAttribute('href'));
    assert.ok(links.includes(`/track/${mine.token}/attachments/${photo}`));
    assert.ok(!page.html.includes('Officer notes'), 'an internal file is not listed');
    assert.ok(timelineTitles(page).includes('File added'));

    const response = await fetch(`${server.url}/track/${mine.token}/attachments/${photo}`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-disposition') ?? '', /^attachment; filename="Photo of the lane.png"/);
    assert.equal(response.headers.get('content-type'), 'image/png');
    assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
    assert.deepEqual(Buffer.from(await response.arrayBuffer()), aPng());

    for (const id of [internal, elsewhere, 'not-an-id', '00000000-0000-4000-8000-000000000000']) {
      const refused = await server.client().get(`/track/${mine.token}/attachments/${id}`);
      assert.equal(refused.status, 404, id);
      assert.equal(refused.heading, 'Page not found');
    }
  });

  it('explains, rather than fails, when the request is not closed yet', async () => {
    const { reference, token } = await aCase();
    await update(reference, 'Cleared', 'public', 'resolved');
    const client = server.client();
    const page = await client.get(`/track/${token}/satisfaction`);
    assert.equal(page.status, 200);
    assertPrivate(page);
    assert.equal(page.heading, 'You cannot tell us yet');
    assert.equal(page.dom.querySelectorAll('form').length, 0);
    assert.equal(page.dom.querySelectorAll('.govuk-error-summary').length, 0);
    assert.ok(!(await client.get(`/track/${token}`)).html.includes('/satisfaction'), 'the request page does not ask yet');
  });

  it('asks once the request is closed: nothing chosen is a 400 with an error summary; an answer is recorded once', async () => {
    const { reference, token } = await aCase();
    await update(reference, 'Cleared', 'public', 'resolved');
    await update(reference, 'Closing this now', 'public', 'closed');
    const client = server.client();

    const tracking = await client.get(`/track/${token}`);
    assert.deepEqual(timelineTitles(tracking).slice(0, 2), ['Closed', 'Resolved']);
    assert.ok(tracking.dom.querySelector(`a[href="/track/${token}/satisfaction"]`), 'the request page asks');

    const form = await client.get(`/track/${token}/satisfaction`);
    assert.equal(form.status, 200);
    assert.equal(form.heading, 'How satisfied are you with how we dealt with your request?');
    assert.deepEqual(
      form.dom.querySelectorAll('input[name="score"]').map((input) => input.getAttribute('value')),
      ['5', '4', '3', '2', '1'],
    );

    const nothing = await client.post(`/track/${token}/satisfaction`, { comment: 'Quick work' });
    assert.equal(nothing.status, 400);
    assert.deepEqual(nothing.errorSummary, ['Select how satisfied you are']);
    assert.equal(nothing.dom.querySelector('.govuk-error-summary a')!.getAttribute('href'), '#score');
    assert.match(nothing.dom.querySelector('title')!.text, /^Error:/);
    assert.equal(nothing.dom.querySelector('textarea[name="comment"]')!.text, 'Quick work', 'the comment is kept');

    const tooLong = await client.post(`/track/${token}/satisfaction`, { score: '4', comment: 'x'.repeat(2001) });
    assert.equal(tooLong.status, 400);
    assert.deepEqual(tooLong.errorSummary, ['Your comment must be 2000 characters or fewer']);

    const withoutToken = await client.post(`/track/${token}/satisfaction`, { score: '4', _csrf: 'forged' });
    assert.equal(withoutToken.status, 403, 'a form without its CSRF token is refused');

    const sent = await client.post(`/track/${token}/satisfaction`, { score: '4', comment: 'Quick work, thank you' });
    assert.equal(sent.status, 303);
    assert.equal(sent.location, `/track/${token}/satisfaction/thank-you`);
    const thanks = await client.follow(sent);
    assert.equal(thanks.status, 200);
    assert.equal(thanks.dom.querySelector('.govuk-panel__title')!.text.trim(), 'Thank you for your feedback');
    assertPrivate(thanks);

    const again = await client.post(`/track/${token}/satisfaction`, { score: '1' });
    assert.equal(again.status, 409);
    assert.equal(again.heading, 'You have already told us');
    assert.equal((await client.get(`/track/${token}/satisfaction`)).heading, 'You have already told us');
    const row = await server.db
      .selectFrom('cases')
      .select(['satisfaction', 'satisfaction_comment'])
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    assert.deepEqual(row, { satisfaction: 4, satisfaction_comment: 'Quick work, thank you' });
  });

  it('is in Welsh for a resident who chose Cymraeg, with the service’s and the team’s Welsh names', async () => {
    const { reference, token } = await aCase();
    await update(reference, 'Mae’r criw ar y ffordd', 'public', 'in_progress');
    await update(reference, 'Cleared', 'public', 'resolved');
    await update(reference, 'Closing', 'public', 'closed');
    const client = server.client();
    const switched = await client.get(`/track/${token}?lang=cy`);
    assert.equal(switched.status, 303);
    assert.match(switched.headers.get('cache-control') ?? '', /no-store/, 'the token in the address is not cached');
    assert.equal(switched.headers.get('referrer-policy'), 'no-referrer');
    const page = await client.follow(switched);
    assert.equal(page.dom.querySelector('html')!.getAttribute('lang'), 'cy');
    assert.equal(page.heading, `Eich cais ${reference}`);
    assert.match(page.html, /Rhoi gwybod am dipio anghyfreithlon/);
    assert.match(page.dom.querySelector('.moj-timeline__byline')!.text, /^gan Strydlun$/);
    assert.deepEqual(timelineTitles(page).slice(0, 2), ['Wedi’i gau', 'Wedi’i ddatrys']);

    const form = await client.get(`/track/${token}/satisfaction`);
    assert.equal(form.heading, 'Pa mor fodlon ydych chi â’r ffordd yr aethom ati i ddelio â’ch cais?');
    assert.match(form.html, /Bodlon iawn/);
    const nothing = await client.post(`/track/${token}/satisfaction`, {});
    assert.equal(nothing.status, 400);
    assert.deepEqual(nothing.errorSummary, ['Dewiswch pa mor fodlon ydych chi']);
  });

  it('answers a filled-in honeypot as if it had worked, and records nothing', async () => {
    const { reference, token } = await aCase();
    await update(reference, 'Cleared', 'public', 'resolved');
    await update(reference, 'Closing', 'public', 'closed');
    const client = server.client();
    const form = await client.get(`/track/${token}/satisfaction`);
    assert.ok(form.dom.querySelector('[hidden] input[name="website"]'), 'the form has the hidden box');
    const sent = await client.post(`/track/${token}/satisfaction`, { score: '1', website: 'http://spam.example' });
    assert.equal(sent.status, 303);
    assert.equal(sent.location, `/track/${token}/satisfaction/thank-you`);
    const row = await server.db
      .selectFrom('cases')
      .select(['satisfaction'])
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    assert.equal(row.satisfaction, null);
  });

  it('limits answers from one address, as the other public forms do', async () => {
    const { reference, token } = await aCase();
    await update(reference, 'Cleared', 'public', 'resolved');
    await update(reference, 'Closing', 'public', 'closed');
    const client = server.client();
    await client.get(`/track/${token}/satisfaction`);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 11; attempt++) statuses.push((await client.post(`/track/${token}/satisfaction`, {})).status);
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill(400), 'nothing chosen: the error summary each time');
    assert.equal(statuses[10], 429);
    // Another address is not held back by this one.
    const neighbour = server.client();
    await neighbour.get(`/track/${token}/satisfaction`);
    assert.equal((await neighbour.post(`/track/${token}/satisfaction`, {})).status, 400);
  });
});
