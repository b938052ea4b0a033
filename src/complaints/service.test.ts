// The complaints service against a real database: the Code's deadlines in the council's working
// days, each step with its event and the complainant's message (once), the refusals that leave
// nothing half-written, the stage 2 reviewer kept apart from stage 1, the deadline sweep, and a
// resident's journey sent twice recording one complaint.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { aStaffMember } from '../../test/support/builders.ts';
import { freshDatabase, type TestDatabase } from '../../test/support/database.ts';
import { createCustomersService } from '../customers/service.ts';
import type { Db } from '../db/database.ts';
import { findFirstCouncil, insertOrganisation } from '../organisations/repo.ts';
import { systemActor, type StaffActor } from '../platform/actor.ts';
import { createAuthService } from '../platform/auth/service.ts';
import { Conflict, Invalid } from '../platform/errors.ts';
import { createCalendarService } from '../services/calendarService.ts';
import { createServicesService } from '../services/service.ts';
import { createComplaintsService, type ComplaintsService } from './service.ts';

const system = systemActor('test');
// Thursday 4 February 2027, mid-morning (GMT). The weekend of 6–7 February and a bank holiday
// the tests add on Wednesday 10 February are not working days.
const RECEIVED = new Date('2027-02-04T10:00:00Z');
const BANK_HOLIDAY = '2027-02-10';
/** A service clock a day later than `at`, so that a step dated `at` is not in the future. */
const dayAfter = (at: Date) => new Date(at.getTime() + 86_400_000);

