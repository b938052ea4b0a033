// Who may see and change customer records. Council staff who serve residents see the council's
// customers; a partner agency's workers see only customers who agreed to share with that
// agency, and only the parts they agreed to share (see sharedParts).
import type { Actor, ApiKeyActor, StaffActor } from '../platform/actor.ts';
import { definePolicy, hasRole, hasScope, keyServesCouncil } from '../platform/policy.ts';

export const CUSTOMER_PARTS = ['contact_details', 'needs', 'history'] as const;
export type CustomerPart = (typeof CUSTOMER_PARTS)[number];

export interface CustomerPlacement {
  councilId: string;
  /** Current consents: which partner organisations may see which parts. */
  sharedWith: { organisationId: string; shares: string[] }[];
}

const servesResidents = (actor: StaffActor, customer: { councilId: string }): boolean =>
  actor.organisationKind === 'council' &&
  actor.councilId === customer.councilId &&
  hasRole(actor, 'advisor', 'officer', 'team_leader', 'complaints_officer', 'dpo');

const sharedWithActor = (actor: StaffActor, customer: CustomerPlacement): boolean =>
  actor.organisationKind === 'partner' &&
  actor.councilId === customer.councilId &&
  customer.sharedWith.some((consent) => consent.organisationId === actor.organisationId);

/** A key of the council, or of a partner the customer agreed to share with. */
const keySees = (key: ApiKeyActor, customer: CustomerPlacement): boolean =>
  keyServesCouncil(key, customer.councilId) &&
  (key.organisationKind === 'council' || customer.sharedWith.some((consent) => consent.organisationId === key.organisationId));

const changesRecords = (actor: StaffActor, customer: { councilId: string }): boolean =>
  actor.organisationKind === 'council' &&
  actor.councilId === customer.councilId &&
  hasRole(actor, 'advisor', 'officer', 'team_leader', 'complaints_officer');

export const customerPolicy = definePolicy<CustomerPlacement, 'read' | 'referTo' | 'update' | 'merge' | 'recordConsent'>(
  'Customer',
  {
    read: (actor, customer) => servesResidents(actor, customer) || sharedWithActor(actor, customer),
    // Naming the customer on a contact: whoever may see them.
    referTo: (actor, customer) => servesResidents(actor, customer) || sharedWithActor(actor, customer),
    update: changesRecords,
    // Merging rewrites two records' history: advisors who find the duplicates, their leaders, and the DPO.
    merge: (actor, customer) =>
      actor.organisationKind === 'council' &&
      actor.councilId === customer.councilId &&
      hasRole(actor, 'advisor', 'team_leader', 'dpo'),
    recordConsent: changesRecords,
  },
  {
    read: (key, customer) => hasScope(key, 'customers:read') && keySees(key, customer),
    // A system that logs contacts, raises cases, records complaints or books appointments may name the customer without reading their record.
    referTo: (key, customer) =>
      (hasScope(key, 'customers:read') ||
        hasScope(key, 'contacts:write') ||
        hasScope(key, 'cases:write') ||
        hasScope(key, 'complaints:write') ||
        hasScope(key, 'appointments:write')) &&
      keySees(key, customer),
    update: (key, customer) =>
      hasScope(key, 'customers:write') && key.organisationKind === 'council' && keyServesCouncil(key, customer.councilId),
  },
);

/** Finding customers at all, before any one record is in view. */
export const customerSearchPolicy = definePolicy<{ councilId: string }, 'search' | 'create'>(
  'CustomerSearch',
  {
    search: (actor, council) =>
      actor.councilId === council.councilId &&
      (hasRole(actor, 'advisor', 'officer', 'team_leader', 'complaints_officer', 'dpo') ||
        (actor.organisationKind === 'partner' && hasRole(actor, 'partner_worker'))),
    create: changesRecords,
  },
  {
    search: (key, council) => hasScope(key, 'customers:read') && keyServesCouncil(key, council.councilId),
    create: (key, council) =>
      hasScope(key, 'customers:write') && key.organisationKind === 'council' && keyServesCouncil(key, council.councilId),
  },
);

/** The parts of a record `actor` may see: all of it for council staff, what was shared for a partner. */
export function sharedParts(actor: Actor, customer: CustomerPlacement): Set<CustomerPart> {
  if (actor.kind === 'system' || actor.organisationKind === 'council') return new Set(CUSTOMER_PARTS);
  const parts = customer.sharedWith
    .filter((consent) => consent.organisationId === actor.organisationId)
    .flatMap((consent) => consent.shares);
  return new Set(CUSTOMER_PARTS.filter((part) => parts.includes(part)));
}
