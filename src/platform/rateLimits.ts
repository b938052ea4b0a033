// Fixed-window request counters shared by every node, for @fastify/rate-limit.
import { sql } from 'kysely';
import type { Queryable } from '../db/database.ts';

export interface Hit {
  current: number;
  /** Milliseconds until the window ends. */
  ttl: number;
}

export async function countHit(db: Queryable, key: string, windowMs: number): Promise<Hit> {
  const result = await sql<{ count: number; ttl: number }>`
    insert into rate_limit_counters as c (key, count, window_ends_at)
    values (${key}, 1, now() + make_interval(secs => ${windowMs / 1000}))
    on conflict (key) do update set
      count = case when c.window_ends_at <= now() then 1 else c.count + 1 end,
      window_ends_at = case when c.window_ends_at <= now()
        then now() + make_interval(secs => ${windowMs / 1000}) else c.window_ends_at end,
      updated_at = now()
    returning count, greatest(0, ceil(extract(epoch from window_ends_at - now()) * 1000))::int as ttl
  `.execute(db);
  const row = result.rows[0]!;
  return { current: row.count, ttl: row.ttl };
}

export async function purgeExpiredCounters(db: Queryable): Promise<number> {
  const result = await db
    .deleteFrom('rate_limit_counters')
    .where('window_ends_at', '<', sql<Date>`now()`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
