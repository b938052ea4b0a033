// The JSON API: keys for the systems that call it, and the answers to POST requests kept for a
// day under their Idempotency-Key so that a retried request is answered, not repeated.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- A key is 'odk_<prefix>_<secret>'. Only the SHA-256 of the secret is kept: a copy of this
    -- table cannot be used to call the API. The prefix finds the row and is shown in lists.
    -- Scopes are checked by the application (src/platform/apiKeys/scopes.ts), so adding one
    -- needs no migration.
    create table api_keys (
      id uuid primary key default gen_random_uuid(),
      organisation_id uuid not null references organisations (id),
      name text not null check (length(name) between 1 and 100),
      prefix text not null unique check (prefix ~ '^[a-z2-7]{8}$'),
      secret_hash text not null check (secret_hash ~ '^[0-9a-f]{64}$'),
      scopes text[] not null check (cardinality(scopes) > 0),
      created_by uuid references staff_users (id),
      last_used_at timestamptz,
      revoked_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index api_keys_organisation_idx on api_keys (organisation_id, created_at desc);
    create trigger api_keys_updated_at before update on api_keys
      for each row execute function set_updated_at();

    -- Contacts logged through the API say which key logged them.
    alter table contacts add constraint contacts_recorded_by_api_key_fkey
      foreign key (recorded_by_api_key) references api_keys (id);

    -- The first answer to a POST with an Idempotency-Key, replayed for 24 hours. A row with no
    -- response_status is a request still being answered (claimed before its handler runs).
    create table api_idempotency_keys (
      api_key_id uuid not null references api_keys (id),
      key text not null check (length(key) between 1 and 255),
      request_method text not null,
      request_path text not null,
      request_hash text not null,
      response_status integer check (response_status between 100 and 599),
      response_content_type text,
      response_body text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      expires_at timestamptz not null default now() + interval '24 hours',
      primary key (api_key_id, key)
    );
    create index api_idempotency_keys_expires_idx on api_idempotency_keys (expires_at);
    create trigger api_idempotency_keys_updated_at before update on api_idempotency_keys
      for each row execute function set_updated_at();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists api_idempotency_keys, api_keys cascade;`.execute(db);
}
