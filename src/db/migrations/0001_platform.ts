// The platform: organisations, teams, staff accounts and roles, sessions, sign-in throttling,
// rate-limit counters, the audit trail (append-only, partitioned by month) and sites.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create extension if not exists citext;

    create function set_updated_at() returns trigger language plpgsql as $$
    begin
      new.updated_at := now();
      return new;
    end $$;

    create table organisations (
      id uuid primary key default gen_random_uuid(),
      code text not null unique check (code ~ '^[a-z0-9][a-z0-9-]{1,39}$'),
      name text not null check (length(name) between 1 and 200),
      name_cy text check (length(name_cy) between 1 and 200),
      kind text not null check (kind in ('council', 'partner')),
      -- A partner agency works beside one council, whose administrators onboard its staff.
      council_id uuid references organisations (id),
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check ((kind = 'council') = (council_id is null))
    );
    create index organisations_council_idx on organisations (council_id);
    create trigger organisations_updated_at before update on organisations
      for each row execute function set_updated_at();

    create table teams (
      id uuid primary key default gen_random_uuid(),
      organisation_id uuid not null references organisations (id),
      code text not null check (code ~ '^[a-z0-9][a-z0-9-]{1,39}$'),
      name text not null check (length(name) between 1 and 200),
      name_cy text check (length(name_cy) between 1 and 200),
      email citext,
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (organisation_id, code)
    );
    create trigger teams_updated_at before update on teams
      for each row execute function set_updated_at();

    create table staff_users (
      id uuid primary key default gen_random_uuid(),
      organisation_id uuid not null references organisations (id),
      email citext not null unique,
      name text not null check (length(name) between 1 and 200),
      roles text[] not null check (
        cardinality(roles) > 0 and roles <@ array['advisor', 'officer', 'team_leader',
          'complaints_officer', 'performance_analyst', 'admin', 'dpo', 'partner_worker']::text[]
      ),
      password_hash text not null,
      must_change_password boolean not null default false,
      password_changed_at timestamptz not null default now(),
      active boolean not null default true,
      deactivated_at timestamptz,
      mfa_secret text,
      mfa_enabled_at timestamptz,
      mfa_last_step bigint,
      last_signed_in_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index staff_users_organisation_name_idx on staff_users (organisation_id, name, id);
    create trigger staff_users_updated_at before update on staff_users
      for each row execute function set_updated_at();

    create table team_members (
      team_id uuid not null references teams (id),
      user_id uuid not null references staff_users (id),
      created_at timestamptz not null default now(),
      primary key (team_id, user_id)
    );
    create index team_members_user_idx on team_members (user_id);

    -- Security rules an administrator sets per role (e.g. a second factor is compulsory).
    create table role_settings (
      role text primary key,
      mfa_required boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create trigger role_settings_updated_at before update on role_settings
      for each row execute function set_updated_at();

    -- Server-side sessions. The id is the SHA-256 of the cookie's session id, so a copy of
    -- this table cannot be replayed as cookies.
    create table sessions (
      id text primary key,
      user_id uuid references staff_users (id),
      data jsonb not null,
      expires_at timestamptz not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index sessions_user_idx on sessions (user_id) where user_id is not null;
    create index sessions_expires_idx on sessions (expires_at);

    -- Failed sign-ins per account and per address, for throttling and temporary lockout.
    create table sign_in_throttles (
      key text primary key,
      failures integer not null,
      window_started_at timestamptz not null,
      locked_until timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    -- Request counters for @fastify/rate-limit, shared by every node.
    create table rate_limit_counters (
      key text primary key,
      count integer not null,
      window_ends_at timestamptz not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index rate_limit_counters_window_idx on rate_limit_counters (window_ends_at);

    -- Secrets generated on first start and shared by every node (e.g. the cookie signing key).
    create table app_secrets (
      name text primary key,
      value text not null,
      created_at timestamptz not null default now()
    );

    -- One-stop shops and the mobile bus. Opening hours and counters arrive with appointments.
    create table sites (
      id uuid primary key default gen_random_uuid(),
      organisation_id uuid not null references organisations (id),
      code text not null check (code ~ '^[a-z0-9][a-z0-9-]{1,39}$'),
      name text not null,
      name_cy text,
      kind text not null check (kind in ('one_stop_shop', 'mobile_bus')),
      address_line1 text,
      town text,
      postcode text,
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (organisation_id, code)
    );
    create trigger sites_updated_at before update on sites
      for each row execute function set_updated_at();

    -- The audit trail: append-only, written in the same transaction as the change it records.
    create table audit_events (
      id bigint generated always as identity,
      occurred_at timestamptz not null default now(),
      organisation_id uuid,
      actor_type text not null check (actor_type in ('staff', 'system', 'api_key', 'resident', 'anonymous')),
      actor_id uuid,
      actor_label text,
      action text not null,
      record_type text,
      record_id text,
      ip inet,
      changes jsonb,
      details jsonb,
      primary key (id, occurred_at)
    ) partition by range (occurred_at);
    create table audit_events_default partition of audit_events default;
    create index audit_events_organisation_time_idx on audit_events (organisation_id, occurred_at desc, id desc);
    create index audit_events_actor_time_idx on audit_events (actor_id, occurred_at desc);
    create index audit_events_record_idx on audit_events (record_type, record_id, occurred_at desc);
    create index audit_events_action_time_idx on audit_events (action, occurred_at desc);

    create function forbid_audit_change() returns trigger language plpgsql as $$
    begin
      raise exception 'the audit trail is append-only';
    end $$;
    create trigger audit_events_append_only before update or delete on audit_events
      for each row execute function forbid_audit_change();

    -- Creates the monthly partitions of a range-partitioned table from the month of 'start'
    -- for 'months' months; existing ones are left alone. A daily job keeps months ahead ready.
    create function ensure_monthly_partitions(parent text, start date, months integer)
    returns void language plpgsql as $$
    declare
      month_start date := date_trunc('month', start)::date;
      partition text;
    begin
      for i in 0 .. months - 1 loop
        partition := format('%s_%s', parent, to_char(month_start, 'YYYY_MM'));
        if to_regclass(partition) is null then
          execute format(
            'create table %I partition of %I for values from (%L) to (%L)',
            partition, parent, month_start, (month_start + interval '1 month')::date
          );
        end if;
        month_start := (month_start + interval '1 month')::date;
      end loop;
    end $$;

    select ensure_monthly_partitions('audit_events', (now() - interval '1 month')::date, 5);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists audit_events, sites, app_secrets, rate_limit_counters, sign_in_throttles,
      sessions, role_settings, team_members, staff_users, teams, organisations cascade;
    drop function if exists ensure_monthly_partitions(text, date, integer);
    drop function if exists forbid_audit_change();
    drop function if exists set_updated_at();
  `.execute(db);
}
