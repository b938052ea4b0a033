// The customers and contacts calls of the JSON API, exactly as CONTRACT.md describes them, from
// outside over real HTTP with real keys.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findFirstCouncil } from '../../src/organisations/repo.ts';
import { systemActor } from '../../src/platform/actor.ts';
import type { Scope } from '../../src/platform/apiKeys/scopes.ts';
import { aPartnerAgency } from '../support/builders.ts';
import { assertProblem, call } from '../support/api.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

describe('the customers and contacts API', () => {
  let server: TestServer;
  let councilId: string;
  let writer: string;
  let reader: string;

  const makeKey = async (scopes: Scope[], organisationId = councilId) =>
    (await server.services.apiKeys.create(systemActor('test'), { organisationId, name: `key ${scopes.join(' ')}`, scopes })).key;

  before(async () => {
    server = await startTestServer();
    councilId = (await findFirstCouncil(server.db))!.id;
    writer = await makeKey(['customers:write', 'customers:read', 'contacts:write']);
    reader = await makeKey(['customers:read']);
  });
  after(() => server.close());

  async function customerCount(): Promise<number> {
    const row = await server.db
      .selectFrom('customers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  it('creates a customer, then finds them by a typo, by phone in another format and by postcode', async () => {
    const created = await call(server.url, 'POST', '/api/v1/customers', {
      key: writer,
      body: {
        givenName: 'Angharad',
        familyName: 'Llewellyn',
        email: 'angharad@example.org',
        phone: '01938 552828',
        dateOfBirth: '1972-09-30',
        preferredLanguage: 'cy',
        address: { line1: '8 Broad Street', town: 'Welshpool', postcode: 'sy21 7jq' },
      },
    });
    assert.equal(created.status, 201, created.text);
    const id = String(created.body.id);
    assert.match(id, /^[0-9a-f-]{36}$/);
    assert.equal(created.body.postcode, 'SY21 7JQ');
    assert.equal(created.body.phone, '+441938552828');
    assert.deepEqual(created.body.likelyDuplicates, []);

    for (const q of ['angharad lewellyn', '+44 1938 552828', 'SY217JQ', 'ANGHARAD@example.org']) {
      const found = await call(server.url, 'GET', `/api/v1/customers?q=${encodeURIComponent(q)}&limit=5`, { key: reader });
      assert.equal(found.status, 200, found.text);
      const items = found.body.items as {
        id: string;
        givenName: string;
        familyName: string;
        email: string;
        phone: string;
        postcode: string;
      }[];
      assert.equal(items[0]?.id, id, q);
      assert.deepEqual(
        {
          givenName: items[0]!.givenName,
          familyName: items[0]!.familyName,
          email: items[0]!.email,
          postcode: items[0]!.postcode,
        },
        { givenName: 'Angharad', familyName: 'Llewellyn', email: 'angharad@example.org', postcode: 'SY21 7JQ' },
      );
      assert.equal(found.body.next, null);
    }
  });

  it('finds the customer a case was raised for by the case reference, typed any way, and says it matched on it', async () => {
    const created = await call(server.url, 'POST', '/api/v1/customers', {
      key: writer,
      body: {
        givenName: 'Gwenllian',
        familyName: 'Rowlands',
        address: { line1: '3 Bridge Street', town: 'Llanfyllin', postcode: 'SY22 5AU' },
      },
    });
    assert.equal(created.status, 201, created.text);
    const team = await server.db
      .insertInto('teams')
      .values({ organisation_id: councilId, code: 'highways', name: 'Highways' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await server.db
      .insertInto('services')
      .values({
        council_id: councilId,
        code: 'pothole',
        name: 'Report a pothole',
        team_id: team.id,
        organisation_id: councilId,
        sla_working_days: 10,
      })
      .execute();
    const raise = (customerId?: string) =>
      server.services.cases.raise(
        systemActor('test'),
        {
          serviceCode: 'pothole',
          description: 'Deep pothole by the school',
          channel: 'phone',
          ...(customerId ? { customerId } : {}),
        },
        { council: councilId },
      );
    const theirs = await raise(String(created.body.id));
    const nobodys = await raise();

    const compact = theirs.reference.replaceAll('-', '');
    for (const q of [theirs.reference, theirs.reference.toLowerCase(), compact.toLowerCase(), `Rowlands ${theirs.reference}`]) {
      const found = await call(server.url, 'GET', `/api/v1/customers?q=${encodeURIComponent(q)}`, { key: reader });
      assert.equal(found.status, 200, found.text);
      const items = found.body.items as { id: string; matchedOn: string[] }[];
      assert.deepEqual(
        items.map((item) => item.id),
        [created.body.id],
        q,
      );
      assert.ok(items[0]!.matchedOn.includes('caseReference'), `${q}: ${items[0]!.matchedOn.join(', ')}`);
    }
    // A case raised for nobody finds nobody; nor does a reference with someone else's name beside it.
    for (const q of [nobodys.reference, `Llewellyn ${theirs.reference}`]) {
      const found = await call(server.url, 'GET', `/api/v1/customers?q=${encodeURIComponent(q)}`, { key: reader });
      assert.equal(found.status, 200, found.text);
      assert.deepEqual(found.body.items, [], q);
    }
  });

  it('answers a customer with their contacts newest first, and audits the read', async () => {
    const created = await call(server.url, 'POST', '/api/v1/customers', {
      key: writer,
      body: { givenName: 'Rhodri', familyName: 'Bevan' },
    });
    const id = String(created.body.id);
    for (const [channel, startedAt] of [
      ['phone', '2026-11-20T10:00:00Z'],
      ['web', '2026-11-21T10:00:00Z'],
    ] as const) {
      const logged = await call(server.url, 'POST', '/api/v1/contacts', {
        key: writer,
        body: {
          channel,
          customerId: id,
          startedAt,
          endedAt: startedAt.replace('10:00', '10:04'),
          serviceCode: 'bins',
          outcome: 'resolved_first_contact',
        },
      });
      assert.equal(logged.status, 201, logged.text);
      assert.equal(logged.body.handlingSeconds, 240);
    }
    const record = await call(server.url, 'GET', `/api/v1/customers/${id}`, { key: reader });
    assert.equal(record.status, 200, record.text);
    const contacts = record.body.contacts as { channel: string; startedAt: string }[];
    assert.deepEqual(
      contacts.map((contact) => contact.channel),
      ['web', 'phone'],
    );
    assert.deepEqual(record.body.cases, []);
    const audit = await server.db
      .selectFrom('audit_events')
      .select(['actor_type', 'actor_label'])
      .where('action', '=', 'customer.view')
      .where('record_id', '=', id)
      .execute();
    assert.deepEqual(audit, [{ actor_type: 'api_key', actor_label: 'key customers:read' }]);
  });

  it('logs an anonymous contact with the defaults, audited as the key', async () => {
    const logged = await call(server.url, 'POST', '/api/v1/contacts', { key: writer, body: { channel: 'chat' } });
    assert.equal(logged.status, 201, logged.text);
    assert.equal(logged.body.outcome, 'resolved_first_contact');
    assert.equal(logged.body.customerId, null);
    const audit = await server.db
      .selectFrom('audit_events')
      .select(['actor_type'])
      .where('record_id', '=', String(logged.body.id))
      .executeTakeFirstOrThrow();
    assert.equal(audit.actor_type, 'api_key');
  });

  it('refuses bad details field by field with problem JSON, and saves nothing', async () => {
    const before = await customerCount();
    const answer = await call(server.url, 'POST', '/api/v1/customers', {
      key: writer,
      body: {
        givenName: 'Dai',
        familyName: 'Jones',
        email: 'dai@',
        phone: '123',
        address: { line1: '1 High St', town: 'Oswestry', postcode: 'SY99 ZZZ' },
      },
    });
    assertProblem(answer, 422, 'invalid');
    assert.deepEqual(answer.body.errors, [
      {
        field: 'email',
        message: 'Enter an email address in the correct format, like name@example.com',
        code: 'customers.errors.emailFormat',
      },
      {
        field: 'phone',
        message: 'Enter a UK phone number, like 01691 654321 or 07911 123456',
        code: 'customers.errors.phoneFormat',
      },
      { field: 'address.postcode', message: 'Enter a full UK postcode, like SY11 1AA', code: 'customers.errors.postcodeFormat' },
    ]);
    const badDate = await call(server.url, 'POST', '/api/v1/customers', {
      key: writer,
      body: { givenName: 'Dai', familyName: 'Jones', dateOfBirth: '1990-02-30' },
    });
    assertProblem(badDate, 422, 'invalid');
    assert.equal((badDate.body.errors as { field: string }[])[0]?.field, 'dateOfBirth');
    const contact = await call(server.url, 'POST', '/api/v1/contacts', { key: writer, body: { channel: 'pigeon' } });
    assertProblem(contact, 422, 'invalid');
    assert.equal(await customerCount(), before);
  });

  it('keeps each key to its scopes, and a partner key to customers who agreed to share', async () => {
    assertProblem(
      await call(server.url, 'POST', '/api/v1/customers', { key: reader, body: { givenName: 'A', familyName: 'B' } }),
      403,
      'insufficient-scope',
    );
    assertProblem(await call(server.url, 'GET', '/api/v1/customers?q=jones'), 401, 'unauthenticated');
    const partnerId = await aPartnerAgency(server.db, 'advice', 'Advice Centre');
    const partnerKey = await makeKey(['customers:read'], partnerId);
    const created = await call(server.url, 'POST', '/api/v1/customers', {
      key: writer,
      body: { givenName: 'Mared', familyName: 'Hopkins' },
    });
    const id = String(created.body.id);
    assert.equal((await call(server.url, 'GET', `/api/v1/customers/${id}`, { key: partnerKey })).status, 404);
    const search = await call(server.url, 'GET', '/api/v1/customers?q=mared%20hopkins', { key: partnerKey });
    assert.deepEqual(search.body.items, []);
    await server.services.customers.addConsent(systemActor('test'), id, {
      organisationId: partnerId,
      shares: ['history'],
      givenOn: '2026-11-01',
    });
    const shared = await call(server.url, 'GET', `/api/v1/customers/${id}`, { key: partnerKey });
    assert.equal(shared.status, 200);
    assert.equal(shared.body.displayName, 'Mared Hopkins');
  });

  it('describes the customers and contacts calls in the OpenAPI document', async () => {
    const document = await call(server.url, 'GET', '/api/v1/openapi.json');
    const paths = document.body.paths as Record<string, Record<string, unknown>>;
    assert.ok(paths['/api/v1/customers']?.post && paths['/api/v1/customers']?.get);
    assert.ok(paths['/api/v1/customers/{id}']?.get);
    assert.ok(paths['/api/v1/contacts']?.post);
  });
});
