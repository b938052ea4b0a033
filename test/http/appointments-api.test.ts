// The appointments calls of the JSON API as CONTRACT.md describes them, from outside over real
// HTTP with real keys: free slots of a service, booking one for a customer, the refusals (401,
// 403, 422 per field, 409 when the slot is full), Idempotency-Key, and ten systems racing for the
// last place in a slot: exactly one gets it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { findFirstCouncil } from '../../src/organisations/repo.ts';
import { systemActor } from '../../src/platform/actor.ts';
import type { Scope } from '../../src/platform/apiKeys/scopes.ts';
import { addCalendarDays, londonDate } from '../../src/services/calendar.ts';
import { aBookableService, type BookableFixture } from '../support/appointments.ts';
import { assertProblem, call, type Answer } from '../support/api.ts';
import { aPartnerAgency } from '../support/builders.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const REFERENCE = /^APT-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

interface SlotItem {
  id: string;
  siteId: string;
  siteName: string;
  place: string | null;
  startsAt: string;
  endsAt: string;
  remaining: number;
}

describe('the appointments API', () => {
  let server: TestServer;
  let councilId: string;
  let registration: BookableFixture;
  let reader: string;
  let writer: string;
  let customerId: string;
  const tomorrow = addCalendarDays(londonDate(new Date()), 1);

  const makeKey = async (scopes: Scope[], organisationId = councilId) =>
    (await server.services.apiKeys.create(systemActor('test'), { organisationId, name: `key ${scopes.join(' ')}`, scopes })).key;

  async function aCustomer(givenName: string, email?: string): Promise<string> {
    const created = await server.services.customers.create(
      systemActor('test'),
      { kind: 'person', givenName, familyName: 'Jones', ...(email ? { email } : {}), address: {} },
      { confirmedNew: true, councilId },
    );
    if (!created.created) throw new Error('no customer');
    return created.id;
  }

  before(async () => {
    server = await startTestServer();
    councilId = (await findFirstCouncil(server.db))!.id;
    registration = await aBookableService(server.db, { councilId, code: 'register-birth', now: new Date(), capacity: 1 });
    reader = await makeKey(['appointments:read']);
    // Booking needs only appointments:write: naming the customer must not need customers:read.
    writer = await makeKey(['appointments:write']);
    customerId = await aCustomer('Ffion', 'ffion@example.org');
  });
  after(() => server.close());

  const slotsPath = (query: Record<string, string>) => `/api/v1/appointment-slots?${new URLSearchParams(query).toString()}`;
  const freeSlots = async (query: Record<string, string> = {}, key = reader) =>
    await call(server.url, 'GET', slotsPath({ serviceCode: 'register-birth', from: tomorrow, to: tomorrow, ...query }), { key });
  const book = (body: unknown, options: { key?: string; headers?: Record<string, string> } = {}) =>
    call(server.url, 'POST', '/api/v1/appointments', { key: writer, body, ...options });
  const itemsOf = (answer: Answer) => answer.body.items as SlotItem[];
  const fieldsOf = (answer: Answer) => (answer.body as { errors: { field: string }[] }).errors.map((error) => error.field);

  const appointmentCount = async () =>
    (
      await server.db
        .selectFrom('appointments')
        .select(sql<number>`count(*)::int`.as('n'))
        .executeTakeFirstOrThrow()
    ).n;

  /** A free slot of tomorrow not yet taken by an earlier test. */
  async function aFreeSlot(): Promise<SlotItem> {
    const items = itemsOf(await freeSlots());
    const slot = items[items.length - 1];
    assert.ok(slot, 'a free slot tomorrow');
    return slot;
  }

  it('lists the free slots of a service on the days asked for, soonest first', async () => {
    const answer = await freeSlots();
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.body.next, null);
    const items = itemsOf(answer);
    // Open 09:00 to 17:00 in 30-minute appointments: 16 a day.
    assert.equal(items.length, 16);
    const first = items[0]!;
    assert.deepEqual(Object.keys(first).sort(), ['endsAt', 'id', 'place', 'remaining', 'siteId', 'siteName', 'startsAt']);
    assert.equal(first.siteId, registration.siteId);
    assert.match(first.siteName, /^Castle Street one-stop shop/);
    assert.equal(first.remaining, 1);
    assert.equal(first.place, null);
    assert.match(first.startsAt, ISO_WITH_OFFSET);
    assert.match(first.endsAt, ISO_WITH_OFFSET);
    assert.equal(Date.parse(first.endsAt) - Date.parse(first.startsAt), 30 * 60_000);
    const london = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit' });
    assert.equal(london.format(new Date(first.startsAt)), '09:00');
    assert.equal(london.format(new Date(items[15]!.startsAt)), '16:30');
    const starts = items.map((item) => Date.parse(item.startsAt));
    assert.deepEqual(
      starts,
      [...starts].sort((a, b) => a - b),
    );

    const atTheSite = await freeSlots({ siteId: registration.siteId, to: addCalendarDays(tomorrow, 1) });
    assert.equal(atTheSite.status, 200, atTheSite.text);
    assert.equal(itemsOf(atTheSite).length, 32, 'two days');
  });

  it('refuses without a key (401), and a key without the scope (403), reading or booking', async () => {
    assertProblem(
      await call(server.url, 'GET', slotsPath({ serviceCode: 'register-birth', from: tomorrow, to: tomorrow })),
      401,
      'unauthenticated',
    );
    assertProblem(await call(server.url, 'POST', '/api/v1/appointments', { body: {} }), 401, 'unauthenticated');
    const casesOnly = await makeKey(['cases:read', 'customers:read']);
    assertProblem(await freeSlots({}, casesOnly), 403, 'insufficient-scope');
    const slot = await aFreeSlot();
    const before = await appointmentCount();
    assertProblem(await book({ slotId: slot.id, customerId }, { key: casesOnly }), 403, 'insufficient-scope');
    assertProblem(await book({ slotId: slot.id, customerId }, { key: reader }), 403, 'insufficient-scope');
    const partnerId = await aPartnerAgency(server.db, 'housing-association');
    const partner = await makeKey(['appointments:write'], partnerId);
    assertProblem(await book({ slotId: slot.id, customerId }, { key: partner }), 403, 'not-allowed');
    assert.equal(await appointmentCount(), before);
  });

  it('refuses bad dates and an unknown service with 422 and an error per field', async () => {
    const notADate = await freeSlots({ from: 'tomorrow', to: '2026-02-30' });
    assertProblem(notADate, 422, 'invalid');
    assert.deepEqual(notADate.body.errors, [
      { field: 'from', message: 'Enter a real date', code: 'appointments.errors.dateInvalid' },
      { field: 'to', message: 'Enter a real date', code: 'appointments.errors.dateInvalid' },
    ]);
    const backwards = await freeSlots({ from: tomorrow, to: addCalendarDays(tomorrow, -1) });
    assertProblem(backwards, 422, 'invalid');
    assert.deepEqual(fieldsOf(backwards), ['to']);
    const tooLong = await freeSlots({ from: tomorrow, to: addCalendarDays(tomorrow, 200) });
    assertProblem(tooLong, 422, 'invalid');
    assert.deepEqual(fieldsOf(tooLong), ['to']);
    const unknown = await freeSlots({ serviceCode: 'no-such-service' });
    assertProblem(unknown, 422, 'invalid');
    assert.deepEqual(unknown.body.errors, [
      { field: 'serviceCode', message: 'Choose a service that takes appointments', code: 'appointments.errors.serviceUnknown' },
    ]);
    const missing = await call(server.url, 'GET', slotsPath({ from: tomorrow, to: tomorrow }), { key: reader });
    assertProblem(missing, 422, 'invalid');
    assert.deepEqual(fieldsOf(missing), ['serviceCode']);
  });

  it('books a free slot for a customer, by the API, and tells the customer', async () => {
    const slot = await aFreeSlot();
    const answer = await book({ slotId: slot.id, customerId, notes: 'Needs a hearing loop' });
    assert.equal(answer.status, 201, answer.text);
    const body = answer.body as Record<string, string>;
    assert.match(body.reference!, REFERENCE);
    assert.deepEqual(
      { slotId: body.slotId, siteId: body.siteId, startsAt: body.startsAt, endsAt: body.endsAt, status: body.status },
      { slotId: slot.id, siteId: slot.siteId, startsAt: slot.startsAt, endsAt: slot.endsAt, status: 'booked' },
    );
    assert.match(body.startsAt!, ISO_WITH_OFFSET);

    const saved = await server.db
      .selectFrom('appointments')
      .select(['channel', 'customer_id', 'notes', 'created_by_api_key', 'status'])
      .where('reference', '=', body.reference!)
      .executeTakeFirstOrThrow();
    assert.equal(saved.channel, 'api');
    assert.equal(saved.customer_id, customerId);
    assert.equal(saved.notes, 'Needs a hearing loop');
    assert.equal(saved.status, 'booked');
    assert.ok(saved.created_by_api_key, 'the key that booked it is kept');
    const messages = await server.db
      .selectFrom('notifications')
      .select(['event', 'recipient'])
      .where('record_id', '=', body.reference!)
      .execute();
    assert.deepEqual(messages, [{ event: 'appointment.booked', recipient: 'ffion@example.org' }]);

    const after = itemsOf(await freeSlots());
    assert.ok(!after.some((item) => item.id === slot.id), 'a full slot is no longer offered');
  });

  it('answers 409 when the slot is full, and books nothing', async () => {
    const slot = await aFreeSlot();
    assert.equal((await book({ slotId: slot.id, customerId })).status, 201);
    const before = await appointmentCount();
    const full = await book({ slotId: slot.id, customerId: await aCustomer('Gwen') });
    assertProblem(full, 409, 'conflict');
    assert.equal(full.body.code, 'appointments.errors.slotFull');
    assert.equal(full.body.detail, 'That time has just been taken: choose another');
    assert.equal(await appointmentCount(), before);
  });

  it('refuses an unknown, past or closed slot and an unknown customer with 422, and books nothing', async () => {
    const before = await appointmentCount();
    const unknownSlot = await book({ slotId: '00000000-0000-4000-8000-000000000000', customerId });
    assertProblem(unknownSlot, 422, 'invalid');
    assert.deepEqual(unknownSlot.body.errors, [
      { field: 'slotId', message: 'Choose a time from the list', code: 'appointments.errors.slotUnknown' },
    ]);
    const notAnId = await book({ slotId: 'the-nine-oclock', customerId });
    assertProblem(notAnId, 422, 'invalid');
    assert.deepEqual(fieldsOf(notAnId), ['slotId']);

    const yesterday = new Date(Date.now() - 86_400_000);
    const past = await server.db
      .insertInto('appointment_slots')
      .values({
        council_id: councilId,
        site_id: registration.siteId,
        service_id: registration.serviceId,
        starts_at: yesterday,
        ends_at: new Date(yesterday.getTime() + 30 * 60_000),
        capacity: 1,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const pastSlot = await book({ slotId: past.id, customerId });
    assertProblem(pastSlot, 422, 'invalid');
    assert.deepEqual(fieldsOf(pastSlot), ['slotId']);
    assert.equal((pastSlot.body.errors as { code: string }[])[0]!.code, 'appointments.errors.slotPast');

    // The site closes on a day after its slots were made: they are no longer bookable.
    const closedDay = addCalendarDays(tomorrow, 2);
    const [closed] = itemsOf(await freeSlots({ from: closedDay, to: closedDay }));
    await server.db
      .insertInto('site_closures')
      .values({ site_id: registration.siteId, date: closedDay, reason: 'Staff training' })
      .execute();
    const closedSlot = await book({ slotId: closed!.id, customerId });
    assertProblem(closedSlot, 422, 'invalid');
    assert.equal((closedSlot.body.errors as { code: string }[])[0]!.code, 'appointments.errors.slotClosed');
    assert.equal(itemsOf(await freeSlots({ from: closedDay, to: closedDay })).length, 0, 'nor offered');

    const slot = await aFreeSlot();
    const unknownCustomer = await book({ slotId: slot.id, customerId: '00000000-0000-4000-8000-000000000000' });
    assertProblem(unknownCustomer, 422, 'invalid');
    assert.deepEqual(unknownCustomer.body.errors, [
      { field: 'customerId', message: 'Choose who the appointment is for', code: 'appointments.errors.customerUnknown' },
    ]);
    const noCustomer = await book({ slotId: slot.id });
    assertProblem(noCustomer, 422, 'invalid');
    assert.deepEqual(fieldsOf(noCustomer), ['customerId']);
    const longNotes = await book({ slotId: slot.id, customerId, notes: 'x'.repeat(1001) });
    assertProblem(longNotes, 422, 'invalid');
    assert.deepEqual(fieldsOf(longNotes), ['notes']);

    assert.equal(await appointmentCount(), before);
    const still = itemsOf(await freeSlots());
    assert.ok(
      still.some((item) => item.id === slot.id),
      'the refused bookings took no place',
    );
  });

  it('books once for a request retried with the same Idempotency-Key, and answers the retry the same', async () => {
    const slot = await aFreeSlot();
    const before = await appointmentCount();
    const headers = { 'idempotency-key': 'appointment-4f2a9c' };
    const body = { slotId: slot.id, customerId };
    const first = await book(body, { headers });
    assert.equal(first.status, 201, first.text);
    const retry = await book(body, { headers });
    assert.equal(retry.status, 201, retry.text);
    assert.equal(retry.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(retry.body, first.body);
    assert.equal(await appointmentCount(), before + 1);

    const reused = await book({ ...body, notes: 'Something else' }, { headers });
    assertProblem(reused, 422, 'idempotency-key-reused');
    assert.equal(await appointmentCount(), before + 1);
  });

  it('gives the last place in a slot to exactly one of ten systems booking it at once', async () => {
    const slot = await aFreeSlot();
    const customers = await Promise.all(Array.from({ length: 10 }, (_, index) => aCustomer(`Racer${index}`)));
    const answers = await Promise.all(
      customers.map((id, index) =>
        book({ slotId: slot.id, customerId: id }, { headers: { 'idempotency-key': `race-${index}` } }),
      ),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    assert.deepEqual(
      statuses,
      [201, 409, 409, 409, 409, 409, 409, 409, 409, 409],
      answers.map((answer) => answer.text).join('\n'),
    );
    for (const answer of answers.filter((each) => each.status === 409)) {
      assertProblem(answer, 409, 'conflict');
      assert.equal(answer.body.code, 'appointments.errors.slotFull');
    }
    const taken = await server.db
      .selectFrom('appointment_slots')
      .select(['booked', 'capacity'])
      .where('id', '=', slot.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(taken, { booked: 1, capacity: 1 });
    const booked = await server.db.selectFrom('appointments').select('customer_id').where('slot_id', '=', slot.id).execute();
    assert.equal(booked.length, 1);
  });

  it('describes both calls in the OpenAPI document', async () => {
    const document = (await call(server.url, 'GET', '/api/v1/openapi.json')).body as {
      paths: Record<
        string,
        Record<
          string,
          { operationId: string; tags: string[]; security: { apiKey: string[] }[]; responses: Record<string, unknown> }
        >
      >;
    };
    const list = document.paths['/api/v1/appointment-slots']?.get;
    assert.ok(list, 'GET /api/v1/appointment-slots');
    assert.equal(list.operationId, 'listAppointmentSlots');
    assert.deepEqual(list.tags, ['Appointments']);
    assert.deepEqual(list.security, [{ apiKey: ['appointments:read'] }]);
    const create = document.paths['/api/v1/appointments']?.post;
    assert.ok(create, 'POST /api/v1/appointments');
    assert.equal(create.operationId, 'createAppointment');
    assert.deepEqual(create.security, [{ apiKey: ['appointments:write'] }]);
    assert.ok(create.responses['201'] && create.responses['409'] && create.responses['422']);
  });
});
