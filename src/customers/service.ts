// Customer records: finding, creating (after checking for likely duplicates), reading the single
// view (every read audited), changing, and merging. Each change commits in one transaction with
// its audit record; partners see only what a customer agreed to share with them.
import type { Db, Tx } from '../db/database.ts';
import type { Actor } from '../platform/actor.ts';
import { changesBetween, recordAudit, type Changes } from '../platform/audit/audit.ts';
import { Conflict, Invalid, NotAllowed, NotFound, type FieldError } from '../platform/errors.ts';
import { isCalendarDate, todayInLondon } from '../platform/forms.ts';
import { isEmail, normalisePostcode, parsePhone } from './contactPoints.ts';
import { insertCustomerRecords, type NewCustomerRecord } from './importRepo.ts';
import {
  CUSTOMER_PARTS,
  customerPolicy,
  customerSearchPolicy,
  sharedParts,
  type CustomerPart,
  type CustomerPlacement,
} from './policy.ts';
import * as repo from './repo.ts';
import type { NotificationAddress } from './repo.ts';
import { searchCustomerIds, type MatchReason } from './search.ts';
import { isEmptyQuery, parseSearchQuery } from './searchQuery.ts';
import { isUuid } from '../platform/ids.ts';

export type { CustomerRecord, CustomerSummary, TimelineEntry, TimelineKind } from './repo.ts';
export type { MatchReason } from './search.ts';

export const NEEDS = [
  'large_print',
  'easy_read',
  'braille',
  'bsl',
  'interpreter',
  'hearing_loop',
  'digital_help',
  'step_free_access',
  'text_relay',
] as const;
export const FLAG_REASONS = [
  'bereavement',
  'domestic_abuse',
  'financial_hardship',
  'mental_health',
  'physical_health',
  'safeguarding',
  'communication',
  'other',
] as const;
export const CONTACT_METHODS = ['email', 'phone', 'sms', 'letter'] as const;
export const TIMELINE_KINDS: repo.TimelineKind[] = ['contact', 'note', 'flag'];
export const TIMELINE_PAGE_SIZE = 25;

/** Records a checked new customer with its audit record, in the caller's transaction. */
async function insertCustomer(trx: Tx, actor: Actor, councilId: string, record: NewCustomerRecord): Promise<string> {
  const [id] = await insertCustomerRecords(trx, councilId, [record]);
  await recordAudit(trx, actor, {
    action: 'customer.create',
    organisationId: councilId,
    recordType: 'customer',
    recordId: id!,
    changes: changesBetween({}, { ...record, address: record.address?.postcode }, [
      'kind',
      'givenName',
      'familyName',
      'organisationName',
      'dateOfBirth',
      'preferredLanguage',
    ]),
  });
  return id!;
}

/**
 * A customer made together with something else in one transaction (a resident's online request
 * and the record of who made it): nothing is kept unless both are. No duplicate check: the
 * person is not there to choose, so staff merge duplicates afterwards.
 */
export async function createCustomerIn(
  trx: Tx,
  actor: Actor,
  councilId: string,
  input: CustomerInput,
): Promise<{ id: string; address: NotificationAddress | undefined }> {
  const checked = checkNewCustomer(input);
  if (!checked.ok) throw new Invalid(checked.errors);
  const id = await insertCustomer(trx, actor, councilId, checked.record);
  return { id, address: await repo.notificationAddress(trx, id) };
}

/** A new customer as staff or an integrator describe one, before it is checked. */
export interface CustomerInput {
  kind?: 'person' | 'organisation';
  title?: string;
  givenName?: string;
  familyName?: string;
  organisationName?: string;
  dateOfBirth?: string;
  email?: string;
  phone?: string;
  preferredLanguage?: string;
  preferredContactMethod?: (typeof CONTACT_METHODS)[number];
  address?: { line1?: string; line2?: string; town?: string; postcode?: string; uprn?: number | string };
}

export interface FoundCustomer extends repo.CustomerSummary {
  reasons: MatchReason[];
}

/** The record as one reader may see it: parts not shared with a partner are left out. */
export type CustomerView = Omit<repo.CustomerRecord, 'emails' | 'phones' | 'addresses' | 'needs' | 'flags'> & {
  parts: CustomerPart[];
  emails: repo.CustomerRecord['emails'];
  phones: repo.CustomerRecord['phones'];
  addresses: repo.CustomerRecord['addresses'];
  needs: string[];
  flags: repo.CustomerRecord['flags'];
};

