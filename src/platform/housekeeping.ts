// Routine clearing-up, run by background jobs: expired sessions, counters and API idempotency
// records, and the audit trail's monthly partitions made ready ahead of time. Each is safe to
// run twice.
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { purgeExpiredIdempotencyKeys } from './apiKeys/idempotency.ts';
import type { ScheduledJob } from './jobs.ts';
import { purgeStaleThrottles } from './auth/throttle.ts';
import { purgeExpiredCounters } from './rateLimits.ts';
import { purgeExpiredSessions } from './sessions.ts';

export async function clearExpired(
  db: Db,
): Promise<{ sessions: number; throttles: number; counters: number; idempotencyKeys: number }> {
  return {
    sessions: await purgeExpiredSessions(db),
    throttles: await purgeStaleThrottles(db),
    counters: await purgeExpiredCounters(db),
    idempotencyKeys: await purgeExpiredIdempotencyKeys(db),
  };
}

/** Makes this month's and the next three months' partitions of the partitioned tables. */
export async function preparePartitions(db: Db): Promise<void> {
  for (const table of ['audit_events', 'contacts', 'case_events']) {
    await sql`select ensure_monthly_partitions(${table}, current_date, 4)`.execute(db);
  }
}

export function housekeepingJobs(db: Db): ScheduledJob[] {
  return [
    { name: 'platform.clear-expired', cron: '*/15 * * * *', run: () => clearExpired(db) },
    { name: 'platform.prepare-partitions', cron: '17 3 * * *', run: () => preparePartitions(db) },
  ];
}
