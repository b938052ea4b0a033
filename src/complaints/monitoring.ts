// Complaint monitoring: the figures a council reports about the complaints, compliments and
// comments it received in a period, and everything that has happened to those complaints since
// (their stages, the Ombudsman, remedies, satisfaction, learning). Counts and sums come from
// PostgreSQL (monitoringRepo.ts); here they become percentages and averages, with null where
// there is nothing to divide by: "not known", never 0 or NaN.
import type { Db } from '../db/database.ts';
import type { Actor } from '../platform/actor.ts';
import { csvCell } from '../platform/csv.ts';
import { Invalid, type FieldError } from '../platform/errors.ts';
import { isCalendarDate, todayInLondon } from '../platform/forms.ts';
import { complaintPolicy } from './policy.ts';
import * as repo from './monitoringRepo.ts';
import {
  OMBUDSMAN_OUTCOMES,
  OUTCOMES,
  REMEDY_KINDS,
  type ComplaintCategory,
  type ComplaintOutcome,
  type OmbudsmanOutcome,
  type RemedyKind,
  type StageNumber,
} from './workflow.ts';

export type { Period } from './monitoringRepo.ts';
type Period = repo.Period;

/** The longest period the figures cover at once. */
export const MAX_PERIOD_YEARS = 5;
/** A satisfaction score of this or more (out of 5) counts as satisfied. */
export const SATISFIED_FROM = 4;

export interface StageFigures {
  /** Stages begun: every complaint begins stage 1; stage 2 when the complainant asked for it. */
  started: number;
  answered: number;
  byOutcome: Record<ComplaintOutcome, number>;
  /** Upheld or partly upheld. */
  justified: number;
  percentJustified: number | null;
  acknowledgedInTime: number;
  percentAcknowledgedInTime: number | null;
  respondedInTime: number;
  percentRespondedInTime: number | null;
  averageWorkingDays: number | null;
  extended: number;
  maladministration: number;
  serviceFailure: number;
  /** Only at stage 2: answers by whoever answered stage 1 (the Code says this must be 0). */
  answeredByStageOneResponder: number;
}

export interface Breakdown {
  id: string | null;
  name: string | null;
  nameCy: string | null;
  complaints: number;
}

export interface ComplaintFigures {
  period: Period;
  received: { complaints: number; compliments: number; comments: number };
  /** How far each complaint has gone: these add up to the complaints received. */
  stageReached: { stage1: number; stage2: number; ombudsman: number };
  byService: Breakdown[];
  byTeam: Breakdown[];
  byCategory: { category: ComplaintCategory | null; complaints: number }[];
  stages: Record<StageNumber, StageFigures>;
  /** Stage 2 requests as a percentage of stage 1 answers. */
  escalation: { stage2: number; stage1Answered: number; percent: number | null };
  ombudsman: {
    referrals: number;
    decisions: number;
    byOutcome: Record<OmbudsmanOutcome, number>;
    maladministration: number;
    serviceFailure: number;
  };
  /** Complaints where the council itself found maladministration or service failure, at either stage. */
  councilFindings: { maladministration: number; serviceFailure: number };
  remedies: { byKind: Record<RemedyKind, number>; paymentsPence: number; complaintsRemedied: number };
  satisfaction: { answered: number; average: number | null; satisfied: number; percentSatisfied: number | null };
  learning: { open: number; overdue: number; completed: number };
}

/** `part` as a percentage of `whole`, to one decimal place; null when `whole` is 0. */
export function percentOf(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part * 1000) / whole) / 10;
}

const oneDecimal = (value: number | null): number | null => (value === null ? null : Math.round(value * 10) / 10);

function addDays(date: string, days: number): string {
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  return day.toISOString().slice(0, 10);
}

function addYears(date: string, years: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  // 29 February plus a year is 28 February.
  const moved = new Date(Date.UTC(year + years, month - 1, day));
  if (moved.getUTCMonth() !== month - 1) moved.setUTCDate(0);
  return moved.toISOString().slice(0, 10);
}

/** The financial year that starts on 1 April of `year`: [1 April, next 1 April). */
export function financialYear(year: number): Period {
  return { from: `${year}-04-01`, to: `${year + 1}-04-01` };
}

