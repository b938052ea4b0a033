// "Make a complaint, give a compliment or a comment" in the resident portal, in GOV.UK patterns:
// a start page (what happens, the Code's timescales, stage 2 and the Ombudsman, other ways to
// complain), then one thing per page — what kind, which service, what happened, for a complaint
// the outcome wanted, any adjustments — contact details (unless signed in), check your answers,
// and a confirmation with the reference. The answers so far live in the server-side session, so
// going back or changing an answer loses nothing, and every page works without JavaScript. The
// request journeys (src/portal/journeys.routes.ts) are the model, and lend their page templates.
import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { systemActor } from '../platform/actor.ts';
import { Invalid, NotFound, type FieldError } from '../platform/errors.ts';
import { caughtInHoneypot, choice, fieldText, pageErrors, parseForm, requiredText } from '../platform/forms.ts';
import { inLanguage } from '../platform/i18n.ts';
import { contactSummary, newCustomerFrom, readContactDetails, type ContactDetails } from '../portal/contactDetails.ts';
import { lastDueDay } from '../services/calendar.ts';
import type { PublicService, ServicesService } from '../services/service.ts';
import { ADJUSTMENTS_MAX_LENGTH, DESCRIPTION_MAX_LENGTH, OUTCOME_WANTED_MAX_LENGTH, type ComplaintsService } from './service.ts';
import { firstUnanswered, stepAfter, stepsOf, type ComplaintDraft, type Step } from './journey.ts';
import { COMPLAINT_KINDS, TIMESCALES, type ComplaintKind } from './workflow.ts';

/** A resident signed in to the portal: what they send goes on their customer record. */
export interface SignedInResident {
  councilId: string;
  customerId: string;
  name: string;
  email: string;
}

export interface ComplaintPortalOptions {
  complaints: Pick<ComplaintsService, 'record'>;
  services: Pick<ServicesService, 'publicCatalogue'>;
  portalCouncil(): Promise<string | undefined>;
  residentOf: (request: FastifyRequest) => Promise<SignedInResident | undefined>;
}

/** What the session keeps once sent: the confirmation page, and the answer to sending it again. */
interface ComplaintSent {
  key: string;
  kind: ComplaintKind;
  reference?: string;
  /** The last day the complaint will be acknowledged on (YYYY-MM-DD, London). */
  acknowledgeOn?: string;
}

declare module 'fastify' {
  interface Session {
    /** The complaint, compliment or comment being answered. */
    complaint?: ComplaintDraft;
    /** The last one sent. */
    complaintSent?: ComplaintSent;
  }
}

/** The portal records complaints as OneDoor itself; the audit trail names it. */
const PORTAL = systemActor('portal');
/** Each page: a person answers a page in seconds at the quickest (as the request journeys). */
const STEP_LIMIT = { max: 120, timeWindow: '1 minute' };
/** Complaints sent from one address: a household sends a few; a script is held back. */
const SEND_LIMIT = { max: 10, timeWindow: '10 minutes' };
/** The pages are offered in Urdu as well as English and Welsh. */
const LANGUAGES = ['ur'] as const;
/** Up to this many services are offered as radios; more, as a list to choose from. */
const MOST_RADIOS = 10;
const SOMETHING_ELSE = 'something-else';
const BASE = '/complaints';

const KindForm = Type.Object({ kind: choice(COMPLAINT_KINDS, 'complaints.portal.kind.errors.missing') });
const DescriptionForm = Type.Object({
  description: requiredText(
    { missing: 'complaints.portal.description.errors.missing', tooLong: 'complaints.portal.description.errors.tooLong' },
    DESCRIPTION_MAX_LENGTH,
  ),
});
const OutcomeForm = Type.Object({
  outcomeWanted: requiredText(
    { missing: 'complaints.portal.outcome.errors.missing', tooLong: 'complaints.portal.outcome.errors.tooLong' },
    OUTCOME_WANTED_MAX_LENGTH,
  ),
});
const AdjustmentsForm = Type.Object({
  adjustmentsNeeded: choice(['yes', 'no'] as const, 'complaints.portal.adjustments.errors.missing'),
  adjustments: Type.Optional(
    Type.String({
      maxLength: ADJUSTMENTS_MAX_LENGTH,
      errorMessages: { maxLength: 'complaints.portal.adjustments.errors.tooLong' },
    }),
  ),
});

