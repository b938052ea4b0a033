// A fresh database for one test file, cloned from the run's migrated template (see test/run.ts).
import crypto from 'node:crypto';
import pg from 'pg';
import { createDb, type Db } from '../../src/db/database.ts';

export interface TestDatabase {
  url: string;
  db: Db;
  drop(): Promise<void>;
}

function settings() {
  const adminUrl = process.env.ONEDOOR_TEST_ADMIN_URL;
  const template = process.env.ONEDOOR_TEST_TEMPLATE;
  const run = process.env.ONEDOOR_TEST_RUN;
  if (!adminUrl || !template || !run) throw new Error('Run the tests with `npm test` (test/run.ts prepares the database)');
  return { adminUrl, template, run };
}

export function databaseUrl(name: string): string {
  const url = new URL(settings().adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: settings().adminUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** An empty database with no migrations applied (for testing readiness and migrations). */
export async function emptyDatabase(): Promise<TestDatabase> {
  return await createDatabase(undefined);
}

/** A migrated, empty database of its own. `drop()` it when done; the runner drops any left over. */
export async function freshDatabase(): Promise<TestDatabase> {
  return await createDatabase(settings().template);
}

async function createDatabase(template: string | undefined): Promise<TestDatabase> {
  const name = `onedoor_test_${settings().run}_${crypto.randomBytes(5).toString('hex')}`;
  for (let attempt = 0; ; attempt++) {
    try {
      await admin((client) => client.query(`create database ${name}${template ? ` template ${template}` : ''}`));
      break;
    } catch (error) {
      // Two clones of one template at the same instant can collide; try again.
      if (attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * (attempt + 1)));
    }
  }
  const url = databaseUrl(name);
  const { db } = createDb(url, 5);
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    await db.destroy();
    await admin((client) => client.query(`drop database if exists ${name} with (force)`));
  };
  return { url, db, drop };
}
