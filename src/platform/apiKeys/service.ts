// API keys: how other systems (a CRM, a housing system, a chatbot) call the JSON API. A key is
// shown once when it is made; OneDoor keeps only the SHA-256 of its secret, so a lost key is
// revoked and replaced, never recovered. Each change commits in one transaction with its audit record.
import crypto from 'node:crypto';
import type { Db } from '../../db/database.ts';
import type { Actor, ApiKeyActor } from '../actor.ts';
import { recordAudit } from '../audit/audit.ts';
import { Invalid, NotFound, type FieldError } from '../errors.ts';
import { administrationScope } from '../policy.ts';
import { createIdempotencyStore, type IdempotencyOptions } from './idempotency.ts';
import { apiKeyPolicy } from './policy.ts';
import * as repo from './repo.ts';
import { MAX_NAME_LENGTH } from './schemas.ts';
import { SCOPES, isScope, type Scope } from './scopes.ts';
import { isUuid } from '../ids.ts';

export type { ApiKeyRecord } from './repo.ts';

/** `odk_` (OneDoor key), 8 characters of public prefix, `_`, 43 characters of secret (32 random bytes). */
const KEY_PATTERN = /^odk_([a-z2-7]{8})_([A-Za-z0-9_-]{43})$/;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

export interface NewApiKey {
  organisationId: string;
  name: string;
  scopes: readonly string[];
}

export interface CreatedApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  organisationId: string;
  /** The whole key: shown to its maker once, and never stored. */
  key: string;
}

/** What a key's holder may learn about it (GET /api/v1/api-key). */
export interface ApiKeyDescription {
  id: string;
  name: string;
  prefix: string;
  organisation: { id: string; code: string; name: string };
  scopes: Scope[];
  lastUsedAt: Date | null;
  createdAt: Date;
}

function newPrefix(): string {
  return [...crypto.randomBytes(8)].map((byte) => BASE32[byte & 31]).join('');
}

export function hashSecret(secret: string): string {
  return crypto.createHash('sha256').update(secret).digest('hex');
}

/** Compares two hex SHA-256 digests in time that does not depend on where they differ. */
function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === 32 && right.length === 32 && crypto.timingSafeEqual(left, right);
}

/** The prefix and secret of something that looks like a key, or undefined. */
export function parseKey(token: string): { prefix: string; secret: string } | undefined {
  const match = KEY_PATTERN.exec(token);
  return match ? { prefix: match[1]!, secret: match[2]! } : undefined;
}

/** Scopes as written by a person or a program: known, each once, in the order of SCOPES. */
export function scopesFrom(requested: readonly string[]): { scopes: Scope[]; unknown: string[] } {
  const wanted = new Set(requested.map((scope) => scope.trim()).filter(Boolean));
  return {
    scopes: SCOPES.filter((scope) => wanted.has(scope)),
    unknown: [...wanted].filter((scope) => !isScope(scope)),
  };
}

// Compared against when no key has the presented prefix, so that an unknown prefix takes as long as a wrong secret.
const NO_SUCH_KEY = hashSecret('no such key');

