// Arrivals and the queue against a real database, on one day with a clock the tests move: a
// check-in by reference or by name and date of birth gives one arrival however often it is made,
// ticket numbers count up per site and day, "Call next" takes appointments due first, then
// walk-ins by arrival, then early arrivals, only for services the advisor may serve, and never
// gives two advisors the same person; the screen shows tickets and counters and nothing else.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { aBookableService, type BookableFixture } from '../../test/support/appointments.ts';
import { aPartnerAgency } from '../../test/support/builders.ts';
import { freshDatabase, type TestDatabase } from '../../test/support/database.ts';
import { aCounter, anAppointment, aResident, aSignedInActor } from '../../test/support/queue.ts';
import type { Db } from '../db/database.ts';
import { findFirstCouncil, insertOrganisation } from '../organisations/repo.ts';
import { systemActor, type StaffActor } from '../platform/actor.ts';
import { Conflict, Invalid, NotAllowed, NotFound } from '../platform/errors.ts';
import { createQueueService, kioskIdentity, minutesBetween, ticketOf, type QueueService } from './queue.ts';

const kiosk = systemActor('kiosk');
// Tuesday 2 March 2027 (GMT, so London's clock is UTC's). The site opens 09:00 to 12:00.
const DAY = '2027-03-02';
const at = (time: string, day = DAY) => new Date(`${day}T${time}:00Z`);
const BOOKED_AT = at('08:00', '2027-03-01');
const MORNINGS: [number, string, string][] = [1, 2, 3, 4, 5, 6, 7].map((day) => [day, '09:00', '12:00']);

