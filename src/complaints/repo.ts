// Complaints' SQL: the complaint, its stages, remedies, learning actions and timeline.
import { sql } from 'kysely';
import type { Queryable } from '../db/database.ts';
import type { ComplaintEventsTable } from '../db/schema.ts';
import type {
  ComplaintCategory,
  ComplaintKind,
  ComplaintOutcome,
  ComplaintStatus,
  OmbudsmanOutcome,
  RemedyKind,
  StageNumber,
  StageState,
} from './workflow.ts';

export type EventKind = ComplaintEventsTable['kind'];

export interface NewComplaint {
  councilId: string;
  reference: string;
  kind: ComplaintKind;
  customerId: string | null;
  channel: string;
  category: ComplaintCategory | null;
  serviceId: string | null;
  teamId: string | null;
  description: string;
  outcomeWanted: string | null;
  adjustments: string | null;
  ombudsmanScheme: 'lgsco' | 'housing';
  stage: StageNumber | null;
  receivedAt: Date;
  submissionKey: string | null;
  createdBy: string | null;
  createdByApiKey: string | null;
}

/** Inserts the complaint; undefined when its reference is taken (draw another). */
export async function insertComplaint(db: Queryable, value: NewComplaint): Promise<string | undefined> {
  const row = await db
    .insertInto('complaints')
    .values({
      council_id: value.councilId,
      reference: value.reference,
      kind: value.kind,
      customer_id: value.customerId,
      channel: value.channel,
      category: value.category,
      service_id: value.serviceId,
      team_id: value.teamId,
      description: value.description,
      outcome_wanted: value.outcomeWanted,
      adjustments: value.adjustments,
      ombudsman_scheme: value.ombudsmanScheme,
      stage: value.stage,
      status: 'open',
      received_at: value.receivedAt,
      submission_key: value.submissionKey,
      created_by: value.createdBy,
      created_by_api_key: value.createdByApiKey,
    })
    .onConflict((conflict) => conflict.column('reference').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

export interface NewStage {
  complaintId: string;
  councilId: string;
  stage: StageNumber;
  receivedAt: Date;
  acknowledgeBy: Date;
  respondBy: Date;
  handlerId?: string | null;
}

export async function insertStage(db: Queryable, value: NewStage): Promise<void> {
  await db
    .insertInto('complaint_stages')
    .values({
      complaint_id: value.complaintId,
      council_id: value.councilId,
      stage: value.stage,
      received_at: value.receivedAt,
      acknowledge_by: value.acknowledgeBy,
      respond_by: value.respondBy,
      handler_id: value.handlerId ?? null,
    })
    .execute();
}

export interface StageChange {
  acknowledgedAt?: Date;
  respondBy?: Date;
  extension?: { to: Date; days: number; reason: string; at: Date };
  handlerId?: string | null;
  response?: {
    at: Date;
    by: string | null;
    outcome: ComplaintOutcome;
    maladministration: boolean;
    serviceFailure: boolean;
    summary: string | null;
    acknowledgedInTime: boolean;
    respondedInTime: boolean;
    workingDaysTaken: number;
  };
}

export async function updateStage(db: Queryable, complaintId: string, stage: StageNumber, change: StageChange): Promise<void> {
  await db
    .updateTable('complaint_stages')
    .set({
      ...(change.acknowledgedAt ? { acknowledged_at: change.acknowledgedAt } : {}),
      ...(change.respondBy ? { respond_by: change.respondBy } : {}),
      ...(change.extension
        ? {
            extended_to: change.extension.to,
            extension_days: change.extension.days,
            extension_reason: change.extension.reason,
            extended_at: change.extension.at,
          }
        : {}),
      ...(change.handlerId !== undefined ? { handler_id: change.handlerId } : {}),
      ...(change.response
        ? {
            responded_at: change.response.at,
            responded_by: change.response.by,
            outcome: change.response.outcome,
            maladministration: change.response.maladministration,
            service_failure: change.response.serviceFailure,
            response_summary: change.response.summary,
            acknowledged_in_time: change.response.acknowledgedInTime,
            responded_in_time: change.response.respondedInTime,
            working_days_taken: change.response.workingDaysTaken,
          }
        : {}),
    })
    .where('complaint_id', '=', complaintId)
    .where('stage', '=', stage)
    .execute();
}

export interface ComplaintChange {
  stage?: StageNumber;
  status?: ComplaintStatus;
  closedAt?: Date | null;
  ombudsmanReferral?: { at: Date; reference: string | null };
  ombudsmanDecision?: { at: Date; outcome: OmbudsmanOutcome; maladministration: boolean; serviceFailure: boolean };
  satisfaction?: { score: number; at: Date };
}

export async function updateComplaint(db: Queryable, id: string, change: ComplaintChange): Promise<void> {
  await db
    .updateTable('complaints')
    .set({
      ...(change.stage ? { stage: change.stage } : {}),
      ...(change.status ? { status: change.status } : {}),
      ...(change.closedAt !== undefined ? { closed_at: change.closedAt } : {}),
      ...(change.ombudsmanReferral
        ? { ombudsman_referred_at: change.ombudsmanReferral.at, ombudsman_reference: change.ombudsmanReferral.reference }
        : {}),
      ...(change.ombudsmanDecision
        ? {
            ombudsman_decided_at: change.ombudsmanDecision.at,
            ombudsman_outcome: change.ombudsmanDecision.outcome,
            ombudsman_maladministration: change.ombudsmanDecision.maladministration,
            ombudsman_service_failure: change.ombudsmanDecision.serviceFailure,
          }
        : {}),
      ...(change.satisfaction ? { satisfaction: change.satisfaction.score, satisfaction_at: change.satisfaction.at } : {}),
    })
    .where('id', '=', id)
    .execute();
}

export interface NewEvent {
  complaintId: string;
  councilId: string;
  kind: EventKind;
  stage?: StageNumber | null;
  body?: string | null;
  actor: { type: 'staff' | 'api_key' | 'system'; id: string | null; label: string | null };
  details?: Record<string, unknown>;
  occurredAt?: Date;
}

export async function insertEvents(db: Queryable, events: NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db
    .insertInto('complaint_events')
    .values(
      events.map((event) => ({
        complaint_id: event.complaintId,
        council_id: event.councilId,
        kind: event.kind,
        stage: event.stage ?? null,
        body: event.body ?? null,
        actor_type: event.actor.type,
        actor_id: event.actor.id,
        actor_label: event.actor.label,
        details: event.details ? JSON.stringify(event.details) : null,
        ...(event.occurredAt ? { occurred_at: event.occurredAt } : {}),
      })),
    )
    .execute();
}

export interface StageRecord extends StageState {
  handlerName: string | null;
  respondedByName: string | null;
  extensionDays: number | null;
  extensionReason: string | null;
  maladministration: boolean | null;
  serviceFailure: boolean | null;
  responseSummary: string | null;
  acknowledgedInTime: boolean | null;
  respondedInTime: boolean | null;
  workingDaysTaken: number | null;
}

/** A complaint as its page and the API show it, with its stages in order. */
export interface ComplaintRecord {
  id: string;
  councilId: string;
  reference: string;
  kind: ComplaintKind;
  status: ComplaintStatus;
  stage: StageNumber | null;
  channel: string;
  category: ComplaintCategory | null;
  customer: { id: string; displayName: string } | null;
  service: { id: string; code: string; name: string } | null;
  team: { id: string; name: string } | null;
  description: string;
  outcomeWanted: string | null;
  adjustments: string | null;
  ombudsmanScheme: 'lgsco' | 'housing';
  receivedAt: Date;
  closedAt: Date | null;
  ombudsman: {
    referredAt: Date | null;
    reference: string | null;
    decidedAt: Date | null;
    outcome: OmbudsmanOutcome | null;
    maladministration: boolean | null;
    serviceFailure: boolean | null;
  };
  satisfaction: number | null;
  stages: StageRecord[];
}

function complaintQuery(db: Queryable) {
  return db
    .selectFrom('complaints as c')
    .leftJoin('customers as cu', 'cu.id', 'c.customer_id')
    .leftJoin('services as s', 's.id', 'c.service_id')
    .leftJoin('teams as t', 't.id', 'c.team_id')
    .select([
      'c.id',
      'c.council_id',
      'c.reference',
      'c.kind',
      'c.status',
      'c.stage',
      'c.channel',
      'c.category',
      'c.customer_id',
      sql<string | null>`coalesce(cu.organisation_name, concat_ws(' ', cu.given_name, cu.family_name))`.as('customer_name'),
      'c.service_id',
      's.code as service_code',
      's.name as service_name',
      'c.team_id',
      't.name as team_name',
      'c.description',
      'c.outcome_wanted',
      'c.adjustments',
      'c.ombudsman_scheme',
      'c.received_at',
      'c.closed_at',
      'c.ombudsman_referred_at',
      'c.ombudsman_reference',
      'c.ombudsman_decided_at',
      'c.ombudsman_outcome',
      'c.ombudsman_maladministration',
      'c.ombudsman_service_failure',
      'c.satisfaction',
    ]);
}

export async function stagesOf(db: Queryable, complaintIds: string[]): Promise<Map<string, StageRecord[]>> {
  const stages = new Map<string, StageRecord[]>();
  if (complaintIds.length === 0) return stages;
  const rows = await db
    .selectFrom('complaint_stages as st')
    .leftJoin('staff_users as h', 'h.id', 'st.handler_id')
    .leftJoin('staff_users as r', 'r.id', 'st.responded_by')
    .selectAll('st')
    .select(['h.name as handler_name', 'r.name as responded_by_name'])
    .where('st.complaint_id', 'in', complaintIds)
    .orderBy('st.stage')
    .execute();
  for (const row of rows) {
    const list = stages.get(row.complaint_id) ?? [];
    list.push({
      stage: row.stage,
      receivedAt: row.received_at,
      acknowledgeBy: row.acknowledge_by,
      acknowledgedAt: row.acknowledged_at,
      respondBy: row.respond_by,
      extendedTo: row.extended_to,
      extensionDays: row.extension_days,
      extensionReason: row.extension_reason,
      handlerId: row.handler_id,
      handlerName: row.handler_name,
      respondedAt: row.responded_at,
      respondedBy: row.responded_by,
      respondedByName: row.responded_by_name,
      outcome: row.outcome,
      maladministration: row.maladministration,
      serviceFailure: row.service_failure,
      responseSummary: row.response_summary,
      acknowledgedInTime: row.acknowledged_in_time,
      respondedInTime: row.responded_in_time,
      workingDaysTaken: row.working_days_taken,
    });
    stages.set(row.complaint_id, list);
  }
  return stages;
}

type ComplaintRow = Awaited<ReturnType<ReturnType<typeof complaintQuery>['executeTakeFirstOrThrow']>>;

function toRecord(row: ComplaintRow, stages: StageRecord[]): ComplaintRecord {
  return {
    id: row.id,
    councilId: row.council_id,
    reference: row.reference,
    kind: row.kind,
    status: row.status,
    stage: row.stage,
    channel: row.channel,
    category: row.category as ComplaintCategory | null,
    customer: row.customer_id ? { id: row.customer_id, displayName: row.customer_name ?? '' } : null,
    service:
      row.service_id && row.service_code && row.service_name
        ? { id: row.service_id, code: row.service_code, name: row.service_name }
        : null,
    team: row.team_id && row.team_name ? { id: row.team_id, name: row.team_name } : null,
    description: row.description,
    outcomeWanted: row.outcome_wanted,
    adjustments: row.adjustments,
    ombudsmanScheme: row.ombudsman_scheme,
    receivedAt: row.received_at,
    closedAt: row.closed_at,
    ombudsman: {
      referredAt: row.ombudsman_referred_at,
      reference: row.ombudsman_reference,
      decidedAt: row.ombudsman_decided_at,
      outcome: row.ombudsman_outcome,
      maladministration: row.ombudsman_maladministration,
      serviceFailure: row.ombudsman_service_failure,
    },
    satisfaction: row.satisfaction,
    stages,
  };
}

export async function findComplaint(
  db: Queryable,
  by: { reference: string } | { id: string } | { submissionKey: string },
): Promise<ComplaintRecord | undefined> {
  let query = complaintQuery(db);
  if ('reference' in by) query = query.where('c.reference', '=', by.reference);
  else if ('id' in by) query = query.where('c.id', '=', by.id);
  else query = query.where('c.submission_key', '=', by.submissionKey);
  const row = await query.executeTakeFirst();
  if (!row) return undefined;
  const stages = await stagesOf(db, [row.id]);
  return toRecord(row, stages.get(row.id) ?? []);
}

/** The complaint row locked for a change, so two changes to one complaint queue up rather than cross. */
export async function lockComplaint(db: Queryable, id: string): Promise<void> {
  await db.selectFrom('complaints').select('id').where('id', '=', id).forUpdate().executeTakeFirstOrThrow();
}

export interface ListFilter {
  kind?: ComplaintKind;
  status?: ComplaintStatus;
  teamId?: string;
  customerId?: string;
}

export const LIST_PAGE_SIZE = 50;

/**
 * A council's complaints, compliments and comments, open ones due soonest first, then the newest.
 * `next` is the offset of the next page, or null.
 */
export async function listComplaints(db: Queryable, councilId: string, filter: ListFilter, offset = 0) {
  let query = complaintQuery(db)
    .leftJoin('complaint_stages as cur', (join) => join.onRef('cur.complaint_id', '=', 'c.id').onRef('cur.stage', '=', 'c.stage'))
    .select(
      sql<Date | null>`case when c.status = 'open' and cur.responded_at is null
        then case when cur.acknowledged_at is null then cur.acknowledge_by else coalesce(cur.extended_to, cur.respond_by) end end`.as(
        'next_due',
      ),
    )
    .where('c.council_id', '=', councilId);
  if (filter.kind) query = query.where('c.kind', '=', filter.kind);
  if (filter.status) query = query.where('c.status', '=', filter.status);
  if (filter.teamId) query = query.where('c.team_id', '=', filter.teamId);
  if (filter.customerId) query = query.where('c.customer_id', '=', filter.customerId);
  const rows = await query
    .orderBy(sql`case when c.status = 'open' then 0 else 1 end`)
    .orderBy(sql`next_due asc nulls last`)
    .orderBy('c.received_at', 'desc')
    .orderBy('c.id')
    .limit(LIST_PAGE_SIZE + 1)
    .offset(offset)
    .execute();
  const page = rows.slice(0, LIST_PAGE_SIZE);
  const stages = await stagesOf(
    db,
    page.map((row) => row.id),
  );
  return {
    items: page.map((row) => ({ ...toRecord(row, stages.get(row.id) ?? []), nextDue: row.next_due })),
    next: rows.length > LIST_PAGE_SIZE ? offset + LIST_PAGE_SIZE : null,
  };
}

export async function complaintEvents(db: Queryable, complaintId: string) {
  return await db
    .selectFrom('complaint_events')
    .select(['id', 'kind', 'stage', 'body', 'actor_type', 'actor_label', 'details', 'occurred_at'])
    .where('complaint_id', '=', complaintId)
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

export async function insertRemedy(
  db: Queryable,
  value: {
    complaintId: string;
    councilId: string;
    stage: StageNumber | null;
    kind: RemedyKind;
    description: string;
    amountPence: number | null;
    createdBy: string | null;
  },
): Promise<string> {
  const row = await db
    .insertInto('complaint_remedies')
    .values({
      complaint_id: value.complaintId,
      council_id: value.councilId,
      stage: value.stage,
      kind: value.kind,
      description: value.description,
      amount_pence: value.amountPence,
      created_by: value.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function remediesOf(db: Queryable, complaintId: string) {
  return await db
    .selectFrom('complaint_remedies')
    .select(['id', 'stage', 'kind', 'description', 'amount_pence', 'created_at'])
    .where('complaint_id', '=', complaintId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function insertLearningAction(
  db: Queryable,
  value: {
    complaintId: string;
    councilId: string;
    description: string;
    ownerId: string;
    dueOn: string;
    createdBy: string | null;
  },
): Promise<string> {
  const row = await db
    .insertInto('complaint_learning_actions')
    .values({
      complaint_id: value.complaintId,
      council_id: value.councilId,
      description: value.description,
      owner_id: value.ownerId,
      due_on: value.dueOn,
      created_by: value.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function learningActionsOf(db: Queryable, complaintId: string) {
  return await db
    .selectFrom('complaint_learning_actions as l')
    .innerJoin('staff_users as o', 'o.id', 'l.owner_id')
    .select(['l.id', 'l.description', 'l.owner_id', 'o.name as owner_name', 'l.due_on', 'l.completed_at'])
    .where('l.complaint_id', '=', complaintId)
    .orderBy('l.created_at')
    .orderBy('l.id')
    .execute();
}

/** Marks the action done; false when it is not this complaint's or was done already. */
export async function completeLearningAction(
  db: Queryable,
  complaintId: string,
  id: string,
  by: { at: Date; userId: string | null },
): Promise<boolean> {
  const result = await db
    .updateTable('complaint_learning_actions')
    .set({ completed_at: by.at, completed_by: by.userId })
    .where('id', '=', id)
    .where('complaint_id', '=', complaintId)
    .where('completed_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Active staff of the council's own organisation, by id: who may handle a stage or own a learning action. */
export async function councilStaff(db: Queryable, councilId: string, ids: string[]) {
  if (ids.length === 0) return [];
  return await db
    .selectFrom('staff_users')
    .select(['id', 'name'])
    .where('organisation_id', '=', councilId)
    .where('active', '=', true)
    .where('id', 'in', ids)
    .execute();
}

/** The council's people who can handle complaints: the choices for a handler or an owner. */
export async function complaintHandlers(db: Queryable, councilId: string) {
  return await db
    .selectFrom('staff_users')
    .select(['id', 'name'])
    .where('organisation_id', '=', councilId)
    .where('active', '=', true)
    .where(sql<boolean>`roles && array['complaints_officer', 'team_leader', 'officer']::text[]`)
    .orderBy('name')
    .limit(500)
    .execute();
}

/**
 * Stages waiting for an acknowledgement or a response whose handler has something to be told:
 * a deadline before `remindUntil` not yet reminded of, or one passed by `now` not yet told missed.
 */
export async function stagesToNotify(db: Queryable, now: Date, remindUntil: Date, limit: number) {
  const due = sql<Date>`(case when st.acknowledged_at is null then st.acknowledge_by else coalesce(st.extended_to, st.respond_by) end)`;
  return await db
    .selectFrom('complaint_stages as st')
    .innerJoin('complaints as c', (join) => join.onRef('c.id', '=', 'st.complaint_id').onRef('c.stage', '=', 'st.stage'))
    .leftJoin('staff_users as h', (join) => join.onRef('h.id', '=', 'st.handler_id').on('h.active', '=', true))
    .select([
      'c.id',
      'c.reference',
      'c.council_id',
      'st.stage',
      due.as('due'),
      sql<boolean>`${due} <= ${now}`.as('missed'),
      'h.email as handler_email',
      'h.name as handler_name',
    ])
    .where('c.status', '=', 'open')
    .where('st.responded_at', 'is', null)
    .where(
      sql<boolean>`((${due} <= ${now} and st.missed_for is distinct from ${due})
        or (${due} > ${now} and ${due} <= ${remindUntil} and st.reminded_for is distinct from ${due}))`,
    )
    .orderBy(due)
    .limit(limit)
    .execute();
}

/** Records that the handler was told of the deadline `due`, reminded or told it was missed. */
export async function markNotified(
  db: Queryable,
  complaintId: string,
  stage: StageNumber,
  due: Date,
  missed: boolean,
): Promise<void> {
  await db
    .updateTable('complaint_stages')
    .set(missed ? { missed_for: due } : { reminded_for: due })
    .where('complaint_id', '=', complaintId)
    .where('stage', '=', stage)
    .execute();
}

/** The council's complaints officers, told of deadlines of stages nobody handles yet. */
export async function complaintsOfficers(db: Queryable, councilId: string) {
  return await db
    .selectFrom('staff_users')
    .select(['email', 'name'])
    .where('organisation_id', '=', councilId)
    .where('active', '=', true)
    .where(sql<boolean>`'complaints_officer' = any(roles)`)
    .orderBy('name')
    .execute();
}

/** The team's shared mailbox and name, where compliments and comments about its work are sent. */
export async function teamMailbox(db: Queryable, teamId: string) {
  return await db
    .selectFrom('teams')
    .select(['name', 'email'])
    .where('id', '=', teamId)
    .where('email', 'is not', null)
    .executeTakeFirst();
}
