// SQL for the live dashboards: each of the council's teams with its open cases counted by SLA
// state now. The counts come from cases_team_queue_idx (team_id, due_at, received_at, id) INCLUDE
// (status, assigned_to, due_soon_at, ...) WHERE status <> 'closed': one index-only scan of each
// team's open cases, never the closed ones, which are most of the table.
import { sql } from 'kysely';
import type { Queryable } from '../db/database.ts';

export interface TeamQueueRow {
  id: string;
  name: string;
  nameCy: string | null;
  /** The person asking is a member of the team. */
  member: boolean;
  open: number;
  onTrack: number;
  dueSoon: number;
  overdue: number;
  unassigned: number;
  /** When the oldest open case was received; null when there is none. */
  oldestReceivedAt: Date | null;
}

function teamQueuesQuery(councilId: string, userId: string, now: Date) {
  return sql<TeamQueueRow>`
    select t.id, t.name, t.name_cy as "nameCy",
      exists (select 1 from team_members m where m.team_id = t.id and m.user_id = ${userId}) as member,
      q.open, q.on_track as "onTrack", q.due_soon as "dueSoon", q.overdue, q.unassigned,
      q.oldest as "oldestReceivedAt"
    from teams t
    cross join lateral (
      select count(*)::int as open,
        (count(*) filter (where c.due_soon_at > ${now}::timestamptz))::int as on_track,
        (count(*) filter (where c.due_soon_at <= ${now}::timestamptz and c.due_at > ${now}::timestamptz))::int as due_soon,
        (count(*) filter (where c.due_at <= ${now}::timestamptz))::int as overdue,
        (count(*) filter (where c.assigned_to is null))::int as unassigned,
        min(c.received_at) as oldest
      from cases c
      -- Within the partial indexes' predicate, then the statuses a queue shows by default.
      where c.team_id = t.id and c.status <> 'closed' and c.status in ('submitted', 'in_progress', 'awaiting_customer')
    ) q
    where t.organisation_id = ${councilId} and t.active
    order by member desc, t.name, t.id`;
}

/**
 * The active teams of the council's own organisation (those whose queues its people open, as the
 * team queue shows them), `userId`'s own teams first, each with its open cases (submitted, in
 * progress or awaiting the customer) judged at `now` as the queue judges them.
 */
export async function teamQueues(db: Queryable, councilId: string, userId: string, now: Date): Promise<TeamQueueRow[]> {
  const { rows } = await teamQueuesQuery(councilId, userId, now).execute(db);
  return rows;
}

/** The plan PostgreSQL chooses for `teamQueues`, for the tests to check that no closed case is read. */
export async function explainTeamQueues(db: Queryable, councilId: string, userId: string, now: Date): Promise<string> {
  const { rows } = await sql<{ 'QUERY PLAN': string }>`explain ${teamQueuesQuery(councilId, userId, now)}`.execute(db);
  return rows.map((row) => row['QUERY PLAN']).join('\n');
}
