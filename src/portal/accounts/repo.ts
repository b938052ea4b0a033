// The SQL of resident accounts and their emailed links.
import { sql } from 'kysely';
import type { Queryable } from '../../db/database.ts';
import type { TokenPurpose } from './tokens.ts';

export interface ResidentAccount {
  id: string;
  councilId: string;
  /** The customer record the account belongs to (the record it was merged into, if merged). */
  customerId: string;
  email: string;
  name: string;
  /** Null for an account made by signing in with GOV.UK One Login, until a password is set. */
  passwordHash: string | null;
  language: 'en' | 'cy';
  confirmedAt: Date | null;
  /** The resident's GOV.UK One Login subject identifier, once linked. */
  oneLoginSub: string | null;
}

function accountQuery(db: Queryable) {
  return db
    .selectFrom('resident_accounts as a')
    .innerJoin('customers as c', 'c.id', 'a.customer_id')
    .select([
      'a.id',
      'a.council_id as councilId',
      // Staff may merge the record into another: the resident's requests are then on that one.
      sql<string>`coalesce(c.merged_into, c.id)`.as('customerId'),
      'a.email',
      'a.name',
      'a.password_hash as passwordHash',
      'a.language',
      'a.confirmed_at as confirmedAt',
      'a.one_login_sub as oneLoginSub',
    ]);
}

export async function findAccount(db: Queryable, id: string): Promise<ResidentAccount | undefined> {
  return await accountQuery(db).where('a.id', '=', id).executeTakeFirst();
}

/** By address in a council (resident_accounts_email_idx); `email` already lower-case. */
export async function findAccountByEmail(db: Queryable, councilId: string, email: string): Promise<ResidentAccount | undefined> {
  return await accountQuery(db).where('a.council_id', '=', councilId).where('a.email', '=', email).executeTakeFirst();
}

/** By GOV.UK One Login subject in a council (resident_accounts_one_login_sub_idx). */
export async function findAccountByOneLoginSub(
  db: Queryable,
  councilId: string,
  sub: string,
): Promise<ResidentAccount | undefined> {
  return await accountQuery(db).where('a.council_id', '=', councilId).where('a.one_login_sub', '=', sub).executeTakeFirst();
}

/**
 * Links an account to a One Login subject, unless it is linked already. An account never
 * confirmed is confirmed by it (One Login has verified the address), and loses the password it
 * was registered with: whoever chose that never proved the address was theirs.
 */
export async function linkOneLogin(db: Queryable, id: string, sub: string): Promise<boolean> {
  const row = await db
    .updateTable('resident_accounts')
    .set({
      one_login_sub: sub,
      password_hash: sql<string | null>`case when confirmed_at is null then null else password_hash end`,
      confirmed_at: sql<Date>`coalesce(confirmed_at, now())`,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .where('one_login_sub', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Inserts an account, or nothing when its address (or One Login subject) has one already: a
 * registration racing another. Registered with a password, it waits for its address to be
 * confirmed; made by signing in with One Login (which has verified the address), it is confirmed.
 */
export async function insertAccount(
  db: Queryable,
  account: { councilId: string; customerId: string; email: string; name: string; language: 'en' | 'cy' } & (
    { passwordHash: string } | { oneLoginSub: string }
  ),
): Promise<string | undefined> {
  const oneLogin = 'oneLoginSub' in account;
  const row = await db
    .insertInto('resident_accounts')
    .values({
      council_id: account.councilId,
      customer_id: account.customerId,
      email: account.email,
      name: account.name,
      password_hash: oneLogin ? null : account.passwordHash,
      one_login_sub: oneLogin ? account.oneLoginSub : null,
      language: account.language,
      confirmed_at: oneLogin ? sql<Date>`now()` : null,
    })
    .onConflict((conflict) => conflict.doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

export async function markConfirmed(db: Queryable, id: string): Promise<void> {
  await db
    .updateTable('resident_accounts')
    .set({ confirmed_at: sql<Date>`coalesce(confirmed_at, now())`, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

export async function setPassword(db: Queryable, id: string, passwordHash: string): Promise<void> {
  await db
    .updateTable('resident_accounts')
    .set({ password_hash: passwordHash, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

export async function recordSignIn(db: Queryable, id: string): Promise<void> {
  await db
    .updateTable('resident_accounts')
    .set({ last_signed_in_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

/** A new link for `purpose`; the account's earlier unused links for it stop working. */
export async function insertToken(
  db: Queryable,
  token: { accountId: string; purpose: TokenPurpose; hash: string; expiresAt: Date },
): Promise<string> {
  await retireTokens(db, token.accountId, token.purpose);
  const row = await db
    .insertInto('resident_account_tokens')
    .values({ account_id: token.accountId, purpose: token.purpose, token_hash: token.hash, expires_at: token.expiresAt })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function retireTokens(db: Queryable, accountId: string, purpose: TokenPurpose): Promise<void> {
  await db
    .updateTable('resident_account_tokens')
    .set({ used_at: sql<Date>`now()` })
    .where('account_id', '=', accountId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute();
}

export async function findToken(db: Queryable, hash: string) {
  return await db
    .selectFrom('resident_account_tokens')
    .select(['id', 'account_id as accountId', 'purpose', 'expires_at as expiresAt', 'used_at as usedAt'])
    .where('token_hash', '=', hash)
    .executeTakeFirst();
}

/** Uses a link once: false when it was used (or expired) meanwhile, e.g. by a second click at the same moment. */
export async function useToken(db: Queryable, id: string): Promise<boolean> {
  const row = await db
    .updateTable('resident_account_tokens')
    .set({ used_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}
