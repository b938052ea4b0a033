import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import formBody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import type { ApiKeyActor } from '../../platform/actor.ts';
import type { Translate } from '../../platform/i18n.ts';
import { open311Routes } from './open311.routes.ts';
import type { Open311Service } from './service.ts';

const KEY: ApiKeyActor = {
  kind: 'api_key',
  id: 'key-1',
  name: 'FixMyStreet',
  organisationId: 'council',
  organisationKind: 'council',
  councilId: 'council',
  scopes: ['open311:write'],
  ip: null,
};

describe('the Open311 routes', () => {
  let app: FastifyInstance;
  let failNext = false;
  const hits = new Map<string, number>();

  before(async () => {
    app = Fastify();
    await app.register(formBody);
    app.decorateRequest('t', undefined as unknown as Translate);
    app.addHook('onRequest', async (request) => {
      request.t = (key) => key;
    });
    const open311 = {
      raise: async () => {
        if (failNext) {
          failNext = false;
          throw new Error('the database went away at /srv/onedoor/src/secret.ts:12');
        }
        return { isNew: true, answer: [{ service_request_id: 'ODR-0000-0001', service_notice: '', account_id: '' }] };
      },
    } as unknown as Open311Service;
    await app.register(open311Routes, {
      prefix: '/open311/v2',
      open311,
      apiKeys: { verify: async (token) => (token === 'good' ? KEY : undefined) },
      countHit: async (key) => {
        const current = (hits.get(key) ?? 0) + 1;
        hits.set(key, current);
        return { current, ttl: 30_000 };
      },
      files: {
        put: async () => ({ key: '', size: 0, sha256: '' }),
        open: async () => undefined as never,
        remove: async () => undefined,
      },
      uploadMaxBytes: 1024 * 1024,
      publicUrl: 'https://onedoor.example',
      councilName: async () => 'Test Council',
      writeLimit: { max: 2, windowMs: 60_000 },
    });
  });
  after(() => app.close());

  const post = () =>
    app.inject({
      method: 'POST',
      url: '/open311/v2/requests.json',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'api_key=good&service_code=potholes',
    });

  it('holds back a key that posts too often, with the spec’s error and when to try again', async () => {
    hits.clear();
    assert.equal((await post()).statusCode, 200);
    assert.equal((await post()).statusCode, 200);
    const third = await post();
    assert.equal(third.statusCode, 429);
    assert.equal(third.headers['retry-after'], '30');
    assert.deepEqual(JSON.parse(third.body), [
      { code: 429, description: 'Too many requests with this api_key: try again later' },
    ]);
  });

  it('answers an unexpected failure with the spec’s error, never the error itself', async () => {
    hits.clear();
    failNext = true;
    const answer = await post();
    assert.equal(answer.statusCode, 500);
    assert.deepEqual(JSON.parse(answer.body), [{ code: 500, description: 'Sorry, there is a problem with the service' }]);
    assert.doesNotMatch(answer.body, /secret|database/);
  });
});
