// Who may do what to organisations, teams and staff accounts.
import type { StaffActor } from '../platform/actor.ts';
import { administers, definePolicy, hasRole, inOrganisation } from '../platform/policy.ts';

/** Where a record sits: its organisation, and that organisation's council (null for a council). */
export interface Placement {
  organisationId: string;
  organisationCouncilId: string | null;
}

const administersPlacement = (actor: StaffActor, record: Placement): boolean =>
  administers(actor, { id: record.organisationId, councilId: record.organisationCouncilId });

export const staffUserPolicy = definePolicy<
  Placement & { id: string },
  'read' | 'create' | 'update' | 'deactivate' | 'resetPassword' | 'resetTwoFactor'
>('StaffUser', {
  read: (actor, user) => actor.id === user.id || administersPlacement(actor, user),
  create: administersPlacement,
  update: administersPlacement,
  // Nobody locks themselves out: their own account is changed by another administrator.
  deactivate: (actor, user) => actor.id !== user.id && administersPlacement(actor, user),
  resetPassword: (actor, user) => actor.id !== user.id && administersPlacement(actor, user),
  resetTwoFactor: (actor, user) => actor.id !== user.id && administersPlacement(actor, user),
});

export const teamPolicy = definePolicy<Placement, 'read' | 'create' | 'update'>('Team', {
  read: (actor, team) => inOrganisation(actor, team.organisationId) || administersPlacement(actor, team),
  create: administersPlacement,
  update: administersPlacement,
});

export const organisationPolicy = definePolicy<{ id: string; councilId: string | null }, 'read' | 'update' | 'addPartner'>(
  'Organisation',
  {
    read: (actor, organisation) => inOrganisation(actor, organisation.id) || administers(actor, organisation),
    update: administers,
    // Partner agencies are onboarded by the administrators of the council they work beside.
    addPartner: (actor, council) => council.councilId === null && administers(actor, council),
  },
);

/** Security rules per role apply across the installation: a council's administrators set them. */
export const securitySettingsPolicy = definePolicy<null, 'read' | 'update'>('SecuritySettings', {
  read: (actor) => hasRole(actor, 'admin') && actor.organisationKind === 'council',
  update: (actor) => hasRole(actor, 'admin') && actor.organisationKind === 'council',
});

/** The administration pages (accounts, teams, organisations) are for administrators alone. */
export const administrationPolicy = definePolicy<null, 'open'>('Administration', {
  open: (actor) => hasRole(actor, 'admin'),
});
