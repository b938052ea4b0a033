// Who may read the outbox: the council's people who deal with residents and their cases, and its
// administrators. Messages hold residents' personal data, so partner agencies do not, and each
// message read is recorded in the audit trail (service.ts).
import type { Role } from '../actor.ts';
import { definePolicy, hasRole } from '../policy.ts';

export const OUTBOX_ROLES: Role[] = ['advisor', 'officer', 'team_leader', 'complaints_officer', 'admin'];

export const outboxPolicy = definePolicy<{ councilId: string }, 'read'>('Outbox', {
  read: (actor, outbox) =>
    actor.organisationKind === 'council' && actor.councilId === outbox.councilId && hasRole(actor, ...OUTBOX_ROLES),
});
