// Authorisation in one place: each capability declares, in its policy.ts, which actions on
// which records each person may take, as small predicates; every route goes through them.
import type { Actor, ApiKeyActor, Role, StaffActor } from './actor.ts';
import type { Scope } from './apiKeys/scopes.ts';
import type { OrganisationScope } from '../db/organisationScope.ts';
import { NotAllowed } from './errors.ts';

export type Rule<R> = (actor: StaffActor, record: R) => boolean;
/** A rule for systems calling the JSON API: their key's scopes and organisation, not roles. */
export type ApiRule<R> = (key: ApiKeyActor, record: R) => boolean;

export interface Policy<R, A extends string> {
  readonly resource: string;
  can(actor: Actor, action: A, record: R): boolean;
  /** Throws NotAllowed unless `actor` may take `action` on `record`. */
  authorize(actor: Actor, action: A, record: R): void;
}

/**
 * OneDoor itself (migrations, first start, the CLI) may do anything; people only what a rule
 * allows. API keys are judged by `apiRules` alone: an action with no API rule is refused to every
 * key, so opening a capability to other systems is a decision written down in its policy.
 */
export function definePolicy<R, A extends string>(
  resource: string,
  rules: Record<A, Rule<R>>,
  apiRules: Partial<Record<A, ApiRule<R>>> = {},
): Policy<R, A> {
  const can = (actor: Actor, action: A, record: R): boolean => {
    switch (actor.kind) {
      case 'system':
        return true;
      case 'staff':
        return (rules[action] as Rule<R>)(actor, record);
      case 'api_key': {
        const rule = Object.hasOwn(apiRules, action) ? apiRules[action] : undefined;
        return rule !== undefined && rule(actor, record);
      }
    }
  };
  return {
    resource,
    can,
    authorize(actor, action, record) {
      if (!can(actor, action, record)) throw new NotAllowed(`${resource}.${action}`);
    },
  };
}

export const hasRole = (actor: StaffActor, ...roles: Role[]): boolean => roles.some((role) => actor.roles.includes(role));

export const inOrganisation = (actor: StaffActor | ApiKeyActor, organisationId: string): boolean =>
  actor.organisationId === organisationId;

/** The key was granted `scope` (routes check scopes too; a policy may also ask). */
export const hasScope = (key: ApiKeyActor, scope: Scope): boolean => key.scopes.includes(scope);

/** A record owned by `councilId` is the key's if the key belongs to that council or a partner beside it. */
export const keyServesCouncil = (key: ApiKeyActor, councilId: string): boolean => key.councilId === councilId;

/**
 * Administrators run their own organisation; a council's administrators also onboard the
 * partner agencies that work beside that council.
 */
export const administers = (actor: StaffActor, organisation: { id: string; councilId: string | null }): boolean =>
  hasRole(actor, 'admin') &&
  (actor.organisationId === organisation.id ||
    (actor.organisationKind === 'council' && organisation.councilId === actor.organisationId));

export type { OrganisationScope };

/** The organisations whose people and teams `actor` administers, as a filter for list queries. */
export function administrationScope(actor: Actor): OrganisationScope | 'all' {
  if (actor.kind === 'system') return 'all';
  // Keys administer nothing: accounts, teams and keys are run by people.
  if (actor.kind !== 'staff' || !hasRole(actor, 'admin')) return { organisationIds: [] };
  return actor.organisationKind === 'council' ? { councilId: actor.organisationId } : { organisationIds: [actor.organisationId] };
}
