// Booking an appointment in a real browser: from the portal's footer to the reference, then the
// private link to change the time and cancel, with JavaScript on and off, at 320 px wide, and in
// Urdu, right to left. Every page and every error state met on the way passes axe.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Page } from 'playwright-core';
import { findFirstCouncil } from '../../src/organisations/repo.ts';
import { refreshSlots } from '../../src/appointments/slots.ts';
import { aBookableService } from '../support/appointments.ts';
import { browserSuite, openPage, type CheckedPage } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

// The browser's own globals, for code run in the page (the project leaves out the DOM library).
declare const document: { documentElement: { scrollWidth: number } };

const TIMEOUT = { timeout: 180_000 };

const heading = async (page: Page) => (await page.locator('h1').first().innerText()).trim();

browserSuite('booking an appointment in a browser', (browser) => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
    const councilId = (await findFirstCouncil(server.db))!.id;
    const now = new Date();
    await aBookableService(server.db, { councilId, now, code: 'register-birth', name: 'Register a birth', capacity: 5 });
    const notice = await aBookableService(server.db, {
      councilId,
      now,
      code: 'give-notice',
      name: 'Give notice of marriage',
      capacity: 5,
    });
    const bus = await server.db
      .insertInto('sites')
      .values({ organisation_id: councilId, code: 'bus', name: 'Customer services bus', kind: 'mobile_bus' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await server.db
      .insertInto('site_hours')
      .values(
        [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
          site_id: bus.id,
          weekday,
          opens: '09:00',
          closes: '17:00',
          place: 'Market Square',
        })),
      )
      .execute();
    await server.db.insertInto('appointment_service_sites').values({ service_id: notice.serviceId, site_id: bus.id }).execute();
    await refreshSlots(server.db, { councilId, serviceId: notice.serviceId, now });
  });
  after(() => server.close());

  /** With the mouse: from the home page to the confirmation, meeting errors on the way; the private link's path. */
  async function walk(checked: CheckedPage, email: string, options: { narrow?: boolean } = {}) {
    const { page } = checked;
    const fitsNarrowScreen = async () => {
      if (!options.narrow) return;
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 320, `${page.url()} is ${width}px wide at 320 px`);
    };
    const press = async (name: string) => {
      await checked.navigate(() => page.getByRole('button', { name }).click());
      await fitsNarrowScreen();
    };
    const next = () => press('Continue');

    await checked.goto('/');
    await checked.navigate(() => page.getByRole('link', { name: 'Book an appointment' }).click());
    await fitsNarrowScreen();
    assert.equal(await heading(page), 'Book an appointment');
    await press('Start now');

    assert.equal(await heading(page), 'What do you need an appointment for?');
    await next();
    assert.equal(await page.locator('.govuk-error-summary').isVisible(), true);
    assert.equal(await page.title(), 'Error: What do you need an appointment for? – OneDoor Council');
    await page.getByLabel('Give notice of marriage').check();
    await next();

    assert.equal(await heading(page), 'Where would you like to go?');
    await page.getByLabel('Customer services bus').check();
    await next();

    assert.equal(await heading(page), 'Which day would you like?');
    await next();
    assert.equal(await page.locator('.govuk-error-summary').isVisible(), true, 'no day chosen');
    await checked.navigate(() => page.getByRole('link', { name: 'Later dates' }).click());
    await fitsNarrowScreen();
    await page.locator('input[name="day"]').first().check();
    await next();

    assert.equal(await heading(page), 'What time would you like?');
    await page.locator('input[name="slot"]').first().check();
    await next();

    assert.equal(await heading(page), 'Is there anything we should know? (optional)');
    await page.getByLabel('Is there anything we should know?').fill('I use a wheelchair.');
    await next();

    await page.getByLabel('First name').fill('Gwen');
    await page.getByLabel('Last name').fill('Price');
    await page.getByLabel('Email address').fill(email);
    await next();

    assert.equal(await heading(page), 'Check your answers before booking');
    const firstTime = await page.locator('.govuk-summary-list__row', { hasText: 'Time' }).first().innerText();
    await checked.navigate(() => page.getByRole('link', { name: 'Change Time' }).click());
    await page.locator('input[name="slot"]').nth(1).check();
    await next();
    assert.equal(await heading(page), 'Check your answers before booking');
    assert.notEqual(await page.locator('.govuk-summary-list__row', { hasText: 'Time' }).first().innerText(), firstTime);
    assert.match(await page.locator('.govuk-summary-list').first().innerText(), /Market Square/);

    await press('Book appointment');
    assert.equal(await heading(page), 'Appointment booked');
    const reference = (await page.locator('.govuk-panel__body strong').innerText()).trim();
    const link = await page.locator('main a[href*="/appointments/manage/"]').getAttribute('href');
    return { reference, path: new URL(link!).pathname };
  }

  /** The private link: change the time, then cancel. */
  async function manage(checked: CheckedPage, path: string, options: { narrow?: boolean } = {}) {
    const { page } = checked;
    const fitsNarrowScreen = async () => {
      if (!options.narrow) return;
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 320, `${page.url()} is ${width}px wide at 320 px`);
    };
    const go = async (action: () => Promise<unknown>) => {
      await checked.navigate(action);
      await fitsNarrowScreen();
    };
    await checked.goto(path);
    assert.equal(await heading(page), 'Your appointment');
    await go(() => page.getByRole('button', { name: 'Change the time' }).click());
    assert.equal(await heading(page), 'Which day would you like?');
    await page.locator('input[name="day"]').last().check();
    await go(() => page.getByRole('button', { name: 'Continue' }).click());
    assert.equal(await heading(page), 'What time would you like?');
    await go(() => page.getByRole('button', { name: 'Change appointment' }).click());
    assert.equal(await page.locator('.govuk-error-summary').isVisible(), true, 'no time chosen');
    await page.locator('input[name="slot"]').last().check();
    await go(() => page.getByRole('button', { name: 'Change appointment' }).click());
    assert.equal(await heading(page), 'Appointment changed');
    await go(() => page.getByRole('link', { name: 'View your appointment' }).click());

    await go(() => page.getByRole('button', { name: 'Cancel this appointment' }).click());
    assert.equal(await heading(page), 'Are you sure you want to cancel this appointment?');
    await go(() => page.getByRole('button', { name: 'Continue' }).click());
    assert.equal(await page.locator('.govuk-error-summary').isVisible(), true, 'neither yes nor no');
    await page.getByLabel('Yes', { exact: true }).check();
    await go(() => page.getByRole('button', { name: 'Continue' }).click());
    assert.equal(await heading(page), 'Appointment cancelled');
    await checked.goto(path);
    assert.equal(await page.getByRole('button', { name: 'Cancel this appointment' }).count(), 0);
  }

  for (const javaScript of [true, false]) {
    it(`books, changes and cancels an appointment (JavaScript ${javaScript ? 'on' : 'off'})`, TIMEOUT, async () => {
      const checked = await openPage(browser(), server.url, { javaScript });
      const { reference, path } = await walk(checked, `walk-${javaScript}@example.com`);
      assert.match(reference, /^APT-/);
      const recorded = await server.db
        .selectFrom('appointments')
        .select(['channel', 'notes'])
        .where('reference', '=', reference)
        .executeTakeFirstOrThrow();
      assert.deepEqual(recorded, { channel: 'web', notes: 'I use a wheelchair.' });
      await manage(checked, path);
      const cancelled = await server.db
        .selectFrom('appointments')
        .select('status')
        .where('reference', '=', reference)
        .executeTakeFirstOrThrow();
      assert.equal(cancelled.status, 'cancelled');
      await checked.done();
    });
  }

  it('fits a 320 px wide screen on every page without scrolling sideways', TIMEOUT, async () => {
    const checked = await openPage(browser(), server.url, { viewport: { width: 320, height: 640 } });
    const { path } = await walk(checked, 'narrow@example.com', { narrow: true });
    await manage(checked, path, { narrow: true });
    await checked.done();
  });

  it('is offered in Urdu, right to left, error states included', TIMEOUT, async () => {
    const checked = await openPage(browser(), server.url, { viewport: { width: 320, height: 640 } });
    const { page } = checked;
    await checked.goto('/appointments?lang=ur');
    assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
    assert.equal(await heading(page), 'ملاقات کا وقت طے کریں');
    await checked.navigate(() => page.getByRole('button', { name: 'ابھی شروع کریں' }).click());
    await checked.navigate(() => page.getByRole('button', { name: 'جاری رکھیں' }).click());
    assert.equal(await page.locator('.govuk-error-summary').isVisible(), true);
    await page.getByLabel('Register a birth').check();
    await checked.navigate(() => page.getByRole('button', { name: 'جاری رکھیں' }).click());
    assert.equal(await heading(page), 'آپ کون سا دن چاہیں گے؟');
    await page.locator('input[name="day"]').first().check();
    await checked.navigate(() => page.getByRole('button', { name: 'جاری رکھیں' }).click());
    assert.equal(await heading(page), 'آپ کون سا وقت چاہیں گے؟');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 320, `the Urdu page is ${width}px wide at 320 px`);
    await checked.done();
  });
});
