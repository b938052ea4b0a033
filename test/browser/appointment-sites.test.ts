// Setting up appointments in a real browser, with axe on every page: an administrator reaches the
// set-up from the navigation, adds a one-stop shop (after the error summary leads them to what is
// missing), gives it opening hours (a mistake corrected), a closure day and a counter, then makes a
// catalogue service take appointments there.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Page } from 'playwright-core';
import { findFirstCouncil } from '../../src/organisations/repo.ts';
import { todayInLondon } from '../../src/platform/forms.ts';
import { addCalendarDays } from '../../src/services/calendar.ts';
import { aService, aTeam } from '../support/builders.ts';
import { browserSuite, openPage, signInAs } from '../support/browser.ts';
import { ADMIN, startTestServer, type TestServer } from '../support/server.ts';

// The browser's own globals, for code run in the page (the project's TypeScript has no DOM types).
declare const document: { activeElement: { id?: string } | null };

const TIMEOUT = { timeout: 180_000 };

async function heading(page: Page): Promise<string> {
  return (await page.locator('h1').first().innerText()).trim().replace(/\s+/g, ' ');
}

browserSuite('setting up appointments in a browser', (browser) => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    const councilId = (await findFirstCouncil(server.db))!.id;
    const team = await aTeam(server.db, { organisationId: councilId, code: 'registrars', name: 'Registrars' });
    await aService(server.db, {
      councilId,
      teamId: team,
      code: 'give-notice',
      name: 'Give notice of marriage',
      slaWorkingDays: 5,
    });
  });
  after(() => server.close());

  it('adds a shop with its hours, a closure and a counter, and a service booked there', TIMEOUT, async () => {
    const checked = await openPage(browser(), server.url);
    const { page } = checked;
    await signInAs(checked, ADMIN);
    await checked.navigate(() =>
      page.getByRole('navigation', { name: 'Staff desktop' }).getByRole('link', { name: 'Appointment set-up' }).click(),
    );
    assert.equal(await heading(page), 'Sites');

    // A site with nothing filled in: the summary leads to the first thing to fix.
    await checked.navigate(() => page.getByRole('button', { name: 'Add a site' }).click());
    await checked.navigate(() => page.getByRole('button', { name: 'Add site' }).click());
    assert.match(await page.title(), /^Error: Add a site/);
    await page.locator('.govuk-error-summary__list a').first().click();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'kind', 'the summary leads to the first choice');
    await page.getByLabel('One-stop shop').check();
    await page.getByLabel('Name', { exact: true }).fill('Whitchurch one-stop shop');
    await page.getByLabel('Name in Welsh').fill('Siop un stop yr Eglwys Wen');
    await page.getByLabel('Building and street').fill('Civic Centre, High Street');
    await page.getByLabel('Town or city').fill('Whitchurch');
    await page.getByLabel('Postcode').fill('SY13 1AX');
    await checked.navigate(() => page.getByRole('button', { name: 'Add site' }).click());
    assert.equal(await heading(page), 'Whitchurch one-stop shop');
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /The site has been added/);

    // Opening hours: closing before opening is refused and put right.
    await page.getByLabel('Day of the week').selectOption({ label: 'Tuesday' });
    await page.getByLabel('Opens at').fill('09:00');
    await page.getByLabel('Closes at').fill('08:30');
    await checked.navigate(() => page.getByRole('button', { name: 'Add opening hours' }).click());
    assert.match(await page.locator('.govuk-error-summary').innerText(), /The closing time must be after the opening time/);
    await page.locator('.govuk-error-summary a[href="#session-closes"]').click();
    await page.getByLabel('Closes at').fill('13:00');
    await checked.navigate(() => page.getByRole('button', { name: 'Add opening hours' }).click());
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /The session has been added/);
    const hours = page.locator('table').filter({ hasText: 'Tuesday' });
    assert.match(await hours.innerText(), /09:00\s+13:00/);

    const date = addCalendarDays(todayInLondon(), 15);
    await page.getByLabel('Day', { exact: true }).fill(String(Number(date.slice(8, 10))));
    await page.getByLabel('Month').fill(String(Number(date.slice(5, 7))));
    await page.getByLabel('Year').fill(date.slice(0, 4));
    await page.getByLabel('Reason').fill('Staff training');
    await checked.navigate(() => page.getByRole('button', { name: 'Add closure day' }).click());
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /The closure day has been added/);
    assert.equal(await page.locator('tbody tr').filter({ hasText: 'Staff training' }).count(), 1);

    await page.getByLabel('Name', { exact: true }).fill('Desk 1');
    await checked.navigate(() => page.getByRole('button', { name: 'Add a counter' }).click());
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /The counter has been added/);

    // The service, set up from the list of services that take appointments.
    await checked.navigate(() => page.getByRole('link', { name: 'Back to sites' }).click());
    await checked.navigate(() => page.getByRole('link', { name: 'Services that take appointments' }).click());
    await page.getByLabel('Service', { exact: true }).selectOption({ label: 'Give notice of marriage' });
    await checked.navigate(() => page.getByRole('button', { name: 'Continue' }).click());
    assert.equal(await heading(page), 'Appointments for Give notice of marriage');
    await page.getByLabel('Length of an appointment').fill('45');
    await checked.navigate(() => page.getByRole('button', { name: 'Save' }).click());
    assert.match(await page.locator('.govuk-error-summary').innerText(), /Select at least one site/);
    await page.getByLabel('Whitchurch one-stop shop').check();
    await checked.navigate(() => page.getByRole('button', { name: 'Save' }).click());
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /The appointment settings have been saved/);
    const row = page.locator('tbody tr').filter({ hasText: 'Give notice of marriage' });
    assert.match(await row.innerText(), /45 minutes/);
    assert.match(await row.innerText(), /Whitchurch one-stop shop/);
    await checked.done();
  });
});
