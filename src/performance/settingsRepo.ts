// SQL for what the council keeps about its indicators: targets per indicator and period, the
// indicators kept by hand and their values, and the action tracker.
import { sql } from 'kysely';
import type { Queryable } from '../db/database.ts';
import type { Direction, Unit } from './indicators.ts';
import type { Period } from './repo.ts';

export interface TargetRecord {
  id: string;
  indicator: string;
  periodFrom: string;
  periodTo: string;
  target: number | null;
  tolerance: number | null;
  benchmark: number | null;
  previousActual: number | null;
  estimatedOutturn: number | null;
  owner: string | null;
  comment: string | null;
}

const numberOrNull = (value: string | number | null): number | null => (value === null ? null : Number(value));

/**
 * Each indicator's target for the period: the one set for the narrowest period that covers it
 * (a year's target serves a four-month report within the year unless that report has its own).
 */
export async function targetsFor(db: Queryable, councilId: string, period: Period): Promise<Map<string, TargetRecord>> {
  const rows = await db
    .selectFrom('performance_targets')
    .selectAll()
    .where('council_id', '=', councilId)
    .where('period_from', '<=', period.from)
    .where('period_to', '>=', period.to)
    .orderBy(sql`period_to - period_from`, 'desc')
    .execute();
  const targets = new Map<string, TargetRecord>();
  // Narrowest last, so it is the one kept.
  for (const row of rows)
    targets.set(row.indicator, {
      id: row.id,
      indicator: row.indicator,
      periodFrom: row.period_from,
      periodTo: row.period_to,
      target: numberOrNull(row.target),
      tolerance: numberOrNull(row.tolerance),
      benchmark: numberOrNull(row.benchmark),
      previousActual: numberOrNull(row.previous_actual),
      estimatedOutturn: numberOrNull(row.estimated_outturn),
      owner: row.owner,
      comment: row.comment,
    });
  return targets;
}

export interface ManualValue {
  indicatorId: string;
  code: string;
  name: string;
  unit: Unit;
  direction: Direction;
  definition: string;
  /** The value entered for the period (exactly this period), or null when none has been. */
  value: number | null;
  evidence: string | null;
  note: string | null;
}

/** The council's active manual indicators, each with its value for exactly this period where entered. */
export async function manualValuesFor(db: Queryable, councilId: string, period: Period): Promise<ManualValue[]> {
  const rows = await db
    .selectFrom('performance_manual_indicators as i')
    .leftJoin('performance_manual_values as v', (join) =>
      join.onRef('v.indicator_id', '=', 'i.id').on('v.period_from', '=', period.from).on('v.period_to', '=', period.to),
    )
    .select([
      'i.id as indicatorId',
      'i.code',
      'i.name',
      'i.unit',
      'i.direction',
      'i.definition',
      'v.value',
      'v.evidence',
      'v.note',
    ])
    .where('i.council_id', '=', councilId)
    .where('i.active', '=', true)
    .orderBy('i.name')
    .execute();
  return rows.map((row) => ({ ...row, value: numberOrNull(row.value) }));
}

// ---- Keeping the settings (the pages for performance analysts) ----

/** The targets set for exactly this period, by indicator. */
export async function targetsForExactly(db: Queryable, councilId: string, period: Period): Promise<Map<string, TargetRecord>> {
  const rows = await db
    .selectFrom('performance_targets')
    .selectAll()
    .where('council_id', '=', councilId)
    .where('period_from', '=', period.from)
    .where('period_to', '=', period.to)
    .execute();
  return new Map(rows.map((row) => [row.indicator, targetRecord(row)]));
}

function targetRecord(row: {
  id: string;
  indicator: string;
  period_from: string;
  period_to: string;
  target: string | null;
  tolerance: string | null;
  benchmark: string | null;
  previous_actual: string | null;
  estimated_outturn: string | null;
  owner: string | null;
  comment: string | null;
}): TargetRecord {
  return {
    id: row.id,
    indicator: row.indicator,
    periodFrom: row.period_from,
    periodTo: row.period_to,
    target: numberOrNull(row.target),
    tolerance: numberOrNull(row.tolerance),
    benchmark: numberOrNull(row.benchmark),
    previousActual: numberOrNull(row.previous_actual),
    estimatedOutturn: numberOrNull(row.estimated_outturn),
    owner: row.owner,
    comment: row.comment,
  };
}

