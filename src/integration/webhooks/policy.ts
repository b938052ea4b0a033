// Who may see and change webhook subscriptions: the administrators of the subscription's
// organisation (and a council's administrators for the partner agencies beside it). No API key
// manages webhooks.
import type { StaffActor } from '../../platform/actor.ts';
import { administers, definePolicy, hasRole } from '../../platform/policy.ts';

/** Where a subscription sits: its organisation, and that organisation's council (null for a council). */
export interface SubscriptionPlacement {
  organisationId: string;
  organisationCouncilId: string | null;
}

const administersPlacement = (actor: StaffActor, subscription: SubscriptionPlacement): boolean =>
  administers(actor, { id: subscription.organisationId, councilId: subscription.organisationCouncilId });

export const webhookPolicy = definePolicy<SubscriptionPlacement, 'read' | 'create' | 'change'>('WebhookSubscription', {
  read: administersPlacement,
  create: administersPlacement,
  change: administersPlacement,
});

/** The webhooks pages are for administrators; which subscriptions they see follows from webhookPolicy. */
export const webhookAdministrationPolicy = definePolicy<null, 'open'>('WebhookAdministration', {
  open: (actor) => hasRole(actor, 'admin'),
});
