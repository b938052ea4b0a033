// Taking in email, from the council's mail relay (the JSON API) or its mailbox (the IMAP job), by
// one intake: each message once per council by its Message-ID; then
//   - a reply quoting a case reference, from the case's own customer (any of their email
//     addresses): the message goes on that case's timeline, and an email contact on the customer;
//   - otherwise, from an address exactly one customer has: an email contact on that customer;
//   - otherwise (an unknown or shared address, or someone quoting another person's reference):
//     kept unmatched for staff, with a contact on nobody.
// A reference is never enough on its own: mail is easy to forge, and a stranger quoting a case's
// reference must not write on it. Auto-replies, bounces and list mail are kept, but never become
// a contact or a case update, and nothing is ever sent back (no mail loops).
// The message's record, the contact, the case's events and the audit record commit together.
import type { Db } from '../../db/database.ts';
import { addCustomerMessageIn, casesForCustomerMessage, type CaseForCustomerMessage } from '../../cases/customerMessages.ts';
import { assignContactToCustomerIn, recordContactIn, type NewContact } from '../../contacts/recordContactIn.ts';
import { NOTES_MAX_LENGTH, REASON_MAX_LENGTH } from '../../contacts/schemas.ts';
import { customersWithEmail } from '../../customers/byEmail.ts';
import type { Actor, ApiKeyActor, StaffActor } from '../../platform/actor.ts';
import { recordAudit } from '../../platform/audit/audit.ts';
import { Conflict, Invalid, NotFound } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import { MAX_MESSAGE_BYTES, readMessage, type InboundMessage } from './message.ts';
import { inboundEmailPolicy } from './policy.ts';
import * as repo from './repo.ts';

export type IntakeOutcome = repo.InboundOutcome | 'duplicate';

/** What became of a message, as the relay (and the job's log) is told. */
export interface IntakeResult {
  /** The inbound message's id (the first one's, for a duplicate). */
  id: string;
  outcome: IntakeOutcome;
  caseReference?: string;
  customerId?: string;
  contactId?: string;
  /** An auto-reply, bounce or list mail: kept, but not a contact. */
  automatic?: boolean;
}

export type Via = 'relay' | 'imap';

const shorten = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export interface Dependencies {
  /** The customer `actor` may see (undefined when not, or merged away): the customers capability's. */
  findCustomer?: (actor: Actor, id: string) => Promise<{ id: string; councilId: string } | undefined>;
  /** The organisation with this code, or the first council when none is given: the organisations capability's. */
  findCouncil?: (code: string | undefined) => Promise<{ id: string; kind: string } | undefined>;
  now?: () => Date;
}

