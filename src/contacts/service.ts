// Logging contacts: every channel, its outcome, whether it was avoidable, and how long it took.
// Each contact commits in one transaction with its audit record.
import type { Db } from '../db/database.ts';
import type { Actor, ApiKeyActor } from '../platform/actor.ts';
import { Invalid, NotAllowed, NotFound, type FieldError } from '../platform/errors.ts';
import { contactLogPolicy, contactPolicy } from './policy.ts';
import { recordContactIn } from './recordContactIn.ts';
import * as repo from './repo.ts';
import {
  CHANNELS_AT_A_SITE,
  NOTES_MAX_LENGTH,
  REASON_MAX_LENGTH,
  SERVICE_CODE_PATTERN,
  isAvoidableReason,
  isChannel,
  isOutcome,
  type ContactApiBodyInput,
  type ContactInput,
} from './schemas.ts';
import { isUuid } from '../platform/ids.ts';

export type { ContactCount, ContactPage, ContactRecord } from './repo.ts';

/** A customer as the contact log needs them: whose they are and what to call them. */
export interface CustomerSummary {
  id: string;
  councilId: string;
  displayName: string;
  /** Current vulnerability flags: shown wherever staff deal with the customer. */
  flags?: { reason: string; reviewOn: string }[];
}

/**
 * Finds a customer `actor` may see (undefined when there is none, it was merged away, or the
 * actor may not see it). Provided by the customers capability.
 */
export type FindCustomer = (actor: Actor, id: string) => Promise<CustomerSummary | undefined>;

/** Where a contact came from besides the person logging it. */
export interface Provenance {
  /** The API key it came through (column `recorded_by_api_key`). */
  recordedByApiKey?: string;
  /** The council, for OneDoor itself (a system actor has none of its own); staff always log for theirs. */
  councilId?: string;
}

/** What logging a contact answers: the contact as written. */
export interface LoggedContact {
  id: string;
  councilId: string;
  customerId: string | null;
  channel: ContactInput['channel'];
  serviceCode: string | null;
  reason: string | null;
  outcome: ContactInput['outcome'];
  avoidableReason: ContactInput['avoidableReason'] | null;
  signpostedTo: string | null;
  siteId: string | null;
  notes: string | null;
  recordedBy: string | null;
  recordedByApiKey: string | null;
  startedAt: Date;
  endedAt: Date;
}

export const MAX_HANDLING_MS = 12 * 60 * 60 * 1000;
/** Clocks differ a little between a till, a phone system and us; more than this is a mistake. */
export const FUTURE_ALLOWANCE_MS = 5 * 60 * 1000;

const serviceCodePattern = new RegExp(SERVICE_CODE_PATTERN);

