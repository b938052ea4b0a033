// Complaints, compliments and comments: recorded by staff from any channel, by other systems
// through the API and by residents online; a complaint then runs through the Code's stages
// (workflow.ts) to its outcome, remedies and learning. Each step commits in one transaction with
// its timeline event, its audit record and the letter or email it causes.
import { isUniqueViolation, type Db, type Tx } from '../db/database.ts';
import { newReference, normaliseReference } from '../cases/reference.ts';
import {
  CHANNELS,
  type CaseChannel,
  type NotificationAddress,
  type ResidentDependencies,
  type Submission,
} from '../cases/service.ts';
import { timelineActor, type Actor } from '../platform/actor.ts';
import { changesBetween, recordAudit } from '../platform/audit/audit.ts';
import { recordEvent } from '../platform/events/events.ts';
import { Conflict, Invalid, NotFound, type FieldError } from '../platform/errors.ts';
import { isCalendarDate, isOneOf, todayInLondon } from '../platform/forms.ts';
import { isUuid } from '../platform/ids.ts';
import { queueNotification } from '../platform/notifications/outbox.ts';
import type { NotificationEvent } from '../platform/notifications/templates.ts';
import { lastDueDay } from '../services/calendar.ts';
import type { CalendarService } from '../services/calendarService.ts';
import type { ServicesService } from '../services/service.ts';
import { complaintPolicy } from './policy.ts';
import * as repo from './repo.ts';
import {
  CATEGORIES,
  COMPLAINT_KINDS,
  OMBUDSMAN_OUTCOMES,
  OUTCOMES,
  REMEDY_KINDS,
  TIMESCALES,
  currentStage,
  nextDeadline,
  refusalOf,
  respondByOf,
  timeliness,
  type ComplaintCategory,
  type ComplaintKind,
  type ComplaintOutcome,
  type ComplaintStatus,
  type OmbudsmanOutcome,
  type RemedyKind,
  type StageNumber,
  type Step,
} from './workflow.ts';

export type { ComplaintRecord, StageRecord, ListFilter } from './repo.ts';
export { LIST_PAGE_SIZE } from './repo.ts';

export const REFERENCE_PREFIX = 'CMP';
/** The channels a complaint reaches the council by are those a case does. */
export { CHANNELS } from '../cases/service.ts';
export type ComplaintChannel = CaseChannel;
export const DESCRIPTION_MAX_LENGTH = 10_000;
export const OUTCOME_WANTED_MAX_LENGTH = 5000;
export const ADJUSTMENTS_MAX_LENGTH = 2000;
export const TEXT_MAX_LENGTH = 2000;
/** A complaint recorded late may say when it arrived, but not more than a year back. */
export const RECEIVED_AT_MOST_DAYS_AGO = 366;
/** The largest payment a remedy may record, in pence (£100,000). */
export const MAX_PAYMENT_PENCE = 10_000_000;
/** The handler is reminded of a deadline this long before it. */
export const REMINDER_HOURS = 48;
const SWEEP_BATCH = 200;

export interface RecordComplaintInput {
  kind?: ComplaintKind;
  description: string;
  channel: ComplaintChannel;
  customerId?: string;
  serviceCode?: string;
  category?: ComplaintCategory;
  outcomeWanted?: string;
  adjustments?: string;
  ombudsmanScheme?: 'lgsco' | 'housing';
  /** When the council received it, when that was before it was recorded. */
  receivedAt?: Date;
}

/** A resident's online complaint, as an online request: sending it twice records one, and their details become a customer. */
export type { Submission } from '../cases/service.ts';

/** The customers capability's part (publicUrl: the staff desktop's address, for links in reminders). */
export interface Dependencies extends ResidentDependencies {
  services: Pick<ServicesService, 'forCase'>;
  calendar: Pick<CalendarService, 'slaDates' | 'workingDaysBetween'>;
}

const staffId = (actor: Actor): string | null => (actor.kind === 'staff' ? actor.id : null);

/** Checks a length-limited optional text; returns it trimmed, or null when empty. */
function optionalText(problems: FieldError[], field: string, value: string | undefined, max: number): string | null {
  const text = (value ?? '').trim();
  if (text.length > max) problems.push({ field, message: 'complaints.errors.tooLong', params: { max } });
  return text === '' ? null : text;
}

/** A complaint as the customer's record lists it. */
export interface CustomerComplaint {
  reference: string;
  kind: ComplaintKind;
  status: ComplaintStatus;
  receivedAt: Date;
  dueOn: string | null;
}

