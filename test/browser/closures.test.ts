// Closure days in a real browser: an administrator reaches the page from the navigation, is told
// what to fix in a date, adds a day and removes it. axe checks every page.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { todayInLondon } from '../../src/platform/forms.ts';
import { addCalendarDays } from '../../src/services/calendar.ts';
import { browserSuite, openPage, signInAs } from '../support/browser.ts';
import { ADMIN, startTestServer, type TestServer } from '../support/server.ts';

// The browser's own globals, for code run in the page (the project's TypeScript has no DOM types).
declare const document: { activeElement: unknown };

const TIMEOUT = { timeout: 120_000 };

browserSuite('closure days in a browser', (browser) => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('adds a closure day through the page, after fixing the date, and removes it', TIMEOUT, async () => {
    const checked = await openPage(browser(), server.url);
    const { page } = checked;
    await signInAs(checked, ADMIN);
    await checked.navigate(() =>
      page.getByRole('navigation', { name: 'Staff desktop' }).getByRole('link', { name: 'Closure days' }).click(),
    );
    assert.equal((await page.locator('h1').innerText()).trim(), 'Closure days');

    const date = addCalendarDays(todayInLondon(), 20);
    await page.getByLabel('Day').fill('31');
    await page.getByLabel('Month').fill('2');
    await page.getByLabel('Year').fill(date.slice(0, 4));
    await page.getByLabel('Reason').fill('Staff training day');
    await checked.navigate(() => page.getByRole('button', { name: 'Add closure day' }).click());
    assert.match(await page.title(), /^Error: Closure days/);
    await page.locator('.govuk-error-summary__list a').click();
    assert.ok(
      await page.getByLabel('Day').evaluate((element) => element === document.activeElement),
      'the summary leads to the day box',
    );

    await page.getByLabel('Day').fill(String(Number(date.slice(8, 10))));
    await page.getByLabel('Month').fill(String(Number(date.slice(5, 7))));
    await checked.navigate(() => page.getByRole('button', { name: 'Add closure day' }).click());
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /The closure day has been added/);
    const row = page.locator('tbody tr').filter({ hasText: 'Staff training day' });
    await checked.navigate(() => row.getByRole('button', { name: /Remove/ }).click());
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /The closure day has been removed/);
    assert.equal(await page.locator('tbody tr').filter({ hasText: 'Staff training day' }).count(), 0);
    await checked.done();
  });
});
