// The complaints call of the JSON API as CONTRACT.md describes it, from outside over real HTTP with
// real keys: record a complaint and hear its first deadlines, the refusals (401, 403, 422 per
// field), and Idempotency-Key giving one complaint for a retried request.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { findFirstCouncil } from '../../src/organisations/repo.ts';
import { systemActor } from '../../src/platform/actor.ts';
import type { Scope } from '../../src/platform/apiKeys/scopes.ts';
import { aPartnerAgency, aService, aTeam } from '../support/builders.ts';
import { assertProblem, call } from '../support/api.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const DAY_MS = 86_400_000;

describe('the complaints API', () => {
  let server: TestServer;
  let councilId: string;
  let writer: string;
  let customerId: string;

  const makeKey = async (scopes: Scope[], organisationId = councilId) =>
    (await server.services.apiKeys.create(systemActor('test'), { organisationId, name: `key ${scopes.join(' ')}`, scopes })).key;

  before(async () => {
    server = await startTestServer();
    const db = server.db;
    councilId = (await findFirstCouncil(db))!.id;
    const teamId = await aTeam(db, { organisationId: councilId, code: 'waste', name: 'Waste and Recycling' });
    await aService(db, { councilId, teamId, code: 'missed-bin', name: 'Missed bin', slaWorkingDays: 2 });
    const customer = await server.services.customers.create(
      systemActor('test'),
      { kind: 'person', givenName: 'Bethan', familyName: 'Morgan', email: 'bethan@example.org', address: {} },
      { confirmedNew: true, councilId },
    );
    if (!customer.created) throw new Error('no customer');
    customerId = customer.id;
    // Only the scope the call needs: naming the customer must not need customers:read.
    writer = await makeKey(['complaints:write']);
  });
  after(() => server.close());

  const record = (body: unknown, options: { key?: string; headers?: Record<string, string> } = {}) =>
    call(server.url, 'POST', '/api/v1/complaints', { key: writer, body, ...options });

  const complaintCount = async () =>
    (
      await server.db
        .selectFrom('complaints')
        .select(sql<number>`count(*)::int`.as('n'))
        .executeTakeFirstOrThrow()
    ).n;

  const fieldsOf = (answer: { body: Record<string, unknown> }) =>
    (answer.body as { errors: { field: string }[] }).errors.map((error) => error.field);

  it('records a complaint at stage 1 with its deadlines counted from when it was received, and tells the customer', async () => {
    const receivedAt = new Date(Date.now() - 3 * DAY_MS);
    const answer = await record({
      description: 'The bin was missed three weeks running',
      customerId,
      serviceCode: 'missed-bin',
      receivedAt: receivedAt.toISOString(),
      category: 'delay',
      outcomeWanted: 'Collect it, and say sorry',
      channel: 'phone',
    });
    assert.equal(answer.status, 201, answer.text);
    const body = answer.body as {
      reference: string;
      kind: string;
      stage: number;
      status: string;
      acknowledgeBy: string;
      respondBy: string;
      team: string;
    };
    assert.match(body.reference, /^CMP-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    assert.deepEqual(
      { kind: body.kind, stage: body.stage, status: body.status, team: body.team },
      { kind: 'complaint', stage: 1, status: 'open', team: 'Waste and Recycling' },
    );
    const calendar = server.services.calendar;
    assert.equal(body.acknowledgeBy, (await calendar.slaDates(councilId, receivedAt, 5)).dueAt.toISOString());
    assert.equal(body.respondBy, (await calendar.slaDates(councilId, receivedAt, 15)).dueAt.toISOString());

    const saved = await server.db
      .selectFrom('complaints as c')
      .innerJoin('complaint_stages as s', 's.complaint_id', 'c.id')
      .select([
        'c.kind',
        'c.channel',
        'c.category',
        'c.customer_id',
        'c.created_by_api_key',
        'c.received_at',
        's.stage',
        's.acknowledge_by',
      ])
      .where('c.reference', '=', body.reference)
      .execute();
    assert.equal(saved.length, 1, 'one stage: stage 1');
    const [row] = saved;
    assert.deepEqual(
      [row!.kind, row!.channel, row!.category, row!.customer_id, row!.stage],
      ['complaint', 'phone', 'delay', customerId, 1],
    );
    assert.ok(row!.created_by_api_key, 'the key that recorded it is kept');
    assert.equal(row!.received_at.toISOString(), receivedAt.toISOString());
    assert.equal(row!.acknowledge_by.toISOString(), body.acknowledgeBy);

    const messages = await server.db
      .selectFrom('notifications')
      .select(['event', 'recipient'])
      .where('record_id', '=', body.reference)
      .execute();
    assert.deepEqual(messages, [{ event: 'complaint.received', recipient: 'bethan@example.org' }]);
  });

  it('records a compliment with no stage and no deadlines, from the web unless told', async () => {
    const answer = await record({ kind: 'compliment', description: 'The crew were lovely' });
    assert.equal(answer.status, 201, answer.text);
    assert.deepEqual(
      { ...answer.body, reference: undefined },
      { reference: undefined, kind: 'compliment', stage: null, status: 'open', acknowledgeBy: null, respondBy: null, team: null },
    );
    const row = await server.db
      .selectFrom('complaints')
      .select(['channel', 'stage'])
      .where('reference', '=', answer.body.reference as string)
      .executeTakeFirstOrThrow();
    assert.deepEqual(row, { channel: 'web', stage: null });
  });

  it('refuses a request without a key (401), a key without complaints:write (403), and a partner agency’s key', async () => {
    const before = await complaintCount();
    const anonymous = await call(server.url, 'POST', '/api/v1/complaints', { body: { description: 'No key' } });
    assertProblem(anonymous, 401, 'unauthenticated');
    const casesOnly = await record({ description: 'Wrong scope' }, { key: await makeKey(['cases:write', 'customers:read']) });
    assertProblem(casesOnly, 403, 'insufficient-scope');
    const partnerId = await aPartnerAgency(server.db, 'housing-association');
    const partner = await record({ description: 'Not our council' }, { key: await makeKey(['complaints:write'], partnerId) });
    assertProblem(partner, 403, 'not-allowed');
    assert.equal(await complaintCount(), before);
  });

  it('refuses what it cannot record with 422 and an error per field, and records nothing', async () => {
    const before = await complaintCount();
    const missing = await record({ serviceCode: 'missed-bin' });
    assertProblem(missing, 422, 'invalid');
    assert.deepEqual(fieldsOf(missing), ['description']);

    const blank = await record({ description: '   ' });
    assertProblem(blank, 422, 'invalid');
    assert.deepEqual(blank.body.errors, [
      { field: 'description', message: 'Enter what the complaint is about', code: 'complaints.errors.descriptionMissing' },
    ]);

    const unknownService = await record({ description: 'Anything', serviceCode: 'no-such-service' });
    assertProblem(unknownService, 422, 'invalid');
    assert.deepEqual(fieldsOf(unknownService), ['serviceCode']);

    const future = await record({ description: 'From tomorrow', receivedAt: new Date(Date.now() + DAY_MS).toISOString() });
    assertProblem(future, 422, 'invalid');
    assert.deepEqual(future.body.errors, [
      { field: 'receivedAt', message: 'The date must be today or in the past', code: 'complaints.errors.dateInFuture' },
    ]);

    const longAgo = await record({ description: 'Years ago', receivedAt: new Date(Date.now() - 400 * DAY_MS).toISOString() });
    assertProblem(longAgo, 422, 'invalid');
    assert.deepEqual(fieldsOf(longAgo), ['receivedAt']);

    const notATime = await record({ description: 'Whenever', receivedAt: 'last Tuesday' });
    assertProblem(notATime, 422, 'invalid');
    assert.deepEqual(fieldsOf(notATime), ['receivedAt']);

    const unknownCustomer = await record({ description: 'Someone', customerId: '00000000-0000-4000-8000-000000000000' });
    assertProblem(unknownCustomer, 422, 'invalid');
    assert.deepEqual(fieldsOf(unknownCustomer), ['customerId']);

    const badKind = await record({ description: 'Praise', kind: 'praise' });
    assertProblem(badKind, 422, 'invalid');
    assert.deepEqual(fieldsOf(badKind), ['kind']);

    assert.equal(await complaintCount(), before);
  });

  it('records one complaint for a request retried with the same Idempotency-Key, and answers the retry the same', async () => {
    const before = await complaintCount();
    const headers = { 'idempotency-key': 'complaint-7c1e2a' };
    const body = { description: 'Sent twice by a flaky connection', serviceCode: 'missed-bin' };
    const first = await record(body, { headers });
    assert.equal(first.status, 201, first.text);
    const retry = await record(body, { headers });
    assert.equal(retry.status, 201, retry.text);
    assert.equal(retry.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(retry.body, first.body);
    assert.equal(await complaintCount(), before + 1);

    const reused = await record({ ...body, description: 'Something else' }, { headers });
    assertProblem(reused, 422, 'idempotency-key-reused');
    assert.equal(await complaintCount(), before + 1);
  });

  it('describes the call in the OpenAPI document', async () => {
    const document = (await call(server.url, 'GET', '/api/v1/openapi.json')).body as {
      paths: Record<string, Record<string, { operationId: string; tags: string[]; security: { apiKey: string[] }[] }>>;
    };
    const operation = document.paths['/api/v1/complaints']?.post;
    assert.ok(operation, 'POST /api/v1/complaints');
    assert.equal(operation.operationId, 'createComplaint');
    assert.deepEqual(operation.tags, ['Complaints']);
    assert.deepEqual(operation.security, [{ apiKey: ['complaints:write'] }]);
  });
});
