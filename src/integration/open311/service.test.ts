import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Db } from '../../db/database.ts';
import type { ApiKeyActor } from '../../platform/actor.ts';
import type { PickerService, PublicService } from '../../services/service.ts';
import type { ServiceForCase } from '../../services/schemas.ts';
import { Open311Refusal, type Fields } from './fields.ts';
import { createOpen311Service, describeProblems, newCustomerOf, submissionKeyFor, type Dependencies } from './service.ts';

const COUNCIL = 'c0000000-0000-4000-8000-000000000001';
const KEY: ApiKeyActor = {
  kind: 'api_key',
  id: 'k0000000-0000-4000-8000-000000000001',
  name: 'FixMyStreet',
  organisationId: COUNCIL,
  organisationKind: 'council',
  councilId: COUNCIL,
  scopes: ['open311:write'],
  ip: null,
};

const aPublicService = (code: string): PublicService => ({
  id: `id-${code}`,
  code,
  name: `Report ${code}`,
  nameCy: null,
  description: '',
  descriptionCy: null,
  slaWorkingDays: 5,
});

const GRAFFITI: ServiceForCase = {
  ...aPublicService('graffiti'),
  councilId: COUNCIL,
  lgsl: null,
  public: true,
  firstContactResolvable: false,
  advisorScript: null,
  teamId: 'team-street-scene',
  organisationId: COUNCIL,
  teamName: 'Street Scene',
  defaultPriority: 'normal',
  questions: [],
  routingRules: [],
};

/**
 * The Open311 service over fakes: the catalogue offers `catalogue` (each owned by Street Scene),
 * and nothing may reach the database or raise a case (the refusals below come first).
 */
function anOpen311Service(catalogue: PublicService[] = [aPublicService('graffiti')]) {
  const calls = { publicCatalogue: 0, picker: 0, forCase: 0 };
  const notExpected = async (): Promise<never> => {
    throw new Error('not expected here');
  };
  const dependencies: Dependencies = {
    cases: { raise: notExpected, list: notExpected, publicChanges: notExpected, addUpdate: notExpected },
    services: {
      publicCatalogue: async () => {
        calls.publicCatalogue++;
        return catalogue;
      },
      picker: async () => {
        calls.picker++;
        return catalogue.map((service): PickerService => ({
          ...service,
          teamName: 'Street Scene',
          firstContactResolvable: false,
        }));
      },
      forCase: async (_councilId, code) => {
        calls.forCase++;
        return code === GRAFFITI.code ? GRAFFITI : undefined;
      },
    },
    portalCouncil: async () => COUNCIL,
  };
  return { open311: createOpen311Service({} as Db, dependencies), calls };
}

async function assertRefused(answer: Promise<unknown>, status: number, words: RegExp): Promise<void> {
  await assert.rejects(answer, (error: unknown) => {
    assert.ok(error instanceof Open311Refusal, String(error));
    assert.equal(error.status, status);
    assert.match(error.description, words);
    return true;
  });
}

