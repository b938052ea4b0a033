// The notifications table: queueing (inside the caller's transaction), the sender's claims and
// outcomes, and the outbox's reading.
import { sql } from 'kysely';
import type { Db, Queryable } from '../../db/database.ts';
import type { CompleteLanguage } from '../i18n.ts';
import { isUuid } from '../ids.ts';
import { jobTablesPresent } from '../jobs.ts';
import type { Channel } from './templates.ts';
import type { NotificationStatus, OutboxFilters } from './types.ts';

export interface NewNotification {
  councilId: string;
  event: string;
  channel: Channel;
  recipient: string;
  language: CompleteLanguage;
  template: string;
  personalisation: Record<string, string>;
  subject: string | null;
  body: string;
  recordType: string | null;
  recordId: string | null;
  dedupeKey: string;
}

/** Inserts the message unless one with its dedupe key exists; its id, or undefined if it was there already. */
export async function insertNotification(db: Queryable, message: NewNotification): Promise<string | undefined> {
  return (await insertNotificationForSending(db, message))?.id;
}

/**
 * insertNotification, also answering (in the same round trip) whether pg-boss's tables exist,
 * which `enqueue` needs to know before it queues the sending job on the same transaction.
 */
export async function insertNotificationForSending(
  db: Queryable,
  message: NewNotification,
): Promise<{ id: string; jobTablesPresent: boolean } | undefined> {
  return await db
    .insertInto('notifications')
    .values({
      council_id: message.councilId,
      event: message.event,
      channel: message.channel,
      recipient: message.recipient,
      language: message.language,
      template: message.template,
      personalisation: JSON.stringify(message.personalisation),
      subject: message.subject,
      body: message.body,
      record_type: message.recordType,
      record_id: message.recordId,
      dedupe_key: message.dedupeKey,
    })
    .onConflict((conflict) => conflict.column('dedupe_key').doNothing())
    .returning(['id', jobTablesPresent().as('jobTablesPresent')])
    .executeTakeFirst();
}

/** A message as the sender needs it. */
export interface MessageToSend {
  id: string;
  councilId: string;
  event: string;
  channel: Channel;
  recipient: string;
  language: CompleteLanguage;
  subject: string | null;
  body: string;
  /** Including this one. */
  attempts: number;
}

/**
 * Takes a queued message for sending: marks it `sending` and counts the attempt. Undefined when
 * there is nothing to send — it was sent, failed or cancelled already, another worker holds it
 * this instant, or there is no such message — so a job delivered twice sends once.
 */
export async function claimForSending(
  db: Db,
  id: string,
  options: { retakeSendingAfterSeconds?: number } = {},
): Promise<MessageToSend | undefined> {
  return await db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('notifications')
      .select([
        'id',
        'status',
        sql<boolean>`updated_at < now() - make_interval(secs => ${options.retakeSendingAfterSeconds ?? 0})`.as('stale'),
      ])
      .where('id', '=', id)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    const abandoned = row?.status === 'sending' && options.retakeSendingAfterSeconds !== undefined && row.stale;
    if (row?.status !== 'queued' && !abandoned) return undefined;
    const claimed = await trx
      .updateTable('notifications')
      .set({ status: 'sending', attempts: sql<number>`attempts + 1`, last_error: null })
      .where('id', '=', id)
      .returning(['id', 'council_id', 'event', 'channel', 'recipient', 'language', 'subject', 'body', 'attempts'])
      .executeTakeFirstOrThrow();
    return {
      id: claimed.id,
      councilId: claimed.council_id,
      event: claimed.event,
      channel: claimed.channel,
      recipient: claimed.recipient,
      language: claimed.language,
      subject: claimed.subject,
      body: claimed.body,
      attempts: claimed.attempts,
    };
  });
}

export async function recordSent(db: Db, id: string, provider: string, providerReference: string | null): Promise<void> {
  await db
    .updateTable('notifications')
    .set({ status: 'sent', provider, provider_reference: providerReference, sent_at: sql<Date>`now()`, last_error: null })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .execute();
}

/** A failed attempt: back to `queued` for pg-boss's retry, or `failed` for good. */
export async function recordFailure(
  db: Db,
  id: string,
  outcome: { provider: string; error: string; final: boolean },
): Promise<void> {
  await db
    .updateTable('notifications')
    .set({ status: outcome.final ? 'failed' : 'queued', provider: outcome.provider, last_error: outcome.error })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .execute();
}

/**
 * Messages queued more than `olderThanSeconds` ago and still waiting, oldest first; with
 * `sendingAbandonedAfterSeconds`, also those left `sending` that long (their sender died).
 */
