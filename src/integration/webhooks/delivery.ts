// Delivering webhooks: the fan-out of each domain event into one delivery per subscription that
// wants it, the signed POST of each delivery (retried by pg-boss with exponential backoff), the
// pause rule, and a sweep for work whose job was lost. pg-boss delivers each job at least once,
// so each step is idempotent: a delivery exists once per (event, subscription), and is taken for
// an attempt only while it is pending. Receivers may still see a delivery twice (a worker dying
// after the POST and before recording it): they dedupe by the OneDoor-Delivery header.
import type { Db } from '../../db/database.ts';
import { systemActor } from '../../platform/actor.ts';
import { recordAudit } from '../../platform/audit/audit.ts';
import { EVENTS_QUEUE } from '../../platform/events/events.ts';
import { isUuid } from '../../platform/ids.ts';
import { enqueue, jobsStillToRun, type QueueWorker, type ScheduledJob } from '../../platform/jobs.ts';
import * as repo from './repo.ts';
import { DEFAULT_WEBHOOK_DELIVERY, afterDelivery, isLastAttempt, type WebhookDeliverySettings } from './rules.ts';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signatureHeader } from './signing.ts';

/** The pg-boss queue that sends deliveries; its data is `{ deliveryId }`. */
export const SEND_QUEUE = 'webhooks.send';
const EXCERPT_LENGTH = 500;
const SWEEP_BATCH = 1000;

/** Makes the deliveries `eventId` calls for, with their sending jobs, in one transaction. Safe to run twice. */
export async function fanOutEvent(db: Db, eventId: string): Promise<number> {
  return await db.transaction().execute(async (trx) => {
    const event = await repo.lockEvent(trx, eventId);
    if (!event || event.fannedOutAt !== null) return 0;
    const made = await repo.insertDeliveries(trx, event);
    for (const delivery of made)
      if (delivery.status === 'pending')
        await enqueue(
          trx,
          SEND_QUEUE,
          { deliveryId: delivery.id },
          { id: delivery.jobId, jobTablesPresent: event.jobTablesPresent },
        );
    await repo.markFannedOut(trx, event.id);
    return made.length;
  });
}

/** The JSON a receiver is sent: the event's id (the same in every delivery of it), type, time and data. */
export function deliveryBody(event: repo.DeliveryToSend['event']): string {
  return JSON.stringify({ id: event.id, type: event.type, occurredAt: event.occurredAt.toISOString(), data: event.data });
}

export type DeliveryOutcome = 'delivered' | 'failed' | 'skipped';

/** What one POST came to. */
interface Answer {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  excerpt: string | null;
  durationMs: number;
}

async function post(delivery: repo.DeliveryToSend, timeoutMs: number, now: () => Date): Promise<Answer> {
  const body = deliveryBody(delivery.event);
  const timestamp = Math.floor(now().getTime() / 1000);
  const began = performance.now();
  const took = () => Math.round(performance.now() - began);
  try {
    const response = await fetch(delivery.url, {
      method: 'POST',
      // A redirect is a failure, not followed: the receiver's address is the one the administrator gave.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'OneDoor-Webhooks/1',
        [SIGNATURE_HEADER]: signatureHeader(delivery.secret, timestamp, body),
        [EVENT_HEADER]: delivery.event.type,
        [DELIVERY_HEADER]: delivery.id,
      },
      body,
    });
    const excerpt = await excerptOf(response);
    const ok = response.status >= 200 && response.status < 300;
    return { ok, statusCode: response.status, error: ok ? null : `HTTP ${response.status}`, excerpt, durationMs: took() };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    const reason = timedOut ? `timed out after ${Math.round(timeoutMs / 1000)} s` : describe(error);
    return { ok: false, statusCode: null, error: reason, excerpt: null, durationMs: took() };
  }
}

/** The start of the receiver's answer, as text: what the administrators' page shows. */
async function excerptOf(response: Response): Promise<string | null> {
  if (!response.body) return null;
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    while (length < EXCERPT_LENGTH * 4) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      length += value.length;
    }
  } catch {
    // An answer cut short still has its status; the excerpt is what arrived.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const text = Buffer.concat(chunks).toString('utf8').replace(/\s+/g, ' ').trim();
  if (text === '') return null;
  return text.length > EXCERPT_LENGTH ? `${text.slice(0, EXCERPT_LENGTH - 1)}…` : text;
}

/**
 * Makes one attempt at delivery `id`. Throws after a failed attempt while attempts remain (the
 * delivery is pending again, and the throw makes pg-boss retry the job after its backoff); the
 * last failed attempt leaves it `failed` and may pause its subscription.
 */
