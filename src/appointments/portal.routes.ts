// "Book an appointment" in the resident portal, in GOV.UK patterns: a start page (what can be
// booked, what to bring, other ways to book, adjustments), then one thing per page — which
// service, where (skipped when only one place offers it), which day (a week at a time), which
// time, anything we should know — contact details (unless signed in), check your answers, and a
// confirmation with the reference and the private link to change or cancel. The answers so far
// live in the server-side session, so going back or changing an answer loses nothing, and every
// page works without JavaScript. A time taken by someone else meanwhile sends the resident back to
// choose another, with every other answer kept. The complaint journey
// (src/complaints/portal.routes.ts) is the model, and the request journeys lend their contact pages.
//
// The private link (/appointments/manage/:token) shows the appointment and lets its holder cancel
// it or move it to another time of the same service at the same place. The token is the only key
// to those pages: they are never cached, indexed or passed on in a Referer header.
import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { systemActor } from '../platform/actor.ts';
import { Conflict, Invalid, NotFound, type FieldError } from '../platform/errors.ts';
import { caughtInHoneypot, choice, fieldText, isCalendarDate, pageErrors, parseForm } from '../platform/forms.ts';
import { inLanguage, type Language } from '../platform/i18n.ts';
import { contactSummary, newCustomerFrom, readContactDetails, type ContactDetails } from '../portal/contactDetails.ts';
import { addCalendarDays, londonDate } from '../services/calendar.ts';
import {
  firstUnanswered,
  stepAfter,
  stepsOf,
  reachable,
  weekStarting,
  withDay,
  withService,
  withSite,
  withSlot,
  withSlotRefused,
  type AppointmentDraft,
  type Step,
} from './journey.ts';
import {
  NOTES_MAX_LENGTH,
  SLOT_SEARCH_MAX_DAYS,
  type AppointmentRecord,
  type AppointmentsService,
  type BookableService,
  type FreeSlot,
} from './service.ts';

/** A resident signed in to the portal: their appointment goes on their customer record. */
export interface SignedInResident {
  councilId: string;
  customerId: string;
  name: string;
  email: string;
}

export interface AppointmentPortalOptions {
  appointments: Pick<
    AppointmentsService,
    'bookableServices' | 'freeSlots' | 'book' | 'byManageToken' | 'cancelByResident' | 'changeByResident'
  >;
  portalCouncil(): Promise<string | undefined>;
  residentOf: (request: FastifyRequest) => Promise<SignedInResident | undefined>;
  now?: () => Date;
}

/** What the session keeps once booked: the confirmation page, and the answer to booking it again. */
interface AppointmentBooked {
  key: string;
  /** The private link (absent when the honeypot was filled in and nothing was booked). */
  manageUrl?: string;
}

declare module 'fastify' {
  interface Session {
    /** The appointment being booked. */
    appointment?: AppointmentDraft;
    /** The last one booked. */
    appointmentBooked?: AppointmentBooked;
  }
}

/** The portal books as OneDoor itself; the audit trail names it. */
const PORTAL = systemActor('portal');
/** Each page: a person answers a page in seconds at the quickest (as the other journeys). */
const STEP_LIMIT = { max: 120, timeWindow: '1 minute' };
/** Bookings, cancellations and changes from one address: a household makes a few; a script is held back. */
const SEND_LIMIT = { max: 10, timeWindow: '10 minutes' };
/** The pages are offered in Urdu as well as English and Welsh. */
const LANGUAGES = ['ur'] as const;
/** The day page shows a week at a time. */
const WEEK_DAYS = 7;
/** How far ahead the "where" page looks for the stops the bus makes. */
const STOPS_AHEAD_DAYS = 28;
const BASE = '/appointments';

const NotesForm = Type.Object({
  notes: Type.Optional(
    Type.String({ maxLength: NOTES_MAX_LENGTH, errorMessages: { maxLength: 'appointments.portal.notes.errors.tooLong' } }),
  ),
});
const CancelForm = Type.Object({ confirm: choice(['yes', 'no'] as const, 'appointments.portal.cancel.errors.missing') });

