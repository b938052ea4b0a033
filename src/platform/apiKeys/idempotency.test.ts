import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { freshDatabase, type TestDatabase } from '../../../test/support/database.ts';
import type { Db } from '../../db/database.ts';
import { insertOrganisation } from '../../organisations/repo.ts';
import { systemActor } from '../actor.ts';
import { bodyHash, createIdempotencyStore, isValidIdempotencyKey, type IdempotencyStore } from './idempotency.ts';
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
    store = createIdempotencyStore(db, { waitMs: 200, pollMs: 20 });
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

  it('lets the first request run, and gives its answer to the next with the same key and body', async () => {
    assert.deepEqual(await store.claim(apiKeyId, 'first', request), { kind: 'claimed' });
    await store.complete(apiKeyId, 'first', answer);
    assert.deepEqual(await store.claim(apiKeyId, 'first', { ...request, body: { ...request.body } }), {
      kind: 'replay',
      response: answer,
    });
  });

  it('refuses the key for a different body, method or path', async () => {
    await store.claim(apiKeyId, 'second', request);
    await store.complete(apiKeyId, 'second', answer);
    for (const different of [
      { ...request, body: { ...request.body, description: 'Collected late' } },
      { ...request, path: '/api/v1/complaints' },
      { ...request, method: 'PUT' },
    ]) {
      assert.deepEqual(await store.claim(apiKeyId, 'second', different), { kind: 'mismatch' });
    }
  });

  it('keeps each API key’s keys apart', async () => {
    await store.claim(apiKeyId, 'shared', request);
    await store.complete(apiKeyId, 'shared', answer);
    assert.deepEqual(await store.claim(otherApiKeyId, 'shared', request), { kind: 'claimed' });
  });

  it('tells a copy that arrives while the first is running that it is in progress, after waiting', async () => {
    assert.deepEqual(await store.claim(apiKeyId, 'slow', request), { kind: 'claimed' });
    assert.deepEqual(await store.claim(apiKeyId, 'slow', request), { kind: 'in_progress' });
  });

  it('gives a waiting copy the answer as soon as the first request has it', async () => {
    const patient = createIdempotencyStore(db, { waitMs: 5_000, pollMs: 20 });
    assert.deepEqual(await patient.claim(apiKeyId, 'waited', request), { kind: 'claimed' });
    const copy = patient.claim(apiKeyId, 'waited', request);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await patient.complete(apiKeyId, 'waited', answer);
    assert.deepEqual(await copy, { kind: 'replay', response: answer });
  });

  it('lets exactly one of many simultaneous copies run', async () => {
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => store.claim(apiKeyId, 'together', request)));
    assert.equal(outcomes.filter((outcome) => outcome.kind === 'claimed').length, 1);
    assert.ok(outcomes.every((outcome) => outcome.kind === 'claimed' || outcome.kind === 'in_progress'));
  });

  it('frees a released key for another try', async () => {
    await store.claim(apiKeyId, 'failed', request);
    await store.release(apiKeyId, 'failed');
    assert.deepEqual(await store.claim(apiKeyId, 'failed', request), { kind: 'claimed' });
  });

  it('takes over a claim abandoned by a node that stopped, and a record that has expired', async () => {
    await store.claim(apiKeyId, 'abandoned', request);
    await sql`update api_idempotency_keys set created_at = now() - interval '10 minutes' where key = 'abandoned'`.execute(db);
    assert.deepEqual(await store.claim(apiKeyId, 'abandoned', request), { kind: 'claimed' });

    await store.claim(apiKeyId, 'expired', request);
    await store.complete(apiKeyId, 'expired', answer);
    await sql`update api_idempotency_keys set expires_at = now() - interval '1 second' where key = 'expired'`.execute(db);
    const differentBody = { ...request, body: { other: true } };
    assert.deepEqual(await store.claim(apiKeyId, 'expired', differentBody), { kind: 'claimed' }, 'a day later the key is free');
  });

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
