// Customer records in SQL: reading one whole record, its parts, changes to it, likely
import { jsonArrayFrom } from 'kysely/helpers/postgres';
// duplicates, merging, and the timeline of everything that happened with the customer.
import { sql } from 'kysely';
import type { Queryable, Tx } from '../db/database.ts';
import type { CustomerKind } from '../db/schema.ts';
import type { SearchHit } from './search.ts';
import { isUuid } from '../platform/ids.ts';

export interface CustomerSummary {
  id: string;
  councilId: string;
  kind: CustomerKind;
  displayName: string;
  givenName: string | null;
  familyName: string | null;
  organisationName: string | null;
  dateOfBirth: string | null;
  email: string | null;
  phone: string | null;
  addressLine1: string | null;
  postcode: string | null;
  activeFlags: number;
  mergedInto: string | null;
}

export interface CustomerRecord extends CustomerSummary {
  title: string | null;
  preferredLanguage: string;
  preferredContactMethod: 'email' | 'phone' | 'sms' | 'letter' | null;
  needs: string[];
  interpreterLanguage: string | null;
  adjustments: string | null;
  createdAt: Date;
  updatedAt: Date;
  previousNames: { id: string; givenName: string; familyName: string; createdAt: Date }[];
  emails: { id: string; email: string; isPrimary: boolean }[];
  phones: { id: string; number: string; kind: string; isPrimary: boolean }[];
  addresses: {
    id: string;
    uprn: number | null;
    line1: string;
    line2: string | null;
    town: string;
    postcode: string;
    isCurrent: boolean;
    movedOutOn: string | null;
    ward: string | null;
  }[];
  flags: { id: string; reason: string; details: string | null; reviewOn: string; raisedBy: string | null; createdAt: Date }[];
  consents: {
    id: string;
    organisationId: string;
    organisationName: string;
    shares: string[];
    purpose: string | null;
    givenOn: string;
    withdrawnAt: Date | null;
  }[];
}

const displayName = sql<string>`coalesce(c.organisation_name, c.given_name || ' ' || c.family_name)`;

/** One line per customer, for search results and pickers, in the order of `ids`. */
export async function summaries(db: Queryable, ids: string[]): Promise<CustomerSummary[]> {
  if (ids.length === 0) return [];
  const result = await sql<CustomerSummary>`
    select c.id, c.council_id as "councilId", c.kind, ${displayName} as "displayName",
      c.given_name as "givenName", c.family_name as "familyName", c.organisation_name as "organisationName",
      c.date_of_birth as "dateOfBirth", c.merged_into as "mergedInto",
      (select email from customer_emails e where e.customer_id = c.id order by is_primary desc, created_at limit 1) as email,
      (select number from customer_phones p where p.customer_id = c.id order by is_primary desc, created_at limit 1) as phone,
      a.address_line1 as "addressLine1", a.postcode,
      (select count(*) from customer_flags f where f.customer_id = c.id and f.ended_at is null)::int as "activeFlags"
    from customers c
    left join customer_addresses a on a.customer_id = c.id and a.is_current
    where c.id = any(${ids}::uuid[])
  `.execute(db);
  const byId = new Map(result.rows.map((row) => [row.id, row]));
  return ids.map((id) => byId.get(id)).filter((row): row is CustomerSummary => row !== undefined);
}

