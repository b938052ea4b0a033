import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { freshDatabase, type TestDatabase } from '../../test/support/database.ts';
import type { Db } from '../db/database.ts';
import { clearExpired, preparePartitions } from './housekeeping.ts';

describe('housekeeping', () => {
  let database: TestDatabase;
  let db: Db;
  before(async () => {
    database = await freshDatabase();
    db = database.db;
  });
  after(() => database.drop());

  const keysIn = async (table: 'sessions' | 'rate_limit_counters' | 'sign_in_throttles') => {
    const column = table === 'sessions' ? 'id' : 'key';
    const { rows } = await sql<{ key: string }>`select ${sql.ref(column)} as key from ${sql.table(table)} order by 1`.execute(db);
    return rows.map((row) => row.key);
  };

  it('clears expired sessions, ended counters and stale throttles, and keeps live ones', async () => {
    await sql`
      insert into sessions (id, data, expires_at) values
        ('session-expired', '{}', now() - interval '1 minute'),
        ('session-live', '{}', now() + interval '30 minutes');
      insert into rate_limit_counters (key, count, window_ends_at) values
        ('counter-ended', 4, now() - interval '1 minute'),
        ('counter-live', 4, now() + interval '1 minute');
      insert into sign_in_throttles (key, failures, window_started_at, locked_until, updated_at) values
        ('throttle-stale', 2, now() - interval '2 days', null, now() - interval '2 days'),
        ('throttle-stale-but-locked', 5, now() - interval '2 days', now() + interval '1 hour', now() - interval '2 days'),
        ('throttle-recent', 2, now(), null, now());
      insert into organisations (id, code, name, kind) values
        ('00000000-0000-4000-8000-00000000c0c1', 'housekeeping', 'Housekeeping Council', 'council');
      insert into api_keys (id, organisation_id, name, prefix, secret_hash, scopes) values
        ('00000000-0000-4000-8000-00000000a91e', '00000000-0000-4000-8000-00000000c0c1', 'Housing system', 'abcdefgh',
          repeat('0', 64), '{customers:read}');
      insert into api_idempotency_keys (api_key_id, key, request_method, request_path, request_hash, expires_at) values
        ('00000000-0000-4000-8000-00000000a91e', 'idempotency-expired', 'POST', '/api/v1/x', 'h', now() - interval '1 minute'),
        ('00000000-0000-4000-8000-00000000a91e', 'idempotency-live', 'POST', '/api/v1/x', 'h', now() + interval '1 hour');
    `.execute(db);

    assert.deepEqual(await clearExpired(db), { sessions: 1, throttles: 1, counters: 1, idempotencyKeys: 1 });
    assert.deepEqual(await keysIn('sessions'), ['session-live']);
    assert.deepEqual(await keysIn('rate_limit_counters'), ['counter-live']);
    assert.deepEqual(await keysIn('sign_in_throttles'), ['throttle-recent', 'throttle-stale-but-locked']);

    const { rows: idempotencyKeys } = await sql<{ key: string }>`select key from api_idempotency_keys`.execute(db);
    assert.deepEqual(idempotencyKeys, [{ key: 'idempotency-live' }]);

    assert.deepEqual(
      await clearExpired(db),
      { sessions: 0, throttles: 0, counters: 0, idempotencyKeys: 0 },
      'running it again clears nothing more',
    );
  });

  it('makes the audit trail’s partitions for this month and the next three, and can run twice', async () => {
    const partitions = async () => {
      const { rows } = await sql<{ name: string }>`
        select child.relname as name from pg_inherits
        join pg_class child on child.oid = pg_inherits.inhrelid
        where pg_inherits.inhparent = 'audit_events'::regclass
        order by 1
      `.execute(db);
      return rows.map((row) => row.name);
    };
    // Take away the furthest months (empty: nothing has happened in them yet) for it to make again.
    const { rows: furthest } = await sql<{ name: string }>`
      select 'audit_events_' || to_char(current_date + make_interval(months => n), 'YYYY_MM') as name
      from generate_series(2, 3) as n
    `.execute(db);
    for (const { name } of furthest) await sql`drop table if exists ${sql.table(name)}`.execute(db);
    assert.ok(!(await partitions()).includes(furthest[1]!.name));

    await preparePartitions(db);
    const once = await partitions();
    await preparePartitions(db);
    assert.deepEqual(await partitions(), once);

    const { rows } = await sql<{ name: string }>`
      select 'audit_events_' || to_char(current_date + make_interval(months => n), 'YYYY_MM') as name
      from generate_series(0, 3) as n
    `.execute(db);
    for (const { name } of rows) assert.ok(once.includes(name), `no ${name} among ${once.join(', ')}`);
  });
});
