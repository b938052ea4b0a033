// Authorisation in one place: each capability declares, in its policy.ts, which actions on
// which records each person may take, as small predicates; every route goes through them.
import type { Actor, Role, StaffActor } from './actor.ts';
import type { OrganisationScope } from '../db/organisationScope.ts';
import { NotAllowed } from './errors.ts';

export type Rule<R> = (actor: StaffActor, record: R) => boolean;

export interface Policy<R, A extends string> {
  readonly resource: string;
  can(actor: Actor, action: A, record: R): boolean;
  /** Throws NotAllowed unless `actor` may take `action` on `record`. */
  authorize(actor: Actor, action: A, record: R): void;
}

/** OneDoor itself (migrations, first start, the CLI) may do anything; people only what a rule allows. */
export function definePolicy<R, A extends string>(resource: string, rules: Record<A, Rule<R>>): Policy<R, A> {
  const can = (actor: Actor, action: A, record: R): boolean =>
    actor.kind === 'system' || (rules[action] as Rule<R>)(actor, record);
  return {
    resource,
    can,
    authorize(actor, action, record) {
      if (!can(actor, action, record)) throw new NotAllowed(`${resource}.${action}`);
    },
  };
}

export const hasRole = (actor: StaffActor, ...roles: Role[]): boolean => roles.some((role) => actor.roles.includes(role));

export const inOrganisation = (actor: StaffActor, organisationId: string): boolean => actor.organisationId === organisationId;

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
  if (!hasRole(actor, 'admin')) return { organisationIds: [] };
  return actor.organisationKind === 'council' ? { councilId: actor.organisationId } : { organisationIds: [actor.organisationId] };
}
