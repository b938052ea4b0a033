import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { freshDatabase, type TestDatabase } from '../../test/support/database.ts';
import { refusalOfTransition, type CaseStatus } from '../cases/lifecycle.ts';
import { isCaseReference } from '../cases/reference.ts';
import type { Db } from '../db/database.ts';
import { addWorkingDays, isWorkingDay, londonDate } from '../services/calendar.ts';
import { readFixMyStreetReports, seedDemoCases, workingTime } from './cases.ts';
import { referenceDataDir } from './gazetteer.ts';
import { seededRandom } from './people.ts';
import { DEMO_COUNCIL_CODE, seedDemo } from './seedDemo.ts';
import { FIXMYSTREET_FILE } from './services.ts';

// The reports are read where they lie (../shared/data), never copied into the repository.
const hasReports = fs.existsSync(path.join(referenceDataDir(), FIXMYSTREET_FILE));
const withReports = { skip: hasReports ? false : 'the FixMyStreet reports are not on this machine' };
const DAY = 86_400_000;

describe('the demo council’s past cases', () => {
  let database: TestDatabase;
  let db: Db;
  let dataDir: string;
  let councilId: string;
  const now = new Date();
  before(async () => {
    database = await freshDatabase();
    db = database.db;
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onedoor-demo-cases-test-'));
    await seedDemo(db, dataDir, () => undefined);
    councilId = (
      await db.selectFrom('organisations').select('id').where('code', '=', DEMO_COUNCIL_CODE).executeTakeFirstOrThrow()
    ).id;
  });
  after(async () => {
    await database.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function counts() {
    const { rows } = await sql<{ cases: number; events: number }>`
      select (select count(*)::int from cases) as cases, (select count(*)::int from case_events) as events
    `.execute(db);
    return rows[0]!;
  }

  it('makes a case of each of the 3,796 FixMyStreet reports', withReports, async () => {
    assert.equal((await counts()).cases, 3_796);
    const references = await db.selectFrom('cases').select('reference').execute();
    assert.ok(references.every((row) => isCaseReference(row.reference)));
  });

  it('gives every case one received event, first, at the time it was received', async () => {
    const { rows } = await sql<{ reference: string; received: number; first_kind: string; first_at_received: boolean }>`
      select c.reference,
             (select count(*)::int from case_events e where e.case_id = c.id and e.kind = 'received') as received,
             first.kind as first_kind, first.occurred_at = c.received_at as first_at_received
      from cases c
      cross join lateral (select kind, occurred_at from case_events e where e.case_id = c.id order by occurred_at, id limit 1) first
    `.execute(db);
    assert.equal(rows.length, (await counts()).cases);
    assert.ok(rows.length >= 20);
    const wrong = rows.filter((row) => row.received !== 1 || row.first_kind !== 'received' || !row.first_at_received);
    assert.deepEqual(wrong, []);
  });

  it('keeps closed reports resolved or closed and open ones submitted or in progress, some with the demo officer', async () => {
    const { rows } = await sql<{ status: CaseStatus; n: number }>`
      select status, count(*)::int as n from cases group by status
    `.execute(db);
    const by = Object.fromEntries(rows.map((row) => [row.status, row.n])) as Partial<Record<CaseStatus, number>>;
    const reports = readFixMyStreetReports().reports;
    assert.equal((by.resolved ?? 0) + (by.closed ?? 0), reports.filter((report) => report.status === 'closed').length);
    assert.equal((by.submitted ?? 0) + (by.in_progress ?? 0), reports.filter((report) => report.status === 'open').length);
    assert.equal(by.awaiting_customer, undefined);
    if (hasReports) {
      for (const status of ['submitted', 'in_progress', 'closed'] as const)
        assert.ok((by[status] ?? 0) > 100, `${status}: ${by[status]}`);
      assert.ok((by.resolved ?? 0) > 0, 'some were resolved in the last few days and are not closed yet');
    }

    const officer = await db
      .selectFrom('staff_users')
      .innerJoin('team_members', 'team_members.user_id', 'staff_users.id')
      .select(['staff_users.id', 'team_members.team_id'])
      .where('email', '=', 'officer@severn-marches.example')
      .executeTakeFirstOrThrow();
    const assigned = await db.selectFrom('cases').select(['team_id', 'status']).where('assigned_to', 'is not', null).execute();
    assert.ok(assigned.length > 0, 'the demo officer has cases');
    assert.ok(
      assigned.every((row) => row.team_id === officer.team_id),
      'only cases of the officer’s own team',
    );
    if (hasReports) assert.ok(assigned.some((row) => row.status === 'submitted' || row.status === 'in_progress'));

    const { rows: extras } = await sql<{ satisfied: number; satisfied_open: number; customers: number; wards: number }>`
      select count(satisfaction)::int as satisfied,
             count(satisfaction) filter (where status <> 'closed')::int as satisfied_open,
             count(customer_id)::int as customers, count(ward)::int as wards
      from cases
    `.execute(db);
    if (hasReports) {
      assert.ok(extras[0]!.satisfied > 50, `${extras[0]!.satisfied} satisfaction scores`);
      assert.ok(extras[0]!.customers > 200, `${extras[0]!.customers} cases of demo customers`);
      assert.ok(extras[0]!.wards > 2_000, `${extras[0]!.wards} cases in a ward`);
    }
    assert.equal(extras[0]!.satisfied_open, 0, 'only closed cases have a satisfaction score');
  });

  it('moves each case only as the lifecycle allows, ending in its status', async () => {
    const { rows } = await sql<{ reference: string; status: CaseStatus; moves: { from: CaseStatus; to: CaseStatus }[] }>`
      select c.reference, c.status,
             coalesce(json_agg(json_build_object('from', e.status_from, 'to', e.status_to) order by e.occurred_at, e.id)
               filter (where e.kind = 'status_changed'), '[]') as moves
      from cases c left join case_events e on e.case_id = c.id
      group by c.id
    `.execute(db);
    for (const row of rows) {
      let status: CaseStatus = 'submitted';
      for (const move of row.moves) {
        assert.equal(move.from, status, row.reference);
        assert.equal(refusalOfTransition(move.from, move.to), undefined, `${row.reference}: ${move.from} -> ${move.to}`);
        status = move.to;
      }
      assert.equal(status, row.status, row.reference);
    }
  });

  it('ends a few days ago, with nothing in the future', async () => {
    const { rows } = await sql<{ latest: Date; latest_event: Date; earliest: Date }>`
      select max(received_at) as latest, min(received_at) as earliest, (select max(occurred_at) from case_events) as latest_event
      from cases
    `.execute(db);
    const { latest, latest_event, earliest } = rows[0]!;
    const age = now.getTime() - latest.getTime();
    assert.ok(age >= 3 * DAY && age < 10 * DAY, `the latest case is ${age / DAY} days old`);
    assert.ok(latest_event.getTime() <= Date.now());
    if (hasReports) assert.ok(now.getTime() - earliest.getTime() > 700 * DAY, 'two years of history');
  });

  it('is due by the service’s working days, counting bank holidays; some were resolved late, most open ones are late', async () => {
    const closed = new Set(
      (await db.selectFrom('bank_holidays').select('date').where('division', '=', 'england-and-wales').execute()).map(
        (row) => row.date,
      ),
    );
    const cases = await db
      .selectFrom('cases')
      .innerJoin('services', 'services.id', 'cases.service_id')
      .select(['cases.reference', 'received_at', 'due_at', 'due_soon_at', 'resolved_at', 'status', 'services.sla_working_days'])
      .execute();
    for (const item of cases) {
      const expected = addWorkingDays(item.received_at, item.sla_working_days, closed);
      assert.equal(item.due_at.toISOString(), expected.dueAt.toISOString(), item.reference);
      assert.equal(item.due_soon_at.toISOString(), expected.dueSoonAt.toISOString(), item.reference);
      assert.ok(isWorkingDay(londonDate(item.due_soon_at), closed), `${item.reference} is due on a working day`);
    }
    const resolved = cases.filter((item) => item.resolved_at);
    const late = resolved.filter((item) => item.resolved_at! > item.due_at);
    assert.ok(late.length > 0 && late.length < resolved.length, `${late.length} of ${resolved.length} resolved late`);
  });

  it('adds nothing when seeded again', async () => {
    const before = await counts();
    const outcome = await seedDemoCases(db, councilId, { now: new Date(now.getTime() + 3 * DAY) });
    assert.deepEqual({ cases: outcome.cases, events: outcome.events }, { cases: 0, events: 0 });
    assert.deepEqual(await counts(), before);
  });
});

describe('office hours for the demo’s staff', () => {
  it('leaves a time in office hours alone and moves a Saturday night to the Monday morning', () => {
    const random = seededRandom(1);
    const tuesday = new Date('2026-03-10T11:00:00Z');
    assert.equal(workingTime(tuesday, new Set(), random).toISOString(), tuesday.toISOString());
    const monday = workingTime(new Date('2026-03-14T22:00:00Z'), new Set(), random);
    assert.equal(londonDate(monday), '2026-03-16');
    assert.ok(monday.getUTCHours() >= 8 && monday.getUTCHours() < 12, monday.toISOString());
    const afterHoliday = workingTime(new Date('2026-03-13T17:00:00Z'), new Set(['2026-03-16']), random);
    assert.equal(londonDate(afterHoliday), '2026-03-17');
  });
});
