// The period report: the indicators for a period with their targets and statuses, the contacts
// month by month for the channel shift, and the action tracker, for a page, a CSV file and a PDF.
// Periods are asked for as people say them, first and last day (both counted); the indicators'
// own periods end on the day after.
import type { Db } from '../db/database.ts';
import type { StaffActor } from '../platform/actor.ts';
import { csvText } from '../platform/csv.ts';
import { Invalid, NotFound, type FieldError } from '../platform/errors.ts';
import { isCalendarDate } from '../platform/forms.ts';
import { addCalendarDays, londonDate } from '../services/calendar.ts';
import { COMPUTED_INDICATORS, type Direction, type Rag, type Unit } from './indicators.ts';
import { performancePolicy } from './policy.ts';
import * as repo from './repo.ts';
import * as reportRepo from './reportRepo.ts';
import { createPerformanceService, MAX_PERIOD_DAYS, type IndicatorLine, type PerformanceService } from './service.ts';

/** A period as people give it: its first and last days (YYYY-MM-DD, London), both counted. */
export interface ReportPeriod {
  from: string;
  lastDay: string;
}

/** The council's financial year's three four-monthly reporting periods, then the whole year. */
export const REPORTING_PERIODS = ['april_to_july', 'august_to_november', 'december_to_march', 'whole_year'] as const;
export type ReportingPeriod = (typeof REPORTING_PERIODS)[number];

/** The financial year (by the year it starts in, on 1 April) that a day falls in. */
export function financialYearOf(day: string): number {
  const year = Number(day.slice(0, 4));
  return day.slice(5) >= '04-01' ? year : year - 1;
}

/** A financial year's reporting periods, in order. */
export function reportingPeriods(year: number): { key: ReportingPeriod; period: ReportPeriod }[] {
  const next = year + 1;
  return [
    { key: 'april_to_july', period: { from: `${year}-04-01`, lastDay: `${year}-07-31` } },
    { key: 'august_to_november', period: { from: `${year}-08-01`, lastDay: `${year}-11-30` } },
    { key: 'december_to_march', period: { from: `${year}-12-01`, lastDay: `${next}-03-31` } },
    { key: 'whole_year', period: { from: `${year}-04-01`, lastDay: `${next}-03-31` } },
  ];
}

/** The four-month period a day falls in. */
export function fourMonthPeriodOf(day: string): ReportPeriod {
  const periods = reportingPeriods(financialYearOf(day)).filter(({ key }) => key !== 'whole_year');
  return periods.find(({ period }) => period.from <= day && day <= period.lastDay)!.period;
}

/**
 * A period as typed (first and last day) checked, or Invalid with an error for the field at fault:
 * `from` and `to` (the last day) must be real dates, the last on or after the first, and the whole
 * no longer than the indicators allow.
 */
export function checkedReportPeriod(asked: { from?: string; to?: string }): ReportPeriod {
  const from = (asked.from ?? '').trim();
  const lastDay = (asked.to ?? '').trim();
  const problems: FieldError[] = [];
  if (!isCalendarDate(from)) problems.push({ field: 'from', message: 'performance.report.errors.fromInvalid' });
  if (!isCalendarDate(lastDay)) problems.push({ field: 'to', message: 'performance.report.errors.toInvalid' });
  else if (problems.length === 0 && lastDay < from)
    problems.push({ field: 'to', message: 'performance.report.errors.toBeforeFrom' });
  else if (problems.length === 0 && addCalendarDays(lastDay, 1) > addCalendarDays(from, MAX_PERIOD_DAYS))
    problems.push({ field: 'to', message: 'performance.report.errors.tooLong', params: { max: MAX_PERIOD_DAYS } });
  if (problems.length > 0) throw new Invalid(problems);
  return { from, lastDay };
}

export interface PeriodReport {
  council: { name: string; nameCy: string | null };
  period: ReportPeriod;
  /** The period has not ended: actuals are so far. */
  running: boolean;
  counts: Record<Rag, number>;
  items: IndicatorLine[];
  /** Contacts per month and channel: the channel shift. */
  contactsByMonth: { month: string; channel: string; contacts: number }[];
  actions: reportRepo.ActionLine[];
}

