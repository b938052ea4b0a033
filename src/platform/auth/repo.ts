// SQL for signing staff in: credentials, second-factor secrets, and the signed-in person.
import { sql } from 'kysely';
import type { Queryable } from '../../db/database.ts';
import type { Role } from '../actor.ts';

export interface Credentials {
  id: string;
  email: string;
  organisationId: string;
  passwordHash: string;
  active: boolean;
  twoFactorSecret: string | null;
  twoFactorEnabled: boolean;
  lastTwoFactorStep: number | null;
}

export async function findCredentialsByEmail(db: Queryable, email: string): Promise<Credentials | undefined> {
  return await credentialsQuery(db).where('email', '=', email).executeTakeFirst();
}

export async function findCredentials(db: Queryable, id: string): Promise<Credentials | undefined> {
  return await credentialsQuery(db).where('id', '=', id).executeTakeFirst();
}

function credentialsQuery(db: Queryable) {
  return db
    .selectFrom('staff_users')
    .select([
      'id',
      'email',
      'organisation_id as organisationId',
      'password_hash as passwordHash',
      'active',
      'mfa_secret as twoFactorSecret',
      sql<boolean>`mfa_enabled_at is not null`.as('twoFactorEnabled'),
      'mfa_last_step as lastTwoFactorStep',
    ]);
}

export interface SignedInPerson {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  organisationId: string;
  organisationKind: 'council' | 'partner';
  councilId: string;
  mustChangePassword: boolean;
  twoFactorEnabled: boolean;
  twoFactorRequired: boolean;
}

/** The active account behind a session, with what it must do before anything else. */
export async function findSignedInPerson(db: Queryable, id: string): Promise<SignedInPerson | undefined> {
  return await db
    .selectFrom('staff_users')
    .innerJoin('organisations', 'organisations.id', 'staff_users.organisation_id')
    .select([
      'staff_users.id',
      'staff_users.email',
      'staff_users.name',
      sql<Role[]>`staff_users.roles`.as('roles'),
      'staff_users.organisation_id as organisationId',
      'organisations.kind as organisationKind',
      sql<string>`coalesce(organisations.council_id, organisations.id)`.as('councilId'),
      'staff_users.must_change_password as mustChangePassword',
      sql<boolean>`staff_users.mfa_enabled_at is not null`.as('twoFactorEnabled'),
      sql<boolean>`exists (
        select 1 from role_settings
        where role_settings.role = any(staff_users.roles) and role_settings.mfa_required
      )`.as('twoFactorRequired'),
    ])
    .where('staff_users.id', '=', id)
    .where('staff_users.active', '=', true)
    .where('organisations.active', '=', true)
    .executeTakeFirst();
}

export async function recordSignIn(db: Queryable, id: string, twoFactorStep?: number): Promise<void> {
  await db
    .updateTable('staff_users')
    .set({ last_signed_in_at: sql<Date>`now()`, ...(twoFactorStep === undefined ? {} : { mfa_last_step: twoFactorStep }) })
    .where('id', '=', id)
    .execute();
}

export async function setPassword(db: Queryable, id: string, passwordHash: string): Promise<void> {
  await db
    .updateTable('staff_users')
    .set({ password_hash: passwordHash, password_changed_at: sql<Date>`now()`, must_change_password: false })
    .where('id', '=', id)
    .execute();
}

export async function enableTwoFactor(db: Queryable, id: string, secret: string, step: number): Promise<void> {
  await db
    .updateTable('staff_users')
    .set({ mfa_secret: secret, mfa_enabled_at: sql<Date>`now()`, mfa_last_step: step })
    .where('id', '=', id)
    .execute();
}

export async function disableTwoFactor(db: Queryable, id: string): Promise<void> {
  await db
    .updateTable('staff_users')
    .set({ mfa_secret: null, mfa_enabled_at: null, mfa_last_step: null })
    .where('id', '=', id)
    .execute();
}

/** Ends a person's other sessions (after they change their password), keeping the current one. */
export async function endOtherSessions(db: Queryable, userId: string, keepSessionKey: string): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).where('id', '!=', keepSessionKey).execute();
}
