import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiKeyActor, Role, StaffActor } from '../platform/actor.ts';
import { casePolicy, caseQueuePolicy, caseRaisingPolicy } from './policy.ts';

const COUNCIL = 'c0000000-0000-4000-8000-000000000001';
const POLICE = 'p0000000-0000-4000-8000-000000000002';
const OTHER_COUNCIL = 'c0000000-0000-4000-8000-000000000003';

function staff(roles: Role[], organisationId = COUNCIL): StaffActor {
  return {
    kind: 'staff',
    id: 'u0000000-0000-4000-8000-000000000009',
    email: 'someone@example.gov.uk',
    name: 'Someone',
    roles,
    organisationId,
    organisationKind: organisationId === POLICE ? 'partner' : 'council',
    councilId: organisationId === OTHER_COUNCIL ? OTHER_COUNCIL : COUNCIL,
    ip: null,
  };
}

function key(scopes: ApiKeyActor['scopes'], organisationId = COUNCIL): ApiKeyActor {
  return {
    kind: 'api_key',
    id: 'k0000000-0000-4000-8000-000000000001',
    name: 'Housing system',
    organisationId,
    organisationKind: organisationId === POLICE ? 'partner' : 'council',
    councilId: COUNCIL,
    scopes,
    ip: null,
  };
}

const councilCase = { councilId: COUNCIL, organisationId: COUNCIL, assignedTo: null };
const policeCase = { councilId: COUNCIL, organisationId: POLICE, assignedTo: null };

describe('who may see and work a case', () => {
  it('shows the council’s cases to its front-line, case-work and oversight roles, not to its administrators', () => {
    for (const role of ['advisor', 'officer', 'team_leader', 'complaints_officer', 'performance_analyst', 'dpo'] as Role[])
      assert.ok(casePolicy.can(staff([role]), 'read', councilCase), role);
    assert.ok(!casePolicy.can(staff(['admin']), 'read', councilCase));
    assert.ok(!casePolicy.can(staff(['officer'], OTHER_COUNCIL), 'read', councilCase), 'another council');
  });

  it('shows a partner only the cases routed to it, and lets it work them', () => {
    assert.ok(!casePolicy.can(staff(['partner_worker'], POLICE), 'read', councilCase));
    assert.ok(casePolicy.can(staff(['partner_worker'], POLICE), 'read', policeCase));
    assert.ok(casePolicy.can(staff(['partner_worker'], POLICE), 'update', policeCase));
    assert.ok(!casePolicy.can(staff(['officer']), 'update', policeCase), 'the council does not work a partner’s case');
    assert.ok(casePolicy.can(staff(['advisor']), 'note', policeCase), 'but may leave it a note');
  });

  it('lets officers work and take cases, and only team leaders assign them', () => {
    assert.ok(casePolicy.can(staff(['officer']), 'update', councilCase));
    assert.ok(casePolicy.can(staff(['officer']), 'take', councilCase));
    assert.ok(!casePolicy.can(staff(['officer']), 'assign', councilCase));
    assert.ok(casePolicy.can(staff(['team_leader']), 'assign', councilCase));
    assert.ok(!casePolicy.can(staff(['advisor']), 'update', councilCase), 'advisors note, they do not work cases');
    assert.ok(caseQueuePolicy.can(staff(['team_leader']), 'assign', { organisationId: COUNCIL }));
    assert.ok(!caseQueuePolicy.can(staff(['officer']), 'assign', { organisationId: COUNCIL }));
  });

  it('holds keys to their scopes, and a partner’s key to its own cases', () => {
    assert.ok(casePolicy.can(key(['cases:read']), 'read', councilCase));
    assert.ok(!casePolicy.can(key(['cases:read']), 'update', councilCase));
    assert.ok(casePolicy.can(key(['cases:write']), 'update', councilCase));
    assert.ok(!casePolicy.can(key(['cases:read'], POLICE), 'read', councilCase));
    assert.ok(casePolicy.can(key(['cases:read'], POLICE), 'read', policeCase));
    assert.ok(!casePolicy.can(key(['cases:write']), 'assign', councilCase), 'keys never assign');
    assert.ok(caseRaisingPolicy.can(key(['cases:write']), 'raise', { councilId: COUNCIL }));
    assert.ok(!caseRaisingPolicy.can(key(['cases:read']), 'raise', { councilId: COUNCIL }));
  });

  it('lets an Open311 key read, update, note and raise its council’s cases, and never assign them', () => {
    const open311 = key(['open311:write']);
    for (const action of ['read', 'update', 'note'] as const) assert.ok(casePolicy.can(open311, action, councilCase), action);
    assert.ok(caseRaisingPolicy.can(open311, 'raise', { councilId: COUNCIL }));
    assert.ok(!caseRaisingPolicy.can(open311, 'raise', { councilId: OTHER_COUNCIL }), 'another council');
    assert.ok(!casePolicy.can(open311, 'assign', councilCase));
    assert.ok(!casePolicy.can(key(['open311:write'], POLICE), 'read', councilCase), 'a partner’s key, the council’s case');
  });
});
