// GOV.UK One Login for resident accounts: the resident's One Login subject identifier on their
// account (one account per subject in a council), and accounts with no password of their own,
// made by signing in with One Login.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table resident_accounts add column one_login_sub text check (length(one_login_sub) between 1 and 255);
    -- The callback finds the account by subject on every One Login sign-in.
    create unique index resident_accounts_one_login_sub_idx on resident_accounts (council_id, one_login_sub)
      where one_login_sub is not null;
    alter table resident_accounts alter column password_hash drop not null;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index if exists resident_accounts_one_login_sub_idx;
    alter table resident_accounts drop column if exists one_login_sub;
  `.execute(db);
}
