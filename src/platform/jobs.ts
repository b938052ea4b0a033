// Background work through pg-boss, kept behind this small interface (pg-boss does not migrate
// its own schema across major versions). Delivery is at least once: every handler is idempotent.
import PgBoss from 'pg-boss';

export interface ScheduledJob {
  name: string;
  /** Cron expression, in UTC. */
  cron: string;
  run(): Promise<unknown>;
}

export interface Jobs {
  stop(): Promise<void>;
}

export async function startJobs(
  connectionString: string,
  scheduled: ScheduledJob[],
  log: { error(object: unknown, message: string): void },
): Promise<Jobs> {
  const boss = new PgBoss({ connectionString, schema: 'pgboss', max: 4, application_name: 'onedoor-jobs' });
  // Once stopping, PostgreSQL closing pg-boss's last connections is expected, not an error.
  let stopping = false;
  boss.on('error', (error) => {
    if (!stopping) log.error({ err: error }, 'background jobs: error');
  });
  await boss.start();
  for (const job of scheduled) {
    await boss.createQueue(job.name);
    await boss.schedule(job.name, job.cron);
    await boss.work(job.name, async () => {
      await job.run();
    });
  }
  return {
    async stop() {
      stopping = true;
      await boss.stop({ graceful: true, timeout: 10_000, wait: true });
    },
  };
}
