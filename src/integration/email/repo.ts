// SQL for inbound email: each message kept once per council (inbound_emails_message_idx), what
// became of it, and the council's messages nobody has matched yet.
import type { Queryable } from '../../db/database.ts';
import type { AttachmentFacts } from './message.ts';

export type InboundOutcome = 'case_update' | 'contact' | 'unmatched';

export interface NewInboundEmail {
  councilId: string;
  messageId: string;
  via: 'relay' | 'imap';
  fromAddress: string;
  fromName: string | null;
  subject: string | null;
  bodyText: string;
  sentAt: Date | null;
  receivedAt: Date;
  inReplyTo: string | null;
  automatic: boolean;
  outcome: InboundOutcome;
  caseId: string | null;
  customerId: string | null;
  sizeBytes: number;
  sha256: string;
  attachments: AttachmentFacts[];
}

/** Inserts the message; undefined when the council has it already (the same Message-ID). */
export async function insertInboundEmail(db: Queryable, value: NewInboundEmail): Promise<string | undefined> {
  const row = await db
    .insertInto('inbound_emails')
    .values({
      council_id: value.councilId,
      message_id: value.messageId,
      via: value.via,
      from_address: value.fromAddress,
      from_name: value.fromName,
      subject: value.subject,
      body_text: value.bodyText,
      sent_at: value.sentAt,
      received_at: value.receivedAt,
      in_reply_to: value.inReplyTo,
      automatic: value.automatic,
      outcome: value.outcome,
      case_id: value.caseId,
      customer_id: value.customerId,
      size_bytes: value.sizeBytes,
      sha256: value.sha256,
      attachment_count: value.attachments.length,
      attachment_bytes: value.attachments.reduce((total, attachment) => total + attachment.sizeBytes, 0),
      attachments: JSON.stringify(value.attachments),
    })
    .onConflict((conflict) => conflict.columns(['council_id', 'message_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

export async function setContact(db: Queryable, id: string, contactId: string): Promise<void> {
  await db.updateTable('inbound_emails').set({ contact_id: contactId }).where('id', '=', id).execute();
}

/** What the council already made of a message, by its Message-ID. */
export async function findByMessageId(db: Queryable, councilId: string, messageId: string) {
  return await db
    .selectFrom('inbound_emails as m')
    .leftJoin('cases as c', 'c.id', 'm.case_id')
    .select(['m.id', 'm.outcome', 'm.customer_id', 'm.contact_id', 'c.reference as case_reference'])
    .where('m.council_id', '=', councilId)
    .where('m.message_id', '=', messageId)
    .executeTakeFirst();
}

export interface UnmatchedEmail {
  id: string;
  fromAddress: string | null;
  fromName: string | null;
  subject: string | null;
  receivedAt: Date;
  automatic: boolean;
  attachmentCount: number;
}

/** The council's messages matched to nobody, newest first (inbound_emails_unmatched_idx). */
export async function unmatched(db: Queryable, councilId: string, limit = 50): Promise<UnmatchedEmail[]> {
  const rows = await db
    .selectFrom('inbound_emails')
    .select(['id', 'from_address', 'from_name', 'subject', 'received_at', 'automatic', 'attachment_count'])
    .where('council_id', '=', councilId)
    .where('outcome', '=', 'unmatched')
    .orderBy('received_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    fromAddress: row.from_address,
    fromName: row.from_name,
    subject: row.subject,
    receivedAt: row.received_at,
    automatic: row.automatic,
    attachmentCount: row.attachment_count,
  }));
}

/** One of the council's messages, as its staff page shows it. */
export async function findMessage(db: Queryable, councilId: string, id: string) {
  const row = await db
    .selectFrom('inbound_emails')
    .select([
      'id',
      'from_address',
      'from_name',
      'subject',
      'body_text',
      'sent_at',
      'received_at',
      'automatic',
      'outcome',
      'customer_id',
      'contact_id',
      'attachments',
    ])
    .where('council_id', '=', councilId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    fromAddress: row.from_address,
    fromName: row.from_name,
    subject: row.subject,
    text: row.body_text,
    sentAt: row.sent_at,
    receivedAt: row.received_at,
    automatic: row.automatic,
    outcome: row.outcome,
    customerId: row.customer_id,
    contactId: row.contact_id,
    attachments: row.attachments as AttachmentFacts[],
  };
}

/** Matches an unmatched message to a customer; false when it was matched already (by someone else, just now). */
export async function matchToCustomer(db: Queryable, id: string, customerId: string): Promise<boolean> {
  const row = await db
    .updateTable('inbound_emails')
    .set({ outcome: 'contact', customer_id: customerId })
    .where('id', '=', id)
    .where('outcome', '=', 'unmatched')
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}
