// The JSON API's plumbing from outside, over real HTTP: bearer keys, scopes, problem JSON, the
// OpenAPI description, request limits and Idempotency-Key. The real server answers what it
// serves; a second app built with the same setUpApi carries small test-only routes (a POST
// that records something) for what no real route does yet.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { findFirstCouncil } from '../../src/organisations/repo.ts';
import { systemActor } from '../../src/platform/actor.ts';
import type { Scope } from '../../src/platform/apiKeys/scopes.ts';
import { SCOPES } from '../../src/platform/apiKeys/scopes.ts';
import { apiRoutes, requireScope, setUpApi } from '../../src/platform/http/api.ts';
import { setUpErrorHandling } from '../../src/platform/http/errors.ts';
import { aPartnerAgency } from '../support/builders.ts';
import { assertProblem, call, type Answer } from '../support/api.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

describe('the JSON API', () => {
  let server: TestServer;
  let councilId: string;
  const makeKey = async (scopes: Scope[], organisationId = councilId, name = 'Housing system') =>
    await server.services.apiKeys.create(systemActor('test'), { organisationId, name, scopes });

  before(async () => {
    server = await startTestServer();
    councilId = (await findFirstCouncil(server.db))!.id;
  });
  after(() => server.close());

  describe('authentication', () => {
    it('refuses a request without a key with 401 problem JSON and WWW-Authenticate: Bearer', async () => {
      const answer = await call(server.url, 'GET', '/api/v1/api-key');
      assertProblem(answer, 401, 'unauthenticated');
      assert.match(answer.headers.get('www-authenticate') ?? '', /^Bearer\b/);
      assert.ok(!(answer.headers.get('set-cookie') ?? '').includes('session'), 'the API starts no session');
    });

    it('refuses something that is not a key, a known prefix with the wrong secret, and a Basic header', async () => {
      const { key } = await makeKey(['customers:read']);
      const wrongSecret = key.slice(0, -4) + (key.endsWith('AAAA') ? 'BBBB' : 'AAAA');
      for (const header of ['Bearer not-a-key', `Bearer ${wrongSecret}`, `Basic ${Buffer.from('a:b').toString('base64')}`]) {
        const answer = await call(server.url, 'GET', '/api/v1/api-key', { headers: { authorization: header } });
        assertProblem(answer, 401, 'unauthenticated');
        assert.match(answer.headers.get('www-authenticate') ?? '', /^Bearer\b/);
      }
    });

    it('tells a key about itself at GET /api/v1/api-key, and notes when it was used', async () => {
      const created = await makeKey(['cases:read', 'customers:read'], councilId, 'Contact centre CRM');
      const answer = await call(server.url, 'GET', '/api/v1/api-key', { key: created.key });
      assert.equal(answer.status, 200, answer.text);
      assert.match(answer.headers.get('content-type') ?? '', /^application\/json/);
      assert.equal(answer.body.id, created.id);
      assert.equal(answer.body.name, 'Contact centre CRM');
      assert.deepEqual(answer.body.scopes, ['customers:read', 'cases:read']);
      assert.deepEqual((answer.body.organisation as { id: string }).id, councilId);
      assert.ok(!Number.isNaN(Date.parse(String(answer.body.lastUsedAt))), 'lastUsedAt is a time');
      assert.ok(!answer.text.includes(created.key.slice('odk_abcdefgh_'.length)), 'the secret is never shown again');
      // RateLimit headers tell a client how much of its allowance is left.
      assert.ok(Number(answer.headers.get('ratelimit-remaining')) >= 0);
    });

    it('refuses a revoked key at once', async () => {
      const created = await makeKey(['customers:read']);
      assert.equal((await call(server.url, 'GET', '/api/v1/api-key', { key: created.key })).status, 200);
      assert.equal(await server.services.apiKeys.revoke(systemActor('test'), created.id), true);
      assertProblem(await call(server.url, 'GET', '/api/v1/api-key', { key: created.key }), 401, 'unauthenticated');
    });

    it('refuses the keys of an organisation that has been closed', async () => {
      const partnerId = await aPartnerAgency(server.db, 'closing-agency', 'Closing Agency');
      const created = await makeKey(['customers:read'], partnerId);
      assert.equal((await call(server.url, 'GET', '/api/v1/api-key', { key: created.key })).status, 200);
      await server.db.updateTable('organisations').set({ active: false }).where('id', '=', partnerId).execute();
      assertProblem(await call(server.url, 'GET', '/api/v1/api-key', { key: created.key }), 401, 'unauthenticated');
    });

    it('answers an unknown API path with problem JSON: 401 without a key, 404 with one', async () => {
      assertProblem(await call(server.url, 'GET', '/api/v1/no-such-thing'), 401, 'unauthenticated');
      const { key } = await makeKey(['customers:read']);
      assertProblem(await call(server.url, 'GET', '/api/v1/no-such-thing', { key }), 404, 'not-found');
    });
  });

  describe('the description', () => {
    it('serves OpenAPI 3.1 at /api/v1/openapi.json without a key, listing /api/v1/api-key', async () => {
      const answer = await call(server.url, 'GET', '/api/v1/openapi.json');
      assert.equal(answer.status, 200, answer.text);
      assert.equal(answer.body.openapi, '3.1.0');
      const paths = answer.body.paths as Record<
        string,
        Record<string, { security?: unknown; responses: Record<string, unknown> }>
      >;
      const operation = paths['/api/v1/api-key']?.get;
      assert.ok(operation, `lists GET /api/v1/api-key among ${Object.keys(paths).join(', ')}`);
      assert.ok(operation.responses['200'], 'with its answer');
      assert.ok(operation.responses['401'], 'and the problems it may answer with');
      assert.ok(!paths['/api/v1/openapi.json'] && !paths['/api/v1/docs'], 'not the description and docs themselves');
      const components = answer.body.components as {
        securitySchemes: Record<string, { type: string; scheme: string }>;
        schemas: Record<string, { properties: Record<string, unknown> }>;
      };
      const schemes = Object.values(components.securitySchemes);
      assert.ok(
        schemes.some((scheme) => scheme.type === 'http' && scheme.scheme === 'bearer'),
        'a bearer scheme',
      );
      assert.deepEqual(Object.keys(components.schemas.Problem!.properties).sort(), [
        'code',
        'detail',
        'errors',
        'status',
        'title',
        'type',
      ]);
    });

    it('serves readable documentation at /api/v1/docs, from OneDoor itself', async () => {
      const page = await server.client().get('/api/v1/docs');
      assert.equal(page.status, 200);
      assert.equal(page.heading, 'OneDoor API');
      const cells = page.dom.querySelectorAll('td').map((cell) => cell.text.trim());
      assert.ok(cells.includes('/api/v1/api-key'), `lists /api/v1/api-key (${cells.join(' | ')})`);
      assert.ok(page.dom.querySelector('a[href="/api/v1/openapi.json"]'));
      const external = page.dom
        .querySelectorAll('script[src], link[href]')
        .map((element) => element.getAttribute('src') ?? element.getAttribute('href') ?? '')
        .filter((address) => /^(https?:)?\/\//.test(address));
      assert.deepEqual(external, [], 'no script or stylesheet from another site');
      const welsh = await server.client().get('/api/v1/docs?lang=cy');
      assert.equal(welsh.status, 303, 'the language switcher works here too');
    });
  });

  describe('with test routes', () => {
    // A small app built with the same setUpApi, carrying test-only routes: a POST that records
    // something (slowly, when asked), one that fails, and a GET that needs a scope.
    let app: FastifyInstance;
    let url: string;
    const records: { id: number; name: string }[] = [];
    let delayMs = 0;
    let failures = 0;

    const testRoutes: FastifyPluginAsyncTypebox = async (api) => {
      api.post(
        '/test/records',
        {
          preHandler: requireScope('cases:write'),
          schema: {
            body: Type.Object({
              name: Type.String({ minLength: 1 }),
              address: Type.Optional(Type.Object({ line1: Type.String(), postcode: Type.String({ minLength: 5 }) })),
            }),
          },
        },
        async (request, reply) => {
          await new Promise((resolve) => setTimeout(resolve, delayMs));
          const record = { id: records.length + 1, name: request.body.name };
          records.push(record);
          return reply.code(201).send(record);
        },
      );
      api.post('/test/failing', { preHandler: requireScope('cases:write') }, async () => {
        failures += 1;
        if (failures === 1) throw new Error('the first attempt fails');
        return { attempt: failures };
      });
      api.get('/test/customers', { preHandler: requireScope('customers:read') }, async () => ({ items: [], next: null }));
    };

    before(async () => {
      app = Fastify({ logger: false });
      setUpErrorHandling(app);
      await setUpApi(app, {
        apiKeys: server.services.apiKeys,
        countHit: server.services.countHit,
        routes: [apiRoutes(testRoutes, {})],
        rateLimit: { max: 40, windowMs: 60_000 },
      });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    });
    after(() => app.close());

    const idempotencyRows = async (key: string) =>
      await server.db.selectFrom('api_idempotency_keys').selectAll().where('key', '=', key).execute();

    it('refuses a key without the route’s scope with 403 problem JSON, and lets one with it through', async () => {
      const reader = await makeKey(['cases:read']);
      const refused = await call(url, 'GET', '/api/v1/test/customers', { key: reader.key });
      assertProblem(refused, 403, 'insufficient-scope');
      assert.match(String(refused.body.detail), /customers:read/);
      assert.match(refused.headers.get('www-authenticate') ?? '', /insufficient_scope/);
      const allowed = await call(url, 'GET', '/api/v1/test/customers', { key: (await makeKey(['customers:read'])).key });
      assert.equal(allowed.status, 200);
      assert.deepEqual(allowed.body, { items: [], next: null });
    });

    it('refuses an invalid body with 422 problem JSON naming each field', async () => {
      const { key } = await makeKey(['cases:write']);
      const answer = await call(url, 'POST', '/api/v1/test/records', {
        key,
        body: { name: '', address: { line1: '1 High Street', postcode: 'SY1' } },
      });
      assertProblem(answer, 422, 'invalid');
      const errors = answer.body.errors as { field: string; message: string }[];
      assert.deepEqual(errors.map((error) => error.field).sort(), ['address.postcode', 'name']);
      for (const error of errors) assert.ok(error.message.length > 0);

      const missing = await call(url, 'POST', '/api/v1/test/records', { key, body: {} });
      assertProblem(missing, 422, 'invalid');
      assert.deepEqual(
        (missing.body.errors as { field: string }[]).map((error) => error.field),
        ['name'],
      );
    });

    it('refuses a body that is not JSON, and a form post', async () => {
      const { key } = await makeKey(['cases:write']);
      const broken = await call(url, 'POST', '/api/v1/test/records', {
        key,
        headers: { 'content-type': 'application/json' },
        body: undefined,
      });
      assert.equal(broken.status >= 400 && broken.status < 500, true);
      const form = await fetch(`${url}/api/v1/test/records`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'name=Form',
      });
      assert.equal(form.status, 415);
      assert.match(form.headers.get('content-type') ?? '', /^application\/problem\+json/);
    });

    it('gives the first answer again to a retry with the same Idempotency-Key, and does the work once', async () => {
      const { key } = await makeKey(['cases:write']);
      const before = records.length;
      const headers = { 'idempotency-key': 'retry-3f1c9e' };
      const first = await call(url, 'POST', '/api/v1/test/records', {
        key,
        headers,
        body: { name: 'Ffion', address: undefined },
      });
      assert.equal(first.status, 201, first.text);
      assert.equal(first.headers.get('idempotent-replayed'), null);
      // The same JSON with its properties in another order is the same request.
      const retry = await call(url, 'POST', '/api/v1/test/records', { key, headers, body: { name: 'Ffion' } });
      assert.equal(retry.status, 201);
      assert.deepEqual(retry.body, first.body);
      assert.equal(retry.headers.get('idempotent-replayed'), 'true');
      assert.match(retry.headers.get('content-type') ?? '', /^application\/json/);
      assert.equal(records.length, before + 1, 'one record');
      const [row] = await idempotencyRows('retry-3f1c9e');
      assert.equal(row?.response_status, 201);
      assert.ok(row && row.expires_at.getTime() - row.created_at.getTime() === 24 * 3_600_000, 'kept for 24 hours');
    });

    it('refuses the same Idempotency-Key with a different body (422)', async () => {
      const { key } = await makeKey(['cases:write']);
      const headers = { 'idempotency-key': 'reused-8a2d' };
      assert.equal((await call(url, 'POST', '/api/v1/test/records', { key, headers, body: { name: 'Gwen' } })).status, 201);
      const before = records.length;
      const answer = await call(url, 'POST', '/api/v1/test/records', { key, headers, body: { name: 'Gwenllian' } });
      assertProblem(answer, 422, 'idempotency-key-reused');
      assert.equal(records.length, before, 'nothing more was done');
    });

    it('runs each POST without an Idempotency-Key, and keeps keys apart per API key', async () => {
      const first = await makeKey(['cases:write']);
      const second = await makeKey(['cases:write']);
      const before = records.length;
      await call(url, 'POST', '/api/v1/test/records', { key: first.key, body: { name: 'Idris' } });
      await call(url, 'POST', '/api/v1/test/records', { key: first.key, body: { name: 'Idris' } });
      const headers = { 'idempotency-key': 'shared-value' };
      await call(url, 'POST', '/api/v1/test/records', { key: first.key, headers, body: { name: 'Idris' } });
      const other = await call(url, 'POST', '/api/v1/test/records', { key: second.key, headers, body: { name: 'Idris' } });
      assert.equal(other.headers.get('idempotent-replayed'), null, 'another key’s answer is not given');
      assert.equal(records.length, before + 4);
    });

    it('does the work once when copies of a request with one Idempotency-Key arrive together', async () => {
      const { key } = await makeKey(['cases:write']);
      const before = records.length;
      delayMs = 300;
      try {
        const headers = { 'idempotency-key': 'concurrent-5b7e' };
        const answers = await Promise.all(
          Array.from({ length: 6 }, () => call(url, 'POST', '/api/v1/test/records', { key, headers, body: { name: 'Rhys' } })),
        );
        assert.equal(records.length, before + 1, 'one record');
        const created = answers.filter((answer) => answer.status === 201);
        for (const answer of answers) {
          if (answer.status === 409) assertProblem(answer, 409, 'idempotency-key-in-progress');
          else assert.equal(answer.status, 201, answer.text);
        }
        assert.ok(created.length >= 1);
        for (const answer of created) assert.deepEqual(answer.body, created[0]!.body, 'every answer is the same one');
        assert.equal(created.filter((answer) => answer.headers.get('idempotent-replayed') === null).length, 1);
        assert.equal((await idempotencyRows('concurrent-5b7e')).length, 1);
      } finally {
        delayMs = 0;
      }
    });

    it('lets a request that failed (500) be tried again with the same Idempotency-Key', async () => {
      const { key } = await makeKey(['cases:write']);
      const headers = { 'idempotency-key': 'failing-1' };
      const failed = await call(url, 'POST', '/api/v1/test/failing', { key, headers, body: {} });
      assertProblem(failed, 500, 'server-error');
      assert.deepEqual(await idempotencyRows('failing-1'), [], 'the claim was given up');
      const retried = await call(url, 'POST', '/api/v1/test/failing', { key, headers, body: {} });
      assert.equal(retried.status, 200);
      assert.deepEqual(retried.body, { attempt: 2 });
      const replayed = await call(url, 'POST', '/api/v1/test/failing', { key, headers, body: {} });
      assert.deepEqual(replayed.body, { attempt: 2 });
      assert.equal(replayed.headers.get('idempotent-replayed'), 'true');
    });

    it('refuses an Idempotency-Key longer than 255 characters with 400', async () => {
      const { key } = await makeKey(['cases:write']);
      const before = records.length;
      const answer = await call(url, 'POST', '/api/v1/test/records', {
        key,
        headers: { 'idempotency-key': 'k'.repeat(256) },
        body: { name: 'Long' },
      });
      assertProblem(answer, 400, 'idempotency-key-invalid');
      assert.equal(records.length, before);
      const longest = await call(url, 'POST', '/api/v1/test/records', {
        key,
        headers: { 'idempotency-key': 'k'.repeat(255) },
        body: { name: 'Long' },
      });
      assert.equal(longest.status, 201);
    });

    it('limits the requests of each key, with 429 problem JSON and Retry-After', async () => {
      const busy = await makeKey(['customers:read']);
      const quiet = await makeKey(['customers:read']);
      let answer: Answer | undefined;
      for (let request = 1; request <= 41; request++) {
        answer = await call(url, 'GET', '/api/v1/test/customers', { key: busy.key });
        if (request <= 40) assert.equal(answer.status, 200, `request ${request}`);
      }
      assertProblem(answer!, 429, 'rate-limited');
      const retryAfter = Number(answer!.headers.get('retry-after'));
      assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
      assert.equal(
        (await call(url, 'GET', '/api/v1/test/customers', { key: quiet.key })).status,
        200,
        'other keys are not held up',
      );
    });

    it('grants every scope it knows to a key made with all of them', async () => {
      const all = await makeKey([...SCOPES]);
      assert.equal((await call(url, 'GET', '/api/v1/test/customers', { key: all.key })).status, 200);
    });
  });
});
