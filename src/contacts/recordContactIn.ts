// A contact recorded inside another operation's transaction (an inbound email becomes a contact
// in the same transaction as the message's record and a case update), with the same audit record
// as one logged on the staff desktop or through the API. The caller has built a valid contact.
import type { Tx } from '../db/database.ts';
import type { Actor } from '../platform/actor.ts';
import { changesBetween, recordAudit } from '../platform/audit/audit.ts';
import * as repo from './repo.ts';

export type { NewContact } from './repo.ts';

export async function recordContactIn(trx: Tx, actor: Actor, contact: repo.NewContact): Promise<string> {
  const id = await repo.insertContact(trx, contact);
  await recordAudit(trx, actor, {
    action: 'contact.create',
    organisationId: contact.councilId,
    recordType: 'contact',
    recordId: id,
    // The notes stay in the contact log; the trail says only that there were some.
    changes: changesBetween({}, { ...contact, notes: contact.notes === null ? null : '[notes]' }, [
      'customerId',
      'channel',
      'outcome',
      'notes',
      'startedAt',
      'endedAt',
    ]),
    ...(contact.recordedByApiKey ? { details: { apiKeyId: contact.recordedByApiKey } } : {}),
  });
  return id;
}

/**
 * Puts a contact recorded on nobody onto the customer it turned out to be from (staff matching an
 * email), in `trx`, with its audit record. A contact already on a customer is left alone.
 */
export async function assignContactToCustomerIn(trx: Tx, actor: Actor, contactId: string, customerId: string): Promise<boolean> {
  const row = await trx
    .updateTable('contacts')
    .set({ customer_id: customerId })
    .where('id', '=', contactId)
    .where('customer_id', 'is', null)
    .returning('council_id')
    .executeTakeFirst();
  if (!row) return false;
  await recordAudit(trx, actor, {
    action: 'contact.update',
    organisationId: row.council_id,
    recordType: 'contact',
    recordId: contactId,
    changes: { customerId: { from: null, to: customerId } },
  });
  return true;
}
