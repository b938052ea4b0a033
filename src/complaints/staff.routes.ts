// Complaints, compliments and comments on the staff desktop: the list (filtered by kind and
// status, each with what is due next), recording one for a resident from any channel, and a
// complaint's page, where its handlers take it through the Code's stages. Each step is a form of
// its own, shown only when the Code allows it now (workflow.ts decides), posted, and answered with
// the page again: on success after a redirect, on refusal with the GOV.UK error summary.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { normaliseReference } from '../cases/reference.ts';
import type { StaffActor } from '../platform/actor.ts';
import { Conflict, Invalid, NotFound, type FieldError } from '../platform/errors.ts';
import {
  fieldText,
  formFields,
  isCalendarDate,
  isOneOf,
  pageErrors,
  type PageErrors,
  readDateInput,
  todayInLondon,
} from '../platform/forms.ts';
import { requireStaff, staffOf } from '../platform/http/authentication.ts';
import { isUuid } from '../platform/ids.ts';
import { addCalendarDays, lastDueDay, startOfLondonDay } from '../services/calendar.ts';
import type { ServicesService } from '../services/service.ts';
import { complaintPolicy } from './policy.ts';
import {
  CHANNELS,
  LIST_PAGE_SIZE,
  REFERENCE_PREFIX,
  REMINDER_HOURS,
  type ComplaintRecord,
  type ComplaintsService,
  type RecordComplaintInput,
} from './service.ts';
import {
  CATEGORIES,
  COMPLAINT_KINDS,
  OMBUDSMAN_OUTCOMES,
  OUTCOMES,
  REMEDY_KINDS,
  STATUSES,
  TIMESCALES,
  nextDeadline,
  refusalOf,
  type ComplaintKind,
  type ComplaintStatus,
  type Step,
} from './workflow.ts';

export interface ComplaintsStaffOptions {
  complaints: ComplaintsService;
  services: Pick<ServicesService, 'picker' | 'forCase'>;
  findCustomer: (actor: StaffActor, id: string) => Promise<{ id: string; councilId: string; displayName: string } | undefined>;
}

const view = (name: string) => `complaints/views/${name}.njk`;
const BASE = '/staff/complaints';

type Body = Record<string, unknown>;
type Params = { reference: string };
type Translate = FastifyRequest['t'];

const listOf = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((item): item is string => typeof item === 'string');

/** Where a deadline stands now, as a tag says it: the words say it, the colour repeats it. */
type DeadlineState = 'overdue' | 'due_soon' | 'on_track';
const DEADLINE_TAG_CLASSES: Record<DeadlineState, string> = {
  overdue: 'govuk-tag--red',
  due_soon: 'govuk-tag--yellow',
  on_track: 'govuk-tag--green',
};

function deadlineState(by: Date, now: Date): DeadlineState {
  if (now.getTime() >= by.getTime()) return 'overdue';
  // The handler is reminded this long before: from then it is due soon.
  if (now.getTime() >= by.getTime() - REMINDER_HOURS * 3_600_000) return 'due_soon';
  return 'on_track';
}

/** What a complaint waits for next, as the list and its page show it; undefined when nothing is due. */
function deadlineOf(record: Pick<ComplaintRecord, 'kind' | 'status' | 'stage' | 'stages'>, now: Date) {
  const next = nextDeadline(record);
  if (!next) return undefined;
  const state = deadlineState(next.by, now);
  return { ...next, day: lastDueDay(next.by), state, tagClass: DEADLINE_TAG_CLASSES[state] };
}

/**
 * The instant a GOV.UK date input stands for: undefined when left blank or today (the service
 * then takes now), the last moment of an earlier day (after anything else recorded that day), an
 * impossible date for one that is not a date, so that the service names the problem.
 */
function instantOf(body: Body, prefix: string, today: string): Date | undefined {
  const input = readDateInput(body, prefix);
  if (input.state === 'empty') return undefined;
  if (input.state !== 'date' || !isCalendarDate(input.date!)) return new Date(Number.NaN);
  const day = input.date!;
  if (day === today) return undefined;
  if (day > today) return startOfLondonDay(day);
  return new Date(startOfLondonDay(addCalendarDays(day, 1)).getTime() - 1);
}

/** Pounds and pence as typed ("50", "50.00", "£1,250.50") in pence; NaN when it is not an amount. */
export function penceOf(text: string): number {
  const match = /^£?(\d{1,9})(?:\.(\d{2}))?$/.exec(text.trim().replace(/,/g, ''));
  if (!match) return Number.NaN;
  return Number(match[1]) * 100 + Number(match[2] ?? '0');
}

