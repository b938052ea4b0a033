// Open311 GeoReport v2: what a request arriving through Open311 keeps beside its case — the
// reporting app's own ids (FixMyStreet's report id), the attributes OneDoor's form does not ask,
// the address as the app wrote it and its photos' addresses — and the updates the app posted,
// one row per (case, the app's update id) so that an update sent again is not recorded twice.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table open311_requests (
      case_id uuid primary key references cases (id),
      council_id uuid not null references organisations (id),
      api_key_id uuid not null references api_keys (id),
      jurisdiction_id text check (length(jurisdiction_id) <= 200),
      fixmystreet_id text check (length(fixmystreet_id) <= 100),
      attributes jsonb not null default '{}',
      address_string text check (length(address_string) <= 1000),
      media_urls jsonb not null default '[]',
      created_at timestamptz not null default now()
    );
    create unique index open311_requests_fixmystreet_idx on open311_requests (council_id, fixmystreet_id)
      where fixmystreet_id is not null;

    create table open311_updates (
      id uuid primary key default gen_random_uuid(),
      case_id uuid not null references cases (id),
      council_id uuid not null references organisations (id),
      api_key_id uuid not null references api_keys (id),
      external_update_id text not null check (length(external_update_id) between 1 and 100),
      case_update_id uuid not null,
      status text not null,
      description text check (length(description) <= 10000),
      name text check (length(name) <= 200),
      email text check (length(email) <= 320),
      media_url text check (length(media_url) <= 2000),
      updated_datetime timestamptz,
      created_at timestamptz not null default now(),
      unique (case_id, external_update_id)
    );
    create index open311_updates_case_update_idx on open311_updates (case_update_id);

    -- GET servicerequestupdates: a council's public updates in a time window.
    create index case_events_council_public_idx on case_events (council_id, occurred_at) where visibility = 'public';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index if exists case_events_council_public_idx;
    drop table if exists open311_updates, open311_requests;
  `.execute(db);
}
