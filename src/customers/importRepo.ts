// Writes new customer records, with their emails, phones, address and former names, in a few
// multi-row statements: the path for imports, the demo seed and the benchmark, and for a single
// record created by staff. Values arrive already checked and normalised (phones in E.164,
// postcodes in their normal form); the database's constraints are the last line of defence.
import { randomUUID } from 'node:crypto';
import type { Queryable, Tx } from '../db/database.ts';
import type { CustomerKind } from '../db/schema.ts';

export type CustomerNeed =
  | 'large_print'
  | 'easy_read'
  | 'braille'
  | 'bsl'
  | 'interpreter'
  | 'hearing_loop'
  | 'digital_help'
  | 'step_free_access'
  | 'text_relay';

export type PreferredContactMethod = 'email' | 'phone' | 'sms' | 'letter';

export interface NewCustomerAddress {
  /** The gazetteer property, when the address is one the council knows. */
  uprn?: number;
  line1: string;
  line2?: string;
  town: string;
  postcode: string;
}

export interface NewCustomerRecord {
  kind: CustomerKind;
  title?: string;
  /** Required for a person. */
  givenName?: string;
  /** Required for a person. */
  familyName?: string;
  /** Required for an organisation. */
  organisationName?: string;
  /** A calendar day, YYYY-MM-DD. */
  dateOfBirth?: string;
  /** 2-3 lower-case letters (ISO 639), `en` when not given. */
  preferredLanguage?: string;
  preferredContactMethod?: PreferredContactMethod;
  /** Any of CustomerNeed; the database refuses others. */
  needs?: string[];
  interpreterLanguage?: string;
  adjustments?: string;
  /** The first is the primary one; repeats (ignoring case) are dropped. */
  emails?: string[];
  /** E.164 numbers; the first is the primary one; repeats are dropped. */
  phones?: { number: string; kind: 'mobile' | 'landline' | 'other' }[];
  /** The current address. */
  address?: NewCustomerAddress;
  /** Names the person was known by before (a maiden name, say). */
  previousNames?: { givenName: string; familyName: string }[];
}

// PostgreSQL takes at most 65,535 parameters in one statement; customers use 12 a row.
const ROWS_PER_STATEMENT = 2_000;

/**
 * Inserts the records for one council and returns their new ids, in the order given. All of
 * them are written or none: run inside the caller's transaction when given one, else in its own.
 */
export async function insertCustomerRecords(db: Queryable, councilId: string, records: NewCustomerRecord[]): Promise<string[]> {
  if (records.length === 0) return [];
  if (db.isTransaction) return await insertAll(db as Tx, councilId, records);
  return await db.transaction().execute((trx) => insertAll(trx, councilId, records));
}

async function insertAll(trx: Tx, councilId: string, records: NewCustomerRecord[]): Promise<string[]> {
  // Ids are made here rather than returned by the insert, so they line up with the records for
  // certain (PostgreSQL does not promise RETURNING rows in VALUES order).
  const ids = records.map(() => randomUUID());

  const customers = records.map((record, i) => ({
    id: ids[i]!,
    council_id: councilId,
    kind: record.kind,
    title: record.title ?? null,
    given_name: record.kind === 'person' ? (record.givenName ?? null) : null,
    family_name: record.kind === 'person' ? (record.familyName ?? null) : null,
    organisation_name: record.kind === 'organisation' ? (record.organisationName ?? null) : null,
    date_of_birth: record.dateOfBirth ?? null,
    preferred_language: record.preferredLanguage ?? 'en',
    preferred_contact_method: record.preferredContactMethod ?? null,
    needs: record.needs ?? [],
    interpreter_language: record.interpreterLanguage ?? null,
    adjustments: record.adjustments ?? null,
  }));
  for (const chunk of chunks(customers)) await trx.insertInto('customers').values(chunk).execute();

  const emails = records.flatMap((record, i) =>
    distinctBy(record.emails ?? [], (email) => email.toLowerCase()).map((email, position) => ({
      customer_id: ids[i]!,
      email,
      is_primary: position === 0,
    })),
  );
  for (const chunk of chunks(emails)) await trx.insertInto('customer_emails').values(chunk).execute();

  const phones = records.flatMap((record, i) =>
    distinctBy(record.phones ?? [], (phone) => phone.number).map((phone, position) => ({
      customer_id: ids[i]!,
      number: phone.number,
      kind: phone.kind,
      is_primary: position === 0,
    })),
  );
  for (const chunk of chunks(phones)) await trx.insertInto('customer_phones').values(chunk).execute();

  const addresses = records.flatMap((record, i) =>
    record.address
      ? [
          {
            customer_id: ids[i]!,
            uprn: record.address.uprn ?? null,
            address_line1: record.address.line1,
            address_line2: record.address.line2 ?? null,
            town: record.address.town,
            postcode: record.address.postcode,
          },
        ]
      : [],
  );
  for (const chunk of chunks(addresses)) await trx.insertInto('customer_addresses').values(chunk).execute();

  const previousNames = records.flatMap((record, i) =>
    (record.previousNames ?? []).map((name) => ({
      customer_id: ids[i]!,
      given_name: name.givenName,
      family_name: name.familyName,
    })),
  );
  for (const chunk of chunks(previousNames)) await trx.insertInto('customer_previous_names').values(chunk).execute();

  return ids;
}

function chunks<T>(rows: T[]): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    result.push(rows.slice(start, start + ROWS_PER_STATEMENT));
  }
  return result;
}

function distinctBy<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
