// Inbound email: raw messages taken from the council's mail relay or an IMAP mailbox, each kept
// once per council by its Message-ID (or, without one, the hash of its content), with what became
// of it: an update on a case, a contact on a customer, or a message staff must match by hand.
// The raw message is not kept: its size and SHA-256, the parts people read, and what its
// attachments were (names, types, sizes) are.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table inbound_emails (
      id uuid primary key default gen_random_uuid(),
      council_id uuid not null references organisations (id),
      -- The Message-ID without its angle brackets, or 'sha256:<hex>' for a message without one.
      message_id text not null check (length(message_id) between 1 and 998),
      via text not null check (via in ('relay', 'imap')),
      from_address text check (length(from_address) <= 320),
      from_name text check (length(from_name) <= 300),
      subject text check (length(subject) <= 998),
      body_text text check (length(body_text) <= 100000),
      -- The Date header (when it was sent), and when it reached OneDoor.
      sent_at timestamptz,
      received_at timestamptz not null,
      in_reply_to text check (length(in_reply_to) <= 998),
      -- An auto-reply, a bounce or bulk mail: kept, but never a contact or a case update.
      automatic boolean not null default false,
      outcome text not null check (outcome in ('case_update', 'contact', 'unmatched')),
      case_id uuid references cases (id),
      -- contacts is partitioned (its key is (id, started_at)), so this is not a foreign key.
      contact_id uuid,
      customer_id uuid references customers (id),
      size_bytes integer not null check (size_bytes > 0),
      sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
      attachment_count integer not null default 0 check (attachment_count >= 0),
      attachment_bytes bigint not null default 0 check (attachment_bytes >= 0),
      attachments jsonb not null default '[]',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check ((outcome = 'case_update') = (case_id is not null)),
      check (outcome = 'unmatched' or customer_id is not null)
    );
    -- A relay's retry or the mailbox read again records the message once.
    create unique index inbound_emails_message_idx on inbound_emails (council_id, message_id);
    -- The staff's list of messages nobody has matched yet, newest first.
    create index inbound_emails_unmatched_idx on inbound_emails (council_id, received_at desc, id desc)
      where outcome = 'unmatched';
    create index inbound_emails_case_idx on inbound_emails (case_id) where case_id is not null;
    create index inbound_emails_customer_idx on inbound_emails (customer_id) where customer_id is not null;
    create trigger inbound_emails_updated_at before update on inbound_emails
      for each row execute function set_updated_at();

    -- A resident's own message on their case (an email reply quoting its reference).
    alter table case_events drop constraint case_events_kind_check;
    alter table case_events add constraint case_events_kind_check check (kind in ('received', 'status_changed',
      'public_update', 'internal_note', 'assigned', 'routed', 'escalated', 'linked', 'attachment_added',
      'satisfaction', 'customer_message'));
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists inbound_emails;
    alter table case_events drop constraint case_events_kind_check;
    alter table case_events add constraint case_events_kind_check check (kind in ('received', 'status_changed',
      'public_update', 'internal_note', 'assigned', 'routed', 'escalated', 'linked', 'attachment_added',
      'satisfaction'));
  `.execute(db);
}