export function createApiKeysService(db: Db, options: { idempotency?: IdempotencyOptions } = {}) {
  async function requireKey(actor: Actor, id: string) {
    const key = isUuid(id) ? await repo.findApiKey(db, id) : undefined;
    // Someone who may not see the key is told it does not exist (no probing for ids).
    if (!key || !apiKeyPolicy.can(actor, 'read', key)) throw new NotFound('api key');
    return key;
  }

  return {
    /** Makes a key for an organisation and returns it, whole, this once. */
    async create(actor: Actor, input: NewApiKey): Promise<CreatedApiKey> {
      const organisation = isUuid(input.organisationId)
        ? await repo.findOrganisationPlacement(db, input.organisationId)
        : undefined;
      if (!organisation) throw new NotFound('organisation');
      apiKeyPolicy.authorize(actor, 'create', {
        organisationId: organisation.id,
        organisationCouncilId: organisation.councilId,
      });
      if (!organisation.active) throw new Invalid([{ field: 'organisationId', message: 'apiKeys.errors.organisationClosed' }]);
      const name = input.name.trim();
      const { scopes, unknown } = scopesFrom(input.scopes);
      const problems: FieldError[] = [];
      if (name === '') problems.push({ field: 'name', message: 'apiKeys.errors.nameMissing' });
      else if (name.length > MAX_NAME_LENGTH) problems.push({ field: 'name', message: 'apiKeys.errors.nameTooLong' });
      if (unknown.length > 0) problems.push({ field: 'scopes', message: 'apiKeys.errors.scopeUnknown' });
      else if (scopes.length === 0) problems.push({ field: 'scopes', message: 'apiKeys.errors.scopesMissing' });
      if (problems.length > 0) throw new Invalid(problems);

      let prefix = newPrefix();
      // 40 random bits: a clash is rare, but the prefix must be unique to find the key.
      while (await repo.prefixTaken(db, prefix)) prefix = newPrefix();
      const secret = crypto.randomBytes(32).toString('base64url');
      const createdBy = actor.kind === 'staff' ? actor.id : null;
      const id = await db.transaction().execute(async (trx) => {
        const { id } = await repo.insertApiKey(trx, {
          organisationId: organisation.id,
          name,
          prefix,
          secretHash: hashSecret(secret),
          scopes,
          createdBy,
        });
        await recordAudit(trx, actor, {
          action: 'api_key.create',
          organisationId: organisation.id,
          recordType: 'api_key',
          recordId: id,
          changes: { name: { from: null, to: name }, scopes: { from: null, to: scopes } },
          details: { prefix },
        });
        return id;
      });
      return { id, name, prefix, scopes, organisationId: organisation.id, key: `odk_${prefix}_${secret}` };
    },

    /**
     * The caller behind a presented key, or undefined when it is not a key, not known, revoked,
     * or its organisation has been closed.
     */
    async verify(token: string, ip: string | null = null): Promise<ApiKeyActor | undefined> {
      const parts = parseKey(token);
      if (!parts) return undefined;
      const key = await repo.findCredentialsByPrefix(db, parts.prefix);
      const matches = sameHash(hashSecret(parts.secret), key?.secretHash ?? NO_SUCH_KEY);
      if (!key || !matches || key.revokedAt !== null || !key.organisationActive) return undefined;
      if (key.lastUsedAt === null || Date.now() - key.lastUsedAt.getTime() > 60_000) await repo.touchApiKey(db, key.id);
      return {
        kind: 'api_key',
        id: key.id,
        name: key.name,
        organisationId: key.organisationId,
        organisationKind: key.organisationKind,
        councilId: key.organisationCouncilId ?? key.organisationId,
        scopes: key.scopes.filter(isScope),
        ip,
      };
    },

    /** A key's own description of itself, for its holder. */
    async describe(caller: ApiKeyActor): Promise<ApiKeyDescription> {
      const key = await repo.findApiKey(db, caller.id);
      if (!key) throw new NotFound('api key');
      return {
        id: key.id,
        name: key.name,
        prefix: key.prefix,
        organisation: { id: key.organisationId, code: key.organisationCode, name: key.organisationName },
        scopes: key.scopes.filter(isScope),
        lastUsedAt: key.lastUsedAt,
        createdAt: key.createdAt,
      };
    },

    /** The keys of the organisations `actor` administers. */
    async list(actor: Actor) {
      return await repo.listApiKeys(db, administrationScope(actor));
    },

    async get(actor: Actor, id: string) {
      return await requireKey(actor, id);
    },

    /** Stops a key working at once. Returns false if it had been revoked already. */
    async revoke(actor: Actor, id: string): Promise<boolean> {
      const key = await requireKey(actor, id);
      apiKeyPolicy.authorize(actor, 'revoke', key);
      return await db.transaction().execute(async (trx) => {
        if (!(await repo.revokeApiKey(trx, key.id))) return false;
        await recordAudit(trx, actor, {
          action: 'api_key.revoke',
          organisationId: key.organisationId,
          recordType: 'api_key',
          recordId: key.id,
          details: { name: key.name, prefix: key.prefix },
        });
        return true;
      });
    },

    idempotency: createIdempotencyStore(db, options.idempotency),
  };
}

export type ApiKeysService = ReturnType<typeof createApiKeysService>;
