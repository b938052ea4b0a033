import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Role, StaffActor } from '../platform/actor.ts';
import { organisationPolicy, securitySettingsPolicy, staffUserPolicy, teamPolicy } from './policy.ts';

const COUNCIL = 'c0000000-0000-4000-8000-000000000001';
const OTHER_COUNCIL = 'c0000000-0000-4000-8000-000000000002';
const POLICE = 'p0000000-0000-4000-8000-000000000001';
const COLLEGE = 'p0000000-0000-4000-8000-000000000002';

function aStaffMember(overrides: Partial<StaffActor> & { roles: Role[] }): StaffActor {
  const organisationId = overrides.organisationId ?? COUNCIL;
  const partner = organisationId === POLICE || organisationId === COLLEGE;
  return {
    kind: 'staff',
    id: overrides.id ?? 'u0000000-0000-4000-8000-000000000099',
    email: 'someone@example.gov.uk',
    name: 'Someone',
    organisationId,
    organisationKind: partner ? 'partner' : 'council',
    councilId: partner ? COUNCIL : organisationId,
    ip: null,
    ...overrides,
  };
}

const councilUser = { id: 'u1', organisationId: COUNCIL, organisationCouncilId: null };
const policeUser = { id: 'u2', organisationId: POLICE, organisationCouncilId: COUNCIL };
const collegeUser = { id: 'u3', organisationId: COLLEGE, organisationCouncilId: COUNCIL };
const otherCouncilUser = { id: 'u4', organisationId: OTHER_COUNCIL, organisationCouncilId: null };

describe('staff account policy', () => {
  const councilAdmin = aStaffMember({ roles: ['admin'] });
  const policeAdmin = aStaffMember({ roles: ['admin'], organisationId: POLICE });

  it('lets a council administrator run accounts in the council and its partner agencies', () => {
    for (const user of [councilUser, policeUser, collegeUser]) {
      assert.equal(staffUserPolicy.can(councilAdmin, 'update', user), true);
      assert.equal(staffUserPolicy.can(councilAdmin, 'deactivate', user), true);
    }
  });

  it('keeps a council administrator out of another council', () => {
    for (const action of ['read', 'update', 'deactivate', 'resetPassword'] as const) {
      assert.equal(staffUserPolicy.can(councilAdmin, action, otherCouncilUser), false);
    }
  });

  it('keeps a partner agency administrator to their own agency', () => {
    assert.equal(staffUserPolicy.can(policeAdmin, 'update', policeUser), true);
    assert.equal(staffUserPolicy.can(policeAdmin, 'read', collegeUser), false);
    assert.equal(staffUserPolicy.can(policeAdmin, 'read', councilUser), false);
  });

  it('lets everyone read their own account but not change it through administration', () => {
    const advisor = aStaffMember({ id: 'u1', roles: ['advisor'] });
    assert.equal(staffUserPolicy.can(advisor, 'read', councilUser), true);
    assert.equal(staffUserPolicy.can(advisor, 'update', councilUser), false);
  });

  it('stops administrators deactivating or resetting themselves', () => {
    const self = aStaffMember({ id: 'u1', roles: ['admin'] });
    assert.equal(staffUserPolicy.can(self, 'deactivate', councilUser), false);
    assert.equal(staffUserPolicy.can(self, 'resetPassword', councilUser), false);
  });

  it('gives no administration to any role but admin', () => {
    const nonAdmins: Role[] = [
      'advisor',
      'officer',
      'team_leader',
      'complaints_officer',
      'performance_analyst',
      'dpo',
      'partner_worker',
    ];
    for (const role of nonAdmins) {
      const actor = aStaffMember({ roles: [role] });
      assert.equal(staffUserPolicy.can(actor, 'create', councilUser), false, role);
      assert.equal(teamPolicy.can(actor, 'update', councilUser), false, role);
      assert.equal(securitySettingsPolicy.can(actor, 'update', null), false, role);
    }
  });
});

describe('organisation and team policy', () => {
  it('lets a council administrator add partner agencies to their council only', () => {
    const councilAdmin = aStaffMember({ roles: ['admin'] });
    assert.equal(organisationPolicy.can(councilAdmin, 'addPartner', { id: COUNCIL, councilId: null }), true);
    assert.equal(organisationPolicy.can(councilAdmin, 'addPartner', { id: OTHER_COUNCIL, councilId: null }), false);
    const policeAdmin = aStaffMember({ roles: ['admin'], organisationId: POLICE });
    assert.equal(organisationPolicy.can(policeAdmin, 'addPartner', { id: POLICE, councilId: COUNCIL }), false);
  });

  it('lets staff see the teams of their own organisation but not change them', () => {
    const officer = aStaffMember({ roles: ['officer'], organisationId: POLICE });
    const policeTeam = { organisationId: POLICE, organisationCouncilId: COUNCIL };
    assert.equal(teamPolicy.can(officer, 'read', policeTeam), true);
    assert.equal(teamPolicy.can(officer, 'update', policeTeam), false);
    assert.equal(teamPolicy.can(officer, 'read', { organisationId: COUNCIL, organisationCouncilId: null }), false);
  });

  it('lets only council administrators set security rules', () => {
    assert.equal(securitySettingsPolicy.can(aStaffMember({ roles: ['admin'] }), 'update', null), true);
    assert.equal(securitySettingsPolicy.can(aStaffMember({ roles: ['admin'], organisationId: POLICE }), 'update', null), false);
  });
});
