// The staff desktop's primary navigation: each person sees the sections their roles open.
import { appointmentPolicy } from '../appointments/policy.ts';
import { caseQueuePolicy } from '../cases/policy.ts';
import { complaintPolicy } from '../complaints/policy.ts';
import { LOGGING_ROLES } from '../contacts/policy.ts';
import { customerSearchPolicy } from '../customers/policy.ts';
import { performancePolicy } from '../performance/policy.ts';
import { closurePolicy } from '../services/calendarPolicy.ts';
import type { Role, StaffActor } from '../platform/actor.ts';
import type { Translate } from '../platform/i18n.ts';
import { OUTBOX_ROLES, outboxPolicy } from '../platform/notifications/policy.ts';
import { knowledgePolicy } from '../services/knowledgePolicy.ts';
import { inboundEmailPolicy } from '../integration/email/policy.ts';
import { webhookAdministrationPolicy } from '../integration/webhooks/policy.ts';
import { catalogueAdministrationPolicy } from '../services/policy.ts';

interface Section {
  key: string;
  href: string;
  /** Who sees it; everyone when empty. */
  roles: Role[];
  councilOnly?: boolean;
  /** A finer rule, when roles alone do not say (the capability's own policy). */
  opens?: (actor: StaffActor) => boolean;
  /** The i18n keys of its name and description, where they live with the capability rather than under staff. */
  messages?: { label: string; description: string };
}

