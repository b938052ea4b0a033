// The performance indicators: what each one is, how it is counted from the roll-ups (pure
// functions of the rows the repo reads, so each can be checked by hand), and its Red/Amber/Green
// status against the council's target. Percentages are to one decimal place; an indicator with
// nothing to divide by is "not known" (null), never 0.
import { CHANNELS } from '../cases/service.ts';

export const UNITS = ['percent', 'number', 'minutes', 'days', 'score'] as const;
export type Unit = (typeof UNITS)[number];
export const DIRECTIONS = ['higher', 'lower'] as const;
export type Direction = (typeof DIRECTIONS)[number];
export const RAGS = ['green', 'amber', 'red', 'not_known'] as const;
export type Rag = (typeof RAGS)[number];

/** Channels counted as digital: the resident serves themselves or writes in, at any hour. */
export const DIGITAL_CHANNELS = ['web', 'email', 'chat', 'social'] as const;
export const AVOIDABLE_REASONS = [
  'chasing_progress',
  'repeat',
  'wrong_place',
  'unclear_information',
  'service_not_delivered',
] as const;

export const COMPUTED_INDICATORS = [
  { code: 'first_contact_resolution', unit: 'percent', direction: 'higher' },
  { code: 'avoidable_contact', unit: 'percent', direction: 'lower' },
  { code: 'digital_share', unit: 'percent', direction: 'higher' },
  { code: 'abandoned_contacts', unit: 'percent', direction: 'lower' },
  { code: 'average_handling_time', unit: 'minutes', direction: 'lower' },
  { code: 'cases_within_sla', unit: 'percent', direction: 'higher' },
  { code: 'open_backlog', unit: 'number', direction: 'lower' },
  { code: 'open_backlog_age', unit: 'days', direction: 'lower' },
  { code: 'complaints_responded_in_time', unit: 'percent', direction: 'higher' },
  { code: 'complaints_justified', unit: 'percent', direction: 'lower' },
  { code: 'complaint_handling_satisfaction', unit: 'percent', direction: 'higher' },
  { code: 'customer_satisfaction', unit: 'percent', direction: 'higher' },
  { code: 'seen_within_10_minutes', unit: 'percent', direction: 'higher' },
] as const satisfies readonly { code: string; unit: Unit; direction: Direction }[];
export type ComputedCode = (typeof COMPUTED_INDICATORS)[number]['code'];

/** One part of an indicator: a channel, a reason, a stage, an age band. */
export interface Part {
  key: string;
  value: number | null;
  numerator: number;
  denominator: number;
}

export interface Measured {
  code: ComputedCode;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  breakdown: Part[];
}

/** A percentage to one decimal place, or null when there is nothing to divide by. */
export function percentOf(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part / whole) * 1000) / 10 : null;
}

const ratioOf = (part: number, whole: number, decimals = 1): number | null =>
  whole > 0 ? Math.round((part / whole) * 10 ** decimals) / 10 ** decimals : null;

function percent(code: ComputedCode, numerator: number, denominator: number, breakdown: Part[] = []): Measured {
  return { code, value: percentOf(numerator, denominator), numerator, denominator, breakdown };
}

const part = (key: string, numerator: number, denominator: number): Part => ({
  key,
  value: percentOf(numerator, denominator),
  numerator,
  denominator,
});

/** Contacts in the period, summed by channel, outcome and avoidable reason ('' for none). */
export interface ContactRow {
  channel: string;
  outcome: string;
  avoidableReason: string;
  contacts: number;
  handlingSeconds: number;
}

/**
 * The contact indicators. A contact is answered unless abandoned; first-contact resolution and
 * avoidable contact are shares of the answered ones, abandoned contacts and the digital share of
 * all of them, and the handling time is the answered ones' average.
 */
export function contactIndicators(rows: readonly ContactRow[]): Measured[] {
  const sum = (filter: (row: ContactRow) => boolean, value: (row: ContactRow) => number = (row) => row.contacts) =>
    rows.filter(filter).reduce((total, row) => total + value(row), 0);
  const answered = (row: ContactRow) => row.outcome !== 'abandoned';
  const all = sum(() => true);
  const answeredCount = sum(answered);
  const resolved = (row: ContactRow) => row.outcome === 'resolved_first_contact';
  const avoidable = (row: ContactRow) => answered(row) && row.avoidableReason !== '';
  const usedChannels = CHANNELS.filter((channel) => rows.some((row) => row.channel === channel && row.contacts !== 0));
  const digital = (row: ContactRow) => (DIGITAL_CHANNELS as readonly string[]).includes(row.channel);
  const handlingSeconds = sum(answered, (row) => row.handlingSeconds);
  return [
    percent(
      'first_contact_resolution',
      sum(resolved),
      answeredCount,
      usedChannels.map((channel) =>
        part(
          channel,
          sum((row) => row.channel === channel && resolved(row)),
          sum((row) => row.channel === channel && answered(row)),
        ),
      ),
    ),
    percent(
      'avoidable_contact',
      sum(avoidable),
      answeredCount,
      AVOIDABLE_REASONS.map((reason) =>
        part(
          reason,
          sum((row) => answered(row) && row.avoidableReason === reason),
          answeredCount,
        ),
      ),
    ),
    percent(
      'digital_share',
      sum(digital),
      all,
      usedChannels.map((channel) =>
        part(
          channel,
          sum((row) => row.channel === channel),
          all,
        ),
      ),
    ),
    percent('abandoned_contacts', all - answeredCount, all),
    {
      code: 'average_handling_time',
      value: ratioOf(handlingSeconds, answeredCount * 60),
      numerator: Math.round(handlingSeconds / 60),
      denominator: answeredCount,
      breakdown: [],
    },
  ];
}

