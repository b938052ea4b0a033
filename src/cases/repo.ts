// SQL for cases: write a case and its events, read one with what a case page shows, the team
// queue (filtered, sorted and paged in the database, through the partial indexes on open cases),
// nearby open cases for "already reported", and the overdue cases the escalation job picks up.
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Queryable } from '../db/database.ts';
import { boundingBox, type Point } from '../platform/geography.ts';
import type { CaseStatus } from './lifecycle.ts';
import type { Priority } from '../services/routing.ts';

export type EventKind =
  | 'received'
  | 'status_changed'
  | 'public_update'
  | 'internal_note'
  | 'assigned'
  | 'routed'
  | 'escalated'
  | 'linked'
  | 'attachment_added'
  | 'satisfaction'
  | 'customer_message';
export type Visibility = 'public' | 'internal';
export type SlaState = 'on_track' | 'due_soon' | 'overdue';

export interface NewCase {
  councilId: string;
  reference: string;
  trackingToken: string;
  serviceId: string;
  customerId: string | null;
  channel: string;
  description: string;
  answers: Record<string, unknown>;
  location: { lat: number; long: number } | null;
  uprn: number | null;
  ward: string | null;
  status: CaseStatus;
  priority: Priority;
  teamId: string;
  organisationId: string;
  receivedAt: Date;
  dueAt: Date;
  dueSoonAt: Date;
  linkedTo: string | null;
  createdBy: string | null;
  createdByApiKey: string | null;
  /** The portal journey that sent it, so that the same journey sent twice raises one case. */
  submissionKey: string | null;
}

