// The performance call of the JSON API as CONTRACT.md describes it, from outside over real HTTP
// with real keys: every indicator for a period with its target and status (the contract's codes
// among them), the last day named counted, and the refusals (401, 403, 422 per field).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findFirstCouncil } from '../../src/organisations/repo.ts';
import { systemActor } from '../../src/platform/actor.ts';
import type { Scope } from '../../src/platform/apiKeys/scopes.ts';
import { assertProblem, call } from '../support/api.ts';
import { aPartnerAgency } from '../support/builders.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

interface Indicator {
  code: string;
  name: string;
  value: number | null;
  target: number | null;
  rag: string;
  numerator: number | null;
  denominator: number | null;
}

describe('the performance API', () => {
  let server: TestServer;
  let councilId: string;
  let reader: string;

  const makeKey = async (scopes: Scope[], organisationId = councilId) =>
    (await server.services.apiKeys.create(systemActor('test'), { organisationId, name: `key ${scopes.join(' ')}`, scopes })).key;
  const indicators = (query: string, key = reader) => call(server.url, 'GET', `/api/v1/performance/indicators?${query}`, { key });

  before(async () => {
    server = await startTestServer();
    const db = server.db;
    councilId = (await findFirstCouncil(db))!.id;
    reader = await makeKey(['performance:read']);
    // March 2026: three contacts, two resolved at first contact; the last on 31 March at 23:30 in London.
    const contact = (startedAt: string, outcome: string) =>
      db
        .insertInto('contacts')
        .values({
          council_id: councilId,
          channel: 'phone',
          outcome,
          started_at: new Date(startedAt),
          ended_at: new Date(new Date(startedAt).getTime() + 300_000),
        })
        .execute();
    await contact('2026-03-02T10:00:00Z', 'resolved_first_contact');
    await contact('2026-03-03T10:00:00Z', 'case_raised');
    await contact('2026-03-31T22:30:00Z', 'resolved_first_contact');
    await db
      .insertInto('performance_targets')
      .values({
        council_id: councilId,
        indicator: 'first_contact_resolution',
        period_from: '2026-03-01',
        period_to: '2026-04-01',
        target: 80,
        tolerance: 5,
      })
      .execute();
  });
  after(() => server.close());

  it('gives every indicator for the period, the contract’s codes among them, with the last day counted', async () => {
    const answer = await indicators('from=2026-03-01&to=2026-03-31');
    assert.equal(answer.status, 200);
    const body = answer.body as { from: string; to: string; items: Indicator[]; counts: Record<string, number>; next: null };
    assert.equal(body.from, '2026-03-01');
    assert.equal(body.to, '2026-03-31');
    assert.equal(body.next, null);
    const codes = body.items.map((item) => item.code);
    for (const code of [
      'first_contact_resolution',
      'avoidable_contact',
      'cases_within_sla',
      'complaints_responded_in_time',
      'seen_within_10_minutes',
    ])
      assert.ok(codes.includes(code), code);
    const fcr = body.items.find((item) => item.code === 'first_contact_resolution')!;
    // 31 March at 23:30 (BST: 22:30 UTC) is in March: 2 of 3.
    assert.deepEqual(
      [fcr.name, fcr.value, fcr.numerator, fcr.denominator, fcr.target, fcr.rag],
      ['First-contact resolution', 66.7, 2, 3, 80, 'red'],
    );
    assert.equal(body.items.find((item) => item.code === 'seen_within_10_minutes')!.rag, 'not_known');
    assert.equal(
      Object.values(body.counts).reduce((total, count) => total + count, 0),
      body.items.length,
    );
  });

  it('refuses a missing key, a key without the scope and a partner agency’s key', async () => {
    assert.equal((await call(server.url, 'GET', '/api/v1/performance/indicators?from=2026-03-01&to=2026-03-31')).status, 401);
    assertProblem(await indicators('from=2026-03-01&to=2026-03-31', await makeKey(['cases:read'])), 403, 'insufficient-scope');
    const partner = await aPartnerAgency(server.db, 'advice-centre');
    assertProblem(
      await indicators('from=2026-03-01&to=2026-03-31', await makeKey(['performance:read'], partner)),
      403,
      'not-allowed',
    );
  });

  it('answers 422 with an error per field for dates that are not real or a period that ends before it starts', async () => {
    const notReal = await indicators('from=2026-02-30&to=2026-03-31');
    assertProblem(notReal, 422, 'invalid');
    assert.deepEqual(
      (notReal.body as { errors: { field: string }[] }).errors.map((error) => error.field),
      ['from'],
    );
    const backwards = await indicators('from=2026-03-31&to=2026-03-01');
    assertProblem(backwards, 422, 'invalid');
    assert.deepEqual(
      (backwards.body as { errors: { field: string }[] }).errors.map((error) => error.field),
      ['to'],
    );
    assertProblem(await indicators('from=2026-03-01'), 422, 'invalid');
  });

  it('is described in the OpenAPI document', async () => {
    const answer = await call(server.url, 'GET', '/api/v1/openapi.json');
    const paths = (answer.body as { paths: Record<string, Record<string, { operationId: string }>> }).paths;
    assert.equal(paths['/api/v1/performance/indicators']?.get?.operationId, 'listPerformanceIndicators');
  });
});