export function createInboundEmailService(db: Db, dependencies: Dependencies = {}) {
  const now = dependencies.now ?? (() => new Date());

  async function duplicateOf(councilId: string, messageId: string): Promise<IntakeResult | undefined> {
    const known = await repo.findByMessageId(db, councilId, messageId);
    if (!known) return undefined;
    return {
      id: known.id,
      outcome: 'duplicate',
      ...(known.case_reference ? { caseReference: known.case_reference } : {}),
      ...(known.customer_id ? { customerId: known.customer_id } : {}),
    };
  }

  /** The case this message may go on: one it quotes whose customer the sender is. */
  async function caseOfSender(councilId: string, message: InboundMessage, senders: string[]) {
    if (senders.length === 0) return undefined;
    const quoted = await casesForCustomerMessage(db, councilId, message.caseReferences);
    return quoted.find((found) => found.customerId !== null && senders.includes(found.customerId));
  }

  async function intake(actor: Actor, councilId: string, raw: Buffer, via: Via): Promise<IntakeResult> {
    inboundEmailPolicy.authorize(actor, 'deliver', { councilId });
    if (raw.length === 0) throw new Invalid([{ field: 'message', message: 'inboundEmail.errors.empty' }]);
    if (raw.length > MAX_MESSAGE_BYTES)
      throw new Invalid([{ field: 'message', message: 'inboundEmail.errors.tooLarge', params: { max: MAX_MESSAGE_BYTES } }]);
    const message = await readMessage(raw);
    const known = await duplicateOf(councilId, message.messageId);
    if (known) return known;

    const automatic = message.automatic !== null;
    const senders = automatic ? [] : await customersWithEmail(db, councilId, message.from.address);
    const onCase: CaseForCustomerMessage | undefined = automatic ? undefined : await caseOfSender(councilId, message, senders);
    const customerId = onCase?.customerId ?? (senders.length === 1 ? senders[0]! : null);
    const outcome: repo.InboundOutcome = onCase ? 'case_update' : customerId ? 'contact' : 'unmatched';
    const receivedAt = now();

    const stored = await db.transaction().execute(async (trx) => {
      const id = await repo.insertInboundEmail(trx, {
        councilId,
        messageId: message.messageId,
        via,
        fromAddress: message.from.address,
        fromName: message.from.name,
        subject: message.subject,
        bodyText: message.text,
        sentAt: message.sentAt,
        receivedAt,
        inReplyTo: message.inReplyTo,
        automatic,
        outcome,
        caseId: onCase?.id ?? null,
        customerId,
        sizeBytes: message.sizeBytes,
        sha256: message.sha256,
        attachments: message.attachments,
      });
      // The same message, taken at the same moment by another request: that one recorded it.
      if (id === undefined) return undefined;
      let contactId: string | undefined;
      if (!automatic) {
        const contact: NewContact = {
          councilId,
          customerId,
          channel: 'email',
          serviceCode: null,
          reason: message.subject ? shorten(message.subject, REASON_MAX_LENGTH) : null,
          // Somebody has to read it and act: not resolved at first contact, and no case raised by it.
          outcome: 'transferred',
          avoidableReason: null,
          signpostedTo: null,
          siteId: null,
          notes: message.text.trim() === '' ? null : shorten(message.text.trim(), NOTES_MAX_LENGTH),
          recordedBy: null,
          recordedByApiKey: actor.kind === 'api_key' ? actor.id : null,
          startedAt: receivedAt,
          endedAt: receivedAt,
        };
        contactId = await recordContactIn(trx, actor, contact);
        await repo.setContact(trx, id, contactId);
      }
      const attachments = message.attachments.length;
      if (onCase)
        await addCustomerMessageIn(
          trx,
          actor,
          onCase,
          {
            text: message.text,
            channel: 'email',
            details: { inboundEmailId: id, subject: message.subject, attachments },
          },
          receivedAt,
        );
      await recordAudit(trx, actor, {
        action: 'inbound_email.receive',
        organisationId: councilId,
        recordType: 'inbound_email',
        recordId: id,
        details: {
          via,
          outcome,
          automatic: message.automatic,
          caseReference: onCase?.reference ?? null,
          customerId,
          contactId: contactId ?? null,
          sizeBytes: message.sizeBytes,
          attachments,
        },
      });
      return { id, contactId };
    });
    if (!stored) return (await duplicateOf(councilId, message.messageId))!;
    return {
      id: stored.id,
      outcome,
      ...(onCase ? { caseReference: onCase.reference } : {}),
      ...(customerId ? { customerId } : {}),
      ...(stored.contactId ? { contactId: stored.contactId } : {}),
      ...(automatic ? { automatic: true } : {}),
    };
  }

  return {
    intake,

    /** The council the IMAP mailbox's mail is for: IMAP_COUNCIL's, or the first council when it is unset. */
    async mailboxCouncil(code: string | undefined): Promise<string> {
      const council = dependencies.findCouncil ? await dependencies.findCouncil(code) : undefined;
      if (council?.kind !== 'council') throw new Error(`IMAP_COUNCIL ${code ?? ''} names no council`);
      return council.id;
    },

    /** `POST /api/v1/inbound-email`: the key's council's mail relay hands over one raw message. */
    async deliverFromRelay(key: ApiKeyActor, raw: Buffer): Promise<IntakeResult> {
      return await intake(key, key.councilId, raw, 'relay');
    },

    /** The council's messages nobody could match, newest first, for the front line to deal with. */
    async unmatched(actor: StaffActor) {
      inboundEmailPolicy.authorize(actor, 'review', { councilId: actor.councilId });
      return await repo.unmatched(db, actor.councilId);
    },

    /** One of the council's messages, for a member of staff to read (NotFound for another council's). */
    async message(actor: StaffActor, id: string) {
      inboundEmailPolicy.authorize(actor, 'review', { councilId: actor.councilId });
      const found = isUuid(id) ? await repo.findMessage(db, actor.councilId, id) : undefined;
      if (!found) throw new NotFound('inbound email');
      return found;
    },

    /**
     * Staff found whose an unmatched message is: it becomes a contact on that customer (its contact
     * on nobody moves to them), with the audit record, in one transaction.
     */
    async matchToCustomer(actor: StaffActor, id: string, customerId: string) {
      inboundEmailPolicy.authorize(actor, 'review', { councilId: actor.councilId });
      const found = isUuid(id) ? await repo.findMessage(db, actor.councilId, id) : undefined;
      if (!found) throw new NotFound('inbound email');
      if (found.outcome !== 'unmatched') throw new Conflict('inboundEmail.errors.alreadyMatched');
      const customer =
        isUuid(customerId) && dependencies.findCustomer ? await dependencies.findCustomer(actor, customerId) : undefined;
      if (!customer || customer.councilId !== actor.councilId)
        throw new Invalid([{ field: 'customerId', message: 'inboundEmail.errors.customerMissing' }]);
      await db.transaction().execute(async (trx) => {
        if (!(await repo.matchToCustomer(trx, found.id, customer.id))) throw new Conflict('inboundEmail.errors.alreadyMatched');
        if (found.contactId) await assignContactToCustomerIn(trx, actor, found.contactId, customer.id);
        await recordAudit(trx, actor, {
          action: 'inbound_email.match',
          organisationId: actor.councilId,
          recordType: 'inbound_email',
          recordId: found.id,
          changes: { outcome: { from: 'unmatched', to: 'contact' }, customerId: { from: null, to: customer.id } },
        });
      });
      return { customerId: customer.id };
    },
  };
}

export type InboundEmailService = ReturnType<typeof createInboundEmailService>;
