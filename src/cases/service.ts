// Cases: raised by staff, by other systems through the API and (next) by residents; routed to the
// team that owns the service (or the team a routing rule names); due by the service's working
// days; worked to the end with public updates the resident is told of and internal notes they
// never see. Each change commits in one transaction with its events, its audit record and the
// notifications it causes.
import { isUniqueViolation, type Db, type Tx } from '../db/database.ts';
import type { CustomerInput } from '../customers/service.ts';
import { placeOf, propertiesByUprn } from '../gazetteer/service.ts';
import { timelineActor, type Actor, type StaffActor } from '../platform/actor.ts';
import { changesBetween, recordAudit } from '../platform/audit/audit.ts';
import { recordEvent, recordEvents } from '../platform/events/events.ts';
import { Conflict, Invalid, NotAllowed, NotFound, type FieldError } from '../platform/errors.ts';
import { isUuid } from '../platform/ids.ts';
import type { ScheduledJob } from '../platform/jobs.ts';
import { queueNotification } from '../platform/notifications/outbox.ts';
import type { NotificationEvent } from '../platform/notifications/templates.ts';
import type { CalendarService } from '../services/calendarService.ts';
import { checkAnswers } from '../services/answers.ts';
import { lastDueDay } from '../services/calendar.ts';
import { routeCase } from '../services/routing.ts';
import type { ServicesService } from '../services/service.ts';
import { isOpen, isReopening, nextStatuses, refusalOfTransition, type CaseStatus } from './lifecycle.ts';
import { casePolicy, caseQueuePolicy, caseRaisingPolicy, type CasePlacement } from './policy.ts';
import { newCaseReference, newTrackingToken, normaliseCaseReference, isTrackingToken } from './reference.ts';
import * as repo from './repo.ts';

export type { CaseEvent, CaseListFilter, CaseRecord, PublicChange, QueueItem, QueueSort, SlaState } from './repo.ts';
export { QUEUE_COUNT_CAP, QUEUE_PAGE_SIZE, QUEUE_SORTS } from './repo.ts';

export const CHANNELS = ['phone', 'face_to_face', 'web', 'email', 'kiosk', 'mobile_bus', 'letter', 'social', 'chat'] as const;
export type CaseChannel = (typeof CHANNELS)[number];
export const DESCRIPTION_MAX_LENGTH = 10_000;
export const UPDATE_MAX_LENGTH = 10_000;
/** "Already reported": an open case of the same service this near, this recently. */
export const ALREADY_REPORTED_METRES = 50;
export const ALREADY_REPORTED_DAYS = 14;
const ESCALATION_BATCH = 200;

export interface RaiseCaseInput {
  serviceCode: string;
  description: string;
  channel: CaseChannel;
  customerId?: string;
  location?: { lat: number; long: number } | { uprn: number };
  answers?: Record<string, unknown>;
  /** The reference of an open case this one was already reported as, chosen by the person raising it. */
  linkTo?: string;
  /** Files already checked and stored, kept as the case's attachments in the transaction that raises it. */
  attachments?: NewCaseAttachment[];
}

/** A stored file to keep as a case's attachment. */
export interface NewCaseAttachment {
  key: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  visibility: 'public' | 'internal';
}

/** Work another capability (an integration) records in the same transaction as a case change. */
export type Alongside<T> = (trx: Tx, change: T) => Promise<void>;

/** Who a resident says they are, when they report something online without an account. */
export type NewCustomerInput = Pick<CustomerInput, 'givenName' | 'familyName' | 'email' | 'phone' | 'preferredLanguage'>;

/**
 * A resident's online request: its journey's id makes sending it again harmless (the first case
 * is given back), and the resident's contact details become a customer record in the same
 * transaction as the case.
 */
export interface Submission {
  key: string;
  newCustomer?: NewCustomerInput;
}

export interface CaseUpdateInput {
  text: string;
  visibility: 'public' | 'internal';
  status?: CaseStatus;
}

export interface NotificationAddress {
  name: string;
  language: 'en' | 'cy';
  channel: 'email' | 'sms' | 'letter';
  recipient: string;
}

/**
 * What a record made for a resident (a case, a complaint, an appointment) needs of the customers
 * capability: whether the actor may name a customer, where to write to them, and, for a
 * resident's online submission without an account, a new customer made in the same transaction.
 */
export interface ResidentDependencies {
  /** Whether `actor` may name this customer on the record (undefined when not, or when there is none). */
  findCustomer(actor: Actor, id: string): Promise<{ id: string; councilId: string } | undefined>;
  notificationAddress(customerId: string): Promise<NotificationAddress | undefined>;
  /** Records a new customer in `trx` (a resident's online submission made without an account). */
  createCustomer?(
    trx: Tx,
    actor: Actor,
    councilId: string,
    input: NewCustomerInput,
  ): Promise<{ id: string; address: NotificationAddress | undefined }>;
  /** The address residents' links start with, e.g. https://council.example. */
  publicUrl: string;
  now?: () => Date;
}