describe('the Open311 service', () => {
  it('lists the catalogue with each service’s team in two reads, however many services there are', async () => {
    const { open311, calls } = anOpen311Service(['graffiti', 'fly-tipping', 'potholes'].map(aPublicService));
    const listed = (await open311.services()) as { service_code: string; group: string; groups: string[] }[];
    assert.deepEqual(
      listed.map((service) => [service.service_code, service.group, service.groups]),
      [
        ['graffiti', 'Street Scene', ['Street Scene']],
        ['fly-tipping', 'Street Scene', ['Street Scene']],
        ['potholes', 'Street Scene', ['Street Scene']],
      ],
    );
    assert.deepEqual(calls, { publicCatalogue: 1, picker: 1, forCase: 0 });
  });

  it('refuses a request without a service code, a description, or with too long a FixMyStreet id, naming it', async () => {
    const { open311 } = anOpen311Service();
    const say = (key: string) => key;
    const report = (fields: Fields) =>
      open311.raise(
        KEY,
        { service_code: 'graffiti', lat: '52.86', long: '-3.05', description: 'Tag', ...fields },
        undefined,
        say,
      );
    await assertRefused(report({ service_code: '' }), 400, /^service_code is required$/);
    await assertRefused(report({ service_code: 'staff-only' }), 404, /^service_code staff-only was not found$/);
    await assertRefused(report({ description: ' ' }), 400, /^description is required$/);
    await assertRefused(report({ media_url: 'ftp://fms.example/1.jpg' }), 400, /^media_url must be an http or https URL$/);
    await assertRefused(
      report({ 'attribute[fixmystreet_id]': '9'.repeat(101) }),
      400,
      /^attribute\[fixmystreet_id\] must be at most 100 characters$/,
    );
  });

  it('refuses a posted update missing what it must carry, naming it', async () => {
    const { open311 } = anOpen311Service();
    const update = (fields: Fields) =>
      open311.postUpdate(KEY, {
        service_request_id: 'ODR-7K4M-2Q9P',
        update_id: '900',
        status: 'OPEN',
        updated_datetime: '2026-12-06T09:00:00Z',
        description: 'More bags',
        ...fields,
      });
    await assertRefused(update({ service_request_id: '' }), 400, /^service_request_id is required$/);
    await assertRefused(update({ update_id: '' }), 400, /^update_id is required$/);
    await assertRefused(update({ update_id: '9'.repeat(101) }), 400, /^update_id must be at most 100 characters$/);
    await assertRefused(update({ status: '' }), 400, /^status is required$/);
    await assertRefused(update({ status: 'shut' }), 400, /^status SHUT is not an Open311 update status$/);
    await assertRefused(update({ updated_datetime: '' }), 400, /^updated_datetime is required$/);
    await assertRefused(update({ description: '' }), 400, /^description is required$/);
  });

  it('refuses a window that ends before it starts, and too many ids at once', async () => {
    const { open311 } = anOpen311Service();
    const backwards = { start_date: '2026-12-06T00:00:00Z', end_date: '2026-12-05T00:00:00Z' };
    await assertRefused(open311.requests(KEY, backwards), 400, /^start_date must not be after end_date$/);
    await assertRefused(open311.updates(KEY, backwards), 400, /^start_date must not be after end_date$/);
    const ids = Array.from({ length: 101 }, (_, index) => `ODR-0000-${String(index).padStart(4, '0')}`).join(',');
    await assertRefused(open311.requests(KEY, { service_request_id: ids }), 400, /at most 100 requests/);
  });
});

describe('an Open311 report sent again', () => {
  it('makes the same journey key from the same FixMyStreet id, a different one for another id or council', () => {
    const key = submissionKeyFor(COUNCIL, '9001');
    assert.match(key, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(submissionKeyFor(COUNCIL, '9001'), key);
    assert.notEqual(submissionKeyFor(COUNCIL, '9002'), key);
    assert.notEqual(submissionKeyFor('c0000000-0000-4000-8000-000000000003', '9001'), key);
  });

  it('makes a new key every time for a report without a FixMyStreet id', () => {
    assert.notEqual(submissionKeyFor(COUNCIL, undefined), submissionKeyFor(COUNCIL, undefined));
  });
});

describe('the reporter of an Open311 request', () => {
  it('is a new customer only when they left an email or a phone number', () => {
    assert.equal(newCustomerOf({ first_name: 'Siân', last_name: 'Evans' }), undefined);
    assert.deepEqual(newCustomerOf({ first_name: 'Siân', last_name: 'Evans', email: 'sian@example.org' }), {
      givenName: 'Siân',
      familyName: 'Evans',
      email: 'sian@example.org',
      preferredLanguage: 'en',
    });
  });

  it('splits a whole name sent in one field at its last space, and refuses a single name', () => {
    assert.deepEqual(newCustomerOf({ first_name: 'Mary Ann Evans', phone: '01691 123456' }), {
      givenName: 'Mary Ann',
      familyName: 'Evans',
      phone: '01691 123456',
      preferredLanguage: 'en',
    });
    assert.throws(
      () => newCustomerOf({ last_name: 'Cher', email: 'cher@example.org' }),
      (error: unknown) => error instanceof Open311Refusal && /first_name and last_name are required/.test(error.description),
    );
  });

  it('is named by the Open311 parameters when the cases capability refuses what was sent', () => {
    assert.equal(
      describeProblems(
        [
          { field: 'givenName', message: 'customers.errors.nameMissing' },
          { field: 'answers.what', message: 'services.errors.answerMissing' },
          { field: 'email', message: 'customers.errors.emailFormat' },
        ],
        (key) => `<${key}>`,
      ),
      'first_name: <customers.errors.nameMissing>; attribute[what]: <services.errors.answerMissing>; email: <customers.errors.emailFormat>',
    );
  });
});
