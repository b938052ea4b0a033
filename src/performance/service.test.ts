// The indicators on PostgreSQL: a small month worked out by hand (contacts on every side of the
// month's edges in UK time, cases resolved in and out of time, reopened, rated), the targets and
// their statuses, a manual indicator, and the roll-ups agreeing with a full scan of contacts and
// cases after inserts, changes and deletions, folded or not.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { aService, aStaffMember, aTeam } from '../../test/support/builders.ts';
import { freshDatabase, type TestDatabase } from '../../test/support/database.ts';
import { newCaseReference } from '../cases/reference.ts';
import type { Db } from '../db/database.ts';
import type { CaseStatus } from '../cases/lifecycle.ts';
import { findFirstCouncil, insertOrganisation } from '../organisations/repo.ts';
import type { StaffActor } from '../platform/actor.ts';
import { createAuthService } from '../platform/auth/service.ts';
import * as repo from './repo.ts';
import { createPerformanceService, type IndicatorLine } from './service.ts';

const JUNE = { from: '2026-06-01', to: '2026-07-01' };
const NOW = new Date('2026-07-10T09:00:00Z');

describe('the performance indicators', () => {
  let database: TestDatabase;
  let db: Db;
  let councilId: string;
  let teamId: string;
  let serviceId: string;
  let analyst: StaffActor;
  let advisor: StaffActor;
  const performance = () => createPerformanceService(db, { now: () => NOW });

  async function contact(startedAt: string, channel: string, outcome: string, minutes: number, avoidable?: string) {
    const started = new Date(startedAt);
    await db
      .insertInto('contacts')
      .values({
        council_id: councilId,
        channel,
        outcome,
        avoidable_reason: avoidable ?? null,
        started_at: started,
        ended_at: new Date(started.getTime() + minutes * 60_000),
      })
      .execute();
  }

  async function aCase(
    received: string,
    dueInDays: number,
    status: CaseStatus = 'submitted',
    resolved?: string,
  ): Promise<string> {
    const receivedAt = new Date(received);
    const dueAt = new Date(receivedAt.getTime() + dueInDays * 86_400_000);
    const row = await db
      .insertInto('cases')
      .values({
        council_id: councilId,
        reference: newCaseReference(),
        tracking_token: crypto.randomBytes(32).toString('base64url'),
        service_id: serviceId,
        channel: 'phone',
        description: 'A case',
        answers: JSON.stringify({}),
        status,
        priority: 'normal',
        team_id: teamId,
        organisation_id: councilId,
        received_at: receivedAt,
        due_at: dueAt,
        due_soon_at: dueAt,
        resolved_at: resolved ? new Date(resolved) : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  before(async () => {
    database = await freshDatabase();
    db = database.db;
    councilId =
      (await findFirstCouncil(db))?.id ??
      (await insertOrganisation(db, { code: 'borough', name: 'Borough Council', kind: 'council', councilId: null }));
    teamId = await aTeam(db, { organisationId: councilId, code: 'waste', name: 'Waste' });
    serviceId = await aService(db, { councilId, teamId, code: 'missed-bin', name: 'Missed bin', slaWorkingDays: 2 });
    const signedIn = async (role: 'performance_analyst' | 'advisor') => {
      const { id } = await aStaffMember(db, { roles: [role] });
      const staff = await createAuthService(db).signedInStaff(id, '192.0.2.10');
      assert.ok(staff);
      return staff.actor;
    };
    analyst = await signedIn('performance_analyst');
    advisor = await signedIn('advisor');

    // June's contacts, worked by hand in indicators.test.ts's terms: 10 of them.
    await contact('2026-05-31T23:30:00Z', 'phone', 'resolved_first_contact', 20); // 00:30 on 1 June in London
    await contact('2026-06-02T09:00:00Z', 'phone', 'resolved_first_contact', 20);
    await contact('2026-06-03T09:00:00Z', 'phone', 'resolved_first_contact', 20);
    await contact('2026-06-04T09:00:00Z', 'phone', 'resolved_first_contact', 20);
    await contact('2026-06-05T09:00:00Z', 'phone', 'case_raised', 10, 'chasing_progress');
    await contact('2026-06-06T09:00:00Z', 'phone', 'abandoned', 2);
    await contact('2026-06-07T09:00:00Z', 'web', 'resolved_first_contact', 0);
    await contact('2026-06-08T09:00:00Z', 'web', 'resolved_first_contact', 0);
    await contact('2026-06-09T09:00:00Z', 'web', 'signposted', 0, 'repeat');
    await contact('2026-06-10T09:00:00Z', 'email', 'transferred', 6);
    // Outside June in London: 23:30 on 31 May, and 00:30 on 1 July.
    await contact('2026-05-31T22:30:00Z', 'phone', 'abandoned', 1);
    await contact('2026-06-30T23:30:00Z', 'phone', 'abandoned', 1);

    // Cases resolved in June: 3 in time, 1 late; one resolved in May; two open (received 1 and 8 July).
    await aCase('2026-06-01T10:00:00Z', 5, 'resolved', '2026-06-03T10:00:00Z');
    await aCase('2026-06-02T10:00:00Z', 5, 'resolved', '2026-06-04T10:00:00Z');
    await aCase('2026-06-03T10:00:00Z', 5, 'closed', '2026-06-05T10:00:00Z');
    await aCase('2026-06-04T10:00:00Z', 1, 'resolved', '2026-06-09T10:00:00Z');
    await aCase('2026-05-01T10:00:00Z', 5, 'resolved', '2026-05-02T10:00:00Z');
    const rated = await aCase('2026-07-01T10:00:00Z', 5);
    await aCase('2026-07-08T10:00:00Z', 5, 'in_progress');
    // A rating given in June (of a case resolved and reopened since: the rating stays June's).
    await db
      .updateTable('cases')
      .set({ satisfaction: 5, satisfaction_at: new Date('2026-06-20T12:00:00Z') })
      .where('id', '=', rated)
      .execute();
  });
  after(() => database.drop());

  const item = (items: IndicatorLine[], code: string) => items.find((line) => line.code === code)!;

  it('counts June as worked out by hand, from the roll-ups', async () => {
    const report = await performance().indicators(analyst, JUNE);
    assert.equal(report.running, false);
    assert.deepEqual(
      ['first_contact_resolution', 'avoidable_contact', 'digital_share', 'abandoned_contacts', 'average_handling_time'].map(
        (code) => item(report.items, code).value,
      ),
      [66.7, 22.2, 40, 10, 10.7],
    );
    assert.equal(item(report.items, 'cases_within_sla').value, 75);
    assert.equal(item(report.items, 'customer_satisfaction').value, 100);
    // Now (10 July): the two July cases are open, 9 and 2 days old.
    assert.equal(item(report.items, 'open_backlog').value, 2);
    assert.equal(item(report.items, 'open_backlog_age').value, 5.5);
    // No complaints and no appointments: not known, never 0.
    assert.equal(item(report.items, 'complaints_responded_in_time').value, null);
    assert.equal(item(report.items, 'seen_within_10_minutes').value, null);
  });

  it('judges each indicator against the narrowest target that covers the period', async () => {
    const target = (indicator: string, from: string, to: string, values: Record<string, number | string>) =>
      db
        .insertInto('performance_targets')
        .values({ council_id: councilId, indicator, period_from: from, period_to: to, ...values })
        .execute();
    await target('first_contact_resolution', '2026-04-01', '2027-04-01', {
      target: 80,
      tolerance: 5,
      benchmark: 85,
      owner: 'Head of Customer Services',
    });
    await target('first_contact_resolution', '2026-06-01', '2026-07-01', {
      target: 70,
      tolerance: 5,
      comment: 'June is a busy month',
    });
    await target('cases_within_sla', '2026-04-01', '2027-04-01', { target: 75, tolerance: 5 });
    await target('abandoned_contacts', '2026-04-01', '2027-04-01', { target: 5, tolerance: 2 });
    const report = await performance().indicators(analyst, JUNE);
    const fcr = item(report.items, 'first_contact_resolution');
    // June's own target (70, 5 of tolerance): 66.7 is amber; the year's (80) would have made it red.
    assert.deepEqual([fcr.target, fcr.rag, fcr.comment, fcr.benchmark], [70, 'amber', 'June is a busy month', null]);
    assert.equal(item(report.items, 'cases_within_sla').rag, 'green');
    // Lower is better: 10% abandoned against 5 with 2 of tolerance.
    assert.equal(item(report.items, 'abandoned_contacts').rag, 'red');
    assert.equal(report.counts.green + report.counts.amber + report.counts.red + report.counts.not_known, report.items.length);
    assert.deepEqual([report.counts.green, report.counts.amber, report.counts.red], [1, 1, 1]);
  });

  it('lists the council’s manual indicators with the value entered for the period', async () => {
    const manual = await db
      .insertInto('performance_manual_indicators')
      .values({
        council_id: councilId,
        code: 'calls_answered_in_20_seconds',
        name: 'Calls answered in 20 seconds',
        unit: 'percent',
        direction: 'higher',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('performance_manual_values')
      .values({
        indicator_id: manual.id,
        period_from: JUNE.from,
        period_to: JUNE.to,
        value: 81.5,
        evidence: 'Telephony report, June',
      })
      .execute();
    await db
      .insertInto('performance_targets')
      .values({
        council_id: councilId,
        indicator: 'calls_answered_in_20_seconds',
        period_from: JUNE.from,
        period_to: JUNE.to,
        target: 80,
      })
      .execute();
    const line = item((await performance().indicators(analyst, JUNE)).items, 'calls_answered_in_20_seconds');
    assert.deepEqual(
      [line.kind, line.name, line.value, line.evidence, line.rag],
      ['manual', 'Calls answered in 20 seconds', 81.5, 'Telephony report, June', 'green'],
    );
  });

  it('refuses a period that is not one, and those who may not see the figures', async () => {
    await assert.rejects(performance().indicators(analyst, { from: '2026-06-31', to: '2026-07-01' }), { name: 'Invalid' });
    await assert.rejects(performance().indicators(analyst, { from: '2026-07-01', to: '2026-06-01' }), { name: 'Invalid' });
    await assert.rejects(performance().indicators(advisor, JUNE), { name: 'NotAllowed' });
  });

  it('keeps the roll-ups equal to a full scan through changes, deletions and folding', async () => {
    const year = { from: '2026-01-01', to: '2027-01-01' };
    const agree = async (when: string) => {
      assert.deepEqual(await repo.contactRows(db, councilId, year), await repo.contactRowsByScan(db, councilId, year), when);
      assert.deepEqual(await repo.caseTotals(db, councilId, year), await repo.caseTotalsByScan(db, councilId, year), when);
      assert.deepEqual(await repo.openCasesByDay(db, councilId), await repo.openCasesByDayByScan(db, councilId), when);
    };
    await agree('as loaded, nothing folded');
    await Promise.all([repo.foldRollups(db), repo.foldRollups(db), repo.foldRollups(db)]);
    await agree('folded three times at once');
    // A contact's outcome corrected, one moved to another day, one deleted.
    await sql`update contacts set outcome = 'resolved_first_contact', avoidable_reason = null
      where channel = 'web' and outcome = 'signposted'`.execute(db);
    await sql`update contacts set started_at = started_at + interval '40 days', ended_at = ended_at + interval '40 days'
      where channel = 'email'`.execute(db);
    await sql`delete from contacts where outcome = 'abandoned' and started_at < '2026-06-01'`.execute(db);
    // A case reopened, one resolved late, one's rating changed.
    await sql`update cases set status = 'in_progress', resolved_at = null
      where resolved_at = '2026-06-03T10:00:00Z'`.execute(db);
    await sql`update cases set status = 'resolved', resolved_at = '2026-07-09T10:00:00Z'
      where received_at = '2026-07-08T10:00:00Z'`.execute(db);
    await sql`update cases set satisfaction = 2 where satisfaction = 5`.execute(db);
    await agree('changed, not folded');
    await repo.foldRollups(db);
    await agree('changed and folded');
    const left = await sql<{
      n: number;
    }>`select (select count(*) from contact_rollup_deltas) + (select count(*) from case_rollup_deltas) as n`.execute(db);
    assert.equal(Number(left.rows[0]!.n), 0);
  });
});
