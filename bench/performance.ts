// The performance indicators at scale (issue 7: "all indicators for a year over 10,000,000
// contacts and 2,000,000 cases: <= 300 ms, kept fast by roll-ups maintained as data arrives").
// Quick: 1,000,000 contacts and 200,000 cases; full: 10,000,000 and 2,000,000, over the 13 months
// to now, loaded by set-based SQL with the roll-up triggers off, then the roll-ups built once as
// the migration builds them. Measured, each against a baseline in the same run:
// - every indicator for the year (computedIndicators: the roll-ups, plus complaints and
//   appointments from their own tables), p50 and p95, against the same contact and case figures
//   by scanning contacts and cases (the full-scan query the roll-ups stand in for);
// - the price of keeping the roll-ups as data arrives: single-row contact inserts with the
//   trigger on, against the same inserts with it off.
import { sql } from 'kysely';
import { ensureCouncilAndAdministrator } from '../src/organisations/firstStart.ts';
import { findFirstCouncil, insertTeam } from '../src/organisations/repo.ts';
import * as repo from '../src/performance/repo.ts';
import { computedIndicators } from '../src/performance/service.ts';
import { addCalendarDays, londonDate } from '../src/services/calendar.ts';
import { percentiles } from './load.ts';
import type { BenchResult } from './results.ts';
import { withBenchDatabase } from './servers.ts';

export interface PerformanceBenchOptions {
  contacts: number;
  cases: number;
  /** Timed rounds of all the indicators (and of the full scan, fewer). */
  rounds: number;
  scanRounds: number;
  /** Single contact inserts timed with the trigger on and off. */
  inserts: number;
}

const BATCH = 500_000;

