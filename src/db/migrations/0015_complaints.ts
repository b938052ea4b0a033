// Complaints, compliments and comments. A complaint runs through the Complaint Handling Code's
// stages, each with its own acknowledgement and response deadlines in working days (one row per
// stage in complaint_stages), may go to the Ombudsman, and ends with its outcome, remedies and the
// learning the council takes from it. Compliments and comments are passed to the team and counted.
// What happened to each is in complaint_events (append-only); a council's yearly self-assessment
// against the Code is in complaint_self_assessments.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table complaints (
      id uuid primary key default gen_random_uuid(),
      council_id uuid not null references organisations (id),
      reference text not null unique check (reference ~ '^CMP-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$'),
      kind text not null check (kind in ('complaint', 'compliment', 'comment')),
      customer_id uuid references customers (id),
      channel text not null check (channel in ('phone', 'face_to_face', 'web', 'email', 'kiosk',
        'mobile_bus', 'letter', 'social', 'chat')),
      category text check (category in ('quality_of_service', 'delay', 'staff_conduct', 'policy_or_decision',
        'communication', 'equality_or_accessibility', 'other')),
      -- What the complaint is about: a service, and the team that answers for it.
      service_id uuid references services (id),
      team_id uuid references teams (id),
      description text not null check (length(description) between 1 and 10000),
      outcome_wanted text check (length(outcome_wanted) <= 5000),
      adjustments text check (length(adjustments) <= 2000),
      -- Housing complaints go to the Housing Ombudsman, the rest to the LGSCO.
      ombudsman_scheme text not null default 'lgsco' check (ombudsman_scheme in ('lgsco', 'housing')),
      -- A complaint's stage (1 or 2); compliments and comments have none.
      stage smallint check (stage in (1, 2)),
      status text not null check (status in ('open', 'with_ombudsman', 'closed')),
      received_at timestamptz not null,
      closed_at timestamptz,
      ombudsman_referred_at timestamptz,
      ombudsman_reference text check (length(ombudsman_reference) <= 100),
      ombudsman_decided_at timestamptz,
      ombudsman_outcome text check (ombudsman_outcome in ('upheld', 'partly_upheld', 'not_upheld', 'not_investigated')),
      ombudsman_maladministration boolean,
      ombudsman_service_failure boolean,
      -- How satisfied the complainant was with the handling (not the outcome), 1 to 5.
      satisfaction smallint check (satisfaction between 1 and 5),
      satisfaction_at timestamptz,
      -- A resident's online complaint: its journey's id, so sending it twice records one.
      submission_key text,
      created_by uuid references staff_users (id),
      created_by_api_key uuid references api_keys (id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check ((kind = 'complaint') = (stage is not null)),
      check ((ombudsman_decided_at is null) or (ombudsman_referred_at is not null))
    );
    create trigger complaints_updated_at before update on complaints for each row execute function set_updated_at();
    create unique index complaints_submission_key_idx on complaints (submission_key) where submission_key is not null;
    create index complaints_council_received_idx on complaints (council_id, received_at desc);
    create index complaints_open_idx on complaints (council_id, received_at) where status <> 'closed';
    create index complaints_team_idx on complaints (team_id, received_at desc) where team_id is not null;
    create index complaints_customer_idx on complaints (customer_id, received_at desc) where customer_id is not null;

    create table complaint_stages (
      complaint_id uuid not null references complaints (id),
      stage smallint not null check (stage in (1, 2)),
      council_id uuid not null references organisations (id),
      -- Stage 1: when the complaint was received; stage 2: when the complainant asked for it.
      received_at timestamptz not null,
      acknowledge_by timestamptz not null,
      acknowledged_at timestamptz,
      -- Counted from the acknowledgement once there is one; until then from the latest it may be.
      respond_by timestamptz not null,
      extended_to timestamptz,
      extension_days smallint check (extension_days between 1 and 20),
      extension_reason text check (length(extension_reason) between 1 and 2000),
      extended_at timestamptz,
      -- Who is answering the stage; at stage 2, never whoever answered stage 1.
      handler_id uuid references staff_users (id),
      responded_at timestamptz,
      responded_by uuid references staff_users (id),
      outcome text check (outcome in ('upheld', 'partly_upheld', 'not_upheld')),
      maladministration boolean,
      service_failure boolean,
      response_summary text check (length(response_summary) <= 10000),
      -- Worked out once, when answered, against the council's working days.
      acknowledged_in_time boolean,
      responded_in_time boolean,
      working_days_taken integer check (working_days_taken >= 0),
      -- The deadline the handler was last reminded of, and last told was missed: each is said once.
      reminded_for timestamptz,
      missed_for timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (complaint_id, stage),
      check ((responded_at is null) = (outcome is null)),
      check ((extended_to is null) = (extension_reason is null) and (extended_to is null) = (extension_days is null))
    );
    create trigger complaint_stages_updated_at before update on complaint_stages for each row execute function set_updated_at();
    -- The deadline sweep: stages still waiting for an acknowledgement or a response.
    create index complaint_stages_unacknowledged_idx on complaint_stages (acknowledge_by) where acknowledged_at is null;
    create index complaint_stages_unanswered_idx on complaint_stages ((coalesce(extended_to, respond_by))) where responded_at is null;
    create index complaint_stages_council_idx on complaint_stages (council_id, received_at);

    create table complaint_remedies (
      id uuid primary key default gen_random_uuid(),
      complaint_id uuid not null references complaints (id),
      council_id uuid not null references organisations (id),
      -- Which stage put it right, or null for one the Ombudsman asked for.
      stage smallint check (stage in (1, 2)),
      kind text not null check (kind in ('apology', 'action', 'payment')),
      description text not null check (length(description) between 1 and 2000),
      amount_pence integer check (amount_pence > 0),
      created_by uuid references staff_users (id),
      created_at timestamptz not null default now(),
      check ((kind = 'payment') = (amount_pence is not null))
    );
    create index complaint_remedies_complaint_idx on complaint_remedies (complaint_id, created_at);

    create table complaint_learning_actions (
      id uuid primary key default gen_random_uuid(),
      complaint_id uuid not null references complaints (id),
      council_id uuid not null references organisations (id),
      description text not null check (length(description) between 1 and 2000),
      owner_id uuid not null references staff_users (id),
      due_on date not null,
      completed_at timestamptz,
      completed_by uuid references staff_users (id),
      created_by uuid references staff_users (id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create trigger complaint_learning_actions_updated_at before update on complaint_learning_actions
      for each row execute function set_updated_at();
    create index complaint_learning_complaint_idx on complaint_learning_actions (complaint_id, created_at);
    create index complaint_learning_open_idx on complaint_learning_actions (council_id, due_on) where completed_at is null;

    create table complaint_events (
      id bigint generated always as identity primary key,
      complaint_id uuid not null references complaints (id),
      council_id uuid not null references organisations (id),
      occurred_at timestamptz not null default now(),
      kind text not null check (kind in ('received', 'acknowledged', 'extended', 'assigned', 'responded', 'escalated',
        'closed', 'referred_to_ombudsman', 'ombudsman_decision', 'remedy_added', 'learning_added', 'learning_completed',
        'satisfaction', 'note')),
      stage smallint check (stage in (1, 2)),
      body text check (length(body) <= 10000),
      actor_type text not null check (actor_type in ('staff', 'api_key', 'system')),
      actor_id uuid,
      actor_label text,
      details jsonb
    );
    create index complaint_events_complaint_idx on complaint_events (complaint_id, occurred_at desc, id desc);
    create function refuse_complaint_event_change() returns trigger language plpgsql as $$
    begin
      raise exception 'complaint events are append-only';
    end $$;
    create trigger complaint_events_append_only before update or delete on complaint_events
      for each row execute function refuse_complaint_event_change();

    create table complaint_self_assessments (
      council_id uuid not null references organisations (id),
      year smallint not null check (year between 2020 and 2100),
      requirement text not null check (requirement ~ '^[a-z0-9_]{1,60}$'),
      status text not null check (status in ('met', 'partly_met', 'not_met')),
      evidence text check (length(evidence) <= 5000),
      updated_by uuid references staff_users (id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (council_id, year, requirement)
    );
    create trigger complaint_self_assessments_updated_at before update on complaint_self_assessments
      for each row execute function set_updated_at();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists complaint_self_assessments, complaint_events, complaint_learning_actions,
      complaint_remedies, complaint_stages, complaints cascade;
    drop function if exists refuse_complaint_event_change();
  `.execute(db);
}
