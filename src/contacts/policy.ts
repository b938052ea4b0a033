// Who may log a contact. Seeing the customer is the customers capability's question (its
// findCustomer answers nothing for a customer the person may not see); this says who logs at all.
import type { Role } from '../platform/actor.ts';
import { definePolicy, hasRole, hasScope, keyServesCouncil } from '../platform/policy.ts';

/** The people who talk to residents: contact centre, one-stop shops, case workers, partners. */
export const LOGGING_ROLES: Role[] = ['advisor', 'officer', 'team_leader', 'complaints_officer', 'partner_worker'];

/** The contact as far as the rules need it: whose council it belongs to, and whose it is. */
export interface ContactPlacement {
  councilId: string;
  /** Null for an anonymous contact. */
  customerId: string | null;
}

export const contactPolicy = definePolicy<ContactPlacement, 'log'>(
  'Contact',
  {
    // Within the council they work for or beside; anonymous contacts likewise.
    log: (actor, contact) => hasRole(actor, ...LOGGING_ROLES) && actor.councilId === contact.councilId,
  },
  {
    // An integration (a telephony system, a web form) logs contacts for its own council.
    log: (key, contact) => hasScope(key, 'contacts:write') && keyServesCouncil(key, contact.councilId),
  },
);

/** The "Log a contact" page and its navigation entry. */
export const contactLogPolicy = definePolicy<null, 'open'>('ContactLog', {
  open: (actor) => hasRole(actor, ...LOGGING_ROLES),
});
