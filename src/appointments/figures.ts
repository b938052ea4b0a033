// The face-to-face figures for a period, by site and by service: the % of people with an
// appointment seen within 10 minutes of their time, how long walk-ins waited to be called (average
// and 90th percentile), and the no-show rate. PostgreSQL counts and takes the percentile (the SQL
// part below); the pure part turns its rows into percentages and rounded minutes, with null where
// there is nothing to divide by — "not known", never 0 or NaN — and into a CSV file.
//
// Definitions, as the page explains them:
// - seen within 10 minutes: an appointment checked in, reached at the desk (seen_at, or called_at
//   where "seen" was not recorded) no later than 10 minutes after its time, or after its arrival
//   when the person arrived late. Out of the checked-in appointments that were reached, and those
//   still not reached once their 10 minutes are over; those called who did not come are left out.
// - walk-in wait: from arrival to being called, for walk-ins called in the period.
// - no-show rate: appointments marked as not come, out of the appointments due in the period (their
//   time has come) that were not cancelled.
import { sql } from 'kysely';
import type { Db, Queryable } from '../db/database.ts';
import type { StaffActor } from '../platform/actor.ts';
import { csvCell } from '../platform/csv.ts';
import { Invalid, type FieldError } from '../platform/errors.ts';
import { isCalendarDate, todayInLondon } from '../platform/forms.ts';
import { addCalendarDays } from '../services/calendar.ts';
import { appointmentPolicy } from './policy.ts';

/** London days, YYYY-MM-DD: from the start of `from` up to the start of `to`. */
export interface Period {
  from: string;
  to: string;
}

/** The target the first figure measures against. */
export const SEEN_WITHIN_MINUTES = 10;
/** The longest period the figures cover at once. */
export const MAX_PERIOD_DAYS = 3 * 366;

export type Dimension = 'all' | 'site' | 'service';

/** One line of the figures: everything together, one site, or one service. */
export interface FiguresLine {
  /** The site's or service's id; null for everything, or for walk-ins who named no service. */
  id: string | null;
  name: string | null;
  nameCy: string | null;
  appointmentsDue: number;
  noShows: number;
  /** Percentage, one decimal place; null when no appointment was due. */
  noShowRate: number | null;
  /** Checked-in appointments whose 10 minutes can be judged. */
  seenMeasured: number;
  seenWithinTarget: number;
  percentSeenWithinTarget: number | null;
  walkInsCalled: number;
  /** Minutes, one decimal place; null when no walk-in was called. */
  averageWalkInWait: number | null;
  ninetiethPercentileWalkInWait: number | null;
}

export interface AppointmentFigures {
  period: Period;
  total: FiguresLine;
  bySite: FiguresLine[];
  byService: FiguresLine[];
}

/** What the appointments query returns: one row per grouping. */
export interface AppointmentRow {
  dimension: Dimension;
  id: string | null;
  name: string | null;
  name_cy: string | null;
  due: number;
  no_shows: number;
  measured: number;
  within_target: number;
}

/** What the walk-ins query returns: one row per grouping. */
export interface WalkInRow {
  dimension: Dimension;
  id: string | null;
  name: string | null;
  name_cy: string | null;
  called: number;
  average_wait: number | null;
  p90_wait: number | null;
}

// ---- The pure part ----

/** `part` as a percentage of `whole`, to one decimal place; null when `whole` is 0. */
export function percentOf(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part * 1000) / whole) / 10;
}

const oneDecimal = (value: number | null): number | null => (value === null ? null : Math.round(value * 10) / 10);

/** Real dates, `from` on or before `to`, at most MAX_PERIOD_DAYS apart; Invalid (fields from, to) otherwise. */
export function checkedPeriod(period: { from?: string; to?: string }): Period {
  const from = (period.from ?? '').trim();
  const to = (period.to ?? '').trim();
  const problems: FieldError[] = [];
  if (!isCalendarDate(from)) problems.push({ field: 'from', message: 'appointments.figures.errors.fromInvalid' });
  if (!isCalendarDate(to)) problems.push({ field: 'to', message: 'appointments.figures.errors.toInvalid' });
  else if (problems.length === 0 && to < from)
    problems.push({ field: 'to', message: 'appointments.figures.errors.toBeforeFrom' });
  else if (problems.length === 0 && to > addCalendarDays(from, MAX_PERIOD_DAYS))
    problems.push({ field: 'to', message: 'appointments.figures.errors.tooLong' });
  if (problems.length > 0) throw new Invalid(problems);
  return { from, to };
}

/** The last day a period counts (the day before `to`), for saying it to people. */
export const lastDayOf = (period: Period): string => addCalendarDays(period.to, -1);

