// An appointment in a real browser, with axe on every page: an advisor books one for a customer
// from the customer's record (a step left out corrected from the error summary), sees it on the
// site's day, and cancels it after the confirmation; then does the same without JavaScript.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { findFirstCouncil } from '../../src/organisations/repo.ts';
import { systemActor } from '../../src/platform/actor.ts';
import { aBookableService } from '../support/appointments.ts';
import { aStaffMember, type BuiltStaffMember } from '../support/builders.ts';
import { browserSuite, openPage, signInAs } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const TIMEOUT = { timeout: 180_000 };
const REFERENCE = /APT-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}/;

browserSuite('an appointment booked and cancelled in a browser', (browser) => {
  let server: TestServer;
  let advisor: BuiltStaffMember;
  let customerId: string;

  before(async () => {
    server = await startTestServer();
    const councilId = (await findFirstCouncil(server.db))!.id;
    await aBookableService(server.db, {
      councilId,
      code: 'register-birth',
      name: 'Register a birth',
      now: new Date(),
      capacity: 2,
    });
    const created = await server.services.customers.create(
      systemActor('test'),
      { kind: 'person', givenName: 'Gareth', familyName: 'Pryce', email: 'gareth@example.org', address: {} },
      { confirmedNew: true, councilId },
    );
    if (!created.created) throw new Error('no customer');
    customerId = created.id;
    advisor = await aStaffMember(server.db, { roles: ['advisor'], name: 'Alys Advisor' });
  });
  after(() => server.close());

  for (const javaScript of [true, false]) {
    it(
      `lets an advisor book an appointment from a customer’s record and cancel it${javaScript ? '' : ' without JavaScript'}`,
      TIMEOUT,
      async () => {
        const checked = await openPage(browser(), server.url, { javaScript });
        const { page } = checked;
        await signInAs(checked, advisor);
        await checked.goto(`/staff/customers/${customerId}`);
        await checked.navigate(() => page.getByRole('button', { name: 'Book an appointment' }).click());
        assert.equal((await page.locator('h1').innerText()).trim(), 'Book an appointment');
        assert.match(await page.locator('.govuk-caption-l').innerText(), /For Gareth Pryce/);

        // Continuing without a service is refused, linked to the choice.
        await checked.navigate(() => page.getByRole('button', { name: 'Continue' }).click());
        assert.match(await page.title(), /^Error: /);
        assert.match(await page.locator('.govuk-error-summary').innerText(), /Choose a service that takes appointments/);
        await page.locator('.govuk-error-summary a[href="#serviceCode"]').click();
        await page.getByLabel('Register a birth').check();
        await checked.navigate(() => page.getByRole('button', { name: 'Continue' }).click());

        await page.getByLabel(/Castle Street one-stop shop/).check();
        await checked.navigate(() => page.getByRole('button', { name: 'Continue' }).click());
        assert.match(await page.locator('#times').innerText(), /^Free times from/);

        await checked.navigate(() => page.getByRole('link', { name: 'Later days' }).click());
        const firstTime = page.locator('input[name="slotId"]').first();
        const timeLabel = (await page.locator(`label[for="${await firstTime.getAttribute('id')}"]`).innerText()).trim();
        await firstTime.check();
        await page.getByLabel('Face to face').check();
        await page.getByLabel('Notes (optional)').fill('Bringing the baby’s red book');
        await checked.navigate(() => page.getByRole('button', { name: 'Continue' }).click());
        assert.equal((await page.locator('h1').innerText()).trim(), 'Check the appointment before you book it');
        const summary = await page.locator('#check').innerText();
        assert.match(summary, /Register a birth/);
        assert.ok(summary.includes(timeLabel), `${summary} shows ${timeLabel}`);
        assert.match(summary, /Face to face/);

        await checked.navigate(() => page.getByRole('button', { name: 'Book the appointment' }).click());
        const heading = (await page.locator('h1').innerText()).trim();
        assert.match(heading, /^Appointment APT-/);
        const reference = REFERENCE.exec(heading)![0];
        assert.match(await page.locator('.govuk-notification-banner').innerText(), new RegExp(`Appointment ${reference} booked`));
        assert.match(await page.locator('#details').innerText(), /Bringing the baby’s red book/);

        await checked.navigate(() => page.getByRole('link', { name: 'Back to the customer’s record' }).click());
        assert.match(await page.locator('#appointments + table').innerText(), new RegExp(`${reference}[\\s\\S]*Booked`));
        await checked.navigate(() => page.getByRole('link', { name: reference }).click());

        await checked.navigate(() => page.getByRole('button', { name: 'Cancel the appointment' }).click());
        assert.equal((await page.locator('h1').innerText()).trim(), `Cancel appointment ${reference}?`);
        await checked.navigate(() => page.getByRole('button', { name: 'Yes, cancel it' }).click());
        assert.match(
          await page.locator('.govuk-notification-banner').innerText(),
          new RegExp(`Appointment ${reference} cancelled`),
        );
        assert.match(await page.locator('#status').innerText(), /Cancelled/);
        assert.equal(await page.getByRole('button', { name: 'Cancel the appointment' }).count(), 0);

        // The site's day, from the navigation.
        await checked.navigate(() => page.locator('.moj-primary-navigation').getByRole('link', { name: 'Appointments' }).click());
        assert.equal((await page.locator('h1').innerText()).trim(), 'Appointments');
        await checked.done();
      },
    );
  }
});