export async function benchPerformance(options: PerformanceBenchOptions): Promise<BenchResult[]> {
  return await withBenchDatabase('performance', async ({ db, dataDir }) => {
    await ensureCouncilAndAdministrator(db, { dataDir, councilName: 'Benchmark District Council', warn: () => undefined });
    const councilId = (await findFirstCouncil(db))!.id;
    const teamId = await insertTeam(db, { organisationId: councilId, code: 'street-scene', name: 'Street Scene' });
    const service = await db
      .insertInto('services')
      .values({
        council_id: councilId,
        organisation_id: councilId,
        team_id: teamId,
        code: 'missed-bin',
        name: 'Missed bin',
        sla_working_days: 5,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const now = new Date();
    const today = londonDate(now);
    const firstDay = addCalendarDays(today, -396);
    await sql`select ensure_monthly_partitions('contacts', ${firstDay}::date, 15)`.execute(db);

    let started = performance.now();
    await sql`alter table contacts disable trigger user`.execute(db);
    await sql`alter table cases disable trigger user`.execute(db);
    for (let done = 0; done < options.contacts; done += BATCH) {
      const count = Math.min(BATCH, options.contacts - done);
      // Channels, outcomes and reasons in a realistic mix; times through the working day.
      await sql`
        insert into contacts (council_id, channel, outcome, avoidable_reason, started_at, ended_at)
        select ${councilId},
          (array['phone','phone','phone','phone','web','web','web','email','email','face_to_face','chat','kiosk','letter','social','mobile_bus'])[1 + ((g::bigint * 7919) % 15)::int],
          (array['resolved_first_contact','resolved_first_contact','resolved_first_contact','resolved_first_contact','resolved_first_contact','case_raised','case_raised','transferred','signposted','abandoned'])[1 + ((g::bigint * 104729) % 10)::int],
          (array[null,null,null,null,null,null,'chasing_progress','repeat','wrong_place','unclear_information','service_not_delivered'])[1 + (g * 31) % 11],
          start, start + make_interval(secs => 60 + (g * 13) % 900)
        from generate_series(${done + 1}::int, ${done + count}::int) g,
          lateral (select ${firstDay}::timestamptz + make_interval(secs => ((g::bigint * 2654435761) % (396 * 86400))::int) as start) t
      `.execute(db);
    }
    await sql`
      insert into cases (council_id, reference, tracking_token, service_id, channel, description, status, priority, team_id,
        organisation_id, received_at, due_at, due_soon_at, resolved_at, satisfaction, satisfaction_at)
      select ${councilId},
        'ODR-' || lpad(upper(to_hex(g / 65536)), 4, '0') || '-' || lpad(upper(to_hex(g % 65536)), 4, '0'),
        rpad(md5(g::text) || md5((g + 1)::text), 43, 'x'), ${service.id}, 'web', 'A benchmark case',
        case when g % 20 = 0 then 'in_progress' when g % 3 = 0 then 'closed' else 'resolved' end, 'normal', ${teamId}, ${councilId},
        received, received + interval '7 days', received + interval '6 days',
        case when g % 20 = 0 then null else received + make_interval(hours => (g * 37) % 300) end,
        case when g % 5 = 0 then 1 + g % 5 end,
        case when g % 5 = 0 then received + interval '12 days' end
      from generate_series(1, ${options.cases}::int) g,
        lateral (select ${firstDay}::timestamptz + make_interval(secs => ((g::bigint * 40503) % (396 * 86400))::int) as received) t
    `.execute(db);
    await sql`alter table contacts enable trigger user`.execute(db);
    await sql`alter table cases enable trigger user`.execute(db);
    const loadSeconds = (performance.now() - started) / 1000;

    // The roll-ups, built once as the migration builds them.
    started = performance.now();
    await sql`select build_contact_rollups()`.execute(db);
    await sql`select case_rollup_contribution(c, 1) from cases c`.execute(db);
    await repo.foldRollups(db);
    await sql`vacuum analyze`.execute(db);
    const rollupSeconds = (performance.now() - started) / 1000;
    const rollupRows = await sql<{ contacts: number; cases: number }>`
      select (select count(*) from contact_rollups)::int as contacts, (select count(*) from case_rollups)::int as cases`.execute(
      db,
    );
    console.log(
      `  loaded ${options.contacts.toLocaleString('en-GB')} contacts and ${options.cases.toLocaleString('en-GB')} cases in ${loadSeconds.toFixed(0)} s; roll-ups (${rollupRows.rows[0]!.contacts.toLocaleString('en-GB')} + ${rollupRows.rows[0]!.cases.toLocaleString('en-GB')} rows) built in ${rollupSeconds.toFixed(0)} s`,
    );

    const year = { from: addCalendarDays(today, -365), to: addCalendarDays(today, 1) };
    // Warm up, and check the roll-ups and the scan agree.
    const [byRollup, byScan] = await Promise.all([
      repo.contactRows(db, councilId, year),
      repo.contactRowsByScan(db, councilId, year),
    ]);
    if (JSON.stringify(byRollup) !== JSON.stringify(byScan)) throw new Error('the contact roll-ups and the scan disagree');
    const own: number[] = [];
    for (let round = 0; round < options.rounds; round++) {
      const begin = performance.now();
      await computedIndicators(db, councilId, year, now);
      own.push(performance.now() - begin);
    }
    const scans: number[] = [];
    for (let round = 0; round < options.scanRounds; round++) {
      const begin = performance.now();
      await Promise.all([
        repo.contactRowsByScan(db, councilId, year),
        repo.caseTotalsByScan(db, councilId, year),
        repo.openCasesByDayByScan(db, councilId),
      ]);
      scans.push(performance.now() - begin);
    }
    const indicators = percentiles(own);
    const scan = percentiles(scans);
    console.log(
      `  all indicators for a year: p50 ${indicators.p50.toFixed(1)} ms, p95 ${indicators.p95.toFixed(1)} ms; full scan p50 ${scan.p50.toFixed(0)} ms`,
    );

    // What keeping the roll-ups costs a write: single contact inserts, trigger on and off.
    const insertOne = async () => {
      const begin = performance.now();
      await sql`insert into contacts (council_id, channel, outcome, started_at, ended_at)
        values (${councilId}, 'phone', 'resolved_first_contact', now(), now() + interval '3 minutes')`.execute(db);
      return performance.now() - begin;
    };
    const withTrigger: number[] = [];
    for (let index = 0; index < options.inserts; index++) withTrigger.push(await insertOne());
    await sql`alter table contacts disable trigger user`.execute(db);
    const withoutTrigger: number[] = [];
    try {
      for (let index = 0; index < options.inserts; index++) withoutTrigger.push(await insertOne());
    } finally {
      await sql`alter table contacts enable trigger user`.execute(db);
    }
    const on = percentiles(withTrigger);
    const off = percentiles(withoutTrigger);
    console.log(`  a contact insert: p50 ${on.p50.toFixed(2)} ms with the roll-up trigger, ${off.p50.toFixed(2)} ms without`);

    const size = `${options.contacts.toLocaleString('en-GB')} contacts, ${options.cases.toLocaleString('en-GB')} cases, a year`;
    const ratio = (value: number, baseline: number) => (baseline > 0 ? Number((value / baseline).toFixed(3)) : null);
    return [
      {
        name: 'performance: all indicators for a year, p95 (target <= 300 ms)',
        size: `${size}, ${options.rounds} rounds`,
        value: Number(indicators.p95.toFixed(1)),
        unit: 'ms',
        baseline: 'the same contact and case figures by scanning contacts and cases, p95',
        baselineValue: Number(scan.p95.toFixed(0)),
        ratio: ratio(indicators.p95, scan.p95),
      },
      {
        name: 'performance: a contact insert keeping the roll-ups, p50',
        size: `${options.inserts} single-row inserts`,
        value: Number(on.p50.toFixed(2)),
        unit: 'ms',
        baseline: 'the same insert with the roll-up trigger off, p50',
        baselineValue: Number(off.p50.toFixed(2)),
        ratio: ratio(on.p50, off.p50),
      },
    ];
  });
}