export async function findCustomer(db: Queryable, id: string): Promise<CustomerRecord | undefined> {
  const [summary] = await summaries(db, [id]);
  if (!summary) return undefined;
  const [customer, previousNames, emails, phones, addresses, flags, consents] = await Promise.all([
    db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
    db
      .selectFrom('customer_previous_names')
      .select(['id', 'given_name as givenName', 'family_name as familyName', 'created_at as createdAt'])
      .where('customer_id', '=', id)
      .orderBy('created_at', 'desc')
      .execute(),
    db
      .selectFrom('customer_emails')
      .select(['id', 'email', 'is_primary as isPrimary'])
      .where('customer_id', '=', id)
      .orderBy('is_primary', 'desc')
      .orderBy('created_at')
      .execute(),
    db
      .selectFrom('customer_phones')
      .select(['id', 'number', 'kind', 'is_primary as isPrimary'])
      .where('customer_id', '=', id)
      .orderBy('is_primary', 'desc')
      .orderBy('created_at')
      .execute(),
    db
      .selectFrom('customer_addresses as a')
      .leftJoin('properties as p', 'p.uprn', 'a.uprn')
      .select([
        'a.id',
        'a.uprn',
        'a.address_line1 as line1',
        'a.address_line2 as line2',
        'a.town',
        'a.postcode',
        'a.is_current as isCurrent',
        'a.moved_out_on as movedOutOn',
        'p.ward',
      ])
      .where('a.customer_id', '=', id)
      .orderBy('a.is_current', 'desc')
      .orderBy('a.created_at', 'desc')
      .execute(),
    db
      .selectFrom('customer_flags as f')
      .leftJoin('staff_users as s', 's.id', 'f.raised_by')
      .select(['f.id', 'f.reason', 'f.details', 'f.review_on as reviewOn', 's.name as raisedBy', 'f.created_at as createdAt'])
      .where('f.customer_id', '=', id)
      .where('f.ended_at', 'is', null)
      .orderBy('f.created_at', 'desc')
      .execute(),
    db
      .selectFrom('customer_consents as cc')
      .innerJoin('organisations as o', 'o.id', 'cc.organisation_id')
      .select([
        'cc.id',
        'cc.organisation_id as organisationId',
        'o.name as organisationName',
        'cc.shares',
        'cc.purpose',
        'cc.given_on as givenOn',
        'cc.withdrawn_at as withdrawnAt',
      ])
      .where('cc.customer_id', '=', id)
      .orderBy('cc.withdrawn_at', (order) => order.desc().nullsFirst())
      .orderBy('cc.given_on', 'desc')
      .execute(),
  ]);
  return {
    ...summary,
    title: customer.title,
    preferredLanguage: customer.preferred_language,
    preferredContactMethod: customer.preferred_contact_method,
    needs: customer.needs,
    interpreterLanguage: customer.interpreter_language,
    adjustments: customer.adjustments,
    createdAt: customer.created_at,
    updatedAt: customer.updated_at,
    previousNames,
    emails,
    phones,
    addresses,
    flags,
    consents: consents.map((consent) => ({ ...consent, withdrawnAt: consent.withdrawnAt as Date | null })),
  };
}

/** A customer's current vulnerability flags, newest first. */
export async function activeFlags(db: Queryable, customerId: string): Promise<{ reason: string; reviewOn: string }[]> {
  return await db
    .selectFrom('customer_flags')
    .select(['reason', 'review_on as reviewOn'])
    .where('customer_id', '=', customerId)
    .where('ended_at', 'is', null)
    .orderBy('created_at', 'desc')
    .execute();
}

/** A customer's placement with the consents in force (whom their record is shared with), in one query. */
export async function placementWithConsents(
  db: Queryable,
  id: string,
): Promise<
  | { id: string; councilId: string; mergedInto: string | null; sharedWith: { organisationId: string; shares: string[] }[] }
  | undefined
> {
  return await db
    .selectFrom('customers as c')
    .select((eb) => [
      'c.id',
      'c.council_id as councilId',
      'c.merged_into as mergedInto',
      jsonArrayFrom(
        eb
          .selectFrom('customer_consents as cc')
          .select(['cc.organisation_id as organisationId', 'cc.shares'])
          .whereRef('cc.customer_id', '=', 'c.id')
          .where('cc.withdrawn_at', 'is', null),
      ).as('sharedWith'),
    ])
    .where('c.id', '=', id)
    .executeTakeFirst();
}

/** A gazetteer property of the council, to check a UPRN given for an address. */
export async function findProperty(db: Queryable, councilId: string, uprn: number): Promise<{ uprn: number } | undefined> {
  return await db
    .selectFrom('properties')
    .select('uprn')
    .where('uprn', '=', uprn)
    .where('council_id', '=', councilId)
    .executeTakeFirst();
}

