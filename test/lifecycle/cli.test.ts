// The `onedoor` command from outside: `node bin/onedoor.js ...` (what `npx onedoor` runs) as a
// child process, against a database of its own or beside a running server on the same DATA_DIR.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createAuthService } from '../../src/platform/auth/service.ts';
import { aStaffMember } from '../support/builders.ts';
import { emptyDatabase, freshDatabase, type TestDatabase } from '../support/database.ts';
import {
  cleanUp,
  embeddedPostgresOf,
  freePort,
  linesOf,
  newDataDir,
  runOneDoor,
  signInOverHttp,
  startOneDoor,
  theDemoCouncilsOrganisations,
  type CommandOutcome,
  type OneDoorProcess,
} from './support.ts';

const SLOW = { timeout: 300_000 };

/** Exit 2 (bad input) with exactly one `onedoor: ...` line on stderr and no stack trace. */
function assertRefused(outcome: CommandOutcome, expected: RegExp): void {
  assert.equal(outcome.code, 2, `exits 2\n${outcome.stdout}\n${outcome.stderr}`);
  const lines = linesOf(outcome.stderr);
  assert.equal(lines.length, 1, `one line on stderr, got:\n${outcome.stderr}`);
  assert.match(lines[0]!, /^onedoor: /);
  assert.match(lines[0]!, expected);
  assert.ok(!outcome.stderr.includes('    at '), 'no stack trace');
}

describe('onedoor help', { concurrency: true }, () => {
  it('--help exits 0 and lists start, migrate, seed demo and user create', SLOW, async () => {
    const outcome = await runOneDoor(['--help']);
    assert.equal(outcome.code, 0);
    for (const command of ['start', 'migrate', 'seed demo', 'user create']) {
      assert.match(outcome.stdout, new RegExp(`^ +${command}\\b`, 'm'), `lists ${command}`);
    }
    assert.equal(outcome.stderr, '');
  });

  it('with no command, shows the help and exits non-zero', SLOW, async () => {
    const outcome = await runOneDoor([]);
    assert.notEqual(outcome.code, 0);
    assert.match(outcome.stdout, /^Usage: onedoor <command>/);
    assert.match(outcome.stdout, /^ +user create\b/m);
  });

  it('refuses an unknown command with exit 2 and one line', SLOW, async () => {
    const outcome = await runOneDoor(['frobnicate']);
    assertRefused(outcome, /^onedoor: unknown command "frobnicate"/);
  });
});

describe('onedoor migrate', () => {
  let database: TestDatabase;
  before(async () => {
    database = await emptyDatabase();
  });
  after(async () => {
    await database.drop();
    await cleanUp();
  });

  it('applies the migrations to an empty database, and then says it is up to date', SLOW, async () => {
    const env = { DATABASE_URL: database.url, DATA_DIR: newDataDir('migrate') };
    const first = await runOneDoor(['migrate'], { env });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^Applied: 0001_platform/m);
    const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(database.db);
    assert.deepEqual(applied.rows.map((row) => row.name).slice(0, 1), ['0001_platform']);
    const tables = await sql<{ table: string | null }>`select to_regclass('staff_users')::text as table`.execute(database.db);
    assert.deepEqual(tables.rows, [{ table: 'staff_users' }], 'the tables exist');

    const second = await runOneDoor(['migrate'], { env });
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout.trim(), 'The database is up to date.');
  });
});

describe('onedoor seed demo', () => {
  let database: TestDatabase;
  before(async () => {
    database = await freshDatabase();
  });
  after(async () => {
    await database.drop();
    await cleanUp();
  });

  async function count(table: 'staff_users' | 'organisations' | 'teams' | 'sites'): Promise<number> {
    const row = await database.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  it('loads the demo council once: a second run adds nothing', SLOW, async () => {
    const dataDir = newDataDir('seed');
    const env = { DATABASE_URL: database.url, DATA_DIR: dataDir };
    const first = await runOneDoor(['seed', 'demo'], { env });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /Demo council loaded: 7 demo account\(s\); passwords in .*demo-credentials\.txt/);
    const counts = {
      staff: await count('staff_users'),
      organisations: await count('organisations'),
      teams: await count('teams'),
      sites: await count('sites'),
    };
    assert.deepEqual(counts, { staff: 7, organisations: 5, teams: 13, sites: 3 });
    const credentials = fs.readFileSync(path.join(dataDir, 'demo-credentials.txt'), 'utf8');

    const second = await runOneDoor(['seed', 'demo'], { env });
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout.trim(), 'The demo council is already loaded.');
    assert.deepEqual(
      {
        staff: await count('staff_users'),
        organisations: await count('organisations'),
        teams: await count('teams'),
        sites: await count('sites'),
      },
      counts,
    );
    assert.equal(
      fs.readFileSync(path.join(dataDir, 'demo-credentials.txt'), 'utf8'),
      credentials,
      'the passwords file is unchanged',
    );
  });

  it('refuses "seed" without "demo"', SLOW, async () => {
    assertRefused(await runOneDoor(['seed'], { env: { DATABASE_URL: database.url } }), /usage: onedoor seed demo/);
  });
});