export async function deliverWebhook(
  db: Db,
  id: string,
  settings: Pick<WebhookDeliverySettings, 'maxAttempts' | 'pauseAfterFailedDeliveries' | 'timeoutMs'> = DEFAULT_WEBHOOK_DELIVERY,
  now: () => Date = () => new Date(),
): Promise<DeliveryOutcome> {
  // A claim older than a worker could take (timeout plus a margin) was left by a worker that died.
  const claim = await repo.claimDelivery(db, id, Math.ceil(settings.timeoutMs / 1000) + 50);
  if (claim.kind === 'skip') return 'skipped';
  const { delivery } = claim;
  const answer = await post(delivery, settings.timeoutMs, now);
  const final = answer.ok || isLastAttempt(delivery.attempts, settings);
  await db.transaction().execute(async (trx) => {
    await repo.insertAttempt(trx, {
      deliveryId: delivery.id,
      outcome: answer.ok ? 'delivered' : 'failed',
      statusCode: answer.statusCode,
      durationMs: answer.durationMs,
      error: answer.error,
      responseExcerpt: answer.excerpt,
    });
    await repo.settleDelivery(trx, delivery.id, {
      status: answer.ok ? 'delivered' : final ? 'failed' : 'pending',
      statusCode: answer.statusCode,
      error: answer.error,
    });
    const subscription = await repo.lockSubscriptionState(trx, delivery.subscriptionId);
    if (!subscription) return;
    if (!final) {
      await repo.recordSubscriptionOutcome(trx, delivery.subscriptionId, { lastOutcome: 'failed' });
      return;
    }
    const rule = afterDelivery(subscription.consecutiveFailures, answer.ok ? 'delivered' : 'failed', settings);
    const pause = rule.pause && subscription.status === 'active';
    await repo.recordSubscriptionOutcome(trx, delivery.subscriptionId, {
      lastOutcome: answer.ok ? 'delivered' : 'failed',
      consecutiveFailures: rule.failedInARow,
      pause,
    });
    if (pause)
      await recordAudit(trx, systemActor('job:webhooks.send'), {
        action: 'webhook.pause',
        organisationId: subscription.organisationId,
        recordType: 'webhook_subscription',
        recordId: delivery.subscriptionId,
        changes: { status: { from: 'active', to: 'paused' } },
        details: { reason: 'failures', failedDeliveriesInARow: rule.failedInARow, name: subscription.name },
      });
  });
  if (answer.ok) return 'delivered';
  if (final) return 'failed';
  throw new Error(`webhook delivery ${delivery.id} failed: ${answer.error ?? 'no answer'}`);
}

/**
 * Enqueues again what waits with no job to run it: deliveries pending (or left mid-attempt) and
 * events not fanned out, each older than `olderThanSeconds` (while jobs were down, say). A job
 * still waiting or retrying keeps its work: the sweep never hurries a backoff. Safe to run twice.
 */
export async function sweepWebhooks(
  db: Db,
  olderThanSeconds = DEFAULT_WEBHOOK_DELIVERY.sweepAfterSeconds,
): Promise<{ deliveries: number; events: number }> {
  let deliveries = 0;
  const waiting = await repo.waitingDeliveries(db, olderThanSeconds, SWEEP_BATCH);
  const running = await jobsStillToRun(
    db,
    SEND_QUEUE,
    waiting.map((delivery) => delivery.jobId),
  );
  for (const delivery of waiting) {
    if (running.has(delivery.jobId)) continue;
    const enqueued = await db.transaction().execute(async (trx) => {
      const jobId = await repo.renewJobId(trx, delivery.id);
      return jobId ? await enqueue(trx, SEND_QUEUE, { deliveryId: delivery.id }, { id: jobId }) : null;
    });
    if (enqueued !== null) deliveries += 1;
  }
  let events = 0;
  const unfanned = await repo.eventsNotFannedOut(db, olderThanSeconds, SWEEP_BATCH);
  const fanning = await jobsStillToRun(db, EVENTS_QUEUE, unfanned);
  for (const eventId of unfanned) {
    if (fanning.has(eventId)) continue;
    // Its first job (id = the event's) has finished without fanning it out: a new one, under a new id.
    if ((await enqueue(db, EVENTS_QUEUE, { eventId }, { id: crypto.randomUUID() })) !== null) events += 1;
  }
  return { deliveries, events };
}

/** The fan-out and send workers and the sweep, for startJobs. */
export function webhookJobs(
  db: Db,
  settings: WebhookDeliverySettings = DEFAULT_WEBHOOK_DELIVERY,
): { workers: QueueWorker<{ eventId?: unknown; deliveryId?: unknown }>[]; scheduled: ScheduledJob[] } {
  const polling = settings.pollingIntervalSeconds ? { pollingIntervalSeconds: settings.pollingIntervalSeconds } : {};
  return {
    workers: [
      {
        name: EVENTS_QUEUE,
        retry: { limit: 5, delaySeconds: settings.retryDelaySeconds, backoff: true },
        expireInSeconds: 60,
        ...polling,
        async handle(data) {
          if (isUuid(data.eventId)) await fanOutEvent(db, data.eventId);
        },
      },
      {
        name: SEND_QUEUE,
        retry: { limit: settings.maxAttempts - 1, delaySeconds: settings.retryDelaySeconds, backoff: settings.retryBackoff },
        // Well beyond the receiver's timeout: a run is never counted as failed while its POST may still succeed.
        expireInSeconds: Math.ceil(settings.timeoutMs / 1000) + 50,
        concurrency: settings.concurrency,
        ...polling,
        async handle(data) {
          if (isUuid(data.deliveryId)) await deliverWebhook(db, data.deliveryId, settings);
        },
      },
    ],
    scheduled: [{ name: 'webhooks.sweep', cron: '* * * * *', run: () => sweepWebhooks(db, settings.sweepAfterSeconds) }],
  };
}

/** An error as the deliveries page shows it: its message (and its cause's), never a stack, kept short. */
function describe(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  const text = `${error instanceof Error ? error.message : String(error)}${cause}`;
  return text.length > 500 ? `${text.slice(0, 499)}…` : text;
}
