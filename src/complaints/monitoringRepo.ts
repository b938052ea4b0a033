// Complaint monitoring's SQL: counts and sums over the complaints a council received in a period,
// worked out in PostgreSQL (FILTER and GROUP BY), never by reading rows into JavaScript. Every
// query starts from complaints_council_received_idx (council, received_at) and reaches stages,
// remedies and learning actions through their complaint's key; and the self-assessment's rows.
import { sql, type RawBuilder } from 'kysely';
import type { Queryable } from '../db/database.ts';
import type { ComplaintCategory, StageNumber } from './workflow.ts';

/** London days, YYYY-MM-DD: complaints received from the start of `from` up to the start of `to`. */
export interface Period {
  from: string;
  to: string;
}

/** The complaints (of every kind) the council received in the period, as `c`. */
function receivedIn(councilId: string, period: Period): RawBuilder<unknown> {
  return sql`c.council_id = ${councilId}
    and c.received_at >= (${period.from}::date::timestamp at time zone 'Europe/London')
    and c.received_at < (${period.to}::date::timestamp at time zone 'Europe/London')`;
}

export interface TotalsRow {
  complaints: number;
  compliments: number;
  comments: number;
  /** How far each complaint has gone: still at stage 1, at stage 2, or to the Ombudsman. */
  at_stage_1: number;
  at_stage_2: number;
  referred: number;
  decided: number;
  ombudsman_upheld: number;
  ombudsman_partly_upheld: number;
  ombudsman_not_upheld: number;
  ombudsman_not_investigated: number;
  ombudsman_maladministration: number;
  ombudsman_service_failure: number;
  /** Complaints where the council itself found maladministration (or service failure) at any stage. */
  council_maladministration: number;
  council_service_failure: number;
  satisfaction_answered: number;
  satisfaction_average: number | null;
  satisfied: number;
}

export async function totals(db: Queryable, councilId: string, period: Period): Promise<TotalsRow> {
  const { rows } = await sql<TotalsRow>`
    select
      count(*) filter (where c.kind = 'complaint')::int as complaints,
      count(*) filter (where c.kind = 'compliment')::int as compliments,
      count(*) filter (where c.kind = 'comment')::int as comments,
      count(*) filter (where c.kind = 'complaint' and c.ombudsman_referred_at is null and c.stage = 1)::int as at_stage_1,
      count(*) filter (where c.kind = 'complaint' and c.ombudsman_referred_at is null and c.stage = 2)::int as at_stage_2,
      count(*) filter (where c.ombudsman_referred_at is not null)::int as referred,
      count(*) filter (where c.ombudsman_decided_at is not null)::int as decided,
      count(*) filter (where c.ombudsman_outcome = 'upheld')::int as ombudsman_upheld,
      count(*) filter (where c.ombudsman_outcome = 'partly_upheld')::int as ombudsman_partly_upheld,
      count(*) filter (where c.ombudsman_outcome = 'not_upheld')::int as ombudsman_not_upheld,
      count(*) filter (where c.ombudsman_outcome = 'not_investigated')::int as ombudsman_not_investigated,
      count(*) filter (where c.ombudsman_maladministration)::int as ombudsman_maladministration,
      count(*) filter (where c.ombudsman_service_failure)::int as ombudsman_service_failure,
      count(*) filter (where exists (
        select 1 from complaint_stages s where s.complaint_id = c.id and s.maladministration))::int as council_maladministration,
      count(*) filter (where exists (
        select 1 from complaint_stages s where s.complaint_id = c.id and s.service_failure))::int as council_service_failure,
      count(c.satisfaction) filter (where c.kind = 'complaint')::int as satisfaction_answered,
      (avg(c.satisfaction) filter (where c.kind = 'complaint'))::float8 as satisfaction_average,
      count(*) filter (where c.kind = 'complaint' and c.satisfaction >= 4)::int as satisfied
    from complaints c
    where ${receivedIn(councilId, period)}
  `.execute(db);
  return rows[0]!;
}

export interface StageRow {
  stage: StageNumber;
  started: number;
  answered: number;
  upheld: number;
  partly_upheld: number;
  not_upheld: number;
  acknowledged_in_time: number;
  responded_in_time: number;
  average_working_days: number | null;
  extended: number;
  maladministration: number;
  service_failure: number;
  /** Stage 2 answers given by whoever answered stage 1 (the Code says never). */
  answered_by_stage_one_responder: number;
}

/** Each stage of the period's complaints: those started, answered, and how. */
export async function stages(db: Queryable, councilId: string, period: Period): Promise<StageRow[]> {
  const { rows } = await sql<StageRow>`
    select
      s.stage::int as stage,
      count(*)::int as started,
      count(*) filter (where s.responded_at is not null)::int as answered,
      count(*) filter (where s.outcome = 'upheld')::int as upheld,
      count(*) filter (where s.outcome = 'partly_upheld')::int as partly_upheld,
      count(*) filter (where s.outcome = 'not_upheld')::int as not_upheld,
      count(*) filter (where s.responded_at is not null and s.acknowledged_in_time)::int as acknowledged_in_time,
      count(*) filter (where s.responded_at is not null and s.responded_in_time)::int as responded_in_time,
      (avg(s.working_days_taken) filter (where s.responded_at is not null))::float8 as average_working_days,
      count(*) filter (where s.extended_to is not null)::int as extended,
      count(*) filter (where s.maladministration)::int as maladministration,
      count(*) filter (where s.service_failure)::int as service_failure,
      count(*) filter (where s.stage = 2 and s.responded_by is not null
        and s.responded_by = first.responded_by)::int as answered_by_stage_one_responder
    from complaints c
    join complaint_stages s on s.complaint_id = c.id
    left join complaint_stages first on first.complaint_id = s.complaint_id and first.stage = 1 and s.stage = 2
    where ${receivedIn(councilId, period)} and c.kind = 'complaint'
    group by s.stage
    order by s.stage
  `.execute(db);
  return rows;
}

