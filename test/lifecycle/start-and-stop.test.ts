// `npm start` from outside: `node bin/onedoor.js start` as a child process with a DATA_DIR and
// PORT of its own, checked by its output, its exit code, HTTP, and the processes it leaves.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  cleanUp,
  embeddedDatabaseUrl,
  embeddedPostgresOf,
  freePort,
  isAlive,
  linesOf,
  newDataDir,
  occupyPort,
  query,
  readAdminCredentials,
  runOneDoor,
  signInOverHttp,
  startOneDoor,
  waitUntilGone,
  type CommandOutcome,
  type OneDoorProcess,
} from './support.ts';

const ADMIN = { email: 'it.admin@lifecycle.example', password: 'rhubarb lantern quarry 42' };
const ADMIN_ENV = { ONEDOOR_ADMIN_EMAIL: ADMIN.email, ONEDOOR_ADMIN_PASSWORD: ADMIN.password };
// Seeding the demo council takes most of a first start: only the tests about the demo have it.
const NO_DEMO = { ONEDOOR_DEMO: '0' };
const ADMIN_ENV_NO_DEMO = { ...ADMIN_ENV, ...NO_DEMO };
const SLOW = { timeout: 300_000 };

/** Stops `server` with `signal` and checks it went cleanly: exit 0, its PostgreSQL gone, its lock removed. */
async function stopCleanly(server: OneDoorProcess, signal: NodeJS.Signals): Promise<void> {
  const postgres = embeddedPostgresOf(server.dataDir);
  assert.equal(postgres.length, 1, 'one embedded PostgreSQL runs for the DATA_DIR before stopping');
  const outcome = await server.stop(signal);
  assert.deepEqual(outcome, { code: 0, signal: null }, `exits 0 on ${signal}\n${server.stdout()}\n${server.stderr()}`);
  assert.match(server.stdout(), /^OneDoor has stopped\.$/m);
  assert.equal(server.stderr(), '', 'nothing on stderr');
  assert.doesNotMatch(server.stdout(), /"level":(50|60)/, 'no error logged while running or stopping');
  assert.equal(isAlive(postgres[0]!.pid), false, 'its PostgreSQL has stopped');
  assert.deepEqual(embeddedPostgresOf(server.dataDir), []);
  assert.equal(fs.existsSync(path.join(server.dataDir, 'onedoor.lock')), false, 'DATA_DIR/onedoor.lock is removed');
}

async function createUserWhileRunning(dataDir: string, email: string, password: string): Promise<void> {
  const created = await runOneDoor(['user', 'create', '--email', email, '--name', 'Rhiannon Price', '--role', 'advisor'], {
    env: { DATA_DIR: dataDir },
    stdin: `${password}\n`,
  });
  assert.equal(created.code, 0, created.stderr);
}

/** How many successful sign-ins the audit trail of the server running on `dataDir` holds. */
async function signInCount(dataDir: string): Promise<number> {
  const [row] = await query<{ n: string }>(
    embeddedDatabaseUrl(dataDir),
    `select count(*) as n from audit_events where action = 'sign_in.success'`,
  );
  return Number(row!.n);
}

function assertOneClearLine(outcome: CommandOutcome, expected: RegExp): void {
  assert.notEqual(outcome.code, 0, 'exits non-zero');
  assert.notEqual(outcome.code, null, 'exits by itself rather than being killed');
  const lines = linesOf(outcome.stderr);
  assert.equal(lines.length, 1, `exactly one line on stderr, got:\n${outcome.stderr}`);
  assert.match(lines[0]!, /^onedoor: /);
  assert.match(lines[0]!, expected);
  assert.ok(
    !outcome.stderr.includes('    at ') && !outcome.stdout.includes('    at '),
    `no stack trace:\n${outcome.stdout}\n${outcome.stderr}`,
  );
}

const startTimes: string[] = [];

