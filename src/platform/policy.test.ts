import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { systemActor, type ApiKeyActor, type StaffActor } from './actor.ts';
import { NotAllowed } from './errors.ts';
import { administrationScope, definePolicy, hasRole, hasScope, inOrganisation, keyServesCouncil } from './policy.ts';

const COUNCIL = 'c0000000-0000-4000-8000-000000000001';
const OTHER_COUNCIL = 'c0000000-0000-4000-8000-000000000002';
const POLICE = 'p0000000-0000-4000-8000-000000000001';

const officer: StaffActor = {
  kind: 'staff',
  id: 'u0000000-0000-4000-8000-000000000001',
  email: 'officer@example.gov.uk',
  name: 'An Officer',
  roles: ['officer'],
  organisationId: COUNCIL,
  organisationKind: 'council',
  councilId: COUNCIL,
  ip: null,
};

function anApiKey(overrides: Partial<ApiKeyActor> = {}): ApiKeyActor {
  return {
    kind: 'api_key',
    id: 'k0000000-0000-4000-8000-000000000001',
    name: 'Housing system',
    organisationId: COUNCIL,
    organisationKind: 'council',
    councilId: COUNCIL,
    scopes: ['cases:read'],
    ip: '192.0.2.1',
    ...overrides,
  };
}

interface CaseRecord {
  councilId: string;
}
const ourCase: CaseRecord = { councilId: COUNCIL };
const theirCase: CaseRecord = { councilId: OTHER_COUNCIL };

// A policy written as a capability would write one: staff by role, keys by scope and council.
const casePolicy = definePolicy<CaseRecord, 'read' | 'update' | 'delete'>(
  'Case',
  {
    read: (actor, record) => actor.councilId === record.councilId,
    update: (actor, record) => hasRole(actor, 'officer') && actor.councilId === record.councilId,
    delete: () => false,
  },
  {
    read: (key, record) => hasScope(key, 'cases:read') && keyServesCouncil(key, record.councilId),
    update: (key, record) => hasScope(key, 'cases:write') && keyServesCouncil(key, record.councilId),
  },
);

describe('policies', () => {
  it('lets OneDoor itself do anything', () => {
    for (const action of ['read', 'update', 'delete'] as const) {
      assert.equal(casePolicy.can(systemActor('test'), action, theirCase), true);
    }
  });

  it('judges staff by the staff rules alone', () => {
    assert.equal(casePolicy.can(officer, 'update', ourCase), true);
    assert.equal(casePolicy.can(officer, 'update', theirCase), false);
    assert.equal(casePolicy.can(officer, 'delete', ourCase), false);
  });

  it('judges an API key by the API rules: its scopes and its council', () => {
    const reader = anApiKey({ scopes: ['cases:read'] });
    assert.equal(casePolicy.can(reader, 'read', ourCase), true);
    assert.equal(casePolicy.can(reader, 'read', theirCase), false, 'another council’s case');
    assert.equal(casePolicy.can(reader, 'update', ourCase), false, 'no cases:write');
    assert.equal(casePolicy.can(anApiKey({ scopes: ['cases:read', 'cases:write'] }), 'update', ourCase), true);
  });

  it('refuses an API key an action with no API rule, whatever its scopes', () => {
    const everything = anApiKey({ scopes: ['cases:read', 'cases:write', 'customers:write'] });
    assert.equal(casePolicy.can(everything, 'delete', ourCase), false);
    assert.throws(() => casePolicy.authorize(everything, 'delete', ourCase), NotAllowed);
  });

  it('refuses API keys everything in a policy that declares no API rules', () => {
    const staffOnly = definePolicy<null, 'open'>('Administration', { open: () => true });
    assert.equal(staffOnly.can(officer, 'open', null), true);
    assert.equal(staffOnly.can(anApiKey(), 'open', null), false);
  });

  it('does not mistake inherited object properties for API rules', () => {
    const policy = definePolicy<null, 'toString' | 'read'>('Odd', { toString: () => true, read: () => true });
    assert.equal(policy.can(anApiKey(), 'toString', null), false);
  });

  it('names the resource and action it refused', () => {
    assert.throws(
      () => casePolicy.authorize(anApiKey(), 'update', ourCase),
      (error: unknown) => error instanceof NotAllowed && error.reason === 'Case.update',
    );
  });

  it('gives keys no administration, and lets a key of a partner agency serve its council', () => {
    assert.deepEqual(administrationScope(anApiKey()), { organisationIds: [] });
    const partnerKey = anApiKey({ organisationId: POLICE, organisationKind: 'partner', councilId: COUNCIL });
    assert.equal(inOrganisation(partnerKey, POLICE), true);
    assert.equal(keyServesCouncil(partnerKey, COUNCIL), true);
    assert.equal(keyServesCouncil(partnerKey, OTHER_COUNCIL), false);
  });
});
