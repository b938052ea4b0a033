// A resident's own message on their case, arriving by another way than the staff desktop (an
// email reply quoting the case's reference): it goes on the case's timeline as theirs, and a case
// waiting for them goes back to the team. The resident is not notified: telling them about their
// own message would answer an email with an email, and could loop with an auto-responder.
import type { Queryable, Tx } from '../db/database.ts';
import { recordAudit } from '../platform/audit/audit.ts';
import { recordEvent } from '../platform/events/events.ts';
import type { Actor } from '../platform/actor.ts';
import type { CaseStatus } from './lifecycle.ts';
import { normaliseCaseReference } from './reference.ts';
import * as repo from './repo.ts';
import { UPDATE_MAX_LENGTH } from './service.ts';

/** A case as a customer's message needs it: whose it is, whose council, where it stands. */
export interface CaseForCustomerMessage {
  id: string;
  reference: string;
  councilId: string;
  customerId: string | null;
  status: CaseStatus;
}

/** The council's cases with these references (in one query), in the order the references are given. */
export async function casesForCustomerMessage(
  db: Queryable,
  councilId: string,
  references: string[],
): Promise<CaseForCustomerMessage[]> {
  const normalised = references.map(normaliseCaseReference).filter((reference): reference is string => Boolean(reference));
  if (normalised.length === 0) return [];
  const rows = await db
    .selectFrom('cases')
    .select(['id', 'reference', 'council_id', 'customer_id', 'status'])
    .where('reference', 'in', normalised)
    .where('council_id', '=', councilId)
    .execute();
  return normalised.flatMap((reference) =>
    rows
      .filter((row) => row.reference === reference)
      .map((row) => ({
        id: row.id,
        reference: row.reference,
        councilId: row.council_id,
        customerId: row.customer_id,
        status: row.status,
      })),
  );
}

/**
 * Adds the case's customer's message to its timeline in `trx` (an internal `customer_message`
 * event by the resident; staff read it, the tracking page does not repeat it back). A case
 * awaiting the customer moves to in progress. The caller has checked the message is from the
 * case's customer. Answers the status the case is in afterwards.
 */
export async function addCustomerMessageIn(
  trx: Tx,
  actor: Actor,
  target: CaseForCustomerMessage,
  message: { text: string; channel: 'email'; details?: Record<string, unknown> },
  at: Date,
): Promise<{ status: CaseStatus; moved: boolean }> {
  const current = await repo.lockCase(trx, target.id);
  const text = message.text.trim().slice(0, UPDATE_MAX_LENGTH) || null;
  const resident = { type: 'resident' as const, id: null, label: null };
  const events: repo.NewEvent[] = [
    {
      caseId: target.id,
      councilId: target.councilId,
      kind: 'customer_message',
      visibility: 'internal',
      body: text,
      actor: resident,
      details: { channel: message.channel, ...message.details },
      occurredAt: at,
    },
  ];
  const moved = current.status === 'awaiting_customer';
  if (moved) {
    await repo.setStatus(trx, [target.id], 'in_progress', at);
    events.push({
      caseId: target.id,
      councilId: target.councilId,
      kind: 'status_changed',
      visibility: 'internal',
      statusFrom: 'awaiting_customer',
      statusTo: 'in_progress',
      actor: resident,
      details: { because: 'customer_message' },
      occurredAt: at,
    });
  }
  await repo.insertEvents(trx, events);
  // Other systems (webhooks) are told of every status change, as they are of one made by staff.
  if (moved)
    await recordEvent(trx, {
      councilId: target.councilId,
      organisationId: current.organisation_id,
      type: 'case.status_changed',
      subject: target.reference,
      occurredAt: at,
      data: { reference: target.reference, from: 'awaiting_customer', to: 'in_progress', update: null },
    });
  await recordAudit(trx, actor, {
    action: 'case.customer_message',
    organisationId: target.councilId,
    recordType: 'case',
    recordId: target.id,
    changes: moved ? { status: { from: 'awaiting_customer', to: 'in_progress' } } : undefined,
    details: { channel: message.channel, ...message.details },
  });
  return { status: moved ? 'in_progress' : current.status, moved };
}
