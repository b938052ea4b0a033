// SQL for the contact log: record a contact, read a customer's contacts newest first, count a
// council's contacts for reporting, and the look-ups the contact form needs.
import { sql } from 'kysely';
import type { Queryable } from '../db/database.ts';
import type { AvoidableReason, Channel, Outcome } from './schemas.ts';
import { isUuid } from '../platform/ids.ts';

export interface NewContact {
  councilId: string;
  customerId: string | null;
  channel: Channel;
  serviceCode: string | null;
  reason: string | null;
  outcome: Outcome;
  avoidableReason: AvoidableReason | null;
  signpostedTo: string | null;
  siteId: string | null;
  notes: string | null;
  recordedBy: string | null;
  recordedByApiKey: string | null;
  startedAt: Date;
  endedAt: Date;
}

export async function insertContact(db: Queryable, contact: NewContact): Promise<string> {
  const row = await db
    .insertInto('contacts')
    .values({
      council_id: contact.councilId,
      customer_id: contact.customerId,
      channel: contact.channel,
      service_code: contact.serviceCode,
      reason: contact.reason,
      outcome: contact.outcome,
      avoidable_reason: contact.avoidableReason,
      signposted_to: contact.signpostedTo,
      site_id: contact.siteId,
      notes: contact.notes,
      recorded_by: contact.recordedBy,
      recorded_by_api_key: contact.recordedByApiKey,
      started_at: contact.startedAt,
      ended_at: contact.endedAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** One contact as the customer's history shows it. */
export interface ContactRecord {
  id: string;
  councilId: string;
  customerId: string | null;
  channel: Channel;
  serviceCode: string | null;
  reason: string | null;
  outcome: Outcome;
  avoidableReason: AvoidableReason | null;
  signpostedTo: { id: string; name: string; nameCy: string | null } | null;
  site: { id: string; name: string; nameCy: string | null } | null;
  notes: string | null;
  /** The member of staff who logged it (null when it came through the API). */
  recordedBy: { id: string; name: string } | null;
  recordedByApiKey: string | null;
  startedAt: Date;
  endedAt: Date;
  /** Handling time in whole seconds. */
  durationSeconds: number;
}

export interface ContactPage {
  items: ContactRecord[];
  /** Pass back as `before` for the next (older) page; null on the last page. */
  next: string | null;
}

export const CONTACTS_PAGE_SIZE = 20;

/** Puts a contact recorded on nobody onto a customer; its council, or undefined when it is on someone already. */
export async function assignToCustomer(db: Queryable, id: string, customerId: string): Promise<string | undefined> {
  const row = await db
    .updateTable('contacts')
    .set({ customer_id: customerId })
    .where('id', '=', id)
    .where('customer_id', 'is', null)
    .returning('council_id')
    .executeTakeFirst();
  return row?.council_id;
}

/**
 * A customer's contacts, newest first, by keyset on (started_at, id) so deep pages stay fast
 * (contacts_customer_time_idx). `before` is the `next` of the previous page.
 */
export async function listCustomerContacts(
  db: Queryable,
  customerId: string,
  options: { before?: string | null; limit?: number } = {},
): Promise<ContactPage> {
  const limit = Math.max(1, Math.min(100, options.limit ?? CONTACTS_PAGE_SIZE));
  let query = db
    .selectFrom('contacts as c')
    .leftJoin('organisations as partner', 'partner.id', 'c.signposted_to')
    .leftJoin('sites as site', 'site.id', 'c.site_id')
    .leftJoin('staff_users as recorder', 'recorder.id', 'c.recorded_by')
    .select([
      'c.id',
      'c.council_id',
      'c.customer_id',
      'c.channel',
      'c.service_code',
      'c.reason',
      'c.outcome',
      'c.avoidable_reason',
      'c.signposted_to',
      'partner.name as partner_name',
      'partner.name_cy as partner_name_cy',
      'c.site_id',
      'site.name as site_name',
      'site.name_cy as site_name_cy',
      'c.notes',
      'c.recorded_by',
      'recorder.name as recorder_name',
      'c.recorded_by_api_key',
      'c.started_at',
      'c.ended_at',
      sql<number>`extract(epoch from (c.ended_at - c.started_at))::int`.as('duration_seconds'),
      // For the cursor: the time to the microsecond (a JavaScript Date keeps only milliseconds).
      sql<string>`to_char(c.started_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('exact_start'),
    ])
    .where('c.customer_id', '=', customerId);
  const cursor = options.before ? decodeCursor(options.before) : undefined;
  if (cursor) {
    query = query.where(({ eb, refTuple, tuple }) =>
      eb(
        refTuple('c.started_at', 'c.id'),
        '<',
        tuple(sql<Date>`${cursor.startedAt}::timestamptz`, sql<string>`${cursor.id}::uuid`),
      ),
    );
  }
  const rows = await query
    .orderBy('c.started_at', 'desc')
    .orderBy('c.id', 'desc')
    .limit(limit + 1)
    .execute();
  const items = rows.slice(0, limit).map((row): ContactRecord => ({
    id: row.id,
    councilId: row.council_id,
    customerId: row.customer_id,
    channel: row.channel as Channel,
    serviceCode: row.service_code,
    reason: row.reason,
    outcome: row.outcome as Outcome,
    avoidableReason: row.avoidable_reason as AvoidableReason | null,
    signpostedTo:
      row.signposted_to && row.partner_name
        ? { id: row.signposted_to, name: row.partner_name, nameCy: row.partner_name_cy }
        : null,
    site: row.site_id && row.site_name ? { id: row.site_id, name: row.site_name, nameCy: row.site_name_cy } : null,
    notes: row.notes,
    recordedBy: row.recorded_by && row.recorder_name ? { id: row.recorded_by, name: row.recorder_name } : null,
    recordedByApiKey: row.recorded_by_api_key,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    durationSeconds: row.duration_seconds,
  }));
  const last = rows[items.length - 1];
  return { items, next: rows.length > limit && last ? encodeCursor(last.exact_start, last.id) : null };
}

function encodeCursor(exactStart: string, id: string): string {
  return Buffer.from(`${exactStart}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { startedAt: string; id: string } | undefined {
  const [time, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const validTime =
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(time ?? '') && !Number.isNaN(new Date(time ?? '').getTime());
  const validId = isUuid(id ?? '');
  return validTime && validId ? { startedAt: time!, id: id! } : undefined;
}

/** A council's contacts in [from, to) by channel and outcome, for reporting. */
export interface ContactCount {
  channel: Channel;
  outcome: Outcome;
  contacts: number;
  /** Of those, how many were avoidable (had an avoidable-contact reason). */
  avoidable: number;
  /** Total handling time in seconds. */
  handlingSeconds: number;
}

export async function contactsBetween(db: Queryable, councilId: string, from: Date, to: Date): Promise<ContactCount[]> {
  const rows = await db
    .selectFrom('contacts')
    .select([
      'channel',
      'outcome',
      sql<number>`count(*)::int`.as('contacts'),
      sql<number>`(count(*) filter (where avoidable_reason is not null))::int`.as('avoidable'),
      sql<number>`coalesce(sum(extract(epoch from (ended_at - started_at))), 0)::bigint`.as('handling_seconds'),
    ])
    .where('council_id', '=', councilId)
    .where('started_at', '>=', from)
    .where('started_at', '<', to)
    .groupBy(['channel', 'outcome'])
    .orderBy('channel')
    .orderBy('outcome')
    .execute();
  return rows.map((row) => ({
    channel: row.channel as Channel,
    outcome: row.outcome as Outcome,
    contacts: row.contacts,
    avoidable: row.avoidable,
    handlingSeconds: Number(row.handling_seconds),
  }));
}

/** The council's partner organisations a contact can be signposted to. */
export async function listPartners(
  db: Queryable,
  councilId: string,
): Promise<{ id: string; name: string; nameCy: string | null }[]> {
  return await db
    .selectFrom('organisations')
    .select(['id', 'name', 'name_cy as nameCy'])
    .where('council_id', '=', councilId)
    .where('kind', '=', 'partner')
    .where('active', '=', true)
    .orderBy('name')
    .execute();
}

/** The council's open sites (one-stop shops, mobile buses). */
export async function listSites(
  db: Queryable,
  councilId: string,
): Promise<{ id: string; name: string; nameCy: string | null; kind: 'one_stop_shop' | 'mobile_bus' }[]> {
  return await db
    .selectFrom('sites')
    .select(['id', 'name', 'name_cy as nameCy', 'kind'])
    .where('organisation_id', '=', councilId)
    .where('active', '=', true)
    .orderBy('name')
    .execute();
}
