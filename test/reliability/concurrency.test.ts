// Many clients at once, through two OneDoor nodes behind a proxy, racing for the same record:
// thirty bookings for a slot with three places, and two dozen status changes on one case. No
// slot may be booked beyond its places, and no update may be lost: every acknowledged update is
// on the case's timeline, and each status change starts from the status the one before it left.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { aBookableService } from '../support/appointments.ts';
import { aCustomerThrough, aTwoNodeCluster, postUntilAcknowledged, type Cluster } from './support.ts';

const BOOKINGS = 30;
const PLACES = 3;
const UPDATES = 24;

describe('concurrent bookings and status changes on two nodes', () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await aTwoNodeCluster(['cases:read', 'cases:write', 'customers:write', 'appointments:write']);
  });
  after(() => cluster?.close());

  it(`books a slot with ${PLACES} places exactly ${PLACES} times when ${BOOKINGS} ask at once`, async () => {
    const { database, council, proxy } = cluster;
    const { db } = database;
    const bookable = await aBookableService(db, { councilId: council.id, capacity: PLACES, now: new Date() });
    const slot = await db
      .selectFrom('appointment_slots')
      .select('id')
      .where('service_id', '=', bookable.serviceId)
      .where('starts_at', '>', new Date(Date.now() + 24 * 3_600_000))
      .orderBy('starts_at')
      .executeTakeFirstOrThrow();
    const customers = [];
    for (let index = 0; index < BOOKINGS; index++) customers.push(await aCustomerThrough(proxy.url, council, `Racing ${index}`));

    const answers = await Promise.all(
      customers.map((customerId) =>
        postUntilAcknowledged(`${proxy.url}/api/v1/appointments`, { slotId: slot.id, customerId }, { key: council.key }),
      ),
    );
    const statuses = answers.map((answer) => answer.status);
    const booked = await db.selectFrom('appointment_slots').select('booked').where('id', '=', slot.id).executeTakeFirstOrThrow();
    const appointments = await db.selectFrom('appointments').select('id').where('slot_id', '=', slot.id).execute();
    console.log(
      `# bookings: ${BOOKINGS} at once for ${PLACES} places: ${statuses.filter((status) => status === 201).length} booked`,
    );
    assert.equal(statuses.filter((status) => status === 201).length, PLACES, JSON.stringify(statuses));
    assert.equal(statuses.filter((status) => status === 409).length, BOOKINGS - PLACES, 'the rest told the slot is full');
    assert.equal(booked.booked, PLACES);
    assert.equal(appointments.length, PLACES);
  });

  it(`keeps every one of ${UPDATES} concurrent updates to one case, and a status history without gaps`, async () => {
    const { database, council, proxy } = cluster;
    const { db } = database;
    const customerId = await aCustomerThrough(proxy.url, council, 'Racing Updates');
    const raised = await postUntilAcknowledged(
      `${proxy.url}/api/v1/cases`,
      { serviceCode: council.serviceCode, description: 'The bin on Mill Lane is overflowing', customerId },
      { key: council.key },
    );
    assert.equal(raised.status, 201, JSON.stringify(raised.body));
    const reference = String(raised.body.reference);

    const texts = Array.from({ length: UPDATES }, (_, index) => `Update ${index} from the depot`);
    const answers = await Promise.all(
      texts.map((text, index) =>
        postUntilAcknowledged(
          `${proxy.url}/api/v1/cases/${reference}/updates`,
          { text, visibility: 'internal', status: index % 2 === 0 ? 'in_progress' : 'awaiting_customer' },
          { key: council.key },
        ),
      ),
    );
    const acknowledged = texts.filter((_, index) => answers[index]!.status === 201);
    for (const answer of answers) assert.ok([201, 409].includes(answer.status), JSON.stringify(answer.body));

    const record = await db
      .selectFrom('cases')
      .select(['id', 'status'])
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow();
    const events = await db
      .selectFrom('case_events')
      .select(['kind', 'body', 'status_from', 'status_to'])
      .where('case_id', '=', record.id)
      // In the order they were written (after each took the case's lock): occurred_at is when
      // each transaction began, which for updates that waited on the lock is earlier.
      .orderBy('id')
      .execute();
    const bodies = events.map((event) => event.body);
    console.log(
      `# status changes: ${UPDATES} at once on one case: ${acknowledged.length} taken, ${UPDATES - acknowledged.length} refused by the lifecycle`,
    );
    assert.ok(acknowledged.length > 0);
    for (const text of acknowledged)
      assert.equal(bodies.filter((body) => body === text).length, 1, `${text} is on the timeline once`);
    assert.equal(bodies.filter((body) => body?.startsWith('Update ')).length, acknowledged.length, 'nothing refused was kept');

    const changes = events.filter((event) => event.kind === 'status_changed');
    for (let index = 1; index < changes.length; index++) {
      assert.equal(changes[index]!.status_from, changes[index - 1]!.status_to, 'each change starts where the one before it left');
    }
    assert.equal(record.status, changes.at(-1)?.status_to ?? 'submitted', 'the case is where its last change left it');
  });
});
