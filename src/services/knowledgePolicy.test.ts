import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { systemActor, type Role, type StaffActor } from '../platform/actor.ts';
import { articlePolicy, audiencesReadBy, knowledgePolicy, type ArticlePlacement } from './knowledgePolicy.ts';

const COUNCIL = 'c0000000-0000-4000-8000-000000000001';
const OTHER_COUNCIL = 'c0000000-0000-4000-8000-000000000002';
const POLICE = 'p0000000-0000-4000-8000-000000000001';

function aStaffMember(roles: Role[], organisationKind: 'council' | 'partner' = 'council', councilId = COUNCIL): StaffActor {
  return {
    kind: 'staff',
    id: 'u0000000-0000-4000-8000-000000000001',
    email: 'someone@example.gov.uk',
    name: 'Someone',
    roles,
    organisationId: organisationKind === 'council' ? councilId : POLICE,
    organisationKind,
    councilId,
    ip: null,
  };
}

const article = (overrides: Partial<ArticlePlacement> = {}): ArticlePlacement => ({
  councilId: COUNCIL,
  audience: 'advisor',
  status: 'published',
  ...overrides,
});

describe('who may read and write the knowledge base', () => {
  it('lets the council’s administrators and team leaders write, and nobody else', () => {
    for (const role of ['admin', 'team_leader'] as Role[])
      assert.ok(knowledgePolicy.can(aStaffMember([role]), 'write', { councilId: COUNCIL }), role);
    for (const role of ['advisor', 'officer', 'complaints_officer', 'performance_analyst', 'dpo'] as Role[])
      assert.ok(!knowledgePolicy.can(aStaffMember([role]), 'write', { councilId: COUNCIL }), role);
    assert.ok(!knowledgePolicy.can(aStaffMember(['admin'], 'partner'), 'write', { councilId: COUNCIL }), 'a partner’s admin');
    assert.ok(!articlePolicy.can(aStaffMember(['admin']), 'write', article({ councilId: OTHER_COUNCIL })), 'another council');
  });

  it('lets everyone in the council read published articles for advisors and the public', () => {
    for (const role of ['advisor', 'officer', 'performance_analyst', 'dpo'] as Role[]) {
      assert.ok(articlePolicy.can(aStaffMember([role]), 'read', article()), role);
      assert.ok(articlePolicy.can(aStaffMember([role]), 'read', article({ audience: 'public' })), role);
    }
  });

  it('keeps drafts and archived articles to those who write', () => {
    for (const status of ['draft', 'archived'] as const) {
      assert.ok(!articlePolicy.can(aStaffMember(['advisor']), 'read', article({ status })), status);
      assert.ok(articlePolicy.can(aStaffMember(['team_leader']), 'read', article({ status })), status);
    }
  });

  it('lets a partner agency beside the council read its public articles only', () => {
    const partner = aStaffMember(['partner_worker'], 'partner');
    assert.deepEqual(audiencesReadBy(partner, COUNCIL), ['public']);
    assert.ok(articlePolicy.can(partner, 'read', article({ audience: 'public' })));
    assert.ok(!articlePolicy.can(partner, 'read', article({ audience: 'advisor' })));
    assert.ok(!articlePolicy.can(partner, 'read', article({ audience: 'public', status: 'draft' })));
  });

  it('keeps a council’s articles from another council', () => {
    const other = aStaffMember(['admin'], 'council', OTHER_COUNCIL);
    assert.deepEqual(audiencesReadBy(other, COUNCIL), []);
    assert.ok(!articlePolicy.can(other, 'read', article({ audience: 'public' })));
    assert.ok(!knowledgePolicy.can(other, 'open', { councilId: COUNCIL }));
  });

  it('lets OneDoor itself do anything (the demo, the CLI)', () => {
    assert.ok(knowledgePolicy.can(systemActor('demo'), 'write', { councilId: COUNCIL }));
  });
});
