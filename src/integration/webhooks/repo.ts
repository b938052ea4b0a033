// SQL for webhooks: subscriptions, the fan-out of domain events into deliveries, the sender's
// claims and outcomes, the sweep, and what the administrators' pages read.
import { sql } from 'kysely';
import type { Db, Queryable, Tx } from '../../db/database.ts';
import { organisationScopeCondition, type OrganisationScope } from '../../db/organisationScope.ts';
import type { WebhookDeliveryStatus } from '../../db/schema.ts';
import { jobTablesPresent } from '../../platform/jobs.ts';

export interface SubscriptionRecord {
  id: string;
  organisationId: string;
  organisationName: string;
  /** The organisation's council (null when it is itself a council), for the policy. */
  organisationCouncilId: string | null;
  name: string;
  url: string;
  eventTypes: string[];
  status: 'active' | 'paused';
  pausedReason: 'failures' | 'administrator' | null;
  pausedAt: Date | null;
  consecutiveFailures: number;
  lastDeliveryAt: Date | null;
  lastDeliveryOutcome: 'delivered' | 'failed' | null;
  secretRotatedAt: Date | null;
  createdByName: string | null;
  createdAt: Date;
}

function subscriptions(db: Queryable) {
  return db
    .selectFrom('webhook_subscriptions')
    .innerJoin('organisations', 'organisations.id', 'webhook_subscriptions.organisation_id')
    .leftJoin('staff_users', 'staff_users.id', 'webhook_subscriptions.created_by')
    .select([
      'webhook_subscriptions.id',
      'webhook_subscriptions.organisation_id as organisationId',
      'organisations.name as organisationName',
      'organisations.council_id as organisationCouncilId',
      'webhook_subscriptions.name',
      'webhook_subscriptions.url',
      'webhook_subscriptions.event_types as eventTypes',
      'webhook_subscriptions.status',
      'webhook_subscriptions.paused_reason as pausedReason',
      'webhook_subscriptions.paused_at as pausedAt',
      'webhook_subscriptions.consecutive_failures as consecutiveFailures',
      'webhook_subscriptions.last_delivery_at as lastDeliveryAt',
      'webhook_subscriptions.last_delivery_outcome as lastDeliveryOutcome',
      'webhook_subscriptions.secret_rotated_at as secretRotatedAt',
      'staff_users.name as createdByName',
      'webhook_subscriptions.created_at as createdAt',
    ])
    .where('webhook_subscriptions.deleted_at', 'is', null);
}