describe('onedoor user create', () => {
  const password = 'marmalade tugboat violin 3';
  let database: TestDatabase;
  let env: Record<string, string>;
  before(async () => {
    database = await freshDatabase();
    // A council, a partner agency and one account already there: all these cases need.
    await theDemoCouncilsOrganisations(database.db);
    await aStaffMember(database.db, { roles: ['advisor'], email: 'advisor@severn-marches.example', name: 'Priya Shah' });
    env = { DATABASE_URL: database.url, DATA_DIR: newDataDir('user-create') };
  });
  after(async () => {
    await database.drop();
    await cleanUp();
  });

  function createUser(args: string[], stdin = `${password}\n`): Promise<CommandOutcome> {
    return runOneDoor(['user', 'create', ...args], { env, stdin });
  }

  async function staffCount(): Promise<number> {
    const row = await database.db
      .selectFrom('staff_users')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async function account(email: string) {
    return await database.db
      .selectFrom('staff_users')
      .innerJoin('organisations', 'organisations.id', 'staff_users.organisation_id')
      .select(['staff_users.roles', 'staff_users.name', 'staff_users.must_change_password', 'organisations.code as organisation'])
      .where('staff_users.email', '=', email)
      .executeTakeFirst();
  }

  it('creates an account in the council with the password from standard input, and it can sign in', SLOW, async () => {
    const outcome = await createUser(['--email', 'Nia.Jones@Severn-Marches.example', '--name', 'Nia Jones', '--role', 'advisor']);
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.match(
      outcome.stdout,
      /^Created nia\.jones@severn-marches\.example \(advisor\) in Severn Marches District Council: [0-9a-f-]{36}$/m,
    );
    assert.ok(!outcome.stdout.includes(password), 'the password is not echoed');
    assert.deepEqual(await account('nia.jones@severn-marches.example'), {
      roles: ['advisor'],
      name: 'Nia Jones',
      must_change_password: false,
      organisation: 'severn-marches',
    });
    const signIn = await createAuthService(database.db).signIn({
      email: 'nia.jones@severn-marches.example',
      password,
      ip: '127.0.0.1',
    });
    assert.equal(signIn.kind, 'signedIn');
  });

  it('puts the account in a partner agency given by --org', SLOW, async () => {
    const outcome = await createUser([
      '--email',
      'pc.lloyd@marches-police.example',
      '--name',
      'Dylan Lloyd',
      '--role',
      'partner_worker',
      '--org',
      'marches-police',
    ]);
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.match(outcome.stdout, /in West Marches Police/);
    assert.equal((await account('pc.lloyd@marches-police.example'))?.organisation, 'marches-police');
  });

  it('gives every role in a comma-separated --role', SLOW, async () => {
    const outcome = await createUser([
      '--email',
      'two.hats@severn-marches.example',
      '--name',
      'Gwen Two-Hats',
      '--role',
      'advisor,officer',
    ]);
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.deepEqual((await account('two.hats@severn-marches.example'))?.roles, ['advisor', 'officer']);
  });

  describe('refuses bad input with exit 2, one clear line, and nothing saved', { concurrency: true }, () => {
    const cases: { what: string; args: string[]; stdin?: string; expected: RegExp }[] = [
      {
        what: 'an email address that is not one',
        args: ['--email', 'not-an-email', '--name', 'Al Bad', '--role', 'advisor'],
        expected: /--email must be an email address/,
      },
      {
        what: 'an unknown role',
        args: ['--email', 'wizard@severn-marches.example', '--name', 'Merlin', '--role', 'wizard'],
        expected: /unknown role wizard/,
      },
      {
        what: 'a missing --name',
        args: ['--email', 'nameless@severn-marches.example', '--role', 'advisor'],
        expected: /--name is required/,
      },
      {
        what: 'a missing --role',
        args: ['--email', 'roleless@severn-marches.example', '--name', 'Ro Less'],
        expected: /--role is required/,
      },
      {
        what: 'an unknown option',
        args: ['--email', 'x@severn-marches.example', '--name', 'X', '--role', 'advisor', '--colour', 'red'],
        expected: /colour/,
      },
      {
        what: 'a common password',
        args: ['--email', 'common@severn-marches.example', '--name', 'Cam Mon', '--role', 'advisor'],
        stdin: 'password1234\n',
        expected: /too common/,
      },
      {
        what: 'a short password',
        args: ['--email', 'short@severn-marches.example', '--name', 'Sho Rt', '--role', 'advisor'],
        stdin: 'tiny\n',
        expected: /at least 12 characters/,
      },
      {
        what: 'no password on standard input',
        args: ['--email', 'nopass@severn-marches.example', '--name', 'No Pass', '--role', 'advisor'],
        stdin: '',
        expected: /give the password on standard input/,
      },
      {
        what: 'an email address already in use',
        args: ['--email', 'advisor@severn-marches.example', '--name', 'Priya Again', '--role', 'advisor'],
        expected: /already an account with this email address/,
      },
      {
        what: 'an unknown --org',
        args: ['--email', 'lost@severn-marches.example', '--name', 'Lo St', '--role', 'advisor', '--org', 'atlantis'],
        expected: /no organisation with the code "atlantis"/,
      },
    ];
    for (const { what, args, stdin, expected } of cases) {
      it(what, SLOW, async () => {
        const before = await staffCount();
        assertRefused(await createUser(args, stdin), expected);
        assert.equal(await staffCount(), before, 'no account was created');
      });
    }
  });

  it('says to start OneDoor first when there is no council yet', SLOW, async () => {
    const empty = await freshDatabase();
    try {
      const outcome = await runOneDoor(
        ['user', 'create', '--email', 'first@example.org', '--name', 'Fi Rst', '--role', 'admin'],
        {
          env: { DATABASE_URL: empty.url, DATA_DIR: newDataDir('no-council') },
          stdin: `${password}\n`,
        },
      );
      assertRefused(outcome, /there is no council yet: run onedoor start first/);
    } finally {
      await empty.drop();
    }
  });
});

describe('onedoor commands beside a server running on the same DATA_DIR', () => {
  const ADMIN = { email: 'cli.admin@lifecycle.example', password: 'saffron kettle meadow 5' };
  const newcomer = { email: 'eleri.rees@lifecycle.example', password: 'copper badger lantern 8' };
  let server: OneDoorProcess;
  let dataDir: string;
  let postgresPid: number;
  let seen: Set<string>;
  let sampler: NodeJS.Timeout;

  before(async () => {
    dataDir = newDataDir('beside-server');
    server = startOneDoor({
      dataDir,
      port: await freePort(),
      env: { ONEDOOR_ADMIN_EMAIL: ADMIN.email, ONEDOOR_ADMIN_PASSWORD: ADMIN.password },
    });
    await server.ready();
    const running = embeddedPostgresOf(dataDir);
    assert.equal(running.length, 1);
    postgresPid = running[0]!.pid;
    // Watch for any other PostgreSQL on this DATA_DIR while the commands run.
    seen = new Set();
    sampler = setInterval(() => {
      for (const { pid } of embeddedPostgresOf(dataDir)) seen.add(String(pid));
    }, 20);
  });
  after(async () => {
    clearInterval(sampler);
    await server.stop('SIGKILL');
    await cleanUp();
  });

  it('user create uses the server’s database: the new account signs in to the running server', SLOW, async () => {
    const outcome = await runOneDoor(
      ['user', 'create', '--email', newcomer.email, '--name', 'Eleri Rees', '--role', 'team_leader'],
      {
        env: { DATA_DIR: dataDir },
        stdin: `${newcomer.password}\n`,
      },
    );
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.deepEqual(await signInOverHttp(server.url, newcomer.email, newcomer.password), { status: 303, location: '/staff' });
  });

  it('seed demo and migrate use the server’s database, which the server seeded already', SLOW, async () => {
    const seeded = await runOneDoor(['seed', 'demo'], { env: { DATA_DIR: dataDir } });
    assert.equal(seeded.code, 0, seeded.stderr);
    assert.equal(seeded.stdout.trim(), 'The demo council is already loaded.');
    const migrated = await runOneDoor(['migrate'], { env: { DATA_DIR: dataDir } });
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.equal(migrated.stdout.trim(), 'The database is up to date.');
  });

  it('did not start a second PostgreSQL, and left the server’s lock and database alone', SLOW, async () => {
    assert.deepEqual([...seen], [String(postgresPid)], 'only the server’s PostgreSQL ran on the DATA_DIR');
    const lock = JSON.parse(fs.readFileSync(path.join(dataDir, 'onedoor.lock'), 'utf8')) as { pid: number; role: string };
    assert.deepEqual({ pid: lock.pid, role: lock.role }, { pid: server.pid, role: 'server' });
    assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
  });

  it('without a server, a command starts the embedded database for itself and stops it afterwards', SLOW, async () => {
    clearInterval(sampler);
    assert.deepEqual(await server.stop('SIGTERM'), { code: 0, signal: null });
    const outcome = await runOneDoor(
      ['user', 'create', '--email', 'after.hours@lifecycle.example', '--name', 'Owain Night', '--role', 'officer'],
      {
        env: { DATA_DIR: dataDir },
        stdin: 'nightjar pebble compass 4\n',
      },
    );
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.deepEqual(embeddedPostgresOf(dataDir), [], 'its PostgreSQL has stopped');
    assert.equal(fs.existsSync(path.join(dataDir, 'onedoor.lock')), false, 'and released the DATA_DIR');

    const restarted = startOneDoor({
      dataDir,
      port: server.port,
      env: { ONEDOOR_ADMIN_EMAIL: ADMIN.email, ONEDOOR_ADMIN_PASSWORD: ADMIN.password },
    });
    try {
      await restarted.ready();
      assert.deepEqual(await signInOverHttp(restarted.url, 'after.hours@lifecycle.example', 'nightjar pebble compass 4'), {
        status: 303,
        location: '/staff',
      });
      assert.deepEqual(await restarted.stop('SIGTERM'), { code: 0, signal: null });
    } finally {
      await restarted.stop('SIGKILL');
    }
  });
});
