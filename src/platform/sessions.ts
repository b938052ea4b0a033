// Server-side sessions in PostgreSQL, as a store for @fastify/session. Rows are keyed by the
// SHA-256 of the session id. A session ends after `idleMs` without a request or `absoluteMs`
// after it began, whichever comes first; both are enforced here, not by the cookie.
import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { Db, Queryable } from '../db/database.ts';

export interface SessionTimeouts {
  idleMs: number;
  absoluteMs: number;
}

/** What OneDoor keeps in a session (alongside @fastify/session's own cookie record). */
export interface SessionData {
  /** The signed-in member of staff. */
  userId?: string;
  /** The signed-in resident (a portal account), kept apart from staff. */
  residentAccountId?: string;
  startedAt?: number;
  lastSeenAt?: number;
}

type Callback<T = void> = (error?: Error | null, value?: T) => void;

export function sessionKey(sessionId: string): string {
  return crypto.createHash('sha256').update(sessionId).digest('hex');
}

export class PostgresSessionStore {
  constructor(
    private readonly db: Db,
    private readonly timeouts: SessionTimeouts,
  ) {}

  get(sessionId: string, callback: Callback<SessionData | null>): void {
    this.db
      .selectFrom('sessions')
      .select('data')
      .where('id', '=', sessionKey(sessionId))
      .where('expires_at', '>', sql<Date>`now()`)
      .executeTakeFirst()
      .then((row) => callback(null, (row?.data as SessionData | undefined) ?? null), callback);
  }

  set(sessionId: string, session: SessionData & object, callback: Callback): void {
    const now = Date.now();
    session.startedAt ??= now;
    session.lastSeenAt ??= now;
    const expiresAt = new Date(Math.min(session.lastSeenAt + this.timeouts.idleMs, session.startedAt + this.timeouts.absoluteMs));
    const row = {
      id: sessionKey(sessionId),
      user_id: typeof session.userId === 'string' ? session.userId : null,
      resident_account_id: typeof session.residentAccountId === 'string' ? session.residentAccountId : null,
      data: JSON.stringify(session),
      expires_at: expiresAt,
    };
    this.db
      .insertInto('sessions')
      .values(row)
      .onConflict((conflict) =>
        conflict.column('id').doUpdateSet({
          user_id: row.user_id,
          resident_account_id: row.resident_account_id,
          data: row.data,
          expires_at: row.expires_at,
          updated_at: sql<Date>`now()`,
        }),
      )
      .execute()
      .then(() => callback(), callback);
  }

  destroy(sessionId: string, callback: Callback): void {
    this.db
      .deleteFrom('sessions')
      .where('id', '=', sessionKey(sessionId))
      .execute()
      .then(() => callback(), callback);
  }
}

/** Signs someone out everywhere: used when they are deactivated or their password is reset. */
export async function endSessionsOf(db: Queryable, userId: string): Promise<number> {
  const result = await db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Signs a resident out everywhere (their password was reset), but for the session `exceptKey` if given. */
export async function endResidentSessions(db: Queryable, accountId: string, exceptKey?: string): Promise<number> {
  let query = db.deleteFrom('sessions').where('resident_account_id', '=', accountId);
  if (exceptKey) query = query.where('id', '<>', exceptKey);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function purgeExpiredSessions(db: Queryable): Promise<number> {
  const result = await db
    .deleteFrom('sessions')
    .where('expires_at', '<=', sql<Date>`now()`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
