// The cases calls of the JSON API as CONTRACT.md describes them, from outside over real HTTP with
// real keys: raise a case against a service's form, read it, move it through its lifecycle, and
// the refusals (422 per field, 409 with the reason, 404 for another council's case).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { findFirstCouncil } from '../../src/organisations/repo.ts';
import { systemActor } from '../../src/platform/actor.ts';
import type { Scope } from '../../src/platform/apiKeys/scopes.ts';
import { FLY_TIPPING_QUESTIONS, aPartnerAgency, aService, aTeam } from '../support/builders.ts';
import { assertProblem, call } from '../support/api.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

describe('the cases API', () => {
  let server: TestServer;
  let councilId: string;
  let writer: string;
  let reader: string;
  let customerId: string;

  const makeKey = async (scopes: Scope[], organisationId = councilId) =>
    (await server.services.apiKeys.create(systemActor('test'), { organisationId, name: `key ${scopes.join(' ')}`, scopes })).key;

  before(async () => {
    server = await startTestServer();
    const db = server.db;
    councilId = (await findFirstCouncil(db))!.id;
    const teamId = await aTeam(db, { organisationId: councilId, code: 'street-scene', name: 'Street Scene' });
    const urgentTeamId = await aTeam(db, { organisationId: councilId, code: 'rapid-response', name: 'Rapid Response' });
    const serviceId = await aService(db, {
      councilId,
      teamId,
      code: 'fly-tipping',
      name: 'Report fly-tipping',
      slaWorkingDays: 5,
      questions: FLY_TIPPING_QUESTIONS,
    });
    await db
      .insertInto('service_routing_rules')
      .values({
        service_id: serviceId,
        position: 1,
        question_code: 'what',
        answer_value: 'asbestos',
        team_id: urgentTeamId,
        priority: 'urgent',
      })
      .execute();
    const customer = await server.services.customers.create(
      systemActor('test'),
      { kind: 'person', givenName: 'Bethan', familyName: 'Morgan', email: 'bethan@example.org', address: {} },
      { confirmedNew: true, councilId },
    );
    if (!customer.created) throw new Error('no customer');
    customerId = customer.customer.id;
    writer = await makeKey(['cases:write', 'cases:read']);
    reader = await makeKey(['cases:read']);
  });
  after(() => server.close());

  const raise = (body: Record<string, unknown>, key = writer) => call(server.url, 'POST', '/api/v1/cases', { key, body });

  it('raises a case, routes it by an answer, sets its due date, and tells the customer in the same transaction', async () => {
    const created = await raise({
      serviceCode: 'fly-tipping',
      description: 'Broken asbestos sheets by the gate',
      customerId,
      answers: { what: 'asbestos', where: { lat: 52.86, long: -3.05 } },
    });
    assert.equal(created.status, 201, created.text);
    const body = created.body as { reference: string; status: string; team: string; priority: string; dueAt: string };
    assert.match(body.reference, /^ODR-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    assert.equal(body.status, 'submitted');
    assert.equal(body.team, 'Rapid Response');
    assert.equal(body.priority, 'urgent');
    assert.ok(new Date(body.dueAt).getTime() > Date.now() + 5 * 86_400_000, 'five working days are at least a week away');

    const message = await server.db
      .selectFrom('notifications')
      .select(['event', 'channel', 'recipient', 'body'])
      .where('record_id', '=', body.reference)
      .executeTakeFirstOrThrow();
    assert.equal(message.event, 'case.received');
    assert.equal(message.recipient, 'bethan@example.org');
    assert.match(message.body, new RegExp(body.reference));

    const audit = await server.db.selectFrom('audit_events').select('action').where('action', '=', 'case.create').execute();
    assert.ok(audit.length >= 1);
  });

  it('answers a case with its updates newest first, and moves it on; a move the lifecycle forbids is 409 with the reason', async () => {
    const { reference } = (
      await raise({
        serviceCode: 'fly-tipping',
        description: 'Bags of rubbish',
        answers: { what: 'bags', where: { lat: 52.7, long: -3.1 } },
      })
    ).body as { reference: string };
    const started = await call(server.url, 'POST', `/api/v1/cases/${reference}/updates`, {
      key: writer,
      body: { text: 'Crew booked for Thursday', visibility: 'public', status: 'in_progress' },
    });
    assert.equal(started.status, 201, started.text);
    const internal = await call(server.url, 'POST', `/api/v1/cases/${reference}/updates`, {
      key: writer,
      body: { text: 'Same van as last week', visibility: 'internal' },
    });
    assert.equal(internal.status, 201, internal.text);

    const refused = await call(server.url, 'POST', `/api/v1/cases/${reference}/updates`, {
      key: writer,
      body: { text: 'Done', visibility: 'public', status: 'closed' },
    });
    assertProblem(refused, 409, 'conflict');
    assert.match(refused.text, /resolved/i);

    const read = await call(server.url, 'GET', `/api/v1/cases/${reference}`, { key: reader });
    assert.equal(read.status, 200, read.text);
    const view = read.body as {
      status: string;
      serviceCode: string;
      team: string;
      updates: { kind: string; visibility: string; text: string | null }[];
    };
    assert.equal(view.status, 'in_progress');
    assert.equal(view.serviceCode, 'fly-tipping');
    assert.equal(view.team, 'Street Scene');
    assert.deepEqual(
      view.updates.map((update) => [update.kind, update.visibility, update.text]),
      [
        ['internal_note', 'internal', 'Same van as last week'],
        ['status_changed', 'public', 'Crew booked for Thursday'],
        ['received', 'public', null],
      ],
    );
  });

  it('refuses answers that do not fit the form field by field, an unknown service, and saves nothing', async () => {
    const before = await server.db
      .selectFrom('cases')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    const badAnswers = await raise({ serviceCode: 'fly-tipping', description: 'Sofa', answers: { what: 'sofa', colour: 'red' } });
    assertProblem(badAnswers, 422, 'invalid');
    const fields = (badAnswers.body as { errors: { field: string }[] }).errors.map((error) => error.field).sort();
    assert.ok(fields.includes('answers.what'), fields.join());
    assert.ok(fields.includes('answers.where'), fields.join());
    assert.ok(fields.includes('answers.colour'), fields.join());

    const unknown = await raise({ serviceCode: 'no-such-service', description: 'Anything' });
    assertProblem(unknown, 422, 'invalid');
    assert.deepEqual(
      (unknown.body as { errors: { field: string }[] }).errors.map((error) => error.field),
      ['serviceCode'],
    );

    const after = await server.db
      .selectFrom('cases')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(after.n, before.n);
  });

  it('offers an open case nearby as already reported, and a case linked to it follows its updates and resolution', async () => {
    const first = (
      await raise({
        serviceCode: 'fly-tipping',
        description: 'Mattress in the lay-by',
        answers: { what: 'bags', where: { lat: 52.9, long: -3.0 } },
      })
    ).body as { reference: string };
    const second = await raise({
      serviceCode: 'fly-tipping',
      description: 'Mattress again',
      customerId,
      answers: { what: 'bags', where: { lat: 52.9002, long: -3.0001 } },
    });
    const offered = (second.body as { alreadyReported: { reference: string; distanceMetres: number }[] }).alreadyReported;
    assert.deepEqual(
      offered.map((item) => item.reference),
      [first.reference],
    );
    assert.ok(offered[0]!.distanceMetres <= 50);

    const follower = await raise({
      serviceCode: 'fly-tipping',
      description: 'Same mattress',
      customerId,
      linkTo: first.reference,
      answers: { what: 'bags', where: { lat: 52.9001, long: -3.0 } },
    });
    assert.equal(follower.status, 201, follower.text);
    const followerReference = (follower.body as { reference: string; linkedTo: string }).reference;
    assert.equal((follower.body as { linkedTo: string }).linkedTo, first.reference);

    const resolved = await call(server.url, 'POST', `/api/v1/cases/${first.reference}/updates`, {
      key: writer,
      body: { text: 'Cleared this morning', visibility: 'public', status: 'resolved' },
    });
    assert.equal(resolved.status, 201, resolved.text);
    assert.deepEqual((resolved.body as { followers: string[] }).followers, [followerReference]);
    const followed = (await call(server.url, 'GET', `/api/v1/cases/${followerReference}`, { key: reader })).body as {
      status: string;
      updates: { text: string | null }[];
    };
    assert.equal(followed.status, 'resolved');
    assert.equal(followed.updates[0]!.text, 'Cleared this morning');
    const told = await server.db
      .selectFrom('notifications')
      .select('event')
      .where('event', '=', 'case.resolved')
      .where('recipient', '=', 'bethan@example.org')
      .execute();
    assert.equal(told.length, 1);
  });

  it('keeps each key to its scope and its council: no write without cases:write, another council’s case is 404', async () => {
    const refused = await raise({ serviceCode: 'fly-tipping', description: 'x', answers: {} }, reader);
    assertProblem(refused, 403, 'insufficient-scope');
    const { reference } = (
      await raise({
        serviceCode: 'fly-tipping',
        description: 'Tyres',
        answers: { what: 'bags', where: { lat: 52.5, long: -3.2 } },
      })
    ).body as { reference: string };
    const partnerId = await aPartnerAgency(server.db, 'outsiders');
    const partnerKey = await makeKey(['cases:read'], partnerId);
    const hidden = await call(server.url, 'GET', `/api/v1/cases/${reference}`, { key: partnerKey });
    assertProblem(hidden, 404, 'not-found');
  });

  it('lists a customer’s cases, newest first, on their record', async () => {
    const raised = (
      await raise({
        serviceCode: 'fly-tipping',
        description: 'Fridge by the bins',
        customerId,
        answers: { what: 'bags', where: { lat: 52.6, long: -3.3 } },
      })
    ).body as { reference: string };
    const customerKey = await makeKey(['customers:read']);
    const record = await call(server.url, 'GET', `/api/v1/customers/${customerId}`, { key: customerKey });
    assert.equal(record.status, 200, record.text);
    const listed = (record.body as { cases: { reference: string; serviceCode: string; status: string }[] }).cases;
    assert.deepEqual(listed[0], { ...listed[0], reference: raised.reference, serviceCode: 'fly-tipping', status: 'submitted' });
    assert.ok(listed.length >= 2, 'the earlier cases are there too');
  });

  it('describes the cases calls in the OpenAPI document', async () => {
    const document = (await call(server.url, 'GET', '/api/v1/openapi.json')).body as { paths: Record<string, unknown> };
    for (const path of ['/api/v1/cases', '/api/v1/cases/{reference}', '/api/v1/cases/{reference}/updates'])
      assert.ok(path in document.paths, path);
  });
});