export const SECTIONS: Section[] = [
  { key: 'home', href: '/staff', roles: [] },
  {
    key: 'customers',
    href: '/staff/customers',
    roles: [],
    opens: (actor) => customerSearchPolicy.can(actor, 'search', { councilId: actor.councilId }),
  },
  { key: 'contacts', href: '/staff/contacts/new', roles: LOGGING_ROLES },
  {
    key: 'cases',
    href: '/staff/cases',
    roles: ['advisor', 'officer', 'team_leader', 'partner_worker'],
    opens: (actor) => caseQueuePolicy.can(actor, 'open', { organisationId: actor.organisationId }),
    messages: { label: 'cases.navigation.label', description: 'cases.navigation.description' },
  },
  {
    // Email nobody could match, read by the front line as they read the council's shared inbox.
    key: 'inboundEmail',
    href: '/staff/inbound-email',
    roles: ['advisor', 'officer', 'team_leader'],
    councilOnly: true,
    opens: (actor) => inboundEmailPolicy.can(actor, 'review', { councilId: actor.councilId }),
    messages: { label: 'inboundEmail.navigation.label', description: 'inboundEmail.navigation.description' },
  },
  {
    key: 'complaints',
    href: '/staff/complaints',
    roles: ['complaints_officer', 'team_leader'],
    councilOnly: true,
    opens: (actor) => complaintPolicy.can(actor, 'read', { councilId: actor.councilId }),
    messages: { label: 'complaints.navigation.label', description: 'complaints.navigation.description' },
  },
  {
    // Performance analysts see the complaint figures but not the complaints; those who can read
    // complaints reach the figures from the complaint list.
    key: 'complaintFigures',
    href: '/staff/complaints/monitoring',
    roles: ['performance_analyst'],
    councilOnly: true,
    opens: (actor) =>
      complaintPolicy.can(actor, 'monitor', { councilId: actor.councilId }) &&
      !complaintPolicy.can(actor, 'read', { councilId: actor.councilId }),
    messages: { label: 'complaints.monitoring.navigation.label', description: 'complaints.monitoring.navigation.description' },
  },
  {
    key: 'appointments',
    href: '/staff/appointments',
    roles: ['advisor', 'officer', 'team_leader'],
    councilOnly: true,
    opens: (actor) => appointmentPolicy.can(actor, 'read', { councilId: actor.councilId }),
    messages: { label: 'appointments.navigation.label', description: 'appointments.navigation.description' },
  },
  {
    key: 'appointmentQueue',
    href: '/staff/appointments/queue',
    roles: ['advisor', 'team_leader'],
    councilOnly: true,
    opens: (actor) => appointmentPolicy.can(actor, 'serve', { councilId: actor.councilId }),
    messages: { label: 'appointments.queue.navigation.label', description: 'appointments.queue.navigation.description' },
  },
  {
    key: 'appointmentFigures',
    href: '/staff/appointments/figures',
    roles: ['team_leader', 'performance_analyst'],
    councilOnly: true,
    opens: (actor) => appointmentPolicy.can(actor, 'monitor', { councilId: actor.councilId }),
    messages: { label: 'appointments.figures.navigation.label', description: 'appointments.figures.navigation.description' },
  },
  {
    // The period report and the indicators' definitions.
    key: 'performance',
    href: '/staff/performance',
    roles: ['performance_analyst', 'team_leader'],
    councilOnly: true,
    opens: (actor) => performancePolicy.can(actor, 'read', { councilId: actor.councilId }),
    messages: { label: 'performance.report.navigation.label', description: 'performance.report.navigation.description' },
  },
  {
    key: 'performanceDashboard',
    href: '/staff/performance/dashboard',
    roles: ['team_leader', 'performance_analyst'],
    councilOnly: true,
    opens: (actor) => performancePolicy.can(actor, 'read', { councilId: actor.councilId }),
    messages: { label: 'performance.dashboard.navigation.label', description: 'performance.dashboard.navigation.description' },
  },
  {
    key: 'appointmentSetup',
    href: '/staff/appointments/sites',
    roles: ['admin'],
    councilOnly: true,
    opens: (actor) => appointmentPolicy.can(actor, 'administer', { councilId: actor.councilId }),
    messages: { label: 'appointments.sites.navigation.label', description: 'appointments.sites.navigation.description' },
  },
  {
    key: 'knowledge',
    href: '/staff/knowledge',
    roles: [],
    opens: (actor) => knowledgePolicy.can(actor, 'open', { councilId: actor.councilId }),
    messages: { label: 'knowledge.navigation.label', description: 'knowledge.navigation.description' },
  },
  {
    key: 'services',
    href: '/staff/admin/services',
    roles: ['admin', 'team_leader'],
    councilOnly: true,
    opens: (actor) => catalogueAdministrationPolicy.can(actor, 'open', null),
    messages: { label: 'services.navigation', description: 'services.navigationDescription' },
  },
  { key: 'users', href: '/staff/admin/users', roles: ['admin'] },
  { key: 'teams', href: '/staff/admin/teams', roles: ['admin'] },
  { key: 'organisations', href: '/staff/admin/organisations', roles: ['admin'] },
  { key: 'security', href: '/staff/admin/security', roles: ['admin'], councilOnly: true },
  { key: 'audit', href: '/staff/audit', roles: ['admin', 'dpo'] },
  {
    key: 'outbox',
    href: '/staff/outbox',
    roles: OUTBOX_ROLES,
    opens: (actor) => outboxPolicy.can(actor, 'read', { councilId: actor.councilId }),
    messages: { label: 'notifications.navigation.label', description: 'notifications.navigation.description' },
  },
  {
    key: 'closures',
    href: '/staff/admin/closures',
    roles: ['admin', 'team_leader'],
    opens: (actor) => closurePolicy.can(actor, 'read', { organisationId: actor.organisationId }),
  },
  { key: 'apiKeys', href: '/staff/admin/api-keys', roles: ['admin'] },
  {
    key: 'webhooks',
    href: '/staff/admin/webhooks',
    roles: ['admin'],
    opens: (actor) => webhookAdministrationPolicy.can(actor, 'open', null),
    messages: { label: 'webhooks.navigation.label', description: 'webhooks.navigation.description' },
  },
];

export const sectionLabel = (section: Section): string => section.messages?.label ?? `staff.sections.${section.key}`;
export const sectionDescription = (section: Section): string =>
  section.messages?.description ?? `staff.sectionDescriptions.${section.key}`;

export function sectionsFor(actor: StaffActor): Section[] {
  return SECTIONS.filter(
    (section) =>
      (section.roles.length === 0 || section.roles.some((role) => actor.roles.includes(role))) &&
      (!section.councilOnly || actor.organisationKind === 'council') &&
      (section.opens === undefined || section.opens(actor)),
  );
}

export function staffNavigation(actor: StaffActor, currentPath: string, t: Translate) {
  const sections = sectionsFor(actor);
  const within = (href: string) => (href === '/staff' ? currentPath === '/staff' : currentPath.startsWith(href));
  // One section is current: the most specific (/staff/appointments/queue, not also /staff/appointments).
  const current = sections
    .filter((section) => within(section.href))
    .reduce<Section | undefined>(
      (best, section) => (!best || section.href.length > best.href.length ? section : best),
      undefined,
    );
  return sections.map((section) => ({
    text: t(sectionLabel(section)),
    href: section.href,
    active: section === current,
  }));
}
