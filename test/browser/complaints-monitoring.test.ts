// Complaint figures and the self-assessment in a real browser, with axe on every page: an analyst
// asks for a period with the date boxes (getting one wrong first), and a complaints officer
// answers a requirement of the Code.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { findFirstCouncil } from '../../src/organisations/repo.ts';
import { systemActor } from '../../src/platform/actor.ts';
import { browserSuite, openPage, signInAs } from '../support/browser.ts';
import { aStaffMember, type BuiltStaffMember } from '../support/builders.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const TIMEOUT = { timeout: 180_000 };

browserSuite('complaint figures in a browser', (browser) => {
  let server: TestServer;
  let analyst: BuiltStaffMember;
  let officer: BuiltStaffMember;
  before(async () => {
    server = await startTestServer();
    const councilId = (await findFirstCouncil(server.db))!.id;
    analyst = await aStaffMember(server.db, { roles: ['performance_analyst'] });
    officer = await aStaffMember(server.db, { roles: ['complaints_officer'] });
    const system = systemActor('test');
    const complaint = await server.services.complaints.record(
      system,
      { description: 'Bin not emptied', channel: 'phone', receivedAt: new Date(Date.now() - 86_400_000) },
      { council: councilId },
    );
    await server.services.complaints.acknowledge(system, complaint.reference);
  });
  after(() => server.close());

  for (const javaScript of [true, false]) {
    it(
      `shows an analyst the figures for the period they ask for (JavaScript ${javaScript ? 'on' : 'off'})`,
      TIMEOUT,
      async () => {
        const checked = await openPage(browser(), server.url, { javaScript });
        const { page } = checked;
        await signInAs(checked, analyst);
        await checked.navigate(() =>
          page.getByRole('navigation', { name: 'Staff desktop' }).getByRole('link', { name: 'Complaint figures' }).click(),
        );
        assert.equal((await page.locator('h1').innerText()).trim(), 'Complaint figures');

        const to = page.getByRole('group', { name: 'Up to' });
        await to.getByLabel('Year').fill('2001');
        await checked.navigate(() => page.getByRole('button', { name: 'Show figures' }).click());
        assert.match(
          await page.locator('.govuk-error-summary').innerText(),
          /The end of the period must be the same as or after its start/,
        );

        const year = String(new Date().getUTCFullYear() + 1);
        await page.getByRole('group', { name: 'Up to' }).getByLabel('Year').fill(year);
        await checked.navigate(() => page.getByRole('button', { name: 'Show figures' }).click());
        assert.equal(await page.locator('.govuk-error-summary').count(), 0);
        assert.match(await page.locator('#received').innerText(), /Complaints\s+1/);
        assert.equal(await page.getByRole('table', { name: 'Stages' }).count(), 1);
        await checked.done();
      },
    );
  }

  it('lets a complaints officer answer a requirement of the Code', TIMEOUT, async () => {
    const checked = await openPage(browser(), server.url);
    const { page } = checked;
    await signInAs(checked, officer);
    await checked.goto(`/staff/complaints/self-assessment/${server.services.complaintSelfAssessment.currentYear()}`);
    await checked.navigate(() =>
      page
        .locator('tr#policy_published')
        .getByRole('link', { name: /Answer/ })
        .click(),
    );
    await checked.navigate(() => page.getByRole('button', { name: 'Save' }).click());
    assert.match(await page.locator('.govuk-error-summary').innerText(), /Select whether we meet this requirement/);
    await page.getByLabel('Partly met').check();
    await page.getByLabel('Evidence').fill('The policy is on the website; the self-assessment is not yet.');
    await checked.navigate(() => page.getByRole('button', { name: 'Save' }).click());
    assert.match(await page.locator('tr#policy_published').innerText(), /Partly met/);
    await checked.done();
  });
});
