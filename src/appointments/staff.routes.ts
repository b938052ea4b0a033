// Appointments on the staff desktop: booking one for a customer from their record (service, place,
// then a free day and time as plain radios, how it was asked for, a check, then the booking), an
// appointment's page (cancel after a confirmation, or move it to another time), and a site's
// appointments on a day. A slot taken by someone else meanwhile is refused with the error summary
// and nothing is saved: the database decides who has the last place (repo.takePlace).
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor, StaffActor } from '../platform/actor.ts';
import { Conflict, Invalid, NotFound, type FieldError } from '../platform/errors.ts';
import { fieldText, formFields, isCalendarDate, isOneOf, pageErrors, todayInLondon } from '../platform/forms.ts';
import { requireStaff, staffOf } from '../platform/http/authentication.ts';
import { isUuid } from '../platform/ids.ts';
import { addCalendarDays, londonDate } from '../services/calendar.ts';
import { appointmentPolicy } from './policy.ts';
import {
  NOTES_MAX_LENGTH,
  type AppointmentRecord,
  type AppointmentsService,
  type BookableService,
  type FreeSlot,
} from './service.ts';

export interface AppointmentsStaffOptions {
  appointments: AppointmentsService;
  findCustomer: (actor: StaffActor, id: string) => Promise<{ id: string; councilId: string; displayName: string } | undefined>;
}

const view = (name: string) => `appointments/views/staff/${name}.njk`;
const BASE = '/staff/appointments';
/** How many days of free times the booking page shows at once. */
const DAYS_SHOWN = 7;
/** How staff take a booking: on the phone, or with the resident in front of them. */
export const STAFF_CHANNELS = ['phone', 'face_to_face'] as const;

type Body = Record<string, unknown>;
type Params = { reference: string };

const timeFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit' });
const dayFormats = {
  en: new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'long', day: 'numeric', month: 'long' }),
  cy: new Intl.DateTimeFormat('cy-GB', { timeZone: 'Europe/London', weekday: 'long', day: 'numeric', month: 'long' }),
};
const dayOf = (language: string, at: Date) => (language === 'cy' ? dayFormats.cy : dayFormats.en).format(at);
const timeOf = (at: Date) => timeFormat.format(at);

/** The free slots as the radios show them: one group per day. */
function slotsByDay(slots: FreeSlot[], language: string) {
  const days: {
    date: string;
    label: string;
    slots: { id: string; time: string; until: string; place: string | null; remaining: number }[];
  }[] = [];
  for (const slot of slots) {
    const date = londonDate(slot.startsAt);
    let day = days[days.length - 1];
    if (!day || day.date !== date) {
      day = { date, label: dayOf(language, slot.startsAt), slots: [] };
      days.push(day);
    }
    day.slots.push({
      id: slot.id,
      time: timeOf(slot.startsAt),
      until: timeOf(slot.endsAt),
      place: slot.place,
      remaining: slot.remaining,
    });
  }
  return days;
}

