// Webhooks: domain events recorded in the transaction of the change, subscriptions, signed deliveries.
//
// A domain event is a row written by a capability in the transaction of its change (with a pg-boss
// job that fans it out), so it exists exactly when the change commits. The webhooks integration
// turns each event into one delivery per matching subscription, and each delivery into signed POSTs
// (its attempts), retried with backoff until the receiver answers 2xx.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table domain_events (
      id uuid primary key default gen_random_uuid(),
      council_id uuid not null references organisations (id),
      -- The organisation working the record, when it is not the council itself (a partner agency's team).
      organisation_id uuid references organisations (id),
      type text not null check (type ~ '^[a-z_]+[.][a-z_]+$'),
      -- What it is about, as people know it: a case or complaint reference.
      subject text not null check (length(subject) between 1 and 200),
      data jsonb not null,
      occurred_at timestamptz not null default now(),
      -- Set by the fan-out once every delivery it calls for exists; the sweep finds events left unset.
      fanned_out_at timestamptz,
      created_at timestamptz not null default now()
    );
    create index domain_events_council_idx on domain_events (council_id, occurred_at desc);
    create index domain_events_waiting_idx on domain_events (occurred_at) where fanned_out_at is null;

    create table webhook_subscriptions (
      id uuid primary key default gen_random_uuid(),
      organisation_id uuid not null references organisations (id),
      name text not null check (length(name) between 1 and 100),
      url text not null check (length(url) between 1 and 2000),
      event_types text[] not null check (cardinality(event_types) > 0),
      -- The signing secret, kept as given to the receiver (HMAC needs it); cleared when the subscription is deleted.
      secret text,
      status text not null default 'active' check (status in ('active', 'paused')),
      paused_reason text check (paused_reason in ('failures', 'administrator')),
      paused_at timestamptz,
      -- Deliveries that used up every attempt since the last one delivered: the pause rule counts these.
      consecutive_failures integer not null default 0 check (consecutive_failures >= 0),
      last_delivery_at timestamptz,
      last_delivery_outcome text check (last_delivery_outcome in ('delivered', 'failed')),
      secret_rotated_at timestamptz,
      created_by uuid references staff_users (id),
      deleted_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check ((status = 'paused') = (paused_reason is not null)),
      check (deleted_at is null or secret is null)
    );
    -- The administrators' list, and the fan-out's look-up of an organisation's live subscriptions.
    create index webhook_subscriptions_organisation_idx on webhook_subscriptions (organisation_id, created_at desc)
      where deleted_at is null;
    create trigger webhook_subscriptions_updated_at before update on webhook_subscriptions
      for each row execute function set_updated_at();

    create table webhook_deliveries (
      id uuid primary key default gen_random_uuid(),
      subscription_id uuid not null references webhook_subscriptions (id),
      event_id uuid not null references domain_events (id),
      organisation_id uuid not null references organisations (id),
      event_type text not null,
      -- pending: to send (or to retry); sending: an attempt is in flight; held: its subscription is paused;
      -- delivered; failed: every attempt used; cancelled: its subscription was deleted.
      status text not null default 'pending'
        check (status in ('pending', 'sending', 'held', 'delivered', 'failed', 'cancelled')),
      attempts integer not null default 0 check (attempts >= 0),
      -- The pg-boss job that sends it now: the delivery's own id at first, a new one each time the sweep
      -- or a resumption enqueues it again (a finished job's id cannot be reused).
      job_id uuid not null,
      claimed_at timestamptz,
      last_status_code integer,
      last_error text,
      queued_at timestamptz not null default now(),
      delivered_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      -- A fan-out run twice makes one delivery per subscription.
      unique (event_id, subscription_id)
    );
    -- A subscription's page: its recent deliveries, newest first.
    create index webhook_deliveries_subscription_idx on webhook_deliveries (subscription_id, created_at desc);
    -- The sweep: deliveries waiting (or left mid-attempt by a crash) longer than they should.
    create index webhook_deliveries_waiting_idx on webhook_deliveries (queued_at) where status in ('pending', 'sending');
    -- Resuming a paused subscription releases its held deliveries.
    create index webhook_deliveries_held_idx on webhook_deliveries (subscription_id) where status = 'held';
    create trigger webhook_deliveries_updated_at before update on webhook_deliveries
      for each row execute function set_updated_at();

    create table webhook_attempts (
      id bigint generated always as identity primary key,
      delivery_id uuid not null references webhook_deliveries (id),
      attempted_at timestamptz not null default now(),
      outcome text not null check (outcome in ('delivered', 'failed')),
      -- The receiver's HTTP status, or null when there was no answer (timeout, refused connection).
      status_code integer,
      duration_ms integer not null check (duration_ms >= 0),
      -- Why it failed without an answer, e.g. "timed out after 10 s".
      error text check (length(error) <= 500),
      -- The start of the receiver's answer, as text, for the administrators' page.
      response_excerpt text check (length(response_excerpt) <= 500),
      created_at timestamptz not null default now()
    );
    create index webhook_attempts_delivery_idx on webhook_attempts (delivery_id, attempted_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists webhook_attempts;
    drop table if exists webhook_deliveries;
    drop table if exists webhook_subscriptions;
    drop table if exists domain_events;
  `.execute(db);
}
