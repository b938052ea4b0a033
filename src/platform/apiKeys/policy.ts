// Who may see, create and revoke API keys: the administrators of the key's organisation (and a
// council's administrators for the partner agencies beside it). No key manages keys.
import type { StaffActor } from '../actor.ts';
import { administers, definePolicy, hasRole } from '../policy.ts';

/** Where a key sits: its organisation, and that organisation's council (null for a council). */
export interface KeyPlacement {
  organisationId: string;
  organisationCouncilId: string | null;
}

const administersPlacement = (actor: StaffActor, key: KeyPlacement): boolean =>
  administers(actor, { id: key.organisationId, councilId: key.organisationCouncilId });

export const apiKeyPolicy = definePolicy<KeyPlacement, 'read' | 'create' | 'revoke'>('ApiKey', {
  read: administersPlacement,
  create: administersPlacement,
  revoke: administersPlacement,
});

/** The API keys pages are for administrators; which keys they see follows from apiKeyPolicy. */
export const apiKeyAdministrationPolicy = definePolicy<null, 'open'>('ApiKeyAdministration', {
  open: (actor) => hasRole(actor, 'admin'),
});