describe('arrivals and the queue', () => {
  let database: TestDatabase;
  let db: Db;
  let councilId: string;
  let registrars: BookableFixture;
  let council: BookableFixture;
  let deskOne: string;
  let deskTwo: string;
  let advisor: StaffActor;
  let otherAdvisor: StaffActor;
  let registrar: StaffActor;
  const queueAt = (now: Date): QueueService => createQueueService(db, { now: () => now });

  before(async () => {
    database = await freshDatabase();
    db = database.db;
    councilId =
      (await findFirstCouncil(db))?.id ??
      (await insertOrganisation(db, { code: 'borough', name: 'Borough Council', kind: 'council', councilId: null }));
    registrars = await aBookableService(db, { councilId, sessions: MORNINGS, now: BOOKED_AT, name: 'Register a birth' });
    // A second service at a site of its own: the council tax desk.
    council = await aBookableService(db, { councilId, sessions: MORNINGS, now: BOOKED_AT, name: 'Council Tax' });
    deskOne = await aCounter(db, registrars.siteId, 'Desk 1');
    deskTwo = await aCounter(db, registrars.siteId, 'Desk 2');
    advisor = (await aSignedInActor(db, ['advisor'], { name: 'Alys Advisor' })).actor;
    otherAdvisor = (await aSignedInActor(db, ['advisor'], { name: 'Owain Advisor' })).actor;
    registrar = (await aSignedInActor(db, ['team_leader'], { name: 'Rhian Registrar' })).actor;
  });
  after(() => database.drop());

  /** Clears the day's arrivals and appointments, so each test starts with an empty waiting area. */
  async function emptyDay() {
    await sql`delete from visits`.execute(db);
    await sql`delete from site_ticket_numbers`.execute(db);
    await sql`delete from appointments`.execute(db);
    await sql`update appointment_slots set booked = 0`.execute(db);
  }

  async function bookOne(time: string, person = { givenName: 'Bethan', familyName: 'Morgan', dateOfBirth: '1985-03-27' }) {
    const customerId = await aResident(db, councilId, person);
    return { customerId, ...(await anAppointment(db, registrars, { customerId, startsAt: at(time), bookedAt: BOOKED_AT })) };
  }

  it('writes tickets as A or W and three digits at least, and counts whole minutes', () => {
    assert.equal(ticketOf('appointment', 12), 'A012');
    assert.equal(ticketOf('walk_in', 7), 'W007');
    assert.equal(ticketOf('walk_in', 1234), 'W1234');
    assert.equal(minutesBetween(at('09:00'), at('09:14')), 14);
    assert.equal(minutesBetween(new Date(at('09:00').getTime() + 59_000), at('09:00')), 0);
  });

  it('reads a booking reference as people type it, and refuses what cannot be one', () => {
    assert.deepEqual(kioskIdentity({ reference: ' apt 7k4m 2q9p ' }), { reference: 'APT-7K4M-2Q9P' });
    assert.deepEqual(kioskIdentity({ reference: '7K4M-2Q9P' }), { reference: 'APT-7K4M-2Q9P' });
    assert.throws(() => kioskIdentity({ reference: 'ODR-7K4M-2Q9P' }), Invalid);
    assert.throws(
      () => kioskIdentity({ familyName: ' ', dateOfBirth: '1985-02-30' }),
      (error: Invalid) => error.errors.map((each) => each.field).join() === 'familyName,dateOfBirth',
    );
  });

  it('checks in by reference once, however often the person tries, and gives the same ticket again', async () => {
    await emptyDay();
    const booked = await bookOne('10:00');
    const queue = queueAt(at('09:50'));
    const first = await queue.checkInAtKiosk(kiosk, registrars.siteId, { reference: booked.reference });
    assert.deepEqual(
      { outcome: first.outcome, ticket: 'ticket' in first && first.ticket },
      { outcome: 'checked_in', ticket: 'A001' },
    );
    const again = await queue.checkInAtKiosk(kiosk, registrars.siteId, { reference: booked.reference });
    assert.deepEqual(
      { outcome: again.outcome, ticket: 'ticket' in again && again.ticket },
      { outcome: 'already', ticket: 'A001' },
    );
    const atReception = await queue.checkInAtReception(advisor, registrars.siteId, booked.id);
    assert.equal(atReception.outcome, 'already');

    const visits = await db.selectFrom('visits').selectAll().execute();
    assert.equal(visits.length, 1);
    assert.equal(visits[0]!.appointment_id, booked.id);
    assert.equal(visits[0]!.business_date, DAY);
    assert.equal(visits[0]!.arrived_via, 'kiosk');
    assert.equal(visits[0]!.status, 'waiting');
    const appointment = await db
      .selectFrom('appointments')
      .select('status')
      .where('id', '=', booked.id)
      .executeTakeFirstOrThrow();
    assert.equal(appointment.status, 'arrived');
  });

  it('gives one arrival and one ticket when the same person checks in twice at the same moment', async () => {
    await emptyDay();
    const booked = await bookOne('10:00');
    const queue = queueAt(at('09:50'));
    const both = await Promise.all([
      queue.checkInAtKiosk(kiosk, registrars.siteId, { reference: booked.reference }),
      queue.checkInAtReception(advisor, registrars.siteId, booked.id),
    ]);
    assert.deepEqual(both.map((result) => result.outcome).sort(), ['already', 'checked_in']);
    assert.deepEqual(
      both.map((result) => 'ticket' in result && result.ticket),
      ['A001', 'A001'],
    );
    assert.equal((await db.selectFrom('visits').select('id').execute()).length, 1);
  });

  it('checks in by family name and date of birth, and says nothing more when they do not match', async () => {
    await emptyDay();
    await bookOne('10:30', { givenName: 'Dafydd', familyName: 'ap Gwilym', dateOfBirth: '1970-01-05' });
    const queue = queueAt(at('10:10'));
    const wrongDay = await queue.checkInAtKiosk(kiosk, registrars.siteId, { familyName: 'ap Gwilym', dateOfBirth: '1970-01-06' });
    assert.deepEqual(wrongDay, { outcome: 'not_found' });
    const elsewhere = await queue.checkInAtKiosk(kiosk, council.siteId, { familyName: 'ap Gwilym', dateOfBirth: '1970-01-05' });
    assert.deepEqual(elsewhere, { outcome: 'not_found' });
    const tomorrow = await queueAt(at('10:10', '2027-03-03')).checkInAtKiosk(kiosk, registrars.siteId, {
      familyName: 'ap Gwilym',
      dateOfBirth: '1970-01-05',
    });
    assert.deepEqual(tomorrow, { outcome: 'not_found' });
    const found = await queue.checkInAtKiosk(kiosk, registrars.siteId, { familyName: 'AP GWILYM', dateOfBirth: '1970-01-05' });
    assert.equal(found.outcome, 'checked_in');
    assert.equal('ticket' in found && found.ticket, 'A001');
  });

  it('numbers tickets across appointments and walk-ins at a site, from 1 each day', async () => {
    await emptyDay();
    const booked = await bookOne('09:30');
    const queue = queueAt(at('09:05'));
    assert.equal((await queue.walkInAtReception(advisor, registrars.siteId, {})).ticket, 'W001');
    const checkedIn = await queue.checkInAtReception(advisor, registrars.siteId, booked.id);
    assert.equal('ticket' in checkedIn && checkedIn.ticket, 'A002');
    assert.equal((await queue.walkInAtKiosk(kiosk, registrars.siteId, registrars.serviceId)).ticket, 'W003');
    assert.equal((await queue.walkInAtKiosk(kiosk, council.siteId, undefined)).ticket, 'W001', 'each site counts its own');
    assert.equal((await queueAt(at('09:05', '2027-03-03')).walkInAtKiosk(kiosk, registrars.siteId, undefined)).ticket, 'W001');
    // The kiosk offers only the services the site gives.
    await assert.rejects(queue.walkInAtKiosk(kiosk, registrars.siteId, council.serviceId), Invalid);
    await assert.rejects(queue.walkInAtReception(advisor, registrars.siteId, { serviceId: 'not-a-service' }), Invalid);
  });

  it('calls appointments due first, then walk-ins by arrival, then those who came early; then says nobody waits', async () => {
    await emptyDay();
    const early = await bookOne('11:00', { givenName: 'Elin', familyName: 'Early', dateOfBirth: '1990-01-01' });
    const due = await bookOne('10:00', { givenName: 'Dewi', familyName: 'Due', dateOfBirth: '1991-01-01' });
    await queueAt(at('09:30')).walkInAtReception(advisor, registrars.siteId, {});
    await queueAt(at('09:40')).checkInAtKiosk(kiosk, registrars.siteId, { reference: early.reference });
    await queueAt(at('09:45')).walkInAtReception(advisor, registrars.siteId, {});
    await queueAt(at('09:50')).checkInAtKiosk(kiosk, registrars.siteId, { reference: due.reference });

    const queue = queueAt(at('10:05'));
    const page = await queue.queue(advisor, registrars.siteId);
    assert.deepEqual(
      page.waiting.map((visit) => [visit.ticket, visit.waitedMinutes]),
      [
        ['A004', 15],
        ['W001', 35],
        ['W003', 20],
        ['A002', 25],
      ],
    );
    assert.equal(page.waiting[0]!.customerName, 'Dewi Due');
    const order = [];
    for (let call = 0; call < 4; call++) order.push((await queue.callNext(advisor, registrars.siteId, deskOne))?.ticket);
    assert.deepEqual(order, ['A004', 'W001', 'W003', 'A002']);
    assert.equal(await queue.callNext(advisor, registrars.siteId, deskOne), undefined);
    await assert.rejects(queue.callNext(advisor, registrars.siteId, council.siteId), Invalid, 'a counter of the site');
  });

  it('calls someone for a service only to the advisors who serve it, when any are named', async () => {
    await emptyDay();
    await db
      .insertInto('appointment_service_advisors')
      .values({ service_id: registrars.serviceId, staff_user_id: registrar.id })
      .execute();
    try {
      const queue = queueAt(at('10:00'));
      await queue.walkInAtReception(advisor, registrars.siteId, { serviceId: registrars.serviceId });
      assert.equal(await queue.callNext(advisor, registrars.siteId, deskOne), undefined);
      assert.equal((await queue.callNext(registrar, registrars.siteId, deskTwo))?.ticket, 'W001');
    } finally {
      await db.deleteFrom('appointment_service_advisors').execute();
    }
  });

  it('never gives two advisors calling at the same moment the same person', async () => {
    await emptyDay();
    const queue = queueAt(at('10:00'));
    for (let each = 0; each < 3; each++) await queue.walkInAtReception(advisor, registrars.siteId, {});
    for (let round = 0; round < 2; round++) {
      const calls = await Promise.all([
        queue.callNext(advisor, registrars.siteId, deskOne),
        queue.callNext(otherAdvisor, registrars.siteId, deskTwo),
      ]);
      const tickets = calls.map((call) => call?.ticket).filter((ticket) => ticket !== undefined);
      assert.equal(new Set(tickets).size, tickets.length, `round ${round}: ${tickets.join(', ')}`);
      assert.equal(tickets.length, round === 0 ? 2 : 1);
    }
    const called = await db
      .selectFrom('visits')
      .select(['ticket', 'called_by', 'counter_id', 'status'])
      .orderBy('ticket')
      .execute();
    assert.ok(called.every((visit) => visit.status === 'called'));
  });

  it('records seen and finished, or did not come, and refuses a step out of turn', async () => {
    await emptyDay();
    const queue = queueAt(at('10:00'));
    await queue.walkInAtReception(advisor, registrars.siteId, {});
    await queue.walkInAtReception(advisor, registrars.siteId, {});
    const first = (await queue.callNext(advisor, registrars.siteId, deskOne))!;
    const firstId = (await db.selectFrom('visits').select('id').where('ticket', '=', first.ticket).executeTakeFirstOrThrow()).id;
    assert.deepEqual(
      (await queue.queue(advisor, registrars.siteId)).withMe.map((visit) => visit.ticket),
      ['W001'],
    );
    await queueAt(at('10:02')).seen(advisor, registrars.siteId, firstId);
    await assert.rejects(queue.seen(advisor, registrars.siteId, firstId), Conflict);
    await queueAt(at('10:20')).finished(advisor, registrars.siteId, firstId);
    await assert.rejects(queue.finished(advisor, registrars.siteId, firstId), Conflict);
    const visit = await db.selectFrom('visits').selectAll().where('id', '=', firstId).executeTakeFirstOrThrow();
    assert.equal(visit.status, 'finished');
    assert.deepEqual([visit.called_at, visit.seen_at, visit.finished_at], [at('10:00'), at('10:02'), at('10:20')]);
    assert.equal(visit.counter_id, deskOne);
    assert.equal(visit.called_by, advisor.id);

    const second = (await queue.callNext(advisor, registrars.siteId, deskOne))!;
    const secondId = (await db.selectFrom('visits').select('id').where('ticket', '=', second.ticket).executeTakeFirstOrThrow())
      .id;
    await queue.left(advisor, registrars.siteId, secondId);
    assert.deepEqual((await queue.queue(advisor, registrars.siteId)).withMe, []);
    await assert.rejects(queue.seen(advisor, council.siteId, secondId), NotFound, 'a visit of another site');
  });

  it('shows the waiting area the latest tickets called and their counters, and no one’s name', async () => {
    await emptyDay();
    const booked = await bookOne('10:00', { givenName: 'Siân', familyName: 'Private', dateOfBirth: '1980-01-01' });
    await queueAt(at('09:55')).checkInAtKiosk(kiosk, registrars.siteId, { reference: booked.reference });
    await queueAt(at('09:56')).walkInAtReception(advisor, registrars.siteId, {});
    assert.deepEqual((await queueAt(at('09:57')).display(registrars.siteId)).calls, []);
    await queueAt(at('10:00')).callNext(advisor, registrars.siteId, deskOne);
    await queueAt(at('10:01')).callNext(otherAdvisor, registrars.siteId, deskTwo);
    const screen = await queueAt(at('10:02')).display(registrars.siteId);
    assert.deepEqual(
      screen.calls.map((call) => ({ ...call })),
      [
        { ticket: 'W002', counter: 'Desk 2', calledAt: at('10:01') },
        { ticket: 'A001', counter: 'Desk 1', calledAt: at('10:00') },
      ],
    );
    assert.doesNotMatch(JSON.stringify(screen.calls), /Private|Siân/);
    await assert.rejects(queueAt(at('10:02')).display('not-a-site'), NotFound);
  });

  it('lets only the council’s advisors and team leaders serve at its desks', async () => {
    const officer = (await aSignedInActor(db, ['officer'])).actor;
    const analyst = (await aSignedInActor(db, ['performance_analyst'])).actor;
    await aPartnerAgency(db, 'police', 'West Marches Police');
    const partner = (await aSignedInActor(db, ['partner_worker'], { organisation: 'police' })).actor;
    const queue = queueAt(at('10:00'));
    for (const actor of [officer, analyst, partner]) {
      await assert.rejects(queue.queue(actor, registrars.siteId), NotAllowed);
      await assert.rejects(queue.callNext(actor, registrars.siteId, deskOne), NotAllowed);
      await assert.rejects(queue.walkInAtReception(actor, registrars.siteId, {}), NotAllowed);
    }
    assert.ok((await queue.sites(registrar)).some((site) => site.id === registrars.siteId));
  });
});
