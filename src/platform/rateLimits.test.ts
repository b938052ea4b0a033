import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { freshDatabase, type TestDatabase } from '../../test/support/database.ts';
import type { Db } from '../db/database.ts';
import { countHit } from './rateLimits.ts';

const WINDOW_MS = 60_000;

describe('rate-limit counters', () => {
  let database: TestDatabase;
  let db: Db;
  before(async () => {
    database = await freshDatabase();
    db = database.db;
  });
  after(() => database.drop());

  it('counts the requests in a window', async () => {
    const counts: number[] = [];
    for (let n = 0; n < 3; n++) counts.push((await countHit(db, 'sign-in:192.0.2.1', WINDOW_MS)).current);
    assert.deepEqual(counts, [1, 2, 3]);
  });

  it('counts each key on its own', async () => {
    await countHit(db, 'one-key:192.0.2.2', WINDOW_MS);
    await countHit(db, 'one-key:192.0.2.2', WINDOW_MS);
    assert.equal((await countHit(db, 'other-key:192.0.2.2', WINDOW_MS)).current, 1);
  });

  it('says how long is left of the window, never more than the window itself', async () => {
    const first = await countHit(db, 'ttl:192.0.2.3', WINDOW_MS);
    const second = await countHit(db, 'ttl:192.0.2.3', WINDOW_MS);
    for (const hit of [first, second]) {
      assert.ok(hit.ttl > 0, `ttl ${hit.ttl} should be positive`);
      assert.ok(hit.ttl <= WINDOW_MS, `ttl ${hit.ttl} should be at most the window`);
    }
    assert.ok(second.ttl <= first.ttl, 'the second hit does not lengthen the window');
  });

  it('starts again at one once the window has ended', async () => {
    const key = 'restart:192.0.2.4';
    await countHit(db, key, WINDOW_MS);
    await countHit(db, key, WINDOW_MS);
    await sql`update rate_limit_counters set window_ends_at = now() - interval '1 second' where key = ${key}`.execute(db);

    const hit = await countHit(db, key, WINDOW_MS);
    assert.equal(hit.current, 1);
    assert.ok(hit.ttl > 0 && hit.ttl <= WINDOW_MS, `a new window of at most ${WINDOW_MS} ms begins (ttl ${hit.ttl})`);
    assert.equal((await countHit(db, key, WINDOW_MS)).current, 2);
  });
});
