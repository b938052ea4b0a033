// Booking appointments against a real database: slots made from the sessions in London time and
// skipping closed days, a place taken once however many ask at once, a refused booking writing
// nothing, cancelling and changing giving the place back, the resident's private link, the
// reminder sent once, and those who did not come marked after the grace period.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { aBookableService, type BookableFixture } from '../../test/support/appointments.ts';
import { aPartnerAgency, aStaffMember } from '../../test/support/builders.ts';
import { freshDatabase, type TestDatabase } from '../../test/support/database.ts';
import { createCustomerIn, createCustomersService } from '../customers/service.ts';
import type { Db } from '../db/database.ts';
import { findFirstCouncil, insertOrganisation } from '../organisations/repo.ts';
import { systemActor, type StaffActor } from '../platform/actor.ts';
import { createAuthService } from '../platform/auth/service.ts';
import { Conflict, type Invalid, NotFound } from '../platform/errors.ts';
import { refreshSlots } from './slots.ts';
import { appointmentWhen, createAppointmentsService, type AppointmentsService } from './service.ts';

const system = systemActor('test');
// Monday 1 February 2027, 08:00 GMT: the sessions below open at 09:00.
const MONDAY = new Date('2027-02-01T08:00:00Z');
const BANK_HOLIDAY = '2027-02-03';
const COUNCIL_CLOSURE = '2027-02-04';
const SITE_CLOSURE = '2027-02-05';
const MORNINGS: [number, string, string][] = [1, 2, 3, 4, 5].map((day) => [day, '09:00', '12:00']);