/** Cases resolved and satisfaction given in the period. */
export interface CasePeriodTotals {
  resolved: number;
  resolvedInTime: number;
  satisfactionAnswers: number;
  satisfied: number;
}

/** The open cases now, by the London day they were received. */
export interface OpenCasesByDay {
  day: string;
  open: number;
}

/** Age bands of the backlog, in days since receipt. */
export const BACKLOG_BANDS = [
  { key: '0_to_5_days', from: 0, to: 5 },
  { key: '6_to_10_days', from: 6, to: 10 },
  { key: '11_to_20_days', from: 11, to: 20 },
  { key: 'over_20_days', from: 21, to: Number.POSITIVE_INFINITY },
] as const;

const DAY_MS = 86_400_000;
const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

/** The case indicators: within SLA and satisfaction for the period; the backlog and its age as of `today`. */
export function caseIndicators(totals: CasePeriodTotals, open: readonly OpenCasesByDay[], today: string): Measured[] {
  const backlog = open.reduce((total, row) => total + row.open, 0);
  const ageDays = open.reduce((total, row) => total + row.open * daysBetween(row.day, today), 0);
  const band = (from: number, to: number) =>
    open
      .filter((row) => daysBetween(row.day, today) >= from && daysBetween(row.day, today) <= to)
      .reduce((total, row) => total + row.open, 0);
  return [
    percent('cases_within_sla', totals.resolvedInTime, totals.resolved),
    {
      code: 'open_backlog',
      value: backlog,
      numerator: backlog,
      denominator: null,
      breakdown: BACKLOG_BANDS.map(({ key, from, to }) => part(key, band(from, to), backlog)),
    },
    { code: 'open_backlog_age', value: ratioOf(ageDays, backlog), numerator: ageDays, denominator: backlog, breakdown: [] },
    percent('customer_satisfaction', totals.satisfied, totals.satisfactionAnswers),
  ];
}

/** What the complaints capability counts for the period (its indicatorFigures). */
export interface ComplaintTotals {
  stages: Record<1 | 2, { answered: number; respondedInTime: number; justified: number }>;
  satisfaction: { answered: number; satisfied: number };
}

export function complaintIndicators(totals: ComplaintTotals): Measured[] {
  const stages = [1, 2] as const;
  const answered = stages.reduce((total, stage) => total + totals.stages[stage].answered, 0);
  const inTime = stages.reduce((total, stage) => total + totals.stages[stage].respondedInTime, 0);
  const justified = stages.reduce((total, stage) => total + totals.stages[stage].justified, 0);
  return [
    percent(
      'complaints_responded_in_time',
      inTime,
      answered,
      stages.map((stage) => part(`stage_${stage}`, totals.stages[stage].respondedInTime, totals.stages[stage].answered)),
    ),
    percent(
      'complaints_justified',
      justified,
      answered,
      stages.map((stage) => part(`stage_${stage}`, totals.stages[stage].justified, totals.stages[stage].answered)),
    ),
    percent('complaint_handling_satisfaction', totals.satisfaction.satisfied, totals.satisfaction.answered),
  ];
}

/** Appointments whose 10 minutes can be judged, and those seen within them. */
export function appointmentIndicators(totals: { measured: number; withinTarget: number }): Measured[] {
  return [percent('seen_within_10_minutes', totals.withinTarget, totals.measured)];
}

export interface TargetSetting {
  target: number | null;
  /** How far short of the target still counts as amber (in the indicator's unit); 0 when not given. */
  tolerance: number | null;
  direction: Direction;
}

/**
 * Green when the value meets the target; amber when it misses by no more than the tolerance; red
 * otherwise; not known when there is no value or no target to judge it by.
 */
export function ragOf(value: number | null, setting: TargetSetting): Rag {
  if (value === null || setting.target === null) return 'not_known';
  const shortfall = setting.direction === 'higher' ? setting.target - value : value - setting.target;
  if (shortfall <= 0) return 'green';
  return shortfall <= (setting.tolerance ?? 0) ? 'amber' : 'red';
}

/** How many of each status: the report's summary. */
export function ragCounts(rags: readonly Rag[]): Record<Rag, number> {
  const counts: Record<Rag, number> = { green: 0, amber: 0, red: 0, not_known: 0 };
  for (const rag of rags) counts[rag] += 1;
  return counts;
}