/** The year (as 2026 for 2026 to 2027) of the financial year `day` falls in. */
export function financialYearOf(day: string): number {
  const year = Number(day.slice(0, 4));
  return day.slice(5) >= '04-01' ? year : year - 1;
}

/** This financial year up to and including today. */
export function financialYearToDate(now: Date): Period {
  const today = todayInLondon(now);
  return { from: financialYear(financialYearOf(today)).from, to: addDays(today, 1) };
}

/** The last day a period counts (the day before `to`), for saying it to people. */
export const lastDayOf = (period: Period): string => addDays(period.to, -1);

/** Real dates, `from` on or before `to`, at most MAX_PERIOD_YEARS apart. Invalid (fields from, to) otherwise. */
export function checkedPeriod(period: { from?: string; to?: string }): Period {
  const from = (period.from ?? '').trim();
  const to = (period.to ?? '').trim();
  const problems: FieldError[] = [];
  if (!isCalendarDate(from)) problems.push({ field: 'from', message: 'complaints.monitoring.errors.fromInvalid' });
  if (!isCalendarDate(to)) problems.push({ field: 'to', message: 'complaints.monitoring.errors.toInvalid' });
  else if (problems.length === 0 && to < from)
    problems.push({ field: 'to', message: 'complaints.monitoring.errors.toBeforeFrom' });
  else if (problems.length === 0 && to > addYears(from, MAX_PERIOD_YEARS))
    problems.push({ field: 'to', message: 'complaints.monitoring.errors.tooLong', params: { years: MAX_PERIOD_YEARS } });
  if (problems.length > 0) throw new Invalid(problems);
  return { from, to };
}

function stageFigures(row: repo.StageRow | undefined): StageFigures {
  const answered = row?.answered ?? 0;
  const byOutcome = { upheld: row?.upheld ?? 0, partly_upheld: row?.partly_upheld ?? 0, not_upheld: row?.not_upheld ?? 0 };
  const justified = byOutcome.upheld + byOutcome.partly_upheld;
  return {
    started: row?.started ?? 0,
    answered,
    byOutcome,
    justified,
    percentJustified: percentOf(justified, answered),
    acknowledgedInTime: row?.acknowledged_in_time ?? 0,
    percentAcknowledgedInTime: percentOf(row?.acknowledged_in_time ?? 0, answered),
    respondedInTime: row?.responded_in_time ?? 0,
    percentRespondedInTime: percentOf(row?.responded_in_time ?? 0, answered),
    averageWorkingDays: oneDecimal(row?.average_working_days ?? null),
    extended: row?.extended ?? 0,
    maladministration: row?.maladministration ?? 0,
    serviceFailure: row?.service_failure ?? 0,
    answeredByStageOneResponder: row?.answered_by_stage_one_responder ?? 0,
  };
}

const breakdown = (rows: repo.BreakdownRow[]): Breakdown[] =>
  rows.map((row) => ({ id: row.id, name: row.name, nameCy: row.name_cy, complaints: row.complaints }));

function satisfactionOf(totals: repo.TotalsRow): ComplaintFigures['satisfaction'] {
  return {
    answered: totals.satisfaction_answered,
    average: oneDecimal(totals.satisfaction_average),
    satisfied: totals.satisfied,
    percentSatisfied: percentOf(totals.satisfied, totals.satisfaction_answered),
  };
}

