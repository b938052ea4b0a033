// Resident accounts on the portal: an email address and password over a customer record, the
// single-use links that confirm the address and reset the password (kept only as SHA-256
// hashes), and the resident's id on their sessions so that a password reset can end them all.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table resident_accounts (
      id uuid primary key default gen_random_uuid(),
      council_id uuid not null references organisations (id),
      customer_id uuid not null references customers (id),
      -- Stored lower-case, so that one address is one account whatever its capitals.
      email text not null check (email = lower(email) and length(email) between 3 and 254),
      name text not null check (length(name) between 1 and 200),
      password_hash text not null,
      language text not null default 'en' check (language in ('en', 'cy')),
      confirmed_at timestamptz,
      last_signed_in_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    -- Sign-in and registration look an address up in the portal's council.
    create unique index resident_accounts_email_idx on resident_accounts (council_id, email);
    create index resident_accounts_customer_idx on resident_accounts (customer_id);

    create table resident_account_tokens (
      id uuid primary key default gen_random_uuid(),
      account_id uuid not null references resident_accounts (id),
      purpose text not null check (purpose in ('confirm_email', 'reset_password')),
      -- SHA-256 of the token in the link, hex: the link itself is never stored.
      token_hash text not null unique check (length(token_hash) = 64),
      expires_at timestamptz not null,
      used_at timestamptz,
      created_at timestamptz not null default now()
    );
    create index resident_account_tokens_account_idx on resident_account_tokens (account_id, purpose) where used_at is null;

    alter table sessions add column resident_account_id uuid references resident_accounts (id) on delete cascade;
    create index sessions_resident_account_idx on sessions (resident_account_id) where resident_account_id is not null;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table sessions drop column if exists resident_account_id;
    drop table if exists resident_account_tokens;
    drop table if exists resident_accounts;
  `.execute(db);
}
