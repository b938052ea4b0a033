// The performance report in a real browser, with axe on every page (the charts included): an
// analyst opens it from the navigation, gets the period wrong and then right with the date boxes,
// and follows an indicator to its definition; then the report on paper, with the navigation, the
// form and the download links left out and the tables kept.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { findFirstCouncil } from '../../src/organisations/repo.ts';
import { browserSuite, openPage, signInAs } from '../support/browser.ts';
import { aStaffMember, type BuiltStaffMember } from '../support/builders.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const TIMEOUT = { timeout: 180_000 };

browserSuite('the performance report in a browser', (browser) => {
  let server: TestServer;
  let analyst: BuiltStaffMember;
  before(async () => {
    server = await startTestServer();
    const councilId = (await findFirstCouncil(server.db))!.id;
    analyst = await aStaffMember(server.db, { roles: ['performance_analyst'] });
    const contacts = [
      ['2026-05-12T09:00:00Z', 'phone', 'resolved_first_contact'],
      ['2026-05-13T09:00:00Z', 'web', 'resolved_first_contact'],
      ['2026-06-02T09:00:00Z', 'phone', 'case_raised'],
      ['2026-06-03T09:00:00Z', 'email', 'resolved_first_contact'],
      ['2026-06-04T09:00:00Z', 'chat', 'abandoned'],
    ] as const;
    for (const [startedAt, channel, outcome] of contacts)
      await server.db
        .insertInto('contacts')
        .values({
          council_id: councilId,
          channel,
          outcome,
          started_at: new Date(startedAt),
          ended_at: new Date(Date.parse(startedAt) + 300_000),
        })
        .execute();
    await server.db
      .insertInto('performance_targets')
      .values({
        council_id: councilId,
        indicator: 'first_contact_resolution',
        period_from: '2026-05-01',
        period_to: '2026-07-01',
        target: 70,
        tolerance: 5,
      })
      .execute();
    await server.db
      .insertInto('performance_actions')
      .values({
        council_id: councilId,
        indicator: 'first_contact_resolution',
        title: 'Call back within a day',
        owner: 'Contact centre manager',
        due_on: '2026-09-30',
        status: 'at_risk',
      })
      .execute();
  });
  after(() => server.close());

  for (const javaScript of [true, false]) {
    it(
      `takes an analyst from the navigation to a period’s report and an indicator’s definition (JavaScript ${javaScript ? 'on' : 'off'})`,
      TIMEOUT,
      async () => {
        const checked = await openPage(browser(), server.url, { javaScript });
        const { page } = checked;
        await signInAs(checked, analyst);
        await checked.navigate(() =>
          page
            .getByRole('navigation', { name: 'Staff desktop' })
            .getByRole('link', { name: 'Performance report', exact: true })
            .click(),
        );
        assert.equal((await page.locator('h1').innerText()).trim(), 'Performance report');
        assert.equal(await page.locator('svg[role="img"]').count(), 1, 'the status chart, whatever the period');

        const from = page.getByRole('group', { name: 'From', exact: true });
        const to = page.getByRole('group', { name: 'To', exact: true });
        await from.getByLabel('Day').fill('1');
        await from.getByLabel('Month').fill('5');
        await from.getByLabel('Year').fill('2026');
        await to.getByLabel('Day').fill('30');
        await to.getByLabel('Month').fill('4');
        await to.getByLabel('Year').fill('2026');
        await checked.navigate(() => page.getByRole('button', { name: 'Show report' }).click());
        assert.match(
          await page.locator('.govuk-error-summary').innerText(),
          /The last day of the period must be the same as or after its first day/,
        );
        assert.match(await page.title(), /^Error:/);

        await page.getByRole('group', { name: 'To', exact: true }).getByLabel('Month').fill('6');
        await checked.navigate(() => page.getByRole('button', { name: 'Show report' }).click());
        assert.equal(await page.locator('.govuk-error-summary').count(), 0);
        assert.equal((await page.locator('#period').innerText()).trim(), 'From 1 May 2026 to 30 June 2026');
        // 3 resolved at first contact of 4 answered: 75% against 70, green.
        const resolution = page.locator('#indicator-first_contact_resolution');
        assert.match(await resolution.innerText(), /75\.0%/);
        assert.match(await resolution.locator('.govuk-tag').innerText(), /Green/i);
        assert.equal(await page.getByRole('img', { name: 'Contacts per month by channel' }).count(), 1);
        assert.equal(await page.getByRole('img', { name: 'First-contact resolution by channel' }).count(), 1);
        assert.equal(await page.getByRole('table', { name: 'Contacts per month by channel: the figures' }).count(), 1);
        assert.match(
          await page.getByRole('table', { name: 'Action tracker' }).innerText(),
          /Call back within a day[\s\S]*At risk/,
        );

        await checked.navigate(() => resolution.getByRole('link', { name: 'First-contact resolution' }).click());
        assert.equal((await page.locator('h1').innerText()).trim(), 'First-contact resolution');
        assert.match(await page.locator('#definition').innerText(), /resolved at first contact/);
        await checked.done();
      },
    );
  }

  it('prints the report without the navigation, the form or the download links', TIMEOUT, async () => {
    const checked = await openPage(browser(), server.url);
    const { page } = checked;
    await signInAs(checked, analyst);
    await checked.goto('/staff/performance?from=2026-05-01&to=2026-06-30');
    const onScreen = await page.screenshot({ fullPage: true });
    // The breakdowns are folded away in details on screen.
    assert.equal(await page.locator('#breakdown-first_contact_resolution').isVisible(), false, 'folded on screen');

    await page.emulateMedia({ media: 'print' });
    const onPaper = await page.screenshot({ fullPage: true });
    assert.ok(onPaper.length > 0 && !onPaper.equals(onScreen), 'the page looks different on paper');
    for (const selector of [
      '.moj-primary-navigation',
      '.moj-header',
      'form[action="/staff/performance"]',
      '#download-csv',
      '#download-pdf',
      '.govuk-footer',
    ]) {
      assert.equal(await page.locator(selector).first().isVisible(), false, `${selector} is left off paper`);
    }
    // Kept on paper: the tables, the charts, and the breakdowns opened.
    for (const selector of [
      'h1',
      '#summary',
      '#indicators',
      '#actions',
      '#channel-shift-table',
      'svg[role="img"]',
      '#breakdown-first_contact_resolution',
    ]) {
      assert.equal(await page.locator(selector).first().isVisible(), true, `${selector} is printed`);
    }
    // The navigation takes no room on paper: the heading starts near the top of the page.
    const heading = await page.locator('h1').boundingBox();
    assert.ok(heading && heading.y < 150, `the heading is at ${heading?.y}`);
    await page.emulateMedia({ media: 'screen' });
    await checked.check();
    await checked.done();
  });
});
