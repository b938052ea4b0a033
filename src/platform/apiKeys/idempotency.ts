// Idempotency-Key on the JSON API's POST requests: the first answer is kept for 24 hours and
// given again to a retry, so that a client that lost an answer (a timeout, a dropped connection,
// a server that died) may safely send the same request again. The key is claimed before the
// request runs, so two copies sent at once do the work once.
import crypto from 'node:crypto';
import type { Db } from '../../db/database.ts';
import { beginUnitOfWork } from '../../db/unitOfWork.ts';
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

/** A claimed key's request, running inside one transaction with the answer it will keep. */
export interface IdempotentAttempt {
  /** Runs the request's work inside the attempt's transaction. */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Keeps the answer and commits it with the work; throws (having kept nothing) if the commit fails. */
  complete(response: StoredResponse): Promise<void>;
  /** Undoes the work and frees the key for another try. */
  abandon(): Promise<void>;
}

export type ClaimOutcome =
  /** This request runs: do its work in `attempt.run`, then `complete` or `abandon` it. */
  | { kind: 'claimed'; attempt: IdempotentAttempt }
  /** The same request was answered before: give this answer again. */
  | { kind: 'replay'; response: StoredResponse }
  /** The key was used for a different request. */
  | { kind: 'mismatch' }
  /** The same request is still being answered elsewhere. */
  | { kind: 'in_progress' };

export interface IdempotencyOptions {
  /** How long a copy waits for the first request's answer before it is told to try later. */
  waitMs?: number;
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

// The claim is a row inserted in a transaction that stays open while the request runs (a unit of
// work, src/db/unitOfWork.ts): the request's own changes and the answer kept under the key commit
// with it. A copy arriving meanwhile waits on the uncommitted row (up to `waitMs`), then finds the
// answer, or the key free again if the first request failed. A node that dies mid-request leaves
// no claim and no change behind, so the client's retry simply runs the request.
export function createIdempotencyStore(db: Db, options: IdempotencyOptions = {}) {
  const waitMs = options.waitMs ?? 5_000;

  return {
    async claim(apiKeyId: string, key: string, request: RequestFingerprint): Promise<ClaimOutcome> {
      const requestHash = bodyHash(request.body);
      const unit = await beginUnitOfWork(db);
      let claimed: boolean;
      try {
        claimed = await unit.run(() =>
          repo.claimIdempotencyKey(db, {
            apiKeyId,
            key,
            method: request.method,
            path: request.path,
            requestHash,
            waitMs,
          }),
        );
      } catch (error) {
        await unit.rollback();
        if (isLockTimeout(error)) return { kind: 'in_progress' };
        throw error;
      }
      if (claimed) {
        return {
          kind: 'claimed',
          attempt: {
            run: (work) => unit.run(work),
            async complete(response) {
              try {
                await unit.run(() => repo.saveIdempotentResponse(db, apiKeyId, key, response));
                await unit.commit();
              } catch (error) {
                await unit.rollback();
                throw error;
              }
            },
            abandon: () => unit.rollback(),
          },
        };
      }
      await unit.rollback();
      const record = await repo.findIdempotencyRecord(db, apiKeyId, key);
      // Freed between the two statements by a request that failed: this one may try again.
      if (!record) return { kind: 'in_progress' };
      if (record.requestMethod !== request.method || record.requestPath !== request.path || record.requestHash !== requestHash) {
        return { kind: 'mismatch' };
      }
      if (record.responseStatus === null) return { kind: 'in_progress' };
      return {
        kind: 'replay',
        response: { status: record.responseStatus, contentType: record.responseContentType, body: record.responseBody ?? '' },
      };
    },
  };
}

function isLockTimeout(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '55P03';
}

export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;

export async function purgeExpiredIdempotencyKeys(db: Db): Promise<number> {
  return await repo.purgeExpiredIdempotencyKeys(db);
}
