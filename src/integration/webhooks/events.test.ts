// Domain events told to webhooks, against a real PostgreSQL: the cases and complaints services
// record an event in the transaction of each change; the fan-out makes one delivery per
// subscription that wants it, however often it runs; a change rolled back leaves nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { aPartnerAgency, aStaffMember } from '../../../test/support/builders.ts';
import { freshDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { aMissedBinCouncil } from '../../../test/support/webhooks.ts';
import type { CasesService } from '../../cases/service.ts';
import type { ComplaintsService } from '../../complaints/service.ts';
import type { Db } from '../../db/database.ts';
import { systemActor, type Role } from '../../platform/actor.ts';
import { createAuthService } from '../../platform/auth/service.ts';
import { recordEvent } from '../../platform/events/events.ts';
import { fanOutEvent } from './delivery.ts';
import { createWebhooksService, type WebhooksService } from './service.ts';

const system = systemActor('test');

describe('domain events and their fan-out to webhooks', () => {
  let database: TestDatabase;
  let db: Db;
  let councilId: string;
  let partnerId: string;
  let cases: CasesService;
  let complaints: ComplaintsService;
  let webhooks: WebhooksService;

  before(async () => {
    database = await freshDatabase();
    db = database.db;
    ({ councilId, cases, complaints } = await aMissedBinCouncil(db));
    partnerId = await aPartnerAgency(db, 'events-police', 'Events Police');
    webhooks = createWebhooksService(db);
  });
  after(() => database.drop());

  const eventsAbout = (subject: string) =>
    db
      .selectFrom('domain_events')
      .select(['id', 'type', 'council_id', 'organisation_id', 'data', 'fanned_out_at'])
      .where('subject', '=', subject)
      .orderBy('created_at')
      .orderBy('type')
      .execute();
  const deliveriesOf = (eventId: string) =>
    db
      .selectFrom('webhook_deliveries')
      .select(['subscription_id', 'status', 'event_type', 'organisation_id'])
      .where('event_id', '=', eventId)
      .orderBy('subscription_id')
      .execute();
  const subscribe = (name: string, eventTypes: string[], organisationId = councilId) =>
    webhooks.create(system, { organisationId, name, url: `https://${name}.example.gov.uk/hook`, eventTypes });
  const raise = (description: string) =>
    cases.raise(system, { serviceCode: 'missed-bin', description, channel: 'phone' }, { council: councilId });

  it('records a case’s creation with the change, and fans it out to the subscriptions that want it, once', async () => {
    const waste = await subscribe('waste', ['case.created', 'case.status_changed']);
    const revenues = await subscribe('revenues', ['complaint.created']);
    const police = await subscribe('police', ['case.created'], partnerId);
    const paused = await subscribe('paused', ['case.created']);
    assert.equal(await webhooks.pause(system, paused.id), true);

    const raised = await raise('Grey bin missed on Elm Road');
    const [created] = await eventsAbout(raised.reference);
    assert.equal(created?.type, 'case.created');
    assert.equal(created.council_id, councilId);
    assert.equal(created.fanned_out_at, null, 'not fanned out until its job runs');
    assert.deepEqual(
      { ...created.data, dueAt: undefined, receivedAt: undefined, teamId: undefined },
      {
        reference: raised.reference,
        service: { code: 'missed-bin', name: 'Missed bin' },
        status: 'submitted',
        priority: raised.priority,
        channel: 'phone',
        description: 'Grey bin missed on Elm Road',
        answers: {},
        location: null,
        uprn: null,
        ward: null,
        linkedTo: null,
        dueAt: undefined,
        receivedAt: undefined,
        teamId: undefined,
      },
    );
    assert.ok(!JSON.stringify(created.data).includes(raised.trackingToken), 'never the resident’s tracking token');

    assert.equal(await fanOutEvent(db, created.id), 2);
    assert.equal(await fanOutEvent(db, created.id), 0, 'a second run makes nothing');
    const deliveries = await deliveriesOf(created.id);
    assert.deepEqual(
      deliveries.map((delivery) => [delivery.subscription_id, delivery.status]).sort(),
      [
        [waste.id, 'pending'],
        [paused.id, 'held'],
      ].sort(),
      'the council’s subscriptions to case.created: not the one to complaints, not the partner’s (the case is the council’s)',
    );
    assert.ok(!deliveries.some((delivery) => [revenues.id, police.id].includes(delivery.subscription_id)));
    assert.ok((await eventsAbout(raised.reference))[0]?.fanned_out_at);

    // Even a fan-out that ran twice at once, or lost its mark, makes one delivery per subscription.
    await db.updateTable('domain_events').set({ fanned_out_at: null }).where('id', '=', created.id).execute();
    await Promise.all([fanOutEvent(db, created.id), fanOutEvent(db, created.id)]);
    assert.equal((await deliveriesOf(created.id)).length, 2);
    await webhooks.delete(system, waste.id);
    await webhooks.delete(system, revenues.id);
    await webhooks.delete(system, police.id);
    await webhooks.delete(system, paused.id);
  });

  it('tells a partner agency’s subscriptions of the events of the records its teams work', async () => {
    const police = await subscribe('police-two', ['case.created'], partnerId);
    const eventId = await db.transaction().execute((trx) =>
      recordEvent(trx, {
        councilId,
        organisationId: partnerId,
        type: 'case.created',
        subject: 'ODR-PART-NER1',
        data: { reference: 'ODR-PART-NER1' },
      }),
    );
    await fanOutEvent(db, eventId);
    assert.deepEqual(
      (await deliveriesOf(eventId)).map((delivery) => [delivery.subscription_id, delivery.organisation_id]),
      [[police.id, partnerId]],
    );
    await webhooks.delete(system, police.id);
  });

  it('records no event when the change it belongs to is rolled back', async () => {
    const before = (await sql<{ count: number }>`select count(*)::int as count from domain_events`.execute(db)).rows[0]!.count;
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        await recordEvent(trx, {
          councilId,
          type: 'case.created',
          subject: 'ODR-ROLL-BACK',
          data: { reference: 'ODR-ROLL-BACK' },
        });
        throw new Error('the change failed');
      }),
      /the change failed/,
    );
    const after = (await sql<{ count: number }>`select count(*)::int as count from domain_events`.execute(db)).rows[0]!.count;
    assert.equal(after, before);
    assert.deepEqual(await eventsAbout('ODR-ROLL-BACK'), []);
  });

  it('records no event for a case whose raising fails its checks', async () => {
    const before = (await sql<{ count: number }>`select count(*)::int as count from domain_events`.execute(db)).rows[0]!.count;
    await assert.rejects(raise(''));
    const after = (await sql<{ count: number }>`select count(*)::int as count from domain_events`.execute(db)).rows[0]!.count;
    assert.equal(after, before);
  });

  it('tells of status changes and public updates, and keeps internal notes inside', async () => {
    const raised = await raise('Green bin missed on Oak Lane');
    await cases.addUpdate(system, raised.reference, {
      text: 'A crew is on the way',
      visibility: 'public',
      status: 'in_progress',
    });
    await cases.addUpdate(system, raised.reference, { text: 'They will come back tomorrow', visibility: 'public' });
    await cases.addUpdate(system, raised.reference, { text: 'Driver off sick', visibility: 'internal' });
    await cases.addUpdate(system, raised.reference, {
      text: 'Waiting for the crew',
      visibility: 'internal',
      status: 'awaiting_customer',
    });
    const events = (await eventsAbout(raised.reference)).map((event) => ({ type: event.type, data: event.data }));
    assert.deepEqual(
      events.map((event) => event.type),
      ['case.created', 'case.status_changed', 'case.update_added', 'case.status_changed'],
    );
    assert.deepEqual(
      { ...events[1]!.data, updateId: undefined },
      {
        reference: raised.reference,
        updateId: undefined,
        from: 'submitted',
        to: 'in_progress',
        update: 'A crew is on the way',
      },
    );
    assert.equal(events[2]!.data.update, 'They will come back tomorrow');
    assert.deepEqual(
      { ...events[3]!.data, updateId: undefined },
      {
        reference: raised.reference,
        updateId: undefined,
        from: 'in_progress',
        to: 'awaiting_customer',
        update: null,
      },
    );
    assert.ok(!JSON.stringify(events).includes('Driver off sick'));
  });

  it('tells of a case given to someone', async () => {
    const raised = await raise('Blue bin missed on Ash Grove');
    const member = await aStaffMember(db, { roles: ['officer'] });
    await db.insertInto('team_members').values({ team_id: raised.teamId, user_id: member.id }).execute();
    await cases.assign(system, raised.reference, member.id);
    const assigned = (await eventsAbout(raised.reference)).find((event) => event.type === 'case.assigned');
    assert.deepEqual(assigned?.data, { reference: raised.reference, teamId: raised.teamId, from: null, to: member.id });
  });

  it('tells of each case a team leader shares out in one go', async () => {
    const first = await raise('Green bin missed on Birch Close');
    const second = await raise('Green bin missed on Cedar Close');
    const inTeam = async (roles: Role[]) => {
      const member = await aStaffMember(db, { roles });
      await db.insertInto('team_members').values({ team_id: first.teamId, user_id: member.id }).execute();
      return member;
    };
    const officer = await inTeam(['officer']);
    const leader = (await createAuthService(db).signedInStaff((await inTeam(['team_leader'])).id, '192.0.2.10'))!.actor;
    await cases.bulkAssign(leader, first.teamId, [first.id, second.id], officer.id);
    for (const raised of [first, second]) {
      const assigned = (await eventsAbout(raised.reference)).filter((event) => event.type === 'case.assigned');
      assert.deepEqual(
        assigned.map((event) => event.data),
        [{ reference: raised.reference, teamId: raised.teamId, from: null, to: officer.id }],
      );
    }
  });

  it('tells of a complaint recorded and of its move to stage 2, without its words', async () => {
    const recorded = await complaints.record(
      system,
      { description: 'Nobody came about my bin', channel: 'phone', serviceCode: 'missed-bin' },
      { council: councilId },
    );
    await complaints.acknowledge(system, recorded.reference);
    await complaints.respond(system, recorded.reference, { outcome: 'not_upheld', response: 'The bin was out late.' });
    await complaints.escalate(system, recorded.reference, { reason: 'I do not agree' });
    const events = await eventsAbout(recorded.reference);
    assert.deepEqual(
      events.map((event) => event.type),
      ['complaint.created', 'complaint.stage_changed'],
    );
    assert.equal(events[0]!.data.kind, 'complaint');
    assert.equal(events[0]!.data.stage, 1);
    assert.deepEqual(events[0]!.data.service, { code: 'missed-bin', name: 'Missed bin' });
    assert.equal(events[1]!.data.from, 1);
    assert.equal(events[1]!.data.to, 2);
    assert.ok(!JSON.stringify(events).includes('Nobody came'), 'not the complainant’s words');
    assert.ok(!JSON.stringify(events).includes('I do not agree'));
  });
});
