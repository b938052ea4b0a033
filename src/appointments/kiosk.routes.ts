// The check-in kiosk in a site's waiting area: public, no sign-in, large touch targets, and as
// little typing as can be. A person with an appointment gives their booking reference, or their
// family name and date of birth, and gets a ticket number; someone without one chooses what they
// need help with and gets a walk-in ticket. Every page works without JavaScript. When nothing
// matches, the kiosk says so plainly and never whether such a person exists.
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { systemActor } from '../platform/actor.ts';
import { Invalid, type FieldError } from '../platform/errors.ts';
import { fieldText, formFields, pageErrors, readDateInput } from '../platform/forms.ts';
import { kioskIdentity, type CheckInResult, type QueueService, type ServiceChoice } from './queue.ts';

export interface KioskOptions {
  queue: Pick<QueueService, 'kiosk' | 'checkInAtKiosk' | 'walkInAtKiosk'>;
}

/** The kiosk acts as OneDoor itself: the audit trail names it. */
const KIOSK = systemActor('kiosk');
/**
 * Everyone at a site checks in from the kiosk's one address: a busy morning is a few people a
 * minute; a script trying references is held back.
 */
const CHECK_IN_LIMIT = { max: 30, timeWindow: '1 minute' };
const LANGUAGES = ['ur'] as const;
const SOMETHING_ELSE = 'something-else';
const view = (name: string) => `appointments/views/kiosk/${name}.njk`;

type Params = { siteId: string };
type Mode = 'reference' | 'name';

export const kioskRoutes: FastifyPluginAsync<KioskOptions> = async (app, { queue }) => {
  const pageConfig = { config: { languages: LANGUAGES } };
  const postConfig = { config: { languages: LANGUAGES, rateLimit: CHECK_IN_LIMIT } };
  const base = (siteId: string) => `/kiosk/${siteId}`;

  // A kiosk stands idle for hours, longer than a session lives: a form left on it has expired by
  // the time the next person uses it. Rather than the "form expired" page, that person is taken
  // back to the kiosk's start with a fresh form and asked to try again.
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const siteId = (request.params as Partial<Params> | undefined)?.siteId;
    if (error.code?.startsWith('FST_CSRF') && siteId && /^[0-9a-f-]{36}$/.test(siteId))
      return reply.redirect(`${base(siteId)}?expired=1`, 303);
    throw error;
  });

  const siteName = (request: FastifyRequest, site: { name: string; nameCy: string | null }) =>
    (request.language === 'cy' && site.nameCy) || site.name;
  const serviceName = (request: FastifyRequest, service: ServiceChoice) =>
    (request.language === 'cy' && service.nameCy) || service.name;

  async function renderStart(
    request: FastifyRequest,
    reply: FastifyReply,
    siteId: string,
    mode: Mode,
    extra: { errors?: FieldError[]; values?: Record<string, unknown>; notFound?: boolean; expired?: boolean } = {},
    status = 200,
  ) {
    const { site } = await queue.kiosk(siteId);
    const values = extra.values ?? {};
    const dateOfBirth = readDateInput(values, 'dateOfBirth').parts;
    const errors = extra.errors ? pageErrors(request.t, extra.errors, { dateFields: ['dateOfBirth'] }) : undefined;
    return reply.render(
      view('start'),
      {
        siteName: siteName(request, site),
        mode,
        action: base(siteId),
        otherModeHref: mode === 'reference' ? `${base(siteId)}?by=name` : base(siteId),
        walkInHref: `${base(siteId)}/walk-in`,
        values: { reference: fieldText(values.reference), familyName: fieldText(values.familyName), dateOfBirth },
        notFound: extra.notFound ?? false,
        expired: extra.expired ?? false,
        ...(errors ? { errors } : {}),
      },
      status,
    );
  }

  function renderTicket(request: FastifyRequest, reply: FastifyReply, siteId: string, result: { ticket: string }, kind: string) {
    return reply.header('cache-control', 'no-store').render(view('ticket'), {
      ticket: result.ticket,
      kind,
      startHref: base(siteId),
    });
  }

  app.get<{ Params: Params; Querystring: { by?: string; expired?: string } }>(
    '/kiosk/:siteId',
    pageConfig,
    async (request, reply) =>
      renderStart(request, reply, request.params.siteId, request.query.by === 'name' ? 'name' : 'reference', {
        expired: request.query.expired === '1',
      }),
  );

  app.post<{ Params: Params }>('/kiosk/:siteId', postConfig, async (request, reply) => {
    const { siteId } = request.params;
    const body = formFields(request.body);
    const mode: Mode = fieldText(body.by) === 'name' ? 'name' : 'reference';
    const dateOfBirth = readDateInput(body, 'dateOfBirth');
    let result: CheckInResult;
    try {
      const who = kioskIdentity(
        mode === 'reference'
          ? { reference: fieldText(body.reference) }
          : {
              familyName: fieldText(body.familyName),
              dateOfBirth: dateOfBirth.state === 'date' ? dateOfBirth.date! : '',
            },
      );
      result = await queue.checkInAtKiosk(KIOSK, siteId, who);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      return renderStart(request, reply, siteId, mode, { errors: error.errors, values: body }, 400);
    }
    if (result.outcome === 'not_found') return renderStart(request, reply, siteId, mode, { notFound: true, values: {} });
    return renderTicket(request, reply, siteId, result, 'appointment');
  });

  async function renderWalkIn(request: FastifyRequest, reply: FastifyReply, siteId: string, errors?: FieldError[]) {
    const { site, services } = await queue.kiosk(siteId);
    return reply.render(
      view('walk-in'),
      {
        siteName: siteName(request, site),
        action: `${base(siteId)}/walk-in`,
        backHref: base(siteId),
        choices: [
          ...services.map((service) => ({ value: service.id, text: serviceName(request, service) })),
          { value: SOMETHING_ELSE, text: request.t('appointments.kiosk.walkIn.somethingElse') },
        ],
        ...(errors ? { errors: pageErrors(request.t, errors) } : {}),
      },
      errors ? 400 : 200,
    );
  }

  app.get<{ Params: Params }>('/kiosk/:siteId/walk-in', pageConfig, async (request, reply) =>
    renderWalkIn(request, reply, request.params.siteId),
  );

  app.post<{ Params: Params }>('/kiosk/:siteId/walk-in', postConfig, async (request, reply) => {
    const { siteId } = request.params;
    const chosen = fieldText(formFields(request.body).serviceId);
    if (chosen === '') {
      return renderWalkIn(request, reply, siteId, [{ field: 'serviceId', message: 'appointments.kiosk.errors.serviceMissing' }]);
    }
    try {
      const ticket = await queue.walkInAtKiosk(KIOSK, siteId, chosen === SOMETHING_ELSE ? undefined : chosen);
      return renderTicket(request, reply, siteId, ticket, 'walk_in');
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      return renderWalkIn(request, reply, siteId, error.errors);
    }
  });
};
