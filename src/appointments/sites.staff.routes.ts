// Setting up appointments on the staff desktop, for a council's administrators: the list of sites,
// adding and changing one, a site's page (its week of sessions, closure days and counters, each
// with its own small form), and the services that take appointments with their settings. A refused
// form comes back with the GOV.UK error summary (400); a change answers with a redirect and a banner.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Conflict, Invalid, type FieldError } from '../platform/errors.ts';
import { fieldText, formFields, pageErrors, readDateInput, type PageErrors } from '../platform/forms.ts';
import { requireStaff, staffOf } from '../platform/http/authentication.ts';
import { isUuid } from '../platform/ids.ts';
import { appointmentPolicy } from './policy.ts';
import { WEEKDAYS } from './sessions.ts';
import { CAPACITY, DURATION_MINUTES, GRACE_MINUTES, HORIZON_DAYS, type SitesService } from './sites.ts';

export const SITES = '/staff/appointments/sites';
export const SERVICES = '/staff/appointments/services';
const view = (name: string) => `appointments/views/sites/${name}.njk`;

type Body = Record<string, unknown>;
type Translate = FastifyRequest['t'];

export interface SitesStaffOptions {
  sites: SitesService;
}

const listOf = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter(
    (item): item is string => typeof item === 'string' && item.trim() !== '',
  );

/** The fields of the site form, as typed. */
function siteFields(body: Body) {
  return {
    kind: fieldText(body.kind),
    name: fieldText(body.name),
    nameCy: fieldText(body.nameCy),
    addressLine1: fieldText(body.addressLine1),
    town: fieldText(body.town),
    postcode: fieldText(body.postcode),
    noShowGraceMinutes: fieldText(body.noShowGraceMinutes),
  };
}

/**
 * Field errors as the page shows them. Several forms share the site page, so each field's id is
 * prefixed by its form's; a date input's error leads to its day box.
 */
function errorsOf(t: Translate, errors: FieldError[], form?: string, dateFields: string[] = []): PageErrors {
  const prefix = (field: string) => (field && form ? `${form}-${field}` : field);
  const prefixed = errors.map((error) => ({ ...error, field: prefix(error.field) }));
  return pageErrors(t, prefixed, { dateFields: dateFields.map(prefix) });
}