describe('booking appointments', () => {
  let database: TestDatabase;
  let db: Db;
  let councilId: string;
  let customerIds: string[];
  let advisor: StaffActor;
  let partnerWorker: StaffActor;
  let registrars: BookableFixture;
  const appointmentsAt = (now: Date): AppointmentsService => {
    const customers = createCustomersService(db);
    return createAppointmentsService(db, {
      findCustomer: (actor, id) => customers.mayReferTo(actor, id),
      notificationAddress: (id) => customers.notificationAddress(id),
      createCustomer: createCustomerIn,
      publicUrl: 'https://council.example',
      now: () => now,
    });
  };

  before(async () => {
    database = await freshDatabase();
    db = database.db;
    councilId =
      (await findFirstCouncil(db))?.id ??
      (await insertOrganisation(db, { code: 'borough', name: 'Borough Council', kind: 'council', councilId: null }));
    await db
      .insertInto('bank_holidays')
      .values({ division: 'england-and-wales', date: BANK_HOLIDAY, title: 'A test holiday' })
      .execute();
    await db
      .insertInto('organisation_closures')
      .values({ organisation_id: councilId, date: COUNCIL_CLOSURE, reason: 'Training' })
      .execute();
    registrars = await aBookableService(db, { councilId, sessions: MORNINGS, durationMinutes: 30, horizonDays: 13, now: MONDAY });
    await db.insertInto('site_closures').values({ site_id: registrars.siteId, date: SITE_CLOSURE, reason: 'Flood' }).execute();
    await refreshSlots(db, { councilId, siteId: registrars.siteId, now: MONDAY });

    const customers = createCustomersService(db);
    customerIds = [];
    for (let index = 0; index < 12; index++) {
      const created = await customers.create(
        system,
        {
          kind: 'person',
          givenName: 'Resident',
          familyName: `Number ${index}`,
          email: `resident${index}@example.org`,
          address: {},
        },
        { confirmedNew: true, councilId },
      );
      if (!created.created) throw new Error('no customer');
      customerIds.push(created.id);
    }
    const signedIn = async (roles: ['advisor'] | ['partner_worker'], organisation?: string) => {
      const { id } = await aStaffMember(db, { roles, organisation });
      const staff = await createAuthService(db).signedInStaff(id, '192.0.2.10');
      assert.ok(staff);
      return staff.actor;
    };
    advisor = await signedIn(['advisor']);
    await aPartnerAgency(db, 'advice-centre');
    partnerWorker = await signedIn(['partner_worker'], 'advice-centre');
  });
  after(() => database.drop());

  /** The London days and times of the service's slots, as `YYYY-MM-DD HH:MM`. */
  async function slotTimes(serviceId: string) {
    const { rows } = await sql<{ at: string }>`
      select to_char(starts_at at time zone 'Europe/London', 'YYYY-MM-DD HH24:MI') as at
      from appointment_slots where service_id = ${serviceId} order by starts_at`.execute(db);
    return rows.map((row) => row.at);
  }

  const slotAt = async (serviceId: string, startsAt: string) =>
    await db
      .selectFrom('appointment_slots')
      .selectAll()
      .where('service_id', '=', serviceId)
      .where('starts_at', '=', new Date(startsAt))
      .executeTakeFirstOrThrow();

  async function footprint() {
    const { rows } = await sql<{ appointments: number; audit: number; messages: number; booked: number }>`
      select (select count(*)::int from appointments) as appointments,
        (select count(*)::int from audit_events where record_type = 'appointment') as audit,
        (select count(*)::int from notifications where record_type = 'appointment') as messages,
        (select coalesce(sum(booked), 0)::int from appointment_slots) as booked`.execute(db);
    return rows[0]!;
  }

  it('makes slots of the service’s length through each session, on open days up to the horizon', async () => {
    const times = await slotTimes(registrars.serviceId);
    const days = [...new Set(times.map((time) => time.slice(0, 10)))];
    // Two weeks from Monday 1 February: weekdays only, less the bank holiday, the council's and the site's closures.
    assert.deepEqual(days, ['2027-02-01', '2027-02-02', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11', '2027-02-12']);
    assert.deepEqual(
      times.filter((time) => time.startsWith('2027-02-02')).map((time) => time.slice(11)),
      ['09:00', '09:30', '10:00', '10:30', '11:00', '11:30'],
    );
    // Making them again adds none.
    await refreshSlots(db, { councilId, serviceId: registrars.serviceId, now: MONDAY });
    assert.equal((await slotTimes(registrars.serviceId)).length, times.length);
  });

  it('keeps London time across the change to summer time', async () => {
    const summer = await aBookableService(db, {
      councilId,
      sessions: [[2, '09:00', '10:00']],
      durationMinutes: 60,
      horizonDays: 7,
      now: new Date('2027-03-24T12:00:00Z'),
    });
    // Tuesday 30 March 2027 is in British Summer Time (from the 28th): 09:00 there is 08:00 UTC.
    const slot = await db
      .selectFrom('appointment_slots')
      .select('starts_at')
      .where('service_id', '=', summer.serviceId)
      .executeTakeFirstOrThrow();
    assert.equal(slot.starts_at.toISOString(), '2027-03-30T08:00:00.000Z');
  });

  it('books a place: the appointment, its audit record and the resident’s confirmation with the private link', async () => {
    const slot = await slotAt(registrars.serviceId, '2027-02-02T09:00:00Z');
    const booked = await appointmentsAt(MONDAY).book(advisor, { slotId: slot.id, customerId: customerIds[0]!, channel: 'phone' });
    assert.match(booked.reference, /^APT-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    assert.equal(booked.startsAt.toISOString(), '2027-02-02T09:00:00.000Z');
    assert.match(booked.manageUrl, /^https:\/\/council\.example\/appointments\/manage\/[A-Za-z0-9_-]{43}$/);
    assert.equal((await slotAt(registrars.serviceId, '2027-02-02T09:00:00Z')).booked, 1);
    const message = await db
      .selectFrom('notifications')
      .select(['event', 'recipient', 'body'])
      .where('record_id', '=', booked.reference)
      .executeTakeFirstOrThrow();
    assert.equal(message.event, 'appointment.booked');
    assert.equal(message.recipient, 'resident0@example.org');
    assert.match(message.body, /Tuesday 2 February 2027 at 09:00/);
    assert.ok(message.body.includes(booked.manageUrl));
    const audit = await db.selectFrom('audit_events').select('action').where('record_id', '=', booked.id).execute();
    assert.deepEqual(
      audit.map((row) => row.action),
      ['appointment.create'],
    );
  });

  it('lets exactly as many book at once as the slot has places', async () => {
    const twoPlaces = await aBookableService(db, { councilId, sessions: MORNINGS, capacity: 2, horizonDays: 3, now: MONDAY });
    const slot = await slotAt(twoPlaces.serviceId, '2027-02-02T10:00:00Z');
    const attempts = await Promise.allSettled(
      customerIds
        .slice(0, 10)
        .map((customerId) => appointmentsAt(MONDAY).book(advisor, { slotId: slot.id, customerId, channel: 'phone' })),
    );
    const booked = attempts.filter((attempt) => attempt.status === 'fulfilled');
    const refused = attempts.filter((attempt) => attempt.status === 'rejected');
    assert.equal(booked.length, 2);
    assert.equal(refused.length, 8);
    for (const attempt of refused)
      assert.ok(attempt.reason instanceof Conflict && attempt.reason.reason === 'appointments.errors.slotFull');
    assert.equal((await slotAt(twoPlaces.serviceId, '2027-02-02T10:00:00Z')).booked, 2);
    const count = await db
      .selectFrom('appointments')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('slot_id', '=', slot.id)
      .executeTakeFirstOrThrow();
    assert.equal(count.n, 2);
  });

  it('refuses a past slot, a closed day, an unknown slot and an unknown customer, writing nothing', async () => {
    const before = await footprint();
    const book = (slotId: string, customerId = customerIds[1]!, now = MONDAY) =>
      appointmentsAt(now).book(advisor, { slotId, customerId, channel: 'phone' });
    const past = await slotAt(registrars.serviceId, '2027-02-01T09:00:00Z');
    await assert.rejects(book(past.id, customerIds[1], new Date('2027-02-01T09:30:00Z')), (error: Invalid) => {
      assert.deepEqual(
        error.errors.map((problem) => problem.message),
        ['appointments.errors.slotPast'],
      );
      return true;
    });
    // A closure added after the slots were made closes them at once.
    const tuesday = await slotAt(registrars.serviceId, '2027-02-09T11:00:00Z');
    await db
      .insertInto('site_closures')
      .values({ site_id: registrars.siteId, date: '2027-02-09', reason: 'Power cut' })
      .execute();
    await assert.rejects(book(tuesday.id), (error: Invalid) => error.errors[0]!.message === 'appointments.errors.slotClosed');
    await db.deleteFrom('site_closures').where('date', '=', '2027-02-09').execute();
    await assert.rejects(
      book('00000000-0000-4000-8000-000000000000'),
      (error: Invalid) => error.errors[0]!.message === 'appointments.errors.slotUnknown',
    );
    await assert.rejects(book(tuesday.id, '00000000-0000-4000-8000-000000000000'), (error: Invalid) =>
      error.errors.some((problem) => problem.field === 'customerId'),
    );
    assert.deepEqual(await footprint(), before);
  });

  it('keeps partner agencies from booking and other councils from reading', async () => {
    const slot = await slotAt(registrars.serviceId, '2027-02-08T09:00:00Z');
    await assert.rejects(
      appointmentsAt(MONDAY).book(partnerWorker, { slotId: slot.id, customerId: customerIds[2]!, channel: 'phone' }),
      (error: Error) => error.name === 'NotAllowed',
    );
    const booked = await appointmentsAt(MONDAY).book(advisor, { slotId: slot.id, customerId: customerIds[2]!, channel: 'phone' });
    await assert.rejects(appointmentsAt(MONDAY).view(partnerWorker, booked.reference), NotFound);
    assert.equal((await appointmentsAt(MONDAY).view(advisor, booked.reference.toLowerCase())).id, booked.id);
  });

  it('cancels and changes, giving the place back, by staff and by the resident’s link', async () => {
    const service = appointmentsAt(MONDAY);
    const first = await slotAt(registrars.serviceId, '2027-02-10T09:00:00Z');
    const second = await slotAt(registrars.serviceId, '2027-02-10T09:30:00Z');
    const booked = await service.book(advisor, { slotId: first.id, customerId: customerIds[3]!, channel: 'face_to_face' });
    const token = booked.manageUrl.split('/').pop()!;

    const moved = await service.changeByResident(token, second.id);
    assert.equal(moved.startsAt.toISOString(), '2027-02-10T09:30:00.000Z');
    assert.equal((await slotAt(registrars.serviceId, '2027-02-10T09:00:00Z')).booked, 0);
    assert.equal((await slotAt(registrars.serviceId, '2027-02-10T09:30:00Z')).booked, 1);

    await service.cancel(advisor, booked.reference);
    assert.equal((await slotAt(registrars.serviceId, '2027-02-10T09:30:00Z')).booked, 0);
    assert.equal((await service.byManageToken(token)).status, 'cancelled');
    await assert.rejects(service.cancelByResident(token), (error: Conflict) => error.reason === 'appointments.errors.notBooked');
    await assert.rejects(service.byManageToken('x'.repeat(43)), NotFound);
    const events = await db
      .selectFrom('notifications')
      .select('event')
      .where('record_id', '=', booked.reference)
      .orderBy('created_at')
      .execute();
    assert.deepEqual(
      events.map((row) => row.event),
      ['appointment.booked', 'appointment.changed', 'appointment.cancelled'],
    );
  });

  it('books once when a resident’s booking is sent twice at once, making them a customer', async () => {
    const slot = await slotAt(registrars.serviceId, '2027-02-11T10:00:00Z');
    const portal = systemActor('portal');
    const submission = {
      key: 'journey-1',
      newCustomer: { kind: 'person' as const, givenName: 'Gwen', familyName: 'Price', email: 'gwen@example.org', address: {} },
    };
    const results = await Promise.all(
      [1, 2, 3].map(() =>
        appointmentsAt(MONDAY).book(portal, { slotId: slot.id, channel: 'web' }, { council: councilId, submission }),
      ),
    );
    assert.equal(new Set(results.map((result) => result.reference)).size, 1);
    assert.equal((await slotAt(registrars.serviceId, '2027-02-11T10:00:00Z')).booked, 1);
  });

  it('reminds once, a day ahead, and marks those who did not come after the grace period', async () => {
    const slot = await slotAt(registrars.serviceId, '2027-02-12T11:30:00Z');
    const booked = await appointmentsAt(MONDAY).book(advisor, { slotId: slot.id, customerId: customerIds[4]!, channel: 'phone' });
    const dayBefore = new Date('2027-02-11T12:00:00Z');
    assert.ok((await appointmentsAt(dayBefore).sendReminders()) >= 1);
    assert.equal(await appointmentsAt(dayBefore).sendReminders(), 0);
    const reminders = await db
      .selectFrom('notifications')
      .select('event')
      .where('record_id', '=', booked.reference)
      .where('event', '=', 'appointment.reminder')
      .execute();
    assert.equal(reminders.length, 1);

    // The site's grace is 15 minutes: at 11:44 they may still come; at 11:46 they did not.
    await appointmentsAt(new Date('2027-02-12T11:44:00Z')).markNoShows();
    assert.equal((await appointmentsAt(MONDAY).view(advisor, booked.reference)).status, 'booked');
    await appointmentsAt(new Date('2027-02-12T11:46:00Z')).markNoShows();
    assert.equal((await appointmentsAt(MONDAY).view(advisor, booked.reference)).status, 'no_show');
  });

  it('leaves out of the free times a day closed after its slots were made, by the council or the site', async () => {
    const days = async () =>
      new Set(
        (
          await appointmentsAt(MONDAY).freeSlots(advisor, {
            serviceCode: registrars.serviceCode,
            from: '2027-02-08',
            to: '2027-02-12',
          })
        ).map((slot) => slot.startsAt.toISOString().slice(0, 10)),
      );
    assert.ok((await days()).has('2027-02-11') && (await days()).has('2027-02-12'));
    await db
      .insertInto('organisation_closures')
      .values({ organisation_id: councilId, date: '2027-02-11', reason: 'Staff day' })
      .execute();
    await db.insertInto('site_closures').values({ site_id: registrars.siteId, date: '2027-02-12', reason: 'Boiler' }).execute();
    try {
      const open = await days();
      assert.ok(!open.has('2027-02-11') && !open.has('2027-02-12') && open.has('2027-02-10'), [...open].join());
    } finally {
      await db.deleteFrom('organisation_closures').where('date', '=', '2027-02-11').execute();
      await db.deleteFrom('site_closures').where('date', '=', '2027-02-12').execute();
    }
  });

  it('moves the horizon on as days pass: the nightly job adds the days come into reach, once', async () => {
    const lastDay = async () => (await slotTimes(registrars.serviceId)).at(-1)!.slice(0, 10);
    assert.equal(await lastDay(), '2027-02-12');
    // A week later the 13-day horizon reaches Sunday 21 February: the last weekday with slots is Friday the 19th.
    const weekLater = new Date('2027-02-08T01:00:00Z');
    assert.ok((await appointmentsAt(weekLater).extendSlots()) > 0);
    assert.equal(await lastDay(), '2027-02-19');
    assert.equal(await appointmentsAt(weekLater).extendSlots(), 0);
  });

  it('says the day and time in the resident’s language', () => {
    assert.deepEqual(appointmentWhen(new Date('2027-06-01T13:30:00Z'), 'en'), { date: 'Tuesday 1 June 2027', time: '14:30' });
    assert.equal(appointmentWhen(new Date('2027-06-01T13:30:00Z'), 'cy').date, 'Dydd Mawrth 1 Mehefin 2027');
  });
});