const LANGUAGE = /^[a-z]{2,3}$/;

function staffId(actor: Actor): string | null {
  return actor.kind === 'staff' ? actor.id : null;
}

/** The partner agency `actor` acts for (a partner's staff or key), which sees only what was shared with it. */
function partnerOf(actor: Actor): string | undefined {
  return actor.kind !== 'system' && actor.organisationKind === 'partner' ? actor.organisationId : undefined;
}

function councilOf(actor: Actor, fallback?: string): string {
  if (actor.kind !== 'system') return actor.councilId;
  if (fallback) return fallback;
  throw new NotAllowed('Customer.council');
}

/** Checks and normalises a new customer; every problem is reported at once. */
export function checkNewCustomer(
  input: CustomerInput,
): { ok: true; record: NewCustomerRecord } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const kind = input.kind ?? 'person';
  const text = (value: string | undefined) => value?.trim() || undefined;
  const givenName = text(input.givenName);
  const familyName = text(input.familyName);
  const organisationName = text(input.organisationName);
  if (kind === 'person') {
    if (!givenName) errors.push({ field: 'givenName', message: 'customers.errors.givenNameMissing' });
    else if (givenName.length > 100) errors.push({ field: 'givenName', message: 'customers.errors.nameTooLong' });
    if (!familyName) errors.push({ field: 'familyName', message: 'customers.errors.familyNameMissing' });
    else if (familyName.length > 100) errors.push({ field: 'familyName', message: 'customers.errors.nameTooLong' });
  } else if (!organisationName) {
    errors.push({ field: 'organisationName', message: 'customers.errors.organisationNameMissing' });
  } else if (organisationName.length > 200) {
    errors.push({ field: 'organisationName', message: 'customers.errors.nameTooLong' });
  }

  const dateOfBirth = text(input.dateOfBirth);
  if (dateOfBirth !== undefined) {
    if (!isCalendarDate(dateOfBirth)) errors.push({ field: 'dateOfBirth', message: 'customers.errors.dateOfBirthInvalid' });
    else if (dateOfBirth > todayInLondon()) errors.push({ field: 'dateOfBirth', message: 'customers.errors.dateOfBirthFuture' });
    else if (dateOfBirth < '1880-01-01') errors.push({ field: 'dateOfBirth', message: 'customers.errors.dateOfBirthInvalid' });
  }

  const email = text(input.email);
  if (email !== undefined && !isEmail(email)) errors.push({ field: 'email', message: 'customers.errors.emailFormat' });
  const phoneText = text(input.phone);
  const phone = phoneText === undefined ? undefined : parsePhone(phoneText);
  if (phoneText !== undefined && !phone) errors.push({ field: 'phone', message: 'customers.errors.phoneFormat' });

  const language = text(input.preferredLanguage)?.toLowerCase() ?? 'en';
  if (!LANGUAGE.test(language)) errors.push({ field: 'preferredLanguage', message: 'customers.errors.languageFormat' });

  let address: NewCustomerRecord['address'];
  const given = input.address;
  const line1 = text(given?.line1);
  const town = text(given?.town);
  const postcodeText = text(given?.postcode);
  const uprnText = given?.uprn === undefined || given.uprn === '' ? undefined : String(given.uprn).trim();
  if (line1 || town || postcodeText || uprnText) {
    const postcode = postcodeText ? normalisePostcode(postcodeText) : undefined;
    if (!line1) errors.push({ field: 'line1', message: 'customers.errors.addressLine1Missing' });
    else if (line1.length > 200) errors.push({ field: 'line1', message: 'customers.errors.addressTooLong' });
    if (!town) errors.push({ field: 'town', message: 'customers.errors.townMissing' });
    else if (town.length > 100) errors.push({ field: 'town', message: 'customers.errors.addressTooLong' });
    if (!postcodeText) errors.push({ field: 'postcode', message: 'customers.errors.postcodeMissing' });
    else if (!postcode) errors.push({ field: 'postcode', message: 'customers.errors.postcodeFormat' });
    if (uprnText !== undefined && !/^\d{1,12}$/.test(uprnText))
      errors.push({ field: 'uprn', message: 'customers.errors.uprnFormat' });
    const line2 = text(given?.line2);
    if (line2 && line2.length > 200) errors.push({ field: 'line2', message: 'customers.errors.addressTooLong' });
    if (line1 && town && postcode) {
      address = { line1, town, postcode, ...(line2 ? { line2 } : {}), ...(uprnText ? { uprn: Number(uprnText) } : {}) };
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    record: {
      kind,
      ...(text(input.title) ? { title: text(input.title) } : {}),
      ...(kind === 'person' ? { givenName, familyName } : { organisationName }),
      ...(dateOfBirth ? { dateOfBirth } : {}),
      preferredLanguage: language,
      ...(input.preferredContactMethod ? { preferredContactMethod: input.preferredContactMethod } : {}),
      emails: email ? [email] : [],
      phones: phone ? [{ number: phone.number, kind: phone.kind }] : [],
      ...(address ? { address } : {}),
    },
  };
}

