import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { freshDatabase, type TestDatabase } from '../../test/support/database.ts';
import type { Db } from '../db/database.ts';
import { createAuthService } from '../platform/auth/service.ts';
import { passwordProblem } from '../platform/passwords.ts';
import { ADMIN_CREDENTIALS_FILE, ensureCouncilAndAdministrator } from './firstStart.ts';

// One database, started from empty: the tests run in order, as successive starts of OneDoor.
describe('the first start', () => {
  let database: TestDatabase;
  let db: Db;
  let dataDir: string;
  const warnings: string[] = [];
  let lastAddress = 0;
  before(async () => {
    database = await freshDatabase();
    db = database.db;
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onedoor-first-start-test-'));
  });
  after(async () => {
    await database.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const start = (admin?: { email: string; password: string }) =>
    ensureCouncilAndAdministrator(db, {
      dataDir,
      councilName: 'Llanfair & District Council',
      ...(admin ? { admin } : {}),
      warn: (line) => warnings.push(line),
    });

  async function counts() {
    const { rows } = await sql<{ organisations: number; users: number; admins: number }>`
      select (select count(*)::int from organisations) as organisations,
             (select count(*)::int from staff_users) as users,
             (select count(*)::int from staff_users where 'admin' = any(roles)) as admins
    `.execute(db);
    return rows[0]!;
  }

  const signIn = async (email: string, password: string) =>
    (await createAuthService(db).signIn({ email, password, ip: `192.0.2.${++lastAddress}` })).kind;

  const credentialsFile = () => path.join(dataDir, ADMIN_CREDENTIALS_FILE);

  it('creates a council named from the settings when there is none', async () => {
    assert.deepEqual(await counts(), { organisations: 0, users: 0, admins: 0 });
    const outcome = await start();
    assert.equal(outcome.councilName, 'Llanfair & District Council');
    const councils = await db.selectFrom('organisations').select(['code', 'name', 'kind']).execute();
    assert.deepEqual(councils, [{ code: 'llanfair-district-council', name: 'Llanfair & District Council', kind: 'council' }]);
  });

  it('without an administrator in the settings, makes one with a random password in a file only its owner can read', async () => {
    // The previous start made this administrator; the file is where to find them.
    const outcome = await start();
    assert.equal(outcome.credentialsFile, credentialsFile());
    assert.equal(fs.statSync(credentialsFile()).mode & 0o777, 0o600);

    const text = fs.readFileSync(credentialsFile(), 'utf8');
    const email = /^Email address: (.+)$/m.exec(text)?.[1];
    const password = /^Password: (.+)$/m.exec(text)?.[1];
    assert.ok(email && password, 'the file gives an email address and a password');
    assert.equal(passwordProblem(password, { email }), undefined);
    assert.equal(await signIn(email, password), 'signedIn');

    const admin = await db.selectFrom('staff_users').select('roles').where('email', '=', email).executeTakeFirstOrThrow();
    assert.deepEqual(admin.roles, ['admin']);
    assert.deepEqual(await counts(), { organisations: 1, users: 1, admins: 1 }, 'the second start added nothing');
  });

  it('does not make another random administrator while one exists', async () => {
    const text = fs.readFileSync(credentialsFile(), 'utf8');
    await start();
    assert.equal(fs.readFileSync(credentialsFile(), 'utf8'), text);
    assert.deepEqual(await counts(), { organisations: 1, users: 1, admins: 1 });
  });

  it('creates the administrator from the settings once, accepting a password that breaks the rules', async () => {
    const admin = { email: 'it.admin@llanfair.example', password: 'changeme' };
    assert.ok(passwordProblem(admin.password, { email: admin.email }), 'the password breaks the rules');

    await start(admin);
    assert.deepEqual(await counts(), { organisations: 1, users: 2, admins: 2 });
    assert.equal(warnings.length, 1, 'a warning says the password breaks the rules');
    assert.match(warnings[0]!, /ONEDOOR_ADMIN_PASSWORD/);
    assert.doesNotMatch(warnings[0]!, /changeme/, 'the warning does not repeat the password');
    assert.equal(await signIn(admin.email, admin.password), 'signedIn');

    await start(admin);
    assert.deepEqual(await counts(), { organisations: 1, users: 2, admins: 2 }, 'the second start added nothing');
    assert.equal(await signIn(admin.email, admin.password), 'signedIn');
  });
});

describe('several nodes starting at once on an empty database', () => {
  let database: TestDatabase;
  const dataDirs: string[] = [];
  before(async () => {
    database = await freshDatabase();
  });
  after(async () => {
    await database.drop();
    for (const dataDir of dataDirs) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('make one council and one administrator between them, and none fails', async () => {
    const starts = Array.from({ length: 4 }, () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onedoor-first-start-together-'));
      dataDirs.push(dataDir);
      return ensureCouncilAndAdministrator(database.db, { dataDir, councilName: 'Tywyn Town Council', warn: () => undefined });
    });
    const outcomes = await Promise.all(starts);
    assert.deepEqual(new Set(outcomes.map((outcome) => outcome.councilName)), new Set(['Tywyn Town Council']));
    const { rows } = await sql<{ organisations: number; admins: number }>`
      select (select count(*)::int from organisations) as organisations,
             (select count(*)::int from staff_users where 'admin' = any(roles)) as admins`.execute(database.db);
    assert.deepEqual(rows[0], { organisations: 1, admins: 1 });
    assert.equal(dataDirs.filter((dataDir) => fs.existsSync(path.join(dataDir, ADMIN_CREDENTIALS_FILE))).length, 1);
  });
});
