// Background work through pg-boss, kept behind this small interface (pg-boss does not migrate
// its own schema across major versions). Delivery is at least once: every handler is idempotent.
//
// Two kinds of work: scheduled jobs (a cron expression) and queue workers (jobs put on a named
// queue by `enqueue`, retried by pg-boss when the handler throws).
import { CompiledQuery, sql, type RawBuilder } from 'kysely';
import PgBoss from 'pg-boss';
import type { Queryable } from '../db/database.ts';

const SCHEMA = 'pgboss';

export interface ScheduledJob {
  name: string;
  /** Cron expression, in UTC. */
  cron: string;
  run(): Promise<unknown>;
}

/** What a queue worker is told about the job in hand. */
export interface JobInHand {
  id: string;
  /** How many times this job has been retried before (0 on its first run). */
  retryCount: number;
  retryLimit: number;
}

export interface QueueWorker<Data extends object = Record<string, unknown>> {
  /** The queue's name, e.g. `notifications.send`. */
  name: string;
  /** Retries after a throw: how many, the first delay in seconds, and whether delays grow exponentially. */
  retry: { limit: number; delaySeconds: number; backoff: boolean };
  /** How long a run may take before pg-boss counts it as failed and retries it. */
  expireInSeconds?: number;
  /** How often an idle worker looks for new jobs (pg-boss's default is 2 s). */
  pollingIntervalSeconds?: number;
  /** Throw to have the job retried (while retries remain). */
  handle(data: Data, job: JobInHand): Promise<void>;
}

export interface Jobs {
  stop(): Promise<void>;
}

export async function startJobs(
  connectionString: string,
  scheduled: ScheduledJob[],
  log: { error(object: unknown, message: string): void },
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- workers of differing data shapes
  workers: QueueWorker<any>[] = [],
): Promise<Jobs> {
  const boss = new PgBoss({ connectionString, schema: SCHEMA, max: 4, application_name: 'onedoor-jobs' });
  // Once stopping, PostgreSQL closing pg-boss's last connections is expected, not an error.
  let stopping = false;
  boss.on('error', (error) => {
    if (!stopping) log.error({ err: error }, 'background jobs: error');
  });
  await boss.start();
  // Queues first, so that jobs enqueued by one part for another's queue are never dropped.
  for (const worker of workers) {
    const queue = {
      name: worker.name,
      retryLimit: worker.retry.limit,
      retryDelay: worker.retry.delaySeconds,
      retryBackoff: worker.retry.backoff,
      ...(worker.expireInSeconds ? { expireInSeconds: worker.expireInSeconds } : {}),
    };
    // createQueue keeps an existing queue's settings: bring them up to date too.
    await boss.createQueue(worker.name, queue);
    await boss.updateQueue(worker.name, queue);
  }
  for (const job of scheduled) {
    await boss.createQueue(job.name);
    await boss.schedule(job.name, job.cron);
    await boss.work(job.name, async () => {
      await job.run();
    });
  }
  for (const worker of workers) {
    await boss.work<Record<string, unknown>>(
      worker.name,
      { includeMetadata: true, batchSize: 1, pollingIntervalSeconds: worker.pollingIntervalSeconds ?? 2 },
      async ([job]) => {
        if (!job) return;
        await worker.handle(job.data, { id: job.id, retryCount: job.retryCount, retryLimit: job.retryLimit });
      },
    );
  }
  return {
    async stop() {
      stopping = true;
      await boss.stop({ graceful: true, timeout: 10_000, wait: true });
    },
  };
}

// pg-boss builds its insert from its own plans; this instance is never started and never
// connects: `enqueue` hands it the caller's connection for each send.
const enqueuer = new PgBoss({
  schema: SCHEMA,
  db: { executeSql: () => Promise.reject(new Error('enqueue runs on the caller’s connection')) },
});

/**
 * Whether pg-boss's tables exist on the database, as an expression to fold into a query the
 * caller sends anyway (saving `enqueue` a round trip of its own): see `enqueue`'s option.
 */
export function jobTablesPresent(): RawBuilder<boolean> {
  return sql<boolean>`to_regclass(${`${SCHEMA}.queue`}) is not null`;
}

/**
 * Puts a job on queue `name` through `db`: pass the transaction of the change that calls for it,
 * and the job exists exactly when the change commits. `id` (a UUID) makes the job idempotent:
 * while a job with that id is waiting, running or kept, enqueuing it again does nothing.
 * `jobTablesPresent` is the answer of `jobTablesPresent()` asked on the same `db` by the caller,
 * when it has it; otherwise `enqueue` asks.
 *
 * Returns the job's id, or null when nothing was enqueued: a job with that id is there already,
 * the queue does not exist yet, or background jobs have never run on this database. Work that
 * must happen regardless is found again by its own sweep (see notifications' delivery).
 */
export async function enqueue(
  db: Queryable,
  name: string,
  data: object,
  options: { id?: string; jobTablesPresent?: boolean } = {},
): Promise<string | null> {
  const { jobTablesPresent: known, ...sendOptions } = options;
  // Before pg-boss's first start on a database its tables do not exist, and an insert into them
  // would abort the caller's transaction. (Asked each time: one process may serve several databases, as tests do.)
  const present =
    known ?? (await sql<{ present: boolean }>`select ${jobTablesPresent()} as present`.execute(db)).rows[0]?.present;
  if (!present) return null;
  const onCallersConnection = {
    async executeSql(text: string, values: unknown[]) {
      const result = await db.executeQuery(CompiledQuery.raw(text, values));
      return { rows: result.rows as unknown[] };
    },
  };
  return await enqueuer.send(name, data, { ...sendOptions, db: onCallersConnection });
}
