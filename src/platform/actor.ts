// Who is doing something: a signed-in member of staff, or OneDoor itself (jobs, the CLI).
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

export type Actor = StaffActor | SystemActor;

export function systemActor(label: string): SystemActor {
  return { kind: 'system', label };
}
