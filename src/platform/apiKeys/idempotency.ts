// Idempotency-Key on the JSON API's POST requests: the first answer is kept for 24 hours and
// given again to a retry, so that a client that lost an answer (a timeout, a dropped connection)
// may safely send the same request again. The key is claimed before the request runs, so two
// copies sent at once do the work once.
import crypto from 'node:crypto';
import type { Db } from '../../db/database.ts';
import * as repo from './repo.ts';

export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** What makes two requests "the same": method, path and body. */
export interface RequestFingerprint {
  method: string;
  path: string;
  body: unknown;
}

export interface StoredResponse {
  status: number;
  contentType: string | null;
  body: string;
}

export type ClaimOutcome =
  /** This request runs; call `complete` (or `release`) with its answer. */
  | { kind: 'claimed' }
  /** The same request was answered before: give this answer again. */
  | { kind: 'replay'; response: StoredResponse }
  /** The key was used for a different request. */
  | { kind: 'mismatch' }
  /** The same request is still being answered elsewhere. */
  | { kind: 'in_progress' };

export interface IdempotencyOptions {
  /** How long a copy waits for the first request's answer before it is told to try later. */
  waitMs?: number;
  pollMs?: number;
  /** A claim not finished after this long is taken to be abandoned (its node stopped). */
  abandonedAfterSeconds?: number;
}

/** The same for the same JSON whatever the order of its properties. */
export function bodyHash(body: unknown): string {
  return crypto
    .createHash('sha256')
    .update(canonicalJson(body ?? null))
    .digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([name, item]) => `${JSON.stringify(name)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Printable ASCII, 1 to 255 characters (a UUID is the usual choice). */
export function isValidIdempotencyKey(key: string): boolean {
  return key.length > 0 && key.length <= MAX_IDEMPOTENCY_KEY_LENGTH && /^[\x21-\x7e]+$/.test(key);
}

export function createIdempotencyStore(db: Db, options: IdempotencyOptions = {}) {
  const waitMs = options.waitMs ?? 5_000;
  const pollMs = options.pollMs ?? 50;
  const abandonedAfterSeconds = options.abandonedAfterSeconds ?? 120;

  return {
    async claim(apiKeyId: string, key: string, request: RequestFingerprint): Promise<ClaimOutcome> {
      const requestHash = bodyHash(request.body);
      const deadline = Date.now() + waitMs;
      for (;;) {
        const claimed = await repo.claimIdempotencyKey(db, {
          apiKeyId,
          key,
          method: request.method,
          path: request.path,
          requestHash,
          abandonedAfterSeconds,
        });
        if (claimed) return { kind: 'claimed' };
        const record = await repo.findIdempotencyRecord(db, apiKeyId, key);
        // Gone between the two statements (released or expired): try to claim it again.
        if (!record) {
          if (Date.now() >= deadline) return { kind: 'in_progress' };
          continue;
        }
        if (
          record.requestMethod !== request.method ||
          record.requestPath !== request.path ||
          record.requestHash !== requestHash
        ) {
          return { kind: 'mismatch' };
        }
        if (record.responseStatus !== null) {
          return {
            kind: 'replay',
            response: { status: record.responseStatus, contentType: record.responseContentType, body: record.responseBody ?? '' },
          };
        }
        if (Date.now() >= deadline) return { kind: 'in_progress' };
        await new Promise((resolve) => setTimeout(resolve, pollMs));
      }
    },

    async complete(apiKeyId: string, key: string, response: StoredResponse): Promise<void> {
      await repo.saveIdempotentResponse(db, apiKeyId, key, response);
    },

    async release(apiKeyId: string, key: string): Promise<void> {
      await repo.releaseIdempotencyKey(db, apiKeyId, key);
    },
  };
}

export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;

export async function purgeExpiredIdempotencyKeys(db: Db): Promise<number> {
  return await repo.purgeExpiredIdempotencyKeys(db);
}