export function createContactsService(db: Db, dependencies: { findCustomer: FindCustomer; now?: () => Date }) {
  const now = dependencies.now ?? (() => new Date());

  async function requireCustomer(actor: Actor, id: string, councilId: string | undefined): Promise<CustomerSummary> {
    const customer = isUuid(id) ? await dependencies.findCustomer(actor, id) : undefined;
    // Another council's customer does not exist as far as this council is concerned.
    if (!customer || (councilId !== undefined && customer.councilId !== councilId)) throw new NotFound('customer');
    return customer;
  }

  /** Every rule a contact breaks, as per-field i18n keys (empty when it may be written). */
  async function problemsWith(councilId: string, input: ContactInput): Promise<FieldError[]> {
    const problems: FieldError[] = [];
    const problem = (field: string, message: string) => {
      if (!problems.some((known) => known.field === field)) problems.push({ field, message });
    };
    if (!isChannel(input.channel)) problem('channel', 'contacts.errors.channelMissing');
    if (input.serviceCode !== undefined && !serviceCodePattern.test(input.serviceCode))
      problem('serviceCode', 'contacts.errors.serviceCodeFormat');
    if (input.reason !== undefined && input.reason.length > REASON_MAX_LENGTH) problem('reason', 'contacts.errors.reasonTooLong');
    if (!isOutcome(input.outcome)) problem('outcome', 'contacts.errors.outcomeMissing');
    if (input.avoidableReason !== undefined && !isAvoidableReason(input.avoidableReason))
      problem('avoidableReason', 'contacts.errors.avoidableReasonInvalid');
    if (input.notes !== undefined && input.notes.length > NOTES_MAX_LENGTH) problem('notes', 'contacts.errors.notesTooLong');

    const started = input.startedAt.getTime();
    const ended = input.endedAt.getTime();
    if (Number.isNaN(started)) problem('startedAt', 'contacts.errors.startedAtInvalid');
    else if (started > now().getTime() + FUTURE_ALLOWANCE_MS) problem('startedAt', 'contacts.errors.startedInFuture');
    if (Number.isNaN(ended)) problem('endedAt', 'contacts.errors.endedAtInvalid');
    else if (!Number.isNaN(started) && ended < started) problem('endedAt', 'contacts.errors.endedBeforeStart');
    else if (!Number.isNaN(started) && ended - started > MAX_HANDLING_MS) problem('endedAt', 'contacts.errors.tooLong');

    if (input.outcome === 'signposted') {
      if (input.signpostedTo === undefined) problem('signpostedTo', 'contacts.errors.signpostedToMissing');
      else {
        const partners = await repo.listPartners(db, councilId);
        if (!partners.some((partner) => partner.id === input.signpostedTo))
          problem('signpostedTo', 'contacts.errors.signpostedToInvalid');
      }
    }
    if (input.siteId !== undefined) {
      const sites = await repo.listSites(db, councilId);
      if (!sites.some((site) => site.id === input.siteId)) problem('siteId', 'contacts.errors.siteInvalid');
    } else if (CHANNELS_AT_A_SITE.includes(input.channel)) problem('siteId', 'contacts.errors.siteMissing');
    return problems;
  }

  async function record(
    actor: Actor,
    councilId: string,
    customer: CustomerSummary | null,
    input: ContactInput,
    provenance: Provenance,
  ): Promise<LoggedContact> {
    const problems = await problemsWith(councilId, input);
    if (problems.length > 0) throw new Invalid(problems);
    const contact: repo.NewContact = {
      councilId,
      customerId: customer?.id ?? null,
      channel: input.channel,
      serviceCode: input.serviceCode ?? null,
      reason: input.reason ?? null,
      outcome: input.outcome,
      avoidableReason: input.avoidableReason ?? null,
      // A partner chosen and then another outcome picked (the page shows the list without
      // JavaScript) is not a signposting.
      signpostedTo: input.outcome === 'signposted' ? (input.signpostedTo ?? null) : null,
      siteId: input.siteId ?? null,
      notes: input.notes ?? null,
      recordedBy: actor.kind === 'staff' ? actor.id : null,
      recordedByApiKey: provenance.recordedByApiKey ?? null,
      startedAt: input.startedAt,
      endedAt: input.endedAt,
    };
    const id = await db.transaction().execute((trx) => recordContactIn(trx, actor, contact));
    return { id, ...contact };
  }

  return {
    /** What the "Log a contact" page needs: who it is with, the partners and sites to choose from. */
    async newContact(actor: Actor, customerId?: string) {
      if (actor.kind !== 'staff') throw new NotAllowed('ContactLog.open');
      contactLogPolicy.authorize(actor, 'open', null);
      const customer = customerId === undefined ? null : await requireCustomer(actor, customerId, actor.councilId);
      const [partners, sites] = await Promise.all([repo.listPartners(db, actor.councilId), repo.listSites(db, actor.councilId)]);
      return { customer, partners, sites };
    },

    /**
     * Logs a contact for the actor's council, with or without a customer. Refuses (Invalid) a
     * contact that ends before it starts, lasts over 12 hours, starts more than 5 minutes from
     * now, is signposted nowhere, or happened in person with no site.
     */
    async logContact(actor: Actor, input: ContactInput, provenance: Provenance = {}): Promise<LoggedContact> {
      if (actor.kind === 'staff') contactLogPolicy.authorize(actor, 'open', null);
      const ownCouncil = actor.kind === 'staff' ? actor.councilId : provenance.councilId;
      const customer = input.customerId === undefined ? null : await requireCustomer(actor, input.customerId, ownCouncil);
      const councilId = ownCouncil ?? customer?.councilId;
      if (councilId === undefined) throw new Invalid([{ field: 'customerId', message: 'contacts.errors.councilUnknown' }]);
      contactPolicy.authorize(actor, 'log', { councilId, customerId: customer?.id ?? null });
      return await record(actor, councilId, customer, input, provenance);
    },

    /**
     * `POST /api/v1/contacts` for a key with the `contacts:write` scope: the contact is the key's
     * council's; times default to now and the outcome to resolved at first contact.
     */
    async logContactFromApi(key: ApiKeyActor, body: ContactApiBodyInput): Promise<LoggedContact> {
      contactPolicy.authorize(key, 'log', { councilId: key.councilId, customerId: body.customerId ?? null });
      const customer = body.customerId === undefined ? null : await requireCustomer(key, body.customerId, key.councilId);
      const endedAt = body.endedAt === undefined ? now() : new Date(body.endedAt);
      const startedAt = body.startedAt === undefined ? endedAt : new Date(body.startedAt);
      const input: ContactInput = {
        channel: body.channel,
        customerId: body.customerId,
        serviceCode: body.serviceCode,
        reason: body.reason,
        outcome: body.outcome ?? 'resolved_first_contact',
        avoidableReason: body.avoidableReason,
        signpostedTo: body.signpostedTo,
        siteId: body.siteId,
        notes: body.notes,
        startedAt,
        endedAt,
      };
      return await record(key, key.councilId, customer, input, { recordedByApiKey: key.id });
    },

    /** A customer's contacts, newest first, a page at a time (NotFound if the actor may not see them). */
    async listCustomerContacts(actor: Actor, customerId: string, options: { before?: string | null; limit?: number } = {}) {
      const customer = await requireCustomer(actor, customerId, actor.kind === 'staff' ? actor.councilId : undefined);
      return await repo.listCustomerContacts(db, customer.id, options);
    },
  };
}

export type ContactsService = ReturnType<typeof createContactsService>;