const DATE_LOCALES: Record<Language, string> = { en: 'en-GB', cy: 'cy-GB', ur: 'ur' };
const dayFormats = Object.fromEntries(
  Object.entries(DATE_LOCALES).map(([language, locale]) => [
    language,
    {
      day: new Intl.DateTimeFormat(locale, { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long' }),
      date: new Intl.DateTimeFormat(locale, { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }),
      short: new Intl.DateTimeFormat(locale, { timeZone: 'UTC', day: 'numeric', month: 'long' }),
    },
  ]),
) as Record<Language, Record<'day' | 'date' | 'short', Intl.DateTimeFormat>>;
/** Times as the confirmation email gives them: the 24-hour clock in London. */
const timeFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit' });

/** A London day (YYYY-MM-DD) as a person reads it: "Monday 7 December", with the year, or just "7 December". */
function dayName(day: string, language: Language, form: 'day' | 'date' | 'short' = 'day'): string {
  const noon = new Date(`${day}T12:00:00Z`);
  if (form !== 'short') return dayFormats[language][form].format(noon);
  // Day then month in every language (Welsh's own order would be "Rhagfyr 7").
  const parts = dayFormats[language].short.formatToParts(noon);
  return ['day', 'month'].map((type) => parts.find((part) => part.type === type)?.value ?? '').join(' ');
}
const timeOf = (at: Date) => timeFormat.format(at);

export const appointmentPortalRoutes: FastifyPluginAsync<AppointmentPortalOptions> = async (app, options) => {
  const { appointments } = options;
  const now = options.now ?? (() => new Date());
  const view = (name: string) => `appointments/views/portal/${name}.njk`;
  const journeyView = (name: string) => `portal/views/journey/${name}.njk`;
  const routeConfig = { config: { languages: LANGUAGES } };
  const postConfig = { config: { languages: LANGUAGES, rateLimit: STEP_LIMIT } };
  const sendConfig = { config: { languages: LANGUAGES, rateLimit: SEND_LIMIT } };

  async function councilOf(): Promise<string> {
    const councilId = await options.portalCouncil();
    if (!councilId) throw new NotFound('council');
    return councilId;
  }

  /** The days anyone may book: from today, as far ahead as one search of free slots reaches. */
  function bookingWindow() {
    const today = londonDate(now());
    return { today, lastDay: addCalendarDays(today, SLOT_SEARCH_MAX_DAYS) };
  }

  /** Free slots, or none when the service or place is no longer offered. */
  async function free(query: { councilId: string; serviceCode: string; siteId?: string; from: string; to: string }) {
    try {
      return await appointments.freeSlots(undefined, query);
    } catch (error) {
      if (error instanceof Invalid) return [];
      throw error;
    }
  }

  const siteName = (site: { name: string; nameCy: string | null }, language: Language) =>
    inLanguage(site.name, site.nameCy, language);

  /** Where, as a person reads it: the place's name, and the bus's stop or the shop's address. */
  const whereOf = (
    site: { siteName: string; siteNameCy: string | null; place: string | null; siteAddress?: string | null },
    language: Language,
  ) => [inLanguage(site.siteName, site.siteNameCy, language), site.place ?? site.siteAddress].filter(Boolean).join(', ');

  // Choosing a day and a time: the same pages book an appointment and change one.

  interface SlotQuery {
    councilId: string;
    serviceCode: string;
    siteId: string;
  }

  /** The week's days with free times, and the weeks before and after that have any. */
  async function dayPage(
    request: FastifyRequest,
    query: SlotQuery,
    asked: string | undefined,
    hrefOfWeek: (week: string) => string,
  ) {
    const { t, language } = request;
    const { today, lastDay } = bookingWindow();
    const week = weekStarting(today, asked && isCalendarDate(asked) ? asked : undefined, lastDay);
    const weekEnd = addCalendarDays(week, WEEK_DAYS - 1) < lastDay ? addCalendarDays(week, WEEK_DAYS - 1) : lastDay;
    const slots = await free({ ...query, from: week, to: weekEnd });
    const counts = new Map<string, number>();
    for (const slot of slots) {
      const day = londonDate(slot.startsAt);
      counts.set(day, (counts.get(day) ?? 0) + 1);
    }
    const later = weekEnd < lastDay && (await free({ ...query, from: addCalendarDays(weekEnd, 1), to: lastDay })).length > 0;
    const weekFrom = dayName(week, language, 'short');
    const weekTo = dayName(weekEnd, language, 'short');
    return {
      week,
      weekFrom,
      weekTo,
      weekText: t('appointments.portal.day.week', { from: weekFrom, to: weekTo }),
      days: [...counts].map(([day, count]) => ({
        value: day,
        text: dayName(day, language),
        hint: t('appointments.portal.day.times', { count }),
      })),
      earlierHref: week > today ? hrefOfWeek(addCalendarDays(week, -WEEK_DAYS)) : null,
      laterHref: later ? hrefOfWeek(addCalendarDays(week, WEEK_DAYS)) : null,
      noneAtAll: counts.size === 0 && !later && week === today,
    };
  }

  /** Whether `day` may be chosen: in the booking window with a time still free. */
  async function dayProblem(query: SlotQuery, day: string): Promise<FieldError | undefined> {
    const { today, lastDay } = bookingWindow();
    if (!isCalendarDate(day) || day < today || day > lastDay)
      return { field: 'day', message: 'appointments.portal.day.errors.missing' };
    if ((await free({ ...query, from: day, to: day })).length === 0)
      return { field: 'day', message: 'appointments.portal.day.errors.full' };
    return undefined;
  }

  const slotChoices = (request: FastifyRequest, slots: FreeSlot[]) =>
    slots.map((slot) => ({
      value: slot.id,
      text: timeOf(slot.startsAt),
      hint: [
        request.t('appointments.portal.time.placesLeft', { count: slot.remaining }),
        slot.place ? request.t('appointments.portal.time.at', { place: slot.place }) : '',
      ]
        .filter(Boolean)
        .join('. '),
    }));

  // The booking journey

  interface Journey {
    councilId: string;
    resident: SignedInResident | undefined;
    bookable: BookableService[];
    draft: AppointmentDraft | undefined;
  }

  async function journeyOf(request: FastifyRequest): Promise<Journey> {
    const councilId = await councilOf();
    const signedIn = await options.residentOf(request);
    // An account is with one council: on another council's portal its holder is asked like anyone else.
    const resident = signedIn?.councilId === councilId ? signedIn : undefined;
    const bookable = await appointments.bookableServices(councilId);
    let draft = request.session.get('appointment');
    if (draft?.service !== undefined) {
      // A service or place withdrawn meanwhile: asked again, the other answers kept.
      const service = bookable.find((candidate) => candidate.code === draft!.service);
      if (service)
        draft = withService(
          draft,
          service.code,
          service.sites.map((site) => site.id),
        );
      else {
        const { service: _service, sitesOffered: _offered, site: _site, day: _day, slot: _slot, ...rest } = draft;
        draft = rest;
      }
    }
    return { councilId, resident, bookable, draft };
  }

  const stepsFor = (journey: Journey, draft: AppointmentDraft) => stepsOf(draft, !!journey.resident);
  const hrefOf = (step: Step, changing = false) => `${BASE}/${step}${changing ? '?change=1' : ''}`;
  const queryOf = (request: FastifyRequest) => (request.query ?? {}) as Record<string, unknown>;
  const isChanging = (request: FastifyRequest) => fieldText(queryOf(request).change) === '1';
  const serviceOf = (journey: Journey, draft: AppointmentDraft) =>
    journey.bookable.find((service) => service.code === draft.service);
  const slotQueryOf = (journey: Journey, draft: AppointmentDraft): SlotQuery => ({
    councilId: journey.councilId,
    serviceCode: draft.service!,
    siteId: draft.site!,
  });

  function onward(request: FastifyRequest, reply: FastifyReply, journey: Journey, draft: AppointmentDraft, current: Step) {
    request.session.set('appointment', draft);
    const next = stepAfter(stepsFor(journey, draft), current, draft, isChanging(request));
    return reply.redirect(hrefOf(next, isChanging(request) && next !== 'check'), 303);
  }

  /** A page with what every page shows: the caption, the back link, where the form goes, and any errors. */
  function render(
    request: FastifyRequest,
    reply: FastifyReply,
    journey: Journey,
    draft: AppointmentDraft,
    current: Step,
    template: string,
    context: Record<string, unknown>,
    errors?: FieldError[],
    status?: number,
  ) {
    const changing = isChanging(request);
    const steps = stepsFor(journey, draft);
    const before = steps[steps.indexOf(current) - 1];
    // Changing an answer goes back to check your answers, unless it can not be shown yet.
    const toCheck = changing && current !== 'check' && firstUnanswered(steps, draft) === 'check';
    return reply.render(
      template,
      {
        journeyCaption: request.t('appointments.portal.caption'),
        backHref: toCheck ? hrefOf('check') : before ? hrefOf(before, changing) : BASE,
        action: hrefOf(current, changing),
        ...context,
        ...(errors ? { errors: pageErrors(request.t, errors) } : {}),
      },
      status ?? (errors ? 400 : 200),
    );
  }

  /** The draft, or — when the session has none (it expired, or the page was bookmarked) — the start page. */
  async function withDraft(
    request: FastifyRequest,
    reply: FastifyReply,
    step: Step,
    then: (journey: Journey, draft: AppointmentDraft) => Promise<unknown> | unknown,
  ) {
    const journey = await journeyOf(request);
    if (!journey.draft) return reply.redirect(BASE, 303);
    request.session.set('appointment', journey.draft);
    const steps = stepsFor(journey, journey.draft);
    // A page the answers so far do not lead to, or that needs an answer not yet given: the next one to answer.
    if (!reachable(steps, step, journey.draft)) return reply.redirect(hrefOf(firstUnanswered(steps, journey.draft)), 303);
    return then(journey, journey.draft);
  }

  // The start page: what can be booked, what to bring, and the other ways to book.

  app.get(BASE, routeConfig, async (request, reply) => {
    const bookable = await appointments.bookableServices(await councilOf());
    return reply.render(view('start'), {
      services: bookable.map((service) => inLanguage(service.name, service.nameCy, request.language)),
    });
  });

  app.get(`${BASE}/start`, routeConfig, async (request, reply) => {
    const journey = await journeyOf(request);
    const draft = journey.draft ?? { id: randomUUID() };
    request.session.set('appointment', draft);
    return reply.redirect(hrefOf(firstUnanswered(stepsFor(journey, draft), draft)), 303);
  });

  // Which service

  const renderService = (
    request: FastifyRequest,
    reply: FastifyReply,
    journey: Journey,
    draft: AppointmentDraft,
    errors?: FieldError[],
  ) =>
    render(
      request,
      reply,
      journey,
      draft,
      'service',
      view('service'),
      {
        services: journey.bookable.map((service) => ({
          value: service.code,
          text: inLanguage(service.name, service.nameCy, request.language),
          hint: request.t('appointments.portal.service.duration', { minutes: service.durationMinutes }),
        })),
        selected: draft.service ?? '',
      },
      errors,
    );

  app.get(`${BASE}/service`, routeConfig, (request, reply) =>
    withDraft(request, reply, 'service', (journey, draft) => renderService(request, reply, journey, draft)),
  );

  app.post(`${BASE}/service`, postConfig, (request, reply) =>
    withDraft(request, reply, 'service', (journey, draft) => {
      const chosen = fieldText((request.body as Record<string, unknown> | undefined)?.service).trim();
      const service = journey.bookable.find((candidate) => candidate.code === chosen);
      if (!service)
        return renderService(request, reply, journey, draft, [
          { field: 'service', message: 'appointments.portal.service.errors.missing' },
        ]);
      const next = withService(
        draft,
        service.code,
        service.sites.map((site) => site.id),
      );
      return onward(request, reply, journey, next, 'service');
    }),
  );

  // Where: the places that offer it, the bus with its stops

  async function renderSite(
    request: FastifyRequest,
    reply: FastifyReply,
    journey: Journey,
    draft: AppointmentDraft,
    errors?: FieldError[],
  ) {
    const service = serviceOf(journey, draft)!;
    const { today } = bookingWindow();
    // The bus's stops, from its free times ahead (one search per bus, so that none crowds out another).
    const stops = new Map<string, string[]>();
    for (const bus of service.sites.filter((site) => site.kind === 'mobile_bus')) {
      const slots = await free({
        councilId: journey.councilId,
        serviceCode: service.code,
        siteId: bus.id,
        from: today,
        to: addCalendarDays(today, STOPS_AHEAD_DAYS),
      });
      stops.set(bus.id, [...new Set(slots.flatMap((slot) => (slot.place ? [slot.place] : [])))]);
    }
    return render(
      request,
      reply,
      journey,
      draft,
      'site',
      view('site'),
      {
        sites: service.sites.map((site) => {
          const places = stops.get(site.id) ?? [];
          return {
            value: site.id,
            text: siteName(site, request.language),
            hint:
              site.kind !== 'mobile_bus'
                ? ''
                : places.length > 0
                  ? request.t('appointments.portal.site.busStops', { stops: places.join(', ') })
                  : request.t('appointments.portal.site.bus'),
          };
        }),
        selected: draft.site ?? '',
      },
      errors,
    );
  }

  app.get(`${BASE}/site`, routeConfig, (request, reply) =>
    withDraft(request, reply, 'site', (journey, draft) => renderSite(request, reply, journey, draft)),
  );

  app.post(`${BASE}/site`, postConfig, (request, reply) =>
    withDraft(request, reply, 'site', (journey, draft) => {
      const chosen = fieldText((request.body as Record<string, unknown> | undefined)?.site).trim();
      if (!serviceOf(journey, draft)!.sites.some((site) => site.id === chosen))
        return renderSite(request, reply, journey, draft, [
          { field: 'site', message: 'appointments.portal.site.errors.missing' },
        ]);
      return onward(request, reply, journey, withSite(draft, chosen), 'site');
    }),
  );

  // Which day: a week at a time, with earlier and later weeks

  async function renderDay(
    request: FastifyRequest,
    reply: FastifyReply,
    journey: Journey,
    draft: AppointmentDraft,
    asked: string | undefined,
    errors?: FieldError[],
  ) {
    const changing = isChanging(request);
    const page = await dayPage(
      request,
      slotQueryOf(journey, draft),
      asked,
      (week) => `${BASE}/day?${new URLSearchParams({ from: week, ...(changing ? { change: '1' } : {}) })}`,
    );
    return render(request, reply, journey, draft, 'day', view('day'), { ...page, selected: draft.day ?? '' }, errors);
  }

  app.get(`${BASE}/day`, routeConfig, (request, reply) =>
    withDraft(request, reply, 'day', (journey, draft) =>
      renderDay(request, reply, journey, draft, fieldText(queryOf(request).from) || draft.day),
    ),
  );

  app.post(`${BASE}/day`, postConfig, (request, reply) =>
    withDraft(request, reply, 'day', async (journey, draft) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const day = fieldText(body.day).trim();
      const problem = await dayProblem(slotQueryOf(journey, draft), day);
      if (problem) return renderDay(request, reply, journey, draft, fieldText(body.week) || draft.day, [problem]);
      return onward(request, reply, journey, withDay(draft, day), 'day');
    }),
  );

  // Which time on that day

  async function renderTime(
    request: FastifyRequest,
    reply: FastifyReply,
    journey: Journey,
    draft: AppointmentDraft,
    slots: FreeSlot[],
    errors?: FieldError[],
  ) {
    return render(
      request,
      reply,
      journey,
      draft,
      'time',
      view('time'),
      {
        dayText: dayName(draft.day!, request.language),
        times: slotChoices(request, slots),
        selected: draft.slot ?? '',
        dayHref: hrefOf('day', isChanging(request)),
      },
      errors,
      // Sent back from check your answers because the time was taken: the page itself is fine.
      errors && !request.body ? 200 : undefined,
    );
  }

  app.get(`${BASE}/time`, routeConfig, (request, reply) =>
    withDraft(request, reply, 'time', async (journey, draft) => {
      const slots = await free({ ...slotQueryOf(journey, draft), from: draft.day!, to: draft.day! });
      const refused = draft.slotRefused ? [{ field: 'slot', message: draft.slotRefused }] : undefined;
      return renderTime(request, reply, journey, draft, slots, refused);
    }),
  );

  app.post(`${BASE}/time`, postConfig, (request, reply) =>
    withDraft(request, reply, 'time', async (journey, draft) => {
      const chosen = fieldText((request.body as Record<string, unknown> | undefined)?.slot).trim();
      const slots = await free({ ...slotQueryOf(journey, draft), from: draft.day!, to: draft.day! });
      if (!slots.some((slot) => slot.id === chosen))
        return renderTime(request, reply, journey, draft, slots, [
          { field: 'slot', message: chosen ? 'appointments.portal.time.errors.gone' : 'appointments.portal.time.errors.missing' },
        ]);
      return onward(request, reply, journey, withSlot(draft, chosen), 'time');
    }),
  );

  // Anything we should know: adjustments, an interpreter

  app.get(`${BASE}/notes`, routeConfig, (request, reply) =>
    withDraft(request, reply, 'notes', (journey, draft) =>
      render(request, reply, journey, draft, 'notes', view('notes'), {
        values: { notes: draft.notes ?? '' },
        maxLength: NOTES_MAX_LENGTH,
      }),
    ),
  );

  app.post(`${BASE}/notes`, postConfig, (request, reply) =>
    withDraft(request, reply, 'notes', (journey, draft) => {
      const form = parseForm(NotesForm, request.body);
      if (!form.ok)
        return render(
          request,
          reply,
          journey,
          draft,
          'notes',
          view('notes'),
          { values: form.values, maxLength: NOTES_MAX_LENGTH },
          form.errors.map((error) => ({ ...error, params: { max: NOTES_MAX_LENGTH.toLocaleString('en-GB') } })),
        );
      return onward(request, reply, journey, { ...draft, notes: form.value.notes ?? '' }, 'notes');
    }),
  );

  // Contact details (the request journeys' page), or sign in instead

  const signInHref = `/account/sign-in?${new URLSearchParams({ returnTo: `${BASE}/start` })}`;
  const contactContext = (request: FastifyRequest, values: Partial<ContactDetails>) => ({
    values,
    signInHref,
    emailHint: request.t('appointments.portal.contact.emailHint'),
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
      const next: AppointmentDraft = { ...draft, contact: form.value };
      if (caughtInHoneypot(request.body)) next.caught = true;
      return onward(request, reply, journey, next, 'contact');
    }),
  );

  // Check your answers, and book

  /** The chosen time, if it is still free: else the resident is sent back to choose another. */
  async function chosenSlot(journey: Journey, draft: AppointmentDraft): Promise<FreeSlot | undefined> {
    const slots = await free({ ...slotQueryOf(journey, draft), from: draft.day!, to: draft.day! });
    return slots.find((slot) => slot.id === draft.slot);
  }

  function backToTime(request: FastifyRequest, reply: FastifyReply, draft: AppointmentDraft, message: string) {
    request.session.set('appointment', withSlotRefused(draft, message));
    return reply.redirect(hrefOf('time', true), 303);
  }

  function summaryRows(request: FastifyRequest, journey: Journey, draft: AppointmentDraft, slot: FreeSlot) {
    const { t, language } = request;
    const service = serviceOf(journey, draft)!;
    const steps = stepsFor(journey, draft);
    // `data`: the resident's own words or the council's records, not our text (marked as English in Urdu pages).
    return [
      {
        key: t('appointments.portal.check.service'),
        value: inLanguage(service.name, service.nameCy, language),
        href: hrefOf('service', true),
        data: true,
      },
      {
        key: t('appointments.portal.check.site'),
        value: whereOf(slot, language),
        href: steps.includes('site') ? hrefOf('site', true) : null,
        data: true,
      },
      {
        key: t('appointments.portal.check.date'),
        value: dayName(draft.day!, language, 'date'),
        href: hrefOf('day', true),
        data: false,
      },
      { key: t('appointments.portal.check.time'), value: timeOf(slot.startsAt), href: hrefOf('time', true), data: false },
      {
        key: t('appointments.portal.check.notes'),
        value: draft.notes || t('appointments.portal.check.noNotes'),
        href: hrefOf('notes', true),
        data: !!draft.notes,
      },
    ];
  }

  function renderCheck(
    request: FastifyRequest,
    reply: FastifyReply,
    journey: Journey,
    draft: AppointmentDraft,
    slot: FreeSlot,
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
        rows: summaryRows(request, journey, draft, slot),
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
    // Back from the confirmation page: what was booked is not booked again.
    if (!draft && request.session.get('appointmentBooked')) return reply.redirect(`${BASE}/confirmation`, 303);
    if (!draft) return reply.redirect(BASE, 303);
    request.session.set('appointment', draft);
    const pending = firstUnanswered(stepsFor(journey, draft), draft);
    if (pending !== 'check') return reply.redirect(hrefOf(pending), 303);
    const slot = await chosenSlot(journey, draft);
    if (!slot) return backToTime(request, reply, draft, 'appointments.portal.time.errors.gone');
    return renderCheck(request, reply, journey, draft, slot);
  });

  app.post(`${BASE}/check`, sendConfig, async (request, reply) => {
    const journey = await journeyOf(request);
    const submission = fieldText((request.body as Record<string, unknown> | undefined)?.submission);
    const booked = request.session.get('appointmentBooked');
    const confirmation = `${BASE}/confirmation`;
    const draft = journey.draft;
    // Booked already (a double click, or back and book again): the same confirmation, no second appointment.
    if (booked?.key === submission && (!draft || draft.id !== submission)) return reply.redirect(confirmation, 303);
    if (!draft || draft.id !== submission) return reply.redirect(BASE, 303);
    const pending = firstUnanswered(stepsFor(journey, draft), draft);
    if (pending !== 'check') return reply.redirect(hrefOf(pending), 303);

    if (draft.caught) {
      // The honeypot was filled: answer as if booked, keep nothing.
      request.session.set('appointmentBooked', { key: draft.id } satisfies AppointmentBooked);
      request.session.set('appointment', undefined);
      return reply.redirect(confirmation, 303);
    }

    const newCustomer = journey.resident || !draft.contact ? undefined : newCustomerFrom(draft.contact, request.language);
    let made: Awaited<ReturnType<typeof appointments.book>>;
    try {
      made = await appointments.book(
        PORTAL,
        {
          slotId: draft.slot!,
          channel: 'web',
          ...(draft.notes ? { notes: draft.notes } : {}),
          ...(journey.resident ? { customerId: journey.resident.customerId } : {}),
        },
        { council: journey.councilId, submission: { key: draft.id, ...(newCustomer ? { newCustomer } : {}) } },
      );
    } catch (error) {
      // Taken by someone else since it was chosen: choose another time, every other answer kept.
      if (error instanceof Conflict && error.reason === 'appointments.errors.slotFull')
        return backToTime(request, reply, draft, error.reason);
      if (!(error instanceof Invalid)) throw error;
      const slotError = error.errors.find((problem) => problem.field === 'slotId');
      if (slotError) return backToTime(request, reply, draft, slotError.message);
      const slot = await chosenSlot(journey, draft);
      if (!slot) return backToTime(request, reply, draft, 'appointments.portal.time.errors.gone');
      return renderCheck(
        request,
        reply,
        journey,
        draft,
        slot,
        error.errors.map((problem) => ({ ...problem, field: '' })),
      );
    }
    request.session.set('appointmentBooked', { key: draft.id, manageUrl: made.manageUrl } satisfies AppointmentBooked);
    request.session.set('appointment', undefined);
    return reply.redirect(confirmation, 303);
  });

  /** The token at the end of a private link. */
  const tokenOf = (manageUrl: string) => new URL(manageUrl).pathname.split('/').pop() ?? '';

  /** An appointment as its pages show it, in the reader's language. */
  const shown = (record: AppointmentRecord, language: Language) => ({
    reference: record.reference,
    service: inLanguage(record.serviceName, record.serviceNameCy, language),
    date: dayName(londonDate(record.startsAt), language, 'date'),
    time: timeOf(record.startsAt),
    where: whereOf(record, language),
  });

  app.get(`${BASE}/confirmation`, routeConfig, async (request, reply) => {
    const booked = request.session.get('appointmentBooked');
    if (!booked) return reply.redirect(BASE, 303);
    reply.header('Cache-Control', 'no-store').header('Referrer-Policy', 'no-referrer');
    const record = booked.manageUrl ? await appointments.byManageToken(tokenOf(booked.manageUrl)) : undefined;
    return reply.render(view('confirmation'), {
      appointment: record ? shown(record, request.language) : null,
      manageUrl: booked.manageUrl ?? null,
    });
  });

  // The private link: see the appointment, cancel it, or change its time

  await app.register(async (manage) => {
    // Whatever the answer, including "Page not found" for a wrong token.
    manage.addHook('onRequest', async (_request, reply) => {
      reply.header('Referrer-Policy', 'no-referrer').header('Cache-Control', 'no-store').header('X-Robots-Tag', 'noindex');
    });

    type Params = { token: string };
    const manageHref = (token: string, page = '') => `${BASE}/manage/${token}${page ? `/${page}` : ''}`;
    /** Still to come and booked: the only appointments that may be cancelled or changed. */
    const isActionable = (record: AppointmentRecord) => record.status === 'booked' && record.startsAt.getTime() > now().getTime();
    const slotQueryOfRecord = (record: AppointmentRecord): SlotQuery => ({
      councilId: record.councilId,
      serviceCode: record.serviceCode,
      siteId: record.siteId,
    });
    const changeCaption = (request: FastifyRequest) => request.t('appointments.portal.change.caption');

    manage.get<{ Params: Params }>(`${BASE}/manage/:token`, routeConfig, async (request, reply) => {
      const record = await appointments.byManageToken(request.params.token);
      const state = isActionable(record) ? 'booked' : record.status === 'cancelled' ? 'cancelled' : 'passed';
      return reply.render(view('manage'), {
        appointment: shown(record, request.language),
        notes: record.notes,
        state,
        changeHref: manageHref(request.params.token, 'day'),
        cancelHref: manageHref(request.params.token, 'cancel'),
      });
    });

    /** The appointment, or — when it can no longer be cancelled or changed — its page, which says why. */
    async function whileActionable(
      request: FastifyRequest<{ Params: Params }>,
      reply: FastifyReply,
      then: (record: AppointmentRecord) => Promise<unknown> | unknown,
    ) {
      const record = await appointments.byManageToken(request.params.token);
      if (!isActionable(record)) return reply.redirect(manageHref(request.params.token), 303);
      return then(record);
    }

    // Cancel: are you sure? then cancelled

    const renderCancel = (
      request: FastifyRequest<{ Params: Params }>,
      reply: FastifyReply,
      record: AppointmentRecord,
      errors?: FieldError[],
    ) =>
      reply.render(
        view('cancel'),
        {
          journeyCaption: request.t('appointments.portal.cancel.caption'),
          backHref: manageHref(request.params.token),
          action: manageHref(request.params.token, 'cancel'),
          appointment: shown(record, request.language),
          ...(errors ? { errors: pageErrors(request.t, errors) } : {}),
        },
        errors ? 400 : 200,
      );

    manage.get<{ Params: Params }>(`${BASE}/manage/:token/cancel`, routeConfig, (request, reply) =>
      whileActionable(request, reply, (record) => renderCancel(request, reply, record)),
    );

    manage.post<{ Params: Params }>(`${BASE}/manage/:token/cancel`, sendConfig, (request, reply) =>
      whileActionable(request, reply, async (record) => {
        const form = parseForm(CancelForm, request.body);
        if (!form.ok) return renderCancel(request, reply, record, form.errors);
        if (form.value.confirm === 'no') return reply.redirect(manageHref(request.params.token), 303);
        try {
          await appointments.cancelByResident(request.params.token);
        } catch (error) {
          // Cancelled or begun meanwhile: its page says which.
          if (error instanceof Conflict) return reply.redirect(manageHref(request.params.token), 303);
          throw error;
        }
        return reply.redirect(manageHref(request.params.token, 'cancelled'), 303);
      }),
    );

    manage.get<{ Params: Params }>(`${BASE}/manage/:token/cancelled`, routeConfig, async (request, reply) => {
      const record = await appointments.byManageToken(request.params.token);
      if (record.status !== 'cancelled') return reply.redirect(manageHref(request.params.token), 303);
      return reply.render(view('cancelled'), { appointment: shown(record, request.language) });
    });

    // Change the time: another day and time of the same service at the same place

    const renderChangeDay = async (
      request: FastifyRequest<{ Params: Params }>,
      reply: FastifyReply,
      record: AppointmentRecord,
      asked: string | undefined,
      errors?: FieldError[],
    ) => {
      const page = await dayPage(
        request,
        slotQueryOfRecord(record),
        asked,
        (week) => `${manageHref(request.params.token, 'day')}?${new URLSearchParams({ from: week })}`,
      );
      return reply.render(
        view('day'),
        {
          ...page,
          journeyCaption: changeCaption(request),
          backHref: manageHref(request.params.token),
          action: manageHref(request.params.token, 'day'),
          selected: '',
          current: shown(record, request.language),
          ...(errors ? { errors: pageErrors(request.t, errors) } : {}),
        },
        errors ? 400 : 200,
      );
    };

    manage.get<{ Params: Params }>(`${BASE}/manage/:token/day`, routeConfig, (request, reply) =>
      whileActionable(request, reply, (record) =>
        renderChangeDay(request, reply, record, fieldText(queryOf(request).from) || undefined),
      ),
    );

    manage.post<{ Params: Params }>(`${BASE}/manage/:token/day`, postConfig, (request, reply) =>
      whileActionable(request, reply, async (record) => {
        const body = (request.body ?? {}) as Record<string, unknown>;
        const day = fieldText(body.day).trim();
        const problem = await dayProblem(slotQueryOfRecord(record), day);
        if (problem) return renderChangeDay(request, reply, record, fieldText(body.week) || undefined, [problem]);
        return reply.redirect(`${manageHref(request.params.token, 'time')}?${new URLSearchParams({ day })}`, 303);
      }),
    );

    const renderChangeTime = (
      request: FastifyRequest<{ Params: Params }>,
      reply: FastifyReply,
      record: AppointmentRecord,
      day: string,
      slots: FreeSlot[],
      errors?: FieldError[],
    ) =>
      reply.render(
        view('time'),
        {
          journeyCaption: changeCaption(request),
          backHref: `${manageHref(request.params.token, 'day')}?${new URLSearchParams({ from: day })}`,
          action: `${manageHref(request.params.token, 'time')}?${new URLSearchParams({ day })}`,
          dayText: dayName(day, request.language),
          times: slotChoices(request, slots),
          selected: '',
          dayHref: manageHref(request.params.token, 'day'),
          buttonText: request.t('appointments.portal.change.confirm'),
          current: shown(record, request.language),
          ...(errors ? { errors: pageErrors(request.t, errors) } : {}),
        },
        errors ? 400 : 200,
      );

    /** The day asked for in the address, or the day page when it is not one that can be chosen. */
    async function withChangeDay(
      request: FastifyRequest<{ Params: Params }>,
      reply: FastifyReply,
      then: (record: AppointmentRecord, day: string, slots: FreeSlot[]) => Promise<unknown> | unknown,
    ) {
      return whileActionable(request, reply, async (record) => {
        const day = fieldText(queryOf(request).day);
        const { today, lastDay } = bookingWindow();
        if (!isCalendarDate(day) || day < today || day > lastDay)
          return reply.redirect(manageHref(request.params.token, 'day'), 303);
        return then(record, day, await free({ ...slotQueryOfRecord(record), from: day, to: day }));
      });
    }

    manage.get<{ Params: Params }>(`${BASE}/manage/:token/time`, routeConfig, (request, reply) =>
      withChangeDay(request, reply, (record, day, slots) => renderChangeTime(request, reply, record, day, slots)),
    );

    manage.post<{ Params: Params }>(`${BASE}/manage/:token/time`, sendConfig, (request, reply) =>
      withChangeDay(request, reply, async (record, day, slots) => {
        const chosen = fieldText((request.body as Record<string, unknown> | undefined)?.slot).trim();
        if (!slots.some((slot) => slot.id === chosen))
          return renderChangeTime(request, reply, record, day, slots, [
            {
              field: 'slot',
              message: chosen ? 'appointments.portal.time.errors.gone' : 'appointments.portal.time.errors.missing',
            },
          ]);
        try {
          await appointments.changeByResident(request.params.token, chosen);
        } catch (error) {
          const message =
            error instanceof Conflict && error.reason === 'appointments.errors.slotFull'
              ? error.reason
              : error instanceof Invalid
                ? error.errors[0]?.message
                : undefined;
          if (message) {
            const left = slots.filter((slot) => slot.id !== chosen);
            return renderChangeTime(request, reply, record, day, left, [{ field: 'slot', message }]);
          }
          // Cancelled or begun meanwhile: its page says which.
          if (error instanceof Conflict) return reply.redirect(manageHref(request.params.token), 303);
          throw error;
        }
        return reply.redirect(manageHref(request.params.token, 'changed'), 303);
      }),
    );

    manage.get<{ Params: Params }>(`${BASE}/manage/:token/changed`, routeConfig, async (request, reply) => {
      const record = await appointments.byManageToken(request.params.token);
      return reply.render(view('changed'), {
        appointment: shown(record, request.language),
        manageHref: manageHref(request.params.token),
      });
    });
  });
};