/** The council's sites that take appointments, by name (from the services they offer). */
function sitesOf(services: BookableService[]) {
  const sites = new Map<string, BookableService['sites'][number]>();
  for (const service of services) for (const site of service.sites) sites.set(site.id, site);
  return [...sites.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** A day the booking pages start from: the one asked for if it is a real day from today on, else today. */
function startDay(value: unknown, today: string): string {
  const text = fieldText(value);
  return isCalendarDate(text) && text >= today ? text : today;
}

/** An appointment as its page and lists show it. */
function shownAppointment(record: AppointmentRecord, language: string) {
  const welsh = language === 'cy';
  return {
    reference: record.reference,
    status: record.status,
    customerId: record.customerId,
    customerName: record.customerName,
    serviceName: (welsh && record.serviceNameCy) || record.serviceName,
    siteName: (welsh && record.siteNameCy) || record.siteName,
    place: record.place,
    day: dayOf(language, record.startsAt),
    time: timeOf(record.startsAt),
    until: timeOf(record.endsAt),
    startsAt: record.startsAt,
    channel: record.channel,
    notes: record.notes,
    createdAt: record.createdAt,
  };
}

export const STATUS_TAG_CLASSES: Record<string, string> = {
  booked: 'govuk-tag--blue',
  cancelled: 'govuk-tag--grey',
  arrived: 'govuk-tag--green',
  no_show: 'govuk-tag--red',
};

/** A customer's appointments for their record (latest first), and whether `actor` may book them one. */
export const customerAppointments =
  (appointments: Pick<AppointmentsService, 'ofCustomer'>) =>
  async (actor: Actor, customer: { id: string; councilId: string }) => ({
    canBook: actor.kind !== 'system' && appointmentPolicy.can(actor, 'book', customer),
    items: await appointments.ofCustomer(actor, customer),
  });

export const appointmentsStaffRoutes: FastifyPluginAsync<AppointmentsStaffOptions> = async (app, options) => {
  const { appointments, findCustomer } = options;
  app.addHook('preHandler', requireStaff());

  const nameOf = (language: string, thing: { name: string; nameCy: string | null }) =>
    (language === 'cy' && thing.nameCy) || thing.name;

  // A site's day

  app.get(BASE, async (request, reply) => {
    const actor = staffOf(request);
    appointmentPolicy.authorize(actor, 'read', { councilId: actor.councilId });
    const query = request.query as Record<string, unknown>;
    const sites = sitesOf(await appointments.bookableServices(actor.councilId));
    const today = todayInLondon();
    const errors: FieldError[] = [];
    const asked = fieldText(query.siteId);
    let site = asked === '' ? sites[0] : sites.find((each) => each.id === asked);
    if (!site && asked !== '') {
      errors.push({ field: 'siteId', message: 'appointments.errors.siteUnknown' });
      site = sites[0];
    }
    const dateText = fieldText(query.date).trim();
    let date = dateText === '' ? today : dateText;
    if (!isCalendarDate(date)) {
      errors.push({ field: 'date', message: 'appointments.errors.dateInvalid' });
      date = today;
    }
    const list = site ? await appointments.atSite(actor, { id: site.id, councilId: actor.councilId }, date) : [];
    return reply.render(
      view('day'),
      {
        sites: sites.map((each) => ({ id: each.id, name: nameOf(request.language, each) })),
        site: site ? { id: site.id, name: nameOf(request.language, site) } : null,
        date,
        dateText: errors.some((error) => error.field === 'date') ? dateText : date,
        dayLabel: dayOf(request.language, new Date(`${date}T12:00:00Z`)),
        items: list.map((record) => shownAppointment(record, request.language)),
        tagClasses: STATUS_TAG_CLASSES,
        ...(errors.length > 0 ? { errors: pageErrors(request.t, errors) } : {}),
      },
      errors.length > 0 ? 400 : 200,
    );
  });

  // Booking for a customer

  async function customerFor(actor: StaffActor, id: string) {
    const customer = isUuid(id) ? await findCustomer(actor, id) : undefined;
    if (!customer) throw new NotFound('customer');
    return customer;
  }

  interface BookingState {
    customerId: string;
    serviceCode: string;
    siteId: string;
    from: string;
    /** Which step's form was sent: its choice is then required. */
    step?: string;
    values?: Body;
    errors?: FieldError[];
  }

  /** The booking page at the step its state reaches: service, then place, then day and time. */
  async function renderNew(request: FastifyRequest, reply: FastifyReply, state: BookingState, status = 200) {
    const actor = staffOf(request);
    appointmentPolicy.authorize(actor, 'book', { councilId: actor.councilId });
    const customer = await customerFor(actor, state.customerId);
    const language = request.language;
    const services = await appointments.bookableServices(actor.councilId);
    const errors = [...(state.errors ?? [])];
    const service = services.find((each) => each.code === state.serviceCode);
    if (!service && (state.serviceCode !== '' || state.step === 'service'))
      errors.push({ field: 'serviceCode', message: 'appointments.errors.serviceUnknown' });
    const site = service?.sites.find((each) => each.id === state.siteId);
    if (service && !site && (state.siteId !== '' || state.step === 'site'))
      errors.push({ field: 'siteId', message: 'appointments.errors.siteUnknown' });
    const step = !service ? 'service' : !site ? 'site' : 'time';
    const today = todayInLondon();
    const from = startDay(state.from, today);
    const to = addCalendarDays(from, DAYS_SHOWN - 1);
    const slots =
      step === 'time' ? await appointments.freeSlots(actor, { serviceCode: service!.code, siteId: site!.id, from, to }) : [];
    const shown = errors.length > 0;
    return reply.render(
      view('new'),
      {
        step,
        customer: { id: customer.id, displayName: customer.displayName },
        services: services.map((each) => ({ code: each.code, name: nameOf(language, each), minutes: each.durationMinutes })),
        service: service ? { code: service.code, name: nameOf(language, service), minutes: service.durationMinutes } : null,
        sites: service ? service.sites.map((each) => ({ id: each.id, name: nameOf(language, each), kind: each.kind })) : [],
        site: site ? { id: site.id, name: nameOf(language, site) } : null,
        from,
        fromLabel: dayOf(language, new Date(`${from}T12:00:00Z`)),
        toLabel: dayOf(language, new Date(`${to}T12:00:00Z`)),
        earlier: from > today ? (addCalendarDays(from, -DAYS_SHOWN) < today ? today : addCalendarDays(from, -DAYS_SHOWN)) : null,
        later: addCalendarDays(from, DAYS_SHOWN),
        days: slotsByDay(slots, language),
        channels: STAFF_CHANNELS,
        notesMax: NOTES_MAX_LENGTH,
        values: state.values ?? {},
        ...(shown ? { errors: pageErrors(request.t, errors) } : {}),
      },
      shown && status === 200 ? 400 : status,
    );
  }

  const bookingState = (source: Body): BookingState => ({
    customerId: fieldText(source.customerId),
    serviceCode: fieldText(source.serviceCode),
    siteId: fieldText(source.siteId),
    from: fieldText(source.from),
    step: fieldText(source.step),
  });

  app.get(`${BASE}/new`, async (request, reply) => renderNew(request, reply, bookingState(request.query as Body)));

  /** What the time step's form asks for, checked before the check page: a time, how, and notes. */
  function choicesOf(body: Body): FieldError[] {
    const errors: FieldError[] = [];
    if (fieldText(body.slotId) === '') errors.push({ field: 'slotId', message: 'appointments.errors.slotUnknown' });
    if (!isOneOf(STAFF_CHANNELS, fieldText(body.channel)))
      errors.push({ field: 'channel', message: 'appointments.errors.channelMissing' });
    if (fieldText(body.notes).trim().length > NOTES_MAX_LENGTH)
      errors.push({ field: 'notes', message: 'appointments.errors.tooLong', params: { max: NOTES_MAX_LENGTH } });
    return errors;
  }

  // The check page: what will be booked, with the same fields hidden, before anything is saved.
  app.post(`${BASE}/new`, async (request, reply) => {
    const actor = staffOf(request);
    const body = formFields(request.body);
    const state = { ...bookingState(body), values: body };
    const errors = choicesOf(body);
    if (errors.length > 0) return renderNew(request, reply, { ...state, errors });
    appointmentPolicy.authorize(actor, 'book', { councilId: actor.councilId });
    const customer = await customerFor(actor, state.customerId);
    const services = await appointments.bookableServices(actor.councilId);
    const service = services.find((each) => each.code === state.serviceCode);
    const site = service?.sites.find((each) => each.id === state.siteId);
    if (!service || !site) return renderNew(request, reply, state);
    const from = startDay(state.from, todayInLondon());
    const slots = await appointments.freeSlots(actor, {
      serviceCode: service.code,
      siteId: site.id,
      from,
      to: addCalendarDays(from, DAYS_SHOWN - 1),
    });
    const slot = slots.find((each) => each.id === fieldText(body.slotId));
    if (!slot)
      return renderNew(request, reply, { ...state, errors: [{ field: 'slotId', message: 'appointments.errors.slotFull' }] }, 409);
    return reply.render(view('check'), {
      customer: { id: customer.id, displayName: customer.displayName },
      service: { code: service.code, name: nameOf(request.language, service) },
      site: { id: site.id, name: nameOf(request.language, site) },
      slot: {
        id: slot.id,
        day: dayOf(request.language, slot.startsAt),
        time: timeOf(slot.startsAt),
        until: timeOf(slot.endsAt),
        place: slot.place,
      },
      from,
      channel: fieldText(body.channel),
      notes: fieldText(body.notes).trim(),
      changeHref: `${BASE}/new?${new URLSearchParams({ customerId: customer.id, serviceCode: service.code, siteId: site.id, from }).toString()}`,
    });
  });

  app.post(BASE, async (request, reply) => {
    const actor = staffOf(request);
    const body = formFields(request.body);
    const state = { ...bookingState(body), values: body };
    const errors = choicesOf(body);
    if (errors.length > 0) return renderNew(request, reply, { ...state, errors });
    await customerFor(actor, state.customerId);
    let booked;
    try {
      booked = await appointments.book(actor, {
        slotId: fieldText(body.slotId),
        customerId: state.customerId,
        channel: fieldText(body.channel) as (typeof STAFF_CHANNELS)[number],
        notes: fieldText(body.notes),
      });
    } catch (error) {
      if (error instanceof Invalid) return renderNew(request, reply, { ...state, errors: error.errors });
      if (error instanceof Conflict)
        return renderNew(request, reply, { ...state, errors: [{ field: 'slotId', message: error.reason }] }, 409);
      throw error;
    }
    request.session.set('flash', { key: 'appointments.staff.flash.booked', params: { reference: booked.reference } });
    return reply.redirect(`${BASE}/${booked.reference}`, 303);
  });

  // An appointment's page

  async function renderAppointment(
    request: FastifyRequest<{ Params: Params }>,
    reply: FastifyReply,
    errors?: FieldError[],
    status = 200,
  ) {
    const actor = staffOf(request);
    const record = await appointments.view(actor, request.params.reference);
    const canChange =
      record.status === 'booked' &&
      record.startsAt.getTime() > Date.now() &&
      appointmentPolicy.can(actor, 'book', { councilId: record.councilId });
    return reply.render(
      view('appointment'),
      {
        appointment: shownAppointment(record, request.language),
        canChange,
        tagClasses: STATUS_TAG_CLASSES,
        ...(errors ? { errors: pageErrors(request.t, errors) } : {}),
      },
      status,
    );
  }

  app.get<{ Params: Params }>(`${BASE}/:reference`, async (request, reply) => renderAppointment(request, reply));

  app.get<{ Params: Params }>(`${BASE}/:reference/cancel`, async (request, reply) => {
    const actor = staffOf(request);
    const record = await appointments.view(actor, request.params.reference);
    appointmentPolicy.authorize(actor, 'book', { councilId: record.councilId });
    if (record.status !== 'booked') return reply.redirect(`${BASE}/${record.reference}`, 303);
    return reply.render(view('cancel'), { appointment: shownAppointment(record, request.language) });
  });

  app.post<{ Params: Params }>(`${BASE}/:reference/cancel`, async (request, reply) => {
    const actor = staffOf(request);
    try {
      await appointments.cancel(actor, request.params.reference);
    } catch (error) {
      if (error instanceof Conflict) return renderAppointment(request, reply, [{ field: '', message: error.reason }], 409);
      throw error;
    }
    const record = await appointments.view(actor, request.params.reference);
    request.session.set('flash', { key: 'appointments.staff.flash.cancelled', params: { reference: record.reference } });
    return reply.redirect(`${BASE}/${record.reference}`, 303);
  });

  /** The change page: free times of the appointment's service, at its site or another that offers it. */
  async function renderChange(
    request: FastifyRequest<{ Params: Params }>,
    reply: FastifyReply,
    source: Body,
    errors?: FieldError[],
    status = 200,
  ) {
    const actor = staffOf(request);
    const record = await appointments.view(actor, request.params.reference);
    appointmentPolicy.authorize(actor, 'book', { councilId: record.councilId });
    if (record.status !== 'booked') return reply.redirect(`${BASE}/${record.reference}`, 303);
    const services = await appointments.bookableServices(actor.councilId);
    const service = services.find((each) => each.serviceId === record.serviceId);
    const sites = service?.sites ?? [];
    const site = sites.find((each) => each.id === fieldText(source.siteId)) ?? sites.find((each) => each.id === record.siteId);
    const today = todayInLondon();
    const from = startDay(source.from, today);
    const to = addCalendarDays(from, DAYS_SHOWN - 1);
    const slots =
      service && site ? await appointments.freeSlots(actor, { serviceCode: service.code, siteId: site.id, from, to }) : [];
    return reply.render(
      view('change'),
      {
        appointment: shownAppointment(record, request.language),
        sites: sites.map((each) => ({ id: each.id, name: nameOf(request.language, each) })),
        site: site ? { id: site.id, name: nameOf(request.language, site) } : null,
        from,
        fromLabel: dayOf(request.language, new Date(`${from}T12:00:00Z`)),
        toLabel: dayOf(request.language, new Date(`${to}T12:00:00Z`)),
        earlier: from > today ? (addCalendarDays(from, -DAYS_SHOWN) < today ? today : addCalendarDays(from, -DAYS_SHOWN)) : null,
        later: addCalendarDays(from, DAYS_SHOWN),
        days: slotsByDay(slots, request.language),
        values: source,
        ...(errors ? { errors: pageErrors(request.t, errors) } : {}),
      },
      status,
    );
  }

  app.get<{ Params: Params }>(`${BASE}/:reference/change`, async (request, reply) =>
    renderChange(request, reply, request.query as Body),
  );

  app.post<{ Params: Params }>(`${BASE}/:reference/change`, async (request, reply) => {
    const actor = staffOf(request);
    const body = formFields(request.body);
    const slotId = fieldText(body.slotId);
    if (slotId === '')
      return renderChange(request, reply, body, [{ field: 'slotId', message: 'appointments.errors.slotUnknown' }], 400);
    let moved;
    try {
      moved = await appointments.change(actor, request.params.reference, slotId);
    } catch (error) {
      if (error instanceof Invalid) return renderChange(request, reply, body, error.errors, 400);
      if (error instanceof Conflict) return renderChange(request, reply, body, [{ field: 'slotId', message: error.reason }], 409);
      throw error;
    }
    request.session.set('flash', {
      key: 'appointments.staff.flash.changed',
      params: { reference: moved.reference, day: dayOf(request.language, moved.startsAt), time: timeOf(moved.startsAt) },
    });
    return reply.redirect(`${BASE}/${moved.reference}`, 303);
  });
};
