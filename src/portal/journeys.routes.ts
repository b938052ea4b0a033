// A resident's online request, generated from the service's form in GOV.UK patterns: a start
// page, one thing per page, a place found by postcode then address, cases already reported
// there, contact details (unless signed in), check your answers, and a confirmation with the
// reference. The answers so far live in the server-side session, so going back or changing an
// answer loses nothing, and every page works without JavaScript. The rules of the journey are
// in journey.ts; this file reads and answers the pages.
import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { MapTiles } from '../config.ts';
import { DESCRIPTION_MAX_LENGTH, type CasesService } from '../cases/service.ts';
import type { AddressesAtPostcode, GazetteerService } from '../gazetteer/service.ts';
import { systemActor } from '../platform/actor.ts';
import { Invalid, NotFound, type FieldError } from '../platform/errors.ts';
import { ACCEPT_ATTRIBUTE } from '../platform/files/checkUpload.ts';
import type { FileStore } from '../platform/files/store.ts';
import { caughtInHoneypot, fieldText, pageErrors, parseForm, readDateInput, requiredText } from '../platform/forms.ts';
import { readUploadForm, type FormFields } from '../platform/http/uploads.ts';
import { inLanguage } from '../platform/i18n.ts';
import { checkAnswers } from '../services/answers.ts';
import type { Question, ServiceForCase } from '../services/schemas.ts';
import type { ServicesService } from '../services/service.ts';
import {
  answersToSend,
  dayOf,
  firstUnanswered,
  newDraft,
  pathOf,
  placeQuestion,
  stepAfter,
  stepBefore,
  stepsOf,
  type Draft,
  type DraftAnswer,
  type Step,
} from './journey.ts';
import { contactSummary, newCustomerFrom, readContactDetails } from './contactDetails.ts';

/** Who is signed in to the portal, for the contact details step (none without accounts). */
export interface SignedInResident {
  councilId: string;
  customerId: string;
  name: string;
  email: string;
}

export interface JourneyOptions {
  services: Pick<ServicesService, 'forCase'>;
  cases: Pick<CasesService, 'raise' | 'alreadyReported' | 'attach'>;
  gazetteer: Pick<GazetteerService, 'publicAddressesAt' | 'publicPointIn' | 'centreOf'>;
  /** Map tiles for placing a pin, when the council has configured them. */
  mapTiles?: Pick<MapTiles, 'url' | 'attribution'> | null;
  files: FileStore;
  portalCouncil: () => Promise<string | undefined>;
  residentOf?: (request: FastifyRequest) => Promise<SignedInResident | undefined>;
}

declare module 'fastify' {
  interface Session {
    /** The online request being answered. */
    journey?: Draft;
    /** The last one sent. */
    sent?: Sent;
  }
}

/** What the session keeps once a request is sent: the confirmation page, and the answer to sending it again. */
interface Sent {
  key: string;
  service: string;
  reference?: string;
  trackingToken?: string;
}

/** The portal raises cases as OneDoor itself; the audit trail names it. */
const PORTAL = systemActor('portal');
/** Each page of a journey: a person answers a page in seconds at the quickest. */
const STEP_LIMIT = { max: 120, timeWindow: '1 minute' };
/** Requests sent from one address: a household reports a few things; a script is held back. */
const SEND_LIMIT = { max: 10, timeWindow: '10 minutes' };
/** Pages of the journey are offered in Urdu as well as English and Welsh. */
const LANGUAGES = ['ur'] as const;

const FollowForm = Type.Object({
  follow: requiredText(
    { missing: 'journey.alreadyReported.errors.missing', tooLong: 'journey.alreadyReported.errors.missing' },
    20,
  ),
});
const DetailsForm = Type.Object({
  description: requiredText(
    { missing: 'journey.details.errors.missing', tooLong: 'journey.details.errors.tooLong' },
    DESCRIPTION_MAX_LENGTH,
  ),
});

type Params = { code: string };
type QuestionParams = Params & { question: string };

