// Who is doing something: a signed-in member of staff, another system calling the JSON API with
// its key, or OneDoor itself (jobs, the CLI).
import type { Scope } from './apiKeys/scopes.ts';

export const ROLES = [
  'advisor',
  'officer',
  'team_leader',
  'complaints_officer',
  'performance_analyst',
  'admin',
  'dpo',
  'partner_worker',
] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export interface StaffActor {
  kind: 'staff';
  id: string;
  email: string;
  name: string;
  roles: Role[];
  organisationId: string;
  organisationKind: 'council' | 'partner';
  /** The council this person works for or beside: their own organisation if it is a council. */
  councilId: string;
  /** The address the request came from, for the audit trail. */
  ip: string | null;
}

export interface SystemActor {
  kind: 'system';
  /** What acted, e.g. `cli`, `first-start`, `job:sessions.purge`. */
  label: string;
}

/** A system calling the JSON API with one of its organisation's keys. */
export interface ApiKeyActor {
  kind: 'api_key';
  /** The key's id (not its secret). */
  id: string;
  /** What the organisation called the key, e.g. "Housing system". */
  name: string;
  organisationId: string;
  organisationKind: 'council' | 'partner';
  /** The council the key's organisation is or works beside. */
  councilId: string;
  scopes: Scope[];
  /** The address the request came from, for the audit trail. */
  ip: string | null;
}

export type Actor = StaffActor | ApiKeyActor | SystemActor;

export function systemActor(label: string): SystemActor {
  return { kind: 'system', label };
}

/** Who did something, as a record's timeline keeps it: the kind of actor, its id and the name shown. */
export interface TimelineActor {
  type: 'staff' | 'api_key' | 'system';
  id: string | null;
  label: string;
}

export function timelineActor(actor: Actor): TimelineActor {
  switch (actor.kind) {
    case 'staff':
      return { type: 'staff', id: actor.id, label: actor.name };
    case 'api_key':
      return { type: 'api_key', id: actor.id, label: actor.name };
    case 'system':
      return { type: 'system', id: null, label: actor.label };
  }
}
