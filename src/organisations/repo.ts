// SQL for organisations, teams and staff accounts.
import { sql } from 'kysely';
import type { Queryable } from '../db/database.ts';
import { organisationScopeCondition as inScope } from '../db/organisationScope.ts';
import type { Role } from '../platform/actor.ts';
import type { OrganisationScope } from '../db/organisationScope.ts';

export interface OrganisationRecord {
  id: string;
  code: string;
  name: string;
  nameCy: string | null;
  kind: 'council' | 'partner';
  /** The council a partner works beside; null for a council. */
  councilId: string | null;
  active: boolean;
}

export interface TeamRecord {
  id: string;
  organisationId: string;
  organisationName: string;
  organisationCouncilId: string | null;
  code: string;
  name: string;
  nameCy: string | null;
  email: string | null;
  active: boolean;
  memberCount: number;
}

export interface StaffUserRecord {
  id: string;
  organisationId: string;
  organisationName: string;
  organisationKind: 'council' | 'partner';
  /** The organisation's council (null when the organisation is itself a council). */
  organisationCouncilId: string | null;
  email: string;
  name: string;
  roles: Role[];
  active: boolean;
  mustChangePassword: boolean;
  twoFactorEnabled: boolean;
  lastSignedInAt: Date | null;
  deactivatedAt: Date | null;
  createdAt: Date;
  teams: { id: string; name: string }[];
}

type Scope = OrganisationScope | 'all';

// Organisations

const organisationColumns = [
  'organisations.id',
  'organisations.code',
  'organisations.name',
  'organisations.name_cy as nameCy',
  'organisations.kind',
  'organisations.council_id as councilId',
  'organisations.active',
] as const;

export async function listOrganisations(db: Queryable, scope: Scope): Promise<OrganisationRecord[]> {
  return await db
    .selectFrom('organisations')
    .select(organisationColumns)
    .where(inScope(scope, 'organisations.id'))
    .orderBy(sql`kind = 'partner'`)
    .orderBy('name')
    .execute();
}

export async function findOrganisation(db: Queryable, idOrCode: string): Promise<OrganisationRecord | undefined> {
  const isId = /^[0-9a-f-]{36}$/i.test(idOrCode);
  return await db
    .selectFrom('organisations')
    .select(organisationColumns)
    .where(isId ? 'organisations.id' : 'organisations.code', '=', idOrCode)
    .executeTakeFirst();
}

export async function findFirstCouncil(db: Queryable): Promise<OrganisationRecord | undefined> {
  return await db
    .selectFrom('organisations')
    .select(organisationColumns)
    .where('kind', '=', 'council')
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst();
}