/** This month up to and including today. */
export function monthToDate(now: Date): Period {
  const today = todayInLondon(now);
  return { from: `${today.slice(0, 8)}01`, to: addCalendarDays(today, 1) };
}

const key = (dimension: Dimension, id: string | null) => `${dimension}:${id ?? ''}`;

function lineOf(appointments: AppointmentRow | undefined, walkIns: WalkInRow | undefined): FiguresLine {
  const named = appointments ?? walkIns;
  const due = appointments?.due ?? 0;
  const noShows = appointments?.no_shows ?? 0;
  const measured = appointments?.measured ?? 0;
  const within = appointments?.within_target ?? 0;
  const called = walkIns?.called ?? 0;
  return {
    id: named?.id ?? null,
    name: named?.name ?? null,
    nameCy: named?.name_cy ?? null,
    appointmentsDue: due,
    noShows,
    noShowRate: percentOf(noShows, due),
    seenMeasured: measured,
    seenWithinTarget: within,
    percentSeenWithinTarget: percentOf(within, measured),
    walkInsCalled: called,
    averageWalkInWait: called === 0 ? null : oneDecimal(walkIns?.average_wait ?? null),
    ninetiethPercentileWalkInWait: called === 0 ? null : oneDecimal(walkIns?.p90_wait ?? null),
  };
}

const byName = (a: FiguresLine, b: FiguresLine) =>
  (a.name === null ? 1 : 0) - (b.name === null ? 1 : 0) || (a.name ?? '').localeCompare(b.name ?? '', 'en-GB');

/** The two queries' rows as the figures: the total, and a line per site and per service that had any. */
export function combineFigures(period: Period, appointmentRows: AppointmentRow[], walkInRows: WalkInRow[]): AppointmentFigures {
  const appointments = new Map(appointmentRows.map((row) => [key(row.dimension, row.id), row]));
  const walkIns = new Map(walkInRows.map((row) => [key(row.dimension, row.id), row]));
  const linesOf = (dimension: Dimension) => {
    const keys = new Set(
      [...appointmentRows, ...walkInRows].filter((row) => row.dimension === dimension).map((row) => key(dimension, row.id)),
    );
    return [...keys].map((each) => lineOf(appointments.get(each), walkIns.get(each))).sort(byName);
  };
  return {
    period,
    total: lineOf(appointments.get(key('all', null)), walkIns.get(key('all', null))),
    bySite: linesOf('site'),
    byService: linesOf('service'),
  };
}

// The CSV cell is the platform's, shared with every other download (and named here as before).
export { csvCell };

const decimal = (value: number | null): string | null => (value === null ? null : value.toFixed(1));

export const CSV_COLUMNS = [
  'breakdown',
  'name',
  'appointments_due',
  'no_shows',
  'no_show_rate_percent',
  'seen_measured',
  'seen_within_10_minutes',
  'percent_seen_within_10_minutes',
  'walk_ins_called',
  'average_walk_in_wait_minutes',
  'p90_walk_in_wait_minutes',
] as const;