export interface CustomerDetails {
  title?: string | null;
  givenName?: string | null;
  familyName?: string | null;
  organisationName?: string | null;
  dateOfBirth?: string | null;
  preferredLanguage?: string;
  preferredContactMethod?: 'email' | 'phone' | 'sms' | 'letter' | null;
  needs?: string[];
  interpreterLanguage?: string | null;
  adjustments?: string | null;
}

export async function updateCustomer(db: Queryable, id: string, details: CustomerDetails): Promise<void> {
  await db
    .updateTable('customers')
    .set({
      title: details.title,
      given_name: details.givenName,
      family_name: details.familyName,
      organisation_name: details.organisationName,
      date_of_birth: details.dateOfBirth,
      preferred_language: details.preferredLanguage,
      preferred_contact_method: details.preferredContactMethod,
      needs: details.needs,
      interpreter_language: details.interpreterLanguage,
      adjustments: details.adjustments,
    })
    .where('id', '=', id)
    .execute();
}

export async function addPreviousName(db: Queryable, customerId: string, givenName: string, familyName: string): Promise<void> {
  await db
    .insertInto('customer_previous_names')
    .values({ customer_id: customerId, given_name: givenName, family_name: familyName })
    .execute();
}

export async function addEmail(db: Queryable, customerId: string, email: string, primary: boolean): Promise<void> {
  if (primary) await db.updateTable('customer_emails').set({ is_primary: false }).where('customer_id', '=', customerId).execute();
  await db
    .insertInto('customer_emails')
    .values({ customer_id: customerId, email, is_primary: primary })
    .onConflict((conflict) => conflict.columns(['customer_id', 'email']).doUpdateSet({ is_primary: primary }))
    .execute();
}

export async function addPhone(
  db: Queryable,
  customerId: string,
  phone: { number: string; kind: 'mobile' | 'landline' | 'other' },
  primary: boolean,
): Promise<void> {
  if (primary) await db.updateTable('customer_phones').set({ is_primary: false }).where('customer_id', '=', customerId).execute();
  await db
    .insertInto('customer_phones')
    .values({ customer_id: customerId, number: phone.number, kind: phone.kind, is_primary: primary })
    .onConflict((conflict) => conflict.columns(['customer_id', 'number']).doUpdateSet({ is_primary: primary }))
    .execute();
}

