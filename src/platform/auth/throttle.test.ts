import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { freshDatabase, type TestDatabase } from '../../../test/support/database.ts';
import type { Db } from '../../db/database.ts';
import { accountKey, clearFailures, lockedUntil, purgeStaleThrottles, recordFailure, type ThrottleRule } from './throttle.ts';

const rule: ThrottleRule = { maxFailures: 3, windowMinutes: 15, lockMinutes: 10 };

describe('sign-in throttling', () => {
  let database: TestDatabase;
  let db: Db;
  before(async () => {
    database = await freshDatabase();
    db = database.db;
  });
  after(() => database.drop());

  async function rowOf(key: string) {
    return await db
      .selectFrom('sign_in_throttles')
      .select(['failures', sql<boolean>`locked_until > now()`.as('locked')])
      .where('key', '=', key)
      .executeTakeFirst();
  }

  it('counts failures in a window and locks the key at the limit', async () => {
    const key = accountKey('counted@example.gov.uk');
    await recordFailure(db, key, rule);
    assert.deepEqual(await rowOf(key), { failures: 1, locked: null });
    await recordFailure(db, key, rule);
    assert.deepEqual(await rowOf(key), { failures: 2, locked: null });
    assert.equal(await lockedUntil(db, [key]), null);

    await recordFailure(db, key, rule);
    assert.deepEqual(await rowOf(key), { failures: 3, locked: true });
    assert.ok((await lockedUntil(db, [key])) instanceof Date);
  });

  it('locks for the rule’s lock time', async () => {
    const key = accountKey('lock-length@example.gov.uk');
    for (let n = 0; n < rule.maxFailures; n++) await recordFailure(db, key, rule);
    const { rows } = await sql<{ minutes: number }>`
      select round(extract(epoch from locked_until - now()) / 60)::int as minutes
      from sign_in_throttles where key = ${key}
    `.execute(db);
    assert.equal(rows[0]?.minutes, rule.lockMinutes);
  });

  it('starts counting again at one once the window has passed', async () => {
    const key = accountKey('window@example.gov.uk');
    await recordFailure(db, key, rule);
    await recordFailure(db, key, rule);
    await sql`update sign_in_throttles set window_started_at = now() - interval '16 minutes' where key = ${key}`.execute(db);

    await recordFailure(db, key, rule);
    assert.deepEqual(await rowOf(key), { failures: 1, locked: null });
    const { rows } = await sql<{ fresh: boolean }>`
      select window_started_at > now() - interval '1 minute' as fresh from sign_in_throttles where key = ${key}
    `.execute(db);
    assert.equal(rows[0]?.fresh, true, 'a new window begins');
  });

  it('gives the latest lock among several keys, ignoring locks that have ended', async () => {
    const [soon, later, ended, unlocked] = ['account:soon', 'address:later', 'account:ended', 'account:unlocked'];
    await sql`
      insert into sign_in_throttles (key, failures, window_started_at, locked_until) values
        (${soon}, 5, now(), now() + interval '5 minutes'),
        (${later}, 20, now(), now() + interval '20 minutes'),
        (${ended}, 5, now(), now() - interval '1 minute'),
        (${unlocked}, 1, now(), null)
    `.execute(db);
    const stored = await db
      .selectFrom('sign_in_throttles')
      .select('locked_until')
      .where('key', '=', later)
      .executeTakeFirstOrThrow();

    assert.deepEqual(await lockedUntil(db, [soon, later, ended, unlocked]), stored.locked_until);
    assert.ok((await lockedUntil(db, [soon, ended]))! < stored.locked_until!);
    assert.equal(await lockedUntil(db, [ended, unlocked, 'account:never-seen']), null);
  });

  it('forgets a key’s failures once cleared (after a right password)', async () => {
    const key = accountKey('cleared@example.gov.uk');
    for (let n = 0; n < rule.maxFailures; n++) await recordFailure(db, key, rule);
    assert.ok(await lockedUntil(db, [key]));

    await clearFailures(db, key);
    assert.equal(await rowOf(key), undefined);
    assert.equal(await lockedUntil(db, [key]), null);
    await recordFailure(db, key, rule);
    assert.deepEqual(await rowOf(key), { failures: 1, locked: null });
  });

  it('purges stale counts but keeps live locks and recent counts', async () => {
    await sql`
      insert into sign_in_throttles (key, failures, window_started_at, locked_until, updated_at) values
        ('purge:stale', 2, now() - interval '2 days', null, now() - interval '2 days'),
        ('purge:stale-lock-ended', 5, now() - interval '2 days', now() - interval '1 day', now() - interval '2 days'),
        ('purge:stale-lock-live', 5, now() - interval '2 days', now() + interval '1 hour', now() - interval '2 days'),
        ('purge:recent', 2, now(), null, now())
    `.execute(db);

    assert.ok((await purgeStaleThrottles(db)) >= 2);
    const left = await db.selectFrom('sign_in_throttles').select('key').where('key', 'like', 'purge:%').orderBy('key').execute();
    assert.deepEqual(
      left.map((row) => row.key),
      ['purge:recent', 'purge:stale-lock-live'],
    );
  });
});