export interface Dependencies extends ResidentDependencies {
  services: Pick<ServicesService, 'forCase'>;
  calendar: Pick<CalendarService, 'slaDates'>;
}

const placement = (record: {
  councilId: string;
  organisation: { id: string };
  assignedTo: { id: string } | null;
}): CasePlacement => ({
  councilId: record.councilId,
  organisationId: record.organisation.id,
  assignedTo: record.assignedTo?.id ?? null,
});

/** A case as its resident sees it (tracking link or account): its public updates and files, and the address they gave. */
export async function publicSideOf(db: Db, record: repo.CaseRecord) {
  const [events, files, properties] = await Promise.all([
    repo.caseEvents(db, record.id, { publicOnly: true }),
    repo.attachments(db, record.id, { publicOnly: true }),
    record.uprn === null ? undefined : propertiesByUprn(db, record.councilId, [record.uprn]),
  ]);
  // The address the resident gave (as the council's gazetteer writes it), when they gave a property.
  const address = record.uprn === null ? null : (properties?.get(record.uprn)?.label ?? null);
  return { record, events, attachments: files, address };
}

export function createCasesService(db: Db, dependencies: Dependencies) {
  const now = dependencies.now ?? (() => new Date());

  function councilOf(actor: Actor, given?: string): string {
    if (actor.kind === 'system') {
      if (!given) throw new Invalid([{ field: 'council', message: 'cases.errors.councilUnknown' }]);
      return given;
    }
    return actor.councilId;
  }

  /** The case by reference that `actor` may take `action` on; NotFound for one they may not see. */
  async function requireCase(actor: Actor, reference: string, action: 'read' | 'note' | 'update' | 'assign' | 'take' | 'attach') {
    const normalised = normaliseCaseReference(reference);
    const record = normalised ? await repo.findCase(db, { reference: normalised }) : undefined;
    if (!record || !casePolicy.can(actor, 'read', placement(record))) throw new NotFound('case');
    casePolicy.authorize(actor, action, placement(record));
    return record;
  }

  function trackingUrl(token: string): string {
    return new URL(`/track/${token}`, dependencies.publicUrl).toString();
  }

  /** Tells the case's customer (if there is one who can be reached) about `event`, in `trx`. */
  async function tellCustomer(
    trx: Tx,
    target: {
      councilId: string;
      customerId: string | null;
      reference: string;
      trackingToken: string;
      recordId: string;
      occurrence?: string;
    },
    event: NotificationEvent,
    personalisation: Record<string, string>,
    /** The customer's address when the caller has read it already (before its transaction began). */
    known?: { address: NotificationAddress | undefined },
  ) {
    if (!target.customerId) return;
    const address = known ? known.address : await dependencies.notificationAddress(target.customerId);
    if (!address) return;
    await queueNotification(trx, {
      councilId: target.councilId,
      event,
      channel: address.channel,
      recipient: address.recipient,
      language: address.language,
      personalisation: {
        name: address.name,
        reference: target.reference,
        trackingUrl: trackingUrl(target.trackingToken),
        satisfactionUrl: `${trackingUrl(target.trackingToken)}/satisfaction`,
        ...personalisation,
      },
      recordType: 'case',
      recordId: target.recordId,
      ...(target.occurrence ? { occurrence: target.occurrence } : {}),
    });
  }

  async function problemsWithRaise(councilId: string, input: RaiseCaseInput) {
    const problems: FieldError[] = [];
    const service = /^[a-z0-9][a-z0-9-]{1,59}$/.test(input.serviceCode)
      ? await dependencies.services.forCase(councilId, input.serviceCode)
      : undefined;
    if (!service) problems.push({ field: 'serviceCode', message: 'cases.errors.serviceUnknown' });
    const description = input.description.trim();
    if (description === '') problems.push({ field: 'description', message: 'cases.errors.descriptionMissing' });
    else if (description.length > DESCRIPTION_MAX_LENGTH)
      problems.push({
        field: 'description',
        message: 'cases.errors.descriptionTooLong',
        params: { max: DESCRIPTION_MAX_LENGTH },
      });
    if (!(CHANNELS as readonly string[]).includes(input.channel))
      problems.push({ field: 'channel', message: 'cases.errors.channelMissing' });
    const checked = service ? checkAnswers(service.questions, input.answers ?? {}) : { answers: {}, problems: [] };
    problems.push(...checked.problems);
    // A location question's answer is where the case is, unless one was given outright.
    const locationQuestion = service?.questions.find((question) => question.kind === 'location');
    const location =
      input.location ??
      (locationQuestion ? (checked.answers[locationQuestion.code] as RaiseCaseInput['location'] | undefined) : undefined);
    const place = location ? await placeOf(db, councilId, location) : undefined;
    if (location && !place) problems.push({ field: 'location', message: 'cases.errors.uprnUnknown' });
    return { problems, service, description, answers: checked.answers, place };
  }

  /** The case a journey already raised, as raising it gave it. */
  async function submitted(key: string) {
    const record = await repo.findCase(db, { submissionKey: key });
    if (!record) return undefined;
    return {
      id: record.id,
      reference: record.reference,
      trackingToken: record.trackingToken,
      status: record.status,
      priority: record.priority,
      serviceCode: record.service.code,
      teamId: record.team.id,
      teamName: record.team.name,
      dueAt: record.dueAt,
      linkedTo: record.linkedTo?.reference ?? null,
      customerId: record.customer?.id ?? null,
      alreadyReported: [] as Awaited<ReturnType<typeof repo.openCasesNear>>,
      isNew: false,
    };
  }

  return {
    /**
     * Raises a case: checks it against the service's form (Invalid, per field), routes it, sets
     * its due date, and records it with its events, audit record and the customer's notification.
     */
    async raise(
      actor: Actor,
      input: RaiseCaseInput,
      options: {
        council?: string;
        submission?: Submission;
        alongside?: Alongside<{ id: string; reference: string; councilId: string }>;
      } = {},
    ) {
      const councilId = councilOf(actor, options.council);
      caseRaisingPolicy.authorize(actor, 'raise', { councilId });
      const { submission } = options;
      if (submission) {
        const sent = await submitted(submission.key);
        if (sent) return sent;
      }
      const { problems, service, description, answers, place } = await problemsWithRaise(councilId, input);
      if (input.customerId !== undefined) {
        const customer = isUuid(input.customerId) ? await dependencies.findCustomer(actor, input.customerId) : undefined;
        if (!customer || customer.councilId !== councilId)
          problems.push({ field: 'customerId', message: 'cases.errors.customerUnknown' });
      }
      let primary: repo.CaseRecord | undefined;
      if (input.linkTo !== undefined) {
        const reference = normaliseCaseReference(input.linkTo);
        primary = reference ? await repo.findCase(db, { reference }) : undefined;
        if (!primary || primary.councilId !== councilId || primary.service.id !== service?.id || !isOpen(primary.status))
          problems.push({ field: 'linkTo', message: 'cases.errors.linkToInvalid' });
      }
      if (problems.length > 0 || !service) throw new Invalid(problems);

      const receivedAt = now();
      // Offered back to whoever raised it: the resident may prefer to follow one of these.
      const nearby =
        place && !primary
          ? await repo.openCasesNear(db, service.id, place, {
              since: new Date(receivedAt.getTime() - ALREADY_REPORTED_DAYS * 86_400_000),
              metres: ALREADY_REPORTED_METRES,
            })
          : [];
      const route = primary
        ? { teamId: primary.team.id, organisationId: primary.organisation.id, priority: primary.priority }
        : routeCase(service, { ward: place?.ward ?? null, answers });
      const customerId = input.customerId ?? null;
      // Where to tell the customer is read before the transaction opens rather than inside it
      // (it was never the transaction's own read), so the transaction holds its connection for less.
      const [{ dueAt, dueSoonAt }, address] = await Promise.all([
        dependencies.calendar.slaDates(route.organisationId, receivedAt, service.slaWorkingDays),
        customerId ? dependencies.notificationAddress(customerId) : undefined,
      ]);

      const newCustomer = submission?.newCustomer;
      if (newCustomer && !dependencies.createCustomer) throw new Error('raising a case with a new customer needs createCustomer');
      return await db
        .transaction()
        .execute(async (trx) => {
          const created = newCustomer ? await dependencies.createCustomer!(trx, actor, councilId, newCustomer) : undefined;
          const value: repo.NewCase = {
            councilId,
            reference: '',
            trackingToken: newTrackingToken(),
            serviceId: service.id,
            customerId: created?.id ?? customerId,
            channel: input.channel,
            description,
            answers,
            location: place ? { lat: place.lat, long: place.long } : null,
            uprn: place?.uprn ?? null,
            ward: place?.ward ?? null,
            status: primary ? primary.status : 'submitted',
            priority: route.priority,
            teamId: route.teamId,
            organisationId: route.organisationId,
            receivedAt,
            dueAt,
            dueSoonAt,
            linkedTo: primary?.id ?? null,
            createdBy: actor.kind === 'staff' ? actor.id : null,
            createdByApiKey: actor.kind === 'api_key' ? actor.id : null,
            submissionKey: submission?.key ?? null,
          };
          let id: string | undefined;
          // 40 random bits: a clash is rare, and another draw settles it.
          for (let attempt = 0; id === undefined; attempt++) {
            if (attempt === 5) throw new Error('could not draw an unused case reference');
            value.reference = newCaseReference();
            id = await repo.insertCase(trx, value);
          }
          const who = timelineActor(actor);
          const events: repo.NewEvent[] = [
            {
              caseId: id,
              councilId,
              kind: 'received',
              visibility: 'public',
              actor: who,
              statusTo: value.status,
              occurredAt: receivedAt,
            },
          ];
          if (route.teamId !== service.teamId)
            events.push({
              caseId: id,
              councilId,
              kind: 'routed',
              visibility: 'internal',
              actor: who,
              details: { teamId: route.teamId },
            });
          if (primary)
            events.push({
              caseId: id,
              councilId,
              kind: 'linked',
              visibility: 'public',
              actor: who,
              details: { reference: primary.reference },
            });
          await repo.insertEvents(trx, events);
          await recordAudit(trx, actor, {
            action: 'case.create',
            organisationId: councilId,
            recordType: 'case',
            recordId: id,
            changes: changesBetween({}, { ...value, trackingToken: '[secret]', description: '[description]' }, [
              'reference',
              'serviceId',
              'customerId',
              'channel',
              'status',
              'priority',
              'teamId',
              'ward',
              'dueAt',
              'linkedTo',
            ]),
          });
          // Told to other systems (webhooks): what was asked and where, never who asked.
          await recordEvent(trx, {
            councilId,
            organisationId: route.organisationId,
            type: 'case.created',
            subject: value.reference,
            occurredAt: receivedAt,
            data: {
              reference: value.reference,
              service: { code: service.code, name: service.name },
              status: value.status,
              priority: value.priority,
              channel: value.channel,
              description,
              answers,
              location: value.location,
              uprn: value.uprn,
              ward: value.ward,
              teamId: value.teamId,
              receivedAt: receivedAt.toISOString(),
              dueAt: dueAt.toISOString(),
              linkedTo: primary?.reference ?? null,
            },
          });
          await tellCustomer(
            trx,
            {
              councilId,
              customerId: value.customerId,
              reference: value.reference,
              trackingToken: value.trackingToken,
              recordId: value.reference,
            },
            'case.received',
            { serviceName: service.name, dueDate: lastDueDay(dueAt) },
            { address: created ? created.address : address },
          );
          for (const file of input.attachments ?? []) {
            const attachmentId = await repo.insertAttachment(trx, {
              caseId: id,
              councilId,
              fileKey: file.key,
              fileName: file.fileName,
              contentType: file.contentType,
              sizeBytes: file.sizeBytes,
              sha256: file.sha256,
              visibility: file.visibility,
              uploadedBy: actor.kind === 'staff' ? actor.id : null,
              uploadedByApiKey: actor.kind === 'api_key' ? actor.id : null,
            });
            await repo.insertEvents(trx, [
              {
                caseId: id,
                councilId,
                kind: 'attachment_added',
                visibility: file.visibility,
                actor: who,
                details: { attachmentId, fileName: file.fileName },
              },
            ]);
          }
          if (options.alongside) await options.alongside(trx, { id, reference: value.reference, councilId });
          return {
            id,
            reference: value.reference,
            trackingToken: value.trackingToken,
            status: value.status,
            priority: value.priority,
            serviceCode: service.code,
            teamId: route.teamId,
            teamName: primary
              ? primary.team.name
              : (service.routingRules.find((rule) => rule.teamId === route.teamId)?.teamName ?? service.teamName),
            dueAt,
            linkedTo: primary?.reference ?? null,
            customerId: value.customerId,
            alreadyReported: nearby,
            /** False when the same submission, sent before, gave its case back. */
            isNew: true,
          };
        })
        .catch(async (error: unknown) => {
          // The same journey sent twice at once: the unique index let one through, which is the answer.
          const sent =
            submission && isUniqueViolation(error, 'cases_submission_key_idx') ? await submitted(submission.key) : undefined;
          if (sent) return sent;
          throw error;
        });
    },

    /**
     * Open cases of the service near a place, asked before a case is raised there, so whoever
     * raises it can follow one instead ("already reported"). Empty when the place is not known.
     */
    async alreadyReported(
      actor: Actor,
      serviceCode: string,
      location: NonNullable<RaiseCaseInput['location']>,
      options: { council?: string } = {},
    ) {
      const councilId = councilOf(actor, options.council);
      caseRaisingPolicy.authorize(actor, 'raise', { councilId });
      const service = await dependencies.services.forCase(councilId, serviceCode);
      const place = service ? await placeOf(db, councilId, location) : undefined;
      if (!service || !place) return [];
      return await repo.openCasesNear(db, service.id, place, {
        since: new Date(now().getTime() - ALREADY_REPORTED_DAYS * 86_400_000),
        metres: ALREADY_REPORTED_METRES,
      });
    },

    /** A case and everything its page shows; its events for the actor (a partner sees all of its own). */
    async view(actor: Actor, reference: string) {
      const record = await requireCase(actor, reference, 'read');
      const [events, files, linked, service, members] = await Promise.all([
        repo.caseEvents(db, record.id),
        repo.attachments(db, record.id),
        repo.linkedCases(db, record.id),
        dependencies.services.forCase(record.councilId, record.service.code),
        repo.teamMembers(db, record.team.id),
      ]);
      const assignees = events.flatMap((event) =>
        event.kind === 'assigned' ? [event.details?.from, event.details?.to].filter((id): id is string => isUuid(id)) : [],
      );
      const names = await repo.staffNames(db, [...new Set(assignees)]);
      await recordAudit(db, actor, {
        action: 'case.view',
        organisationId: record.councilId,
        recordType: 'case',
        recordId: record.id,
      });
      return {
        record,
        events: events.map((event) =>
          event.kind === 'assigned'
            ? { ...event, assignee: names.get(String(event.details?.to)) ?? null }
            : { ...event, assignee: null },
        ),
        attachments: files,
        linked: linked.map((row) => ({ reference: row.reference, status: row.status as CaseStatus })),
        /** The questions its answers are to, as the service asks them now (a retired service: none). */
        questions: service?.questions ?? [],
        nextStatuses: nextStatuses(record.status),
        members: casePolicy.can(actor, 'assign', placement(record)) ? members : [],
        can: {
          update: casePolicy.can(actor, 'update', placement(record)),
          note: casePolicy.can(actor, 'note', placement(record)),
          assign: casePolicy.can(actor, 'assign', placement(record)),
          take:
            casePolicy.can(actor, 'take', placement(record)) &&
            record.assignedTo?.id !== (actor.kind === 'staff' ? actor.id : null),
          attach: casePolicy.can(actor, 'attach', placement(record)),
        },
      };
    },

    /**
     * Adds a public update or an internal note, optionally moving the case on. A move the
     * lifecycle does not allow is a Conflict with the reason. Cases linked to this one as
     * "already reported" get the same public updates and status changes, and their residents
     * are told too.
     */
    async addUpdate(
      actor: Actor,
      reference: string,
      input: CaseUpdateInput,
      options: { alongside?: Alongside<{ caseId: string; councilId: string; updateId: string }> } = {},
    ) {
      const needsUpdateRight = input.visibility === 'public' || input.status !== undefined;
      const record = await requireCase(actor, reference, needsUpdateRight ? 'update' : 'note');
      const text = input.text.trim();
      const problems: FieldError[] = [];
      if (text === '') problems.push({ field: 'text', message: 'cases.errors.textMissing' });
      else if (text.length > UPDATE_MAX_LENGTH)
        problems.push({ field: 'text', message: 'cases.errors.textTooLong', params: { max: UPDATE_MAX_LENGTH } });
      if (input.visibility !== 'public' && input.visibility !== 'internal')
        problems.push({ field: 'visibility', message: 'cases.errors.visibilityMissing' });
      if (problems.length > 0) throw new Invalid(problems);

      const at = now();
      return await db.transaction().execute(async (trx) => {
        const current = await repo.lockCase(trx, record.id);
        const to = input.status !== undefined && input.status !== current.status ? input.status : undefined;
        if (to) {
          const refusal = refusalOfTransition(current.status, to);
          if (refusal) throw new Conflict(refusal);
        }
        if (to && input.visibility === 'internal' && (to === 'resolved' || to === 'closed' || isReopening(current.status, to)))
          // The resident is told when their case is resolved, closed or reopened: that is never internal.
          throw new Invalid([{ field: 'visibility', message: 'cases.errors.statusChangeIsPublic' }]);

        const followers = input.visibility === 'public' ? await repo.linkedCases(trx, record.id) : [];
        const movingFollowers = to ? followers.filter((follower) => !refusalOfTransition(follower.status as CaseStatus, to)) : [];
        const who = timelineActor(actor);
        const updateId = crypto.randomUUID();
        const events: repo.NewEvent[] = [];
        for (const target of [
          { id: record.id, status: current.status },
          ...followers.map((f) => ({ id: f.id, status: f.status as CaseStatus })),
        ]) {
          const moves = to && (target.id === record.id || movingFollowers.some((follower) => follower.id === target.id));
          events.push({
            caseId: target.id,
            councilId: record.councilId,
            kind: moves ? 'status_changed' : input.visibility === 'public' ? 'public_update' : 'internal_note',
            visibility: input.visibility,
            body: text,
            statusFrom: moves ? target.status : null,
            statusTo: moves ? to : null,
            actor: who,
            details: target.id === record.id ? { updateId } : { updateId, from: record.reference },
          });
        }
        if (to) await repo.setStatus(trx, [record.id, ...movingFollowers.map((follower) => follower.id)], to, at);
        await repo.insertEvents(trx, events);
        await recordAudit(trx, actor, {
          action: input.visibility === 'public' ? 'case.update' : 'case.note',
          organisationId: record.councilId,
          recordType: 'case',
          recordId: record.id,
          changes: to ? { status: { from: current.status, to } } : undefined,
          details: { updateId, followers: followers.map((follower) => follower.reference) },
        });
        // Told to other systems (webhooks): each status change, and each public update. Internal
        // notes stay inside OneDoor (a status change made with one is told, without its text).
        for (const target of [record, ...followers]) {
          const moved = events.find((event) => event.caseId === target.id && event.kind === 'status_changed');
          if (!moved && input.visibility !== 'public') continue;
          await recordEvent(trx, {
            councilId: record.councilId,
            organisationId: record.organisation.id,
            type: moved ? 'case.status_changed' : 'case.update_added',
            subject: target.reference,
            occurredAt: at,
            data: {
              reference: target.reference,
              updateId,
              ...(moved ? { from: moved.statusFrom, to: moved.statusTo } : {}),
              update: input.visibility === 'public' ? text : null,
            },
          });
        }
        if (input.visibility === 'public') {
          const event =
            to === 'resolved'
              ? 'case.resolved'
              : to === 'closed'
                ? 'case.closed'
                : to && isReopening(current.status, to)
                  ? 'case.reopened'
                  : 'case.updated';
          const targets = [
            {
              councilId: record.councilId,
              customerId: record.customer?.id ?? null,
              reference: record.reference,
              trackingToken: record.trackingToken,
            },
            ...followers.map((follower) => ({
              councilId: follower.council_id,
              customerId: follower.customer_id,
              reference: follower.reference,
              trackingToken: follower.tracking_token,
            })),
          ];
          for (const target of targets)
            await tellCustomer(trx, { ...target, recordId: target.reference, occurrence: updateId }, event, {
              serviceName: record.service.name,
              updateText: text,
              // A reopening says when the case is now due (case.reopened needs it).
              dueDate: lastDueDay(record.dueAt),
            });
        }
        if (options.alongside) await options.alongside(trx, { caseId: record.id, councilId: record.councilId, updateId });
        return { status: to ?? current.status, updateId, followers: followers.map((follower) => follower.reference) };
      });
    },

    /** Gives a case to a member of its team (or to nobody); team leaders only. */
    async assign(actor: Actor, reference: string, userId: string | null) {
      const record = await requireCase(actor, reference, 'assign');
      await assignCases(actor, record.team.id, [record.id], userId);
    },

    /** An officer takes a case for themselves. */
    async take(actor: StaffActor, reference: string) {
      const record = await requireCase(actor, reference, 'take');
      await assignCases(actor, record.team.id, [record.id], actor.id, { selfAssigned: true });
    },

    /** Assigns the chosen open cases of a team's queue to one person in one go. */
    async bulkAssign(actor: StaffActor, teamId: string, caseIds: string[], userId: string | null) {
      const teams = await repo.teamsOf(db, actor.organisationId);
      const team = teams.find((candidate) => candidate.id === teamId);
      if (!team) throw new NotFound('team');
      caseQueuePolicy.authorize(actor, 'assign', { organisationId: team.organisation_id });
      const ids = caseIds.filter(isUuid);
      if (ids.length === 0) throw new Invalid([{ field: 'cases', message: 'cases.errors.noneChosen' }]);
      return await assignCases(actor, teamId, ids, userId);
    },

    /** A team's queue, filtered, sorted and paged in the database. */
    async queue(
      actor: StaffActor,
      options: {
        teamId?: string;
        statuses?: CaseStatus[];
        serviceIds?: string[];
        slaStates?: repo.SlaState[];
        wards?: string[];
        assignedToMe?: boolean;
        unassigned?: boolean;
        sort?: repo.QueueSort;
        page?: number;
      },
    ) {
      const teams = await repo.teamsOf(db, actor.organisationId);
      const teamId =
        options.teamId && teams.some((team) => team.id === options.teamId)
          ? options.teamId
          : ((await repo.teamOfUser(db, actor.id)) ?? teams[0]?.id);
      const team = teams.find((candidate) => candidate.id === teamId);
      if (!team) throw new NotFound('team');
      caseQueuePolicy.authorize(actor, 'open', { organisationId: team.organisation_id });
      const statuses = options.statuses?.length
        ? options.statuses
        : (['submitted', 'in_progress', 'awaiting_customer'] as CaseStatus[]);
      const page = Math.max(1, Math.min(400, Math.trunc(options.page ?? 1)));
      const [result, facets, members] = await Promise.all([
        repo.queue(
          db,
          {
            teamId: team.id,
            statuses,
            serviceIds: (options.serviceIds ?? []).filter(isUuid),
            slaStates: options.slaStates ?? [],
            wards: options.wards ?? [],
            assignedTo: options.assignedToMe ? actor.id : null,
            unassigned: options.unassigned ?? false,
          },
          { sort: options.sort ?? 'due', page, now: now() },
        ),
        repo.queueFacets(db, team.id),
        repo.teamMembers(db, team.id),
      ]);
      return {
        team,
        teams,
        statuses,
        page,
        ...result,
        facets,
        members,
        canAssign: caseQueuePolicy.can(actor, 'assign', { organisationId: team.organisation_id }),
      };
    },

    /** Keeps an uploaded file (already checked and stored) as one of the case's attachments. */
    async attach(
      actor: Actor,
      reference: string,
      file: { key: string; fileName: string; contentType: string; sizeBytes: number; sha256: string },
      visibility: 'public' | 'internal',
    ) {
      const record = await requireCase(actor, reference, visibility === 'public' ? 'update' : 'attach');
      return await db.transaction().execute(async (trx) => {
        const id = await repo.insertAttachment(trx, {
          caseId: record.id,
          councilId: record.councilId,
          fileKey: file.key,
          fileName: file.fileName,
          contentType: file.contentType,
          sizeBytes: file.sizeBytes,
          sha256: file.sha256,
          visibility,
          uploadedBy: actor.kind === 'staff' ? actor.id : null,
          uploadedByApiKey: actor.kind === 'api_key' ? actor.id : null,
        });
        await repo.insertEvents(trx, [
          {
            caseId: record.id,
            councilId: record.councilId,
            kind: 'attachment_added',
            visibility,
            actor: timelineActor(actor),
            details: { attachmentId: id, fileName: file.fileName },
          },
        ]);
        await recordAudit(trx, actor, {
          action: 'case.attach',
          organisationId: record.councilId,
          recordType: 'case',
          recordId: record.id,
          details: { attachmentId: id, contentType: file.contentType, sizeBytes: file.sizeBytes },
        });
        return id;
      });
    },

    /** One attachment of a case the actor may see, for download. */
    async attachment(actor: Actor, reference: string, attachmentId: string) {
      const record = await requireCase(actor, reference, 'read');
      const found = (await repo.attachments(db, record.id)).find((attachment) => attachment.id === attachmentId);
      if (!found) throw new NotFound('attachment');
      await recordAudit(db, actor, {
        action: 'case.attachment.download',
        organisationId: record.councilId,
        recordType: 'case',
        recordId: record.id,
        details: { attachmentId },
      });
      return found;
    },

    // For integrations (Open311): listing a council's cases and the public changes on them.

    /** The council's cases the actor may read, matching every condition given, newest first. */
    async list(actor: Actor, filter: Omit<repo.CaseListFilter, 'councilId'>, options: { council?: string } = {}) {
      const councilId = councilOf(actor, options.council);
      const records = (await repo.listCases(db, { ...filter, councilId })).filter((record) =>
        casePolicy.can(actor, 'read', placement(record)),
      );
      // What another system read of residents' cases is on the record, as a case page's view is.
      if (records.length > 0)
        await recordAudit(db, actor, {
          action: 'case.list',
          organisationId: councilId,
          recordType: 'case',
          details: { references: records.slice(0, 100).map((record) => record.reference), count: records.length },
        });
      return records;
    },

    /** Public updates and status changes on the council's cases the actor may read, in [from, to], oldest first. */
    async publicChanges(
      actor: Actor,
      window: { from: Date; to: Date; limit: number; serviceCodes?: string[] },
      options: { council?: string } = {},
    ) {
      const councilId = councilOf(actor, options.council);
      const changes = await repo.publicChanges(db, { ...window, councilId });
      return changes.filter((change) =>
        casePolicy.can(actor, 'read', { councilId: change.councilId, organisationId: change.organisationId, assignedTo: null }),
      );
    },

    /** A customer's cases, newest first (the customers capability has already checked the actor may see the customer). */
    async casesOfCustomer(customerId: string) {
      return await repo.casesOfCustomer(db, customerId);
    },

    /** What a resident sees from their tracking link: the case, its public updates and files. */
    async track(token: string) {
      const record = isTrackingToken(token) ? await repo.findCase(db, { trackingToken: token }) : undefined;
      if (!record) throw new NotFound('case');
      return await publicSideOf(db, record);
    },

    /** The resident says how satisfied they are with a closed case (once). */
    async recordSatisfaction(token: string, input: { score: number; comment?: string }) {
      const record = isTrackingToken(token) ? await repo.findCase(db, { trackingToken: token }) : undefined;
      if (!record) throw new NotFound('case');
      const problems: FieldError[] = [];
      if (!Number.isInteger(input.score) || input.score < 1 || input.score > 5)
        problems.push({ field: 'score', message: 'cases.errors.scoreMissing' });
      const comment = input.comment?.trim() || null;
      if (comment && comment.length > 2000)
        problems.push({ field: 'comment', message: 'cases.errors.commentTooLong', params: { max: 2000 } });
      if (problems.length > 0) throw new Invalid(problems);
      if (record.status !== 'closed') throw new Conflict('cases.errors.satisfactionNotClosed');
      await db.transaction().execute(async (trx) => {
        if (!(await repo.recordSatisfaction(trx, record.id, input.score, comment, now())))
          throw new Conflict('cases.errors.satisfactionGiven');
        await repo.insertEvents(trx, [
          {
            caseId: record.id,
            councilId: record.councilId,
            kind: 'satisfaction',
            visibility: 'internal',
            actor: { type: 'resident', id: null, label: null },
            details: { score: input.score },
            body: comment,
          },
        ]);
      });
    },

    /**
     * The escalation job: each open case past its due time, not yet escalated, is escalated once
     * to its team's leaders (an internal event and an email to each). Safe to run twice.
     */
    async escalateOverdue(): Promise<number> {
      const at = now();
      return await db.transaction().execute(async (trx) => {
        const overdue = await repo.overdueToEscalate(trx, at, ESCALATION_BATCH);
        if (overdue.length === 0) return 0;
        const leadersByTeam = await repo.teamLeaders(trx, [...new Set(overdue.map((item) => item.team_id))]);
        await repo.markEscalated(
          trx,
          overdue.map((item) => item.id),
          at,
        );
        await repo.insertEvents(
          trx,
          overdue.map((item) => ({
            caseId: item.id,
            councilId: item.council_id,
            kind: 'escalated' as const,
            visibility: 'internal' as const,
            actor: { type: 'system' as const, id: null, label: 'job:cases.escalate' },
            details: { to: (leadersByTeam.get(item.team_id) ?? []).map((leader) => leader.email) },
          })),
        );
        for (const item of overdue)
          for (const leader of leadersByTeam.get(item.team_id) ?? [])
            await queueNotification(trx, {
              councilId: item.council_id,
              event: 'case.escalated',
              channel: 'email',
              recipient: leader.email,
              language: 'en',
              personalisation: {
                name: leader.name,
                reference: item.reference,
                serviceName: item.service_name,
                dueDate: lastDueDay(item.due_at),
                caseUrl: new URL(`/staff/cases/${item.reference}`, dependencies.publicUrl).toString(),
              },
              recordType: 'case',
              recordId: item.reference,
            });
        return overdue.length;
      });
    },
  };

  async function assignCases(
    actor: Actor,
    teamId: string,
    ids: string[],
    userId: string | null,
    options: { selfAssigned?: boolean } = {},
  ) {
    let assignee: { id: string; name: string } | null = null;
    if (userId !== null) {
      const members = await repo.teamMembers(db, teamId);
      const member = members.find((candidate) => candidate.id === userId);
      if (!member) throw new Invalid([{ field: 'assignee', message: 'cases.errors.assigneeNotInTeam' }]);
      assignee = { id: member.id, name: member.name };
    }
    return await db.transaction().execute(async (trx) => {
      const cases = await repo.casesOfTeam(trx, teamId, ids);
      if (cases.length === 0) throw new NotFound('case');
      if (!options.selfAssigned)
        for (const item of cases)
          if (
            actor.kind !== 'system' &&
            !casePolicy.can(actor, 'assign', {
              councilId: item.council_id,
              organisationId: item.organisation_id,
              assignedTo: item.assigned_to,
            })
          )
            throw new NotAllowed('Case.assign');
      const changing = cases.filter((item) => item.assigned_to !== userId);
      await repo.setAssignee(
        trx,
        changing.map((item) => item.id),
        userId,
      );
      await repo.insertEvents(
        trx,
        changing.map((item) => ({
          caseId: item.id,
          councilId: item.council_id,
          kind: 'assigned' as const,
          visibility: 'internal' as const,
          actor: timelineActor(actor),
          details: { from: item.assigned_to, to: userId },
        })),
      );
      for (const item of changing) {
        await recordAudit(trx, actor, {
          action: 'case.assign',
          organisationId: item.council_id,
          recordType: 'case',
          recordId: item.id,
          changes: { assignedTo: { from: item.assigned_to, to: userId } },
        });
      }
      await recordEvents(
        trx,
        changing.map((item) => ({
          councilId: item.council_id,
          organisationId: item.organisation_id,
          type: 'case.assigned' as const,
          subject: item.reference,
          data: { reference: item.reference, teamId, from: item.assigned_to, to: userId },
        })),
      );
      return { assigned: changing.map((item) => item.reference), assignee };
    });
  }
}

export type CasesService = ReturnType<typeof createCasesService>;

/** The escalation job: every ten minutes, overdue open cases go to their team leaders once. */
export function casesJobs(cases: Pick<CasesService, 'escalateOverdue'>): ScheduledJob[] {
  return [{ name: 'cases.escalate-overdue', cron: '*/10 * * * *', run: () => cases.escalateOverdue() }];
}
