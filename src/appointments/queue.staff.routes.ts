// The face-to-face queue on the staff desktop, for those at the council's desks. An advisor
// chooses their site, then sees one page: whom they have at their counter (with "Seen",
// "Finished" and "Did not come"), "Call next" with their counter, who is waiting and for how long,
// and reception's tools — today's appointments to check in, and a walk-in ticket. Every action is a
// form posted and answered with a redirect back to the page, with what happened in a banner.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { StaffActor } from '../platform/actor.ts';
import { Conflict, Invalid } from '../platform/errors.ts';
import { fieldText, formFields, pageErrors, type PageErrors } from '../platform/forms.ts';
import { requireStaff, staffOf } from '../platform/http/authentication.ts';
import { isUuid } from '../platform/ids.ts';
import type { QueueService } from './queue.ts';

export interface QueueStaffOptions {
  queue: QueueService;
  /** The customer a walk-in ticket is for, when reception opened the page from their record. */
  findCustomer?: (actor: StaffActor, id: string) => Promise<{ id: string; councilId: string; displayName: string } | undefined>;
}

/** A message for the queue page after a redirect: a success, or something that did not happen. */
interface QueueNotice {
  kind: 'success' | 'information';
  key: string;
  params?: Record<string, string>;
}

declare module 'fastify' {
  interface Session {
    /** The counter each site's advisor last called to, by site id. */
    queueCounters?: Record<string, string>;
    queueNotice?: QueueNotice;
  }
}

const BASE = '/staff/appointments/queue';
const view = (name: string) => `appointments/views/queue/${name}.njk`;
const timeFormats = {
  en: new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', timeStyle: 'short' }),
  cy: new Intl.DateTimeFormat('cy-GB', { timeZone: 'Europe/London', timeStyle: 'short' }),
};

type SiteParams = { siteId: string };
type VisitParams = { siteId: string; visitId: string };

