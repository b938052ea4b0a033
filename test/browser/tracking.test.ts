// A resident follows the private link from their email in a real browser, with JavaScript on and
// off: they read how their request is going, then say how satisfied they are once it is closed.
// axe checks every page on the way, the error summary included.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { findFirstCouncil } from '../../src/organisations/repo.ts';
import { systemActor, type StaffActor } from '../../src/platform/actor.ts';
import { aService, aStaffMember, aTeam } from '../support/builders.ts';
import { aPng } from '../support/files.ts';
import { browserSuite, openPage } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const TIMEOUT = { timeout: 120_000 };

browserSuite('tracking a request in a browser', (browser) => {
  let server: TestServer;
  let councilId: string;
  let officer: StaffActor;

  before(async () => {
    server = await startTestServer();
    const db = server.db;
    councilId = (await findFirstCouncil(db))!.id;
    const teamId = await aTeam(db, {
      organisationId: councilId,
      code: 'waste',
      name: 'Waste and Recycling',
      nameCy: 'Gwastraff ac Ailgylchu',
    });
    await aService(db, {
      councilId,
      teamId,
      code: 'missed-bin',
      name: 'Report a missed bin',
      nameCy: 'Rhoi gwybod am fin a fethwyd',
      slaWorkingDays: 2,
    });
    const member = await aStaffMember(db, { roles: ['officer'], name: 'Ceri Staff' });
    await db.insertInto('team_members').values({ team_id: teamId, user_id: member.id }).execute();
    officer = (await server.services.auth.signedInStaff(member.id, '192.0.2.1'))!.actor;
  });
  after(() => server.close());

  /** A request raised, worked and closed, with a photo the resident may see and a note they may not. */
  async function aClosedRequest(): Promise<{ reference: string; token: string }> {
    const raised = await server.services.cases.raise(
      systemActor('test'),
      { serviceCode: 'missed-bin', description: 'Grey bin not emptied', channel: 'web', location: { lat: 52.859, long: -3.054 } },
      { council: councilId },
    );
    const cases = server.services.cases;
    await cases.addUpdate(officer, raised.reference, {
      text: 'The crew will come back tomorrow',
      visibility: 'public',
      status: 'in_progress',
    });
    await cases.addUpdate(officer, raised.reference, { text: 'Crew forgot the street again', visibility: 'internal' });
    const stored = await server.services.files.put(aPng());
    await cases.attach(
      officer,
      raised.reference,
      { key: stored.key, fileName: 'Emptied bin.png', contentType: 'image/png', sizeBytes: stored.size, sha256: stored.sha256 },
      'public',
    );
    await cases.addUpdate(officer, raised.reference, {
      text: 'Your bin has been emptied',
      visibility: 'public',
      status: 'resolved',
    });
    await cases.addUpdate(officer, raised.reference, { text: 'Closing the request', visibility: 'public', status: 'closed' });
    const row = await server.db
      .selectFrom('cases')
      .select('tracking_token')
      .where('id', '=', raised.id)
      .executeTakeFirstOrThrow();
    return { reference: raised.reference, token: row.tracking_token };
  }

  for (const javaScript of [true, false]) {
    it(
      `shows the request's progress and takes the resident's answer (JavaScript ${javaScript ? 'on' : 'off'})`,
      TIMEOUT,
      async () => {
        const { reference, token } = await aClosedRequest();
        const checked = await openPage(browser(), server.url, { javaScript });
        const { page } = checked;

        await checked.goto(`/track/${token}`);
        assert.equal((await page.locator('h1').innerText()).trim(), `Your request ${reference}`);
        const timeline = await page.locator('.moj-timeline').innerText();
        assert.match(timeline, /Your bin has been emptied/);
        assert.match(timeline, /The crew will come back tomorrow/);
        assert.ok(!timeline.includes('Crew forgot'), 'no internal note');
        assert.ok(!(await page.content()).includes('Ceri Staff'), 'no member of staff by name');
        assert.ok(await page.getByRole('link', { name: 'Emptied bin.png' }).first().isVisible());

        await checked.navigate(() =>
          page.getByRole('link', { name: 'Tell us how satisfied you are with how we dealt with your request' }).click(),
        );
        assert.equal((await page.locator('h1').innerText()).trim(), 'How satisfied are you with how we dealt with your request?');

        // Sending nothing: the error summary, which links to the first choice.
        await checked.navigate(() => page.getByRole('button', { name: 'Send' }).click());
        assert.match(await page.title(), /^Error:/);
        assert.equal((await page.locator('.govuk-error-summary__list').innerText()).trim(), 'Select how satisfied you are');

        await page.getByLabel('Satisfied', { exact: true }).check();
        await page.getByLabel('Tell us more (optional)').fill('Sorted in a day. Thank you!');
        await checked.navigate(() => page.getByRole('button', { name: 'Send' }).click());
        assert.equal((await page.locator('.govuk-panel__title').innerText()).trim(), 'Thank you for your feedback');

        await checked.navigate(() => page.getByRole('link', { name: `Back to your request ${reference}` }).click());
        assert.equal(
          await page.getByRole('link', { name: 'Tell us how satisfied you are with how we dealt with your request' }).count(),
          0,
          'the request page no longer asks',
        );
        const row = await server.db
          .selectFrom('cases')
          .select(['satisfaction', 'satisfaction_comment'])
          .where('reference', '=', reference)
          .executeTakeFirstOrThrow();
        assert.deepEqual(row, { satisfaction: 4, satisfaction_comment: 'Sorted in a day. Thank you!' });
        await checked.done();
      },
    );
  }

  it('reads in Welsh, and explains in plain words when the request is not closed yet', TIMEOUT, async () => {
    const raised = await server.services.cases.raise(
      systemActor('test'),
      { serviceCode: 'missed-bin', description: 'Green bin missed', channel: 'web' },
      { council: councilId },
    );
    const { tracking_token: token } = await server.db
      .selectFrom('cases')
      .select('tracking_token')
      .where('id', '=', raised.id)
      .executeTakeFirstOrThrow();
    const checked = await openPage(browser(), server.url, { javaScript: false });
    const { page } = checked;
    await checked.goto(`/track/${token}`);
    await checked.navigate(() => page.getByRole('link', { name: 'Cymraeg' }).click());
    assert.equal(await page.getAttribute('html', 'lang'), 'cy');
    assert.equal((await page.locator('h1').innerText()).trim(), `Eich cais ${raised.reference}`);
    assert.match(await page.locator('.govuk-caption-l').innerText(), /Rhoi gwybod am fin a fethwyd/);
    assert.match(await page.locator('.govuk-body-l').innerText(), /^Ein nod yw gorffen erbyn /);

    await checked.goto(`/track/${token}/satisfaction`);
    assert.equal((await page.locator('h1').innerText()).trim(), 'Ni allwch ddweud wrthym eto');
    await checked.navigate(() => page.getByRole('link', { name: `Yn ôl i’ch cais ${raised.reference}` }).click());
    assert.equal(new URL(page.url()).pathname, `/track/${token}`);
    await checked.done();
  });
});
