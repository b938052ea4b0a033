// The face-to-face queue in a real browser, with axe on every page: a resident checks in at the
// kiosk with their reference (and, with JavaScript off, a walk-in takes a ticket); the waiting
// area's screen is open; an advisor calls the next person, and the screen, polling by itself,
// announces the ticket and the desk; the advisor records them seen and finished; a team leader
// reads the figures.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Page } from 'playwright-core';
import { aBookableService, type BookableFixture } from '../support/appointments.ts';
import { aStaffMember, type BuiltStaffMember } from '../support/builders.ts';
import { browserSuite, openPage, signInAs } from '../support/browser.ts';
import { aCounter, anAppointment, aResident } from '../support/queue.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { findFirstCouncil } from '../../src/organisations/repo.ts';
import { todayInLondon } from '../../src/platform/forms.ts';
import { startOfLondonDay } from '../../src/services/calendar.ts';

const TIMEOUT = { timeout: 180_000 };
const ALL_DAY: [number, string, string][] = [1, 2, 3, 4, 5, 6, 7].map((day) => [day, '00:00', '23:30']);

async function heading(page: Page): Promise<string> {
  return (await page.locator('h1').first().innerText()).trim().replace(/\s+/g, ' ');
}

browserSuite('the face-to-face queue in a browser', (browser) => {
  let server: TestServer;
  let registrars: BookableFixture;
  let reference: string;
  let advisor: BuiltStaffMember;
  let teamLeader: BuiltStaffMember;

  before(async () => {
    server = await startTestServer();
    const db = server.db;
    const councilId = (await findFirstCouncil(db))!.id;
    const today = todayInLondon();
    const startOfToday = startOfLondonDay(today);
    await db.deleteFrom('bank_holidays').where('date', '=', today).execute();
    registrars = await aBookableService(db, { councilId, sessions: ALL_DAY, now: startOfToday, name: 'Register a birth' });
    await aCounter(db, registrars.siteId, 'Desk 3');
    const customerId = await aResident(db, councilId, { givenName: 'Gwen', familyName: 'Hughes', dateOfBirth: '1988-08-08' });
    ({ reference } = await anAppointment(db, registrars, {
      customerId,
      startsAt: new Date(startOfToday.getTime() + 30 * 60_000),
      bookedAt: startOfToday,
    }));
    advisor = await aStaffMember(db, { roles: ['advisor'], name: 'Alys Advisor' });
    teamLeader = await aStaffMember(db, { roles: ['team_leader'], name: 'Tomos Leader' });
  });
  after(() => server.close());

  it('checks a resident in at the kiosk, and the screen announces the ticket the advisor calls', TIMEOUT, async () => {
    // The kiosk: the reference typed as it is said.
    const kiosk = await openPage(browser(), server.url);
    await kiosk.goto(`/kiosk/${registrars.siteId}`);
    assert.equal(await heading(kiosk.page), 'Check in for your appointment');
    await kiosk.page.getByLabel('Your booking reference').fill(reference.toLowerCase().replaceAll('-', ' '));
    await kiosk.navigate(() => kiosk.page.getByRole('button', { name: 'Check in' }).click());
    const ticket = (await kiosk.page.locator('#ticket-number').innerText()).trim();
    assert.match(ticket, /^A\d{3}$/);
    assert.match(
      await kiosk.page.locator('#take-a-seat').innerText(),
      new RegExp(`Your ticket number is ${ticket}, please take a seat`),
    );
    await kiosk.navigate(() => kiosk.page.getByRole('button', { name: 'Finish' }).click());
    assert.equal(await heading(kiosk.page), 'Check in for your appointment');
    await kiosk.done();

    // The screen in the waiting area, left open: nothing called yet.
    const screen = await openPage(browser(), server.url, { viewport: { width: 1280, height: 900 } });
    await screen.goto(`/display/${registrars.siteId}`);
    assert.match(await screen.page.locator('#announcement').innerText(), /No tickets have been called yet/);
    assert.equal(await screen.page.locator('#refresh').isVisible(), false, 'with JavaScript the page refreshes itself');

    // The advisor chooses their counter and calls the next person.
    const desk = await openPage(browser(), server.url);
    await signInAs(desk, advisor);
    await desk.navigate(() =>
      desk.page.getByRole('navigation', { name: 'Staff desktop' }).getByRole('link', { name: 'Queue', exact: true }).click(),
    );
    await desk.navigate(() => desk.page.getByRole('link', { name: /Castle Street one-stop shop/ }).click());
    assert.match(await heading(desk.page), /^Queue at Castle Street one-stop shop/);
    assert.match(await desk.page.locator(`#waiting-${ticket}`).innerText(), /Gwen Hughes/);
    await desk.navigate(() => desk.page.getByRole('button', { name: 'Call next' }).click());
    assert.match(await desk.page.locator('.govuk-error-summary').innerText(), /Choose your counter/);
    await desk.page.getByLabel('Your counter', { exact: true }).selectOption({ label: 'Desk 3' });
    await desk.navigate(() => desk.page.getByRole('button', { name: 'Call next' }).click());
    assert.match(await desk.page.locator('#queue-notice').innerText(), new RegExp(`Ticket ${ticket} called to Desk 3`));

    // The screen picks the call up by itself and announces it.
    await screen.page
      .locator('#announcement')
      .filter({ hasText: `Ticket ${ticket}, please go to Desk 3` })
      .waitFor({ timeout: 15_000 });
    assert.match(await screen.page.locator('#recent-calls tbody').innerText(), new RegExp(`${ticket}\\s+Desk 3`));
    assert.doesNotMatch(await screen.page.locator('main').innerText(), /Gwen|Hughes/);
    await screen.check();
    await screen.done();

    // Seen, then finished: the counter is free again.
    await desk.navigate(() => desk.page.getByRole('button', { name: `Seen Ticket ${ticket}` }).click());
    assert.match(await desk.page.locator('#queue-notice').innerText(), new RegExp(`Ticket ${ticket} is at the desk`));
    await desk.navigate(() => desk.page.getByRole('button', { name: `Finished Ticket ${ticket}` }).click());
    assert.match(await desk.page.locator('#queue-notice').innerText(), new RegExp(`Ticket ${ticket} is finished`));
    assert.match(await desk.page.locator('#counter-heading + p').innerText(), /Nobody is at your counter/);
    await desk.done();
  });

  it('gives a walk-in a ticket at the kiosk without JavaScript, and shows a team leader the figures', TIMEOUT, async () => {
    const kiosk = await openPage(browser(), server.url, { javaScript: false });
    await kiosk.goto(`/kiosk/${registrars.siteId}`);
    await kiosk.navigate(() => kiosk.page.getByRole('button', { name: 'I do not have an appointment' }).click());
    await kiosk.navigate(() => kiosk.page.getByRole('button', { name: 'Get a ticket' }).click());
    assert.match(await kiosk.page.locator('.govuk-error-summary').innerText(), /Select what you need help with/);
    await kiosk.page.getByLabel('Register a birth').check();
    await kiosk.navigate(() => kiosk.page.getByRole('button', { name: 'Get a ticket' }).click());
    assert.match((await kiosk.page.locator('#ticket-number').innerText()).trim(), /^W\d{3}$/);
    await kiosk.goto(`/kiosk/${registrars.siteId}?by=name`);
    await kiosk.page.getByLabel('Your last name').fill('Nobody');
    await kiosk.page.getByLabel('Day').fill('1');
    await kiosk.page.getByLabel('Month').fill('1');
    await kiosk.page.getByLabel('Year').fill('1990');
    await kiosk.navigate(() => kiosk.page.getByRole('button', { name: 'Check in' }).click());
    assert.match(await kiosk.page.locator('#not-found').innerText(), /We could not find your appointment/);
    await kiosk.goto(`/display/${registrars.siteId}`);
    assert.equal(await kiosk.page.locator('#refresh').isVisible(), true, 'without JavaScript, a link to refresh');
    await kiosk.done();

    const office = await openPage(browser(), server.url);
    await signInAs(office, teamLeader);
    await office.navigate(() =>
      office.page.getByRole('navigation', { name: 'Staff desktop' }).getByRole('link', { name: 'Face-to-face figures' }).click(),
    );
    assert.equal(await heading(office.page), 'Face-to-face figures');
    assert.equal(await office.page.locator('#figures-total tbody tr').count(), 1);
    await office.page.getByRole('group', { name: 'From' }).getByLabel('Day').fill('31');
    await office.page.getByRole('group', { name: 'From' }).getByLabel('Month').fill('2');
    await office.navigate(() => office.page.getByRole('button', { name: 'Show figures' }).click());
    assert.match(await office.page.title(), /^Error: /);
    assert.match(await office.page.locator('.govuk-error-summary').innerText(), /Enter a real date for the start of the period/);
    await office.done();
  });
});