export const sitesStaffRoutes: FastifyPluginAsync<SitesStaffOptions> = async (app, { sites }) => {
  app.addHook('preHandler', requireStaff());
  // Every page here is for the council's administrators; the service checks each record again.
  app.addHook('preHandler', async (request) => {
    if (request.staff) appointmentPolicy.authorize(request.staff, 'administer', { councilId: request.staff.councilId });
  });

  // ---- Sites ----

  app.get(SITES, async (request, reply) => {
    const list = await sites.sites(staffOf(request));
    return reply.render(view('sites'), { sites: list });
  });

  function renderSiteForm(
    request: FastifyRequest,
    reply: FastifyReply,
    form: { site?: Awaited<ReturnType<SitesService['site']>>['site']; values: Record<string, unknown>; errors?: FieldError[] },
  ) {
    const errors = form.errors && form.errors.length > 0 ? errorsOf(request.t, form.errors) : undefined;
    return reply.render(
      view('site-form'),
      { site: form.site, values: form.values, errors, grace: GRACE_MINUTES },
      errors ? 400 : 200,
    );
  }

  app.get(`${SITES}/new`, async (request, reply) =>
    renderSiteForm(request, reply, { values: { noShowGraceMinutes: String(GRACE_MINUTES.usual) } }),
  );

  app.post(SITES, async (request, reply) => {
    const values = siteFields(formFields(request.body));
    try {
      const { id } = await sites.createSite(staffOf(request), values);
      request.session.set('flash', 'appointments.sites.flash.created');
      return reply.redirect(`${SITES}/${id}`, 303);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      return renderSiteForm(request, reply, { values, errors: error.errors });
    }
  });

  app.get<{ Params: { id: string } }>(`${SITES}/:id/edit`, async (request, reply) => {
    const { site } = await sites.site(staffOf(request), request.params.id);
    return renderSiteForm(request, reply, {
      site,
      values: { ...site, nameCy: site.nameCy ?? '', active: site.active ? 'yes' : 'no' },
    });
  });

  app.post<{ Params: { id: string } }>(`${SITES}/:id/edit`, async (request, reply) => {
    const actor = staffOf(request);
    const { site } = await sites.site(actor, request.params.id);
    const body = formFields(request.body);
    const values = { ...siteFields(body), active: fieldText(body.active) };
    try {
      await sites.updateSite(actor, site.id, {
        ...values,
        active: values.active === 'no' ? false : values.active === 'yes' ? true : undefined,
      });
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      return renderSiteForm(request, reply, { site, values, errors: error.errors });
    }
    request.session.set('flash', 'appointments.sites.flash.updated');
    return reply.redirect(`${SITES}/${site.id}`, 303);
  });

  /** The site's page; after a refused form, with that form's errors and what was typed in it. */
  async function renderSite(
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    form: { values?: Record<string, unknown>; errors?: PageErrors; status?: number } = {},
  ) {
    const details = await sites.site(staffOf(request), request.params.id);
    return reply.render(
      view('site'),
      {
        ...details,
        upcoming: details.closures.filter((closure) => closure.upcoming),
        past: details.closures.filter((closure) => !closure.upcoming),
        weekdays: WEEKDAYS,
        values: form.values ?? {},
        errors: form.errors,
      },
      form.status ?? (form.errors ? 400 : 200),
    );
  }

  app.get<{ Params: { id: string } }>(`${SITES}/:id`, async (request, reply) => renderSite(request, reply));

  /** A form on the site's page: posted, then the page again (redirected on success, with the form's errors on refusal). */
  function siteForm(
    path: string,
    form: string,
    run: (
      actor: ReturnType<typeof staffOf>,
      id: string,
      body: Body,
      request: FastifyRequest,
    ) => Promise<string | { key: string; params: Record<string, number> }>,
    options: { values?: (body: Body) => Record<string, unknown>; dateFields?: string[]; anchor: string },
  ) {
    app.post<{ Params: { id: string } }>(`${SITES}/:id/${path}`, async (request, reply) => {
      const body = formFields(request.body);
      try {
        const flash = await run(staffOf(request), request.params.id, body, request);
        request.session.set('flash', flash);
      } catch (error) {
        if (error instanceof Invalid) {
          return await renderSite(request, reply, {
            values: options.values ? options.values(body) : {},
            errors: errorsOf(request.t, error.errors, form, options.dateFields),
          });
        }
        if (error instanceof Conflict)
          return await renderSite(request, reply, {
            errors: errorsOf(request.t, [{ field: '', message: error.reason }]),
            status: 409,
          });
        throw error;
      }
      return reply.redirect(`${SITES}/${request.params.id}#${options.anchor}`, 303);
    });
  }

  siteForm(
    'sessions',
    'session',
    async (actor, id, body) => {
      await sites.addSession(actor, id, {
        weekday: fieldText(body.weekday),
        opens: fieldText(body.opens),
        closes: fieldText(body.closes),
        place: fieldText(body.place),
      });
      return 'appointments.sites.flash.sessionAdded';
    },
    {
      anchor: 'sessions',
      values: (body) => ({
        'session-weekday': fieldText(body.weekday),
        'session-opens': fieldText(body.opens),
        'session-closes': fieldText(body.closes),
        'session-place': fieldText(body.place),
      }),
    },
  );

  app.post<{ Params: { id: string; sessionId: string } }>(`${SITES}/:id/sessions/:sessionId/remove`, async (request, reply) => {
    await sites.removeSession(staffOf(request), request.params.id, request.params.sessionId);
    request.session.set('flash', 'appointments.sites.flash.sessionRemoved');
    return reply.redirect(`${SITES}/${request.params.id}#sessions`, 303);
  });

  siteForm(
    'closures',
    'closure',
    async (actor, id, body) => {
      const input = readDateInput(body, 'closure-date');
      // The boxes' own problem is the one to fix first; the service says what else is wrong with the rest.
      const boxes: FieldError | undefined =
        input.state === 'incomplete'
          ? { field: 'date', message: 'appointments.sites.errors.dateIncomplete' }
          : input.state === 'invalid'
            ? { field: 'date', message: 'appointments.sites.errors.dateInvalid' }
            : undefined;
      try {
        const { booked } = await sites.addClosure(actor, id, { date: input.date ?? '', reason: fieldText(body.reason) });
        return booked > 0
          ? { key: 'appointments.sites.flash.closureAddedBooked', params: { count: booked } }
          : 'appointments.sites.flash.closureAdded';
      } catch (error) {
        if (boxes && error instanceof Invalid)
          throw new Invalid([boxes, ...error.errors.filter((problem) => problem.field !== 'date')]);
        throw error;
      }
    },
    {
      anchor: 'closures',
      dateFields: ['date'],
      values: (body) => ({
        'closure-date': readDateInput(body, 'closure-date').parts,
        'closure-reason': fieldText(body.reason),
      }),
    },
  );

  app.post<{ Params: { id: string; date: string } }>(`${SITES}/:id/closures/:date/remove`, async (request, reply) => {
    try {
      await sites.removeClosure(staffOf(request), request.params.id, request.params.date);
    } catch (error) {
      if (!(error instanceof Conflict)) throw error;
      return await renderSite(request, reply, {
        errors: errorsOf(request.t, [{ field: '', message: error.reason }]),
        status: 409,
      });
    }
    request.session.set('flash', 'appointments.sites.flash.closureRemoved');
    return reply.redirect(`${SITES}/${request.params.id}#closures`, 303);
  });

  siteForm(
    'counters',
    'counter',
    async (actor, id, body) => {
      await sites.addCounter(actor, id, { name: fieldText(body.name) });
      return 'appointments.sites.flash.counterAdded';
    },
    { anchor: 'counters', values: (body) => ({ 'counter-name': fieldText(body.name) }) },
  );

  type CounterParams = { id: string; counterId: string };

  async function renderCounter(
    request: FastifyRequest<{ Params: CounterParams }>,
    reply: FastifyReply,
    form: { values?: Record<string, unknown>; errors?: FieldError[] } = {},
  ) {
    const { site, counter } = await sites.counter(staffOf(request), request.params.id, request.params.counterId);
    const errors = form.errors ? errorsOf(request.t, form.errors) : undefined;
    return reply.render(
      view('counter'),
      { site, counter, values: form.values ?? { name: counter.name }, errors },
      errors ? 400 : 200,
    );
  }

  app.get<{ Params: CounterParams }>(`${SITES}/:id/counters/:counterId`, async (request, reply) => renderCounter(request, reply));

  app.post<{ Params: CounterParams }>(`${SITES}/:id/counters/:counterId`, async (request, reply) => {
    const name = fieldText(formFields(request.body).name);
    try {
      await sites.updateCounter(staffOf(request), request.params.id, request.params.counterId, { name });
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      return await renderCounter(request, reply, { values: { name }, errors: error.errors });
    }
    request.session.set('flash', 'appointments.sites.flash.counterRenamed');
    return reply.redirect(`${SITES}/${request.params.id}#counters`, 303);
  });

  for (const [step, active] of [
    ['deactivate', false],
    ['reactivate', true],
  ] as const) {
    app.post<{ Params: CounterParams }>(`${SITES}/:id/counters/:counterId/${step}`, async (request, reply) => {
      await sites.updateCounter(staffOf(request), request.params.id, request.params.counterId, { active });
      request.session.set(
        'flash',
        active ? 'appointments.sites.flash.counterReactivated' : 'appointments.sites.flash.counterDeactivated',
      );
      return reply.redirect(`${SITES}/${request.params.id}#counters`, 303);
    });
  }

  // ---- Services that take appointments ----

  async function renderServices(request: FastifyRequest, reply: FastifyReply, errors?: FieldError[]) {
    const { services, available } = await sites.appointmentServices(staffOf(request));
    const shown = errors ? errorsOf(request.t, errors) : undefined;
    return reply.render(view('services'), { services, available, errors: shown }, shown ? 400 : 200);
  }

  app.get(SERVICES, async (request, reply) => renderServices(request, reply));

  // The picker of services to set up is a GET form: choosing one leads to its settings.
  app.get<{ Querystring: { serviceId?: string } }>(`${SERVICES}/set-up`, async (request, reply) => {
    const serviceId = fieldText(request.query.serviceId);
    if (!isUuid(serviceId))
      return await renderServices(request, reply, [
        { field: 'serviceId', message: 'appointments.services.errors.serviceMissing' },
      ]);
    return reply.redirect(`${SERVICES}/${serviceId}`, 303);
  });

  async function renderService(
    request: FastifyRequest<{ Params: { serviceId: string } }>,
    reply: FastifyReply,
    form: { values?: Record<string, unknown>; errors?: FieldError[]; status?: number } = {},
  ) {
    const {
      service,
      settings,
      sites: siteList,
      advisors,
    } = await sites.appointmentService(staffOf(request), request.params.serviceId);
    const values = form.values ?? {
      durationMinutes: settings ? String(settings.durationMinutes) : '',
      capacity: String(settings?.capacity ?? 1),
      horizonDays: String(settings?.horizonDays ?? HORIZON_DAYS.usual),
      siteIds: settings?.siteIds ?? [],
      advisorIds: settings?.advisorIds ?? [],
      active: settings?.active === false ? 'no' : 'yes',
    };
    const errors = form.errors && form.errors.length > 0 ? errorsOf(request.t, form.errors) : undefined;
    // Checkboxes' errors lead to the first box, as the GOV.UK error summary expects.
    if (errors)
      errors.list = errors.list.map((item) =>
        item.href === '#siteIds' || item.href === '#advisorIds' ? { ...item, href: `${item.href}-0` } : item,
      );
    return reply.render(
      view('service-form'),
      {
        service,
        settings,
        sites: siteList,
        advisors,
        values,
        errors,
        limits: { duration: DURATION_MINUTES, capacity: CAPACITY, horizon: HORIZON_DAYS },
      },
      form.status ?? (errors ? 400 : 200),
    );
  }

  app.get<{ Params: { serviceId: string } }>(`${SERVICES}/:serviceId`, async (request, reply) => renderService(request, reply));

  app.post<{ Params: { serviceId: string } }>(`${SERVICES}/:serviceId`, async (request, reply) => {
    const body = formFields(request.body);
    const values = {
      durationMinutes: fieldText(body.durationMinutes),
      capacity: fieldText(body.capacity),
      horizonDays: fieldText(body.horizonDays),
      siteIds: listOf(body.siteIds),
      advisorIds: listOf(body.advisorIds),
      active: fieldText(body.active),
    };
    try {
      await sites.saveAppointmentService(staffOf(request), request.params.serviceId, {
        ...values,
        active: values.active === 'no' ? false : values.active === 'yes' ? true : undefined,
      });
    } catch (error) {
      if (error instanceof Invalid) return await renderService(request, reply, { values, errors: error.errors });
      if (error instanceof Conflict)
        return await renderService(request, reply, { values, errors: [{ field: '', message: error.reason }], status: 409 });
      throw error;
    }
    request.session.set('flash', 'appointments.services.flash.saved');
    return reply.redirect(SERVICES, 303);
  });
};
