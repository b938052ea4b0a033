// Starting OneDoor: the database (embedded or external) and the assets in parallel, then
// migrations, first-start set-up, background jobs, and the web server. Stopping reverses it:
// stop taking requests and let those in flight finish, stop jobs, then the database.
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { openDatabase, type OpenDatabase } from './db/connect.ts';
import { migrateToLatest } from './db/migrate.ts';
import { seedDemo } from './demo/seedDemo.ts';
import { ensureCouncilAndAdministrator } from './organisations/firstStart.ts';
import { ensureAssetsBuilt } from './platform/assets.ts';
import { StartupError } from './platform/errors.ts';
import { housekeepingJobs, preparePartitions } from './platform/housekeeping.ts';
import { startJobs, type Jobs } from './platform/jobs.ts';
import { notificationJobs } from './platform/notifications/delivery.ts';
import { webhookJobs } from './integration/webhooks/delivery.ts';
import { senderFor } from './platform/notifications/senders.ts';
import { buildServer } from './server.ts';
import { createServices } from './services.ts';
import { casesJobs } from './cases/service.ts';
import { appointmentsJobs } from './appointments/service.ts';
import { complaintsJobs } from './complaints/service.ts';
import { performanceJobs } from './performance/service.ts';
import { imapJobs } from './integration/email/mailbox.ts';

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  /** Milliseconds from the call to start() until the server was listening. */
  readyInMs: number;
  stop(): Promise<void>;
}

export interface StartOutput {
  info(line: string): void;
  warn(line: string): void;
}

export async function start(config: Config, output: StartOutput): Promise<RunningServer> {
  const began = performance.now();
  const [opened, built] = await Promise.allSettled([openDatabase(config, 'server', output.info), ensureAssetsBuilt()]);
  if (opened.status === 'rejected') throw opened.reason;
  const database = opened.value;
  if (built.status === 'rejected') {
    await database.close();
    throw new StartupError(`Could not build the stylesheet and script: ${(built.reason as Error).message.split('\n')[0]}`);
  }
  const manifest = built.value;

  let jobs: Jobs | undefined;
  let app: FastifyInstance | undefined;
  try {
    const applied = await migrateToLatest(database.db);
    if (applied.length > 0) output.info(`Applied ${applied.length} database migration(s)`);
    await preparePartitions(database.db);
    if (config.seedDemo) await seedDemo(database.db, config.dataDir);
    const firstStart = await ensureCouncilAndAdministrator(database.db, {
      dataDir: config.dataDir,
      councilName: config.councilName,
      admin: config.admin,
      warn: output.warn,
    });

    const services = await createServices(database.db, config);
    app = await buildServer(config, services, manifest);
    if (config.runJobs) {
      const notifications = notificationJobs(database.db, senderFor(config.notifications));
      const webhooks = webhookJobs(database.db);
      jobs = await startJobs(
        database.url,
        [
          ...housekeepingJobs(database.db),
          ...notifications.scheduled,
          ...webhooks.scheduled,
          ...casesJobs(services.cases),
          ...complaintsJobs(services.complaints),
          ...appointmentsJobs(services.appointments),
          ...performanceJobs(services.performance),
          ...imapJobs(config.imap, services.inboundEmail, app.log),
        ],
        app.log,
        [...notifications.workers, ...webhooks.workers],
      );
    }
    await listen(app, config);
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
    database.announce(url);

    const readyInMs = Math.round(performance.now() - began);
    printWelcome(config, output, { councilName: firstStart.councilName, credentialsFile: firstStart.credentialsFile, readyInMs });
    return { app, url, readyInMs, stop: stopper(app, jobs, database) };
  } catch (error) {
    await stopper(app, jobs, database)().catch(() => undefined);
    throw error;
  }
}

async function listen(app: FastifyInstance, config: Config): Promise<void> {
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new StartupError(`Port ${config.port} on ${config.host} is already in use: set PORT to a free port`);
    if (code === 'EADDRNOTAVAIL') throw new StartupError(`HOST ${config.host} is not an address of this machine`);
    if (code === 'EACCES') throw new StartupError(`Not allowed to listen on port ${config.port}: set PORT to 1024 or above`);
    throw error;
  }
}

function stopper(app: FastifyInstance | undefined, jobs: Jobs | undefined, database: OpenDatabase): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () =>
    (stopping ??= (async () => {
      await app?.close();
      await jobs?.stop().catch(() => undefined);
      await database.close();
    })());
}

function printWelcome(
  config: Config,
  output: StartOutput,
  facts: { councilName: string; credentialsFile?: string; readyInMs: number },
): void {
  const base = config.publicUrl;
  output.info(`OneDoor is ready for ${facts.councilName} (started in ${(facts.readyInMs / 1000).toFixed(1)} s)`);
  output.info(`  Resident portal:  ${base}/`);
  output.info(`  Staff desktop:    ${base}/staff`);
  if (config.admin) output.info(`  Administrator:    ${config.admin.email} (password from ONEDOOR_ADMIN_PASSWORD)`);
  else if (facts.credentialsFile) output.info(`  Administrator:    see ${facts.credentialsFile}`);
  if (config.seedDemo) output.info(`  Demo accounts:    see ${config.dataDir}/demo-credentials.txt`);
  output.info(
    config.databaseUrl ? '  Database:         DATABASE_URL' : `  Database:         embedded, in ${config.dataDir}/postgres`,
  );
  output.info('Press Ctrl+C to stop.');
}