/** Every figure for the council's period (already checked), with learning actions as of `today`. */
export async function complaintFigures(db: Db, councilId: string, period: Period, today: string): Promise<ComplaintFigures> {
  const [totals, stageRows, services, teams, categories, remedies, learning] = await Promise.all([
    repo.totals(db, councilId, period),
    repo.stages(db, councilId, period),
    repo.byService(db, councilId, period),
    repo.byTeam(db, councilId, period),
    repo.byCategory(db, councilId, period),
    repo.remedies(db, councilId, period),
    repo.learning(db, councilId, period, today),
  ]);
  const stages = {
    1: stageFigures(stageRows.find((row) => row.stage === 1)),
    2: stageFigures(stageRows.find((row) => row.stage === 2)),
  };
  return {
    period,
    received: { complaints: totals.complaints, compliments: totals.compliments, comments: totals.comments },
    stageReached: { stage1: totals.at_stage_1, stage2: totals.at_stage_2, ombudsman: totals.referred },
    byService: breakdown(services),
    byTeam: breakdown(teams),
    byCategory: categories.map((row) => ({ category: row.category, complaints: row.complaints })),
    stages,
    escalation: {
      stage2: stages[2].started,
      stage1Answered: stages[1].answered,
      percent: percentOf(stages[2].started, stages[1].answered),
    },
    ombudsman: {
      referrals: totals.referred,
      decisions: totals.decided,
      byOutcome: {
        upheld: totals.ombudsman_upheld,
        partly_upheld: totals.ombudsman_partly_upheld,
        not_upheld: totals.ombudsman_not_upheld,
        not_investigated: totals.ombudsman_not_investigated,
      },
      maladministration: totals.ombudsman_maladministration,
      serviceFailure: totals.ombudsman_service_failure,
    },
    councilFindings: { maladministration: totals.council_maladministration, serviceFailure: totals.council_service_failure },
    remedies: {
      byKind: { apology: remedies.apology, action: remedies.action, payment: remedies.payment },
      paymentsPence: remedies.payments_pence,
      complaintsRemedied: remedies.complaints_remedied,
    },
    satisfaction: satisfactionOf(totals),
    learning,
  };
}

export interface IndicatorFigures {
  stages: Record<
    StageNumber,
    {
      answered: number;
      respondedInTime: number;
      percentRespondedInTime: number | null;
      justified: number;
      percentJustified: number | null;
    }
  >;
  satisfaction: { answered: number; average: number | null; satisfied: number; percentSatisfied: number | null };
}

/**
 * What the performance indicators need (complaints_responded_in_time per stage, % justified,
 * satisfaction), for the council's complaints received in `period`. No policy check: the caller
 * (the performance capability) has made its own.
 */
export async function indicatorFigures(db: Db, councilId: string, period: Period): Promise<IndicatorFigures> {
  const checked = checkedPeriod(period);
  const [stageRows, totals] = await Promise.all([repo.stages(db, councilId, checked), repo.totals(db, councilId, checked)]);
  const stage = (number: StageNumber) => {
    const figures = stageFigures(stageRows.find((row) => row.stage === number));
    return {
      answered: figures.answered,
      respondedInTime: figures.respondedInTime,
      percentRespondedInTime: figures.percentRespondedInTime,
      justified: figures.justified,
      percentJustified: figures.percentJustified,
    };
  };
  const { answered, average, satisfied, percentSatisfied } = satisfactionOf(totals);
  return { stages: { 1: stage(1), 2: stage(2) }, satisfaction: { answered, average, satisfied, percentSatisfied } };
}

// The CSV cell is the platform's, shared with every other download (and named here as before).
export { csvCell };

type CsvRow = [section: string, item: string, value: string | number | null];

/** Percentages and averages as the page shows them, to one decimal place; empty when not known. */
const decimal = (value: number | null): string | null => (value === null ? null : value.toFixed(1));

