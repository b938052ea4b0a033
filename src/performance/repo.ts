// SQL for the indicators: sums over the roll-ups (and the deltas not yet folded into them) for a
// period, the job that folds the deltas, and the same figures by scanning contacts and cases,
// which the tests and the benchmark compare the roll-ups with.
import { sql } from 'kysely';
import type { Queryable } from '../db/database.ts';
import type { CasePeriodTotals, ContactRow, OpenCasesByDay } from './indicators.ts';

/** London days: `from` counted, `to` not. */
export interface Period {
  from: string;
  to: string;
}

/** Folds the deltas into the roll-ups, each delta once however many nodes run the job at once. */
export async function foldRollups(db: Queryable): Promise<{ contacts: number; cases: number }> {
  const contacts = await sql<{ n: number }>`
    with moved as (delete from contact_rollup_deltas returning *),
    daily as (
      insert into contact_rollups (council_id, day, channel, outcome, avoidable_reason, contacts, handling_seconds)
      select council_id, day, channel, outcome, avoidable_reason, sum(contacts), sum(handling_seconds)
      from moved group by 1, 2, 3, 4, 5
      on conflict (council_id, day, channel, outcome, avoidable_reason) do update
        set contacts = contact_rollups.contacts + excluded.contacts,
            handling_seconds = contact_rollups.handling_seconds + excluded.handling_seconds
    ),
    hourly as (
      insert into contact_hourly_rollups (council_id, day, hour, channel, contacts)
      select council_id, day, hour, channel, sum(contacts) from moved group by 1, 2, 3, 4
      on conflict (council_id, day, hour, channel) do update
        set contacts = contact_hourly_rollups.contacts + excluded.contacts
    )
    select count(*)::int as n from moved`.execute(db);
  const cases = await sql<{ n: number }>`
    with moved as (delete from case_rollup_deltas returning *),
    summed as (
      select council_id, day, sum(received)::bigint as received, sum(resolved)::bigint as resolved,
        sum(resolved_in_time)::bigint as resolved_in_time, sum(open)::bigint as open,
        sum(satisfaction_answers)::bigint as satisfaction_answers, sum(satisfied)::bigint as satisfied,
        sum(satisfaction_total)::bigint as satisfaction_total, count(*) as n
      from moved group by 1, 2
    ),
    folded as (
      insert into case_rollups (council_id, day, received, resolved, resolved_in_time, open, satisfaction_answers,
        satisfied, satisfaction_total)
      select council_id, day, received, resolved, resolved_in_time, open, satisfaction_answers, satisfied,
        satisfaction_total from summed
      on conflict (council_id, day) do update
        set received = case_rollups.received + excluded.received,
            resolved = case_rollups.resolved + excluded.resolved,
            resolved_in_time = case_rollups.resolved_in_time + excluded.resolved_in_time,
            open = case_rollups.open + excluded.open,
            satisfaction_answers = case_rollups.satisfaction_answers + excluded.satisfaction_answers,
            satisfied = case_rollups.satisfied + excluded.satisfied,
            satisfaction_total = case_rollups.satisfaction_total + excluded.satisfaction_total
    )
    select coalesce(sum(n), 0)::int as n from summed`.execute(db);
  return { contacts: contacts.rows[0]!.n, cases: cases.rows[0]!.n };
}

/** The council's contacts in the period by channel, outcome and avoidable reason, from the roll-ups. */
export async function contactRows(db: Queryable, councilId: string, period: Period): Promise<ContactRow[]> {
  const { rows } = await sql<ContactRow>`
    select channel, outcome, avoidable_reason as "avoidableReason",
      sum(contacts)::float8 as contacts, sum(handling_seconds)::float8 as "handlingSeconds"
    from (
      select channel, outcome, avoidable_reason, contacts, handling_seconds from contact_rollups
      where council_id = ${councilId} and day >= ${period.from}::date and day < ${period.to}::date
      union all
      select channel, outcome, avoidable_reason, contacts, handling_seconds from contact_rollup_deltas
      where council_id = ${councilId} and day >= ${period.from}::date and day < ${period.to}::date
    ) counted
    group by 1, 2, 3
    having sum(contacts) <> 0
    order by 1, 2, 3`.execute(db);
  return rows;
}

/** The same figures by scanning the contacts themselves. */
export async function contactRowsByScan(db: Queryable, councilId: string, period: Period): Promise<ContactRow[]> {
  const { rows } = await sql<ContactRow>`
    select channel, outcome, coalesce(avoidable_reason, '') as "avoidableReason", count(*)::float8 as contacts,
      sum(extract(epoch from ended_at - started_at)::bigint)::float8 as "handlingSeconds"
    from contacts
    where council_id = ${councilId}
      and started_at >= (${period.from}::date)::timestamp at time zone 'Europe/London'
      and started_at < (${period.to}::date)::timestamp at time zone 'Europe/London'
    group by 1, 2, 3
    order by 1, 2, 3`.execute(db);
  return rows;
}

const caseSums = sql`
  coalesce(sum(resolved), 0)::float8 as resolved, coalesce(sum(resolved_in_time), 0)::float8 as "resolvedInTime",
  coalesce(sum(satisfaction_answers), 0)::float8 as "satisfactionAnswers", coalesce(sum(satisfied), 0)::float8 as satisfied`;

