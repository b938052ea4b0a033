// SQL the period report reads beside the indicators: the action tracker's rows for the period, the
// council's name for the report's title, and a manual indicator's own definition.
import { sql } from 'kysely';
import type { Queryable } from '../db/database.ts';
import type { Direction, Unit } from './indicators.ts';
import type { Period } from './repo.ts';

export const ACTION_STATUSES = ['not_started', 'on_track', 'at_risk', 'done'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

export interface ActionLine {
  id: string;
  title: string;
  /** The indicator the action is meant to move, if any (a computed indicator's code or a manual one's). */
  indicator: string | null;
  progress: string;
  issues: string;
  owner: string;
  dueOn: string;
  status: ActionStatus;
}

/**
 * The council's actions to report beside a period: every one not yet done, and those done during
 * the period. The tracker keeps no date of completion, so a done action counts in the period in
 * which it was last changed (the change that marked it done, unless edited since).
 */
export async function actionsForPeriod(db: Queryable, councilId: string, period: Period): Promise<ActionLine[]> {
  const { rows } = await sql<ActionLine>`
    select id, title, indicator, progress, issues, owner, to_char(due_on, 'YYYY-MM-DD') as "dueOn", status
    from performance_actions
    where council_id = ${councilId}
      and (status <> 'done'
        or (updated_at >= (${period.from}::date)::timestamp at time zone 'Europe/London'
          and updated_at < (${period.to}::date)::timestamp at time zone 'Europe/London'))
    order by status = 'done', due_on, title, id`.execute(db);
  return rows;
}

/** The council's name in English and, where it has one, Welsh. */
export async function councilName(db: Queryable, councilId: string): Promise<{ name: string; nameCy: string | null }> {
  return await db
    .selectFrom('organisations')
    .select(['name', 'name_cy as nameCy'])
    .where('id', '=', councilId)
    .executeTakeFirstOrThrow();
}

export interface ManualDefinition {
  code: string;
  name: string;
  unit: Unit;
  direction: Direction;
  definition: string;
  active: boolean;
}

/** One of the council's manual indicators by its code, whether still reported or not. */
export async function manualIndicator(db: Queryable, councilId: string, code: string): Promise<ManualDefinition | undefined> {
  return await db
    .selectFrom('performance_manual_indicators')
    .select(['code', 'name', 'unit', 'direction', 'definition', 'active'])
    .where('council_id', '=', councilId)
    .where('code', '=', code)
    .executeTakeFirst();
}