export interface BreakdownRow {
  /** The service's or team's id; null for complaints not about one. */
  id: string | null;
  name: string | null;
  name_cy: string | null;
  complaints: number;
}

/** The period's complaints by the service they are about, most first. */
export async function byService(db: Queryable, councilId: string, period: Period): Promise<BreakdownRow[]> {
  const { rows } = await sql<BreakdownRow>`
    select c.service_id as id, min(v.name) as name, min(v.name_cy) as name_cy, count(*)::int as complaints
    from complaints c
    left join services v on v.id = c.service_id
    where ${receivedIn(councilId, period)} and c.kind = 'complaint'
    group by c.service_id
    order by complaints desc, (c.service_id is null), name
  `.execute(db);
  return rows;
}

/** The period's complaints by the team that answers for them, most first. */
export async function byTeam(db: Queryable, councilId: string, period: Period): Promise<BreakdownRow[]> {
  const { rows } = await sql<BreakdownRow>`
    select c.team_id as id, min(t.name) as name, min(t.name_cy) as name_cy, count(*)::int as complaints
    from complaints c
    left join teams t on t.id = c.team_id
    where ${receivedIn(councilId, period)} and c.kind = 'complaint'
    group by c.team_id
    order by complaints desc, (c.team_id is null), name
  `.execute(db);
  return rows;
}

export interface CategoryRow {
  category: ComplaintCategory | null;
  complaints: number;
}

export async function byCategory(db: Queryable, councilId: string, period: Period): Promise<CategoryRow[]> {
  const { rows } = await sql<CategoryRow>`
    select c.category, count(*)::int as complaints
    from complaints c
    where ${receivedIn(councilId, period)} and c.kind = 'complaint'
    group by c.category
    order by complaints desc, (c.category is null), c.category
  `.execute(db);
  return rows;
}

export interface RemediesRow {
  apology: number;
  action: number;
  payment: number;
  payments_pence: number;
  /** Complaints with at least one remedy. */
  complaints_remedied: number;
}

/** Remedies for the period's complaints, whichever stage (or the Ombudsman) asked for them. */
export async function remedies(db: Queryable, councilId: string, period: Period): Promise<RemediesRow> {
  const { rows } = await sql<RemediesRow>`
    select
      count(*) filter (where r.kind = 'apology')::int as apology,
      count(*) filter (where r.kind = 'action')::int as action,
      count(*) filter (where r.kind = 'payment')::int as payment,
      coalesce(sum(r.amount_pence), 0)::bigint as payments_pence,
      count(distinct r.complaint_id)::int as complaints_remedied
    from complaints c
    join complaint_remedies r on r.complaint_id = c.id
    where ${receivedIn(councilId, period)}
  `.execute(db);
  return rows[0]!;
}

export interface LearningRow {
  open: number;
  overdue: number;
  completed: number;
}

/** The learning actions the period's complaints led to, as of `today` (a London day). */
export async function learning(db: Queryable, councilId: string, period: Period, today: string): Promise<LearningRow> {
  const { rows } = await sql<LearningRow>`
    select
      count(*) filter (where l.completed_at is null)::int as open,
      count(*) filter (where l.completed_at is null and l.due_on < ${today}::date)::int as overdue,
      count(*) filter (where l.completed_at is not null)::int as completed
    from complaints c
    join complaint_learning_actions l on l.complaint_id = c.id
    where ${receivedIn(councilId, period)}
  `.execute(db);
  return rows[0]!;
}

export interface SelfAssessmentRow {
  requirement: string;
  status: 'met' | 'partly_met' | 'not_met';
  evidence: string | null;
  updated_at: Date;
  updated_by_name: string | null;
}

export async function selfAssessmentAnswers(db: Queryable, councilId: string, year: number): Promise<SelfAssessmentRow[]> {
  return await db
    .selectFrom('complaint_self_assessments as a')
    .leftJoin('staff_users as u', 'u.id', 'a.updated_by')
    .select(['a.requirement', 'a.status', 'a.evidence', 'a.updated_at', 'u.name as updated_by_name'])
    .where('a.council_id', '=', councilId)
    .where('a.year', '=', year)
    .execute();
}

/** The answer saved before, locked until the transaction ends. */
export async function lockSelfAssessmentAnswer(db: Queryable, councilId: string, year: number, requirement: string) {
  return await db
    .selectFrom('complaint_self_assessments')
    .select(['status', 'evidence'])
    .where('council_id', '=', councilId)
    .where('year', '=', year)
    .where('requirement', '=', requirement)
    .forUpdate()
    .executeTakeFirst();
}

export async function saveSelfAssessmentAnswer(
  db: Queryable,
  value: {
    councilId: string;
    year: number;
    requirement: string;
    status: 'met' | 'partly_met' | 'not_met';
    evidence: string | null;
    updatedBy: string | null;
  },
): Promise<void> {
  await db
    .insertInto('complaint_self_assessments')
    .values({
      council_id: value.councilId,
      year: value.year,
      requirement: value.requirement,
      status: value.status,
      evidence: value.evidence,
      updated_by: value.updatedBy,
    })
    .onConflict((conflict) =>
      conflict.columns(['council_id', 'year', 'requirement']).doUpdateSet({
        status: value.status,
        evidence: value.evidence,
        updated_by: value.updatedBy,
      }),
    )
    .execute();
}