/** The fields that are GOV.UK date inputs: their errors link to the day box. */
const DATE_FIELDS = new Set(['receivedAt', 'at', 'dueOn']);

/** Refusals that are about one field of the step's form, rather than the step itself. */
const REFUSAL_FIELDS: Record<string, string> = { 'complaints.errors.extensionTooLong': 'days' };

/** Field errors as the page shows them, each field's id prefixed by its form's (several forms share a page). */
function errorsOf(t: Translate, errors: FieldError[], form?: string): PageErrors {
  const prefix = (field: string) => (field && form ? `${form}-${field}` : field);
  const prefixed = errors.map((error) => ({ ...error, field: prefix(error.field) }));
  return pageErrors(t, prefixed, { dateFields: [...DATE_FIELDS].map(prefix) });
}

const londonDateFormats = {
  en: new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', dateStyle: 'long' }),
  cy: new Intl.DateTimeFormat('cy-GB', { timeZone: 'Europe/London', dateStyle: 'long' }),
};
const formatDay = (language: string, day: string) =>
  (language === 'cy' ? londonDateFormats.cy : londonDateFormats.en).format(startOfLondonDay(day));

const pounds = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' });

/** The steps taken on the complaint page: what each reads from its form, and the banner after it. */
interface Action {
  flash: string;
  /** Where on the page to land after it. */
  anchor?: string;
  run(complaints: ComplaintsService, actor: StaffActor, reference: string, body: Body, today: string): Promise<unknown>;
}

const ACTIONS: Record<string, Action> = {
  acknowledge: {
    flash: 'complaints.staff.flash.acknowledged',
    run: (complaints, actor, reference, body, today) =>
      complaints.acknowledge(actor, reference, { at: instantOf(body, 'at', today) }),
  },
  extend: {
    flash: 'complaints.staff.flash.extended',
    run: (complaints, actor, reference, body) => {
      const days = fieldText(body.days).trim();
      return complaints.extend(actor, reference, {
        days: /^\d{1,3}$/.test(days) ? Number(days) : Number.NaN,
        reason: fieldText(body.reason),
      });
    },
  },
  assign: {
    flash: 'complaints.staff.flash.assigned',
    run: (complaints, actor, reference, body) => complaints.assign(actor, reference, { handlerId: fieldText(body.handlerId) }),
  },
  respond: {
    flash: 'complaints.staff.flash.responded',
    run: (complaints, actor, reference, body, today) => {
      const findings = listOf(body.findings);
      return complaints.respond(actor, reference, {
        outcome: fieldText(body.outcome),
        maladministration: findings.includes('maladministration'),
        serviceFailure: findings.includes('serviceFailure'),
        response: fieldText(body.response),
        at: instantOf(body, 'at', today),
      });
    },
  },
  escalate: {
    flash: 'complaints.staff.flash.escalated',
    run: (complaints, actor, reference, body, today) =>
      complaints.escalate(actor, reference, { at: instantOf(body, 'at', today), reason: fieldText(body.reason) }),
  },
  close: {
    flash: 'complaints.staff.flash.closed',
    run: (complaints, actor, reference) => complaints.close(actor, reference),
  },
  refer: {
    flash: 'complaints.staff.flash.referred',
    anchor: 'ombudsman',
    run: (complaints, actor, reference, body, today) =>
      complaints.referToOmbudsman(actor, reference, {
        at: instantOf(body, 'at', today),
        ombudsmanReference: fieldText(body.ombudsmanReference),
      }),
  },
  decide: {
    flash: 'complaints.staff.flash.decided',
    anchor: 'ombudsman',
    run: (complaints, actor, reference, body, today) => {
      const findings = listOf(body.findings);
      return complaints.recordOmbudsmanDecision(actor, reference, {
        outcome: fieldText(body.outcome),
        maladministration: findings.includes('maladministration'),
        serviceFailure: findings.includes('serviceFailure'),
        at: instantOf(body, 'at', today),
      });
    },
  },
  remedy: {
    flash: 'complaints.staff.flash.remedyAdded',
    anchor: 'remedies',
    run: (complaints, actor, reference, body) =>
      complaints.addRemedy(actor, reference, {
        kind: fieldText(body.kind),
        description: fieldText(body.description),
        amountPence: penceOf(fieldText(body.amount)),
      }),
  },
  learning: {
    flash: 'complaints.staff.flash.learningAdded',
    anchor: 'learning',
    run: (complaints, actor, reference, body) => {
      const due = readDateInput(body, 'dueOn');
      return complaints.addLearningAction(actor, reference, {
        description: fieldText(body.description),
        ownerId: fieldText(body.ownerId),
        dueOn: due.date ?? (due.state === 'empty' ? '' : `${due.parts.year}-${due.parts.month}-${due.parts.day}`),
      });
    },
  },
  'learning-done': {
    flash: 'complaints.staff.flash.learningCompleted',
    anchor: 'learning',
    run: (complaints, actor, reference, body) =>
      complaints.completeLearningAction(actor, reference, fieldText(body.learningAction)),
  },
  satisfaction: {
    flash: 'complaints.staff.flash.satisfaction',
    anchor: 'satisfaction',
    run: (complaints, actor, reference, body) => {
      const score = fieldText(body.score);
      return complaints.recordSatisfaction(actor, reference, { score: /^[1-5]$/.test(score) ? Number(score) : Number.NaN });
    },
  },
  note: {
    flash: 'complaints.staff.flash.noteAdded',
    anchor: 'timeline',
    run: (complaints, actor, reference, body) => complaints.addNote(actor, reference, { text: fieldText(body.text) }),
  },
};

