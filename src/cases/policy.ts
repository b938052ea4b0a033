// Who may see and work which case. A case belongs to its council and is owned by one team, which
// may be a partner agency's: the council's front-line and case-work staff see the council's
// cases; a partner agency's people see only the cases routed to their organisation. Working a
// case (updates the resident sees, status, assignment) is for the owning organisation's
// officers and team leaders; anyone who sees a case may add an internal note to it.
import { LOGGING_ROLES } from '../contacts/policy.ts';
import type { ApiKeyActor, StaffActor } from '../platform/actor.ts';
import { definePolicy, hasRole, hasScope, keyServesCouncil } from '../platform/policy.ts';

export interface CasePlacement {
  councilId: string;
  /** The owning team's organisation: the council's own, or a partner agency's. */
  organisationId: string;
  assignedTo: string | null;
}

const councilSees = (actor: StaffActor, record: { councilId: string }): boolean =>
  actor.organisationKind === 'council' &&
  actor.councilId === record.councilId &&
  hasRole(actor, 'advisor', 'officer', 'team_leader', 'complaints_officer', 'performance_analyst', 'dpo');

const owns = (actor: StaffActor | ApiKeyActor, record: CasePlacement): boolean =>
  actor.councilId === record.councilId && actor.organisationId === record.organisationId;

const sees = (actor: StaffActor, record: CasePlacement): boolean =>
  councilSees(actor, record) || (actor.organisationKind === 'partner' && owns(actor, record));

const works = (actor: StaffActor, record: CasePlacement): boolean =>
  owns(actor, record) && hasRole(actor, 'officer', 'team_leader', 'partner_worker');

// An Open311 client (FixMyStreet, scope open311:write) reads the requests it reported and posts its
// residents' updates on them, as a key with the cases scopes does.
const keyReadsCases = (key: ApiKeyActor): boolean => hasScope(key, 'cases:read') || hasScope(key, 'open311:write');
const keyWritesCases = (key: ApiKeyActor): boolean => hasScope(key, 'cases:write') || hasScope(key, 'open311:write');

/** A key sees its council's cases, or a partner's key the cases routed to its organisation. */
const keySees = (key: ApiKeyActor, record: CasePlacement): boolean =>
  keyServesCouncil(key, record.councilId) && (key.organisationKind === 'council' || owns(key, record));

export const casePolicy = definePolicy<CasePlacement, 'read' | 'note' | 'update' | 'assign' | 'take' | 'attach'>(
  'Case',
  {
    read: sees,
    note: (actor, record) => sees(actor, record) && hasRole(actor, ...LOGGING_ROLES),
    attach: (actor, record) => sees(actor, record) && hasRole(actor, ...LOGGING_ROLES),
    update: works,
    // Team leaders share the work out; an officer may take a case for themselves.
    assign: (actor, record) => owns(actor, record) && hasRole(actor, 'team_leader'),
    take: works,
  },
  {
    read: (key, record) => keyReadsCases(key) && keySees(key, record),
    update: (key, record) => keyWritesCases(key) && keySees(key, record),
    note: (key, record) => keyWritesCases(key) && keySees(key, record),
  },
);

/** Raising a case for a council, before there is a case. */
export const caseRaisingPolicy = definePolicy<{ councilId: string }, 'raise'>(
  'CaseRaising',
  { raise: (actor, council) => actor.councilId === council.councilId && hasRole(actor, ...LOGGING_ROLES) },
  {
    raise: (key, council) => keyWritesCases(key) && keyServesCouncil(key, council.councilId),
  },
);

/** A team's queue: the people of the team's organisation who work or lead its cases. */
export const caseQueuePolicy = definePolicy<{ organisationId: string }, 'open' | 'assign'>('CaseQueue', {
  open: (actor, team) =>
    actor.organisationId === team.organisationId && hasRole(actor, 'officer', 'team_leader', 'partner_worker', 'advisor'),
  assign: (actor, team) => actor.organisationId === team.organisationId && hasRole(actor, 'team_leader'),
});
