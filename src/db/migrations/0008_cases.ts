// Cases: a resident's request for a service, routed to the team that owns it, tracked to the end.
// The case row holds where it stands now; case_events (append-only, partitioned by month) hold
// how it got there: public updates the resident sees, internal notes they never do, status
// changes, assignments, escalations. Attachments are files in the file store, listed here.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table cases (
      id uuid primary key default gen_random_uuid(),
      council_id uuid not null references organisations (id),
      -- Read out on the phone: Crockford base32 without I, L, O, U. Unguessable enough, and the
      -- public tracking page asks for the separate secret token instead.
      reference text not null unique check (reference ~ '^ODR-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$'),
      tracking_token text not null unique check (length(tracking_token) = 43),
      service_id uuid not null references services (id),
      customer_id uuid references customers (id),
      channel text not null check (channel in ('phone', 'face_to_face', 'web', 'email', 'kiosk',
        'mobile_bus', 'letter', 'social', 'chat')),
      description text not null check (length(description) between 1 and 10000),
      answers jsonb not null default '{}',
      location_lat double precision check (location_lat between -90 and 90),
      location_long double precision check (location_long between -180 and 180),
      uprn bigint,
      ward text,
      status text not null check (status in ('submitted', 'in_progress', 'awaiting_customer', 'resolved', 'closed')),
      priority text not null check (priority in ('low', 'normal', 'high', 'urgent')),
      -- For sorting a queue most urgent first through an index.
      priority_rank smallint generated always as (case priority when 'urgent' then 0 when 'high' then 1
        when 'normal' then 2 else 3 end) stored,
      -- The owning team, and its organisation (the council's or a partner agency's).
      team_id uuid not null references teams (id),
      organisation_id uuid not null references organisations (id),
      assigned_to uuid references staff_users (id),
      received_at timestamptz not null,
      due_at timestamptz not null,
      due_soon_at timestamptz not null,
      resolved_at timestamptz,
      closed_at timestamptz,
      escalated_at timestamptz,
      -- "Already reported": this case was linked to an open one, and follows it.
      linked_to uuid references cases (id),
      satisfaction smallint check (satisfaction between 1 and 5),
      satisfaction_comment text check (length(satisfaction_comment) <= 2000),
      satisfaction_at timestamptz,
      created_by uuid references staff_users (id),
      created_by_api_key uuid references api_keys (id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check ((location_lat is null) = (location_long is null)),
      check (due_soon_at <= due_at)
    );
    create trigger cases_updated_at before update on cases for each row execute function set_updated_at();
    -- The team queue: open cases by team, in due order, first come first served among those due
    -- at the same time (and by assignee for "assigned to me").
    create index cases_team_queue_idx on cases (team_id, due_at, received_at, id) where status <> 'closed';
    create index cases_team_priority_idx on cases (team_id, priority_rank, due_at, received_at, id) where status <> 'closed';
    create index cases_team_received_idx on cases (team_id, received_at desc, id desc) where status <> 'closed';
    create index cases_assignee_queue_idx on cases (assigned_to, due_at, received_at, id) where status <> 'closed';
    create index cases_customer_idx on cases (customer_id, received_at desc) where customer_id is not null;
    -- Escalation: open cases past their due time that nobody has escalated yet.
    create index cases_escalation_idx on cases (due_at) where status not in ('resolved', 'closed') and escalated_at is null;
    -- Already reported: open cases of a service received recently.
    create index cases_service_recent_idx on cases (service_id, received_at) where status not in ('resolved', 'closed');
    create index cases_linked_idx on cases (linked_to) where linked_to is not null;
    create index cases_council_received_idx on cases (council_id, received_at);

    -- Which ward a reported point is in: the nearest property's (gazetteer placeOf).
    create index properties_position_idx on properties (council_id, latitude, longitude) where latitude is not null;

    create table case_events (
      id bigint generated always as identity,
      case_id uuid not null references cases (id),
      council_id uuid not null references organisations (id),
      occurred_at timestamptz not null default now(),
      kind text not null check (kind in ('received', 'status_changed', 'public_update', 'internal_note',
        'assigned', 'routed', 'escalated', 'linked', 'attachment_added', 'satisfaction')),
      -- Public events are shown to the resident; internal ones only to staff.
      visibility text not null check (visibility in ('public', 'internal')),
      body text check (length(body) <= 10000),
      status_from text,
      status_to text,
      actor_type text not null check (actor_type in ('staff', 'api_key', 'system', 'resident')),
      actor_id uuid,
      actor_label text,
      details jsonb,
      primary key (id, occurred_at)
    ) partition by range (occurred_at);
    create table case_events_default partition of case_events default;
    create index case_events_case_idx on case_events (case_id, occurred_at desc, id desc);
    create function refuse_case_event_change() returns trigger language plpgsql as $$
    begin
      raise exception 'case events are append-only';
    end $$;
    create trigger case_events_append_only before update or delete on case_events
      for each row execute function refuse_case_event_change();
    select ensure_monthly_partitions('case_events', (now() - interval '1 month')::date, 5);

    create table case_attachments (
      id uuid primary key default gen_random_uuid(),
      case_id uuid not null references cases (id),
      council_id uuid not null references organisations (id),
      file_key text not null,
      file_name text not null check (length(file_name) between 1 and 255),
      content_type text not null,
      size_bytes integer not null check (size_bytes > 0),
      sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
      visibility text not null check (visibility in ('public', 'internal')),
      uploaded_by uuid references staff_users (id),
      uploaded_by_api_key uuid references api_keys (id),
      created_at timestamptz not null default now()
    );
    create index case_attachments_case_idx on case_attachments (case_id, created_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists case_attachments, case_events, cases cascade;
    drop index if exists properties_position_idx;
    drop function if exists refuse_case_event_change();
  `.execute(db);
}
