import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { freshDatabase, type TestDatabase } from '../../test/support/database.ts';
import type { Db } from '../db/database.ts';
import { ROLES } from '../platform/actor.ts';
import { createAuthService } from '../platform/auth/service.ts';
import { passwordProblem } from '../platform/passwords.ts';
import { DEMO_COUNCIL_CODE, DEMO_CREDENTIALS_FILE, seedDemo } from './seedDemo.ts';

/** The demo accounts written to the credentials file: email, role and password. */
function readCredentials(file: string): { role: string; email: string; password: string }[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, email, password]) => email?.includes('@') && password)
    .map(([role, email, password]) => ({ role: role!, email: email!, password: password! }));
}

describe('the demo council', () => {
  let database: TestDatabase;
  let db: Db;
  let dataDir: string;
  before(async () => {
    database = await freshDatabase();
    db = database.db;
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onedoor-demo-test-'));
  });
  after(async () => {
    await database.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Everything the demo creates, counted. */
  async function inventory() {
    const { rows } = await sql<{ organisations: number; teams: number; sites: number; users: number; members: number }>`
      select (select count(*)::int from organisations) as organisations,
             (select count(*)::int from teams) as teams,
             (select count(*)::int from sites) as sites,
             (select count(*)::int from staff_users) as users,
             (select count(*)::int from team_members) as members
    `.execute(db);
    return rows[0]!;
  }

  it('seeds the council with its teams, partner agencies, one-stop shops and bus, and an account per role but admin', async () => {
    const outcome = await seedDemo(db, dataDir);
    assert.equal(outcome.councilCreated, true);
    assert.equal(outcome.usersCreated, ROLES.length - 1);
    assert.equal(outcome.credentialsFile, path.join(dataDir, DEMO_CREDENTIALS_FILE));

    const council = await db
      .selectFrom('organisations')
      .selectAll()
      .where('code', '=', DEMO_COUNCIL_CODE)
      .executeTakeFirstOrThrow();
    assert.equal(council.kind, 'council');
    assert.ok(council.name_cy, 'the council has a Welsh name');
    const councilTeams = await db.selectFrom('teams').select('code').where('organisation_id', '=', council.id).execute();
    assert.equal(councilTeams.length, 9);

    const partners = await db.selectFrom('organisations').select(['id', 'kind']).where('council_id', '=', council.id).execute();
    assert.equal(partners.length, 4);
    assert.ok(partners.every((partner) => partner.kind === 'partner'));

    const sites = await db.selectFrom('sites').select('kind').where('organisation_id', '=', council.id).execute();
    assert.deepEqual(sites.map((site) => site.kind).sort(), ['mobile_bus', 'one_stop_shop', 'one_stop_shop']);

    const users = await db.selectFrom('staff_users').select('roles').execute();
    const roles = users.flatMap((user) => user.roles).sort();
    assert.deepEqual(roles, ROLES.filter((role) => role !== 'admin').sort());
  });

  it('writes each demo account’s password to a file only its owner can read', () => {
    const file = path.join(dataDir, DEMO_CREDENTIALS_FILE);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    const credentials = readCredentials(file);
    assert.deepEqual(credentials.map((account) => account.role).sort(), ROLES.filter((role) => role !== 'admin').sort());
  });

  it('gives demo accounts passwords that meet the password rules', async () => {
    for (const { email, password } of readCredentials(path.join(dataDir, DEMO_CREDENTIALS_FILE))) {
      const user = await db.selectFrom('staff_users').select('name').where('email', '=', email).executeTakeFirstOrThrow();
      assert.equal(passwordProblem(password, { email, name: user.name }), undefined, email);
    }
  });

  it('adds nothing when run again, and the passwords in the file still work', async () => {
    const before = await inventory();
    const fileBefore = fs.readFileSync(path.join(dataDir, DEMO_CREDENTIALS_FILE), 'utf8');

    const outcome = await seedDemo(db, dataDir);
    assert.equal(outcome.councilCreated, false);
    assert.equal(outcome.usersCreated, 0);
    assert.deepEqual(await inventory(), before);
    assert.equal(fs.readFileSync(path.join(dataDir, DEMO_CREDENTIALS_FILE), 'utf8'), fileBefore);

    const auth = createAuthService(db);
    const credentials = readCredentials(path.join(dataDir, DEMO_CREDENTIALS_FILE));
    for (const [n, { email, password }] of credentials.entries()) {
      const result = await auth.signIn({ email, password, ip: `192.0.2.${n + 1}` });
      assert.equal(result.kind, 'signedIn', email);
    }
  });
});
