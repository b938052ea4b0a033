// Who may see and change a council's service catalogue. The council's administrators run it;
// its team leaders may read it (to see what their teams own and how cases are routed); everyone
// who works for or beside the council picks from it when raising a case; API keys with
// services:read list it for their council.
import type { StaffActor } from '../platform/actor.ts';
import { definePolicy, hasRole, hasScope, keyServesCouncil } from '../platform/policy.ts';

/** Whose catalogue: the council that offers the service. */
export interface CataloguePlacement {
  councilId: string;
}

const runsCatalogue = (actor: StaffActor, catalogue: CataloguePlacement): boolean =>
  hasRole(actor, 'admin') && actor.organisationKind === 'council' && actor.organisationId === catalogue.councilId;

const readsCatalogue = (actor: StaffActor, catalogue: CataloguePlacement): boolean =>
  runsCatalogue(actor, catalogue) ||
  (hasRole(actor, 'team_leader') && actor.organisationKind === 'council' && actor.councilId === catalogue.councilId);

export const servicePolicy = definePolicy<CataloguePlacement, 'read' | 'manage' | 'pick'>(
  'Service',
  {
    read: readsCatalogue,
    manage: runsCatalogue,
    pick: (actor, catalogue) => actor.councilId === catalogue.councilId,
  },
  {
    read: (key, catalogue) => hasScope(key, 'services:read') && keyServesCouncil(key, catalogue.councilId),
    pick: (key, catalogue) => keyServesCouncil(key, catalogue.councilId),
  },
);

/** The catalogue pages and their navigation entry: a council's administrators and team leaders. */
export const catalogueAdministrationPolicy = definePolicy<null, 'open'>('ServiceCatalogue', {
  open: (actor) => actor.organisationKind === 'council' && hasRole(actor, 'admin', 'team_leader'),
});
