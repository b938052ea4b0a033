// SQL for what Open311 keeps beside a case: the request as the client sent it, and the updates
// the client posted (one per case and client update id).
import type { Queryable } from '../../db/database.ts';

export interface NewOpen311Request {
  caseId: string;
  councilId: string;
  apiKeyId: string;
  jurisdictionId: string | null;
  fixMyStreetId: string | null;
  attributes: Record<string, string>;
  addressString: string | null;
  mediaUrls: string[];
}

export async function insertRequest(db: Queryable, value: NewOpen311Request): Promise<void> {
  await db
    .insertInto('open311_requests')
    .values({
      case_id: value.caseId,
      council_id: value.councilId,
      api_key_id: value.apiKeyId,
      jurisdiction_id: value.jurisdictionId,
      fixmystreet_id: value.fixMyStreetId,
      attributes: JSON.stringify(value.attributes),
      address_string: value.addressString,
      media_urls: JSON.stringify(value.mediaUrls),
    })
    .execute();
}

export interface Open311RequestRecord {
  caseId: string;
  fixMyStreetId: string | null;
  attributes: Record<string, string>;
  addressString: string | null;
  mediaUrls: string[];
}

/** What Open311 kept beside these cases (those raised through it), by case id. */
export async function requestsOf(db: Queryable, caseIds: string[]): Promise<Map<string, Open311RequestRecord>> {
  if (caseIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('open311_requests')
    .select(['case_id', 'fixmystreet_id', 'attributes', 'address_string', 'media_urls'])
    .where('case_id', 'in', caseIds)
    .execute();
  return new Map(
    rows.map((row) => [
      row.case_id,
      {
        caseId: row.case_id,
        fixMyStreetId: row.fixmystreet_id,
        attributes: row.attributes,
        addressString: row.address_string,
        mediaUrls: row.media_urls,
      },
    ]),
  );
}

export interface NewPostedUpdate {
  caseId: string;
  councilId: string;
  apiKeyId: string;
  externalUpdateId: string;
  caseUpdateId: string;
  status: string;
  description: string | null;
  name: string | null;
  email: string | null;
  mediaUrl: string | null;
  updatedDatetime: Date | null;
}

export async function insertPostedUpdate(db: Queryable, value: NewPostedUpdate): Promise<string> {
  const row = await db
    .insertInto('open311_updates')
    .values({
      case_id: value.caseId,
      council_id: value.councilId,
      api_key_id: value.apiKeyId,
      external_update_id: value.externalUpdateId,
      case_update_id: value.caseUpdateId,
      status: value.status,
      description: value.description,
      name: value.name,
      email: value.email,
      media_url: value.mediaUrl,
      updated_datetime: value.updatedDatetime,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The update a client posted on a case under its own update id, if it has. */
export async function findPostedUpdate(db: Queryable, caseId: string, externalUpdateId: string) {
  return await db
    .selectFrom('open311_updates')
    .select(['id', 'case_update_id'])
    .where('case_id', '=', caseId)
    .where('external_update_id', '=', externalUpdateId)
    .executeTakeFirst();
}

/** Which of these case update ids were updates a client posted (not to be sent back to it). */
export async function postedUpdateIds(db: Queryable, caseUpdateIds: string[]): Promise<Set<string>> {
  if (caseUpdateIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('open311_updates')
    .select('case_update_id')
    .where('case_update_id', 'in', caseUpdateIds)
    .execute();
  return new Set(rows.map((row) => row.case_update_id));
}