export async function waitingNotifications(
  db: Db,
  olderThanSeconds: number,
  limit: number,
  options: { sendingAbandonedAfterSeconds?: number } = {},
): Promise<string[]> {
  const queued = await db
    .selectFrom('notifications')
    .select(['id', 'queued_at'])
    .where('status', '=', 'queued')
    .where('queued_at', '<', sql<Date>`now() - make_interval(secs => ${olderThanSeconds})`)
    .orderBy('queued_at')
    .limit(limit)
    .execute();
  const abandonedAfter = options.sendingAbandonedAfterSeconds;
  const abandoned =
    abandonedAfter === undefined
      ? []
      : await db
          .selectFrom('notifications')
          .select(['id', 'queued_at'])
          .where('status', '=', 'sending')
          .where('updated_at', '<', sql<Date>`now() - make_interval(secs => ${abandonedAfter})`)
          .orderBy('updated_at')
          .limit(limit)
          .execute();
  return [...queued, ...abandoned]
    .sort((a, b) => a.queued_at.getTime() - b.queued_at.getTime())
    .slice(0, limit)
    .map((row) => row.id);
}

export interface OutboxEntry {
  id: string;
  event: string;
  channel: Channel;
  recipient: string;
  language: CompleteLanguage;
  subject: string | null;
  status: NotificationStatus;
  attempts: number;
  recordType: string | null;
  recordId: string | null;
  queuedAt: Date;
  sentAt: Date | null;
}

export interface OutboxPage {
  messages: OutboxEntry[];
  /** Pass back as `before` for the next (older) page; null on the last page. */
  next: string | null;
}

/** A council's messages, newest first, by keyset (created_at, id) on notifications_outbox_idx. */
export async function listOutbox(
  db: Queryable,
  councilId: string,
  filters: OutboxFilters,
  before?: string,
  pageSize = 50,
): Promise<OutboxPage> {
  let query = db
    .selectFrom('notifications')
    .select([
      'id',
      'event',
      'channel',
      'recipient',
      'language',
      'subject',
      'status',
      'attempts',
      'record_type',
      'record_id',
      'queued_at',
      'sent_at',
      // The cursor keeps the time to the microsecond (a JavaScript Date keeps only milliseconds).
      sql<string>`to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('exact_time'),
    ])
    .where('council_id', '=', councilId);
  if (filters.channel) query = query.where('channel', '=', filters.channel);
  if (filters.status) query = query.where('status', '=', filters.status);
  if (filters.event) query = query.where('event', '=', filters.event);
  const cursor = before ? decodeCursor(before) : undefined;
  if (cursor) {
    query = query.where(({ eb, refTuple, tuple }) =>
      eb(refTuple('created_at', 'id'), '<', tuple(sql<Date>`${cursor.createdAt}::timestamptz`, sql<string>`${cursor.id}::uuid`)),
    );
  }
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(pageSize + 1)
    .execute();
  const messages = rows.slice(0, pageSize).map((row) => ({
    id: row.id,
    event: row.event,
    channel: row.channel,
    recipient: row.recipient,
    language: row.language,
    subject: row.subject,
    status: row.status,
    attempts: row.attempts,
    recordType: row.record_type,
    recordId: row.record_id,
    queuedAt: row.queued_at,
    sentAt: row.sent_at,
  }));
  const last = rows[messages.length - 1];
  return { messages, next: rows.length > pageSize && last ? encodeCursor(last.exact_time, last.id) : null };
}

export interface OutboxMessage extends OutboxEntry {
  councilId: string;
  template: string;
  body: string;
  lastError: string | null;
  provider: string | null;
  providerReference: string | null;
}

export async function findNotification(db: Queryable, id: string): Promise<OutboxMessage | undefined> {
  const row = await db.selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    councilId: row.council_id,
    event: row.event,
    channel: row.channel,
    recipient: row.recipient,
    language: row.language,
    template: row.template,
    subject: row.subject,
    body: row.body,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    provider: row.provider,
    providerReference: row.provider_reference,
    recordType: row.record_type,
    recordId: row.record_id,
    queuedAt: row.queued_at,
    sentAt: row.sent_at,
  };
}

const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

function encodeCursor(exactTime: string, id: string): string {
  return Buffer.from(`${exactTime}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: string; id: string } | undefined {
  const [time, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const valid = CURSOR_TIME.test(time ?? '') && !Number.isNaN(new Date(time ?? '').getTime()) && isUuid(id);
  return valid ? { createdAt: time!, id: id! } : undefined;
}