export async function removeContactPoint(
  db: Queryable,
  customerId: string,
  kind: 'email' | 'phone',
  id: string,
): Promise<boolean> {
  const table = kind === 'email' ? 'customer_emails' : 'customer_phones';
  const result = await db.deleteFrom(table).where('id', '=', id).where('customer_id', '=', customerId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** A new current address; the one before becomes a past address. */
export async function moveTo(
  db: Queryable,
  customerId: string,
  address: { uprn?: number | null; line1: string; line2?: string | null; town: string; postcode: string },
  movedOn: string,
): Promise<void> {
  await db
    .updateTable('customer_addresses')
    .set({ is_current: false, moved_out_on: movedOn })
    .where('customer_id', '=', customerId)
    .where('is_current', '=', true)
    .execute();
  await db
    .insertInto('customer_addresses')
    .values({
      customer_id: customerId,
      uprn: address.uprn ?? null,
      address_line1: address.line1,
      address_line2: address.line2 ?? null,
      town: address.town,
      postcode: address.postcode,
      is_current: true,
    })
    .execute();
}

export async function addFlag(
  db: Queryable,
  customerId: string,
  flag: { reason: string; details?: string; reviewOn: string },
  raisedBy: string | null,
): Promise<string> {
  const row = await db
    .insertInto('customer_flags')
    .values({
      customer_id: customerId,
      reason: flag.reason,
      details: flag.details ?? null,
      review_on: flag.reviewOn,
      raised_by: raisedBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function endFlag(db: Queryable, customerId: string, flagId: string, endedBy: string | null): Promise<boolean> {
  const result = await db
    .updateTable('customer_flags')
    .set({ ended_at: sql`now()`, ended_by: endedBy })
    .where('id', '=', flagId)
    .where('customer_id', '=', customerId)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function addConsent(
  db: Queryable,
  customerId: string,
  consent: { organisationId: string; shares: string[]; purpose?: string; givenOn: string },
  recordedBy: string | null,
): Promise<string> {
  const row = await db
    .insertInto('customer_consents')
    .values({
      customer_id: customerId,
      organisation_id: consent.organisationId,
      shares: consent.shares,
      purpose: consent.purpose ?? null,
      given_on: consent.givenOn,
      recorded_by: recordedBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Consent can be given only to an active partner agency beside the customer's council. */
export async function isActivePartnerOf(db: Queryable, organisationId: string, councilId: string): Promise<boolean> {
  if (!isUuid(organisationId)) return false;
  const partner = await db
    .selectFrom('organisations')
    .select('id')
    .where('id', '=', organisationId)
    .where('council_id', '=', councilId)
    .where('active', '=', true)
    .executeTakeFirst();
  return partner !== undefined;
}

export async function withdrawConsent(db: Queryable, customerId: string, consentId: string): Promise<boolean> {
  const result = await db
    .updateTable('customer_consents')
    .set({ withdrawn_at: sql`now()` })
    .where('id', '=', consentId)
    .where('customer_id', '=', customerId)
    .where('withdrawn_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function addNote(db: Queryable, customerId: string, body: string, authorId: string | null): Promise<string> {
  const row = await db
    .insertInto('customer_notes')
    .values({ customer_id: customerId, body, author_id: authorId })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Records that probably describe the same person: the same email or phone, or a similar name
 * with the same date of birth or postcode. Each with why.
 */
export async function likelyDuplicates(
  db: Queryable,
  councilId: string,
  candidate: {
    givenName?: string;
    familyName?: string;
    dateOfBirth?: string;
    emails: string[];
    phones: string[];
    postcode?: string;
  },
  limit = 5,
): Promise<SearchHit[]> {
  const name =
    candidate.givenName && candidate.familyName ? `${candidate.givenName} ${candidate.familyName}`.toLowerCase() : undefined;
  const branches = [
    candidate.emails.length > 0
      ? sql`select customer_id as id, 'email' as reason, 3 as score from customer_emails where email = any(${candidate.emails}::citext[])`
      : undefined,
    candidate.phones.length > 0
      ? sql`select customer_id as id, 'phone' as reason, 3 as score from customer_phones where number = any(${candidate.phones}::text[])`
      : undefined,
    name && candidate.dateOfBirth
      ? sql`select id, 'dateOfBirth' as reason, 2 as score from customers
          where council_id = ${councilId} and date_of_birth = ${candidate.dateOfBirth}
            and similarity(lower(given_name || ' ' || family_name), ${name}) > 0.3`
      : undefined,
    name && candidate.postcode
      ? sql`select a.customer_id as id, 'postcode' as reason, 2 as score from customer_addresses a
          join customers c on c.id = a.customer_id
          where postcode_key(a.postcode) = postcode_key(${candidate.postcode}) and a.is_current
            and similarity(lower(c.given_name || ' ' || c.family_name), ${name}) > 0.3`
      : undefined,
  ].filter((branch) => branch !== undefined);
  if (branches.length === 0) return [];
  const result = await sql<SearchHit>`
    select hit.id, sum(hit.score)::float8 as score, array_agg(distinct hit.reason) as reasons
    from (${sql.join(
      branches.map((branch) => sql`(${branch})`),
      sql` union all `,
    )}) hit
    join customers c on c.id = hit.id
    where c.council_id = ${councilId} and c.merged_into is null
    group by hit.id
    order by score desc, hit.id
    limit ${limit}
  `.execute(db);
  return result.rows;
}

/**
 * Moves everything of `from` onto `into`: contact points, addresses, flags, consents, notes,
 * contacts, cases, and from's names as previous names. `from` keeps its row, marked merged.
 */
export async function mergeInto(trx: Tx, fromId: string, intoId: string): Promise<void> {
  await sql`
    insert into customer_emails (customer_id, email, is_primary)
    select ${intoId}, email, false from customer_emails where customer_id = ${fromId}
    on conflict (customer_id, email) do nothing
  `.execute(trx);
  await trx.deleteFrom('customer_emails').where('customer_id', '=', fromId).execute();
  await sql`
    insert into customer_phones (customer_id, number, kind, is_primary)
    select ${intoId}, number, kind, false from customer_phones where customer_id = ${fromId}
    on conflict (customer_id, number) do nothing
  `.execute(trx);
  await trx.deleteFrom('customer_phones').where('customer_id', '=', fromId).execute();
  // The kept record's current address stays current; the other's becomes a past one.
  await trx
    .updateTable('customer_addresses')
    .set({ is_current: false, moved_out_on: sql`coalesce(moved_out_on, current_date)` })
    .where('customer_id', '=', fromId)
    .where('is_current', '=', true)
    .where(sql<boolean>`exists (select 1 from customer_addresses k where k.customer_id = ${intoId} and k.is_current)`)
    .execute();
  for (const table of [
    'customer_addresses',
    'customer_flags',
    'customer_consents',
    'customer_notes',
    'customer_previous_names',
  ] as const) {
    await trx.updateTable(table).set({ customer_id: intoId }).where('customer_id', '=', fromId).execute();
  }
  await trx.updateTable('contacts').set({ customer_id: intoId }).where('customer_id', '=', fromId).execute();
  await trx.updateTable('cases').set({ customer_id: intoId }).where('customer_id', '=', fromId).execute();
  await sql`
    insert into customer_previous_names (customer_id, given_name, family_name)
    select ${intoId}, f.given_name, f.family_name from customers f, customers k
    where f.id = ${fromId} and k.id = ${intoId} and f.kind = 'person'
      and (lower(f.given_name), lower(f.family_name)) is distinct from (lower(k.given_name), lower(k.family_name))
  `.execute(trx);
  await trx
    .updateTable('customers')
    .set({ merged_into: intoId, merged_at: sql`now()` })
    .where('id', '=', fromId)
    .execute();
}

/** Locks both records for a merge, in id order so that two merges never deadlock. */
export async function lockForMerge(
  trx: Tx,
  ids: [string, string],
): Promise<{ id: string; councilId: string; mergedInto: string | null }[]> {
  return await trx
    .selectFrom('customers')
    .select(['id', 'council_id as councilId', 'merged_into as mergedInto'])
    .where('id', 'in', ids)
    .orderBy('id')
    .forUpdate()
    .execute();
}

export type TimelineKind = 'contact' | 'note' | 'flag';

export interface TimelineEntry {
  kind: TimelineKind;
  id: string;
  at: Date;
  /** contact: channel; note: -; flag: reason. */
  label: string | null;
  outcome: string | null;
  detail: string | null;
  serviceCode: string | null;
  avoidableReason: string | null;
  byName: string | null;
  byOrganisation: string | null;
}

export interface TimelineCursor {
  at: string;
  id: string;
}

/**
 * Everything that happened with a customer across teams and partners, newest first, a page at
 * a time (keyset on time and id). Cases, complaints and appointments join this list as they arrive.
 */
export async function timeline(
  db: Queryable,
  customerId: string,
  options: { kinds: TimelineKind[]; after?: TimelineCursor; limit: number },
): Promise<TimelineEntry[]> {
  const sources = [];
  const before = options.after;
  // Each source takes its newest rows through its (customer, time) index first, and only then
  // looks up who recorded them; the sources are merged and cut to one page.
  const keyset = (at: string, id: string) =>
    before ? sql`and (${sql.ref(at)}, ${sql.ref(id)}) < (${before.at}::timestamptz, ${before.id}::uuid)` : sql``;
  const recordedBy = (alias: string, column: string) => sql`
    left join staff_users s on s.id = ${sql.ref(`${alias}.${column}`)}
    left join organisations o on o.id = s.organisation_id`;
  if (options.kinds.includes('contact')) {
    sources.push(sql`
      (select 'contact' as kind, x.id::text as id, x.started_at as at, x.channel as label, x.outcome, x.notes as detail,
        x.service_code as "serviceCode", x.avoidable_reason as "avoidableReason", s.name as "byName", o.name as "byOrganisation"
      from (
        select * from contacts
        where customer_id = ${customerId} ${keyset('started_at', 'id')}
        order by started_at desc, id desc
        limit ${options.limit}
      ) x ${recordedBy('x', 'recorded_by')})`);
  }
  if (options.kinds.includes('note')) {
    sources.push(sql`
      (select 'note' as kind, n.id::text as id, n.created_at as at, null as label, null as outcome, n.body as detail,
        null as "serviceCode", null as "avoidableReason", s.name as "byName", o.name as "byOrganisation"
      from (
        select * from customer_notes
        where customer_id = ${customerId} ${keyset('created_at', 'id')}
        order by created_at desc, id desc
        limit ${options.limit}
      ) n ${recordedBy('n', 'author_id')})`);
  }
  if (options.kinds.includes('flag')) {
    sources.push(sql`
      (select 'flag' as kind, f.id::text as id, f.created_at as at, f.reason as label, null as outcome, f.details as detail,
        null as "serviceCode", null as "avoidableReason", s.name as "byName", o.name as "byOrganisation"
      from (
        select * from customer_flags
        where customer_id = ${customerId} ${keyset('created_at', 'id')}
        order by created_at desc, id desc
        limit ${options.limit}
      ) f ${recordedBy('f', 'raised_by')})`);
  }
  if (sources.length === 0) return [];
  const result = await sql<TimelineEntry>`
    select * from (${sql.join(sources, sql` union all `)}) entry
    order by at desc, id desc
    limit ${options.limit}
  `.execute(db);
  return result.rows;
}

/** Where and how to tell a customer about their case: by their preferred method where they can be reached by it. */
export interface NotificationAddress {
  name: string;
  language: 'en' | 'cy';
  channel: 'email' | 'sms' | 'letter';
  recipient: string;
}

export async function notificationAddress(db: Queryable, customerId: string): Promise<NotificationAddress | undefined> {
  const row = await db
    .selectFrom('customers as c')
    .select([
      sql<string>`coalesce(c.organisation_name, concat_ws(' ', c.title, c.given_name, c.family_name))`.as('name'),
      'c.preferred_language',
      'c.preferred_contact_method',
      (eb) =>
        eb
          .selectFrom('customer_emails as e')
          .select('e.email')
          .whereRef('e.customer_id', '=', 'c.id')
          .orderBy('e.is_primary', 'desc')
          .orderBy('e.created_at')
          .limit(1)
          .as('email'),
      (eb) =>
        eb
          .selectFrom('customer_phones as p')
          .select('p.number')
          .whereRef('p.customer_id', '=', 'c.id')
          .where('p.kind', '=', 'mobile')
          .orderBy('p.is_primary', 'desc')
          .orderBy('p.created_at')
          .limit(1)
          .as('mobile'),
      (eb) =>
        eb
          .selectFrom('customer_addresses as a')
          .select(sql<string>`concat_ws(E'\n', a.address_line1, a.address_line2, a.town, a.postcode)`.as('lines'))
          .whereRef('a.customer_id', '=', 'c.id')
          .where('a.is_current', '=', true)
          .limit(1)
          .as('address'),
    ])
    .where('c.id', '=', customerId)
    .where('c.merged_into', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  const reachable = {
    email: row.email ?? undefined,
    sms: row.mobile ?? undefined,
    letter: row.address ?? undefined,
  };
  const preferred = row.preferred_contact_method === 'phone' ? 'sms' : row.preferred_contact_method;
  const order: NotificationAddress['channel'][] = ['email', 'sms', 'letter'];
  const channel = preferred && reachable[preferred] ? preferred : order.find((candidate) => reachable[candidate]);
  if (!channel) return undefined;
  return {
    name: row.name,
    language: row.preferred_language === 'cy' ? 'cy' : 'en',
    channel,
    recipient: reachable[channel] as string,
  };
}