describe('the complaints service', () => {
  let database: TestDatabase;
  let db: Db;
  let councilId: string;
  let customerId: string;
  let officer: StaffActor & { email: string };
  let reviewer: StaffActor & { email: string };
  /** The complaints service as of `now` (each test keeps its own clock). */
  let complaintsAt: (now: Date) => ComplaintsService;

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
    const team = await db
      .insertInto('teams')
      .values({ organisation_id: councilId, code: 'waste', name: 'Waste and Recycling' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('services')
      .values({
        council_id: councilId,
        code: 'missed-bin',
        name: 'Missed bin',
        team_id: team.id,
        organisation_id: councilId,
        sla_working_days: 2,
      })
      .execute();
    officer = await complaintsOfficer('Olwen Officer');
    reviewer = await complaintsOfficer('Rhodri Reviewer');

    const customers = createCustomersService(db);
    const created = await customers.create(
      system,
      { kind: 'person', givenName: 'Bethan', familyName: 'Morgan', email: 'bethan@example.org', address: {} },
      { confirmedNew: true, councilId },
    );
    if (!created.created) throw new Error('no customer');
    customerId = created.id;

    const services = createServicesService(db);
    const calendar = createCalendarService(db);
    complaintsAt = (now) =>
      createComplaintsService(db, {
        services,
        calendar,
        findCustomer: (actor, id) => customers.mayReferTo(actor, id),
        notificationAddress: (id) => customers.notificationAddress(id),
        publicUrl: 'https://council.example',
        now: () => now,
      });
  });
  after(() => database.drop());

  async function complaintsOfficer(name: string): Promise<StaffActor & { email: string }> {
    const { id, email } = await aStaffMember(db, { roles: ['complaints_officer'], name });
    const staff = await createAuthService(db).signedInStaff(id, '192.0.2.10');
    assert.ok(staff);
    return { ...staff.actor, email };
  }

  const record = (input: { description?: string; customerId?: string; receivedAt?: Date } = {}, now = dayAfter(RECEIVED)) =>
    complaintsAt(now).record(
      system,
      {
        description: 'The bin was missed three weeks running',
        channel: 'phone',
        serviceCode: 'missed-bin',
        receivedAt: RECEIVED,
        ...input,
      },
      { council: councilId },
    );

  const stageOf = (complaintId: string, stage: 1 | 2 = 1) =>
    db
      .selectFrom('complaint_stages')
      .selectAll()
      .where('complaint_id', '=', complaintId)
      .where('stage', '=', stage)
      .executeTakeFirstOrThrow();

  /** How many rows of `table` there are (where `column` is `value`). */
  async function rowsIn(table: 'complaints' | 'complaint_events' | 'audit_events' | 'notifications', where?: [string, string]) {
    const filter = where ? sql`where ${sql.ref(where[0])} = ${where[1]}` : sql``;
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} ${filter}`.execute(db);
    return rows[0]!.n;
  }

  /** What a complaint's steps have written: to check a refused step wrote nothing. */
  async function footprint(complaintId: string, reference: string) {
    const [events, audit, messages, stages] = await Promise.all([
      rowsIn('complaint_events', ['complaint_id', complaintId]),
      rowsIn('audit_events', ['record_id', complaintId]),
      rowsIn('notifications', ['record_id', reference]),
      db.selectFrom('complaint_stages').selectAll().where('complaint_id', '=', complaintId).orderBy('stage').execute(),
    ]);
    return { events, audit, messages, stages };
  }

  /** The messages queued about a complaint: [event, recipient] in the order they were queued. */
  const messagesAbout = async (reference: string) =>
    (
      await db
        .selectFrom('notifications')
        .select(['event', 'recipient'])
        .where('record_id', '=', reference)
        .orderBy('queued_at')
        .orderBy('created_at')
        .execute()
    ).map((message) => [message.event, message.recipient]);

  it('records a complaint at stage 1, due to be acknowledged by the end of the 5th working day after receipt', async () => {
    const created = await record({ customerId });
    assert.equal(created.kind, 'complaint');
    assert.equal(created.stage, 1);
    assert.equal(created.status, 'open');
    assert.equal(created.team, 'Waste and Recycling');
    assert.match(created.reference, /^CMP-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    // Friday 5, Monday 8, Tuesday 9, (the bank holiday), Thursday 11, Friday 12: due by the end of Friday 12.
    assert.equal(created.acknowledgeBy?.toISOString(), '2027-02-13T00:00:00.000Z');
    // Until it is acknowledged the answer is due, at the latest, 15 working days after receipt.
    assert.equal(created.respondBy?.toISOString(), '2027-02-27T00:00:00.000Z');

    const stage = await stageOf(created.id);
    assert.equal(stage.received_at.toISOString(), RECEIVED.toISOString());
    assert.equal(stage.acknowledge_by.toISOString(), '2027-02-13T00:00:00.000Z');
    assert.deepEqual(await messagesAbout(created.reference), [['complaint.received', 'bethan@example.org']]);
    const events = await db
      .selectFrom('complaint_events')
      .select(['kind', 'occurred_at'])
      .where('complaint_id', '=', created.id)
      .execute();
    assert.deepEqual(
      events.map((event) => [event.kind, event.occurred_at.toISOString()]),
      [['received', RECEIVED.toISOString()]],
    );
  });

  it('records a compliment with no stage and no deadlines, which can only be closed', async () => {
    const service = complaintsAt(dayAfter(RECEIVED));
    const compliment = await service.record(
      system,
      { kind: 'compliment', description: 'The crew were lovely', channel: 'email', customerId },
      { council: councilId },
    );
    assert.deepEqual([compliment.stage, compliment.acknowledgeBy, compliment.respondBy], [null, null, null]);
    assert.equal(
      (await db.selectFrom('complaint_stages').select('stage').where('complaint_id', '=', compliment.id).execute()).length,
      0,
    );
    assert.deepEqual(await messagesAbout(compliment.reference), [['feedback.received', 'bethan@example.org']]);
    await assert.rejects(service.acknowledge(officer, compliment.reference), conflict('complaints.errors.notAComplaint'));
    await service.close(officer, compliment.reference);
    await assert.rejects(service.close(officer, compliment.reference), conflict('complaints.errors.alreadyClosed'));
  });

  it('refuses what it cannot record, field by field, and records nothing', async () => {
    const before = await rowsIn('complaints');
    await assert.rejects(
      complaintsAt(dayAfter(RECEIVED)).record(
        system,
        { description: '  ', channel: 'phone', serviceCode: 'no-such-service', receivedAt: new Date('2027-02-06T10:00:00Z') },
        { council: councilId },
      ),
      (error: unknown) => {
        assert.ok(error instanceof Invalid);
        assert.deepEqual(
          error.errors.map((problem) => [problem.field, problem.message]),
          [
            ['description', 'complaints.errors.descriptionMissing'],
            ['serviceCode', 'complaints.errors.serviceUnknown'],
            ['receivedAt', 'complaints.errors.dateInFuture'],
          ],
        );
        return true;
      },
    );
    await assert.rejects(
      record({ receivedAt: new Date('2026-01-01T10:00:00Z') }),
      invalid('receivedAt', 'complaints.errors.receivedTooLongAgo'),
    );
    assert.equal(await rowsIn('complaints'), before);
  });

  it('acknowledges, extends and answers stage 1 in the council’s working days, telling the complainant of each once', async () => {
    const created = await record({ customerId });
    // Acknowledged on Monday 8 February: the answer is due 10 working days on, by the end of Tuesday 23.
    const acknowledgedAt = new Date('2027-02-08T11:00:00Z');
    const acknowledged = await complaintsAt(dayAfter(acknowledgedAt)).acknowledge(officer, created.reference, {
      at: acknowledgedAt,
    });
    assert.equal(acknowledged.respondBy.toISOString(), '2027-02-24T00:00:00.000Z');
    assert.equal((await stageOf(created.id)).respond_by.toISOString(), '2027-02-24T00:00:00.000Z');
    await assert.rejects(
      complaintsAt(dayAfter(acknowledgedAt)).acknowledge(officer, created.reference, { at: acknowledgedAt }),
      conflict('complaints.errors.alreadyAcknowledged'),
    );

    // Five more working days, counted on from Tuesday 23: by the end of Tuesday 2 March.
    const service = complaintsAt(new Date('2027-02-22T09:00:00Z'));
    const extended = await service.extend(officer, created.reference, { days: 5, reason: 'Waiting for the crew’s report' });
    assert.equal(extended.respondBy.toISOString(), '2027-03-03T00:00:00.000Z');
    const stage = await stageOf(created.id);
    assert.equal(stage.extended_to?.toISOString(), '2027-03-03T00:00:00.000Z');
    assert.equal(stage.extension_days, 5);
    assert.equal(stage.respond_by.toISOString(), '2027-02-24T00:00:00.000Z', 'the first deadline is kept beside the extension');
    await assert.rejects(
      service.extend(officer, created.reference, { days: 1, reason: 'Again' }),
      conflict('complaints.errors.alreadyExtended'),
    );

    const respondedAt = new Date('2027-02-26T15:00:00Z');
    const answered = await complaintsAt(dayAfter(respondedAt)).respond(officer, created.reference, {
      outcome: 'upheld',
      response: 'We are sorry: the crew will collect on Monday.',
      serviceFailure: true,
      at: respondedAt,
    });
    // Receipt counts from Thursday 4: 15 working days to Friday 26, the bank holiday not among them.
    assert.deepEqual(answered, { outcome: 'upheld', respondedInTime: true, workingDaysTaken: 15 });
    const done = await stageOf(created.id);
    assert.equal(done.responded_in_time, true);
    assert.equal(done.acknowledged_in_time, true);
    assert.equal(done.working_days_taken, 15);
    assert.equal(done.responded_by, officer.id);

    assert.deepEqual(await messagesAbout(created.reference), [
      ['complaint.received', 'bethan@example.org'],
      ['complaint.acknowledged', 'bethan@example.org'],
      ['complaint.extended', 'bethan@example.org'],
      ['complaint.stage_one_answered', 'bethan@example.org'],
    ]);
  });

  it('records an answer after its deadline as late', async () => {
    const created = await record();
    const acknowledgedAt = new Date('2027-02-05T09:00:00Z');
    await complaintsAt(dayAfter(acknowledgedAt)).acknowledge(officer, created.reference, { at: acknowledgedAt });
    // Due by the end of Monday 22 February (Friday 5 + 10 working days, the bank holiday skipped).
    assert.equal((await stageOf(created.id)).respond_by.toISOString(), '2027-02-23T00:00:00.000Z');
    const respondedAt = new Date('2027-02-23T00:00:00Z');
    const answered = await complaintsAt(dayAfter(respondedAt)).respond(officer, created.reference, {
      outcome: 'not_upheld',
      response: 'The bin was out after the crew came.',
      at: respondedAt,
    });
    assert.equal(answered.respondedInTime, false, 'exactly at the deadline is late');
  });

  it('refuses a date before the complaint was received, or in the future, on the field `at`, and writes nothing', async () => {
    const created = await record({ customerId });
    const service = complaintsAt(dayAfter(RECEIVED));
    const before = await footprint(created.id, created.reference);
    await assert.rejects(
      service.acknowledge(officer, created.reference, { at: new Date('2027-02-03T16:00:00Z') }),
      invalid('at', 'complaints.errors.dateBeforeReceived'),
    );
    await assert.rejects(
      service.acknowledge(officer, created.reference, { at: new Date(dayAfter(RECEIVED).getTime() + 1) }),
      invalid('at', 'complaints.errors.dateInFuture'),
    );
    await assert.rejects(
      service.respond(officer, created.reference, { outcome: 'upheld', response: 'Too soon' }),
      conflict('complaints.errors.notAcknowledged'),
    );
    await assert.rejects(service.escalate(officer, created.reference), conflict('complaints.errors.escalateBeforeResponse'));
    await assert.rejects(service.close(officer, created.reference), conflict('complaints.errors.closeWithoutOutcome'));
    await assert.rejects(service.referToOmbudsman(officer, created.reference), conflict('complaints.errors.referBeforeResponse'));
    await assert.rejects(
      service.extend(officer, created.reference, { days: 5, reason: 'Too soon' }),
      conflict('complaints.errors.extendBeforeAcknowledgement'),
    );
    assert.deepEqual(await footprint(created.id, created.reference), before);
  });

  it('keeps stage 2 from whoever answered stage 1: they can neither answer it nor be made its handler', async () => {
    const created = await record({ customerId });
    const acknowledgedAt = new Date('2027-02-05T09:00:00Z');
    const respondedAt = new Date('2027-02-12T14:00:00Z');
    await complaintsAt(dayAfter(acknowledgedAt)).acknowledge(officer, created.reference, { at: acknowledgedAt });
    await complaintsAt(dayAfter(respondedAt)).respond(officer, created.reference, {
      outcome: 'not_upheld',
      response: 'The crew came on time.',
      at: respondedAt,
    });

    // Asked for on Monday 15: acknowledged by the end of Monday 22, answered within 20 working days after that.
    const requestedAt = new Date('2027-02-15T10:00:00Z');
    const service = complaintsAt(new Date('2027-02-16T10:00:00Z'));
    const escalated = await service.escalate(reviewer, created.reference, {
      at: requestedAt,
      reason: 'Not happy with the answer',
    });
    assert.equal(escalated.acknowledgeBy.toISOString(), '2027-02-23T00:00:00.000Z');
    assert.equal(escalated.respondBy.toISOString(), '2027-03-23T00:00:00.000Z');
    await service.acknowledge(reviewer, created.reference, { at: requestedAt });

    const before = await footprint(created.id, created.reference);
    await assert.rejects(
      service.assign(reviewer, created.reference, { handlerId: officer.id }),
      conflict('complaints.errors.reviewerAnsweredStageOne'),
    );
    await assert.rejects(
      service.assign(officer, created.reference, { handlerId: officer.id }),
      conflict('complaints.errors.reviewerAnsweredStageOne'),
    );
    await assert.rejects(
      service.respond(officer, created.reference, { outcome: 'upheld', response: 'On reflection, yes' }),
      conflict('complaints.errors.reviewerAnsweredStageOne'),
    );
    assert.deepEqual(await footprint(created.id, created.reference), before, 'nothing half-written');

    const view = await service.view(reviewer, created.reference);
    assert.ok(!view.handlers.some((person) => person.id === officer.id), 'not offered as stage 2’s handler');
    await service.assign(reviewer, created.reference, { handlerId: reviewer.id });
    const answered = await service.respond(reviewer, created.reference, { outcome: 'partly_upheld', response: 'Partly, yes' });
    assert.equal(answered.outcome, 'partly_upheld');
    const stageTwo = await stageOf(created.id, 2);
    assert.equal(stageTwo.responded_by, reviewer.id);
    assert.equal(stageTwo.handler_id, reviewer.id);
    assert.deepEqual(
      (await messagesAbout(created.reference)).map(([event]) => event),
      [
        'complaint.received',
        'complaint.acknowledged',
        'complaint.stage_one_answered',
        'complaint.escalated',
        'complaint.acknowledged',
        'complaint.stage_two_answered',
      ],
    );
  });

  it('reminds the handler of a deadline once, tells them once when it is missed, and reminds again of a new deadline', async () => {
    const created = await record();
    await complaintsAt(dayAfter(RECEIVED)).assign(officer, created.reference, { handlerId: officer.id });
    const told = async () => (await messagesAbout(created.reference)).filter(([event]) => event !== 'complaint.received');
    const sweepAt = (now: string) => complaintsAt(new Date(now)).notifyDeadlines();

    // Acknowledgement due by the end of Friday 12 February. Two days before is too early; 36 hours is not.
    await sweepAt('2027-02-10T23:00:00Z');
    assert.deepEqual(await told(), []);
    await sweepAt('2027-02-11T12:00:00Z');
    await sweepAt('2027-02-11T12:15:00Z');
    assert.deepEqual(await told(), [['complaint.deadline_soon', officer.email]]);

    await sweepAt('2027-02-13T00:00:00Z');
    await sweepAt('2027-02-13T00:15:00Z');
    assert.deepEqual(await told(), [
      ['complaint.deadline_soon', officer.email],
      ['complaint.deadline_missed', officer.email],
    ]);

    // Acknowledged late on Monday 15: the answer is due by the end of Monday 1 March, a new deadline.
    await complaintsAt(new Date('2027-02-15T10:00:00Z')).acknowledge(officer, created.reference);
    await sweepAt('2027-02-28T12:00:00Z');
    await sweepAt('2027-02-28T12:15:00Z');
    assert.equal((await told()).filter(([event]) => event === 'complaint.deadline_soon').length, 2);

    // Extended by 3 working days: due by the end of Thursday 4 March, reminded again.
    const extended = await complaintsAt(new Date('2027-02-28T13:00:00Z')).extend(officer, created.reference, {
      days: 3,
      reason: 'Waiting for the depot',
    });
    assert.equal(extended.respondBy.toISOString(), '2027-03-05T00:00:00.000Z');
    await sweepAt('2027-03-01T12:00:00Z');
    assert.equal((await told()).filter(([event]) => event === 'complaint.deadline_soon').length, 2, 'not yet: 84 hours ahead');
    await sweepAt('2027-03-03T06:00:00Z');
    await sweepAt('2027-03-03T06:15:00Z');
    assert.deepEqual(
      (await told()).map(([event]) => event),
      ['complaint.deadline_soon', 'complaint.deadline_missed', 'complaint.deadline_soon', 'complaint.deadline_soon'],
    );

    const stage = await stageOf(created.id);
    assert.equal(stage.reminded_for?.toISOString(), '2027-03-05T00:00:00.000Z');
    assert.equal(stage.missed_for?.toISOString(), '2027-02-13T00:00:00.000Z');
  });

  it('tells the complaints officers of a deadline when nobody handles the stage', async () => {
    const created = await record();
    await complaintsAt(new Date('2027-02-11T12:00:00Z')).notifyDeadlines();
    const recipients = (await messagesAbout(created.reference))
      .filter(([event]) => event === 'complaint.deadline_soon')
      .map(([, to]) => to);
    assert.deepEqual(recipients.sort(), [officer.email, reviewer.email].sort());
  });

  it('records a resident’s journey sent twice as one complaint, also when both arrive at once', async () => {
    const service = complaintsAt(dayAfter(RECEIVED));
    const send = (key: string) =>
      service.record(
        system,
        { description: 'The bin lorry blocked my drive', channel: 'web', customerId },
        { council: councilId, submission: { key } },
      );
    const first = await send('journey-one');
    const again = await send('journey-one');
    assert.equal(first.isNew, true);
    assert.equal(again.isNew, false);
    assert.equal(again.reference, first.reference);
    assert.equal(again.acknowledgeBy?.toISOString(), first.acknowledgeBy?.toISOString());

    const together = await Promise.all([send('journey-two'), send('journey-two'), send('journey-two')]);
    assert.equal(new Set(together.map((answer) => answer.reference)).size, 1);
    assert.equal(together.filter((answer) => answer.isNew).length, 1);
    const rows = await db.selectFrom('complaints').select('id').where('submission_key', '=', 'journey-two').execute();
    assert.equal(rows.length, 1);
    assert.deepEqual(
      (await messagesAbout(together[0]!.reference)).map(([event]) => event),
      ['complaint.received'],
    );
  });
});

/** assert.rejects's check for a Conflict with this reason. */
function conflict(reason: string) {
  return (error: unknown) => {
    assert.ok(error instanceof Conflict, String(error));
    assert.equal(error.reason, reason);
    return true;
  };
}

/** assert.rejects's check for an Invalid with exactly this problem. */
function invalid(field: string, message: string) {
  return (error: unknown) => {
    assert.ok(error instanceof Invalid, String(error));
    assert.deepEqual(
      error.errors.map((problem) => [problem.field, problem.message]),
      [[field, message]],
    );
    return true;
  };
}