export async function findOrganisationPlacement(
  db: Queryable,
  id: string,
): Promise<{ id: string; councilId: string | null; active: boolean } | undefined> {
  return await db
    .selectFrom('organisations')
    .select(['id', 'council_id as councilId', 'active'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function findSubscription(db: Queryable, id: string): Promise<SubscriptionRecord | undefined> {
  return await subscriptions(db).where('webhook_subscriptions.id', '=', id).executeTakeFirst();
}

/** Newest first; at most 500 (an organisation has a handful). */
export async function listSubscriptions(db: Queryable, scope: OrganisationScope | 'all'): Promise<SubscriptionRecord[]> {
  return await subscriptions(db)
    .where(organisationScopeCondition(scope, 'webhook_subscriptions.organisation_id'))
    .orderBy('webhook_subscriptions.created_at', 'desc')
    .limit(500)
    .execute();
}

export async function insertSubscription(
  db: Queryable,
  value: { organisationId: string; name: string; url: string; eventTypes: string[]; secret: string; createdBy: string | null },
): Promise<string> {
  const { id } = await db
    .insertInto('webhook_subscriptions')
    .values({
      organisation_id: value.organisationId,
      name: value.name,
      url: value.url,
      event_types: value.eventTypes,
      secret: value.secret,
      paused_reason: null,
      created_by: value.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

/** Pauses a live, active subscription; false if it was not active. */
export async function pauseSubscription(db: Queryable, id: string, reason: 'failures' | 'administrator'): Promise<boolean> {
  const result = await db
    .updateTable('webhook_subscriptions')
    .set({ status: 'paused', paused_reason: reason, paused_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Makes a paused subscription active again, its count of failures cleared; false if it was not paused. */
export async function resumeSubscription(db: Queryable, id: string): Promise<boolean> {
  const result = await db
    .updateTable('webhook_subscriptions')
    .set({ status: 'active', paused_reason: null, paused_at: null, consecutive_failures: 0 })
    .where('id', '=', id)
    .where('status', '=', 'paused')
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function replaceSecret(db: Queryable, id: string, secret: string): Promise<void> {
  await db
    .updateTable('webhook_subscriptions')
    .set({ secret, secret_rotated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .execute();
}

/** Deletes a subscription as far as anyone can see: its secret is forgotten, its waiting deliveries cancelled. */
export async function deleteSubscription(db: Queryable, id: string): Promise<boolean> {
  const result = await db
    .updateTable('webhook_subscriptions')
    .set({ deleted_at: sql<Date>`now()`, secret: null, status: 'paused', paused_reason: 'administrator' })
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) return false;
  await db
    .updateTable('webhook_deliveries')
    .set({ status: 'cancelled' })
    .where('subscription_id', '=', id)
    .where('status', 'in', ['pending', 'held'])
    .execute();
  return true;
}

/**
 * The held deliveries of a subscription made pending again, each with a new job id (and whether
 * pg-boss's tables exist, for enqueuing them); at most `limit`.
 */
export async function releaseHeldDeliveries(
  db: Queryable,
  subscriptionId: string,
  limit: number,
): Promise<{ id: string; jobId: string; jobTablesPresent: boolean }[]> {
  return await db
    .updateTable('webhook_deliveries')
    .set({ status: 'pending', job_id: sql<string>`gen_random_uuid()`, queued_at: sql<Date>`now()` })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('subscription_id', '=', subscriptionId)
        .where('status', '=', 'held')
        .orderBy('queued_at')
        .limit(limit),
    )
    .returning(['id', 'job_id as jobId', jobTablesPresent().as('jobTablesPresent')])
    .execute();
}

// --- The fan-out ---

export interface EventToFanOut {
  id: string;
  councilId: string;
  organisationId: string | null;
  type: string;
  /** When it was recorded (not when it happened, which may be a day given by staff). */
  recordedAt: Date;
  fannedOutAt: Date | null;
  /** Whether pg-boss's tables exist, asked in the same query: the deliveries' jobs are enqueued with it. */
  jobTablesPresent: boolean;
}

/** The event, locked against a second fan-out running at the same time. */
export async function lockEvent(trx: Tx, id: string): Promise<EventToFanOut | undefined> {
  return await trx
    .selectFrom('domain_events')
    .select([
      'id',
      'council_id as councilId',
      'organisation_id as organisationId',
      'type',
      'created_at as recordedAt',
      'fanned_out_at as fannedOutAt',
      jobTablesPresent().as('jobTablesPresent'),
    ])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/**
 * One delivery for each live subscription that wants the event: those of its council, and of the
 * partner agency working the record. Subscriptions made after it was recorded do not hear of it; paused
 * ones have theirs held until they are resumed. Returns the deliveries made now (none made twice).
 */
export async function insertDeliveries(
  trx: Tx,
  event: EventToFanOut,
): Promise<{ id: string; jobId: string; status: WebhookDeliveryStatus }[]> {
  const organisations = [event.councilId, ...(event.organisationId ? [event.organisationId] : [])];
  const wanting = await trx
    .selectFrom('webhook_subscriptions')
    .select(['id', 'organisation_id', 'status'])
    .where('organisation_id', 'in', organisations)
    .where('deleted_at', 'is', null)
    .where(sql<boolean>`${event.type} = any(event_types)`)
    .where('created_at', '<=', event.recordedAt)
    .execute();
  if (wanting.length === 0) return [];
  return await trx
    .insertInto('webhook_deliveries')
    .values(
      wanting.map((subscription) => {
        const id = crypto.randomUUID();
        return {
          id,
          job_id: id,
          subscription_id: subscription.id,
          event_id: event.id,
          organisation_id: subscription.organisation_id,
          event_type: event.type,
          status: subscription.status === 'paused' ? ('held' as const) : ('pending' as const),
        };
      }),
    )
    .onConflict((conflict) => conflict.columns(['event_id', 'subscription_id']).doNothing())
    .returning(['id', 'job_id as jobId', 'status'])
    .execute();
}

export async function markFannedOut(trx: Tx, eventId: string): Promise<void> {
  await trx
    .updateTable('domain_events')
    .set({ fanned_out_at: sql<Date>`now()` })
    .where('id', '=', eventId)
    .execute();
}

// --- Sending ---

export interface DeliveryToSend {
  id: string;
  /** Including this one. */
  attempts: number;
  subscriptionId: string;
  organisationId: string;
  url: string;
  secret: string;
  event: { id: string; type: string; occurredAt: Date; data: Record<string, unknown> };
}

export type Claim =
  | { kind: 'send'; delivery: DeliveryToSend }
  /** Nothing to send: delivered, failed or cancelled already, held, or another worker has it. */
  | { kind: 'skip' };

/**
 * Takes a delivery for an attempt: marks it `sending` and counts the attempt. A delivery left
 * `sending` longer than `staleSeconds` (its worker died) may be taken again. A delivery whose
 * subscription is paused is held; one whose subscription was deleted is cancelled.
 */
export async function claimDelivery(db: Db, id: string, staleSeconds: number): Promise<Claim> {
  return await db.transaction().execute(async (trx): Promise<Claim> => {
    const row = await trx
      .selectFrom('webhook_deliveries')
      .innerJoin('webhook_subscriptions', 'webhook_subscriptions.id', 'webhook_deliveries.subscription_id')
      .select([
        'webhook_deliveries.status',
        'webhook_deliveries.subscription_id as subscriptionId',
        sql<boolean>`webhook_deliveries.claimed_at < now() - make_interval(secs => ${staleSeconds})`.as('stale'),
        'webhook_subscriptions.status as subscriptionStatus',
        'webhook_subscriptions.deleted_at as deletedAt',
      ])
      .where('webhook_deliveries.id', '=', id)
      .forUpdate('webhook_deliveries')
      .skipLocked()
      .executeTakeFirst();
    if (!row) return { kind: 'skip' };
    if (row.status !== 'pending' && !(row.status === 'sending' && row.stale)) return { kind: 'skip' };
    if (row.deletedAt !== null || row.subscriptionStatus === 'paused') {
      await trx
        .updateTable('webhook_deliveries')
        .set({ status: row.deletedAt !== null ? 'cancelled' : 'held', claimed_at: null })
        .where('id', '=', id)
        .execute();
      return { kind: 'skip' };
    }
    const claimed = await trx
      .updateTable('webhook_deliveries')
      .set({ status: 'sending', attempts: sql<number>`attempts + 1`, claimed_at: sql<Date>`now()` })
      .where('id', '=', id)
      .returning(['attempts', 'event_id', 'organisation_id'])
      .executeTakeFirstOrThrow();
    const detail = await trx
      .selectFrom('domain_events')
      .innerJoin('webhook_subscriptions', (join) => join.on('webhook_subscriptions.id', '=', row.subscriptionId))
      .select([
        'domain_events.id',
        'domain_events.type',
        'domain_events.occurred_at as occurredAt',
        'domain_events.data',
        'webhook_subscriptions.url',
        'webhook_subscriptions.secret',
      ])
      .where('domain_events.id', '=', claimed.event_id)
      .executeTakeFirstOrThrow();
    return {
      kind: 'send',
      delivery: {
        id,
        attempts: claimed.attempts,
        subscriptionId: row.subscriptionId,
        organisationId: claimed.organisation_id,
        url: detail.url,
        secret: detail.secret ?? '',
        event: { id: detail.id, type: detail.type, occurredAt: detail.occurredAt, data: detail.data },
      },
    };
  });
}

export interface AttemptRecord {
  deliveryId: string;
  outcome: 'delivered' | 'failed';
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseExcerpt: string | null;
}

export async function insertAttempt(trx: Tx, attempt: AttemptRecord): Promise<void> {
  await trx
    .insertInto('webhook_attempts')
    .values({
      delivery_id: attempt.deliveryId,
      outcome: attempt.outcome,
      status_code: attempt.statusCode,
      duration_ms: attempt.durationMs,
      error: attempt.error,
      response_excerpt: attempt.responseExcerpt,
    })
    .execute();
}

/** The attempt's end: delivered, back to pending for pg-boss's retry, or failed for good. */
export async function settleDelivery(
  trx: Tx,
  id: string,
  outcome: { status: 'delivered' | 'pending' | 'failed'; statusCode: number | null; error: string | null },
): Promise<void> {
  await trx
    .updateTable('webhook_deliveries')
    .set({
      status: outcome.status,
      claimed_at: null,
      last_status_code: outcome.statusCode,
      last_error: outcome.error,
      ...(outcome.status === 'delivered' ? { delivered_at: sql<Date>`now()` } : {}),
    })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .execute();
}

/** The subscription, locked, for the pause rule. */
export async function lockSubscriptionState(
  trx: Tx,
  id: string,
): Promise<{ status: 'active' | 'paused'; consecutiveFailures: number; organisationId: string; name: string } | undefined> {
  return await trx
    .selectFrom('webhook_subscriptions')
    .select(['status', 'consecutive_failures as consecutiveFailures', 'organisation_id as organisationId', 'name'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function recordSubscriptionOutcome(
  trx: Tx,
  id: string,
  outcome: { lastOutcome: 'delivered' | 'failed'; consecutiveFailures?: number; pause?: boolean },
): Promise<void> {
  await trx
    .updateTable('webhook_subscriptions')
    .set({
      last_delivery_at: sql<Date>`now()`,
      last_delivery_outcome: outcome.lastOutcome,
      ...(outcome.consecutiveFailures !== undefined ? { consecutive_failures: outcome.consecutiveFailures } : {}),
      ...(outcome.pause ? { status: 'paused', paused_reason: 'failures', paused_at: sql<Date>`now()` } : {}),
    })
    .where('id', '=', id)
    .execute();
}

// --- The sweep ---

/** Deliveries waiting (or left mid-attempt) since longer than `olderThanSeconds` ago, oldest first. */
export async function waitingDeliveries(
  db: Queryable,
  olderThanSeconds: number,
  limit: number,
): Promise<{ id: string; jobId: string }[]> {
  return await db
    .selectFrom('webhook_deliveries')
    .select(['id', 'job_id as jobId'])
    .where('status', 'in', ['pending', 'sending'])
    .where('queued_at', '<', sql<Date>`now() - make_interval(secs => ${olderThanSeconds})`)
    .orderBy('queued_at')
    .limit(limit)
    .execute();
}

/** Gives a waiting delivery a new job id (its old job is finished), unless it has stopped waiting. */
export async function renewJobId(db: Queryable, id: string): Promise<string | undefined> {
  const row = await db
    .updateTable('webhook_deliveries')
    .set({ job_id: sql<string>`gen_random_uuid()`, status: 'pending', claimed_at: null })
    .where('id', '=', id)
    .where('status', 'in', ['pending', 'sending'])
    .returning('job_id')
    .executeTakeFirst();
  return row?.job_id;
}

/** Events not yet fanned out since longer than `olderThanSeconds` ago, oldest first. */
export async function eventsNotFannedOut(db: Queryable, olderThanSeconds: number, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('domain_events')
    .select('id')
    .where('fanned_out_at', 'is', null)
    .where('occurred_at', '<', sql<Date>`now() - make_interval(secs => ${olderThanSeconds})`)
    .orderBy('occurred_at')
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}

// --- The administrators' pages ---

export interface DeliveryView {
  id: string;
  eventId: string;
  eventType: string;
  subject: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
  attemptList: {
    attemptedAt: Date;
    outcome: 'delivered' | 'failed';
    statusCode: number | null;
    durationMs: number;
    error: string | null;
    responseExcerpt: string | null;
  }[];
}

/** A subscription's most recent deliveries, newest first, each with its attempts in order. */
export async function recentDeliveries(db: Queryable, subscriptionId: string, limit = 25): Promise<DeliveryView[]> {
  const deliveries = await db
    .selectFrom('webhook_deliveries')
    .innerJoin('domain_events', 'domain_events.id', 'webhook_deliveries.event_id')
    .select([
      'webhook_deliveries.id',
      'webhook_deliveries.event_id as eventId',
      'webhook_deliveries.event_type as eventType',
      'domain_events.subject',
      'webhook_deliveries.status',
      'webhook_deliveries.attempts',
      'webhook_deliveries.last_status_code as lastStatusCode',
      'webhook_deliveries.last_error as lastError',
      'webhook_deliveries.created_at as createdAt',
      'webhook_deliveries.delivered_at as deliveredAt',
    ])
    .where('webhook_deliveries.subscription_id', '=', subscriptionId)
    .orderBy('webhook_deliveries.created_at', 'desc')
    .orderBy('webhook_deliveries.id', 'desc')
    .limit(limit)
    .execute();
  if (deliveries.length === 0) return [];
  const attempts = await db
    .selectFrom('webhook_attempts')
    .select([
      'delivery_id as deliveryId',
      'attempted_at as attemptedAt',
      'outcome',
      'status_code as statusCode',
      'duration_ms as durationMs',
      'error',
      'response_excerpt as responseExcerpt',
    ])
    .where(
      'delivery_id',
      'in',
      deliveries.map((delivery) => delivery.id),
    )
    .orderBy('attempted_at')
    .orderBy('id')
    .execute();
  return deliveries.map((delivery) => ({
    ...delivery,
    attemptList: attempts
      .filter((attempt) => attempt.deliveryId === delivery.id)
      .map(({ deliveryId: _deliveryId, ...attempt }) => attempt),
  }));
}