export const queueStaffRoutes: FastifyPluginAsync<QueueStaffOptions> = async (app, { queue, findCustomer }) => {
  app.addHook('preHandler', requireStaff());

  const pageOf = (siteId: string) => `${BASE}/${siteId}`;

  function notify(request: FastifyRequest, notice: QueueNotice) {
    request.session.set('queueNotice', notice);
  }

  async function renderQueue(
    request: FastifyRequest,
    reply: FastifyReply,
    siteId: string,
    extra: { errors?: PageErrors; form?: string; walkIn?: Record<string, string> } = {},
    status = 200,
  ) {
    const actor = staffOf(request);
    const page = await queue.queue(actor, siteId);
    const notice = request.session.get('queueNotice');
    if (notice) request.session.set('queueNotice', undefined);
    const welsh = request.language === 'cy';
    const time = welsh ? timeFormats.cy : timeFormats.en;
    const serviceName = (visit: { serviceName: string | null; serviceNameCy: string | null }) =>
      (welsh && visit.serviceNameCy) || visit.serviceName;
    const chosenCounter = request.session.get('queueCounters')?.[page.site.id];
    const query = request.query as Record<string, unknown>;
    const customerId = fieldText(query.customer);
    const customer = isUuid(customerId) && findCustomer ? await findCustomer(actor, customerId) : undefined;
    return reply.render(
      view('queue'),
      {
        site: page.site,
        siteName: (welsh && page.site.nameCy) || page.site.name,
        base: pageOf(page.site.id),
        sitesHref: BASE,
        displayHref: `/display/${page.site.id}`,
        kioskHref: `/kiosk/${page.site.id}`,
        counters: page.counters.map((counter) => ({
          value: counter.id,
          text: counter.name,
          selected: counter.id === chosenCounter,
        })),
        withMe: page.withMe.map((visit) => ({
          ...visit,
          service: serviceName(visit),
          appointmentTime: visit.appointmentStartsAt ? time.format(visit.appointmentStartsAt) : null,
        })),
        waiting: page.waiting.map((visit) => ({
          ...visit,
          service: serviceName(visit),
          arrivedTime: time.format(visit.arrivedAt),
          appointmentTime: visit.appointmentStartsAt ? time.format(visit.appointmentStartsAt) : null,
        })),
        appointments: page.appointments.map((appointment) => ({
          ...appointment,
          service: serviceName(appointment),
          time: time.format(appointment.startsAt),
        })),
        services: page.services.map((service) => ({ value: service.id, text: (welsh && service.nameCy) || service.name })),
        customer: customer && customer.councilId === page.site.councilId ? customer : undefined,
        walkIn: extra.walkIn ?? {},
        form: extra.form,
        notice,
        ...(extra.errors ? { errors: extra.errors } : {}),
      },
      status,
    );
  }

  app.get(BASE, async (request, reply) => {
    const sites = await queue.sites(staffOf(request));
    const welsh = request.language === 'cy';
    return reply.render(view('sites'), {
      sites: sites.map((site) => ({ href: pageOf(site.id), name: (welsh && site.nameCy) || site.name })),
    });
  });

  app.get<{ Params: SiteParams }>(`${BASE}/:siteId`, async (request, reply) =>
    renderQueue(request, reply, request.params.siteId),
  );

  app.post<{ Params: SiteParams }>(`${BASE}/:siteId/call-next`, async (request, reply) => {
    const { siteId } = request.params;
    const counterId = fieldText(formFields(request.body).counterId);
    let called;
    try {
      called = await queue.callNext(staffOf(request), siteId, counterId);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      return renderQueue(request, reply, siteId, { errors: pageErrors(request.t, error.errors), form: 'call' }, 400);
    }
    request.session.set('queueCounters', { ...request.session.get('queueCounters'), [siteId]: counterId });
    notify(
      request,
      called
        ? { kind: 'success', key: 'appointments.queue.called', params: { ticket: called.ticket, counter: called.counter } }
        : { kind: 'information', key: 'appointments.queue.nobodyWaiting' },
    );
    return reply.redirect(pageOf(siteId), 303);
  });

  for (const [step, message] of [
    ['seen', 'appointments.queue.markedSeen'],
    ['finished', 'appointments.queue.markedFinished'],
    ['left', 'appointments.queue.markedLeft'],
  ] as const) {
    app.post<{ Params: VisitParams }>(`${BASE}/:siteId/visits/:visitId/${step}`, async (request, reply) => {
      const { siteId, visitId } = request.params;
      try {
        const { ticket } = await queue[step](staffOf(request), siteId, visitId);
        notify(request, { kind: 'success', key: message, params: { ticket } });
      } catch (error) {
        if (!(error instanceof Conflict)) throw error;
        notify(request, { kind: 'information', key: error.reason });
      }
      return reply.redirect(pageOf(siteId), 303);
    });
  }

  app.post<{ Params: SiteParams }>(`${BASE}/:siteId/check-in`, async (request, reply) => {
    const { siteId } = request.params;
    const appointmentId = fieldText(formFields(request.body).appointmentId);
    const result = await queue.checkInAtReception(staffOf(request), siteId, appointmentId);
    notify(
      request,
      result.outcome === 'not_found'
        ? { kind: 'information', key: 'appointments.queue.checkInNotFound' }
        : {
            kind: 'success',
            key: result.outcome === 'already' ? 'appointments.queue.alreadyCheckedIn' : 'appointments.queue.checkedIn',
            params: { ticket: result.ticket },
          },
    );
    return reply.redirect(pageOf(siteId), 303);
  });

  app.post<{ Params: SiteParams }>(`${BASE}/:siteId/walk-in`, async (request, reply) => {
    const { siteId } = request.params;
    const body = formFields(request.body);
    const walkIn = { customerId: fieldText(body.customerId).trim(), serviceId: fieldText(body.serviceId).trim() };
    try {
      const { ticket } = await queue.walkInAtReception(staffOf(request), siteId, {
        ...(walkIn.customerId ? { customerId: walkIn.customerId } : {}),
        ...(walkIn.serviceId ? { serviceId: walkIn.serviceId } : {}),
      });
      notify(request, { kind: 'success', key: 'appointments.queue.walkInTicket', params: { ticket } });
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      return renderQueue(request, reply, siteId, { errors: pageErrors(request.t, error.errors), form: 'walk-in', walkIn }, 400);
    }
    return reply.redirect(pageOf(siteId), 303);
  });
};
