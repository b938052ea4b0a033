// Who may hand OneDoor the council's email, and who deals with what nobody could match. The mail
// relay is the council's own system: a partner agency's key never delivers the council's mail.
import { definePolicy, hasRole, hasScope, keyServesCouncil } from '../../platform/policy.ts';

export const inboundEmailPolicy = definePolicy<{ councilId: string }, 'deliver' | 'review'>(
  'InboundEmail',
  {
    deliver: () => false,
    // The front line reads the mail that matched nobody, as they read the council's shared inbox.
    review: (actor, council) =>
      actor.organisationKind === 'council' &&
      actor.councilId === council.councilId &&
      hasRole(actor, 'advisor', 'officer', 'team_leader'),
  },
  {
    deliver: (key, council) =>
      hasScope(key, 'inbound-email:write') && key.organisationKind === 'council' && keyServesCouncil(key, council.councilId),
  },
);
