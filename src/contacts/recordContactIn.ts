// Recording a contact and its audit record in a transaction: the one way every contact is written,
// whether logged on its own (the staff desktop, the API) or inside another operation (an inbound
// email becomes a contact with the message's record and a case update). The caller has checked it.
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
      'serviceCode',
      'outcome',
      'avoidableReason',
      'signpostedTo',
      'siteId',
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
  const councilId = await repo.assignToCustomer(trx, contactId, customerId);
  if (councilId === undefined) return false;
  await recordAudit(trx, actor, {
    action: 'contact.update',
    organisationId: councilId,
    recordType: 'contact',
    recordId: contactId,
    changes: { customerId: { from: null, to: customerId } },
  });
  return true;
}