/** The figures as a CSV file: a row for everything, then one per site and per service; empty cells for "not known". */
export function figuresAsCsv(figures: AppointmentFigures): string {
  const row = (breakdown: string, name: string | null, line: FiguresLine) => [
    breakdown,
    name,
    line.appointmentsDue,
    line.noShows,
    decimal(line.noShowRate),
    line.seenMeasured,
    line.seenWithinTarget,
    decimal(line.percentSeenWithinTarget),
    line.walkInsCalled,
    decimal(line.averageWalkInWait),
    decimal(line.ninetiethPercentileWalkInWait),
  ];
  const rows = [
    [...CSV_COLUMNS],
    ['period', `${figures.period.from} to ${lastDayOf(figures.period)}`, ...row('', '', figures.total).slice(2)],
    ...figures.bySite.map((line) => row('site', line.name ?? '(none)', line)),
    ...figures.byService.map((line) => row('service', line.name ?? '(none)', line)),
  ];
  return `${rows.map((cells) => cells.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

// ---- The SQL part ----

const startOf = (day: string) => sql`(${day}::date::timestamp at time zone 'Europe/London')`;

const dimensionColumns = (site: string, service: string) => sql`
  case when grouping(${sql.ref(site)}) = 0 then 'site' when grouping(${sql.ref(service)}) = 0 then 'service' else 'all' end
    as dimension,
  case when grouping(${sql.ref(site)}) = 0 then ${sql.ref(site)} when grouping(${sql.ref(service)}) = 0 then ${sql.ref(service)} end
    as id`;

const named = sql`
  left join sites st on g.dimension = 'site' and st.id = g.id
  left join services sv on g.dimension = 'service' and sv.id = g.id`;

/** The appointments due in the period (up to `now`), not cancelled: by site, by service and in all. */
export async function appointmentRows(db: Queryable, councilId: string, period: Period, now: Date): Promise<AppointmentRow[]> {
  const { rows } = await sql<AppointmentRow>`
    with due as (
      select a.site_id, a.service_id, a.status, v.status as visit_status, v.arrived_at,
        coalesce(v.seen_at, v.called_at) as reached_at,
        greatest(a.starts_at, v.arrived_at) + make_interval(mins => ${SEEN_WITHIN_MINUTES}) as seen_by
      from appointments a
      left join visits v on v.appointment_id = a.id
      where a.council_id = ${councilId} and a.status <> 'cancelled'
        and a.starts_at >= ${startOf(period.from)} and a.starts_at < ${startOf(period.to)} and a.starts_at <= ${now}
    ), g as (
      select ${dimensionColumns('site_id', 'service_id')},
        count(*)::int as due,
        count(*) filter (where status = 'no_show')::int as no_shows,
        count(*) filter (where arrived_at is not null and visit_status <> 'left'
          and (reached_at is not null or seen_by <= ${now}))::int as measured,
        count(*) filter (where arrived_at is not null and visit_status <> 'left' and reached_at <= seen_by)::int as within_target
      from due
      group by grouping sets ((site_id), (service_id), ())
    )
    select g.dimension, g.id, coalesce(st.name, sv.name) as name, coalesce(st.name_cy, sv.name_cy) as name_cy,
      g.due, g.no_shows, g.measured, g.within_target
    from g ${named}
  `.execute(db);
  return rows;
}

/** Walk-ins who arrived in the period and were called: minutes from arrival to call. */
export async function walkInRows(db: Queryable, councilId: string, period: Period): Promise<WalkInRow[]> {
  const { rows } = await sql<WalkInRow>`
    with waits as (
      select v.site_id, v.service_id, extract(epoch from (v.called_at - v.arrived_at)) / 60.0 as wait
      from visits v
      where v.council_id = ${councilId} and v.appointment_id is null and v.called_at is not null
        -- The ticket's day is the London day of arrival: it reaches visits_council_day_idx.
        and v.business_date >= ${period.from}::date and v.business_date < ${period.to}::date
        and v.arrived_at >= ${startOf(period.from)} and v.arrived_at < ${startOf(period.to)}
    ), g as (
      select ${dimensionColumns('site_id', 'service_id')},
        count(*)::int as called,
        avg(wait)::float8 as average_wait,
        (percentile_cont(0.9) within group (order by wait))::float8 as p90_wait
      from waits
      group by grouping sets ((site_id), (service_id), ())
    )
    select g.dimension, g.id, coalesce(st.name, sv.name) as name, coalesce(st.name_cy, sv.name_cy) as name_cy,
      g.called, g.average_wait, g.p90_wait
    from g ${named}
  `.execute(db);
  return rows;
}

/**
 * The council's face-to-face figures for the period (checked here: Invalid when it is not one).
 * No policy check: the caller (the staff page below, or the performance indicators) has made its own.
 */
export async function appointmentFigures(
  db: Queryable,
  councilId: string,
  period: { from: string; to: string },
  now: Date = new Date(),
): Promise<AppointmentFigures> {
  const checked = checkedPeriod(period);
  const [appointments, walkIns] = await Promise.all([
    appointmentRows(db, councilId, checked, now),
    walkInRows(db, councilId, checked),
  ]);
  return combineFigures(checked, appointments, walkIns);
}

export function createAppointmentFiguresService(db: Db, dependencies: { now?: () => Date } = {}) {
  const now = dependencies.now ?? (() => new Date());

  async function figures(actor: StaffActor, period: { from?: string; to?: string }) {
    appointmentPolicy.authorize(actor, 'monitor', { councilId: actor.councilId });
    return await appointmentFigures(db, actor.councilId, checkedPeriod(period), now());
  }

  return {
    /** The period shown when none is asked for: this month to date. */
    defaultPeriod: (): Period => monthToDate(now()),
    figures,
    /** The figures as a CSV file, with its name. */
    async csv(actor: StaffActor, period: { from?: string; to?: string }) {
      const shown = await figures(actor, period);
      return {
        fileName: `appointment-figures-${shown.period.from}-to-${lastDayOf(shown.period)}.csv`,
        // A byte order mark, so that spreadsheets read the names' accents (ŵ, ŷ) as UTF-8.
        content: `\uFEFF${figuresAsCsv(shown)}`,
      };
    },
  };
}

export type AppointmentFiguresService = ReturnType<typeof createAppointmentFiguresService>;
