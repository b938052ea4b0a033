// /readyz tells a load balancer whether this node can serve: the database answers and its
// migrations are current. It must report an outage, and recover by itself when it ends.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { databaseUrl } from '../support/database.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

async function readiness(server: TestServer) {
  const response = await fetch(`${server.url}/readyz`);
  return { status: response.status, body: (await response.json()) as { status: string; checks: Record<string, boolean> } };
}

async function asAdministrator(run: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl('postgres') });
  await client.connect();
  try {
    await run(client);
  } finally {
    await client.end();
  }
}

describe('readiness', () => {
  let server: TestServer;
  let databaseName: string;
  before(async () => {
    server = await startTestServer();
    databaseName = (await sql<{ name: string }>`select current_database() as name`.execute(server.db)).rows[0]!.name;
  });
  after(() => server.close());

  it('is not ready while a migration this build knows is missing, and ready once it is applied', async () => {
    // A fresh server has not yet seen its migrations current, so it looks each time.
    const fresh = await startTestServer();
    try {
      const applied = (
        await sql<{ name: string; timestamp: string }>`select name, timestamp from kysely_migration`.execute(fresh.db)
      ).rows;
      await sql`delete from kysely_migration`.execute(fresh.db);
      const missing = await readiness(fresh);
      assert.equal(missing.status, 503);
      assert.deepEqual(missing.body, { status: 'not ready', checks: { database: true, migrations: false } });

      const rows = applied.map((row) => sql`(${row.name}, ${row.timestamp})`);
      await sql`insert into kysely_migration (name, timestamp) values ${sql.join(rows)}`.execute(fresh.db);
      assert.equal((await readiness(fresh)).status, 200);
    } finally {
      await fresh.close();
    }
  });

  it('reports a database outage with 503 and recovers by itself when the database is back', async () => {
    assert.equal((await readiness(server)).status, 200);

    // The database stops taking connections and drops the ones it has, as in a restart.
    await asAdministrator(async (client) => {
      await client.query(`alter database ${databaseName} with allow_connections false`);
      await client.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [databaseName]);
    });
    try {
      const outage = await readiness(server);
      assert.equal(outage.status, 503);
      assert.equal(outage.body.checks.database, false);
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200, 'the process itself is still up');
    } finally {
      await asAdministrator((client) => client.query(`alter database ${databaseName} with allow_connections true`));
    }

    const recovered = await readiness(server);
    assert.equal(recovered.status, 200);
    assert.equal((await server.client().get('/staff/sign-in')).status, 200, 'pages work again');
  });
});
