// The indicators for a period: each computed one counted from the roll-ups (or, for complaints
// and appointments, from their capabilities' own figures), each kept by hand read as entered,
// and beside each the council's target, tolerance, benchmark, previous actual, estimated outturn,
// owner and comment for the period, with its Red/Amber/Green status.
import type { Db } from '../db/database.ts';
import { appointmentFigures } from '../appointments/figures.ts';
import { indicatorFigures } from '../complaints/monitoring.ts';
import type { Actor } from '../platform/actor.ts';
import { Invalid, type FieldError } from '../platform/errors.ts';
import { isCalendarDate } from '../platform/forms.ts';
import type { ScheduledJob } from '../platform/jobs.ts';
import { addCalendarDays, londonDate } from '../services/calendar.ts';
import {
  COMPUTED_INDICATORS,
  appointmentIndicators,
  caseIndicators,
  complaintIndicators,
  contactIndicators,
  ragCounts,
  ragOf,
  type Direction,
  type Measured,
  type Part,
  type Rag,
  type Unit,
} from './indicators.ts';
import { performancePolicy } from './policy.ts';
import * as repo from './repo.ts';
import * as settings from './settingsRepo.ts';

export type { Period } from './repo.ts';

/** The longest period one report covers. */
export const MAX_PERIOD_DAYS = 3 * 366;

export interface IndicatorLine {
  code: string;
  kind: 'computed' | 'manual';
  /** A manual indicator's name as the council gave it; computed ones are named in the locales. */
  name: string | null;
  unit: Unit;
  direction: Direction;
  /** The actual for the period (so far, while it runs); null when not known. */
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  breakdown: Part[];
  target: number | null;
  tolerance: number | null;
  benchmark: number | null;
  previousActual: number | null;
  estimatedOutturn: number | null;
  owner: string | null;
  comment: string | null;
  /** Judged on the estimated outturn while the period runs (when one is given), else on the value. */
  rag: Rag;
  /** For a manual indicator: what the value rests on, and a note. */
  evidence: string | null;
  note: string | null;
}

export interface IndicatorReport {
  period: repo.Period;
  /** The period has not ended yet: the values are so far. */
  running: boolean;
  items: IndicatorLine[];
  counts: Record<Rag, number>;
}

/** Checks a period given as London days (`to` not counted). */
export function checkedPeriod(period: { from?: string; to?: string }): repo.Period {
  const problems: FieldError[] = [];
  const from = period.from ?? '';
  const to = period.to ?? '';
  if (!isCalendarDate(from)) problems.push({ field: 'from', message: 'performance.errors.dateInvalid' });
  if (!isCalendarDate(to)) problems.push({ field: 'to', message: 'performance.errors.dateInvalid' });
  else if (isCalendarDate(from) && to <= from) problems.push({ field: 'to', message: 'performance.errors.periodBackwards' });
  else if (isCalendarDate(from) && to > addCalendarDays(from, MAX_PERIOD_DAYS))
    problems.push({ field: 'to', message: 'performance.errors.periodTooLong', params: { max: MAX_PERIOD_DAYS } });
  if (problems.length > 0) throw new Invalid(problems);
  return { from, to };
}

/** Every computed indicator for the council's period, counted. */
export async function computedIndicators(db: Db, councilId: string, period: repo.Period, now: Date): Promise<Measured[]> {
  const [contacts, cases, open, complaints, appointments] = await Promise.all([
    repo.contactRows(db, councilId, period),
    repo.caseTotals(db, councilId, period),
    repo.openCasesByDay(db, councilId),
    indicatorFigures(db, councilId, period),
    appointmentFigures(db, councilId, period, now),
  ]);
  const measured = [
    ...contactIndicators(contacts),
    ...caseIndicators(cases, open, londonDate(now)),
    ...complaintIndicators({
      stages: complaints.stages,
      satisfaction: { answered: complaints.satisfaction.answered, satisfied: complaints.satisfaction.satisfied },
    }),
    ...appointmentIndicators({
      measured: appointments.total.seenMeasured,
      withinTarget: appointments.total.seenWithinTarget,
    }),
  ];
  // In the order the indicators are defined.
  return COMPUTED_INDICATORS.map(({ code }) => measured.find((indicator) => indicator.code === code)!);
}

export function createPerformanceService(db: Db, dependencies: { now?: () => Date } = {}) {
  const now = dependencies.now ?? (() => new Date());

  return {
    /** The indicators, targets and statuses for a period (from and to as London days, `to` not counted). */
    async indicators(actor: Actor, query: { from?: string; to?: string; council?: string }): Promise<IndicatorReport> {
      const councilId = actor.kind === 'system' ? query.council : actor.councilId;
      if (!councilId) throw new Invalid([{ field: 'council', message: 'performance.errors.councilUnknown' }]);
      performancePolicy.authorize(actor, 'read', { councilId });
      const period = checkedPeriod(query);
      const at = now();
      const running = londonDate(at) < period.to;
      const [computed, targets, manual] = await Promise.all([
        computedIndicators(db, councilId, period, at),
        settings.targetsFor(db, councilId, period),
        settings.manualValuesFor(db, councilId, period),
      ]);
      const line = (
        base: Omit<
          IndicatorLine,
          'target' | 'tolerance' | 'benchmark' | 'previousActual' | 'estimatedOutturn' | 'owner' | 'comment' | 'rag'
        >,
      ): IndicatorLine => {
        const target = targets.get(base.code);
        const estimatedOutturn = target?.estimatedOutturn ?? null;
        const judged = running && estimatedOutturn !== null ? estimatedOutturn : base.value;
        return {
          ...base,
          target: target?.target ?? null,
          tolerance: target?.tolerance ?? null,
          benchmark: target?.benchmark ?? null,
          previousActual: target?.previousActual ?? null,
          estimatedOutturn,
          owner: target?.owner ?? null,
          comment: target?.comment ?? null,
          rag: ragOf(judged, { target: target?.target ?? null, tolerance: target?.tolerance ?? null, direction: base.direction }),
        };
      };
      const items = [
        ...computed.map((measured) => {
          const definition = COMPUTED_INDICATORS.find((indicator) => indicator.code === measured.code)!;
          return line({
            ...measured,
            kind: 'computed',
            name: null,
            unit: definition.unit,
            direction: definition.direction,
            evidence: null,
            note: null,
          });
        }),
        ...manual.map((indicator) =>
          line({
            code: indicator.code,
            kind: 'manual',
            name: indicator.name,
            unit: indicator.unit,
            direction: indicator.direction,
            value: indicator.value,
            numerator: null,
            denominator: null,
            breakdown: [],
            evidence: indicator.evidence,
            note: indicator.note,
          }),
        ),
      ];
      return { period, running, items, counts: ragCounts(items.map((item) => item.rag)) };
    },

    /** Folds the roll-ups' deltas (the job does this every minute; readers never need to wait for it). */
    async foldRollups() {
      return await repo.foldRollups(db);
    },
  };
}

export type PerformanceService = ReturnType<typeof createPerformanceService>;

export function performanceJobs(performance: PerformanceService): ScheduledJob[] {
  return [{ name: 'performance.rollups', cron: '* * * * *', run: () => performance.foldRollups() }];
}
