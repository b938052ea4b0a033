// Who may see and change an organisation's closure days: its administrators keep them; its team
// leaders, who plan the work around them, may read them. Bank holidays come from GOV.UK's file,
// imported by OneDoor itself (the CLI), never by a person through a page.
import { definePolicy, hasRole, inOrganisation } from '../platform/policy.ts';

/** The organisation whose closure days they are. */
export interface ClosuresOf {
  organisationId: string;
}

export const closurePolicy = definePolicy<ClosuresOf, 'read' | 'add' | 'remove'>('OrganisationClosure', {
  read: (actor, closures) => inOrganisation(actor, closures.organisationId) && hasRole(actor, 'admin', 'team_leader'),
  add: (actor, closures) => inOrganisation(actor, closures.organisationId) && hasRole(actor, 'admin'),
  remove: (actor, closures) => inOrganisation(actor, closures.organisationId) && hasRole(actor, 'admin'),
});

export const bankHolidayPolicy = definePolicy<null, 'import'>('BankHolidays', {
  import: () => false,
});