export const complaintPortalRoutes: FastifyPluginAsync<ComplaintPortalOptions> = async (app, options) => {
  const { complaints, services } = options;
  const view = (name: string) => `complaints/views/portal/${name}.njk`;
  const journeyView = (name: string) => `portal/views/journey/${name}.njk`;
  const routeConfig = { config: { languages: LANGUAGES } };
  const postConfig = { config: { languages: LANGUAGES, rateLimit: STEP_LIMIT } };

  interface Journey {
    councilId: string;
    resident: SignedInResident | undefined;
    draft: ComplaintDraft | undefined;
  }

  async function journeyOf(request: FastifyRequest): Promise<Journey> {
    const councilId = await options.portalCouncil();
    if (!councilId) throw new NotFound('council');
    const signedIn = await options.residentOf(request);
    // An account is with one council: on another council's portal its holder is asked like anyone else.
    const resident = signedIn?.councilId === councilId ? signedIn : undefined;
    return { councilId, resident, draft: request.session.get('complaint') };
  }

  const stepsFor = (journey: Journey, draft: ComplaintDraft) => stepsOf(draft, !!journey.resident);
  const hrefOf = (step: Step, changing = false) => `${BASE}/${step}${changing ? '?change=1' : ''}`;
  const isChanging = (request: FastifyRequest) => fieldText((request.query as Record<string, unknown>).change) === '1';

  function onward(request: FastifyRequest, reply: FastifyReply, journey: Journey, draft: ComplaintDraft, current: Step) {
    request.session.set('complaint', draft);
    const next = stepAfter(stepsFor(journey, draft), current, draft, isChanging(request));
    return reply.redirect(hrefOf(next, isChanging(request) && next !== 'check'), 303);
  }

  /** A page with what every page shows: the caption, the back link, where the form goes, and any errors. */
  function render(
    request: FastifyRequest,
    reply: FastifyReply,
    journey: Journey,
    draft: ComplaintDraft,
    current: Step,
    template: string,
    context: Record<string, unknown>,
    errors?: FieldError[],
  ) {
    const changing = isChanging(request);
    const steps = stepsFor(journey, draft);
    const before = steps[steps.indexOf(current) - 1];
    return reply.render(
      template,
      {
        journeyCaption: request.t('complaints.portal.caption'),
        backHref: changing && current !== 'check' ? hrefOf('check') : before ? hrefOf(before) : BASE,
        action: hrefOf(current, changing),
        kind: draft.kind ?? 'complaint',
        ...context,
        ...(errors ? { errors: pageErrors(request.t, errors) } : {}),
      },
      errors ? 400 : 200,
    );
  }

  /** The draft, or — when the session has none (it expired, or the page was bookmarked) — the start page. */
  async function withDraft(
    request: FastifyRequest,
    reply: FastifyReply,
    step: Step,
    then: (journey: Journey, draft: ComplaintDraft) => Promise<unknown> | unknown,
  ) {
    const journey = await journeyOf(request);
    if (!journey.draft) return reply.redirect(BASE, 303);
    // A page the answers so far do not lead to (the outcome wanted of a compliment): the next one to answer.
    const steps = stepsFor(journey, journey.draft);
    if (!steps.includes(step)) return reply.redirect(hrefOf(firstUnanswered(steps, journey.draft)), 303);
    return then(journey, journey.draft);
  }

  // The start page: what happens, how long it takes, and the other ways to complain.

  app.get(BASE, routeConfig, async (request, reply) =>
    reply.render(view('start'), {
      stageOne: TIMESCALES[1],
      stageTwo: TIMESCALES[2],
    }),
  );

  app.get(`${BASE}/start`, routeConfig, async (request, reply) => {
    const journey = await journeyOf(request);
    const draft = journey.draft ?? { id: randomUUID() };
    request.session.set('complaint', draft);
    return reply.redirect(hrefOf(firstUnanswered(stepsFor(journey, draft), draft)), 303);
  });

  // What kind: a complaint, a compliment or a comment

  const renderKind = (
    request: FastifyRequest,
    reply: FastifyReply,
    journey: Journey,
    draft: ComplaintDraft,
    selected: string,
    errors?: FieldError[],
  ) => render(request, reply, journey, draft, 'kind', view('kind'), { kinds: COMPLAINT_KINDS, selected }, errors);

  app.get(`${BASE}/kind`, routeConfig, (request, reply) =>
    withDraft(request, reply, 'kind', (journey, draft) => renderKind(request, reply, journey, draft, draft.kind ?? '')),
  );

  app.post(`${BASE}/kind`, postConfig, (request, reply) =>
    withDraft(request, reply, 'kind', (journey, draft) => {
      const form = parseForm(KindForm, request.body);
      if (!form.ok) return renderKind(request, reply, journey, draft, '', form.errors);
      draft.kind = form.value.kind;
      return onward(request, reply, journey, draft, 'kind');
    }),
  );

  // Which service it is about, from the council's public catalogue, or something else

  async function renderService(
    request: FastifyRequest,
    reply: FastifyReply,
    journey: Journey,
    draft: ComplaintDraft,
    catalogue: PublicService[],
    errors?: FieldError[],
  ) {
    return render(
      request,
      reply,
      journey,
      draft,
      'service',
      view('service'),
      {
        services: catalogue.map((service) => ({
          value: service.code,
          text: inLanguage(service.name, service.nameCy, request.language),
        })),
        asRadios: catalogue.length <= MOST_RADIOS,
        somethingElse: SOMETHING_ELSE,
        selected: draft.service ?? '',
      },
      errors,
    );
  }

  app.get(`${BASE}/service`, routeConfig, (request, reply) =>
    withDraft(request, reply, 'service', async (journey, draft) =>
      renderService(request, reply, journey, draft, await services.publicCatalogue(journey.councilId)),
    ),
  );

  app.post(`${BASE}/service`, postConfig, (request, reply) =>
    withDraft(request, reply, 'service', async (journey, draft) => {
      const catalogue = await services.publicCatalogue(journey.councilId);
      const chosen = fieldText((request.body as Record<string, unknown> | undefined)?.service).trim();
      if (chosen !== SOMETHING_ELSE && !catalogue.some((service) => service.code === chosen))
        return renderService(request, reply, journey, draft, catalogue, [
          { field: 'service', message: 'complaints.portal.service.errors.missing' },
        ]);
      draft.service = chosen;
      return onward(request, reply, journey, draft, 'service');
    }),
  );

  /** A page with one long answer: what happened (for a compliment or comment, what they want to tell us), or the outcome wanted. */
  function longAnswerPage(
    step: 'what-happened' | 'outcome',
    field: 'description' | 'outcomeWanted',
    form: typeof DescriptionForm | typeof OutcomeForm,
    maxLength: number,
  ) {
    app.get(`${BASE}/${step}`, routeConfig, (request, reply) =>
      withDraft(request, reply, step, (journey, draft) =>
        render(request, reply, journey, draft, step, view(step), { values: { [field]: draft[field] ?? '' }, maxLength }),
      ),
    );
    app.post(`${BASE}/${step}`, postConfig, (request, reply) =>
      withDraft(request, reply, step, (journey, draft) => {
        const answer = parseForm(form, request.body);
        if (!answer.ok)
          return render(request, reply, journey, draft, step, view(step), { values: answer.values, maxLength }, answer.errors);
        draft[field] = (answer.value as Record<typeof field, string>)[field];
        return onward(request, reply, journey, draft, step);
      }),
    );
  }

  longAnswerPage('what-happened', 'description', DescriptionForm, DESCRIPTION_MAX_LENGTH);
  // For a complaint: what they would like us to do to put it right
  longAnswerPage('outcome', 'outcomeWanted', OutcomeForm, OUTCOME_WANTED_MAX_LENGTH);

  // Whether they need us to do anything differently to take part (reasonable adjustments)

  app.get(`${BASE}/adjustments`, routeConfig, (request, reply) =>
    withDraft(request, reply, 'adjustments', (journey, draft) =>
      render(request, reply, journey, draft, 'adjustments', view('adjustments'), {
        values: { adjustmentsNeeded: draft.adjustments?.needed ?? '', adjustments: draft.adjustments?.details ?? '' },
        maxLength: ADJUSTMENTS_MAX_LENGTH,
      }),
    ),
  );

  app.post(`${BASE}/adjustments`, postConfig, (request, reply) =>
    withDraft(request, reply, 'adjustments', (journey, draft) => {
      const form = parseForm(AdjustmentsForm, request.body);
      const errors: FieldError[] = form.ok ? [] : [...form.errors];
      const values = (form.ok ? form.value : form.values) as { adjustmentsNeeded?: string; adjustments?: string };
      if (values.adjustmentsNeeded === 'yes' && !values.adjustments && !errors.some((error) => error.field === 'adjustments'))
        errors.push({ field: 'adjustments', message: 'complaints.portal.adjustments.errors.detailsMissing' });
      if (errors.length > 0)
        return render(
          request,
          reply,
          journey,
          draft,
          'adjustments',
          view('adjustments'),
          { values, maxLength: ADJUSTMENTS_MAX_LENGTH },
          errors,
        );
      draft.adjustments = values.adjustmentsNeeded === 'yes' ? { needed: 'yes', details: values.adjustments! } : { needed: 'no' };
      return onward(request, reply, journey, draft, 'adjustments');
    }),
  );

  // Contact details (the request journeys' page), or sign in instead

  const signInHref = `/account/sign-in?${new URLSearchParams({ returnTo: `${BASE}/start` })}`;
  const contactContext = (request: FastifyRequest, values: Partial<ContactDetails>) => ({
    values,
    signInHref,
    emailHint: request.t('complaints.portal.contact.emailHint'),
  });

  app.get(`${BASE}/contact`, routeConfig, (request, reply) =>
    withDraft(request, reply, 'contact', (journey, draft) =>
      render(request, reply, journey, draft, 'contact', journeyView('contact'), contactContext(request, draft.contact ?? {})),
    ),
  );

  app.post(`${BASE}/contact`, postConfig, (request, reply) =>
    withDraft(request, reply, 'contact', (journey, draft) => {
      const form = readContactDetails(request.body);
      if (!form.ok)
        return render(
          request,
          reply,
          journey,
          draft,
          'contact',
          journeyView('contact'),
          contactContext(request, form.values),
          form.errors,
        );
      draft.contact = form.value;
      if (caughtInHoneypot(request.body)) draft.caught = true;
      return onward(request, reply, journey, draft, 'contact');
    }),
  );

  // Check your answers, and send

  async function summaryRows(request: FastifyRequest, journey: Journey, draft: ComplaintDraft) {
    const { t } = request;
    const kind = draft.kind ?? 'complaint';
    const catalogue = await services.publicCatalogue(journey.councilId);
    const service = catalogue.find((candidate) => candidate.code === draft.service);
    // `data`: the resident's own words or the council's records, not our text (marked as English in Urdu pages).
    const rows: { key: string; value: string; href: string; data: boolean }[] = [
      {
        key: t('complaints.portal.check.kind'),
        value: t(`complaints.portal.kind.${kind}`),
        href: hrefOf('kind', true),
        data: false,
      },
      {
        key: t('complaints.portal.check.service'),
        value: service
          ? inLanguage(service.name, service.nameCy, request.language)
          : t('complaints.portal.service.somethingElse'),
        href: hrefOf('service', true),
        data: !!service,
      },
      {
        key: t(`complaints.portal.check.description.${kind}`),
        value: draft.description ?? '',
        href: hrefOf('what-happened', true),
        data: true,
      },
    ];
    if (kind === 'complaint')
      rows.push({
        key: t('complaints.portal.check.outcome'),
        value: draft.outcomeWanted ?? '',
        href: hrefOf('outcome', true),
        data: true,
      });
    const adjustments = draft.adjustments;
    rows.push({
      key: t('complaints.portal.check.adjustments'),
      value: adjustments?.needed === 'yes' ? (adjustments.details ?? '') : t('complaints.portal.check.noAdjustments'),
      href: hrefOf('adjustments', true),
      data: adjustments?.needed === 'yes',
    });
    return rows;
  }

  async function renderCheck(
    request: FastifyRequest,
    reply: FastifyReply,
    journey: Journey,
    draft: ComplaintDraft,
    errors?: FieldError[],
  ) {
    return render(
      request,
      reply,
      journey,
      draft,
      'check',
      view('check'),
      {
        rows: await summaryRows(request, journey, draft),
        contact: contactSummary(journey.resident, draft.contact),
        contactHref: journey.resident ? null : hrefOf('contact', true),
        submission: draft.id,
      },
      errors,
    );
  }

  app.get(`${BASE}/check`, routeConfig, async (request, reply) => {
    const journey = await journeyOf(request);
    const draft = journey.draft;
    // Back from the confirmation page: what was sent is not sent again.
    if (!draft && request.session.get('complaintSent')) return reply.redirect(`${BASE}/confirmation`, 303);
    if (!draft) return reply.redirect(BASE, 303);
    const pending = firstUnanswered(stepsFor(journey, draft), draft);
    if (pending !== 'check') return reply.redirect(hrefOf(pending), 303);
    return renderCheck(request, reply, journey, draft);
  });

  app.post(`${BASE}/check`, { config: { languages: LANGUAGES, rateLimit: SEND_LIMIT } }, async (request, reply) => {
    const journey = await journeyOf(request);
    const submission = fieldText((request.body as Record<string, unknown> | undefined)?.submission);
    const sent = request.session.get('complaintSent');
    const confirmation = `${BASE}/confirmation`;
    const draft = journey.draft;
    // Sent already (a double click, or back and send again): the same confirmation, no second complaint.
    if (sent?.key === submission && (!draft || draft.id !== submission)) return reply.redirect(confirmation, 303);
    if (!draft || draft.id !== submission) return reply.redirect(BASE, 303);
    const pending = firstUnanswered(stepsFor(journey, draft), draft);
    if (pending !== 'check') return reply.redirect(hrefOf(pending), 303);
    const kind = draft.kind!;

    if (draft.caught) {
      // The honeypot was filled: answer as if sent, keep nothing.
      request.session.set('complaintSent', { key: draft.id, kind } satisfies ComplaintSent);
      request.session.set('complaint', undefined);
      return reply.redirect(confirmation, 303);
    }

    const newCustomer = journey.resident || !draft.contact ? undefined : newCustomerFrom(draft.contact, request.language);
    let recorded: Awaited<ReturnType<typeof complaints.record>>;
    try {
      recorded = await complaints.record(
        PORTAL,
        {
          kind,
          description: draft.description ?? '',
          channel: 'web',
          ...(draft.service && draft.service !== SOMETHING_ELSE ? { serviceCode: draft.service } : {}),
          ...(kind === 'complaint' && draft.outcomeWanted ? { outcomeWanted: draft.outcomeWanted } : {}),
          ...(draft.adjustments?.needed === 'yes' ? { adjustments: draft.adjustments.details } : {}),
          ...(journey.resident ? { customerId: journey.resident.customerId } : {}),
        },
        { council: journey.councilId, submission: { key: draft.id, ...(newCustomer ? { newCustomer } : {}) } },
      );
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      // A service withdrawn from the catalogue meanwhile, say: listed above the answers to look at again.
      return renderCheck(
        request,
        reply,
        journey,
        draft,
        error.errors.map((problem) => ({ ...problem, field: '' })),
      );
    }
    request.session.set('complaintSent', {
      key: draft.id,
      kind: recorded.kind,
      reference: recorded.reference,
      ...(recorded.acknowledgeBy ? { acknowledgeOn: lastDueDay(recorded.acknowledgeBy) } : {}),
    } satisfies ComplaintSent);
    request.session.set('complaint', undefined);
    return reply.redirect(confirmation, 303);
  });

  app.get(`${BASE}/confirmation`, routeConfig, async (request, reply) => {
    const sent = request.session.get('complaintSent');
    if (!sent) return reply.redirect(BASE, 303);
    reply.header('Cache-Control', 'no-store');
    return reply.render(view('confirmation'), {
      kind: sent.kind,
      reference: sent.reference ?? null,
      acknowledgeOn: sent.acknowledgeOn ?? null,
      stageOne: TIMESCALES[1],
    });
  });
};