export async function insertOrganisation(
  db: Queryable,
  organisation: { code: string; name: string; nameCy?: string | null; kind: 'council' | 'partner'; councilId: string | null },
): Promise<string> {
  const row = await db
    .insertInto('organisations')
    .values({
      code: organisation.code,
      name: organisation.name,
      name_cy: organisation.nameCy ?? null,
      kind: organisation.kind,
      council_id: organisation.councilId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateOrganisation(
  db: Queryable,
  id: string,
  fields: { name?: string; nameCy?: string | null; active?: boolean },
): Promise<void> {
  await db
    .updateTable('organisations')
    .set({ name: fields.name, name_cy: fields.nameCy, active: fields.active })
    .where('id', '=', id)
    .execute();
}

// Teams

function teamQuery(db: Queryable) {
  return db
    .selectFrom('teams')
    .innerJoin('organisations', 'organisations.id', 'teams.organisation_id')
    .select([
      'teams.id',
      'teams.organisation_id as organisationId',
      'organisations.name as organisationName',
      'organisations.council_id as organisationCouncilId',
      'teams.code',
      'teams.name',
      'teams.name_cy as nameCy',
      'teams.email',
      'teams.active',
      (eb) =>
        eb
          .selectFrom('team_members')
          .innerJoin('staff_users', 'staff_users.id', 'team_members.user_id')
          .select(sql<number>`count(*)::int`.as('count'))
          .whereRef('team_members.team_id', '=', 'teams.id')
          .where('staff_users.active', '=', true)
          .as('memberCount'),
    ]);
}

export async function listTeams(db: Queryable, scope: Scope, organisationId?: string): Promise<TeamRecord[]> {
  let query = teamQuery(db).where(inScope(scope, 'teams.organisation_id'));
  if (organisationId) query = query.where('teams.organisation_id', '=', organisationId);
  const rows = await query.orderBy('organisations.name').orderBy('teams.name').execute();
  return rows.map((row) => ({ ...row, memberCount: row.memberCount ?? 0 }));
}

export async function findTeam(db: Queryable, id: string): Promise<TeamRecord | undefined> {
  const row = await teamQuery(db).where('teams.id', '=', id).executeTakeFirst();
  return row && { ...row, memberCount: row.memberCount ?? 0 };
}

export async function insertTeam(
  db: Queryable,
  team: { organisationId: string; code: string; name: string; nameCy?: string | null; email?: string | null },
): Promise<string> {
  const row = await db
    .insertInto('teams')
    .values({
      organisation_id: team.organisationId,
      code: team.code,
      name: team.name,
      name_cy: team.nameCy ?? null,
      email: team.email ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateTeam(
  db: Queryable,
  id: string,
  fields: { name?: string; nameCy?: string | null; email?: string | null; active?: boolean },
): Promise<void> {
  await db
    .updateTable('teams')
    .set({ name: fields.name, name_cy: fields.nameCy, email: fields.email, active: fields.active })
    .where('id', '=', id)
    .execute();
}

export async function teamCodeTaken(db: Queryable, organisationId: string, code: string): Promise<boolean> {
  const row = await db
    .selectFrom('teams')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('code', '=', code)
    .executeTakeFirst();
  return row !== undefined;
}

// Staff accounts

function userQuery(db: Queryable) {
  return db
    .selectFrom('staff_users')
    .innerJoin('organisations', 'organisations.id', 'staff_users.organisation_id')
    .select([
      'staff_users.id',
      'staff_users.organisation_id as organisationId',
      'organisations.name as organisationName',
      'organisations.kind as organisationKind',
      'organisations.council_id as organisationCouncilId',
      'staff_users.email',
      'staff_users.name',
      sql<Role[]>`staff_users.roles`.as('roles'),
      'staff_users.active',
      'staff_users.must_change_password as mustChangePassword',
      sql<boolean>`staff_users.mfa_enabled_at is not null`.as('twoFactorEnabled'),
      'staff_users.last_signed_in_at as lastSignedInAt',
      'staff_users.deactivated_at as deactivatedAt',
      'staff_users.created_at as createdAt',
      (eb) =>
        eb
          .selectFrom('team_members')
          .innerJoin('teams', 'teams.id', 'team_members.team_id')
          .select(
            sql<
              { id: string; name: string }[]
            >`coalesce(json_agg(json_build_object('id', teams.id, 'name', teams.name) order by teams.name), '[]')`.as('teams'),
          )
          .whereRef('team_members.user_id', '=', 'staff_users.id')
          .as('teams'),
    ]);
}

function toUser(row: Awaited<ReturnType<ReturnType<typeof userQuery>['executeTakeFirstOrThrow']>>): StaffUserRecord {
  return { ...row, teams: row.teams ?? [] };
}

export async function findUser(db: Queryable, id: string): Promise<StaffUserRecord | undefined> {
  const row = await userQuery(db).where('staff_users.id', '=', id).executeTakeFirst();
  return row && toUser(row);
}

export async function findUserByEmail(db: Queryable, email: string): Promise<StaffUserRecord | undefined> {
  const row = await userQuery(db).where('staff_users.email', '=', email).executeTakeFirst();
  return row && toUser(row);
}

export interface UserFilters {
  /** Part of a name or email address. */
  q?: string;
  role?: Role;
  organisationId?: string;
  status?: 'active' | 'deactivated';
}

export async function listUsers(
  db: Queryable,
  scope: Scope,
  filters: UserFilters,
  page: number,
  pageSize: number,
): Promise<{ users: StaffUserRecord[]; total: number }> {
  let query = userQuery(db).where(inScope(scope, 'staff_users.organisation_id'));
  if (filters.q) {
    const pattern = `%${filters.q.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
    query = query.where((eb) => eb.or([eb('staff_users.name', 'ilike', pattern), eb('staff_users.email', 'ilike', pattern)]));
  }
  if (filters.role) query = query.where(sql<boolean>`${filters.role} = any(staff_users.roles)`);
  if (filters.organisationId) query = query.where('staff_users.organisation_id', '=', filters.organisationId);
  if (filters.status) query = query.where('staff_users.active', '=', filters.status === 'active');

  const [rows, count] = await Promise.all([
    query
      .orderBy('staff_users.name')
      .orderBy('staff_users.id')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    query
      .clearSelect()
      .select(sql<number>`count(*)::int`.as('total'))
      .executeTakeFirstOrThrow(),
  ]);
  return { users: rows.map(toUser), total: count.total };
}

export async function insertUser(
  db: Queryable,
  user: { organisationId: string; email: string; name: string; roles: Role[]; passwordHash: string; mustChangePassword: boolean },
): Promise<string> {
  const row = await db
    .insertInto('staff_users')
    .values({
      organisation_id: user.organisationId,
      email: user.email,
      name: user.name,
      roles: user.roles,
      password_hash: user.passwordHash,
      must_change_password: user.mustChangePassword,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateUser(
  db: Queryable,
  id: string,
  fields: {
    name?: string;
    email?: string;
    roles?: Role[];
    organisationId?: string;
    active?: boolean;
    passwordHash?: string;
    mustChangePassword?: boolean;
    clearTwoFactor?: boolean;
  },
): Promise<void> {
  await db
    .updateTable('staff_users')
    .set({
      name: fields.name,
      email: fields.email,
      roles: fields.roles,
      organisation_id: fields.organisationId,
      active: fields.active,
      deactivated_at: fields.active === undefined ? undefined : fields.active ? null : sql<Date>`now()`,
      password_hash: fields.passwordHash,
      password_changed_at: fields.passwordHash === undefined ? undefined : sql<Date>`now()`,
      must_change_password: fields.mustChangePassword,
      ...(fields.clearTwoFactor ? { mfa_secret: null, mfa_enabled_at: null, mfa_last_step: null } : {}),
    })
    .where('id', '=', id)
    .execute();
}

export async function setUserTeams(db: Queryable, userId: string, teamIds: string[]): Promise<void> {
  await db.deleteFrom('team_members').where('user_id', '=', userId).execute();
  if (teamIds.length > 0) {
    await db
      .insertInto('team_members')
      .values(teamIds.map((teamId) => ({ team_id: teamId, user_id: userId })))
      .execute();
  }
}

export async function emailTaken(db: Queryable, email: string, exceptUserId?: string): Promise<boolean> {
  let query = db.selectFrom('staff_users').select('id').where('email', '=', email);
  if (exceptUserId) query = query.where('id', '!=', exceptUserId);
  return (await query.executeTakeFirst()) !== undefined;
}

/** Active administrators of an organisation other than `exceptUserId`. */
export async function countOtherActiveAdmins(db: Queryable, organisationId: string, exceptUserId: string): Promise<number> {
  const row = await db
    .selectFrom('staff_users')
    .select(sql<number>`count(*)::int`.as('count'))
    .where('organisation_id', '=', organisationId)
    .where('active', '=', true)
    .where('id', '!=', exceptUserId)
    .where(sql<boolean>`'admin' = any(roles)`)
    .executeTakeFirstOrThrow();
  return row.count;
}

// Security settings per role

export async function roleSettings(db: Queryable): Promise<Map<string, { mfaRequired: boolean }>> {
  const rows = await db.selectFrom('role_settings').select(['role', 'mfa_required']).execute();
  return new Map(rows.map((row) => [row.role, { mfaRequired: row.mfa_required }]));
}

export async function setRoleMfaRequired(db: Queryable, role: Role, required: boolean): Promise<void> {
  await db
    .insertInto('role_settings')
    .values({ role, mfa_required: required })
    .onConflict((conflict) => conflict.column('role').doUpdateSet({ mfa_required: required }))
    .execute();
}