describe('onedoor start with the embedded PostgreSQL', () => {
  after(async () => {
    for (const line of startTimes) console.log(`# ${line}`);
    await cleanUp();
  });

  describe('with the demo council, on one DATA_DIR started again and again', () => {
    // Its first test is the first start and the next restarts it: the demo council is seeded once for both.
    const dataDir = newDataDir('first');

    it(
      'on first start serves the portal and staff sign-in, says where everything is, and the administrator from ONEDOOR_ADMIN_* signs in',
      SLOW,
      async () => {
        const port = await freePort();
        const server = startOneDoor({ dataDir, port, env: ADMIN_ENV });
        try {
          const readyInMs = await server.ready();
          startTimes.push(
            `first start (creates the database, migrates, seeds the demo council): ${(readyInMs / 1000).toFixed(1)} s from spawn to /readyz 200`,
          );

          const output = server.stdout();
          assert.ok(output.includes(`http://localhost:${port}/\n`), `prints the portal's address:\n${output}`);
          assert.ok(output.includes(`http://localhost:${port}/staff\n`), `prints the staff desktop's address:\n${output}`);
          assert.ok(output.includes(path.join(dataDir, 'demo-credentials.txt')), 'prints where the demo passwords are');
          assert.ok(fs.existsSync(path.join(dataDir, 'demo-credentials.txt')), 'and they are there');
          assert.ok(output.includes(ADMIN.email), 'names the administrator from ONEDOOR_ADMIN_EMAIL');
          assert.ok(!output.includes(ADMIN.password), 'never prints the password');

          const portal = await fetch(`${server.url}/`);
          assert.equal(portal.status, 200);
          assert.match(portal.headers.get('content-type') ?? '', /text\/html/);

          assert.deepEqual(await signInOverHttp(server.url, ADMIN.email, ADMIN.password), { status: 303, location: '/staff' });
          assert.equal(
            fs.existsSync(path.join(dataDir, 'admin-credentials.txt')),
            false,
            'no generated administrator when one is given',
          );
          await stopCleanly(server, 'SIGTERM');
        } finally {
          await server.stop('SIGKILL');
        }
      },
    );

    it('keeps every record across SIGTERM and a restart, and does not seed the demo council twice', SLOW, async () => {
      const port = await freePort();
      const newcomer = { email: 'rhiannon.price@lifecycle.example', password: 'teapot orchard gravel 7' };
      const first = startOneDoor({ dataDir, port, env: ADMIN_ENV });
      let counts: { organisations: string; staff: string; sign_ins: string };
      try {
        await first.ready();
        await createUserWhileRunning(dataDir, newcomer.email, newcomer.password);
        const signInsBefore = await signInCount(dataDir);
        assert.equal((await signInOverHttp(first.url, ADMIN.email, ADMIN.password)).status, 303);
        [counts] = (await query<typeof counts>(
          embeddedDatabaseUrl(dataDir),
          `select (select count(*) from organisations) as organisations, (select count(*) from staff_users) as staff,
                (select count(*) from audit_events where action = 'sign_in.success') as sign_ins`,
        )) as [typeof counts];
        assert.equal(Number(counts.sign_ins), signInsBefore + 1, 'the sign-in is recorded');
        await stopCleanly(first, 'SIGTERM');
      } finally {
        await first.stop('SIGKILL');
      }

      const second = startOneDoor({ dataDir, port, env: ADMIN_ENV });
      try {
        const readyInMs = await second.ready();
        startTimes.push(`later start (existing DATA_DIR): ${(readyInMs / 1000).toFixed(1)} s from spawn to /readyz 200`);
        assert.doesNotMatch(second.stdout(), /Creating the embedded PostgreSQL database/);
        const [after] = await query<typeof counts & { councils: string }>(
          embeddedDatabaseUrl(dataDir),
          `select (select count(*) from organisations) as organisations, (select count(*) from staff_users) as staff,
                (select count(*) from audit_events where action = 'sign_in.success') as sign_ins,
                (select count(*) from organisations where code = 'severn-marches') as councils`,
        );
        assert.deepEqual(after, { ...counts, councils: '1' });
        assert.deepEqual(await signInOverHttp(second.url, newcomer.email, newcomer.password), {
          status: 303,
          location: '/staff',
        });
        await stopCleanly(second, 'SIGTERM');
      } finally {
        await second.stop('SIGKILL');
      }
    });
  });

  it(
    'without ONEDOOR_ADMIN_*, writes an administrator to DATA_DIR/admin-credentials.txt, prints that path, and those credentials sign in',
    SLOW,
    async () => {
      const dataDir = newDataDir('generated-admin');
      const server = startOneDoor({ dataDir, port: await freePort(), env: NO_DEMO });
      try {
        await server.ready();
        const credentialsFile = path.join(dataDir, 'admin-credentials.txt');
        assert.ok(server.stdout().includes(credentialsFile), `prints ${credentialsFile}:\n${server.stdout()}`);
        assert.equal(fs.statSync(credentialsFile).mode & 0o077, 0, 'readable by its owner only');
        const admin = readAdminCredentials(credentialsFile);
        assert.ok(!server.stdout().includes(admin.password), 'the password is not printed');
        const signedIn = await signInOverHttp(server.url, admin.email, admin.password);
        assert.equal(signedIn.status, 303);
        assert.match(signedIn.location ?? '', /^\/staff/);
        await stopCleanly(server, 'SIGTERM');
      } finally {
        await server.stop('SIGKILL');
      }
    },
  );

  describe('while a server runs on a DATA_DIR', () => {
    let server: OneDoorProcess;
    before(async () => {
      server = startOneDoor({ dataDir: newDataDir('shared'), port: await freePort(), env: ADMIN_ENV_NO_DEMO });
      await server.ready();
    });
    after(() => server.stop('SIGKILL'));

    it('refuses a second server on the same DATA_DIR with one line, and the first keeps serving', SLOW, async () => {
      const postgres = embeddedPostgresOf(server.dataDir);
      const second = startOneDoor({ dataDir: server.dataDir, port: await freePort(), env: ADMIN_ENV_NO_DEMO });
      const outcome = await second.exited;
      assertOneClearLine(
        { code: outcome.code, stdout: second.stdout(), stderr: second.stderr() },
        new RegExp(`^onedoor: OneDoor is already running on DATA_DIR ${server.dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
      );
      assert.match(second.stderr(), new RegExp(`process ${server.pid}`), 'names the running process');

      assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
      assert.deepEqual(embeddedPostgresOf(server.dataDir), postgres, 'the same single PostgreSQL runs');
      const lock = JSON.parse(fs.readFileSync(path.join(server.dataDir, 'onedoor.lock'), 'utf8')) as { pid: number };
      assert.equal(lock.pid, server.pid, 'the lock is still the first server’s');
    });

    it('stops cleanly on SIGINT (Ctrl+C)', SLOW, async () => {
      await stopCleanly(server, 'SIGINT');
      assert.match(server.stdout(), /SIGINT received/);
    });
  });

  describe('on one DATA_DIR, stopped in different ways and started again', () => {
    // Each test leaves it stopped cleanly; only the first one initialises it.
    const dataDir = newDataDir('restarted');

    it(
      'after only the node process was killed, stops the orphaned PostgreSQL at the next start and runs exactly one',
      SLOW,
      async () => {
        const port = await freePort();
        const killed = startOneDoor({ dataDir, port, env: ADMIN_ENV_NO_DEMO });
        await killed.ready();
        const [orphan] = embeddedPostgresOf(dataDir);
        assert.ok(orphan, 'an embedded PostgreSQL runs for the DATA_DIR');
        assert.deepEqual(await killed.stop('SIGKILL'), { code: null, signal: 'SIGKILL' });
        assert.ok(isAlive(orphan.pid), 'its PostgreSQL outlives it');
        assert.deepEqual(embeddedPostgresOf(dataDir), [orphan]);

        const next = startOneDoor({ dataDir, port, env: ADMIN_ENV_NO_DEMO });
        try {
          await next.ready();
          assert.match(
            next.stdout(),
            new RegExp(`Stopping the embedded PostgreSQL left running by an earlier OneDoor \\(process ${orphan.pid}\\)`),
          );
          assert.equal(isAlive(orphan.pid), false, 'the orphan has stopped');
          const running = embeddedPostgresOf(dataDir);
          assert.equal(running.length, 1, `exactly one PostgreSQL for the DATA_DIR: ${JSON.stringify(running)}`);
          assert.notEqual(running[0]!.pid, orphan.pid);
          assert.deepEqual(await signInOverHttp(next.url, ADMIN.email, ADMIN.password), { status: 303, location: '/staff' });
          await stopCleanly(next, 'SIGTERM');
        } finally {
          await next.stop('SIGKILL');
        }
      },
    );

    it('after a crash that kills node and PostgreSQL at once, starts again with committed data intact', SLOW, async () => {
      const port = await freePort();
      const survivor = { email: 'committed.before.crash@lifecycle.example', password: 'lighthouse walnut ferry 9' };
      const crashed = startOneDoor({ dataDir, port, env: ADMIN_ENV_NO_DEMO });
      await crashed.ready();
      await createUserWhileRunning(dataDir, survivor.email, survivor.password);
      const [postgres] = embeddedPostgresOf(dataDir);
      assert.ok(postgres);
      process.kill(postgres.pid, 'SIGKILL');
      crashed.child.kill('SIGKILL');
      await crashed.exited;
      assert.ok(await waitUntilGone(postgres.pid, 10_000), 'PostgreSQL is dead');

      const next = startOneDoor({ dataDir, port, env: ADMIN_ENV_NO_DEMO });
      try {
        await next.ready();
        assert.equal(embeddedPostgresOf(dataDir).length, 1);
        const rows = await query(embeddedDatabaseUrl(dataDir), 'select email from staff_users where email = $1', [
          survivor.email,
        ]);
        assert.equal(rows.length, 1, 'the user committed before the crash is there');
        assert.deepEqual(await signInOverHttp(next.url, survivor.email, survivor.password), { status: 303, location: '/staff' });
        await stopCleanly(next, 'SIGTERM');
      } finally {
        await next.stop('SIGKILL');
      }
    });

    it('starts on another database port when the one it used last time is taken', SLOW, async () => {
      const port = await freePort();
      const first = startOneDoor({ dataDir, port, env: ADMIN_ENV_NO_DEMO });
      try {
        await first.ready();
        await stopCleanly(first, 'SIGTERM');
      } finally {
        await first.stop('SIGKILL');
      }
      const recordedPort = Number(fs.readFileSync(path.join(dataDir, 'postgres.port'), 'utf8').trim());
      assert.ok(recordedPort > 0);

      const squatter = await occupyPort(recordedPort);
      const second = startOneDoor({ dataDir, port, env: ADMIN_ENV_NO_DEMO });
      try {
        await second.ready();
        const newPort = Number(fs.readFileSync(path.join(dataDir, 'postgres.port'), 'utf8').trim());
        assert.notEqual(newPort, recordedPort);
        const [postgres] = embeddedPostgresOf(dataDir);
        assert.match(postgres?.commandLine ?? '', new RegExp(`-p ${newPort}$`));
        assert.deepEqual(await signInOverHttp(second.url, ADMIN.email, ADMIN.password), { status: 303, location: '/staff' });
        await stopCleanly(second, 'SIGTERM');
      } finally {
        await second.stop('SIGKILL');
        await squatter.close();
      }
    });
  });
});

describe('onedoor start refuses a bad start with one clear line and no stack trace', () => {
  after(cleanUp);

  it('when DATA_DIR is a regular file', SLOW, async () => {
    const file = path.join(newDataDir('file'), 'not-a-directory');
    fs.writeFileSync(file, 'just a file\n');
    const outcome = await runOneDoor(['start'], { env: { DATA_DIR: file, PORT: String(await freePort()) } });
    assertOneClearLine(outcome, new RegExp(`DATA_DIR ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not usable`));
    assert.equal(fs.readFileSync(file, 'utf8'), 'just a file\n', 'the file is left alone');
  });

  it('when the database at DATABASE_URL cannot be reached', SLOW, async () => {
    const outcome = await runOneDoor(['start'], {
      env: {
        DATA_DIR: newDataDir('unreachable'),
        PORT: String(await freePort()),
        DATABASE_URL: 'postgres://127.0.0.1:1/nothing',
      },
    });
    assertOneClearLine(outcome, /Cannot reach the database at 127\.0\.0\.1:1\/nothing/);
  });

  it('when DATABASE_URL is not a postgres:// URL', SLOW, async () => {
    const outcome = await runOneDoor(['start'], {
      env: { DATA_DIR: newDataDir('mysql'), PORT: String(await freePort()), DATABASE_URL: 'mysql://x' },
    });
    assertOneClearLine(outcome, /^onedoor: DATABASE_URL is not a valid postgres:\/\/ URL$/);
  });

  it('when PORT is already in use, and it leaves no PostgreSQL running', SLOW, async () => {
    const port = await freePort();
    const squatter = await occupyPort(port);
    const dataDir = newDataDir('busy-port');
    try {
      const outcome = await runOneDoor(['start'], { env: { DATA_DIR: dataDir, PORT: String(port), ...ADMIN_ENV_NO_DEMO } });
      assertOneClearLine(outcome, new RegExp(`^onedoor: Port ${port} .*is already in use`));
      assert.deepEqual(embeddedPostgresOf(dataDir), [], 'the embedded PostgreSQL it started is stopped again');
      assert.equal(fs.existsSync(path.join(dataDir, 'onedoor.lock')), false, 'the lock is released');
    } finally {
      await squatter.close();
    }
  });
});

// This machine's PostgreSQL server (.ci/run starts one), or TEST_DATABASE_URL's.
const SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const serverMissing = await query(SERVER_URL, 'select 1').then(
  () => undefined,
  (error: unknown) => `no PostgreSQL server at ${new URL(SERVER_URL).host} (${(error as Error).message})`,
);

describe('onedoor start with DATABASE_URL', { skip: serverMissing }, () => {
  const name = `onedoor_lifecycle_${crypto.randomBytes(5).toString('hex')}`;
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  before(() => query(SERVER_URL, `create database ${name}`));
  after(async () => {
    await cleanUp();
    await query(SERVER_URL, `drop database if exists ${name} with (force)`);
  });

  it(
    'uses that database, does not seed the demo council, and the administrator from ONEDOOR_ADMIN_* signs in',
    SLOW,
    async () => {
      const dataDir = newDataDir('external');
      const server = startOneDoor({ dataDir, port: await freePort(), env: { ...ADMIN_ENV, DATABASE_URL: url.toString() } });
      try {
        await server.ready();
        assert.match(server.stdout(), /Database: +DATABASE_URL/);
        assert.doesNotMatch(server.stdout(), /Demo accounts/);
        assert.equal(fs.existsSync(path.join(dataDir, 'demo-credentials.txt')), false, 'ONEDOOR_DEMO is off by default');
        assert.deepEqual(embeddedPostgresOf(dataDir), [], 'no embedded PostgreSQL');
        assert.equal(fs.existsSync(path.join(dataDir, 'postgres')), false);

        const organisations = await query<{ code: string }>(url.toString(), 'select code from organisations');
        assert.deepEqual(organisations, [{ code: 'onedoor-council' }], 'only the council made at first start');
        assert.deepEqual(await signInOverHttp(server.url, ADMIN.email, ADMIN.password), { status: 303, location: '/staff' });

        const outcome = await server.stop('SIGTERM');
        assert.deepEqual(outcome, { code: 0, signal: null });
        assert.match(server.stdout(), /^OneDoor has stopped\.$/m);
      } finally {
        await server.stop('SIGKILL');
      }
    },
  );
});
