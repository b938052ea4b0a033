import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Role, StaffActor } from '../platform/actor.ts';
import { sectionsFor, staffNavigation } from './navigation.ts';

const COUNCIL = 'c0000000-0000-4000-8000-000000000001';
const POLICE = 'p0000000-0000-4000-8000-000000000001';

function aStaffMember(roles: Role[], organisationKind: 'council' | 'partner' = 'council'): StaffActor {
  return {
    kind: 'staff',
    id: 'u0000000-0000-4000-8000-000000000001',
    email: 'someone@example.gov.uk',
    name: 'Someone',
    roles,
    organisationId: organisationKind === 'council' ? COUNCIL : POLICE,
    organisationKind,
    councilId: COUNCIL,
    ip: null,
  };
}

const keysFor = (actor: StaffActor) => sectionsFor(actor).map((section) => section.key);

describe('the staff desktop navigation', () => {
  it('shows a council administrator every section', () => {
    assert.deepEqual(keysFor(aStaffMember(['admin'])), [
      'home',
      'appointmentSetup',
      'knowledge',
      'services',
      'users',
      'teams',
      'organisations',
      'security',
      'audit',
      'outbox',
      'closures',
      'apiKeys',
      'webhooks',
    ]);
  });

  it('shows the data protection officer the audit trail but no administration', () => {
    assert.deepEqual(keysFor(aStaffMember(['dpo'])), ['home', 'customers', 'knowledge', 'audit']);
  });

  it('shows an advisor the home page, customers, contact logging, the team queue, unmatched email, appointments, the face-to-face queue and the knowledge base', () => {
    assert.deepEqual(keysFor(aStaffMember(['advisor'])), [
      'home',
      'customers',
      'contacts',
      'cases',
      'inboundEmail',
      'appointments',
      'appointmentQueue',
      'knowledge',
      'outbox',
    ]);
  });

  it('keeps customer records from those with no need to see them', () => {
    for (const role of ['performance_analyst', 'admin'] as Role[]) {
      assert.ok(!keysFor(aStaffMember([role])).includes('customers'), role);
    }
    assert.ok(keysFor(aStaffMember(['partner_worker'], 'partner')).includes('customers'));
  });

  it('offers contact logging to everyone who talks to residents, partners included, and nobody else', () => {
    for (const role of ['advisor', 'officer', 'team_leader', 'complaints_officer'] as Role[]) {
      assert.ok(keysFor(aStaffMember([role])).includes('contacts'), role);
    }
    assert.ok(keysFor(aStaffMember(['partner_worker'], 'partner')).includes('contacts'));
    for (const role of ['performance_analyst', 'dpo', 'admin'] as Role[]) {
      assert.ok(!keysFor(aStaffMember([role])).includes('contacts'), role);
    }
  });

  it('opens the outbox to the council’s people who deal with residents and its administrators, not to partners', () => {
    for (const role of ['advisor', 'officer', 'team_leader', 'complaints_officer', 'admin'] as Role[]) {
      assert.ok(keysFor(aStaffMember([role])).includes('outbox'), role);
    }
    for (const role of ['performance_analyst', 'dpo'] as Role[]) {
      assert.ok(!keysFor(aStaffMember([role])).includes('outbox'), role);
    }
    assert.ok(!keysFor(aStaffMember(['partner_worker'], 'partner')).includes('outbox'));
    assert.ok(!keysFor(aStaffMember(['admin'], 'partner')).includes('outbox'));
  });

  it('opens the team queue to those who work or lead cases, partners included, and to nobody else', () => {
    for (const role of ['advisor', 'officer', 'team_leader'] as Role[]) {
      assert.ok(keysFor(aStaffMember([role])).includes('cases'), role);
    }
    assert.ok(keysFor(aStaffMember(['partner_worker'], 'partner')).includes('cases'));
    for (const role of ['complaints_officer', 'performance_analyst', 'dpo', 'admin'] as Role[]) {
      assert.ok(!keysFor(aStaffMember([role])).includes('cases'), role);
    }
    const t = (key: string) => `text of ${key}`;
    const cases = staffNavigation(aStaffMember(['officer']), '/staff/cases', t).find((item) => item.active);
    assert.deepEqual(cases, { text: 'text of cases.navigation.label', href: '/staff/cases', active: true });
  });

  it('opens unmatched email to a council’s advisors, officers and team leaders only, as its page does', () => {
    for (const role of ['advisor', 'officer', 'team_leader'] as Role[]) {
      assert.ok(keysFor(aStaffMember([role])).includes('inboundEmail'), role);
    }
    for (const role of ['complaints_officer', 'performance_analyst', 'dpo', 'admin'] as Role[]) {
      assert.ok(!keysFor(aStaffMember([role])).includes('inboundEmail'), role);
    }
    for (const role of ['advisor', 'team_leader', 'partner_worker'] as Role[]) {
      assert.ok(!keysFor(aStaffMember([role], 'partner')).includes('inboundEmail'), `partner ${role}`);
    }
    const t = (key: string) => `text of ${key}`;
    const active = staffNavigation(aStaffMember(['advisor']), '/staff/inbound-email/1', t).find((item) => item.active);
    assert.deepEqual(active, { text: 'text of inboundEmail.navigation.label', href: '/staff/inbound-email', active: true });
  });

  it('opens the knowledge base to everyone in the council and to partner agencies (who read its public articles)', () => {
    for (const role of [
      'advisor',
      'officer',
      'team_leader',
      'complaints_officer',
      'performance_analyst',
      'admin',
      'dpo',
    ] as Role[]) {
      assert.ok(keysFor(aStaffMember([role])).includes('knowledge'), role);
    }
    assert.ok(keysFor(aStaffMember(['partner_worker'], 'partner')).includes('knowledge'));
    const t = (key: string) => `text of ${key}`;
    const knowledge = staffNavigation(aStaffMember(['advisor']), '/staff/knowledge/1', t).find((item) => item.active);
    assert.deepEqual(knowledge, { text: 'text of knowledge.navigation.label', href: '/staff/knowledge', active: true });
  });

  it('opens the live performance dashboard to a council’s team leaders and performance analysts only', () => {
    for (const role of ['team_leader', 'performance_analyst'] as Role[]) {
      assert.ok(keysFor(aStaffMember([role])).includes('performanceDashboard'), role);
    }
    assert.ok(!keysFor(aStaffMember(['team_leader'], 'partner')).includes('performanceDashboard'));
    for (const role of ['advisor', 'officer', 'complaints_officer', 'admin', 'dpo'] as Role[]) {
      assert.ok(!keysFor(aStaffMember([role])).includes('performanceDashboard'), role);
    }
    assert.ok(!keysFor(aStaffMember(['partner_worker'], 'partner')).includes('performanceDashboard'));
    const t = (key: string) => `text of ${key}`;
    const dashboard = staffNavigation(aStaffMember(['team_leader']), '/staff/performance/dashboard', t).find(
      (item) => item.active,
    );
    assert.deepEqual(dashboard, {
      text: 'text of performance.dashboard.navigation.label',
      href: '/staff/performance/dashboard',
      active: true,
    });
  });

  it('opens the performance report to a council’s performance analysts and team leaders only', () => {
    for (const role of ['performance_analyst', 'team_leader'] as Role[]) {
      assert.ok(keysFor(aStaffMember([role])).includes('performance'), role);
    }
    assert.ok(!keysFor(aStaffMember(['team_leader'], 'partner')).includes('performance'));
    for (const role of ['advisor', 'officer', 'complaints_officer', 'admin', 'dpo'] as Role[]) {
      assert.ok(!keysFor(aStaffMember([role])).includes('performance'), role);
    }
    assert.ok(!keysFor(aStaffMember(['partner_worker'], 'partner')).includes('performance'));
    const t = (key: string) => `text of ${key}`;
    const active = (path: string) =>
      staffNavigation(aStaffMember(['performance_analyst']), path, t)
        .filter((item) => item.active)
        .map((item) => item.href);
    assert.deepEqual(active('/staff/performance/indicators/first_contact_resolution'), ['/staff/performance']);
    // The dashboard, further down the same path, is its own section.
    assert.deepEqual(active('/staff/performance/dashboard'), ['/staff/performance/dashboard']);
  });

  it('names a section by its capability’s own messages where it has them', () => {
    const t = (key: string) => `text of ${key}`;
    const outbox = staffNavigation(aStaffMember(['advisor']), '/staff/outbox', t).find((item) => item.href === '/staff/outbox');
    assert.deepEqual(outbox, { text: 'text of notifications.navigation.label', href: '/staff/outbox', active: true });
  });

  it('keeps the council-wide security settings from a partner agency’s administrator', () => {
    assert.deepEqual(keysFor(aStaffMember(['admin'], 'partner')), [
      'home',
      'knowledge',
      'users',
      'teams',
      'organisations',
      'audit',
      'closures',
      'apiKeys',
      'webhooks',
    ]);
  });

  it('opens the service catalogue to a council’s administrators and team leaders, not to a partner’s', () => {
    assert.ok(keysFor(aStaffMember(['team_leader'])).includes('services'));
    assert.ok(!keysFor(aStaffMember(['team_leader'], 'partner')).includes('services'));
    for (const role of ['advisor', 'officer', 'dpo', 'performance_analyst'] as Role[]) {
      assert.ok(!keysFor(aStaffMember([role])).includes('services'), role);
    }
    const t = (key: string) => `text of ${key}`;
    const services = staffNavigation(aStaffMember(['admin']), '/staff/admin/services/1', t).find((item) => item.active);
    assert.deepEqual(services, { text: 'text of services.navigation', href: '/staff/admin/services', active: true });
  });

  it('joins the sections of every role a person holds', () => {
    assert.deepEqual(keysFor(aStaffMember(['advisor', 'dpo'])), [
      'home',
      'customers',
      'contacts',
      'cases',
      'inboundEmail',
      'appointments',
      'appointmentQueue',
      'knowledge',
      'audit',
      'outbox',
    ]);
  });

  it('marks the section of the current page, and home only on the home page itself', () => {
    const t = (key: string) => `text of ${key}`;
    const navigation = staffNavigation(aStaffMember(['admin']), '/staff/admin/users/123', t);
    assert.deepEqual(
      navigation.filter((item) => item.active).map((item) => item.href),
      ['/staff/admin/users'],
    );
    assert.equal(navigation[0]?.text, 'text of staff.sections.home');
    const home = staffNavigation(aStaffMember(['admin']), '/staff', t);
    assert.deepEqual(
      home.filter((item) => item.active).map((item) => item.href),
      ['/staff'],
    );
  });
});
