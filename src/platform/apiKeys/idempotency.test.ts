import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { freshDatabase, type TestDatabase } from '../../../test/support/database.ts';
import type { Db } from '../../db/database.ts';
import { insertOrganisation } from '../../organisations/repo.ts';
import { systemActor } from '../actor.ts';
import {
  bodyHash,
  createIdempotencyStore,
  isValidIdempotencyKey,
  type IdempotencyStore,
  type IdempotentAttempt,
  type RequestFingerprint,
} from './idempotency.ts';
import { createApiKeysService } from './service.ts';

const request = { method: 'POST', path: '/api/v1/cases', body: { serviceCode: 'missed-bin', description: 'Not collected' } };
const answer = { status: 201, contentType: 'application/json; charset=utf-8', body: '{"reference":"ODR-7K4M-2Q9P"}' };

describe('Idempotency-Key records', () => {
  let database: TestDatabase;
  let db: Db;
  let store: IdempotencyStore;
  let apiKeyId: string;
  let otherApiKeyId: string;
  before(async () => {
    database = await freshDatabase();
    db = database.db;
    // Copies wait a little for the first answer, then are told it is still in progress.
    store = createIdempotencyStore(db, { waitMs: 200 });
    const councilId = await insertOrganisation(db, {
      code: 'borough',
      name: 'Borough Council',
      kind: 'council',
      councilId: null,
    });
    const apiKeys = createApiKeysService(db);
    apiKeyId = (await apiKeys.create(systemActor('test'), { organisationId: councilId, name: 'CRM', scopes: ['cases:write'] }))
      .id;
    otherApiKeyId = (
      await apiKeys.create(systemActor('test'), { organisationId: councilId, name: 'Chat', scopes: ['cases:write'] })
    ).id;
  });
  after(() => database.drop());

  async function claimed(store: IdempotencyStore, key: string, body: RequestFingerprint = request): Promise<IdempotentAttempt> {
    const outcome = await store.claim(apiKeyId, key, body);
    assert.equal(outcome.kind, 'claimed');
    return (outcome as { attempt: IdempotentAttempt }).attempt;
  }

  const councilNamed = async (code: string) =>
    await db.selectFrom('organisations').select('id').where('code', '=', code).executeTakeFirst();

  it('lets the first request run, and gives its answer to the next with the same key and body', async () => {
    await (await claimed(store, 'first')).complete(answer);
    assert.deepEqual(await store.claim(apiKeyId, 'first', { ...request, body: { ...request.body } }), {
      kind: 'replay',
      response: answer,
    });
  });

  it('refuses the key for a different body, method or path', async () => {
    await (await claimed(store, 'second')).complete(answer);
    for (const different of [
      { ...request, body: { ...request.body, description: 'Collected late' } },
      { ...request, path: '/api/v1/complaints' },
      { ...request, method: 'PUT' },
    ]) {
      assert.deepEqual(await store.claim(apiKeyId, 'second', different), { kind: 'mismatch' });
    }
  });

  it('keeps each API key’s keys apart', async () => {
    await (await claimed(store, 'shared')).complete(answer);
    const other = await store.claim(otherApiKeyId, 'shared', request);
    assert.equal(other.kind, 'claimed');
    if (other.kind === 'claimed') await other.attempt.abandon();
  });

  it('commits the request’s work with its answer, transactions inside it included', async () => {
    const attempt = await claimed(store, 'work');
    await attempt.run(async () => {
      await insertOrganisation(db, { code: 'work-1', name: 'Work One', kind: 'council', councilId: null });
      await db
        .transaction()
        .execute((trx) => insertOrganisation(trx, { code: 'work-2', name: 'Work Two', kind: 'council', councilId: null }));
    });
    assert.equal(await councilNamed('work-1'), undefined, 'nothing is seen outside before the answer is kept');
    await attempt.complete(answer);
    assert.ok(await councilNamed('work-1'));
    assert.ok(await councilNamed('work-2'));
  });

  it('undoes the request’s work when it is abandoned (a failure, or a node that died), and frees the key', async () => {
    const attempt = await claimed(store, 'failed');
    await attempt.run(async () => {
      await db
        .transaction()
        .execute((trx) => insertOrganisation(trx, { code: 'undone-1', name: 'Undone', kind: 'council', councilId: null }));
    });
    await attempt.abandon();
    assert.equal(await councilNamed('undone-1'), undefined);
    assert.deepEqual(await idempotencyRows('failed'), []);
    await (await claimed(store, 'failed')).abandon();
  });

  it('rolls back only a service’s own transaction when that fails inside the request', async () => {
    const attempt = await claimed(store, 'partial');
    await attempt.run(async () => {
      await insertOrganisation(db, { code: 'kept-1', name: 'Kept', kind: 'council', councilId: null });
      await assert.rejects(
        db.transaction().execute(async (trx) => {
          await insertOrganisation(trx, { code: 'refused-1', name: 'Refused', kind: 'council', councilId: null });
          throw new Error('refused');
        }),
      );
    });
    await attempt.complete(answer);
    assert.ok(await councilNamed('kept-1'));
    assert.equal(await councilNamed('refused-1'), undefined);
  });

  it('tells a copy that arrives while the first is running that it is in progress, after waiting', async () => {
    const first = await claimed(store, 'slow');
    assert.deepEqual(await store.claim(apiKeyId, 'slow', request), { kind: 'in_progress' });
    await first.abandon();
  });

  it('gives a waiting copy the answer as soon as the first request has it', async () => {
    const patient = createIdempotencyStore(db, { waitMs: 5_000 });
    const first = await claimed(patient, 'waited');
    const copy = patient.claim(apiKeyId, 'waited', request);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await first.complete(answer);
    assert.deepEqual(await copy, { kind: 'replay', response: answer });
  });

  it('lets a waiting copy run when the first request fails', async () => {
    const patient = createIdempotencyStore(db, { waitMs: 5_000 });
    const first = await claimed(patient, 'retried');
    const copy = patient.claim(apiKeyId, 'retried', request);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await first.abandon();
    const outcome = await copy;
    assert.equal(outcome.kind, 'claimed');
    if (outcome.kind === 'claimed') await outcome.attempt.abandon();
  });

  it('lets exactly one of many simultaneous copies run', async () => {
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => store.claim(apiKeyId, 'together', request)));
    const runs = outcomes.filter((outcome) => outcome.kind === 'claimed');
    assert.equal(runs.length, 1);
    assert.ok(outcomes.every((outcome) => outcome.kind === 'claimed' || outcome.kind === 'in_progress'));
    for (const run of runs) await run.attempt.complete(answer);
  });

  it('takes over a record that has expired, and a claim an older version left without an answer', async () => {
    await sql`insert into api_idempotency_keys (api_key_id, key, request_method, request_path, request_hash, created_at)
              values (${apiKeyId}, 'abandoned', 'POST', '/api/v1/cases', ${bodyHash(request.body)}, now() - interval '10 minutes')`.execute(
      db,
    );
    await (await claimed(store, 'abandoned')).abandon();

    await (await claimed(store, 'expired')).complete(answer);
    await sql`update api_idempotency_keys set expires_at = now() - interval '1 second' where key = 'expired'`.execute(db);
    const differentBody = { ...request, body: { other: true } };
    await (await claimed(store, 'expired', differentBody)).abandon();
  });

  async function idempotencyRows(key: string) {
    return await db.selectFrom('api_idempotency_keys').select('key').where('key', '=', key).execute();
  }

  it('hashes a body the same whatever the order of its properties, and differently for other values', () => {
    assert.equal(bodyHash({ a: 1, b: { c: [1, 2], d: null } }), bodyHash({ b: { d: null, c: [1, 2] }, a: 1 }));
    assert.notEqual(bodyHash({ a: [1, 2] }), bodyHash({ a: [2, 1] }));
    assert.notEqual(bodyHash({ a: '1' }), bodyHash({ a: 1 }));
    assert.equal(bodyHash(undefined), bodyHash(null));
  });

  it('takes 1 to 255 printable characters as a key', () => {
    assert.equal(isValidIdempotencyKey('3f1c9e2a-7b44-4b7e-9a55-0d2c6f1e8b90'), true);
    assert.equal(isValidIdempotencyKey('k'.repeat(255)), true);
    assert.equal(isValidIdempotencyKey('k'.repeat(256)), false);
    assert.equal(isValidIdempotencyKey(''), false);
    assert.equal(isValidIdempotencyKey('has space'), false);
  });
});