export const journeyRoutes: FastifyPluginAsync<JourneyOptions> = async (app, options) => {
  const { services, cases, gazetteer, files } = options;
  const view = (name: string) => `portal/views/journey/${name}.njk`;

  interface Journey {
    councilId: string;
    service: ServiceForCase;
    draft: Draft | undefined;
    resident: SignedInResident | undefined;
  }

  async function journeyOf(request: FastifyRequest, code: string): Promise<Journey> {
    const councilId = await options.portalCouncil();
    const service = councilId ? await services.forCase(councilId, code) : undefined;
    if (!councilId || !service?.public) throw new NotFound('service');
    const kept = request.session.get('journey');
    const signedIn = options.residentOf ? await options.residentOf(request) : undefined;
    // An account is with one council: on another council's portal its holder is asked like anyone else.
    const resident = signedIn?.councilId === councilId ? signedIn : undefined;
    return { councilId, service, draft: kept?.service === service.code ? kept : undefined, resident };
  }

  const stepsFor = (journey: Journey, draft: Draft) =>
    stepsOf(journey.service.questions, draft, { signedIn: !!journey.resident });
  const hrefOf = (code: string, step: Step, changing = false) =>
    `/services/${code}/${pathOf(step)}${changing ? '?change=1' : ''}`;
  const isChanging = (request: FastifyRequest) => fieldText((request.query as Record<string, unknown>).change) === '1';

  function saveDraft(request: FastifyRequest, draft: Draft) {
    request.session.set('journey', draft);
  }

  /** On from an answered page: to the next page, or back to check your answers. */
  function onward(request: FastifyRequest, reply: FastifyReply, journey: Journey, draft: Draft, current: Step) {
    saveDraft(request, draft);
    const next = stepAfter(stepsFor(journey, draft), current, draft, isChanging(request));
    const changing = isChanging(request) && next.kind !== 'check';
    return reply.redirect(hrefOf(journey.service.code, next, changing), 303);
  }

  /** A page of the journey with what every page shows: the service, the back link, where the form goes. */
  function render(
    request: FastifyRequest,
    reply: FastifyReply,
    journey: Journey,
    draft: Draft,
    current: Step,
    name: string,
    context: Record<string, unknown>,
    errors?: FieldError[],
  ) {
    const code = journey.service.code;
    const changing = isChanging(request);
    const before = stepBefore(stepsFor(journey, draft), current);
    const back = changing ? hrefOf(code, { kind: 'check' }) : before ? hrefOf(code, before) : `/services/${code}`;
    return reply.render(
      view(name),
      {
        journeyService: inLanguage(journey.service.name, journey.service.nameCy, request.language),
        backHref: back,
        action: hrefOf(code, current, changing),
        ...context,
        ...(errors ? { errors: pageErrors(request.t, errors) } : {}),
      },
      errors ? 400 : 200,
    );
  }

  /** The journey's draft, or — when the session has none (it expired, or the page was bookmarked) — its start page. */
  async function withDraft(
    request: FastifyRequest<{ Params: Params }>,
    reply: FastifyReply,
    then: (journey: Journey, draft: Draft) => Promise<unknown> | unknown,
  ) {
    const journey = await journeyOf(request, request.params.code);
    if (!journey.draft) return reply.redirect(`/services/${journey.service.code}`, 303);
    return then(journey, journey.draft);
  }

  function questionOf(journey: Journey, code: string): Question {
    const question = journey.service.questions.find((candidate) => candidate.code === code);
    if (!question) throw new NotFound('question');
    return question;
  }

  const routeConfig = { languages: LANGUAGES };
  const postConfig = { languages: LANGUAGES, rateLimit: STEP_LIMIT };

  // Start: a new draft (or the one already begun for this service), then its first page to answer.
  app.get<{ Params: Params }>('/services/:code/start', { config: routeConfig }, async (request, reply) => {
    const journey = await journeyOf(request, request.params.code);
    const draft = journey.draft ?? newDraft(randomUUID(), journey.service.code);
    saveDraft(request, draft);
    return reply.redirect(hrefOf(journey.service.code, firstUnanswered(stepsFor(journey, draft), draft)), 303);
  });

  /**
   * Open cases of the service already reported at the case's place (its first location question),
   * offered on the page after it, if there are any. The answer to follow one stands while they do.
   */
  async function lookForNearby(
    journey: Journey,
    draft: Draft,
    question: Question,
    place: { uprn: number } | { lat: number; long: number },
  ) {
    if (placeQuestion(journey.service.questions) !== question) return;
    const nearby = await cases.alreadyReported(PORTAL, journey.service.code, place, { council: journey.councilId });
    const unchanged = nearby.map((item) => item.reference).join() === (draft.nearby ?? []).map((item) => item.reference).join();
    if (nearby.length === 0) {
      delete draft.nearby;
      delete draft.follow;
      return;
    }
    draft.nearby = nearby.map((item) => ({
      reference: item.reference,
      status: item.status,
      receivedAt: item.receivedAt.toISOString(),
      distanceMetres: item.distanceMetres,
    }));
    if (!unchanged) delete draft.follow;
  }

  /** The map on a location question, when the council has one: centred on the place chosen, or on its area. */
  async function mapFor(journey: Journey, answer: DraftAnswer | undefined) {
    if (!options.mapTiles) return null;
    const centre = answer?.kind === 'point' ? answer : await gazetteer.centreOf(journey.councilId);
    if (!centre) return null;
    return { ...options.mapTiles, lat: centre.lat, long: centre.long, zoom: answer?.kind === 'point' ? 17 : 13 };
  }

  // One question

  async function renderQuestion(
    request: FastifyRequest,
    reply: FastifyReply,
    journey: Journey,
    draft: Draft,
    question: Question,
    values: Record<string, string>,
    errors?: FieldError[],
  ) {
    const welsh = request.language === 'cy';
    const given = draft.answers[question.code];
    return render(
      request,
      reply,
      journey,
      draft,
      { kind: 'question', code: question.code },
      'question',
      {
        question: {
          code: question.code,
          kind: question.kind,
          required: question.required,
          label: (welsh && question.labelCy) || question.label,
          hint: (welsh && question.hintCy) || question.hint,
          options:
            question.kind === 'choice'
              ? question.options.map((option) => ({ value: option.value, text: (welsh && option.labelCy) || option.label }))
              : [],
        },
        values,
        accept: ACCEPT_ATTRIBUTE,
        map: question.kind === 'location' ? await mapFor(journey, given) : null,
        fileName: given?.kind === 'file' ? given.name : null,
      },
      errors,
    );
  }

  /** The form's fields as they were typed, from what the draft kept. */
  function valuesOf(answer: DraftAnswer | undefined): Record<string, string> {
    switch (answer?.kind) {
      case 'text':
        return { answer: answer.value };
      case 'date':
        return { 'answer-day': answer.day, 'answer-month': answer.month, 'answer-year': answer.year };
      case 'location':
        return { answer: answer.postcode };
      default:
        return {};
    }
  }

  app.get<{ Params: QuestionParams }>('/services/:code/questions/:question', { config: routeConfig }, (request, reply) =>
    withDraft(request, reply, (journey, draft) => {
      const question = questionOf(journey, request.params.question);
      return renderQuestion(request, reply, journey, draft, question, valuesOf(draft.answers[question.code]));
    }),
  );

  app.post<{ Params: QuestionParams }>('/services/:code/questions/:question', { config: postConfig }, (request, reply) =>
    withDraft(request, reply, async (journey, draft) => {
      const question = questionOf(journey, request.params.question);
      const step: Step = { kind: 'question', code: question.code };
      const field = `answers.${question.code}`;
      const refuse = (values: Record<string, string>, message: string, params?: Record<string, string | number>) =>
        renderQuestion(request, reply, journey, draft, question, values, [{ field, message, ...(params ? { params } : {}) }]);

      if (question.kind === 'file') {
        const form = await readUploadForm(request, { store: files, maxFiles: 1 });
        const [file] = form.files;
        if (file && !file.ok) return refuse({}, file.reason, file.params);
        if (file?.ok) {
          const previous = draft.answers[question.code];
          if (previous?.kind === 'file') await files.remove(previous.key);
          draft.answers[question.code] = {
            kind: 'file',
            key: file.stored.key,
            name: file.originalName,
            contentType: file.stored.contentType,
            size: file.stored.size,
            sha256: file.stored.sha256,
          };
        } else if (draft.answers[question.code]?.kind !== 'file') {
          if (question.required) return refuse({}, 'services.errors.answerMissing');
          draft.answers[question.code] = { kind: 'skipped' };
        }
        return onward(request, reply, journey, draft, step);
      }

      const body = (request.body ?? {}) as FormFields;
      if (question.kind === 'date') {
        const date = readDateInput(body, 'answer');
        const values = { 'answer-day': date.parts.day, 'answer-month': date.parts.month, 'answer-year': date.parts.year };
        if (date.state === 'empty') {
          if (question.required) return refuse(values, 'services.errors.answerMissing');
          draft.answers[question.code] = { kind: 'skipped' };
          return onward(request, reply, journey, draft, step);
        }
        // Not a day that exists (31 2 2026), or not numbers: said the GOV.UK way, not the API's.
        if (!date.date || checkAnswers([question], { [question.code]: date.date }).problems.length > 0)
          return refuse(values, 'journey.dateInvalid');
        draft.answers[question.code] = { kind: 'date', ...date.parts };
        return onward(request, reply, journey, draft, step);
      }

      const typed = fieldText(body.answer).trim();
      if (question.kind === 'location' && fieldText(body.action) === 'pin') {
        // The centre of the map (with JavaScript): in the council's area, described by the nearest address.
        const point = { lat: Number(fieldText(body.lat)), long: Number(fieldText(body.long)) };
        const inArea =
          fieldText(body.lat) && fieldText(body.long) ? await gazetteer.publicPointIn(journey.councilId, point) : undefined;
        if (!inArea) return refuse({ answer: '' }, 'journey.location.errors.pointOutside');
        draft.answers[question.code] = { kind: 'point', ...point, near: inArea.near };
        await lookForNearby(journey, draft, question, point);
        return onward(request, reply, journey, draft, step);
      }
      if (question.kind === 'location') {
        if (typed === '') {
          if (question.required) return refuse({ answer: typed }, 'journey.location.errors.postcodeMissing');
          draft.answers[question.code] = { kind: 'skipped' };
          return onward(request, reply, journey, draft, step);
        }
        try {
          const found = await gazetteer.publicAddressesAt(journey.councilId, typed);
          if (found.addresses.length === 0) return refuse({ answer: typed }, 'journey.location.errors.noAddresses');
          const previous = draft.answers[question.code];
          // The same postcode again keeps the address chosen; a new one asks for its address.
          draft.answers[question.code] =
            previous?.kind === 'location' && previous.postcode === found.postcode
              ? previous
              : { kind: 'location', postcode: found.postcode };
        } catch (error) {
          if (!(error instanceof Invalid)) throw error;
          return refuse({ answer: typed }, error.errors[0]?.message ?? 'gazetteer.errors.postcodeFormat');
        }
        return onward(request, reply, journey, draft, step);
      }

      if (typed === '') {
        if (question.required) return refuse({ answer: typed }, 'services.errors.answerMissing');
        draft.answers[question.code] = { kind: 'skipped' };
        return onward(request, reply, journey, draft, step);
      }
      const problems = checkAnswers([question], { [question.code]: typed }).problems;
      if (problems[0]) return refuse({ answer: typed }, problems[0].message, problems[0].params);
      draft.answers[question.code] = { kind: 'text', value: typed };
      return onward(request, reply, journey, draft, step);
    }),
  );

  // A place's address, from the addresses at the postcode given on the page before

  async function renderAddress(
    request: FastifyRequest,
    reply: FastifyReply,
    journey: Journey,
    draft: Draft,
    question: Question,
    refused?: { found: AddressesAtPostcode; errors: FieldError[] },
  ) {
    const answer = draft.answers[question.code];
    if (answer?.kind !== 'location')
      return reply.redirect(hrefOf(journey.service.code, { kind: 'question', code: question.code }), 303);
    const found = refused?.found ?? (await gazetteer.publicAddressesAt(journey.councilId, answer.postcode));
    return render(
      request,
      reply,
      journey,
      draft,
      { kind: 'address', code: question.code },
      'address',
      {
        postcode: found.postcode,
        addresses: found.addresses.map((address) => ({ value: String(address.uprn), text: address.label })),
        selected: answer.uprn ?? '',
        postcodeHref: hrefOf(journey.service.code, { kind: 'question', code: question.code }, isChanging(request)),
      },
      refused?.errors,
    );
  }

  app.get<{ Params: QuestionParams }>('/services/:code/questions/:question/address', { config: routeConfig }, (request, reply) =>
    withDraft(request, reply, (journey, draft) =>
      renderAddress(request, reply, journey, draft, questionOf(journey, request.params.question)),
    ),
  );

  app.post<{ Params: QuestionParams }>('/services/:code/questions/:question/address', { config: postConfig }, (request, reply) =>
    withDraft(request, reply, async (journey, draft) => {
      const question = questionOf(journey, request.params.question);
      const answer = draft.answers[question.code];
      if (answer?.kind !== 'location')
        return reply.redirect(hrefOf(journey.service.code, { kind: 'question', code: question.code }), 303);
      const uprn = fieldText((request.body as FormFields | undefined)?.uprn).trim();
      const found = await gazetteer.publicAddressesAt(journey.councilId, answer.postcode);
      const address = found.addresses.find((candidate) => String(candidate.uprn) === uprn);
      if (!address)
        return renderAddress(request, reply, journey, draft, question, {
          found,
          errors: [{ field: 'uprn', message: 'journey.location.errors.addressMissing' }],
        });
      draft.answers[question.code] = { kind: 'location', postcode: answer.postcode, uprn, label: address.label };
      await lookForNearby(journey, draft, question, { uprn: address.uprn });
      return onward(request, reply, journey, draft, { kind: 'address', code: question.code });
    }),
  );

  // More detail: what the case is, in the resident's words

  app.get<{ Params: Params }>('/services/:code/details', { config: routeConfig }, (request, reply) =>
    withDraft(request, reply, (journey, draft) =>
      render(request, reply, journey, draft, { kind: 'details' }, 'details', {
        values: { description: draft.description ?? '' },
        maxLength: DESCRIPTION_MAX_LENGTH,
      }),
    ),
  );

  app.post<{ Params: Params }>('/services/:code/details', { config: postConfig }, (request, reply) =>
    withDraft(request, reply, (journey, draft) => {
      const form = parseForm(DetailsForm, request.body);
      if (!form.ok)
        return render(
          request,
          reply,
          journey,
          draft,
          { kind: 'details' },
          'details',
          {
            values: form.values,
            maxLength: DESCRIPTION_MAX_LENGTH,
          },
          form.errors,
        );
      draft.description = form.value.description;
      return onward(request, reply, journey, draft, { kind: 'details' });
    }),
  );

  // Already reported: follow an open case at the place rather than send the same problem again

  function renderFollow(request: FastifyRequest, reply: FastifyReply, journey: Journey, draft: Draft, errors?: FieldError[]) {
    if (!draft.nearby?.length)
      return reply.redirect(hrefOf(journey.service.code, firstUnanswered(stepsFor(journey, draft), draft)), 303);
    return render(
      request,
      reply,
      journey,
      draft,
      { kind: 'already-reported' },
      'already-reported',
      {
        nearby: draft.nearby,
        selected: draft.follow ?? '',
      },
      errors,
    );
  }

  app.get<{ Params: Params }>('/services/:code/already-reported', { config: routeConfig }, (request, reply) =>
    withDraft(request, reply, (journey, draft) => renderFollow(request, reply, journey, draft)),
  );

  app.post<{ Params: Params }>('/services/:code/already-reported', { config: postConfig }, (request, reply) =>
    withDraft(request, reply, (journey, draft) => {
      const form = parseForm(FollowForm, request.body);
      const follow = form.ok ? form.value.follow : '';
      if (follow !== 'new' && !draft.nearby?.some((item) => item.reference === follow))
        return renderFollow(request, reply, journey, draft, [
          { field: 'follow', message: 'journey.alreadyReported.errors.missing' },
        ]);
      draft.follow = follow;
      return onward(request, reply, journey, draft, { kind: 'already-reported' });
    }),
  );

  // Contact details: how the council tells the resident about progress

  /** Signing in instead, and coming back to the request (its answers kept across the sign-in). */
  const signInHref = (journey: Journey) =>
    `/account/sign-in?${new URLSearchParams({ returnTo: `/services/${journey.service.code}/start` })}`;

  app.get<{ Params: Params }>('/services/:code/contact', { config: routeConfig }, (request, reply) =>
    withDraft(request, reply, (journey, draft) =>
      render(request, reply, journey, draft, { kind: 'contact' }, 'contact', {
        values: draft.contact ?? {},
        signInHref: signInHref(journey),
      }),
    ),
  );

  app.post<{ Params: Params }>('/services/:code/contact', { config: postConfig }, (request, reply) =>
    withDraft(request, reply, (journey, draft) => {
      const form = readContactDetails(request.body);
      if (!form.ok)
        return render(
          request,
          reply,
          journey,
          draft,
          { kind: 'contact' },
          'contact',
          { values: form.values, signInHref: signInHref(journey) },
          form.errors,
        );
      draft.contact = form.value;
      if (caughtInHoneypot(request.body)) draft.caught = true;
      return onward(request, reply, journey, draft, { kind: 'contact' });
    }),
  );

  // Check your answers, and send

  function summaryRows(request: FastifyRequest, journey: Journey, draft: Draft) {
    const { t, language } = request;
    const welsh = language === 'cy';
    const code = journey.service.code;
    // `data`: the resident's own words or the council's records, not our text (marked as English in Urdu pages).
    const rows: { key: string; value: string; href: string; data: boolean; isDate?: boolean }[] = [];
    for (const question of journey.service.questions) {
      const answer = draft.answers[question.code];
      const label = (welsh && question.labelCy) || question.label;
      const href = hrefOf(code, { kind: 'question', code: question.code }, true);
      let value = t('journey.check.notAnswered');
      let data = false;
      let isDate = false;
      if (answer?.kind === 'text') {
        data = true;
        value = answer.value;
        if (question.kind === 'yes_no')
          [value, data] = [t(answer.value.toLowerCase() === 'yes' ? 'journey.yes' : 'journey.no'), false];
        if (question.kind === 'choice') {
          const option = question.options.find((candidate) => candidate.value === answer.value);
          value = option ? (welsh && option.labelCy) || option.label : answer.value;
        }
      } else if (answer?.kind === 'date') {
        [value, isDate] = [dayOf(answer), true];
      } else if (answer?.kind === 'point') {
        value = t('journey.location.pointSummary', { near: answer.near });
      } else if (answer?.kind === 'location') {
        [value, data] = [answer.label ?? answer.postcode, true];
      } else if (answer?.kind === 'file') {
        [value, data] = [answer.name, true];
      }
      rows.push({ key: label, value, href, data, isDate });
    }
    rows.push({
      key: t('journey.details.label'),
      value: draft.description ?? '',
      href: hrefOf(code, { kind: 'details' }, true),
      data: true,
    });
    if (draft.nearby?.length && draft.follow) {
      const place = journey.service.questions.indexOf(placeQuestion(journey.service.questions)!);
      rows.splice(place + 1, 0, {
        key: t('journey.alreadyReported.summaryKey'),
        value:
          draft.follow === 'new'
            ? t('journey.alreadyReported.new')
            : t('journey.alreadyReported.follow', { reference: draft.follow }),
        href: hrefOf(code, { kind: 'already-reported' }, true),
        data: false,
      });
    }
    return rows;
  }

  function renderCheck(request: FastifyRequest, reply: FastifyReply, journey: Journey, draft: Draft, errors?: FieldError[]) {
    const contact = contactSummary(journey.resident, draft.contact);
    return render(
      request,
      reply,
      journey,
      draft,
      { kind: 'check' },
      'check',
      {
        rows: summaryRows(request, journey, draft),
        contact,
        contactHref: journey.resident ? null : hrefOf(journey.service.code, { kind: 'contact' }, true),
        submission: draft.id,
      },
      errors,
    );
  }

  app.get<{ Params: Params }>('/services/:code/check', { config: routeConfig }, async (request, reply) => {
    const journey = await journeyOf(request, request.params.code);
    const sent = request.session.get('sent');
    // Back from the confirmation page: what was sent is not sent again.
    if (!journey.draft && sent?.service === journey.service.code)
      return reply.redirect(`/services/${journey.service.code}/confirmation`, 303);
    if (!journey.draft) return reply.redirect(`/services/${journey.service.code}`, 303);
    const draft = journey.draft;
    const pending = firstUnanswered(stepsFor(journey, draft), draft);
    if (pending.kind !== 'check') return reply.redirect(hrefOf(journey.service.code, pending), 303);
    return renderCheck(request, reply, journey, draft);
  });

  app.post<{ Params: Params }>(
    '/services/:code/check',
    { config: { languages: LANGUAGES, rateLimit: SEND_LIMIT } },
    async (request, reply) => {
      const journey = await journeyOf(request, request.params.code);
      const code = journey.service.code;
      const submission = fieldText((request.body as FormFields | undefined)?.submission);
      const sent = request.session.get('sent');
      const confirmation = `/services/${code}/confirmation`;
      const draft = journey.draft;
      // Sent already (a double click, or back and send again): the same confirmation, no second case.
      if (sent?.key === submission && (!draft || draft.id !== submission)) return reply.redirect(confirmation, 303);
      if (!draft || draft.id !== submission) return reply.redirect(`/services/${code}`, 303);
      const pending = firstUnanswered(stepsFor(journey, draft), draft);
      if (pending.kind !== 'check') return reply.redirect(hrefOf(code, pending), 303);

      if (draft.caught) {
        // The honeypot was filled: answer as if sent, keep nothing.
        request.session.set('sent', { key: draft.id, service: code } satisfies Sent);
        request.session.set('journey', undefined);
        return reply.redirect(confirmation, 303);
      }

      const newCustomer = journey.resident || !draft.contact ? undefined : newCustomerFrom(draft.contact, request.language);
      let raised: Awaited<ReturnType<typeof cases.raise>>;
      try {
        raised = await cases.raise(
          PORTAL,
          {
            serviceCode: code,
            description: draft.description ?? '',
            channel: 'web',
            answers: answersToSend(draft),
            ...(journey.resident ? { customerId: journey.resident.customerId } : {}),
            ...(draft.follow && draft.follow !== 'new' ? { linkTo: draft.follow } : {}),
          },
          { council: journey.councilId, submission: { key: draft.id, ...(newCustomer ? { newCustomer } : {}) } },
        );
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        // The service's form changed under the resident, or a followed case closed meanwhile: say which answer to look at again.
        return renderCheck(
          request,
          reply,
          journey,
          draft,
          error.errors.map((problem) => ({ ...problem, field: '' })),
        );
      }
      if (raised.isNew) {
        for (const answer of Object.values(draft.answers)) {
          if (answer.kind !== 'file') continue;
          await cases.attach(
            PORTAL,
            raised.reference,
            {
              key: answer.key,
              fileName: answer.name,
              contentType: answer.contentType,
              sizeBytes: answer.size,
              sha256: answer.sha256,
            },
            'internal',
          );
        }
      }
      request.session.set('sent', {
        key: draft.id,
        service: code,
        reference: raised.reference,
        trackingToken: raised.trackingToken,
      } satisfies Sent);
      request.session.set('journey', undefined);
      return reply.redirect(confirmation, 303);
    },
  );

  app.get<{ Params: Params }>('/services/:code/confirmation', { config: routeConfig }, async (request, reply) => {
    const journey = await journeyOf(request, request.params.code);
    const sent = request.session.get('sent');
    if (sent?.service !== journey.service.code) return reply.redirect(`/services/${journey.service.code}`, 303);
    reply.header('Cache-Control', 'no-store');
    return reply.render(view('confirmation'), {
      reference: sent.reference ?? null,
      trackingHref: sent.trackingToken ? `/track/${sent.trackingToken}` : null,
      slaWorkingDays: journey.service.slaWorkingDays,
    });
  });
};