/** Cases resolved, resolved in time and satisfaction answers in the period, from the roll-ups. */
export async function caseTotals(db: Queryable, councilId: string, period: Period): Promise<CasePeriodTotals> {
  const { rows } = await sql<CasePeriodTotals>`
    select ${caseSums} from (
      select resolved, resolved_in_time, satisfaction_answers, satisfied from case_rollups
      where council_id = ${councilId} and day >= ${period.from}::date and day < ${period.to}::date
      union all
      select resolved, resolved_in_time, satisfaction_answers, satisfied from case_rollup_deltas
      where council_id = ${councilId} and day >= ${period.from}::date and day < ${period.to}::date
    ) counted`.execute(db);
  return rows[0]!;
}

/** The council's open cases now by their day of receipt, from the roll-ups. */
export async function openCasesByDay(db: Queryable, councilId: string): Promise<OpenCasesByDay[]> {
  const { rows } = await sql<OpenCasesByDay>`
    select day::text as day, sum(open)::float8 as open from (
      select day, open from case_rollups where council_id = ${councilId} and open <> 0
      union all
      select day, open from case_rollup_deltas where council_id = ${councilId} and open <> 0
    ) counted
    group by day having sum(open) <> 0 order by day`.execute(db);
  return rows;
}

const londonDay = (column: string) => sql.raw(`(${column} at time zone 'Europe/London')::date`);

/** The same case figures by scanning the cases. */
export async function caseTotalsByScan(db: Queryable, councilId: string, period: Period): Promise<CasePeriodTotals> {
  const done = sql.raw(`status in ('resolved', 'closed') and coalesce(resolved_at, closed_at) is not null`);
  const { rows } = await sql<CasePeriodTotals>`
    select
      (count(*) filter (where ${done} and ${londonDay('coalesce(resolved_at, closed_at)')} >= ${period.from}::date
        and ${londonDay('coalesce(resolved_at, closed_at)')} < ${period.to}::date))::float8 as resolved,
      (count(*) filter (where ${done} and coalesce(resolved_at, closed_at) < due_at
        and ${londonDay('coalesce(resolved_at, closed_at)')} >= ${period.from}::date
        and ${londonDay('coalesce(resolved_at, closed_at)')} < ${period.to}::date))::float8 as "resolvedInTime",
      (count(*) filter (where satisfaction is not null and satisfaction_at is not null
        and ${londonDay('satisfaction_at')} >= ${period.from}::date
        and ${londonDay('satisfaction_at')} < ${period.to}::date))::float8 as "satisfactionAnswers",
      (count(*) filter (where satisfaction >= 4 and satisfaction_at is not null
        and ${londonDay('satisfaction_at')} >= ${period.from}::date
        and ${londonDay('satisfaction_at')} < ${period.to}::date))::float8 as satisfied
    from cases where council_id = ${councilId}`.execute(db);
  return rows[0]!;
}

export async function openCasesByDayByScan(db: Queryable, councilId: string): Promise<OpenCasesByDay[]> {
  const { rows } = await sql<OpenCasesByDay>`
    select ${londonDay('received_at')}::text as day, count(*)::float8 as open from cases
    where council_id = ${councilId} and status not in ('resolved', 'closed')
    group by 1 order by 1`.execute(db);
  return rows;
}

/** Contacts per month and channel in the period: the channel shift over time. */
export async function contactsByMonth(
  db: Queryable,
  councilId: string,
  period: Period,
): Promise<{ month: string; channel: string; contacts: number }[]> {
  const { rows } = await sql<{ month: string; channel: string; contacts: number }>`
    select to_char(date_trunc('month', day), 'YYYY-MM') as month, channel, sum(contacts)::float8 as contacts from (
      select day, channel, contacts from contact_rollups
      where council_id = ${councilId} and day >= ${period.from}::date and day < ${period.to}::date
      union all
      select day, channel, contacts from contact_rollup_deltas
      where council_id = ${councilId} and day >= ${period.from}::date and day < ${period.to}::date
    ) counted
    group by 1, 2 having sum(contacts) <> 0 order by 1, 2`.execute(db);
  return rows;
}

/** Contacts by hour and channel on a day, and on average over the same weekday of the `weeks` before. */
export async function contactsByHour(
  db: Queryable,
  councilId: string,
  day: string,
  weeks: number,
): Promise<{ hour: number; channel: string; today: number; typical: number }[]> {
  const { rows } = await sql<{ hour: number; channel: string; today: number; typical: number }>`
    select hour, channel,
      coalesce(sum(contacts) filter (where day = ${day}::date), 0)::float8 as today,
      round(coalesce(sum(contacts) filter (where day < ${day}::date), 0)::numeric / ${weeks}, 1)::float8 as typical
    from (
      select day, hour, channel, contacts from contact_hourly_rollups
      where council_id = ${councilId} and day = any(
        array(select (${day}::date - 7 * g)::date from generate_series(0, ${weeks}) g))
      union all
      select day, hour, channel, contacts from contact_rollup_deltas
      where council_id = ${councilId} and day = any(
        array(select (${day}::date - 7 * g)::date from generate_series(0, ${weeks}) g))
    ) counted
    group by 1, 2 order by 1, 2`.execute(db);
  return rows;
}
