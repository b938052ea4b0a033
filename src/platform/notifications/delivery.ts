// Sending queued messages: the `notifications.send` worker and a sweep for messages left waiting.
// pg-boss delivers each job at least once, so a message is taken for sending only while it is
// `queued`: a second delivery of the same job finds it `sending` or `sent` and does nothing.
// A message left `sending` by a process that died is sent again only through a sender that
// delivers a message once however often it is sent (the outbox, the directory): then every
// message arrives exactly once. Through GOV.UK Notify or SMTP it is not — OneDoor cannot know
// whether the provider had it — and stays visible in the outbox for staff to check.
import crypto from 'node:crypto';
import type { Db } from '../../db/database.ts';
import { isUuid } from '../ids.ts';
import { enqueue, jobsStillToRun, type QueueWorker, type ScheduledJob } from '../jobs.ts';
import { SEND_QUEUE } from './outbox.ts';
import { claimForSending, recordFailure, recordSent, waitingNotifications } from './repo.ts';
import { PermanentDeliveryError, type NotificationSender } from './senders.ts';

export interface DeliverySettings {
  /** Attempts before a message is failed for good (the first and pg-boss's retries). */
  maxAttempts: number;
  /** The first retry's delay; later ones double. */
  retryDelaySeconds: number;
  retryBackoff: boolean;
  /** A message still queued this long after queueing is enqueued again by the sweep. */
  sweepAfterSeconds: number;
  /**
   * How long one send may take. pg-boss then takes its job for dead and runs it again; a message
   * `sending` for longer was abandoned by its process, and an idempotent sender sends it again.
   */
  sendTimeoutSeconds: number;
  pollingIntervalSeconds?: number;
}

/** Six attempts over about half an hour (30 s, 1, 2, 4 and 8 minutes apart). */
export const DEFAULT_DELIVERY: DeliverySettings = {
  maxAttempts: 6,
  retryDelaySeconds: 30,
  retryBackoff: true,
  sweepAfterSeconds: 300,
  sendTimeoutSeconds: 120,
};

export type DeliveryOutcome = 'sent' | 'skipped' | 'failed';

/**
 * Sends message `id` once. Throws after a transient failure while attempts remain (the message
 * is `queued` again, and the throw makes pg-boss retry the job); a permanent failure, or the last
 * attempt's, leaves it `failed`.
 */
export async function deliverNotification(
  db: Db,
  sender: NotificationSender,
  id: string,
  settings: Pick<DeliverySettings, 'maxAttempts' | 'sendTimeoutSeconds'> = DEFAULT_DELIVERY,
): Promise<DeliveryOutcome> {
  const message = await claimForSending(
    db,
    id,
    sender.idempotent ? { retakeSendingAfterSeconds: settings.sendTimeoutSeconds } : {},
  );
  if (!message) return 'skipped';
  let providerReference: string | null;
  try {
    ({ providerReference } = await sender.send(message));
  } catch (error) {
    const final = error instanceof PermanentDeliveryError || message.attempts >= settings.maxAttempts;
    await recordFailure(db, id, { provider: sender.name, error: describe(error), final });
    if (final) return 'failed';
    throw error;
  }
  await recordSent(db, id, sender.name, providerReference);
  return 'sent';
}

/**
 * Enqueues again every message left waiting (queued while jobs were down, say) and, with
 * `sendingAbandonedAfterSeconds` (for an idempotent sender), every one left `sending` by a process
 * that died and whose job has run out of retries. Safe to run twice.
 */
export async function sweepWaitingNotifications(
  db: Db,
  olderThanSeconds = DEFAULT_DELIVERY.sweepAfterSeconds,
  options: { sendingAbandonedAfterSeconds?: number } = {},
): Promise<number> {
  const ids = await waitingNotifications(db, olderThanSeconds, 1000, options);
  // A message's first job has the message's id; one still to run will send it. A job that has
  // finished (run out of retries, say) keeps that id for a while, so the next is given a new one.
  const live = await jobsStillToRun(db, SEND_QUEUE, ids);
  let enqueued = 0;
  for (const id of ids) {
    if (live.has(id)) continue;
    const jobId =
      (await enqueue(db, SEND_QUEUE, { notificationId: id }, { id })) ??
      (await enqueue(db, SEND_QUEUE, { notificationId: id }, { id: crypto.randomUUID() }));
    if (jobId !== null) enqueued += 1;
  }
  return enqueued;
}

/** The send worker and the sweep, for startJobs. */
export function notificationJobs(
  db: Db,
  sender: NotificationSender,
  settings: DeliverySettings = DEFAULT_DELIVERY,
): { workers: QueueWorker<{ notificationId?: unknown }>[]; scheduled: ScheduledJob[] } {
  return {
    workers: [
      {
        name: SEND_QUEUE,
        retry: { limit: settings.maxAttempts - 1, delaySeconds: settings.retryDelaySeconds, backoff: settings.retryBackoff },
        expireInSeconds: settings.sendTimeoutSeconds,
        ...(settings.pollingIntervalSeconds ? { pollingIntervalSeconds: settings.pollingIntervalSeconds } : {}),
        async handle(data) {
          if (!isUuid(data.notificationId)) return;
          await deliverNotification(db, sender, data.notificationId, settings);
        },
      },
    ],
    scheduled: [
      {
        name: 'notifications.sweep',
        cron: '*/5 * * * *',
        run: () =>
          sweepWaitingNotifications(
            db,
            settings.sweepAfterSeconds,
            sender.idempotent ? { sendingAbandonedAfterSeconds: settings.sendTimeoutSeconds } : {},
          ),
      },
    ],
  };
}

/** An error as the outbox shows it: its message, never a stack, kept short. */
function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 500 ? `${text.slice(0, 499)}…` : text;
}