export function createComplaintsService(db: Db, dependencies: Dependencies) {
  const now = dependencies.now ?? (() => new Date());

  function councilOf(actor: Actor, given?: string): string {
    if (actor.kind === 'system') {
      if (!given) throw new Invalid([{ field: 'council', message: 'complaints.errors.councilUnknown' }]);
      return given;
    }
    return actor.councilId;
  }

  /** The complaint by reference that `actor` may read (and then `action`); NotFound for one they may not see. */
  async function requireComplaint(actor: Actor, reference: string, action: 'read' | 'work' = 'read') {
    const normalised = normaliseReference(REFERENCE_PREFIX, reference);
    const record = normalised ? await repo.findComplaint(db, { reference: normalised }) : undefined;
    if (!record || !complaintPolicy.can(actor, 'read', record)) throw new NotFound('complaint');
    complaintPolicy.authorize(actor, action, record);
    return record;
  }

  /**
   * A date given for a step (acknowledged on, answered on, ...): not before `earliest` (when the
   * complaint or its stage arrived) and not in the future. Problems go on `field`.
   */
  function checkedDate(
    problems: FieldError[],
    field: string,
    given: Date | undefined,
    earliest: Date,
    tooEarly = 'complaints.errors.dateBeforeReceived',
  ): Date {
    const at = given ?? now();
    if (Number.isNaN(at.getTime())) problems.push({ field, message: 'complaints.errors.dateInvalid' });
    else if (at.getTime() > now().getTime()) problems.push({ field, message: 'complaints.errors.dateInFuture' });
    else if (todayInLondon(at) < todayInLondon(earliest)) problems.push({ field, message: tooEarly });
    return at;
  }

  /** Tells the complainant, if they can be reached, in `trx`. */
  async function tellComplainant(
    trx: Tx,
    record: { id: string; councilId: string; reference: string; customerId: string | null },
    event: NotificationEvent,
    personalisation: Record<string, string>,
    occurrence: string,
    known?: { address: NotificationAddress | undefined },
  ) {
    if (!record.customerId) return;
    const address = known ? known.address : await dependencies.notificationAddress(record.customerId);
    if (!address) return;
    await queueNotification(trx, {
      councilId: record.councilId,
      event,
      channel: address.channel,
      recipient: address.recipient,
      language: address.language,
      personalisation: { name: address.name, reference: record.reference, ...personalisation },
      recordType: 'complaint',
      recordId: record.reference,
      occurrence,
    });
  }

  /**
   * Takes `step` on the complaint in one transaction: locks it, reads it again, refuses what the
   * Code does not allow (Conflict with the reason), then runs `change` with its event and audit.
   */
  async function takeStep<T>(
    actor: Actor,
    reference: string,
    step: (record: repo.ComplaintRecord) => Step,
    change: (trx: Tx, record: repo.ComplaintRecord) => Promise<T>,
  ): Promise<T> {
    const found = await requireComplaint(actor, reference, 'work');
    return await db.transaction().execute(async (trx) => {
      await repo.lockComplaint(trx, found.id);
      const record = (await repo.findComplaint(trx, { id: found.id }))!;
      const refusal = refusalOf(record, step(record));
      if (refusal) throw new Conflict(refusal);
      return await change(trx, record);
    });
  }

  async function event(
    trx: Tx,
    actor: Actor,
    record: repo.ComplaintRecord,
    value: Omit<repo.NewEvent, 'complaintId' | 'councilId' | 'actor'>,
  ) {
    await repo.insertEvents(trx, [
      { complaintId: record.id, councilId: record.councilId, actor: timelineActor(actor), ...value },
    ]);
  }

  async function audit(trx: Tx, actor: Actor, record: repo.ComplaintRecord, action: string, changes?: Record<string, unknown>) {
    await recordAudit(trx, actor, {
      action: `complaint.${action}`,
      organisationId: record.councilId,
      recordType: 'complaint',
      recordId: record.id,
      ...(changes ? { changes: changesBetween({}, changes, Object.keys(changes)) } : {}),
    });
  }

  const customerOf = (record: repo.ComplaintRecord) => ({
    id: record.id,
    councilId: record.councilId,
    reference: record.reference,
    customerId: record.customer?.id ?? null,
  });

  /** The complaint a journey already recorded, as recording it gave it. */
  async function submitted(key: string) {
    const record = await repo.findComplaint(db, { submissionKey: key });
    return record ? { ...summaryOf(record), isNew: false } : undefined;
  }

  function summaryOf(record: repo.ComplaintRecord) {
    const stage = currentStage(record);
    return {
      id: record.id,
      reference: record.reference,
      kind: record.kind,
      status: record.status,
      stage: record.stage,
      acknowledgeBy: stage?.acknowledgeBy ?? null,
      respondBy: stage ? respondByOf(stage) : null,
      team: record.team?.name ?? null,
    };
  }

  return {
    /**
     * Records a complaint, compliment or comment: checks it (Invalid, per field), names the team
     * it is about from its service, sets a complaint's stage 1 deadlines, and tells the resident.
     */
    async record(actor: Actor, input: RecordComplaintInput, options: { council?: string; submission?: Submission } = {}) {
      const councilId = councilOf(actor, options.council);
      complaintPolicy.authorize(actor, 'record', { councilId });
      const { submission } = options;
      if (submission) {
        const sent = await submitted(submission.key);
        if (sent) return sent;
      }
      const problems: FieldError[] = [];
      const kind = input.kind ?? 'complaint';
      if (!isOneOf(COMPLAINT_KINDS, kind)) problems.push({ field: 'kind', message: 'complaints.errors.kindMissing' });
      const description = (input.description ?? '').trim();
      if (description === '') problems.push({ field: 'description', message: 'complaints.errors.descriptionMissing' });
      else if (description.length > DESCRIPTION_MAX_LENGTH)
        problems.push({ field: 'description', message: 'complaints.errors.tooLong', params: { max: DESCRIPTION_MAX_LENGTH } });
      if (!isOneOf(CHANNELS, input.channel)) problems.push({ field: 'channel', message: 'complaints.errors.channelMissing' });
      if (input.category !== undefined && !isOneOf(CATEGORIES, input.category))
        problems.push({ field: 'category', message: 'complaints.errors.categoryMissing' });
      const outcomeWanted = optionalText(problems, 'outcomeWanted', input.outcomeWanted, OUTCOME_WANTED_MAX_LENGTH);
      const adjustments = optionalText(problems, 'adjustments', input.adjustments, ADJUSTMENTS_MAX_LENGTH);
      const service =
        input.serviceCode !== undefined && input.serviceCode !== ''
          ? await dependencies.services.forCase(councilId, input.serviceCode)
          : undefined;
      if (input.serviceCode && !service) problems.push({ field: 'serviceCode', message: 'complaints.errors.serviceUnknown' });
      if (input.customerId !== undefined) {
        const customer = isUuid(input.customerId) ? await dependencies.findCustomer(actor, input.customerId) : undefined;
        if (!customer || customer.councilId !== councilId)
          problems.push({ field: 'customerId', message: 'complaints.errors.customerUnknown' });
      }
      const at = now();
      const receivedAt = input.receivedAt ?? at;
      if (Number.isNaN(receivedAt.getTime())) problems.push({ field: 'receivedAt', message: 'complaints.errors.dateInvalid' });
      else if (receivedAt.getTime() > at.getTime())
        problems.push({ field: 'receivedAt', message: 'complaints.errors.dateInFuture' });
      else if (receivedAt.getTime() < at.getTime() - RECEIVED_AT_MOST_DAYS_AGO * 86_400_000)
        problems.push({ field: 'receivedAt', message: 'complaints.errors.receivedTooLongAgo' });
      if (problems.length > 0) throw new Invalid(problems);

      const isComplaint = kind === 'complaint';
      const [acknowledge, respond, address] = await Promise.all([
        isComplaint ? dependencies.calendar.slaDates(councilId, receivedAt, TIMESCALES[1].acknowledge) : undefined,
        // Until it is acknowledged, the latest the answer may be due: the acknowledgement's deadline and its own.
        isComplaint
          ? dependencies.calendar.slaDates(councilId, receivedAt, TIMESCALES[1].acknowledge + TIMESCALES[1].respond)
          : undefined,
        input.customerId ? dependencies.notificationAddress(input.customerId) : undefined,
      ]);
      const newCustomer = submission?.newCustomer;
      if (newCustomer && !dependencies.createCustomer)
        throw new Error('recording a complaint with a new customer needs createCustomer');

      return await db
        .transaction()
        .execute(async (trx) => {
          const created = newCustomer ? await dependencies.createCustomer!(trx, actor, councilId, newCustomer) : undefined;
          const value: repo.NewComplaint = {
            councilId,
            reference: '',
            kind,
            customerId: created?.id ?? input.customerId ?? null,
            channel: input.channel,
            category: input.category ?? null,
            serviceId: service?.id ?? null,
            teamId: service?.teamId ?? null,
            description,
            outcomeWanted: isComplaint ? outcomeWanted : null,
            adjustments,
            ombudsmanScheme: input.ombudsmanScheme === 'housing' ? 'housing' : 'lgsco',
            stage: isComplaint ? 1 : null,
            receivedAt,
            submissionKey: submission?.key ?? null,
            createdBy: staffId(actor),
            createdByApiKey: actor.kind === 'api_key' ? actor.id : null,
          };
          let id: string | undefined;
          for (let attempt = 0; id === undefined; attempt++) {
            if (attempt === 5) throw new Error('could not draw an unused complaint reference');
            value.reference = newReference(REFERENCE_PREFIX);
            id = await repo.insertComplaint(trx, value);
          }
          if (acknowledge && respond)
            await repo.insertStage(trx, {
              complaintId: id,
              councilId,
              stage: 1,
              receivedAt,
              acknowledgeBy: acknowledge.dueAt,
              respondBy: respond.dueAt,
            });
          await repo.insertEvents(trx, [
            {
              complaintId: id,
              councilId,
              kind: 'received',
              stage: value.stage,
              actor: timelineActor(actor),
              occurredAt: receivedAt,
            },
          ]);
          await recordAudit(trx, actor, {
            action: 'complaint.create',
            organisationId: councilId,
            recordType: 'complaint',
            recordId: id,
            changes: changesBetween({}, { ...value, description: '[description]' }, [
              'reference',
              'kind',
              'customerId',
              'channel',
              'category',
              'serviceId',
              'teamId',
              'stage',
              'receivedAt',
            ]),
          });
          // Told to other systems (webhooks): what kind of feedback, about what, and its deadlines; not its words.
          await recordEvent(trx, {
            councilId,
            type: 'complaint.created',
            subject: value.reference,
            occurredAt: receivedAt,
            data: {
              reference: value.reference,
              kind,
              status: 'open',
              stage: value.stage,
              channel: value.channel,
              category: value.category,
              service: service ? { code: service.code, name: service.name } : null,
              teamId: value.teamId,
              receivedAt: receivedAt.toISOString(),
              acknowledgeBy: acknowledge?.dueAt.toISOString() ?? null,
              respondBy: respond?.dueAt.toISOString() ?? null,
            },
          });
          // A compliment or comment is passed to the team it is about, at its shared mailbox.
          const mailbox = !isComplaint && value.teamId ? await repo.teamMailbox(trx, value.teamId) : undefined;
          if (mailbox?.email)
            await queueNotification(trx, {
              councilId,
              event: 'feedback.passed_on',
              channel: 'email',
              recipient: mailbox.email,
              language: 'en',
              personalisation: {
                name: mailbox.name,
                reference: value.reference,
                kind: kind === 'compliment' ? 'compliment' : 'comment',
                feedbackText: description,
                complaintUrl: new URL(`/staff/complaints/${value.reference}`, dependencies.publicUrl).toString(),
              },
              recordType: 'complaint',
              recordId: value.reference,
              occurrence: 'passed-on',
            });
          await tellComplainant(
            trx,
            { id, councilId, reference: value.reference, customerId: value.customerId },
            isComplaint ? 'complaint.received' : 'feedback.received',
            isComplaint ? { acknowledgeByDate: lastDueDay(acknowledge!.dueAt) } : {},
            'received',
            { address: created ? created.address : address },
          );
          return {
            id,
            reference: value.reference,
            kind,
            status: 'open' as ComplaintStatus,
            stage: value.stage,
            acknowledgeBy: acknowledge?.dueAt ?? null,
            respondBy: respond?.dueAt ?? null,
            team: service?.teamName ?? null,
            isNew: true,
          };
        })
        .catch(async (error: unknown) => {
          // The same journey sent twice at once: the unique index let one through, which is the answer.
          const sent =
            submission && isUniqueViolation(error, 'complaints_submission_key_idx') ? await submitted(submission.key) : undefined;
          if (sent) return sent;
          throw error;
        });
    },

    /** A complaint and everything its page shows. */
    async view(actor: Actor, reference: string) {
      const record = await requireComplaint(actor, reference);
      const [events, remedies, learning, handlers] = await Promise.all([
        repo.complaintEvents(db, record.id),
        repo.remediesOf(db, record.id),
        repo.learningActionsOf(db, record.id),
        repo.complaintHandlers(db, record.councilId),
      ]);
      await recordAudit(db, actor, {
        action: 'complaint.view',
        organisationId: record.councilId,
        recordType: 'complaint',
        recordId: record.id,
      });
      const stageOne = record.stages.find((stage) => stage.stage === 1);
      return {
        record,
        events,
        remedies,
        learning,
        nextDeadline: nextDeadline(record),
        /** Who may be made the handler: at stage 2, never whoever answered stage 1. */
        handlers: record.stage === 2 ? handlers.filter((person) => person.id !== stageOne?.respondedBy) : handlers,
        can: { work: complaintPolicy.can(actor, 'work', record) },
      };
    },

    /** The council's complaints, compliments and comments: open ones due soonest first. */
    async list(actor: Actor, filter: repo.ListFilter = {}, offset = 0) {
      const councilId = councilOf(actor);
      complaintPolicy.authorize(actor, 'read', { councilId });
      return await repo.listComplaints(db, councilId, filter, Number.isSafeInteger(offset) && offset > 0 ? offset : 0);
    },

    /**
     * A customer's complaints, compliments and comments with what each waits for next, for their
     * record's page: none for someone who may not read complaints.
     */
    async ofCustomer(actor: Actor, customerId: string): Promise<CustomerComplaint[]> {
      if (actor.kind === 'system' || !isUuid(customerId) || !complaintPolicy.can(actor, 'read', { councilId: actor.councilId }))
        return [];
      const { items } = await repo.listComplaints(db, actor.councilId, { customerId });
      return items.map((complaint) => ({
        reference: complaint.reference,
        kind: complaint.kind,
        status: complaint.status,
        receivedAt: complaint.receivedAt,
        /** The last day the next step is due on (London), if one is. */
        dueOn: complaint.nextDue ? lastDueDay(complaint.nextDue) : null,
      }));
    },

    /** Acknowledges the current stage (now, or on the day given): its answer is due from then. */
    async acknowledge(actor: Actor, reference: string, input: { at?: Date } = {}) {
      return await takeStep(
        actor,
        reference,
        () => ({ action: 'acknowledge' }),
        async (trx, record) => {
          const stage = currentStage(record)!;
          const problems: FieldError[] = [];
          const at = checkedDate(problems, 'at', input.at, stage.receivedAt);
          if (problems.length > 0) throw new Invalid(problems);
          const { dueAt: respondBy } = await dependencies.calendar.slaDates(
            record.councilId,
            at,
            TIMESCALES[stage.stage].respond,
            trx,
          );
          await repo.updateStage(trx, record.id, stage.stage, { acknowledgedAt: at, respondBy });
          await event(trx, actor, record, { kind: 'acknowledged', stage: stage.stage, occurredAt: at });
          await audit(trx, actor, record, 'acknowledge', { stage: stage.stage, acknowledgedAt: at, respondBy });
          await tellComplainant(
            trx,
            customerOf(record),
            'complaint.acknowledged',
            { stage: String(stage.stage), respondByDate: lastDueDay(respondBy) },
            `stage-${stage.stage}-acknowledged`,
          );
          return { respondBy };
        },
      );
    },

    /** Extends the current stage's answer once, by up to its limit, with a reason the complainant is told. */
    async extend(actor: Actor, reference: string, input: { days: number; reason: string }) {
      const reason = (input.reason ?? '').trim();
      const problems: FieldError[] = [];
      if (reason === '') problems.push({ field: 'reason', message: 'complaints.errors.reasonMissing' });
      else if (reason.length > TEXT_MAX_LENGTH)
        problems.push({ field: 'reason', message: 'complaints.errors.tooLong', params: { max: TEXT_MAX_LENGTH } });
      if (!Number.isInteger(input.days) || input.days < 1)
        problems.push({ field: 'days', message: 'complaints.errors.daysMissing' });
      if (problems.length > 0) throw new Invalid(problems);
      return await takeStep(
        actor,
        reference,
        () => ({ action: 'extend', days: input.days }),
        async (trx, record) => {
          const stage = currentStage(record)!;
          // Counted on from the last day the answer was due.
          const from = new Date(respondByOf(stage).getTime() - 1);
          const { dueAt: to } = await dependencies.calendar.slaDates(record.councilId, from, input.days, trx);
          const at = now();
          await repo.updateStage(trx, record.id, stage.stage, { extension: { to, days: input.days, reason, at } });
          await event(trx, actor, record, { kind: 'extended', stage: stage.stage, body: reason, details: { days: input.days } });
          await audit(trx, actor, record, 'extend', { stage: stage.stage, days: input.days, extendedTo: to });
          await tellComplainant(
            trx,
            customerOf(record),
            'complaint.extended',
            { stage: String(stage.stage), respondByDate: lastDueDay(to), reason },
            `stage-${stage.stage}-extended`,
          );
          return { respondBy: to };
        },
      );
    },

    /** Names who answers the current stage; at stage 2, never whoever answered stage 1. */
    async assign(actor: Actor, reference: string, input: { handlerId: string }) {
      return await takeStep(
        actor,
        reference,
        () => ({ action: 'assign', handlerId: input.handlerId }),
        async (trx, record) => {
          const [handler] = isUuid(input.handlerId) ? await repo.councilStaff(trx, record.councilId, [input.handlerId]) : [];
          if (!handler) throw new Invalid([{ field: 'handlerId', message: 'complaints.errors.handlerUnknown' }]);
          const stage = currentStage(record)!;
          await repo.updateStage(trx, record.id, stage.stage, { handlerId: handler.id });
          await event(trx, actor, record, {
            kind: 'assigned',
            stage: stage.stage,
            details: { to: handler.id, name: handler.name },
          });
          await audit(trx, actor, record, 'assign', { stage: stage.stage, handlerId: handler.id });
        },
      );
    },

    /**
     * Answers the current stage with its outcome (and whether maladministration or service failure
     * was found); the answer is sent to the complainant. Whether it was in time, and how many
     * working days it took, are kept for the figures.
     */
    async respond(
      actor: Actor,
      reference: string,
      input: { outcome?: string; maladministration?: boolean; serviceFailure?: boolean; response?: string; at?: Date },
    ) {
      const problems: FieldError[] = [];
      if (!isOneOf(OUTCOMES, input.outcome)) problems.push({ field: 'outcome', message: 'complaints.errors.outcomeMissing' });
      const response = (input.response ?? '').trim();
      if (response === '') problems.push({ field: 'response', message: 'complaints.errors.responseMissing' });
      else if (response.length > DESCRIPTION_MAX_LENGTH)
        problems.push({ field: 'response', message: 'complaints.errors.tooLong', params: { max: DESCRIPTION_MAX_LENGTH } });
      if (problems.length > 0) throw new Invalid(problems);
      return await takeStep(
        actor,
        reference,
        () => ({ action: 'respond', by: staffId(actor) }),
        async (trx, record) => {
          const stage = currentStage(record)!;
          const dated: FieldError[] = [];
          const at = checkedDate(
            dated,
            'at',
            input.at,
            stage.acknowledgedAt ?? stage.receivedAt,
            'complaints.errors.dateBeforeAcknowledged',
          );
          if (dated.length > 0) throw new Invalid(dated);
          const answered = { ...stage, respondedAt: at };
          const inTime = timeliness(answered)!;
          const workingDaysTaken = await dependencies.calendar.workingDaysBetween(record.councilId, stage.receivedAt, at, trx);
          const outcome = input.outcome as ComplaintOutcome;
          await repo.updateStage(trx, record.id, stage.stage, {
            response: {
              at,
              by: staffId(actor),
              outcome,
              maladministration: input.maladministration === true,
              serviceFailure: input.serviceFailure === true,
              summary: response,
              acknowledgedInTime: inTime.acknowledged,
              respondedInTime: inTime.responded,
              workingDaysTaken,
            },
          });
          await event(trx, actor, record, {
            kind: 'responded',
            stage: stage.stage,
            body: response,
            occurredAt: at,
            details: {
              outcome,
              maladministration: input.maladministration === true,
              serviceFailure: input.serviceFailure === true,
            },
          });
          await audit(trx, actor, record, 'respond', { stage: stage.stage, outcome, respondedInTime: inTime.responded });
          await tellComplainant(
            trx,
            customerOf(record),
            stage.stage === 1 ? 'complaint.stage_one_answered' : 'complaint.stage_two_answered',
            { responseText: response },
            `stage-${stage.stage}-answered`,
          );
          return { outcome, respondedInTime: inTime.responded, workingDaysTaken };
        },
      );
    },

    /** Stage 2, at the complainant's request (made on the day given, or now). */
    async escalate(actor: Actor, reference: string, input: { at?: Date; reason?: string } = {}) {
      return await takeStep(
        actor,
        reference,
        () => ({ action: 'escalate' }),
        async (trx, record) => {
          const stageOne = currentStage(record)!;
          const problems: FieldError[] = [];
          const at = checkedDate(
            problems,
            'at',
            input.at,
            stageOne.respondedAt ?? record.receivedAt,
            'complaints.errors.dateBeforeAnswered',
          );
          const reason = optionalText(problems, 'reason', input.reason, TEXT_MAX_LENGTH);
          if (problems.length > 0) throw new Invalid(problems);
          const [acknowledge, respond] = await Promise.all([
            dependencies.calendar.slaDates(record.councilId, at, TIMESCALES[2].acknowledge, trx),
            dependencies.calendar.slaDates(record.councilId, at, TIMESCALES[2].acknowledge + TIMESCALES[2].respond, trx),
          ]);
          await repo.insertStage(trx, {
            complaintId: record.id,
            councilId: record.councilId,
            stage: 2,
            receivedAt: at,
            acknowledgeBy: acknowledge.dueAt,
            respondBy: respond.dueAt,
          });
          await repo.updateComplaint(trx, record.id, { stage: 2, status: 'open', closedAt: null });
          await event(trx, actor, record, { kind: 'escalated', stage: 2, body: reason, occurredAt: at });
          await audit(trx, actor, record, 'escalate', { stage: 2, requestedAt: at });
          await recordEvent(trx, {
            councilId: record.councilId,
            type: 'complaint.stage_changed',
            subject: record.reference,
            occurredAt: at,
            data: {
              reference: record.reference,
              from: record.stage,
              to: 2,
              acknowledgeBy: acknowledge.dueAt.toISOString(),
              respondBy: respond.dueAt.toISOString(),
            },
          });
          await tellComplainant(
            trx,
            customerOf(record),
            'complaint.escalated',
            { acknowledgeByDate: lastDueDay(acknowledge.dueAt) },
            'stage-2-requested',
          );
          return { acknowledgeBy: acknowledge.dueAt, respondBy: respond.dueAt };
        },
      );
    },

    /** Closes a complaint whose stage is answered, or a compliment or comment once the team has it. */
    async close(actor: Actor, reference: string) {
      return await takeStep(
        actor,
        reference,
        () => ({ action: 'close' }),
        async (trx, record) => {
          const at = now();
          await repo.updateComplaint(trx, record.id, { status: 'closed', closedAt: at });
          await event(trx, actor, record, { kind: 'closed', stage: record.stage });
          await audit(trx, actor, record, 'close', { status: 'closed' });
        },
      );
    },

    /** The complainant took it to the Ombudsman (on the day given), with the Ombudsman's reference. */
    async referToOmbudsman(actor: Actor, reference: string, input: { at?: Date; ombudsmanReference?: string } = {}) {
      return await takeStep(
        actor,
        reference,
        () => ({ action: 'refer' }),
        async (trx, record) => {
          const problems: FieldError[] = [];
          const at = checkedDate(problems, 'at', input.at, record.receivedAt);
          const ombudsmanReference = optionalText(problems, 'ombudsmanReference', input.ombudsmanReference, 100);
          if (problems.length > 0) throw new Invalid(problems);
          await repo.updateComplaint(trx, record.id, {
            status: 'with_ombudsman',
            closedAt: null,
            ombudsmanReferral: { at, reference: ombudsmanReference },
          });
          await event(trx, actor, record, {
            kind: 'referred_to_ombudsman',
            stage: record.stage,
            occurredAt: at,
            details: { scheme: record.ombudsmanScheme, reference: ombudsmanReference },
          });
          await audit(trx, actor, record, 'refer', { status: 'with_ombudsman', referredAt: at });
        },
      );
    },

    /** The Ombudsman's decision, which closes the complaint. */
    async recordOmbudsmanDecision(
      actor: Actor,
      reference: string,
      input: { outcome?: string; maladministration?: boolean; serviceFailure?: boolean; at?: Date },
    ) {
      return await takeStep(
        actor,
        reference,
        () => ({ action: 'decide' }),
        async (trx, record) => {
          const problems: FieldError[] = [];
          if (!isOneOf(OMBUDSMAN_OUTCOMES, input.outcome))
            problems.push({ field: 'outcome', message: 'complaints.errors.outcomeMissing' });
          const at = checkedDate(
            problems,
            'at',
            input.at,
            record.ombudsman.referredAt ?? record.receivedAt,
            'complaints.errors.dateBeforeReferred',
          );
          if (problems.length > 0) throw new Invalid(problems);
          const decision = {
            at,
            outcome: input.outcome as OmbudsmanOutcome,
            maladministration: input.maladministration === true,
            serviceFailure: input.serviceFailure === true,
          };
          await repo.updateComplaint(trx, record.id, { status: 'closed', closedAt: at, ombudsmanDecision: decision });
          await event(trx, actor, record, {
            kind: 'ombudsman_decision',
            occurredAt: at,
            details: {
              outcome: decision.outcome,
              maladministration: decision.maladministration,
              serviceFailure: decision.serviceFailure,
            },
          });
          await audit(trx, actor, record, 'ombudsman-decision', { outcome: decision.outcome });
        },
      );
    },

    /** A remedy: an apology, an action, or a payment with its amount in pence. */
    async addRemedy(actor: Actor, reference: string, input: { kind?: string; description?: string; amountPence?: number }) {
      const problems: FieldError[] = [];
      if (!isOneOf(REMEDY_KINDS, input.kind)) problems.push({ field: 'kind', message: 'complaints.errors.remedyKindMissing' });
      const description = (input.description ?? '').trim();
      if (description === '') problems.push({ field: 'description', message: 'complaints.errors.remedyMissing' });
      else if (description.length > TEXT_MAX_LENGTH)
        problems.push({ field: 'description', message: 'complaints.errors.tooLong', params: { max: TEXT_MAX_LENGTH } });
      const payment = input.kind === 'payment';
      if (payment && (!Number.isInteger(input.amountPence) || input.amountPence! <= 0 || input.amountPence! > MAX_PAYMENT_PENCE))
        problems.push({ field: 'amount', message: 'complaints.errors.amountInvalid' });
      if (problems.length > 0) throw new Invalid(problems);
      const record = await requireComplaint(actor, reference, 'work');
      if (record.kind !== 'complaint') throw new Conflict('complaints.errors.notAComplaint');
      return await db.transaction().execute(async (trx) => {
        const kind = input.kind as RemedyKind;
        const id = await repo.insertRemedy(trx, {
          complaintId: record.id,
          councilId: record.councilId,
          stage: record.status === 'with_ombudsman' || record.ombudsman.decidedAt ? null : record.stage,
          kind,
          description,
          amountPence: payment ? input.amountPence! : null,
          createdBy: staffId(actor),
        });
        await event(trx, actor, record, {
          kind: 'remedy_added',
          stage: record.stage,
          body: description,
          details: { kind, ...(payment ? { amountPence: input.amountPence } : {}) },
        });
        await audit(trx, actor, record, 'remedy', { kind, amountPence: payment ? input.amountPence : null });
        return { id };
      });
    },

    /** What the council will change because of the complaint, who owns it and by when. */
    async addLearningAction(actor: Actor, reference: string, input: { description?: string; ownerId?: string; dueOn?: string }) {
      const record = await requireComplaint(actor, reference, 'work');
      if (record.kind !== 'complaint') throw new Conflict('complaints.errors.notAComplaint');
      const problems: FieldError[] = [];
      const description = (input.description ?? '').trim();
      if (description === '') problems.push({ field: 'description', message: 'complaints.errors.learningMissing' });
      else if (description.length > TEXT_MAX_LENGTH)
        problems.push({ field: 'description', message: 'complaints.errors.tooLong', params: { max: TEXT_MAX_LENGTH } });
      const [owner] =
        input.ownerId && isUuid(input.ownerId) ? await repo.councilStaff(db, record.councilId, [input.ownerId]) : [];
      if (!owner) problems.push({ field: 'ownerId', message: 'complaints.errors.ownerUnknown' });
      const dueOn = input.dueOn ?? '';
      if (!isCalendarDate(dueOn)) problems.push({ field: 'dueOn', message: 'complaints.errors.dateInvalid' });
      else if (dueOn < todayInLondon(record.receivedAt))
        problems.push({ field: 'dueOn', message: 'complaints.errors.dateBeforeReceived' });
      if (problems.length > 0) throw new Invalid(problems);
      return await db.transaction().execute(async (trx) => {
        const id = await repo.insertLearningAction(trx, {
          complaintId: record.id,
          councilId: record.councilId,
          description,
          ownerId: owner!.id,
          dueOn,
          createdBy: staffId(actor),
        });
        await event(trx, actor, record, { kind: 'learning_added', body: description, details: { owner: owner!.name, dueOn } });
        await audit(trx, actor, record, 'learning', { ownerId: owner!.id, dueOn });
        return { id };
      });
    },

    async completeLearningAction(actor: Actor, reference: string, actionId: string) {
      const record = await requireComplaint(actor, reference, 'work');
      await db.transaction().execute(async (trx) => {
        const done =
          isUuid(actionId) &&
          (await repo.completeLearningAction(trx, record.id, actionId, { at: now(), userId: staffId(actor) }));
        if (!done) throw new NotFound('learning action');
        await event(trx, actor, record, { kind: 'learning_completed', details: { id: actionId } });
        await audit(trx, actor, record, 'learning-complete', { learningActionId: actionId });
      });
    },

    /** How satisfied the complainant was with the handling, 1 (very dissatisfied) to 5 (very satisfied). */
    async recordSatisfaction(actor: Actor, reference: string, input: { score: number }) {
      if (!Number.isInteger(input.score) || input.score < 1 || input.score > 5)
        throw new Invalid([{ field: 'score', message: 'complaints.errors.satisfactionMissing' }]);
      return await takeStep(
        actor,
        reference,
        () => ({ action: 'satisfaction' }),
        async (trx, record) => {
          await repo.updateComplaint(trx, record.id, { satisfaction: { score: input.score, at: now() } });
          await event(trx, actor, record, { kind: 'satisfaction', details: { score: input.score } });
          await audit(trx, actor, record, 'satisfaction', { satisfaction: input.score });
        },
      );
    },

    /** An internal note on the timeline. */
    async addNote(actor: Actor, reference: string, input: { text: string }) {
      const text = (input.text ?? '').trim();
      if (text === '') throw new Invalid([{ field: 'text', message: 'complaints.errors.noteMissing' }]);
      if (text.length > DESCRIPTION_MAX_LENGTH)
        throw new Invalid([{ field: 'text', message: 'complaints.errors.tooLong', params: { max: DESCRIPTION_MAX_LENGTH } }]);
      const record = await requireComplaint(actor, reference, 'work');
      await db.transaction().execute(async (trx) => {
        await event(trx, actor, record, { kind: 'note', stage: record.stage, body: text });
      });
    },

    /**
     * Reminds whoever handles a stage (or, when nobody does, the complaints officers) of a
     * deadline REMINDER_HOURS ahead, and tells them once it is missed. Each is said once per
     * deadline: an extended deadline is a new one. Run by pg-boss; safe to run twice.
     */
    async notifyDeadlines(): Promise<{ reminded: number; missed: number }> {
      const at = now();
      const due = await repo.stagesToNotify(db, at, new Date(at.getTime() + REMINDER_HOURS * 3_600_000), SWEEP_BATCH);
      let reminded = 0;
      let missed = 0;
      // Stages nobody handles go to their council's complaints officers: read once per council per sweep.
      const officers = new Map<string, Promise<{ email: string; name: string }[]>>();
      const officersOf = (councilId: string) => {
        if (!officers.has(councilId)) officers.set(councilId, repo.complaintsOfficers(db, councilId));
        return officers.get(councilId)!;
      };
      for (const row of due) {
        const recipients = row.handler_email
          ? [{ email: row.handler_email, name: row.handler_name ?? '' }]
          : await officersOf(row.council_id);
        await db.transaction().execute(async (trx) => {
          for (const recipient of recipients)
            await queueNotification(trx, {
              councilId: row.council_id,
              event: row.missed ? 'complaint.deadline_missed' : 'complaint.deadline_soon',
              channel: 'email',
              recipient: recipient.email,
              language: 'en',
              personalisation: {
                name: recipient.name,
                reference: row.reference,
                stage: String(row.stage),
                dueDate: lastDueDay(row.due),
                complaintUrl: new URL(`/staff/complaints/${row.reference}`, dependencies.publicUrl).toString(),
              },
              recordType: 'complaint',
              recordId: row.reference,
              occurrence: `stage-${row.stage}-${row.missed ? 'missed' : 'soon'}-${row.due.toISOString()}`,
            });
          await repo.markNotified(trx, row.id, row.stage, row.due, row.missed);
        });
        if (row.missed) missed += 1;
        else reminded += 1;
      }
      return { reminded, missed };
    },
  };
}

export type ComplaintsService = ReturnType<typeof createComplaintsService>;

/** The deadline sweep, every 15 minutes. */
export function complaintsJobs(complaints: Pick<ComplaintsService, 'notifyDeadlines'>) {
  return [{ name: 'complaints.deadlines', cron: '*/15 * * * *', run: () => complaints.notifyDeadlines() }];
}

export type { StageNumber, ComplaintKind, ComplaintStatus, ComplaintOutcome, ComplaintCategory };