/** One indicator's target for exactly this period, locked for the change about to be made to it. */
export async function lockTarget(
  db: Queryable,
  councilId: string,
  indicator: string,
  period: Period,
): Promise<TargetRecord | undefined> {
  const row = await db
    .selectFrom('performance_targets')
    .selectAll()
    .where('council_id', '=', councilId)
    .where('indicator', '=', indicator)
    .where('period_from', '=', period.from)
    .where('period_to', '=', period.to)
    .forUpdate()
    .executeTakeFirst();
  return row ? targetRecord(row) : undefined;
}

export type TargetValues = {
  target: number | null;
  tolerance: number | null;
  benchmark: number | null;
  previousActual: number | null;
  estimatedOutturn: number | null;
  owner: string | null;
  comment: string | null;
};

/** Sets an indicator's target for the period, one row per council, indicator and period. */
export async function upsertTarget(
  db: Queryable,
  key: { councilId: string; indicator: string; period: Period },
  values: TargetValues,
  updatedBy: string | null,
): Promise<string> {
  const columns = {
    target: values.target,
    tolerance: values.tolerance,
    benchmark: values.benchmark,
    previous_actual: values.previousActual,
    estimated_outturn: values.estimatedOutturn,
    owner: values.owner,
    comment: values.comment,
    updated_by: updatedBy,
  };
  const row = await db
    .insertInto('performance_targets')
    .values({
      council_id: key.councilId,
      indicator: key.indicator,
      period_from: key.period.from,
      period_to: key.period.to,
      ...columns,
    })
    .onConflict((conflict) => conflict.columns(['council_id', 'indicator', 'period_from', 'period_to']).doUpdateSet(columns))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface ManualIndicatorRecord {
  id: string;
  councilId: string;
  code: string;
  name: string;
  unit: Unit;
  direction: Direction;
  definition: string;
  active: boolean;
}

const manualIndicatorColumns = [
  'id',
  'council_id as councilId',
  'code',
  'name',
  'unit',
  'direction',
  'definition',
  'active',
] as const;

/** The council's manual indicators, those in use first, each by name. */
export async function manualIndicators(db: Queryable, councilId: string): Promise<ManualIndicatorRecord[]> {
  return await db
    .selectFrom('performance_manual_indicators')
    .select(manualIndicatorColumns)
    .where('council_id', '=', councilId)
    .orderBy('active', 'desc')
    .orderBy('name')
    .execute();
}

export async function findManualIndicator(db: Queryable, id: string): Promise<ManualIndicatorRecord | undefined> {
  return await db
    .selectFrom('performance_manual_indicators')
    .select(manualIndicatorColumns)
    .where('id', '=', id)
    .executeTakeFirst();
}

/** The codes the council's manual indicators already use. */
export async function manualIndicatorCodes(db: Queryable, councilId: string): Promise<Set<string>> {
  const rows = await db.selectFrom('performance_manual_indicators').select('code').where('council_id', '=', councilId).execute();
  return new Set(rows.map((row) => row.code));
}

/** Adds a manual indicator; undefined when the council already has one with the code. */
export async function insertManualIndicator(
  db: Queryable,
  indicator: Omit<ManualIndicatorRecord, 'id' | 'active'>,
): Promise<string | undefined> {
  const row = await db
    .insertInto('performance_manual_indicators')
    .values({
      council_id: indicator.councilId,
      code: indicator.code,
      name: indicator.name,
      unit: indicator.unit,
      direction: indicator.direction,
      definition: indicator.definition,
    })
    .onConflict((conflict) => conflict.columns(['council_id', 'code']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

export async function updateManualIndicator(
  db: Queryable,
  id: string,
  changes: Partial<Pick<ManualIndicatorRecord, 'name' | 'unit' | 'direction' | 'definition' | 'active'>>,
): Promise<void> {
  await db.updateTable('performance_manual_indicators').set(changes).where('id', '=', id).execute();
}

export interface ManualValueRecord {
  id: string;
  periodFrom: string;
  periodTo: string;
  value: number;
  evidence: string;
  note: string | null;
  enteredByName: string | null;
  updatedAt: Date;
}

/** The values entered for a manual indicator, the latest period first. */
export async function manualValuesOf(db: Queryable, indicatorId: string): Promise<ManualValueRecord[]> {
  const rows = await db
    .selectFrom('performance_manual_values as v')
    .leftJoin('staff_users as u', 'u.id', 'v.entered_by')
    .select([
      'v.id',
      'v.period_from as periodFrom',
      'v.period_to as periodTo',
      'v.value',
      'v.evidence',
      'v.note',
      'u.name as enteredByName',
      'v.updated_at as updatedAt',
    ])
    .where('v.indicator_id', '=', indicatorId)
    .orderBy('v.period_from', 'desc')
    .orderBy('v.period_to', 'desc')
    .execute();
  return rows.map((row) => ({ ...row, value: Number(row.value) }));
}

/** A manual indicator's value for exactly this period, locked for the change about to be made to it. */
export async function lockManualValue(
  db: Queryable,
  indicatorId: string,
  period: Period,
): Promise<{ id: string; value: number; evidence: string; note: string | null } | undefined> {
  const row = await db
    .selectFrom('performance_manual_values')
    .select(['id', 'value', 'evidence', 'note'])
    .where('indicator_id', '=', indicatorId)
    .where('period_from', '=', period.from)
    .where('period_to', '=', period.to)
    .forUpdate()
    .executeTakeFirst();
  return row ? { ...row, value: Number(row.value) } : undefined;
}

/** Sets a manual indicator's value for the period, one row per indicator and period. */
export async function upsertManualValue(
  db: Queryable,
  key: { indicatorId: string; period: Period },
  values: { value: number; evidence: string; note: string | null },
  enteredBy: string | null,
): Promise<string> {
  const columns = { value: values.value, evidence: values.evidence, note: values.note, entered_by: enteredBy };
  const row = await db
    .insertInto('performance_manual_values')
    .values({ indicator_id: key.indicatorId, period_from: key.period.from, period_to: key.period.to, ...columns })
    .onConflict((conflict) => conflict.columns(['indicator_id', 'period_from', 'period_to']).doUpdateSet(columns))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export const ACTION_STATUSES = ['not_started', 'on_track', 'at_risk', 'done'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

export interface ActionRecord {
  id: string;
  councilId: string;
  indicator: string | null;
  title: string;
  progress: string;
  issues: string;
  owner: string;
  dueOn: string;
  status: ActionStatus;
  updatedAt: Date;
}

const actionColumns = [
  'id',
  'council_id as councilId',
  'indicator',
  'title',
  'progress',
  'issues',
  'owner',
  'due_on as dueOn',
  'status',
  'updated_at as updatedAt',
] as const;

/** The council's actions: open ones first, by when they are due, then those done. */
export async function actionsOf(db: Queryable, councilId: string): Promise<ActionRecord[]> {
  return await db
    .selectFrom('performance_actions')
    .select(actionColumns)
    .where('council_id', '=', councilId)
    .orderBy(sql`status = 'done'`)
    .orderBy('due_on')
    .orderBy('title')
    .execute();
}

export async function findAction(db: Queryable, id: string, options: { lock?: boolean } = {}): Promise<ActionRecord | undefined> {
  let query = db.selectFrom('performance_actions').select(actionColumns).where('id', '=', id);
  if (options.lock) query = query.forUpdate();
  return await query.executeTakeFirst();
}

export type ActionValues = Pick<ActionRecord, 'indicator' | 'title' | 'progress' | 'issues' | 'owner' | 'dueOn' | 'status'>;

const actionRow = (values: ActionValues) => ({
  indicator: values.indicator,
  title: values.title,
  progress: values.progress,
  issues: values.issues,
  owner: values.owner,
  due_on: values.dueOn,
  status: values.status,
});

export async function insertAction(
  db: Queryable,
  councilId: string,
  values: ActionValues,
  createdBy: string | null,
): Promise<string> {
  const row = await db
    .insertInto('performance_actions')
    .values({ council_id: councilId, created_by: createdBy, ...actionRow(values) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateAction(db: Queryable, id: string, values: ActionValues): Promise<void> {
  await db.updateTable('performance_actions').set(actionRow(values)).where('id', '=', id).execute();
}
