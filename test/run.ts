// `npm test`: every test, with Node's own runner, on a real PostgreSQL.
//
// One PostgreSQL serves the whole run: the embedded one (started here in a temporary DATA_DIR)
// or, with TEST_DATABASE_URL set, that server. A template database is migrated once; each test
// file clones its own database from it (CREATE DATABASE ... TEMPLATE), so files run in parallel
// without seeing each other's data. Browser tests run where Chromium is found and are skipped
// elsewhere; REQUIRE_BROWSER=1 makes a missing Chromium a failure. The reliability tests
// (test/reliability) run only with `--reliability`, one file at a time.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createDb } from '../src/db/database.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/db/embedded.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { ensureAssetsBuilt, PROJECT_ROOT } from '../src/platform/assets.ts';

// `--reliability` runs test/reliability instead (processes killed under load: `npm run test:reliability`).
const reliability = process.argv.includes('--reliability');
const patterns = process.argv.slice(2).filter((argument) => argument !== '--reliability');
const RELIABILITY_DIRECTORY = `test${path.sep}reliability${path.sep}`;
const runId = `${Date.now().toString(36)}${crypto.randomBytes(3).toString('hex')}`;
const templateName = `onedoor_test_template_${runId}`;

function findTests(directory: string): string[] {
  return fs.readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : findTests(full);
    return entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

async function main(): Promise<number> {
  const files = [...findTests(path.join(PROJECT_ROOT, 'src')), ...findTests(path.join(PROJECT_ROOT, 'test'))]
    .map((file) => path.relative(PROJECT_ROOT, file))
    .filter((file) => file.startsWith(RELIABILITY_DIRECTORY) === reliability)
    .filter((file) => patterns.length === 0 || patterns.some((pattern) => file.includes(pattern)))
    .sort(slowestFirst);
  if (files.length === 0) {
    console.error(`No test files match ${patterns.join(' ')}`);
    return 1;
  }

  await ensureAssetsBuilt();

  let embedded: EmbeddedPostgres | undefined;
  let dataDir: string | undefined;
  let adminUrl: string;
  if (process.env.TEST_DATABASE_URL) {
    adminUrl = process.env.TEST_DATABASE_URL;
    console.log(`# database: PostgreSQL server at ${new URL(adminUrl).host}`);
  } else {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onedoor-test-db-'));
    embedded = await startEmbeddedPostgres(dataDir, () => undefined);
    adminUrl = embedded.url;
    console.log('# database: embedded PostgreSQL');
  }

  try {
    await withClient(adminUrl, (client) => client.query(`create database ${templateName}`));
    const templateUrl = withDatabase(adminUrl, templateName);
    const { db } = createDb(templateUrl, 1);
    await migrateToLatest(db);
    await db.destroy();

    // The reliability tests run one at a time: each starts, kills and restarts processes of its own.
    const concurrency = reliability
      ? 1
      : Number(process.env.TEST_CONCURRENCY ?? Math.max(2, Math.min(4, os.availableParallelism())));
    return await new Promise<number>((resolve) => {
      const child = spawn(
        process.execPath,
        // A test file that hangs fails after ten minutes instead of holding up the whole run (the
        // lifecycle files start OneDoor a dozen times and take minutes on a busy two-core machine).
        [
          '--import',
          'tsx',
          '--test',
          `--test-concurrency=${concurrency}`,
          '--test-timeout=600000',
          '--test-reporter=spec',
          '--test-reporter-destination=stdout',
          // At the end, the files that took longest: where a slow run's minutes went.
          '--test-reporter=./test/support/slowestFiles.js',
          '--test-reporter-destination=stdout',
          ...files,
        ],
        {
          cwd: PROJECT_ROOT,
          stdio: 'inherit',
          env: {
            ...process.env,
            ONEDOOR_TEST_ADMIN_URL: adminUrl,
            ONEDOOR_TEST_TEMPLATE: templateName,
            ONEDOOR_TEST_RUN: runId,
          },
        },
      );
      // Interrupted (Ctrl+C, CI's time limit): stop the tests, then clean up below.
      const interrupt = () => child.kill('SIGTERM');
      process.once('SIGINT', interrupt);
      process.once('SIGTERM', interrupt);
      child.on('exit', (code, signal) => {
        process.removeListener('SIGINT', interrupt);
        process.removeListener('SIGTERM', interrupt);
        resolve(code ?? (signal ? 1 : 0));
      });
    });
  } finally {
    await dropRunDatabases(adminUrl).catch((error: unknown) =>
      console.error(`# could not clean up: ${(error as Error).message}`),
    );
    await embedded?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

// The files start in this order, the slowest kinds first (each lifecycle file starts OneDoor a
// few times; each browser file drives Chromium): a long file started last would run on alone
// while the other lanes stand idle.
const SLOW_DIRECTORIES = ['test/lifecycle/', 'test/browser/', 'test/http/'].map((directory) =>
  directory.replaceAll('/', path.sep),
);

function slowestFirst(a: string, b: string): number {
  const rank = (file: string) => {
    const index = SLOW_DIRECTORIES.findIndex((directory) => file.startsWith(directory));
    return index === -1 ? SLOW_DIRECTORIES.length : index;
  };
  return rank(a) - rank(b) || a.localeCompare(b);
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function withClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Drops the template and any database a test left behind from this run. */
async function dropRunDatabases(adminUrl: string): Promise<void> {
  await withClient(adminUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      `select datname from pg_database where datname like $1 or datname = $2`,
      [`onedoor_test_${runId}_%`, templateName],
    );
    for (const { datname } of rows) await client.query(`drop database if exists "${datname}" with (force)`);
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
