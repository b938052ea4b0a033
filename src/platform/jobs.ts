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
  /** How many jobs of the queue this node runs at once (1 unless said): for handlers that wait on others, such as HTTP calls. */
  concurrency?: number;
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
  options: {
    /** How often pg-boss looks for jobs whose worker died (past their expiry) to retry them; its default is 120 s. */
    maintenanceIntervalSeconds?: number;
  } = {},
): Promise<Jobs> {
  survivePgBossConnectionLoss(log);
  const boss = new PgBoss({
    connectionString,
    schema: SCHEMA,
    max: 4,
    application_name: 'onedoor-jobs',
    ...(options.maintenanceIntervalSeconds ? { maintenanceIntervalSeconds: options.maintenanceIntervalSeconds } : {}),
  });
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
    // Each `work` is one job at a time; several of them run the queue's jobs side by side.
    for (let copy = 0; copy < Math.max(1, worker.concurrency ?? 1); copy++) {
      // Filled in once `work` answers; a job may arrive before that (then nothing is hurried).
      const registered: { workerId?: string } = {};
      registered.workerId = await boss.work<Record<string, unknown>>(
        worker.name,
        { includeMetadata: true, batchSize: 1, pollingIntervalSeconds: worker.pollingIntervalSeconds ?? 2 },
        async ([job]) => {
          if (!job) return;
          try {
            await worker.handle(job.data, { id: job.id, retryCount: job.retryCount, retryLimit: job.retryLimit });
          } finally {
            // pg-boss waits its polling interval after every fetch, even one that found a job:
            // one job every 2 seconds. Having found one, look for the next at once instead; the
            // interval then applies only once the queue is empty.
            if (registered.workerId) boss.notifyWorker(registered.workerId);
          }
        },
      );
    }
  }
  return {
    async stop() {
      stopping = true;
      await boss.stop({ graceful: true, timeout: 10_000, wait: true });
    },
  };
}

/** Whether `error` says the database could not be reached or dropped the connection (rather than refused a statement). */
export function isConnectionFailure(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (
    typeof code === 'string' &&
    (/^(08|57P0)/.test(code) || ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(code))
  )
    return true;
  return typeof message === 'string' && /^Connection terminated|timeout exceeded when trying to connect/i.test(message);
}

let guarding = false;

/**
 * pg-boss 10 does not await the calls that record a job as completed or failed, so with the
 * database away (restarted, failed over) they reject with nobody listening, and Node ends the
 * process. Those rejections, and only those (the connection lost), are logged instead: the job is
 * run again after its expiry, which is safe since every handler is idempotent. Any other
 * unhandled rejection still ends the process, as before.
 */
function survivePgBossConnectionLoss(log: { error(object: unknown, message: string): void }): void {
  if (guarding) return;
  guarding = true;
  process.on('unhandledRejection', (reason) => {
    if (!isConnectionFailure(reason)) throw reason;
    log.error({ err: reason }, 'background jobs: the database could not be reached');
  });
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

/**
 * Of the jobs `ids` on queue `name`, those still to run: waiting, waiting to retry, or running.
 * A sweep that finds work left undone asks this before it enqueues the work again under a new id
 * (an id whose job has finished, failed or been kept would make `enqueue` a no-op).
 */
export async function jobsStillToRun(db: Queryable, name: string, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { rows } = await sql<{ present: boolean }>`select ${jobTablesPresent()} as present`.execute(db);
  if (!rows[0]?.present) return new Set();
  const live = await sql<{ id: string }>`
    select id::text as id from ${sql.table(`${SCHEMA}.job`)}
    where name = ${name} and id = any(${[...ids]}::uuid[]) and state in ('created', 'retry', 'active')
  `.execute(db);
  return new Set(live.rows.map((row) => row.id));
}