/** The figures as `section,item,value` rows, one per figure or breakdown line. */
export function figuresAsRows(figures: ComplaintFigures): CsvRow[] {
  const rows: CsvRow[] = [
    ['period', 'from', figures.period.from],
    ['period', 'to', figures.period.to],
    ['period', 'last_day', lastDayOf(figures.period)],
    ['received', 'complaints', figures.received.complaints],
    ['received', 'compliments', figures.received.compliments],
    ['received', 'comments', figures.received.comments],
    ['stage_reached', 'stage_1', figures.stageReached.stage1],
    ['stage_reached', 'stage_2', figures.stageReached.stage2],
    ['stage_reached', 'ombudsman', figures.stageReached.ombudsman],
  ];
  for (const number of [1, 2] as const) {
    const stage = figures.stages[number];
    const section = `stage_${number}`;
    rows.push(
      [section, 'started', stage.started],
      [section, 'answered', stage.answered],
      ...OUTCOMES.map((outcome): CsvRow => [section, outcome, stage.byOutcome[outcome]]),
      [section, 'justified', stage.justified],
      [section, 'percent_justified', decimal(stage.percentJustified)],
      [section, 'acknowledged_in_time', stage.acknowledgedInTime],
      [section, 'percent_acknowledged_in_time', decimal(stage.percentAcknowledgedInTime)],
      [section, 'answered_in_time', stage.respondedInTime],
      [section, 'percent_answered_in_time', decimal(stage.percentRespondedInTime)],
      [section, 'average_working_days', decimal(stage.averageWorkingDays)],
      [section, 'extended', stage.extended],
      [section, 'maladministration', stage.maladministration],
      [section, 'service_failure', stage.serviceFailure],
    );
  }
  rows.push(
    ['escalation', 'stage_2_requested', figures.escalation.stage2],
    ['escalation', 'stage_1_answered', figures.escalation.stage1Answered],
    ['escalation', 'percent_escalated', decimal(figures.escalation.percent)],
    ['ombudsman', 'referrals', figures.ombudsman.referrals],
    ['ombudsman', 'decisions', figures.ombudsman.decisions],
    ...OMBUDSMAN_OUTCOMES.map((outcome): CsvRow => ['ombudsman', outcome, figures.ombudsman.byOutcome[outcome]]),
    ['ombudsman', 'maladministration', figures.ombudsman.maladministration],
    ['ombudsman', 'service_failure', figures.ombudsman.serviceFailure],
    ['council_findings', 'maladministration', figures.councilFindings.maladministration],
    ['council_findings', 'service_failure', figures.councilFindings.serviceFailure],
    ...REMEDY_KINDS.map((kind): CsvRow => ['remedies', kind, figures.remedies.byKind[kind]]),
    ['remedies', 'payments_total_pounds', (figures.remedies.paymentsPence / 100).toFixed(2)],
    ['remedies', 'complaints_remedied', figures.remedies.complaintsRemedied],
    ['satisfaction', 'answered', figures.satisfaction.answered],
    ['satisfaction', 'average', decimal(figures.satisfaction.average)],
    ['satisfaction', 'satisfied', figures.satisfaction.satisfied],
    ['satisfaction', 'percent_satisfied', decimal(figures.satisfaction.percentSatisfied)],
    ['learning', 'open', figures.learning.open],
    ['learning', 'overdue', figures.learning.overdue],
    ['learning', 'completed', figures.learning.completed],
    ...figures.byService.map((line): CsvRow => ['by_service', line.name ?? '(none)', line.complaints]),
    ...figures.byTeam.map((line): CsvRow => ['by_team', line.name ?? '(none)', line.complaints]),
    ...figures.byCategory.map((line): CsvRow => ['by_category', line.category ?? '(none)', line.complaints]),
  );
  return rows;
}

export function toCsv(rows: CsvRow[]): string {
  const lines = [['section', 'item', 'value'], ...rows].map((row) => row.map(csvCell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export interface MonitoringDependencies {
  now?: () => Date;
}

export function createComplaintMonitoring(db: Db, dependencies: MonitoringDependencies = {}) {
  const now = dependencies.now ?? (() => new Date());

  function councilOf(actor: Actor, given?: string): string {
    if (actor.kind !== 'system') return actor.councilId;
    if (!given) throw new Invalid([{ field: 'council', message: 'complaints.errors.councilUnknown' }]);
    return given;
  }

  async function figures(actor: Actor, period: { from?: string; to?: string }, options: { council?: string } = {}) {
    const councilId = councilOf(actor, options.council);
    complaintPolicy.authorize(actor, 'monitor', { councilId });
    return await complaintFigures(db, councilId, checkedPeriod(period), todayInLondon(now()));
  }

  return {
    /** The period shown when none is asked for: this financial year to date. */
    defaultPeriod: (): Period => financialYearToDate(now()),

    figures,

    /** The figures as a CSV file, with its name. */
    async csv(actor: Actor, period: { from?: string; to?: string }, options: { council?: string } = {}) {
      const shown = await figures(actor, period, options);
      return {
        fileName: `complaint-figures-${shown.period.from}-to-${lastDayOf(shown.period)}.csv`,
        // A byte order mark, so that spreadsheets read the names' accents (ŵ, ŷ) as UTF-8.
        content: `\uFEFF${toCsv(figuresAsRows(shown))}`,
      };
    },
  };
}

export type ComplaintMonitoring = ReturnType<typeof createComplaintMonitoring>;
