// The audit trail: who did what to which record, when, from where, and what changed.
// `recordAudit` takes the transaction of the change it records, so both commit or neither does.
// The table refuses UPDATE and DELETE (a trigger), and is partitioned by month.
import { sql } from 'kysely';
import type { Queryable } from '../../db/database.ts';
import type { Actor } from '../actor.ts';
import { organisationScopeCondition, type OrganisationScope } from '../../db/organisationScope.ts';

export interface AuditEntry {
  action: string;
  organisationId: string | null;
  recordType?: string;
  recordId?: string;
  changes?: Changes;
  details?: Record<string, unknown>;
  /** For events before anyone is signed in (a failed sign-in), the account concerned if known. */
  subject?: { id: string; label: string };
  ip?: string | null;
}

export type Changes = Record<string, { from: unknown; to: unknown }>;

/** Fields whose values never enter the audit trail: only the fact that they changed. */
const SECRET_FIELDS = new Set(['password', 'passwordHash', 'password_hash', 'mfaSecret', 'mfa_secret']);

export function changesBetween<T extends Record<string, unknown>>(
  before: Partial<T>,
  after: Partial<T>,
  fields: (keyof T & string)[],
): Changes {
  const changes: Changes = {};
  for (const field of fields) {
    const from = before[field];
    const to = after[field];
    if (to === undefined || JSON.stringify(from) === JSON.stringify(to)) continue;
    changes[field] = SECRET_FIELDS.has(field) ? { from: '[secret]', to: '[secret]' } : { from, to };
  }
  return changes;
}

/** Who acted, as the audit trail names them: a person by email address, a key by its name. */
function actorColumns(actor: Actor | null, subject: AuditEntry['subject']) {
  switch (actor?.kind) {
    case 'staff':
      return { actor_id: actor.id, actor_label: actor.email, ip: actor.ip };
    case 'api_key':
      return { actor_id: actor.id, actor_label: actor.name, ip: actor.ip };
    case 'system':
      return { actor_id: subject?.id ?? null, actor_label: actor.label, ip: null };
    default:
      return { actor_id: subject?.id ?? null, actor_label: subject?.label ?? null, ip: null };
  }
}

export async function recordAudit(db: Queryable, actor: Actor | null, entry: AuditEntry): Promise<void> {
  const changes = entry.changes && Object.keys(entry.changes).length > 0 ? entry.changes : null;
  const who = actorColumns(actor, entry.subject);
  await db
    .insertInto('audit_events')
    .values({
      organisation_id: entry.organisationId,
      actor_type: actor === null ? 'anonymous' : actor.kind,
      actor_id: who.actor_id,
      actor_label: who.actor_label,
      action: entry.action,
      record_type: entry.recordType ?? null,
      record_id: entry.recordId ?? null,
      ip: entry.ip ?? who.ip,
      changes: changes === null ? null : JSON.stringify(changes),
      details: entry.details ? JSON.stringify(entry.details) : null,
    })
    .execute();
}

export interface AuditFilters {
  action?: string;
  actor?: string;
  recordId?: string;
  from?: string;
  to?: string;
}

export interface AuditEventView {
  id: number;
  occurredAt: Date;
  organisationId: string | null;
  actorType: string;
  actorLabel: string | null;
  action: string;
  recordType: string | null;
  recordId: string | null;
  ip: string | null;
  changes: Changes | null;
  details: Record<string, unknown> | null;
}

export interface AuditPage {
  events: AuditEventView[];
  /** Pass back as `before` for the next (older) page; null on the last page. */
  next: string | null;
}

/**
 * Newest first, 50 a page, by keyset (occurred_at, id) so that deep pages stay fast. `scope`
 * limits it to the organisations the reader looks after; events not tied to any organisation
 * (e.g. a failed sign-in for an unknown account) are shown to councils' readers only.
 */
export async function searchAudit(
  db: Queryable,
  scope: OrganisationScope | 'all',
  filters: AuditFilters,
  before?: string,
  pageSize = 50,
): Promise<AuditPage> {
  let query = db.selectFrom('audit_events').select([
    'id',
    'occurred_at',
    'organisation_id',
    'actor_type',
    'actor_label',
    'action',
    'record_type',
    'record_id',
    sql<string | null>`host(ip)`.as('ip'),
    'changes',
    'details',
    // For the cursor: the time to the microsecond (a JavaScript Date keeps only milliseconds).
    sql<string>`to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('exact_time'),
  ]);

  query = query.where(organisationScopeCondition(scope, 'organisation_id', { includeUnassigned: true }));
  // An action by its beginning ("user." finds every change to accounts); a person by part of
  // their name or email address; a record by its exact id.
  if (filters.action) query = query.where('action', 'like', `${escapeLike(filters.action)}%`);
  if (filters.actor) query = query.where('actor_label', 'ilike', `%${escapeLike(filters.actor)}%`);
  if (filters.recordId) query = query.where('record_id', '=', filters.recordId);
  // Dates are days in Europe/London, where the council works.
  if (filters.from)
    query = query.where('occurred_at', '>=', sql<Date>`${filters.from}::date::timestamp at time zone 'Europe/London'`);
  if (filters.to)
    query = query.where('occurred_at', '<', sql<Date>`(${filters.to}::date + 1)::timestamp at time zone 'Europe/London'`);
  const cursor = before ? decodeCursor(before) : undefined;
  if (cursor) {
    query = query.where(({ eb, refTuple, tuple }) =>
      eb(refTuple('occurred_at', 'id'), '<', tuple(sql<Date>`${cursor.occurredAt}::timestamptz`, cursor.id)),
    );
  }

  const rows = await query
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .limit(pageSize + 1)
    .execute();
  const events = rows.slice(0, pageSize).map((row) => ({
    id: row.id,
    occurredAt: row.occurred_at,
    organisationId: row.organisation_id,
    actorType: row.actor_type,
    actorLabel: row.actor_label,
    action: row.action,
    recordType: row.record_type,
    recordId: row.record_id,
    ip: row.ip,
    changes: row.changes as Changes | null,
    details: row.details as Record<string, unknown> | null,
  }));
  const last = rows[events.length - 1];
  return { events, next: rows.length > pageSize && last ? encodeCursor(last.exact_time, last.id) : null };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

function encodeCursor(exactTime: string, id: number): string {
  return Buffer.from(`${exactTime}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { occurredAt: string; id: number } | undefined {
  const [time, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const valid = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(time ?? '') && !Number.isNaN(new Date(time ?? '').getTime());
  return !valid || !/^\d+$/.test(id ?? '') ? undefined : { occurredAt: time!, id: Number(id) };
}
