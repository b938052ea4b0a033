// The database as Kysely sees it, typed by hand beside the migrations (one interface per table).
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type CreatedAt = ColumnType<Date, never, never>;
type UpdatedAt = ColumnType<Date, never, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface OrganisationsTable {
  id: Generated<string>;
  code: string;
  name: string;
  name_cy: string | null;
  kind: 'council' | 'partner';
  council_id: string | null;
  active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface TeamsTable {
  id: Generated<string>;
  organisation_id: string;
  code: string;
  name: string;
  name_cy: string | null;
  email: string | null;
  active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface StaffUsersTable {
  id: Generated<string>;
  organisation_id: string;
  email: string;
  name: string;
  roles: string[];
  password_hash: string;
  must_change_password: Generated<boolean>;
  password_changed_at: Generated<Date>;
  active: Generated<boolean>;
  deactivated_at: Timestamp | null;
  mfa_secret: string | null;
  mfa_enabled_at: Timestamp | null;
  mfa_last_step: number | null;
  last_signed_in_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface TeamMembersTable {
  team_id: string;
  user_id: string;
  created_at: CreatedAt;
}

export interface RoleSettingsTable {
  role: string;
  mfa_required: boolean;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface SessionsTable {
  id: string;
  user_id: string | null;
  data: unknown;
  expires_at: Timestamp;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, never, Date | string>;
}

export interface SignInThrottlesTable {
  key: string;
  failures: number;
  window_started_at: Timestamp;
  locked_until: Timestamp | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, never, Date | string>;
}

export interface RateLimitCountersTable {
  key: string;
  count: number;
  window_ends_at: Timestamp;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, never, Date | string>;
}

export interface AppSecretsTable {
  name: string;
  value: string;
  created_at: CreatedAt;
}

export interface SitesTable {
  id: Generated<string>;
  organisation_id: string;
  code: string;
  name: string;
  name_cy: string | null;
  kind: 'one_stop_shop' | 'mobile_bus';
  address_line1: string | null;
  town: string | null;
  postcode: string | null;
  active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface AuditEventsTable {
  id: ColumnType<number, never, never>;
  occurred_at: ColumnType<Date, never, never>;
  organisation_id: string | null;
  actor_type: 'staff' | 'system' | 'api_key' | 'resident' | 'anonymous';
  actor_id: string | null;
  actor_label: string | null;
  action: string;
  record_type: string | null;
  record_id: string | null;
  ip: string | null;
  changes: unknown;
  details: unknown;
}

export interface Database {
  organisations: OrganisationsTable;
  teams: TeamsTable;
  staff_users: StaffUsersTable;
  team_members: TeamMembersTable;
  role_settings: RoleSettingsTable;
  sessions: SessionsTable;
  sign_in_throttles: SignInThrottlesTable;
  rate_limit_counters: RateLimitCountersTable;
  app_secrets: AppSecretsTable;
  sites: SitesTable;
  audit_events: AuditEventsTable;
}

export type OrganisationRow = Selectable<OrganisationsTable>;
export type TeamRow = Selectable<TeamsTable>;
export type StaffUserRow = Selectable<StaffUsersTable>;
export type NewStaffUserRow = Insertable<StaffUsersTable>;
export type StaffUserUpdate = Updateable<StaffUsersTable>;
