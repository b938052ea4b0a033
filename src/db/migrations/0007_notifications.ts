// Notifications to residents and staff: each message rendered when it is queued (in the same
// transaction as the change it tells of) and kept, so that what staff read in the outbox is
// exactly what was sent. A pg-boss job delivers it; the row is the truth about its delivery.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table notifications (
      id uuid primary key default gen_random_uuid(),
      council_id uuid not null references organisations (id),
      -- What happened, e.g. case.received; the template key says which words were used.
      event text not null check (event ~ '^[a-z_]+[.][a-z_]+$'),
      channel text not null check (channel in ('email', 'sms', 'letter')),
      -- An email address, an E.164 phone number, or a postal address as lines joined by newlines.
      recipient text not null check (length(recipient) between 1 and 1000),
      language text not null check (language in ('en', 'cy')),
      template text not null,
      personalisation jsonb not null,
      subject text,
      body text not null,
      record_type text,
      record_id text,
      -- At most one message per event, record, channel and recipient (see dedupeKey).
      dedupe_key text not null unique,
      status text not null default 'queued'
        check (status in ('queued', 'sending', 'sent', 'failed', 'cancelled')),
      attempts integer not null default 0 check (attempts >= 0),
      last_error text,
      provider text,
      provider_reference text,
      queued_at timestamptz not null default now(),
      sent_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    -- The outbox page: a council's messages, newest first, by keyset.
    create index notifications_outbox_idx on notifications (council_id, created_at desc, id desc);
    -- The sender's sweep for messages still waiting.
    create index notifications_waiting_idx on notifications (status, queued_at) where status in ('queued');
    -- A record's messages (a case's page lists what was sent about it).
    create index notifications_record_idx on notifications (record_type, record_id) where record_id is not null;
    create trigger notifications_updated_at before update on notifications
      for each row execute function set_updated_at();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists notifications;`.execute(db);
}