/** Inserts a case; undefined when its reference is already taken (the caller draws another). */
export async function insertCase(db: Queryable, value: NewCase): Promise<string | undefined> {
  const row = await db
    .insertInto('cases')
    .values({
      council_id: value.councilId,
      reference: value.reference,
      tracking_token: value.trackingToken,
      service_id: value.serviceId,
      customer_id: value.customerId,
      channel: value.channel,
      description: value.description,
      answers: JSON.stringify(value.answers),
      location_lat: value.location?.lat ?? null,
      location_long: value.location?.long ?? null,
      uprn: value.uprn,
      ward: value.ward,
      status: value.status,
      priority: value.priority,
      team_id: value.teamId,
      organisation_id: value.organisationId,
      received_at: value.receivedAt,
      due_at: value.dueAt,
      due_soon_at: value.dueSoonAt,
      linked_to: value.linkedTo,
      created_by: value.createdBy,
      created_by_api_key: value.createdByApiKey,
      submission_key: value.submissionKey,
    })
    .onConflict((conflict) => conflict.column('reference').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

export interface NewEvent {
  caseId: string;
  councilId: string;
  kind: EventKind;
  visibility: Visibility;
  body?: string | null;
  statusFrom?: CaseStatus | null;
  statusTo?: CaseStatus | null;
  actor: { type: 'staff' | 'api_key' | 'system' | 'resident'; id: string | null; label: string | null };
  details?: Record<string, unknown> | null;
  occurredAt?: Date;
}

export async function insertEvents(db: Queryable, events: NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db
    .insertInto('case_events')
    .values(
      events.map((event) => ({
        case_id: event.caseId,
        council_id: event.councilId,
        kind: event.kind,
        visibility: event.visibility,
        body: event.body ?? null,
        status_from: event.statusFrom ?? null,
        status_to: event.statusTo ?? null,
        actor_type: event.actor.type,
        actor_id: event.actor.id,
        actor_label: event.actor.label,
        details: event.details ? JSON.stringify(event.details) : null,
        ...(event.occurredAt ? { occurred_at: event.occurredAt } : {}),
      })),
    )
    .execute();
}

/** A case as its page and the API show it. */
export interface CaseRecord {
  id: string;
  councilId: string;
  reference: string;
  trackingToken: string;
  service: { id: string; code: string; name: string; nameCy: string | null };
  customer: { id: string; displayName: string } | null;
  channel: string;
  description: string;
  answers: Record<string, unknown>;
  location: { lat: number; long: number } | null;
  uprn: number | null;
  ward: string | null;
  status: CaseStatus;
  priority: Priority;
  team: { id: string; name: string; nameCy: string | null };
  organisation: { id: string; name: string; kind: 'council' | 'partner' };
  assignedTo: { id: string; name: string } | null;
  receivedAt: Date;
  dueAt: Date;
  dueSoonAt: Date;
  resolvedAt: Date | null;
  closedAt: Date | null;
  escalatedAt: Date | null;
  linkedTo: { id: string; reference: string } | null;
  satisfaction: number | null;
  satisfactionComment: string | null;
  updatedAt: Date;
}

function caseQuery(db: Queryable) {
  return db
    .selectFrom('cases as c')
    .innerJoin('services as s', 's.id', 'c.service_id')
    .innerJoin('teams as t', 't.id', 'c.team_id')
    .innerJoin('organisations as o', 'o.id', 'c.organisation_id')
    .leftJoin('customers as cu', 'cu.id', 'c.customer_id')
    .leftJoin('staff_users as u', 'u.id', 'c.assigned_to')
    .leftJoin('cases as primary_case', 'primary_case.id', 'c.linked_to')
    .select([
      'c.id',
      'c.council_id',
      'c.reference',
      'c.tracking_token',
      'c.service_id',
      's.code as service_code',
      's.name as service_name',
      's.name_cy as service_name_cy',
      'c.customer_id',
      sql<string | null>`coalesce(cu.organisation_name, concat_ws(' ', cu.given_name, cu.family_name))`.as('customer_name'),
      'c.channel',
      'c.description',
      'c.answers',
      'c.location_lat',
      'c.location_long',
      'c.uprn',
      'c.ward',
      'c.status',
      'c.priority',
      'c.team_id',
      't.name as team_name',
      't.name_cy as team_name_cy',
      'c.organisation_id',
      'o.name as organisation_name',
      'o.kind as organisation_kind',
      'c.assigned_to',
      'u.name as assignee_name',
      'c.received_at',
      'c.due_at',
      'c.due_soon_at',
      'c.resolved_at',
      'c.closed_at',
      'c.escalated_at',
      'c.linked_to',
      'primary_case.reference as linked_reference',
      'c.satisfaction',
      'c.satisfaction_comment',
      'c.updated_at',
    ]);
}

type CaseRow = Awaited<ReturnType<ReturnType<typeof caseQuery>['executeTakeFirstOrThrow']>>;

function toRecord(row: CaseRow): CaseRecord {
  return {
    id: row.id,
    councilId: row.council_id,
    reference: row.reference,
    trackingToken: row.tracking_token,
    service: { id: row.service_id, code: row.service_code, name: row.service_name, nameCy: row.service_name_cy },
    customer: row.customer_id ? { id: row.customer_id, displayName: row.customer_name ?? '' } : null,
    channel: row.channel,
    description: row.description,
    answers: row.answers,
    location: row.location_lat !== null && row.location_long !== null ? { lat: row.location_lat, long: row.location_long } : null,
    uprn: row.uprn === null ? null : Number(row.uprn),
    ward: row.ward,
    status: row.status,
    priority: row.priority,
    team: { id: row.team_id, name: row.team_name, nameCy: row.team_name_cy },
    organisation: { id: row.organisation_id, name: row.organisation_name, kind: row.organisation_kind },
    assignedTo: row.assigned_to ? { id: row.assigned_to, name: row.assignee_name ?? '' } : null,
    receivedAt: row.received_at,
    dueAt: row.due_at,
    dueSoonAt: row.due_soon_at,
    resolvedAt: row.resolved_at,
    closedAt: row.closed_at,
    escalatedAt: row.escalated_at,
    linkedTo: row.linked_to ? { id: row.linked_to, reference: row.linked_reference ?? '' } : null,
    satisfaction: row.satisfaction,
    satisfactionComment: row.satisfaction_comment,
    updatedAt: row.updated_at,
  };
}

export async function findCase(
  db: Queryable,
  by: { reference: string } | { id: string } | { trackingToken: string } | { submissionKey: string },
) {
  let query = caseQuery(db);
  if ('reference' in by) query = query.where('c.reference', '=', by.reference);
  else if ('id' in by) query = query.where('c.id', '=', by.id);
  else if ('submissionKey' in by) query = query.where('c.submission_key', '=', by.submissionKey);
  else query = query.where('c.tracking_token', '=', by.trackingToken);
  const row = await query.executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

/** The case row locked for a change, so two changes to one case queue up rather than cross. */
export async function lockCase(db: Queryable, id: string) {
  return await db
    .selectFrom('cases')
    .select(['id', 'council_id', 'status', 'organisation_id', 'team_id', 'assigned_to', 'linked_to', 'resolved_at', 'closed_at'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirstOrThrow();
}

export async function setStatus(db: Queryable, ids: string[], status: CaseStatus, at: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('cases')
    .set({
      status,
      // Resolution and closure times are kept on the way forward and cleared by a reopening.
      resolved_at: status === 'resolved' ? at : status === 'closed' ? sql`coalesce(resolved_at, ${at})` : null,
      closed_at: status === 'closed' ? at : null,
    })
    .where('id', 'in', ids)
    .execute();
}

export async function setAssignee(db: Queryable, ids: string[], userId: string | null): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('cases').set({ assigned_to: userId }).where('id', 'in', ids).execute();
}

/** Cases linked to this one as "already reported", which follow it. */
export async function linkedCases(db: Queryable, id: string) {
  return await db
    .selectFrom('cases')
    .select(['id', 'reference', 'status', 'customer_id', 'council_id', 'tracking_token'])
    .where('linked_to', '=', id)
    .orderBy('received_at')
    .execute();
}

export interface CaseEvent {
  id: string;
  kind: EventKind;
  visibility: Visibility;
  body: string | null;
  statusFrom: CaseStatus | null;
  statusTo: CaseStatus | null;
  actorType: 'staff' | 'api_key' | 'system' | 'resident';
  actorLabel: string | null;
  details: Record<string, unknown> | null;
  occurredAt: Date;
}

export async function caseEvents(db: Queryable, caseId: string, options: { publicOnly?: boolean } = {}): Promise<CaseEvent[]> {
  let query = db
    .selectFrom('case_events')
    .select([
      'id',
      'kind',
      'visibility',
      'body',
      'status_from',
      'status_to',
      'actor_type',
      'actor_label',
      'details',
      'occurred_at',
    ])
    .where('case_id', '=', caseId);
  if (options.publicOnly) query = query.where('visibility', '=', 'public');
  const rows = await query.orderBy('occurred_at', 'desc').orderBy('id', 'desc').limit(500).execute();
  return rows.map((row) => ({
    id: String(row.id),
    kind: row.kind,
    visibility: row.visibility,
    body: row.body,
    statusFrom: row.status_from as CaseStatus | null,
    statusTo: row.status_to as CaseStatus | null,
    actorType: row.actor_type,
    // A resident sees "the council", never the name of the member of staff.
    actorLabel: row.actor_label,
    details: row.details as Record<string, unknown> | null,
    occurredAt: row.occurred_at,
  }));
}

/* ---------- the team queue ---------- */

export const QUEUE_SORTS = ['due', 'received', 'priority'] as const;
export type QueueSort = (typeof QUEUE_SORTS)[number];
export const QUEUE_PAGE_SIZE = 25;
/** Counting stops here: "more than 10,000" is all a queue's reader needs to know. */
export const QUEUE_COUNT_CAP = 10_000;

export interface QueueFilter {
  teamId: string;
  statuses: CaseStatus[];
  serviceIds: string[];
  slaStates: SlaState[];
  wards: string[];
  assignedTo: string | null;
  unassigned: boolean;
}

export interface QueueItem {
  id: string;
  reference: string;
  serviceName: string;
  serviceNameCy: string | null;
  status: CaseStatus;
  priority: Priority;
  ward: string | null;
  customerName: string | null;
  assignee: string | null;
  receivedAt: Date;
  dueAt: Date;
  slaState: SlaState;
  summary: string;
}

function slaStateCondition(state: SlaState, now: Date): Expression<SqlBool> {
  // A resolved case is judged at the time it was resolved; an open one now.
  const at = sql`coalesce(c.resolved_at, ${now}::timestamptz)`;
  switch (state) {
    case 'overdue':
      return sql<SqlBool>`c.due_at <= ${at}`;
    case 'due_soon':
      return sql<SqlBool>`(c.due_soon_at <= ${at} and c.due_at > ${at})`;
    case 'on_track':
      return sql<SqlBool>`c.due_soon_at > ${at}`;
  }
}

export async function queue(
  db: Queryable,
  filter: QueueFilter,
  options: { sort: QueueSort; page: number; now: Date },
): Promise<{ items: QueueItem[]; total: number; capped: boolean }> {
  let query = db
    .selectFrom('cases as c')
    .where('c.team_id', '=', filter.teamId)
    // Always within the partial indexes' predicate, whatever statuses are asked for.
    .where('c.status', '<>', 'closed')
    .where('c.status', 'in', filter.statuses);
  if (filter.serviceIds.length > 0) query = query.where('c.service_id', 'in', filter.serviceIds);
  if (filter.wards.length > 0) query = query.where('c.ward', 'in', filter.wards);
  if (filter.assignedTo) query = query.where('c.assigned_to', '=', filter.assignedTo);
  if (filter.unassigned) query = query.where('c.assigned_to', 'is', null);
  if (filter.slaStates.length > 0 && filter.slaStates.length < 3) {
    const conditions = filter.slaStates.map((state) => slaStateCondition(state, options.now));
    query = query.where(({ or }) => or(conditions));
  }

  const countRow = await db
    .selectFrom(
      query
        .select(sql`1`.as('one'))
        .limit(QUEUE_COUNT_CAP + 1)
        .as('capped'),
    )
    .select(sql<number>`count(*)::int`.as('count'))
    .executeTakeFirstOrThrow();

  // The page's ids first, from the queue index alone (it carries every column the filter tests),
  // then only those 25 rows are read with their service, customer and assignee.
  const keys = query.select(['c.id', 'c.due_at', 'c.received_at', 'c.priority_rank']);
  const page = (
    options.sort === 'received'
      ? keys.orderBy('c.received_at', 'desc').orderBy('c.id', 'desc')
      : options.sort === 'priority'
        ? keys.orderBy('c.priority_rank').orderBy('c.due_at').orderBy('c.received_at').orderBy('c.id')
        : keys.orderBy('c.due_at').orderBy('c.received_at').orderBy('c.id')
  )
    .limit(QUEUE_PAGE_SIZE)
    .offset((options.page - 1) * QUEUE_PAGE_SIZE)
    .as('p');
  let ordered = db
    .selectFrom(page)
    .innerJoin('cases as c', 'c.id', 'p.id')
    .innerJoin('services as s', 's.id', 'c.service_id')
    .leftJoin('customers as cu', 'cu.id', 'c.customer_id')
    .leftJoin('staff_users as u', 'u.id', 'c.assigned_to')
    .select([
      'c.id',
      'c.reference',
      's.name as service_name',
      's.name_cy as service_name_cy',
      'c.status',
      'c.priority',
      'c.ward',
      sql<string | null>`coalesce(cu.organisation_name, concat_ws(' ', cu.given_name, cu.family_name))`.as('customer_name'),
      'u.name as assignee_name',
      'c.received_at',
      'c.due_at',
      'c.due_soon_at',
      'c.resolved_at',
      sql<string>`left(c.description, 120)`.as('summary'),
    ]);
  // Due first, and first come first served among cases due together (as the queue index is ordered).
  if (options.sort === 'received') ordered = ordered.orderBy('p.received_at', 'desc').orderBy('p.id', 'desc');
  else if (options.sort === 'priority')
    ordered = ordered.orderBy('p.priority_rank').orderBy('p.due_at').orderBy('p.received_at').orderBy('p.id');
  else ordered = ordered.orderBy('p.due_at').orderBy('p.received_at').orderBy('p.id');
  const rows = await ordered.execute();

  return {
    total: Math.min(countRow.count, QUEUE_COUNT_CAP),
    capped: countRow.count > QUEUE_COUNT_CAP,
    items: rows.map((row) => {
      const at = row.resolved_at ?? options.now;
      const slaState: SlaState = row.due_at <= at ? 'overdue' : row.due_soon_at <= at ? 'due_soon' : 'on_track';
      return {
        id: row.id,
        reference: row.reference,
        serviceName: row.service_name,
        serviceNameCy: row.service_name_cy,
        status: row.status,
        priority: row.priority,
        ward: row.ward,
        customerName: row.customer_name,
        assignee: row.assignee_name,
        receivedAt: row.received_at,
        dueAt: row.due_at,
        slaState,
        summary: row.summary,
      };
    }),
  };
}

/** What the queue's filter offers: the services and wards of the team's open cases. */
export async function queueFacets(db: Queryable, teamId: string) {
  // A partner agency's team works in the council it serves.
  const councilOfTeam = sql`select coalesce(o.council_id, o.id) from teams t join organisations o on o.id = t.organisation_id where t.id = ${teamId}`;
  const [services, wards] = await Promise.all([
    db
      .selectFrom('services')
      .select(['id', 'name', 'name_cy'])
      .where(({ or, eb, exists, selectFrom }) =>
        or([
          eb('team_id', '=', teamId),
          exists(
            selectFrom('service_routing_rules as r')
              .select(sql`1`.as('one'))
              .whereRef('r.service_id', '=', 'services.id')
              .where('r.team_id', '=', teamId),
          ),
        ]),
      )
      .orderBy('name')
      .execute(),
    // The council's distinct wards, skipping through properties_council_ward_idx one ward at a
    // time (a loose index scan) rather than reading every property of the council.
    sql<{ ward: string }>`
      with recursive wards as (
        (select p.ward from properties p where p.council_id = (${councilOfTeam}) and p.ward is not null order by p.ward limit 1)
        union all
        select (select p.ward from properties p where p.council_id = (${councilOfTeam}) and p.ward > wards.ward order by p.ward limit 1)
        from wards where wards.ward is not null
      )
      select ward from wards where ward is not null`.execute(db),
  ]);
  return { services, wards: wards.rows.map((row) => row.ward) };
}

/** The ids among `ids` that are cases of `teamId` still open (bulk assignment acts on these only). */
export async function casesOfTeam(db: Queryable, teamId: string, ids: string[]) {
  if (ids.length === 0) return [];
  return await db
    .selectFrom('cases')
    .select(['id', 'reference', 'council_id', 'organisation_id', 'assigned_to'])
    .where('team_id', '=', teamId)
    .where('id', 'in', ids)
    .where('status', '<>', 'closed')
    .forUpdate()
    .execute();
}

/* ---------- already reported ---------- */

/**
 * Open cases of a service received since `since` within `metres` of a point: a bounding box
 * through cases_service_recent_idx, then the exact great-circle distance.
 */
export async function openCasesNear(db: Queryable, serviceId: string, point: Point, options: { since: Date; metres: number }) {
  const box = boundingBox(point, options.metres);
  const rows = await db
    .selectFrom('cases')
    .select([
      'id',
      'reference',
      'received_at',
      'status',
      sql<string>`left(description, 200)`.as('summary'),
      sql<number>`(2 * 6371000 * asin(sqrt(
        power(sin(radians(location_lat - ${point.lat}) / 2), 2) +
        cos(radians(${point.lat})) * cos(radians(location_lat)) * power(sin(radians(location_long - ${point.long}) / 2), 2))))::float8`.as(
        'distance',
      ),
    ])
    .where('service_id', '=', serviceId)
    .where('status', 'not in', ['resolved', 'closed'])
    .where('received_at', '>=', options.since)
    .where('linked_to', 'is', null)
    .where('location_lat', '>=', box.minLat)
    .where('location_lat', '<=', box.maxLat)
    .where('location_long', '>=', box.minLong)
    .where('location_long', '<=', box.maxLong)
    .orderBy('received_at', 'desc')
    .limit(20)
    .execute();
  return rows
    .filter((row) => row.distance <= options.metres)
    .sort((a, b) => a.distance - b.distance)
    .map((row) => ({
      id: row.id,
      reference: row.reference,
      receivedAt: row.received_at,
      status: row.status,
      summary: row.summary,
      distanceMetres: Math.round(row.distance),
    }));
}

/* ---------- escalation ---------- */

/** Up to `limit` open overdue cases nobody has escalated, locked so two nodes do not both take one. */
export async function overdueToEscalate(db: Queryable, now: Date, limit: number) {
  return await db
    .selectFrom('cases as c')
    .innerJoin('services as s', 's.id', 'c.service_id')
    .select(['c.id', 'c.reference', 'c.council_id', 'c.team_id', 'c.organisation_id', 'c.due_at', 's.name as service_name'])
    .where('c.status', 'in', ['submitted', 'in_progress', 'awaiting_customer'])
    .where('c.escalated_at', 'is', null)
    .where('c.due_at', '<=', now)
    .orderBy('c.due_at')
    .limit(limit)
    .forUpdate('c')
    .skipLocked()
    .execute();
}

export async function markEscalated(db: Queryable, ids: string[], at: Date): Promise<void> {
  await db.updateTable('cases').set({ escalated_at: at }).where('id', 'in', ids).execute();
}

/** The active team leaders of each of these teams, for escalations. */
export async function teamLeaders(db: Queryable, teamIds: string[]) {
  const rows = await db
    .selectFrom('team_members as m')
    .innerJoin('staff_users as u', 'u.id', 'm.user_id')
    .select(['m.team_id', 'u.id', 'u.name', 'u.email'])
    .where('m.team_id', 'in', teamIds)
    .where('u.active', '=', true)
    .where(sql<SqlBool>`'team_leader' = any(u.roles)`)
    .orderBy('u.name')
    .execute();
  const byTeam = new Map<string, { id: string; name: string; email: string }[]>();
  for (const row of rows) byTeam.set(row.team_id, [...(byTeam.get(row.team_id) ?? []), row]);
  return byTeam;
}

/** The active people of a team, whom its cases may be assigned to. */
export async function teamMembers(db: Queryable, teamId: string) {
  return await db
    .selectFrom('team_members as m')
    .innerJoin('staff_users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.name', 'u.organisation_id'])
    .where('m.team_id', '=', teamId)
    .where('u.active', '=', true)
    .orderBy('u.name')
    .execute();
}

/** The names of staff, by id: for a case's timeline, which records assignments by id. */
export async function staffNames(db: Queryable, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('staff_users').select(['id', 'name']).where('id', 'in', ids).execute();
  return new Map(rows.map((row) => [row.id, row.name]));
}

/** The teams whose queues `organisationId`'s people work. */
export async function teamsOf(db: Queryable, organisationId: string) {
  return await db
    .selectFrom('teams')
    .select(['id', 'code', 'name', 'name_cy', 'organisation_id'])
    .where('organisation_id', '=', organisationId)
    .where('active', '=', true)
    .orderBy('name')
    .execute();
}

export async function teamOfUser(db: Queryable, userId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('team_members as m')
    .innerJoin('teams as t', 't.id', 'm.team_id')
    .select('t.id')
    .where('m.user_id', '=', userId)
    .where('t.active', '=', true)
    .orderBy('t.name')
    .executeTakeFirst();
  return row?.id;
}

/* ---------- attachments ---------- */

export interface Attachment {
  id: string;
  caseId: string;
  fileKey: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  visibility: Visibility;
  uploadedBy: string | null;
  createdAt: Date;
}

export async function insertAttachment(
  db: Queryable,
  value: Omit<Attachment, 'id' | 'createdAt' | 'uploadedBy'> & {
    councilId: string;
    sha256: string;
    uploadedBy: string | null;
    uploadedByApiKey: string | null;
  },
): Promise<string> {
  const row = await db
    .insertInto('case_attachments')
    .values({
      case_id: value.caseId,
      council_id: value.councilId,
      file_key: value.fileKey,
      file_name: value.fileName,
      content_type: value.contentType,
      size_bytes: value.sizeBytes,
      sha256: value.sha256,
      visibility: value.visibility,
      uploaded_by: value.uploadedBy,
      uploaded_by_api_key: value.uploadedByApiKey,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function attachments(db: Queryable, caseId: string, options: { publicOnly?: boolean } = {}): Promise<Attachment[]> {
  let query = db
    .selectFrom('case_attachments as a')
    .leftJoin('staff_users as u', 'u.id', 'a.uploaded_by')
    .select([
      'a.id',
      'a.case_id',
      'a.file_key',
      'a.file_name',
      'a.content_type',
      'a.size_bytes',
      'a.visibility',
      'u.name',
      'a.created_at',
    ])
    .where('a.case_id', '=', caseId);
  if (options.publicOnly) query = query.where('a.visibility', '=', 'public');
  const rows = await query.orderBy('a.created_at').execute();
  return rows.map((row) => ({
    id: row.id,
    caseId: row.case_id,
    fileKey: row.file_key,
    fileName: row.file_name,
    contentType: row.content_type,
    sizeBytes: row.size_bytes,
    visibility: row.visibility,
    uploadedBy: row.name,
    createdAt: row.created_at,
  }));
}

/* ---------- the customer's side ---------- */

/** A customer's cases, newest first, for the customers API (cases_customer_idx). */
export async function casesOfCustomer(db: Queryable, customerId: string, limit = 50) {
  return await db
    .selectFrom('cases as c')
    .innerJoin('services as s', 's.id', 'c.service_id')
    .select([
      'c.reference',
      'c.status',
      's.code as serviceCode',
      's.name as serviceName',
      'c.received_at as receivedAt',
      'c.due_at as dueAt',
    ])
    .where('c.customer_id', '=', customerId)
    .orderBy('c.received_at', 'desc')
    .limit(limit)
    .execute();
}

export async function recordSatisfaction(db: Queryable, id: string, score: number, comment: string | null, at: Date) {
  const result = await db
    .updateTable('cases')
    .set({ satisfaction: score, satisfaction_comment: comment, satisfaction_at: at })
    .where('id', '=', id)
    .where('status', '=', 'closed')
    .where('satisfaction', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// For integrations (Open311): a council's cases by reference, service, time and status, and the
// public updates and status changes on its cases in a time window.

export interface CaseListFilter {
  councilId: string;
  references?: string[];
  serviceCodes?: string[];
  statuses?: CaseStatus[];
  receivedFrom?: Date;
  receivedTo?: Date;
  limit: number;
}

/**
 * The council's cases matching every condition given, newest first (cases_council_received_idx).
 * A list given empty matches no case.
 */
export async function listCases(db: Queryable, filter: CaseListFilter): Promise<CaseRecord[]> {
  if ([filter.references, filter.serviceCodes, filter.statuses].some((list) => list?.length === 0)) return [];
  let query = caseQuery(db).where('c.council_id', '=', filter.councilId);
  if (filter.references) query = query.where('c.reference', 'in', filter.references);
  if (filter.serviceCodes) query = query.where('s.code', 'in', filter.serviceCodes);
  if (filter.statuses) query = query.where('c.status', 'in', filter.statuses);
  if (filter.receivedFrom) query = query.where('c.received_at', '>=', filter.receivedFrom);
  if (filter.receivedTo) query = query.where('c.received_at', '<=', filter.receivedTo);
  const rows = await query.orderBy('c.received_at', 'desc').orderBy('c.id', 'desc').limit(filter.limit).execute();
  return rows.map(toRecord);
}

export interface PublicChange {
  eventId: string;
  caseId: string;
  councilId: string;
  organisationId: string;
  reference: string;
  kind: 'status_changed' | 'public_update';
  body: string | null;
  /** The case's status once this change was made. */
  status: CaseStatus;
  /** The update's own id (an update made through addUpdate), when it has one. */
  updateId: string | null;
  occurredAt: Date;
}

/**
 * Public updates and status changes on the council's cases in [from, to], oldest first
 * (case_events_council_public_idx); only on cases of `serviceCodes`, when given.
 */
export async function publicChanges(
  db: Queryable,
  filter: { councilId: string; from: Date; to: Date; limit: number; serviceCodes?: string[] },
): Promise<PublicChange[]> {
  if (filter.serviceCodes?.length === 0) return [];
  const result = await sql<{
    id: string;
    case_id: string;
    council_id: string;
    organisation_id: string;
    reference: string;
    kind: 'status_changed' | 'public_update';
    body: string | null;
    status: CaseStatus;
    update_id: string | null;
    occurred_at: Date;
  }>`
    select e.id::text as id, e.case_id, e.council_id, c.organisation_id, c.reference, e.kind, e.body,
      coalesce(e.status_to, (
        select previous.status_to from case_events previous
        where previous.case_id = e.case_id and previous.status_to is not null
          and (previous.occurred_at, previous.id) <= (e.occurred_at, e.id)
        order by previous.occurred_at desc, previous.id desc limit 1
      ), c.status) as status,
      e.details ->> 'updateId' as update_id, e.occurred_at
    from case_events e
    join cases c on c.id = e.case_id
    where e.council_id = ${filter.councilId} and e.visibility = 'public'
      and e.kind in ('status_changed', 'public_update')
      ${filter.serviceCodes ? sql`and c.service_id in (select id from services where council_id = ${filter.councilId} and code = any(${filter.serviceCodes}))` : sql``}
      and e.occurred_at >= ${filter.from} and e.occurred_at <= ${filter.to}
    order by e.occurred_at, e.id
    limit ${filter.limit}
  `.execute(db);
  return result.rows.map((row) => ({
    eventId: row.id,
    caseId: row.case_id,
    councilId: row.council_id,
    organisationId: row.organisation_id,
    reference: row.reference,
    kind: row.kind,
    body: row.body,
    status: row.status,
    updateId: row.update_id,
    occurredAt: row.occurred_at,
  }));
}