/** The list's query: kind and status checked, the page as an offset. */
function readListQuery(query: Record<string, unknown>) {
  const offset = Number(fieldText(query.offset));
  return {
    kind: isOneOf(COMPLAINT_KINDS, query.kind) ? query.kind : undefined,
    status: isOneOf(STATUSES, query.status) ? query.status : undefined,
    offset: Number.isSafeInteger(offset) && offset > 0 ? offset : 0,
  };
}

function listHref(query: { kind?: ComplaintKind; status?: ComplaintStatus; offset: number }): string {
  const search = new URLSearchParams();
  if (query.kind) search.set('kind', query.kind);
  if (query.status) search.set('status', query.status);
  if (query.offset > 0) search.set('offset', String(query.offset));
  const text = search.toString();
  return text ? `${BASE}?${text}` : BASE;
}

export const complaintsStaffRoutes: FastifyPluginAsync<ComplaintsStaffOptions> = async (app, options) => {
  const { complaints, services, findCustomer } = options;
  app.addHook('preHandler', requireStaff());

  // The list

  app.get(BASE, async (request, reply) => {
    const actor = staffOf(request);
    const query = readListQuery(request.query as Record<string, unknown>);
    const list = await complaints.list(actor, { kind: query.kind, status: query.status }, query.offset);
    const now = new Date();
    const welsh = request.language === 'cy';
    const items = list.items.map((item) => ({
      reference: item.reference,
      kind: item.kind,
      customer: item.customer,
      service: item.service?.name ?? null,
      team: item.team?.name ?? null,
      stage: item.stage,
      status: item.status,
      deadline: deadlineOf(item, now),
    }));
    const previous = query.offset > 0 ? Math.max(0, query.offset - LIST_PAGE_SIZE) : null;
    return reply.render(view('list'), {
      items,
      query,
      kinds: COMPLAINT_KINDS,
      statuses: STATUSES,
      filtered: Boolean(query.kind || query.status),
      clearHref: BASE,
      nextHref: list.next !== null ? listHref({ ...query, offset: list.next }) : null,
      previousHref: previous !== null ? listHref({ ...query, offset: previous }) : null,
      canRecord: complaintPolicy.can(actor, 'record', { councilId: actor.councilId }),
      welsh,
    });
  });

  // Recording a complaint, compliment or comment

  async function customerFor(actor: StaffActor, id: string) {
    if (id === '') return undefined;
    const customer = isUuid(id) ? await findCustomer(actor, id) : undefined;
    if (!customer) throw new NotFound('customer');
    return { id: customer.id, displayName: customer.displayName };
  }

  async function renderRecord(
    request: FastifyRequest,
    reply: FastifyReply,
    state: { values: Body; customer?: { id: string; displayName: string }; errors?: FieldError[] },
    status = 200,
  ) {
    const actor = staffOf(request);
    return reply.render(
      view('record'),
      {
        picker: await services.picker(actor),
        customer: state.customer,
        values: state.values,
        kinds: COMPLAINT_KINDS,
        channels: CHANNELS,
        categories: CATEGORIES,
        ...(state.errors ? { errors: errorsOf(request.t, state.errors) } : {}),
      },
      status,
    );
  }

  app.get(`${BASE}/new`, async (request, reply) => {
    const actor = staffOf(request);
    complaintPolicy.authorize(actor, 'record', { councilId: actor.councilId });
    const query = request.query as Record<string, unknown>;
    const customer = await customerFor(actor, fieldText(query.customer));
    const [year, month, day] = todayInLondon().split('-');
    return renderRecord(request, reply, {
      customer,
      values: {
        kind: 'complaint',
        channel: 'phone',
        ombudsmanScheme: 'lgsco',
        'receivedAt-day': String(Number(day)),
        'receivedAt-month': String(Number(month)),
        'receivedAt-year': year,
      },
    });
  });

  app.post(`${BASE}/new`, async (request, reply) => {
    const actor = staffOf(request);
    const body = formFields(request.body);
    const customer = await customerFor(actor, fieldText(body.customerId));
    const text = (name: string) => {
      const value = fieldText(body[name]);
      return value.trim() === '' ? undefined : value;
    };
    const input: RecordComplaintInput = {
      kind: fieldText(body.kind) as ComplaintKind,
      channel: fieldText(body.channel) as RecordComplaintInput['channel'],
      description: fieldText(body.description),
      category: text('category') as RecordComplaintInput['category'],
      serviceCode: text('serviceCode'),
      outcomeWanted: text('outcomeWanted'),
      adjustments: text('adjustments'),
      ombudsmanScheme: fieldText(body.ombudsmanScheme) === 'housing' ? 'housing' : 'lgsco',
      receivedAt: instantOf(body, 'receivedAt', todayInLondon()),
      ...(customer ? { customerId: customer.id } : {}),
    };
    let recorded;
    try {
      recorded = await complaints.record(actor, input);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      return renderRecord(request, reply, { values: body, customer, errors: error.errors }, 400);
    }
    const kind = request.t(`complaints.kinds.${recorded.kind}`);
    request.session.set(
      'flash',
      recorded.acknowledgeBy && recorded.respondBy
        ? {
            key: 'complaints.staff.flash.recorded',
            params: {
              kind,
              reference: recorded.reference,
              acknowledgeBy: formatDay(request.language, lastDueDay(recorded.acknowledgeBy)),
              respondBy: formatDay(request.language, lastDueDay(recorded.respondBy)),
            },
          }
        : { key: 'complaints.staff.flash.recordedFeedback', params: { kind, reference: recorded.reference } },
    );
    // Whoever records one need not be someone who works it: they go back to where they came from.
    if (complaintPolicy.can(actor, 'read', { councilId: actor.councilId }))
      return reply.redirect(`${BASE}/${recorded.reference}`, 303);
    return reply.redirect(customer ? `/staff/customers/${customer.id}` : `${BASE}/new`, 303);
  });

  // A complaint's page

  async function renderComplaint(
    request: FastifyRequest<{ Params: Params }>,
    reply: FastifyReply,
    failed?: { form: string; errors: FieldError[]; values: Body },
    status = 200,
  ) {
    const actor = staffOf(request);
    const t = request.t;
    const result = await complaints.view(actor, request.params.reference);
    const { record } = result;
    const now = new Date();
    const isComplaint = record.kind === 'complaint';
    const allowed = (step: Step) => result.can.work && refusalOf(record, step) === undefined;
    // Answering a stage: shown whenever the stage waits for an answer, with the reason instead of
    // the form when this person may not give it (stage 2 by whoever answered stage 1).
    const respondSection = allowed({ action: 'respond', by: null });
    const forms = {
      acknowledge: allowed({ action: 'acknowledge' }),
      extend: allowed({ action: 'extend', days: 1 }),
      assign: allowed({ action: 'assign', handlerId: '' }) && result.handlers.length > 0,
      respond: respondSection,
      escalate: allowed({ action: 'escalate' }),
      close: allowed({ action: 'close' }),
      refer: allowed({ action: 'refer' }),
      decide: allowed({ action: 'decide' }),
      remedy: result.can.work && isComplaint,
      learning: result.can.work && isComplaint && result.handlers.length > 0,
      satisfaction: allowed({ action: 'satisfaction' }),
      note: result.can.work,
    };
    const respondRefusal = respondSection ? refusalOf(record, { action: 'respond', by: actor.id }) : undefined;
    const stage = (number: number | null) => (number ? t(`complaints.stages.${number}`) : '');
    const events = result.events.map((event) => {
      const details = (event.details ?? {}) as Record<string, unknown>;
      const params: Record<string, string | number> = { stage: stage(event.stage) };
      if (event.kind === 'assigned') params.name = String(details.name ?? '');
      if (event.kind === 'extended') params.days = Number(details.days ?? 0);
      if (event.kind === 'responded' || event.kind === 'ombudsman_decision')
        params.outcome = t(`complaints.outcomes.${String(details.outcome)}`);
      if (event.kind === 'remedy_added') params.remedy = t(`complaints.remedyKinds.${String(details.kind)}`);
      if (event.kind === 'satisfaction') params.score = Number(details.score ?? 0);
      if (event.kind === 'referred_to_ombudsman') params.scheme = t(`complaints.schemes.${String(details.scheme ?? 'lgsco')}`);
      const withStage =
        event.stage && ['received', 'acknowledged', 'extended', 'assigned', 'responded', 'escalated'].includes(event.kind);
      return {
        id: event.id,
        title: t(`complaints.staff.events.${event.kind}${withStage ? 'AtStage' : ''}`, params),
        body: event.body,
        actorLabel: event.actor_label,
        occurredAt: event.occurred_at,
        lines: [
          ...(event.kind === 'remedy_added' && typeof details.amountPence === 'number'
            ? [pounds.format(details.amountPence / 100)]
            : []),
          ...(event.kind === 'learning_added' && typeof details.owner === 'string' && typeof details.dueOn === 'string'
            ? [
                t('complaints.staff.events.learningOwner', {
                  name: details.owner,
                  date: formatDay(request.language, details.dueOn),
                }),
              ]
            : []),
          ...(event.kind === 'referred_to_ombudsman' && typeof details.reference === 'string'
            ? [t('complaints.staff.page.ombudsmanReference', { reference: details.reference })]
            : []),
        ],
      };
    });
    const stages = record.stages.map((each) => ({
      ...each,
      acknowledgeByDay: lastDueDay(each.acknowledgeBy),
      respondByDay: lastDueDay(each.respondBy),
      extendedToDay: each.extendedTo ? lastDueDay(each.extendedTo) : null,
      current: each.stage === record.stage,
    }));
    // A refusal links to its step's section, unless the step is no longer offered at all.
    const shown = (form: string) => (forms as Record<string, boolean>)[form === 'learning-done' ? 'learning' : form] === true;
    const errors = failed
      ? errorsOf(
          t,
          failed.errors.map((error) => (error.field === 'section' && !shown(failed.form) ? { ...error, field: '' } : error)),
          failed.form,
        )
      : undefined;
    return reply.render(
      view('complaint'),
      {
        record,
        stages,
        deadline: deadlineOf(record, now),
        events,
        remedies: result.remedies.map((remedy) => ({
          ...remedy,
          amount: remedy.amount_pence !== null ? pounds.format(remedy.amount_pence / 100) : null,
        })),
        learning: result.learning,
        handlers: result.handlers,
        currentHandler: stages.find((each) => each.current)?.handlerId ?? null,
        can: result.can,
        forms,
        respondRefusal,
        extensionLimit: record.stage ? TIMESCALES[record.stage].extensionLimit : null,
        outcomes: OUTCOMES,
        ombudsmanOutcomes: OMBUDSMAN_OUTCOMES,
        remedyKinds: REMEDY_KINDS,
        failedForm: failed?.form ?? null,
        values: failed?.values ?? {},
        ...(errors ? { errors } : {}),
      },
      status,
    );
  }

  app.get<{ Params: Params }>(`${BASE}/:reference`, async (request, reply) => renderComplaint(request, reply));

  for (const [name, action] of Object.entries(ACTIONS)) {
    app.post<{ Params: Params }>(`${BASE}/:reference/${name}`, async (request, reply) => {
      const actor = staffOf(request);
      const body = formFields(request.body);
      try {
        await action.run(complaints, actor, request.params.reference, body, todayInLondon());
      } catch (error) {
        if (error instanceof Invalid)
          return renderComplaint(request, reply, { form: name, errors: error.errors, values: body }, 400);
        if (error instanceof Conflict) {
          // The reason, linked to the form's field it is about, or to the step's own section.
          const errors = [{ field: REFUSAL_FIELDS[error.reason] ?? 'section', message: error.reason }];
          return renderComplaint(request, reply, { form: name, errors, values: body }, 409);
        }
        throw error;
      }
      request.session.set('flash', action.flash);
      const reference = normaliseReference(REFERENCE_PREFIX, request.params.reference) ?? request.params.reference;
      return reply.redirect(`${BASE}/${encodeURIComponent(reference)}${action.anchor ? `#${action.anchor}` : ''}`, 303);
    });
  }
};
