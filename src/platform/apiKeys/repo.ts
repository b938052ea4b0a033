// SQL for API keys and the answers kept under Idempotency-Keys.
import { sql } from 'kysely';
import type { Queryable } from '../../db/database.ts';
import { organisationScopeCondition, type OrganisationScope } from '../../db/organisationScope.ts';

export interface ApiKeyRecord {
  id: string;
  organisationId: string;
  organisationCode: string;
  organisationName: string;
  organisationKind: 'council' | 'partner';
  /** The organisation's council (null when it is itself a council). */
  organisationCouncilId: string | null;
  organisationActive: boolean;
  name: string;
  prefix: string;
  scopes: string[];
  createdBy: string | null;
  createdByName: string | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

/** A key with its secret's hash, for checking a presented key. Never leaves the service. */
export interface ApiKeyCredentials extends ApiKeyRecord {
  secretHash: string;
}

function keys(db: Queryable) {
  return db
    .selectFrom('api_keys')
    .innerJoin('organisations', 'organisations.id', 'api_keys.organisation_id')
    .leftJoin('staff_users', 'staff_users.id', 'api_keys.created_by')
    .select([
      'api_keys.id',
      'api_keys.organisation_id as organisationId',
      'organisations.code as organisationCode',
      'organisations.name as organisationName',
      'organisations.kind as organisationKind',
      'organisations.council_id as organisationCouncilId',
      'organisations.active as organisationActive',
      'api_keys.name',
      'api_keys.prefix',
      'api_keys.scopes',
      'api_keys.created_by as createdBy',
      'staff_users.name as createdByName',
      'api_keys.last_used_at as lastUsedAt',
      'api_keys.revoked_at as revokedAt',
      'api_keys.created_at as createdAt',
    ]);
}

/** The organisation a new key is for: where it sits, for the policy. */
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

export async function findApiKey(db: Queryable, id: string): Promise<ApiKeyRecord | undefined> {
  return await keys(db).where('api_keys.id', '=', id).executeTakeFirst();
}

/** By the public prefix of a presented key (unique, indexed). */
export async function findCredentialsByPrefix(db: Queryable, prefix: string): Promise<ApiKeyCredentials | undefined> {
  return await keys(db).select('api_keys.secret_hash as secretHash').where('api_keys.prefix', '=', prefix).executeTakeFirst();
}

/** Newest first; revoked keys after those in use. */
export async function listApiKeys(db: Queryable, scope: OrganisationScope | 'all'): Promise<ApiKeyRecord[]> {
  return await keys(db)
    .where(organisationScopeCondition(scope, 'api_keys.organisation_id'))
    .orderBy(sql`api_keys.revoked_at is not null`)
    .orderBy('api_keys.created_at', 'desc')
    .limit(500)
    .execute();
}

export async function insertApiKey(
  db: Queryable,
  key: { organisationId: string; name: string; prefix: string; secretHash: string; scopes: string[]; createdBy: string | null },
): Promise<{ id: string; createdAt: Date }> {
  return await db
    .insertInto('api_keys')
    .values({
      organisation_id: key.organisationId,
      name: key.name,
      prefix: key.prefix,
      secret_hash: key.secretHash,
      scopes: key.scopes,
      created_by: key.createdBy,
    })
    .returning(['id', 'created_at as createdAt'])
    .executeTakeFirstOrThrow();
}

export async function prefixTaken(db: Queryable, prefix: string): Promise<boolean> {
  return (await db.selectFrom('api_keys').select('id').where('prefix', '=', prefix).executeTakeFirst()) !== undefined;
}

/** Marks the key revoked; false if it already was. */
export async function revokeApiKey(db: Queryable, id: string): Promise<boolean> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Notes that the key was used, at most once a minute so that busy keys do not write on every call. */
export async function touchApiKey(db: Queryable, id: string): Promise<void> {
  await db
    .updateTable('api_keys')
    .set({ last_used_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', sql<Date>`now() - interval '1 minute'`)]))
    .execute();
}

// Idempotency keys

export interface IdempotencyRecord {
  requestMethod: string;
  requestPath: string;
  requestHash: string;
  responseStatus: number | null;
  responseContentType: string | null;
  responseBody: string | null;
}

/**
 * Claims `key` for a request about to be answered, inside the transaction the request will run
 * in: true if this request may run. A copy's claim still being answered is waited for, up to
 * `waitMs` (then PostgreSQL's lock timeout, 55P03, is thrown). An expired record is taken over, as
 * is a claim left without an answer by an older version, which committed claims on their own.
 */
export async function claimIdempotencyKey(
  db: Queryable,
  claim: { apiKeyId: string; key: string; method: string; path: string; requestHash: string; waitMs: number },
): Promise<boolean> {
  await sql`select set_config('lock_timeout', ${`${Math.max(1, Math.round(claim.waitMs))}ms`}, true)`.execute(db);
  await db
    .deleteFrom('api_idempotency_keys')
    .where('api_key_id', '=', claim.apiKeyId)
    .where('key', '=', claim.key)
    .where((eb) =>
      eb.or([
        eb('expires_at', '<=', sql<Date>`now()`),
        eb.and([eb('response_status', 'is', null), eb('created_at', '<', sql<Date>`now() - interval '2 minutes'`)]),
      ]),
    )
    .execute();
  const inserted = await db
    .insertInto('api_idempotency_keys')
    .values({
      api_key_id: claim.apiKeyId,
      key: claim.key,
      request_method: claim.method,
      request_path: claim.path,
      request_hash: claim.requestHash,
    })
    .onConflict((conflict) => conflict.columns(['api_key_id', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();
  // The request's own work waits for locks as long as PostgreSQL's default allows.
  await sql`set local lock_timeout to default`.execute(db);
  return inserted !== undefined;
}

export async function findIdempotencyRecord(
  db: Queryable,
  apiKeyId: string,
  key: string,
): Promise<IdempotencyRecord | undefined> {
  return await db
    .selectFrom('api_idempotency_keys')
    .select([
      'request_method as requestMethod',
      'request_path as requestPath',
      'request_hash as requestHash',
      'response_status as responseStatus',
      'response_content_type as responseContentType',
      'response_body as responseBody',
    ])
    .where('api_key_id', '=', apiKeyId)
    .where('key', '=', key)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
}

export async function saveIdempotentResponse(
  db: Queryable,
  apiKeyId: string,
  key: string,
  response: { status: number; contentType: string | null; body: string },
): Promise<void> {
  await db
    .updateTable('api_idempotency_keys')
    .set({ response_status: response.status, response_content_type: response.contentType, response_body: response.body })
    .where('api_key_id', '=', apiKeyId)
    .where('key', '=', key)
    .where('response_status', 'is', null)
    .execute();
}

export async function purgeExpiredIdempotencyKeys(db: Queryable): Promise<number> {
  const result = await db
    .deleteFrom('api_idempotency_keys')
    .where('expires_at', '<', sql<Date>`now()`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
