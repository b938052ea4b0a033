// `onedoor api-key create|revoke` from outside: `node bin/onedoor.js ...` as a child process
// against a database of its own; the key it prints is then checked as the API would check it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SCOPES } from '../../src/platform/apiKeys/scopes.ts';
import { createApiKeysService } from '../../src/platform/apiKeys/service.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';
import { cleanUp, linesOf, newDataDir, runOneDoor, theDemoCouncilsOrganisations, type CommandOutcome } from './support.ts';

const SLOW = { timeout: 300_000 };
const KEY = /^odk_[a-z2-7]{8}_[A-Za-z0-9_-]{43}$/;

/** Exit 2 (bad input) with exactly one `onedoor: ...` line on stderr and no stack trace. */
function assertRefused(outcome: CommandOutcome, expected: RegExp): void {
  assert.equal(outcome.code, 2, `exits 2\n${outcome.stdout}\n${outcome.stderr}`);
  const lines = linesOf(outcome.stderr);
  assert.equal(lines.length, 1, `one line on stderr, got:\n${outcome.stderr}`);
  assert.match(lines[0]!, /^onedoor: /);
  assert.match(lines[0]!, expected);
  assert.ok(!outcome.stderr.includes('    at '), 'no stack trace');
  assert.equal(outcome.stdout, '', 'and prints no key');
}

/** The key: the last line of what the command printed. */
function keyIn(outcome: CommandOutcome): string {
  const key = linesOf(outcome.stdout).at(-1) ?? '';
  assert.match(key, KEY, `a key on the last line of:\n${outcome.stdout}`);
  return key;
}

describe('onedoor api-key', () => {
  let database: TestDatabase;
  let env: Record<string, string>;
  before(async () => {
    database = await freshDatabase();
    // A council with one partner agency is all the keys need (the demo council would take a seed).
    await theDemoCouncilsOrganisations(database.db);
    env = { DATABASE_URL: database.url, DATA_DIR: newDataDir('api-key') };
  });
  after(async () => {
    await database.drop();
    await cleanUp();
  });

  const apiKey = (args: string[]) => runOneDoor(['api-key', ...args], { env });
  const verify = (key: string) => createApiKeysService(database.db).verify(key);

  it('is listed by --help', SLOW, async () => {
    const outcome = await runOneDoor(['--help']);
    assert.equal(outcome.code, 0);
    assert.match(outcome.stdout, /^ +api-key create --name N --scopes S1,S2 \[--org CODE\]/m);
    assert.match(outcome.stdout, /^ +api-key revoke --id ID/m);
    assert.match(outcome.stdout, /^Scopes: customers:read, /m);
  });

  it('makes a key for the council with the scopes given, and prints it once', SLOW, async () => {
    const outcome = await apiKey(['create', '--name', 'Housing system', '--scopes', 'customers:read,cases:write']);
    assert.equal(outcome.code, 0, outcome.stderr);
    const key = keyIn(outcome);
    assert.equal(outcome.stdout.split(key).length, 2, 'the key appears once');
    assert.match(outcome.stdout, /only time the key is shown/);
    const caller = await verify(key);
    assert.ok(caller, 'the printed key works');
    assert.equal(caller.name, 'Housing system');
    assert.deepEqual(caller.scopes, ['customers:read', 'cases:write']);
    assert.equal(caller.organisationKind, 'council');
    const [event] = await database.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'api_key.create')
      .where('record_id', '=', caller.id)
      .execute();
    assert.equal(event?.actor_label, 'cli');
  });

  it('grants every scope with --scopes all, and makes a key for another organisation with --org', SLOW, async () => {
    const all = await apiKey(['create', '--name', 'Everything', '--scopes', 'all']);
    assert.equal(all.code, 0, all.stderr);
    assert.deepEqual((await verify(keyIn(all)))?.scopes, [...SCOPES]);

    const partner = await database.db
      .selectFrom('organisations')
      .select('code')
      .where('kind', '=', 'partner')
      .executeTakeFirstOrThrow();
    const forPartner = await apiKey(['create', '--name', 'Partner CRM', '--scopes', 'cases:read', '--org', partner.code]);
    assert.equal(forPartner.code, 0, forPartner.stderr);
    assert.equal((await verify(keyIn(forPartner)))?.organisationKind, 'partner');
  });

  it(
    'refuses an unknown scope, a missing name, an unknown organisation and an unknown subcommand, with exit 2',
    SLOW,
    async () => {
      const refusals: [string[], RegExp][] = [
        [['create', '--name', 'CRM', '--scopes', 'customers:read,customers:delete'], /unknown scope customers:delete/],
        [['create', '--scopes', 'customers:read'], /--name is required/],
        [['create', '--name', 'CRM', '--scopes', 'cases:read', '--org', 'nowhere'], /no organisation/],
        [['rotate'], /usage: onedoor api-key/],
      ];
      const outcomes = await Promise.all(refusals.map(([args]) => apiKey(args)));
      refusals.forEach(([, expected], index) => assertRefused(outcomes[index]!, expected));
    },
  );

  it('revokes a key, which stops working at once', SLOW, async () => {
    const created = await apiKey(['create', '--name', 'Short-lived', '--scopes', 'services:read']);
    const key = keyIn(created);
    const id = (await verify(key))!.id;
    const revoked = await apiKey(['revoke', '--id', id]);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.match(revoked.stdout, /^Revoked the API key/);
    assert.equal(await verify(key), undefined);
    const again = await apiKey(['revoke', '--id', id]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /had already been revoked/);
    const [unknown, malformed] = await Promise.all([
      apiKey(['revoke', '--id', '00000000-0000-4000-8000-000000000000']),
      apiKey(['revoke', '--id', 'abc']),
    ]);
    assertRefused(unknown, /no API key with the id/);
    assertRefused(malformed, /--id must be/);
  });
});