export type IndicatorDefinition =
  | { kind: 'computed'; code: string; unit: Unit; direction: Direction }
  | { kind: 'manual'; code: string; unit: Unit; direction: Direction; name: string; definition: string; active: boolean };

/** The indicator table and the action tracker as CSV; `nameOf` names a computed indicator in the reader's language. */
export function reportAsCsv(report: PeriodReport, nameOf: (code: string) => string): string {
  const rows: (string | number | null)[][] = [
    ['period_from', 'period_last_day', 'running'],
    [report.period.from, report.period.lastDay, report.running ? 'yes' : 'no'],
    [],
    [
      'indicator',
      'name',
      'kind',
      'unit',
      'better',
      'benchmark',
      'previous_actual',
      'target',
      'tolerance',
      'actual',
      'estimated_outturn',
      'rag',
      'owner',
      'comment',
    ],
    ...report.items.map((item) => [
      item.code,
      item.name ?? nameOf(item.code),
      item.kind,
      item.unit,
      item.direction,
      item.benchmark,
      item.previousActual,
      item.target,
      item.tolerance,
      item.value,
      item.estimatedOutturn,
      item.rag,
      item.owner,
      item.comment,
    ]),
    [],
    ['action', 'indicator', 'progress', 'issues', 'who', 'by_when', 'status'],
    ...report.actions.map((action) => [
      action.title,
      action.indicator,
      action.progress,
      action.issues,
      action.owner,
      action.dueOn,
      action.status,
    ]),
  ];
  // A byte order mark, so that spreadsheets read Welsh names' accents (ŵ, ŷ) as UTF-8.
  return `\uFEFF${csvText(rows)}`;
}

export interface ReportDependencies {
  now?: () => Date;
  performance?: Pick<PerformanceService, 'indicators'>;
}

export function createPerformanceReport(db: Db, dependencies: ReportDependencies = {}) {
  const now = dependencies.now ?? (() => new Date());
  const performance = dependencies.performance ?? createPerformanceService(db, { now });

  return {
    /** The period shown when none is asked for: the four months we are in. */
    defaultPeriod: (): ReportPeriod => fourMonthPeriodOf(londonDate(now())),

    /** The report for a period given by its first and last days. */
    async report(actor: StaffActor, asked: { from?: string; to?: string }): Promise<PeriodReport> {
      const councilId = actor.councilId;
      performancePolicy.authorize(actor, 'read', { councilId });
      const period = checkedReportPeriod(asked);
      const counted: repo.Period = { from: period.from, to: addCalendarDays(period.lastDay, 1) };
      const [indicators, contactsByMonth, actions, council] = await Promise.all([
        performance.indicators(actor, counted),
        repo.contactsByMonth(db, councilId, counted),
        reportRepo.actionsForPeriod(db, councilId, counted),
        reportRepo.councilName(db, councilId),
      ]);
      return {
        council,
        period,
        running: indicators.running,
        counts: indicators.counts,
        items: indicators.items,
        contactsByMonth,
        actions,
      };
    },

    /** What an indicator is and how it is counted: one OneDoor counts, or one the council keeps by hand. */
    async definition(actor: StaffActor, code: string): Promise<IndicatorDefinition> {
      performancePolicy.authorize(actor, 'read', { councilId: actor.councilId });
      const computed = COMPUTED_INDICATORS.find((indicator) => indicator.code === code);
      if (computed) return { kind: 'computed', code: computed.code, unit: computed.unit, direction: computed.direction };
      const manual = /^[a-z][a-z0-9_]{1,60}$/.test(code)
        ? await reportRepo.manualIndicator(db, actor.councilId, code)
        : undefined;
      if (!manual) throw new NotFound('indicator');
      return { kind: 'manual', ...manual };
    },
  };
}

export type PerformanceReportService = ReturnType<typeof createPerformanceReport>;
