// Keeping what the performance report shows, in a real browser: a performance analyst sets a
// target (after being told what is wrong with it), defines an indicator kept by hand and enters
// its value, and adds an action and marks it done. axe checks every page.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { browserSuite, openPage, signInAs } from '../support/browser.ts';
import { aStaffMember, type BuiltStaffMember } from '../support/builders.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

// The browser's own globals, for code run in the page (the project's TypeScript has no DOM types).
declare const document: { activeElement: unknown };

const TIMEOUT = { timeout: 180_000 };

browserSuite('keeping targets, manual indicators and actions in a browser', (browser) => {
  let server: TestServer;
  let analyst: BuiltStaffMember;
  before(async () => {
    server = await startTestServer();
    analyst = await aStaffMember(server.db, { roles: ['performance_analyst'], name: 'Anwen Analyst' });
  });
  after(() => server.close());

  it('sets a target, defines a manual indicator and enters its value, and adds and completes an action', TIMEOUT, async () => {
    const checked = await openPage(browser(), server.url);
    const { page } = checked;
    await signInAs(checked, analyst);

    // A target for the first four months of 2026 to 2027.
    await checked.goto('/staff/performance/targets?from=2026-04-01&to=2026-08-01');
    assert.equal((await page.locator('h1').innerText()).trim(), 'Targets and benchmarks');
    await checked.navigate(() =>
      page.locator('#indicator-first_contact_resolution').getByRole('link', { name: 'Change First-contact resolution' }).click(),
    );
    assert.equal((await page.locator('h1').innerText()).trim(), 'Target for First-contact resolution');
    await page.getByLabel('Target', { exact: true }).fill('150');
    await page.getByLabel('Tolerance', { exact: true }).fill('2.5');
    await checked.navigate(() => page.getByRole('button', { name: 'Save target' }).click());
    assert.match(await page.title(), /^Error: Target for First-contact resolution/);
    await page.locator('.govuk-error-summary__list a').click();
    assert.ok(
      await page.getByLabel('Target', { exact: true }).evaluate((element) => element === document.activeElement),
      'the summary leads to the target box',
    );
    await page.getByLabel('Target', { exact: true }).fill('72.5');
    await page.getByLabel('Owner', { exact: true }).fill('Customer services manager');
    await page.getByLabel('Comment', { exact: true }).fill('Web chat opened in May.');
    await checked.navigate(() => page.getByRole('button', { name: 'Save target' }).click());
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /The target has been saved/);
    const row = await page.locator('#indicator-first_contact_resolution').innerText();
    assert.match(row, /72\.5%/);
    assert.match(row, /Customer services manager/);

    // An indicator kept by hand, and its value for the same four months.
    await checked.navigate(() => page.getByRole('link', { name: 'Indicators kept by hand' }).click());
    await checked.navigate(() => page.getByRole('button', { name: 'Define an indicator' }).click());
    await page.getByLabel('Name', { exact: true }).fill('Residents satisfied with the website');
    await page.getByLabel('Percentage').check();
    await page.getByLabel('Higher is better').check();
    await page.getByLabel('Definition').fill('From the residents’ survey, question 12.');
    await checked.navigate(() => page.getByRole('button', { name: 'Define indicator' }).click());
    assert.equal((await page.locator('h1').innerText()).trim(), 'Residents satisfied with the website');
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /The indicator has been defined/);

    await checked.navigate(() => page.getByRole('button', { name: 'Enter a value' }).click());
    await page.locator('#from-day').fill('1');
    await page.locator('#from-month').fill('4');
    await page.locator('#from-year').fill('2026');
    await page.locator('#last-day').fill('31');
    await page.locator('#last-month').fill('7');
    await page.locator('#last-year').fill('2026');
    await page.getByLabel('Value', { exact: true }).fill('61.5');
    await page.getByLabel('Evidence', { exact: true }).fill('Residents’ survey, May 2026');
    await checked.navigate(() => page.getByRole('button', { name: 'Save value' }).click());
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /The value has been saved/);
    assert.match(await page.locator('#values').innerText(), /61\.5%/);

    // An action for avoidable contact, then marked done.
    await checked.goto('/staff/performance/actions');
    await checked.navigate(() => page.getByRole('button', { name: 'Add an action' }).click());
    await page.getByLabel('Action', { exact: true }).fill('Cut chasing calls');
    await page.getByLabel('Indicator it serves').selectOption({ label: 'Avoidable contact' });
    await page.getByLabel('Progress made').fill('Texts sent when a case moves on.');
    await page.getByLabel('Issues to be addressed').fill('Templates need approving.');
    await page.getByLabel('Who', { exact: true }).fill('Head of customer services');
    await page.locator('#due-day').fill('31');
    await page.locator('#due-month').fill('10');
    await page.locator('#due-year').fill('2026');
    await page.getByLabel('On track').check();
    await checked.navigate(() => page.getByRole('button', { name: 'Add action' }).click());
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /The action has been added/);
    assert.match(await page.locator('#open-actions').innerText(), /Cut chasing calls/);

    await checked.navigate(() => page.locator('#open-actions').getByRole('link', { name: 'Cut chasing calls' }).click());
    await page.getByLabel('Done', { exact: true }).check();
    await checked.navigate(() => page.getByRole('button', { name: 'Save', exact: true }).click());
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /The action has been changed/);
    assert.match(await page.locator('#done-actions').innerText(), /Cut chasing calls/);
    assert.equal(await page.locator('#open-actions').count(), 0);

    assert.ok(await page.locator('a[href="/staff/performance"]').count(), 'a way back to the report');
    await checked.done();
  });
});
