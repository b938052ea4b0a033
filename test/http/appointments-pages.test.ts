// The staff desktop's appointment pages over real HTTP: an advisor books an appointment for a
// customer from their record (service, place, then a free time; a check before anything is
// saved), sees it on the record and on the site's day, changes its time and cancels it after a
// confirmation. A form left incomplete, or a time someone else took meanwhile, comes back with the
// error summary and saves nothing. Administrators may look but not book; complaints officers and
// partner agencies' people see none of it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { findFirstCouncil } from '../../src/organisations/repo.ts';
import { systemActor } from '../../src/platform/actor.ts';
import { addCalendarDays, londonDate } from '../../src/services/calendar.ts';
import { aBookableService, type BookableFixture } from '../support/appointments.ts';
import { aPartnerAgency, aStaffMember, type BuiltStaffMember } from '../support/builders.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { Page, WebClient } from '../support/web.ts';

const REFERENCE = /APT-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}/;

describe('the appointment pages', () => {
  let server: TestServer;
  let councilId: string;
  let registration: BookableFixture;
  let customerId: string;
  let advisor: BuiltStaffMember;
  let colleague: BuiltStaffMember;
  let admin: BuiltStaffMember;
  let complaintsOfficer: BuiltStaffMember;
  let partner: BuiltStaffMember;
  const tomorrow = addCalendarDays(londonDate(new Date()), 1);

  before(async () => {
    server = await startTestServer();
    const db = server.db;
    councilId = (await findFirstCouncil(db))!.id;
    registration = await aBookableService(db, {
      councilId,
      code: 'register-birth',
      name: 'Register a birth',
      now: new Date(),
      capacity: 1,
    });
    const created = await server.services.customers.create(
      systemActor('test'),
      { kind: 'person', givenName: 'Bethan', familyName: 'Morgan', email: 'bethan@example.org', address: {} },
      { confirmedNew: true, councilId },
    );
    if (!created.created) throw new Error('no customer');
    customerId = created.id;
    advisor = await aStaffMember(db, { roles: ['advisor'], name: 'Alys Advisor' });
    colleague = await aStaffMember(db, { roles: ['advisor'], name: 'Rhys Reception' });
    admin = await aStaffMember(db, { roles: ['admin'], name: 'Ada Admin' });
    complaintsOfficer = await aStaffMember(db, { roles: ['complaints_officer'], name: 'Carys Complaints' });
    await aPartnerAgency(db, 'police', 'West Marches Police');
    partner = await aStaffMember(db, { roles: ['partner_worker'], organisation: 'police' });
  });
  after(() => server.close());

  const appointmentCount = async () =>
    (
      await server.db
        .selectFrom('appointments')
        .select(sql<number>`count(*)::int`.as('n'))
        .executeTakeFirstOrThrow()
    ).n;

  const timesPath = (from = tomorrow) =>
    `/staff/appointments/new?customerId=${customerId}&serviceCode=register-birth&siteId=${registration.siteId}&from=${from}`;

  const slotIdsOn = (page: Page) =>
    page.dom.querySelectorAll('input[name="slotId"]').map((input) => input.getAttribute('value')!);

  /** The booking form's fields for the time step, for `slotId`. */
  const timeForm = (slotId: string, fields: Record<string, string> = {}) => ({
    customerId,
    serviceCode: 'register-birth',
    siteId: registration.siteId,
    from: tomorrow,
    slotId,
    channel: 'phone',
    notes: '',
    ...fields,
  });

  /** Books the `index`th free time tomorrow as `client`, through the check page; its reference. */
  async function bookOne(client: WebClient, index = 0): Promise<string> {
    const times = await client.get(timesPath());
    const slotId = slotIdsOn(times)[index]!;
    const check = await client.post('/staff/appointments/new', timeForm(slotId));
    assert.equal(check.status, 200, check.errorSummary.join('; '));
    const booked = await client.post('/staff/appointments', timeForm(slotId));
    assert.equal(booked.status, 303, booked.errorSummary.join('; '));
    return REFERENCE.exec(booked.location ?? '')![0];
  }

  it('books an appointment from the customer’s record: service, place, time, a check, then the booking', async () => {
    const client = await server.signedIn(advisor);
    const record = await client.get(`/staff/customers/${customerId}`);
    assert.equal(record.status, 200);
    assert.match(
      record.html,
      new RegExp(`href="/staff/appointments/new\\?customerId=${customerId}"[^>]*>\\s*Book an appointment`),
    );
    assert.ok(record.dom.querySelectorAll('.moj-primary-navigation a').some((link) => link.text.trim() === 'Appointments'));

    const start = await client.get(`/staff/appointments/new?customerId=${customerId}`);
    assert.equal(start.status, 200);
    assert.equal(start.heading, 'Book an appointment');
    assert.match(start.dom.querySelector('.govuk-caption-l')!.text, /For Bethan Morgan/);
    assert.ok(start.dom.querySelector('input[name="serviceCode"][value="register-birth"]'));
    assert.match(start.html, /Appointments last 30 minutes/);

    const noService = await client.get(`/staff/appointments/new?customerId=${customerId}&step=service`);
    assert.equal(noService.status, 400);
    assert.deepEqual(noService.errorSummary, ['Choose a service that takes appointments']);
    assert.match(noService.html, /href="#serviceCode"/);
    assert.match(noService.html, /<title>Error: /);

    const place = await client.get(`/staff/appointments/new?customerId=${customerId}&serviceCode=register-birth&step=service`);
    assert.equal(place.status, 200);
    assert.ok(place.dom.querySelector(`input[name="siteId"][value="${registration.siteId}"]`));
    const noPlace = await client.get(`/staff/appointments/new?customerId=${customerId}&serviceCode=register-birth&step=site`);
    assert.equal(noPlace.status, 400);
    assert.deepEqual(noPlace.errorSummary, ['Choose a place that offers this service']);

    const times = await client.get(timesPath());
    assert.equal(times.status, 200);
    const slots = slotIdsOn(times);
    assert.equal(slots.length, 7 * 16, 'a week of free times, 16 a day');
    assert.match(times.dom.querySelector('legend')!.text, /\w+day \d+ \w+/);
    assert.match(times.html, /09:00 to 09:30/);

    const incomplete = await client.post('/staff/appointments/new', timeForm('', { channel: '', notes: 'x'.repeat(1001) }));
    assert.equal(incomplete.status, 400);
    assert.deepEqual(incomplete.errorSummary, [
      'Choose a time from the list',
      'Say how the appointment was booked',
      'Must be 1000 characters or fewer',
    ]);
    assert.match(incomplete.html, /href="#slotId"/);
    assert.ok(incomplete.dom.querySelector('input#slotId'), 'the summary’s link has somewhere to go');

    const slotId = slots[2]!;
    const check = await client.post('/staff/appointments/new', timeForm(slotId, { notes: 'Needs a <b>hearing loop</b>' }));
    assert.equal(check.status, 200, check.errorSummary.join('; '));
    assert.equal(check.heading, 'Check the appointment before you book it');
    const summary = check.dom.querySelector('#check')!.text;
    assert.match(summary, /Bethan Morgan/);
    assert.match(summary, /Register a birth/);
    assert.match(summary, /10:00 to 10:30/);
    assert.match(summary, /Phone/);
    assert.match(check.html, /Needs a &lt;b&gt;hearing loop&lt;\/b&gt;/, 'what was typed is escaped');
    assert.equal(await appointmentCount(), 0, 'nothing is saved before the check is confirmed');

    const booked = await client.post('/staff/appointments', timeForm(slotId, { notes: 'Needs a <b>hearing loop</b>' }));
    assert.equal(booked.status, 303, booked.errorSummary.join('; '));
    const reference = REFERENCE.exec(booked.location ?? '')![0];
    assert.equal(booked.location, `/staff/appointments/${reference}`);
    const page = await client.follow(booked);
    assert.equal(page.heading, `Appointment ${reference}`);
    assert.match(page.dom.querySelector('.govuk-notification-banner')!.text, new RegExp(`Appointment ${reference} booked`));
    assert.match(page.dom.querySelector('#status')!.text, /Booked/);
    const details = page.dom.querySelector('#details')!.text;
    assert.match(details, /Register a birth/);
    assert.match(details, /Castle Street one-stop shop/);
    assert.match(details, /10:00 to 10:30/);
    assert.match(details, /Phone/);
    assert.match(details, /Needs a <b>hearing loop<\/b>/);

    const saved = await server.db
      .selectFrom('appointments')
      .select(['channel', 'created_by', 'customer_id', 'status'])
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    assert.deepEqual(saved, { channel: 'phone', created_by: advisor.id, customer_id: customerId, status: 'booked' });

    const after = await client.get(`/staff/customers/${customerId}`);
    const row = after.dom.querySelectorAll('#appointments + table tbody tr').find((each) => each.text.includes(reference));
    assert.ok(row, 'the record lists the appointment');
    assert.match(row.text, /Register a birth/);
    assert.match(row.text, /Booked/);

    const day = await client.get(`/staff/appointments?siteId=${registration.siteId}&date=${tomorrow}`);
    assert.equal(day.status, 200);
    const listed = day.dom.querySelectorAll('#appointments tbody tr').find((each) => each.text.includes(reference));
    assert.ok(listed, 'the site’s day lists it');
    assert.match(listed.text, /10:00/);
    assert.match(listed.text, /Bethan Morgan/);

    const welsh = await client.get(`/staff/appointments/${reference}?lang=cy`);
    const welshPage = welsh.status === 200 ? welsh : await client.follow(welsh);
    assert.equal(welshPage.heading, `Apwyntiad ${reference}`);
  });

  it('shows today at the first site unless told, and refuses a day that is not a date', async () => {
    const client = await server.signedIn(advisor);
    const day = await client.get('/staff/appointments');
    assert.equal(day.status, 200);
    assert.equal(day.heading, 'Appointments');
    assert.equal(day.dom.querySelector('#date')!.getAttribute('value'), londonDate(new Date()));
    assert.ok(day.dom.querySelector(`#siteId option[value="${registration.siteId}"][selected]`));
    const bad = await client.get(`/staff/appointments?siteId=${registration.siteId}&date=2026-02-30`);
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.errorSummary, ['Enter a real date']);
  });

  it('refuses a time someone took meanwhile with the error summary, and saves nothing', async () => {
    const client = await server.signedIn(advisor);
    const other = await server.signedIn(colleague);
    const times = await client.get(timesPath());
    const slotId = slotIdsOn(times)[5]!;
    assert.equal((await client.post('/staff/appointments/new', timeForm(slotId))).status, 200);

    await bookOne(other, 5);
    const before = await appointmentCount();
    const taken = await client.post('/staff/appointments', timeForm(slotId, { notes: 'Kept when refused' }));
    assert.equal(taken.status, 409);
    assert.deepEqual(taken.errorSummary, ['That time has just been taken: choose another']);
    assert.match(taken.html, /href="#slotId"/);
    assert.match(taken.html, /Kept when refused/);
    assert.ok(!slotIdsOn(taken).includes(slotId), 'the time is no longer offered');
    assert.equal(await appointmentCount(), before);

    const checkTaken = await client.post('/staff/appointments/new', timeForm(slotId));
    assert.equal(checkTaken.status, 409);
    assert.deepEqual(checkTaken.errorSummary, ['That time has just been taken: choose another']);

    const unknown = await client.post('/staff/appointments', timeForm('00000000-0000-4000-8000-000000000000'));
    assert.equal(unknown.status, 400);
    assert.deepEqual(unknown.errorSummary, ['Choose a time from the list']);
    assert.equal(await appointmentCount(), before);
  });

  it('changes an appointment’s time, and cancels it after asking', async () => {
    const client = await server.signedIn(advisor);
    const reference = await bookOne(client, 8);
    const page = await client.get(`/staff/appointments/${reference}`);
    assert.ok(page.dom.querySelector(`a[href="/staff/appointments/${reference}/change"]`));

    const change = await client.get(`/staff/appointments/${reference}/change`);
    assert.equal(change.status, 200);
    assert.equal(change.heading, `Change the time of appointment ${reference}`);
    const noTime = await client.post(`/staff/appointments/${reference}/change`, { siteId: registration.siteId, from: tomorrow });
    assert.equal(noTime.status, 400);
    assert.deepEqual(noTime.errorSummary, ['Choose a time from the list']);
    const later = await client.get(
      `/staff/appointments/${reference}/change?siteId=${registration.siteId}&from=${addCalendarDays(tomorrow, 1)}`,
    );
    const newSlot = slotIdsOn(later)[0]!;
    const moved = await client.post(`/staff/appointments/${reference}/change`, {
      siteId: registration.siteId,
      from: addCalendarDays(tomorrow, 1),
      slotId: newSlot,
    });
    assert.equal(moved.status, 303, moved.errorSummary.join('; '));
    const movedPage = await client.follow(moved);
    assert.match(
      movedPage.dom.querySelector('.govuk-notification-banner')!.text,
      new RegExp(`Appointment ${reference} moved to .+ at 09:00`),
    );
    const row = await server.db
      .selectFrom('appointments')
      .select(['slot_id', 'starts_at'])
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    assert.equal(row.slot_id, newSlot);
    assert.equal(londonDate(row.starts_at), addCalendarDays(tomorrow, 1));

    const confirm = await client.get(`/staff/appointments/${reference}/cancel`);
    assert.equal(confirm.status, 200);
    assert.equal(confirm.heading, `Cancel appointment ${reference}?`);
    assert.match(confirm.html, /Bethan Morgan’s appointment for Register a birth/);
    assert.equal(
      (await server.db.selectFrom('appointments').select('status').where('reference', '=', reference).executeTakeFirstOrThrow())
        .status,
      'booked',
      'asking changes nothing',
    );
    const cancelled = await client.post(`/staff/appointments/${reference}/cancel`, {});
    assert.equal(cancelled.status, 303);
    const after = await client.follow(cancelled);
    assert.match(after.dom.querySelector('.govuk-notification-banner')!.text, new RegExp(`Appointment ${reference} cancelled`));
    assert.match(after.dom.querySelector('#status')!.text, /Cancelled/);
    assert.equal(
      after.dom.querySelector(`a[href="/staff/appointments/${reference}/cancel"]`),
      null,
      'it cannot be cancelled twice',
    );
    const saved = await server.db
      .selectFrom('appointments as a')
      .innerJoin('appointment_slots as s', 's.id', 'a.slot_id')
      .select(['a.status', 's.booked'])
      .where('a.reference', '=', reference)
      .executeTakeFirstOrThrow();
    assert.deepEqual(saved, { status: 'cancelled', booked: 0 });
    const messages = await server.db
      .selectFrom('notifications')
      .select('event')
      .where('record_id', '=', reference)
      .orderBy('created_at')
      .execute();
    assert.deepEqual(
      messages.map((message) => message.event),
      ['appointment.booked', 'appointment.changed', 'appointment.cancelled'],
    );

    const again = await client.post(`/staff/appointments/${reference}/cancel`, {});
    assert.equal(again.status, 409);
    assert.deepEqual(again.errorSummary, ['This appointment is no longer booked']);
  });

  it('lets administrators look but not book, and shows nothing to complaints officers or partner agencies', async () => {
    const booker = await server.signedIn(advisor);
    const reference = await bookOne(booker, 10);
    const before = await appointmentCount();

    const administrator = await server.signedIn(admin);
    assert.equal((await administrator.get('/staff/appointments')).status, 200);
    const seen = await administrator.get(`/staff/appointments/${reference}`);
    assert.equal(seen.status, 200);
    assert.equal(seen.dom.querySelector(`a[href="/staff/appointments/${reference}/cancel"]`), null);
    assert.equal((await administrator.get(`/staff/appointments/new?customerId=${customerId}`)).status, 403);
    assert.equal((await administrator.get(`/staff/appointments/${reference}/cancel`)).status, 403);
    const record = await administrator.get(`/staff/customers/${customerId}`);
    assert.doesNotMatch(record.html, /Book an appointment/);

    for (const person of [complaintsOfficer, partner]) {
      const client = await server.signedIn(person);
      const home = await client.get('/staff');
      assert.ok(!home.dom.querySelectorAll('.moj-primary-navigation a').some((link) => link.text.trim() === 'Appointments'));
      assert.equal((await client.get('/staff/appointments')).status, 403);
      assert.ok([403, 404].includes((await client.get(`/staff/appointments/new?customerId=${customerId}`)).status));
      assert.equal((await client.get(`/staff/appointments/${reference}`)).status, 404);
      const times = await booker.get(timesPath());
      const slotId = slotIdsOn(times)[11]!;
      const refused = await client.post('/staff/appointments', timeForm(slotId));
      assert.ok([403, 404].includes(refused.status), `${refused.status}`);
      const cancel = await client.post(`/staff/appointments/${reference}/cancel`, {});
      assert.ok([403, 404].includes(cancel.status), `${cancel.status}`);
    }
    assert.equal(await appointmentCount(), before);
    const still = await server.db
      .selectFrom('appointments')
      .select('status')
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    assert.equal(still.status, 'booked');
  });
});
