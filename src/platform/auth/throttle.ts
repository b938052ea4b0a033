// Failed sign-ins, counted per account and per address in PostgreSQL (so every node agrees).
// Too many failures in a window lock that key for a while. Keys exist whether or not the
// account does, so a lockout says nothing about which email addresses have accounts.
import { sql } from 'kysely';
import type { Queryable } from '../../db/database.ts';

export interface ThrottleRule {
  maxFailures: number;
  windowMinutes: number;
  lockMinutes: number;
}

export const ACCOUNT_RULE: ThrottleRule = { maxFailures: 5, windowMinutes: 15, lockMinutes: 15 };
export const ADDRESS_RULE: ThrottleRule = { maxFailures: 20, windowMinutes: 15, lockMinutes: 15 };

export const accountKey = (email: string): string => `account:${email.trim().toLowerCase()}`;
export const addressKey = (ip: string): string => `address:${ip}`;

/** When the latest lock among `keys` ends, or null when none is locked. */
export async function lockedUntil(db: Queryable, keys: string[]): Promise<Date | null> {
  const row = await db
    .selectFrom('sign_in_throttles')
    .select(sql<Date | null>`max(locked_until)`.as('until'))
    .where('key', 'in', keys)
    .where('locked_until', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return row?.until ?? null;
}

export async function recordFailure(db: Queryable, key: string, rule: ThrottleRule): Promise<void> {
  const window = sql`make_interval(mins => ${rule.windowMinutes})`;
  const lock = sql`make_interval(mins => ${rule.lockMinutes})`;
  await sql`
    insert into sign_in_throttles as t (key, failures, window_started_at, locked_until)
    values (${key}, 1, now(), case when 1 >= ${rule.maxFailures} then now() + ${lock} end)
    on conflict (key) do update set
      failures = case when t.window_started_at + ${window} < now() then 1 else t.failures + 1 end,
      window_started_at = case when t.window_started_at + ${window} < now() then now() else t.window_started_at end,
      locked_until = case
        when (case when t.window_started_at + ${window} < now() then 1 else t.failures + 1 end) >= ${rule.maxFailures}
        then now() + ${lock}
        else t.locked_until end,
      updated_at = now()
  `.execute(db);
}

export async function clearFailures(db: Queryable, key: string): Promise<void> {
  await db.deleteFrom('sign_in_throttles').where('key', '=', key).execute();
}

export async function purgeStaleThrottles(db: Queryable): Promise<number> {
  const result = await db
    .deleteFrom('sign_in_throttles')
    .where('updated_at', '<', sql<Date>`now() - interval '1 day'`)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', sql<Date>`now()`)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