export function createCustomersService(db: Db) {
  async function placementOf(id: string): Promise<(CustomerPlacement & { id: string; mergedInto: string | null }) | undefined> {
    if (!isUuid(id)) return undefined;
    return await repo.placementWithConsents(db, id);
  }

  /** The record's placement, when `actor` may take `action` on it; else NotFound or NotAllowed. */
  async function requireCustomer(actor: Actor, id: string, action: 'read' | 'update' | 'merge' | 'recordConsent') {
    const customer = await placementOf(id);
    // Someone who may not see a record is told it does not exist (no probing for ids).
    if (!customer || !customerPolicy.can(actor, 'read', customer)) throw new NotFound('customer');
    customerPolicy.authorize(actor, action, customer);
    if (action !== 'read' && customer.mergedInto) throw new Conflict('customers.errors.merged');
    return customer;
  }

  /**
   * One change to a record: authorised, then made and audited in one transaction. `make` says
   * what to record (changes or details) and may return a result (a new row's id).
   */
  async function change<T = void>(
    actor: Actor,
    id: string,
    action: 'update' | 'recordConsent',
    auditAction: string,
    make: (
      trx: Tx,
      placement: CustomerPlacement,
    ) => Promise<{ result?: T; changes?: Changes; details?: Record<string, unknown> }>,
  ): Promise<T> {
    const placement = await requireCustomer(actor, id, action);
    return await db.transaction().execute(async (trx) => {
      const { result, ...audit } = await make(trx, placement);
      await recordAudit(trx, actor, {
        action: auditAction,
        organisationId: placement.councilId,
        recordType: 'customer',
        recordId: id,
        ...audit,
      });
      return result as T;
    });
  }

  return {
    async search(actor: Actor, text: string, limit = 20): Promise<{ hits: FoundCustomer[]; recognised: boolean }> {
      const councilId = councilOf(actor);
      customerSearchPolicy.authorize(actor, 'search', { councilId });
      const query = parseSearchQuery(text);
      if (isEmptyQuery(query)) return { hits: [], recognised: false };
      const scope = {
        councilId,
        ...(partnerOf(actor) ? { sharedWithOrganisationId: partnerOf(actor) } : {}),
      };
      const hits = await searchCustomerIds(db, scope, query, Math.min(Math.max(limit, 1), 100));
      const rows = await repo.summaries(
        db,
        hits.map((hit) => hit.id),
      );
      const reasons = new Map(hits.map((hit) => [hit.id, hit.reasons]));
      return { hits: rows.map((row) => ({ ...row, reasons: reasons.get(row.id) ?? [] })), recognised: true };
    },

    /** Likely existing records for a customer about to be created. */
    async likelyDuplicates(actor: Actor, record: NewCustomerRecord, council?: string): Promise<FoundCustomer[]> {
      const councilId = councilOf(actor, council);
      const hits = await repo.likelyDuplicates(db, councilId, {
        ...(record.givenName ? { givenName: record.givenName } : {}),
        ...(record.familyName ? { familyName: record.familyName } : {}),
        ...(record.dateOfBirth ? { dateOfBirth: record.dateOfBirth } : {}),
        ...(record.address ? { postcode: record.address.postcode } : {}),
        emails: record.emails ?? [],
        phones: (record.phones ?? []).map((phone) => phone.number),
      });
      const rows = await repo.summaries(
        db,
        hits.map((hit) => hit.id),
      );
      const reasons = new Map(hits.map((hit) => [hit.id, hit.reasons]));
      return rows.map((row) => ({ ...row, reasons: reasons.get(row.id) ?? [] }));
    },

    /**
     * Creates a customer. Unless `confirmedNew`, likely duplicates are returned instead so that
     * the advisor can pick the existing record.
     */
    async create(
      actor: Actor,
      input: CustomerInput,
      options: { confirmedNew?: boolean; councilId?: string } = {},
    ): Promise<
      | { created: true; id: string; customer: repo.CustomerSummary; duplicates: FoundCustomer[] }
      | { created: false; duplicates: FoundCustomer[] }
    > {
      const councilId = councilOf(actor, options.councilId);
      customerSearchPolicy.authorize(actor, 'create', { councilId });
      const checked = checkNewCustomer(input);
      if (!checked.ok) throw new Invalid(checked.errors);
      const record = checked.record;
      if (record.address?.uprn !== undefined) {
        const property = await repo.findProperty(db, councilId, record.address.uprn);
        if (!property) throw new Invalid([{ field: 'uprn', message: 'customers.errors.uprnUnknown' }]);
      }
      const duplicates = await this.likelyDuplicates(actor, record, councilId);
      if (duplicates.length > 0 && !options.confirmedNew) return { created: false, duplicates };
      const id = await db.transaction().execute((trx) => insertCustomer(trx, actor, councilId, record));
      const [customer] = await repo.summaries(db, [id]);
      return { created: true, id, customer: customer!, duplicates };
    },

    /**
     * The single view of one customer. Every view is written to the audit trail. A merged record
     * answers with the record it became.
     */
    async view(actor: Actor, id: string): Promise<{ mergedInto: string } | { customer: CustomerView }> {
      const placement = await requireCustomer(actor, id, 'read');
      if (placement.mergedInto) return { mergedInto: placement.mergedInto };
      const record = await repo.findCustomer(db, id);
      if (!record) throw new NotFound('customer');
      const parts = sharedParts(actor, placement);
      await recordAudit(db, actor, {
        action: 'customer.view',
        organisationId: placement.councilId,
        recordType: 'customer',
        recordId: id,
        ...(partnerOf(actor) ? { details: { parts: [...parts] } } : {}),
      });
      const shows = (part: CustomerPart) => parts.has(part);
      const partner = partnerOf(actor);
      return {
        customer: {
          ...record,
          parts: [...parts],
          dateOfBirth: shows('contact_details') ? record.dateOfBirth : null,
          email: shows('contact_details') ? record.email : null,
          phone: shows('contact_details') ? record.phone : null,
          addressLine1: shows('contact_details') ? record.addressLine1 : null,
          postcode: shows('contact_details') ? record.postcode : null,
          emails: shows('contact_details') ? record.emails : [],
          phones: shows('contact_details') ? record.phones : [],
          addresses: shows('contact_details') ? record.addresses : [],
          needs: shows('needs') ? record.needs : [],
          interpreterLanguage: shows('needs') ? record.interpreterLanguage : null,
          adjustments: shows('needs') ? record.adjustments : null,
          // Vulnerability is shown to everyone who may see the record: it is how staff keep people safe.
          flags: record.flags,
          // A partner sees only its own consents.
          consents: partner ? record.consents.filter((consent) => consent.organisationId === partner) : record.consents,
        },
      };
    },

    async timeline(actor: Actor, id: string, options: { kinds?: repo.TimelineKind[]; after?: repo.TimelineCursor } = {}) {
      const placement = await requireCustomer(actor, id, 'read');
      if (!sharedParts(actor, placement).has('history')) return { entries: [], next: null };
      const kinds = options.kinds && options.kinds.length > 0 ? options.kinds : TIMELINE_KINDS;
      const entries = await repo.timeline(db, id, {
        kinds,
        limit: TIMELINE_PAGE_SIZE + 1,
        ...(options.after ? { after: options.after } : {}),
      });
      const page = entries.slice(0, TIMELINE_PAGE_SIZE);
      const last = page[page.length - 1];
      const next = entries.length > TIMELINE_PAGE_SIZE && last ? { at: new Date(last.at).toISOString(), id: last.id } : null;
      return { entries: page, next };
    },

    /** What contact logging needs to know of a customer, if `actor` may see them. */
    /** Where OneDoor tells the customer about their cases (no actor: the resident's own requests). */
    async notificationAddress(id: string) {
      return await repo.notificationAddress(db, id);
    },

    /** The customer `actor` may name on a case (id and council), without the summary findForContact also reads. */
    async mayReferTo(actor: Actor, id: string): Promise<{ id: string; councilId: string } | undefined> {
      const placement = await placementOf(id);
      if (!placement || placement.mergedInto || !customerPolicy.can(actor, 'referTo', placement)) return undefined;
      return { id, councilId: placement.councilId };
    },

    async findForContact(actor: Actor, id: string) {
      const placement = await placementOf(id);
      if (!placement || placement.mergedInto || !customerPolicy.can(actor, 'referTo', placement)) return undefined;
      const [summary] = await repo.summaries(db, [id]);
      if (!summary) return undefined;
      const flags = await repo.activeFlags(db, id);
      return { id, councilId: placement.councilId, displayName: summary.displayName, flags };
    },

    async updateDetails(actor: Actor, id: string, details: repo.CustomerDetails) {
      const problems: FieldError[] = [];
      if (details.needs && !details.needs.every((need) => (NEEDS as readonly string[]).includes(need)))
        problems.push({ field: 'needs', message: 'customers.errors.needsInvalid' });
      if (details.dateOfBirth && (!isCalendarDate(details.dateOfBirth) || details.dateOfBirth > todayInLondon()))
        problems.push({ field: 'dateOfBirth', message: 'customers.errors.dateOfBirthInvalid' });
      if (details.preferredLanguage !== undefined && !LANGUAGE.test(details.preferredLanguage))
        problems.push({ field: 'preferredLanguage', message: 'customers.errors.languageFormat' });
      if (problems.length > 0) throw new Invalid(problems);
      const placement = await requireCustomer(actor, id, 'update');
      const before = await repo.findCustomer(db, id);
      if (!before) throw new NotFound('customer');
      await db.transaction().execute(async (trx) => {
        const renamed =
          before.kind === 'person' &&
          details.givenName !== undefined &&
          details.familyName !== undefined &&
          (details.givenName !== before.givenName || details.familyName !== before.familyName);
        // A changed name is kept as a previous name, so the person is still found by it.
        if (renamed && before.givenName && before.familyName)
          await repo.addPreviousName(trx, id, before.givenName, before.familyName);
        await repo.updateCustomer(trx, id, details);
        await recordAudit(trx, actor, {
          action: 'customer.update',
          organisationId: placement.councilId,
          recordType: 'customer',
          recordId: id,
          changes: changesBetween(before as unknown as Record<string, unknown>, details as Record<string, unknown>, [
            'title',
            'givenName',
            'familyName',
            'organisationName',
            'dateOfBirth',
            'preferredLanguage',
            'preferredContactMethod',
            'needs',
            'interpreterLanguage',
            'adjustments',
          ]),
        });
      });
    },

    async addEmail(actor: Actor, id: string, email: string, primary: boolean) {
      if (!isEmail(email)) throw new Invalid([{ field: 'email', message: 'customers.errors.emailFormat' }]);
      await change(actor, id, 'update', 'customer.email.add', async (trx) => {
        await repo.addEmail(trx, id, email, primary);
        return { changes: { email: { from: null, to: email } } };
      });
    },

    async addPhone(actor: Actor, id: string, text: string, primary: boolean) {
      const phone = parsePhone(text);
      if (!phone) throw new Invalid([{ field: 'phone', message: 'customers.errors.phoneFormat' }]);
      await change(actor, id, 'update', 'customer.phone.add', async (trx) => {
        await repo.addPhone(trx, id, phone, primary);
        return { changes: { phone: { from: null, to: phone.number } } };
      });
    },

    async removeContactPoint(actor: Actor, id: string, kind: 'email' | 'phone', pointId: string) {
      await change(actor, id, 'update', `customer.${kind}.remove`, async (trx) => {
        if (!(await repo.removeContactPoint(trx, id, kind, pointId))) throw new NotFound(kind);
        return { details: { id: pointId } };
      });
    },

    async moveTo(
      actor: Actor,
      id: string,
      input: NonNullable<CustomerInput['address']>,
      movedOn = new Date().toISOString().slice(0, 10),
    ) {
      const checked = checkNewCustomer({ kind: 'organisation', organisationName: 'address only', address: input });
      if (!checked.ok) throw new Invalid(checked.errors);
      const address = checked.record.address;
      if (!address) throw new Invalid([{ field: 'line1', message: 'customers.errors.addressLine1Missing' }]);
      await change(actor, id, 'update', 'customer.address.move', async (trx, placement) => {
        if (address.uprn !== undefined && !(await repo.findProperty(trx, placement.councilId, address.uprn)))
          throw new Invalid([{ field: 'uprn', message: 'customers.errors.uprnUnknown' }]);
        await repo.moveTo(trx, id, address, movedOn);
        return { changes: { address: { from: null, to: `${address.line1}, ${address.postcode}` } } };
      });
    },

    async addFlag(actor: Actor, id: string, flag: { reason: string; details?: string; reviewOn: string }) {
      // The pages check these with their own wording; the rules hold whoever calls.
      const problems: FieldError[] = [];
      if (!(FLAG_REASONS as readonly string[]).includes(flag.reason))
        problems.push({ field: 'reason', message: 'customers.errors.flagReasonMissing' });
      if (!isCalendarDate(flag.reviewOn) || flag.reviewOn < todayInLondon())
        problems.push({ field: 'reviewOn', message: 'customers.errors.reviewOnInvalid' });
      if ((flag.details?.length ?? 0) > 1000) problems.push({ field: 'details', message: 'customers.errors.flagDetailsTooLong' });
      if (problems.length > 0) throw new Invalid(problems);
      return await change(actor, id, 'update', 'customer.flag.add', async (trx) => {
        const flagId = await repo.addFlag(trx, id, flag, staffId(actor));
        return { result: flagId, details: { flagId, reason: flag.reason, reviewOn: flag.reviewOn } };
      });
    },

    async endFlag(actor: Actor, id: string, flagId: string) {
      await change(actor, id, 'update', 'customer.flag.end', async (trx) => {
        if (!(await repo.endFlag(trx, id, flagId, staffId(actor)))) throw new NotFound('flag');
        return { details: { flagId } };
      });
    },

    async addConsent(
      actor: Actor,
      id: string,
      consent: { organisationId: string; shares: string[]; purpose?: string; givenOn: string },
    ) {
      const problems: FieldError[] = [];
      if (consent.shares.length === 0 || !consent.shares.every((part) => (CUSTOMER_PARTS as readonly string[]).includes(part)))
        problems.push({ field: 'shares', message: 'customers.errors.sharesMissing' });
      if (!isCalendarDate(consent.givenOn) || consent.givenOn > todayInLondon())
        problems.push({ field: 'givenOn', message: 'customers.errors.givenOnInvalid' });
      if (problems.length > 0) throw new Invalid(problems);
      return await change(actor, id, 'recordConsent', 'customer.consent.add', async (trx, placement) => {
        if (!(await repo.isActivePartnerOf(trx, consent.organisationId, placement.councilId)))
          throw new Invalid([{ field: 'organisationId', message: 'customers.errors.partnerMissing' }]);
        const consentId = await repo.addConsent(trx, id, consent, staffId(actor));
        return { result: consentId, details: { consentId, organisationId: consent.organisationId, shares: consent.shares } };
      });
    },

    async withdrawConsent(actor: Actor, id: string, consentId: string) {
      await change(actor, id, 'recordConsent', 'customer.consent.withdraw', async (trx) => {
        if (!(await repo.withdrawConsent(trx, id, consentId))) throw new NotFound('consent');
        return { details: { consentId } };
      });
    },

    async addNote(actor: Actor, id: string, body: string) {
      return await change(actor, id, 'update', 'customer.note.add', async (trx) => {
        const noteId = await repo.addNote(trx, id, body, staffId(actor));
        return { result: noteId, details: { noteId } };
      });
    },

    /**
     * Merges the duplicate `mergeId` into `keepId`: all of its history moves across, and it is
     * kept, marked merged, so that old links lead to the record that remains.
     */
    async merge(actor: Actor, keepId: string, mergeId: string) {
      if (keepId === mergeId) throw new Conflict('customers.errors.mergeSelf');
      const kept = await requireCustomer(actor, keepId, 'merge');
      await requireCustomer(actor, mergeId, 'merge');
      await db.transaction().execute(async (trx) => {
        const locked = await repo.lockForMerge(trx, [keepId, mergeId]);
        if (locked.length !== 2 || locked.some((row) => row.mergedInto !== null)) throw new Conflict('customers.errors.merged');
        if (locked[0]!.councilId !== locked[1]!.councilId) throw new Conflict('customers.errors.mergeCouncils');
        await repo.mergeInto(trx, mergeId, keepId);
        for (const [recordId, role] of [
          [keepId, 'kept'],
          [mergeId, 'merged'],
        ] as const) {
          await recordAudit(trx, actor, {
            action: 'customer.merge',
            organisationId: kept.councilId,
            recordType: 'customer',
            recordId,
            details: { kept: keepId, merged: mergeId, role },
          });
        }
      });
    },
  };
}

export type CustomersService = ReturnType<typeof createCustomersService>;
