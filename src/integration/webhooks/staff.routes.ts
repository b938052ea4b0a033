// The administrators' webhooks pages: the list, a new subscription (its secret shown once, on the
// page that answers the form, and never again), a subscription's page with its recent deliveries
// and their attempts, pausing and resuming, rotating the secret, and deleting (after confirming).
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { StaffActor } from '../../platform/actor.ts';
import type { FieldError } from '../../platform/errors.ts';
import { EVENT_TYPES } from '../../platform/events/events.ts';
import { requireStaff, staffOf } from '../../platform/http/authentication.ts';
import { renderForm, submitForm } from '../../platform/http/formPages.ts';
import { webhookAdministrationPolicy } from './policy.ts';
import { parseSubscriptionForm } from './schemas.ts';
import type { WebhooksService } from './service.ts';

const view = (name: string) => `integration/webhooks/views/${name}.njk`;
export const WEBHOOKS_PATH = '/staff/admin/webhooks';

type Params = { id: string };

interface Options {
  webhooks: Pick<WebhooksService, 'list' | 'get' | 'view' | 'create' | 'pause' | 'resume' | 'rotateSecret' | 'delete'>;
  /** The organisations whose subscriptions the administrator may make (the organisations service). */
  administeredOrganisations(actor: StaffActor): Promise<{ id: string; name: string }[]>;
}

export const webhooksStaffRoutes: FastifyPluginAsync<Options> = async (app, { webhooks, administeredOrganisations }) => {
  app.addHook('preHandler', requireStaff());
  app.addHook('preHandler', async (request) => {
    if (request.staff) webhookAdministrationPolicy.authorize(request.staff, 'open', null);
  });

  /** The new subscription's form, filled with `values`, and with `errors` when it was refused. */
  async function subscriptionForm(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Record<string, unknown>,
    errors?: FieldError[],
  ) {
    const data = { values, organisationList: await administeredOrganisations(staffOf(request)), eventTypes: EVENT_TYPES };
    return renderForm(request, reply, view('webhook-form'), data, errors);
  }

  // The address named in the issue; the administrators' pages all live under /staff/admin.
  app.get('/staff/webhooks', async (_request, reply) => reply.redirect(WEBHOOKS_PATH, 302));

  app.get(WEBHOOKS_PATH, async (request, reply) => {
    return reply.render(view('webhooks'), { subscriptions: await webhooks.list(staffOf(request)) });
  });

  app.get(`${WEBHOOKS_PATH}/new`, async (request, reply) => {
    return subscriptionForm(request, reply, { organisationId: staffOf(request).organisationId, eventTypes: [] });
  });

  app.post(WEBHOOKS_PATH, async (request, reply) => {
    const actor = staffOf(request);
    const made = await submitForm(parseSubscriptionForm(request.body), (value) => webhooks.create(actor, value));
    if (!made.ok) return subscriptionForm(request, reply, made.values, made.errors);
    // Shown in this answer only: not kept in the session, and not to be cached anywhere.
    reply.header('Cache-Control', 'no-store');
    return reply.render(view('webhook-secret'), { subscription: made.result, secret: made.result.secret, made: true });
  });

  app.get<{ Params: Params }>(`${WEBHOOKS_PATH}/:id`, async (request, reply) => {
    return reply.render(view('webhook'), await webhooks.view(staffOf(request), request.params.id));
  });

  // pause and resume find the subscription themselves (NotFound for one the administrator may not
  // see), so the id they were given is one that exists.
  app.post<{ Params: Params }>(`${WEBHOOKS_PATH}/:id/pause`, async (request, reply) => {
    const paused = await webhooks.pause(staffOf(request), request.params.id);
    request.session.set('flash', paused ? 'webhooks.paused' : 'webhooks.alreadyPaused');
    return reply.redirect(`${WEBHOOKS_PATH}/${request.params.id}`, 303);
  });

  app.post<{ Params: Params }>(`${WEBHOOKS_PATH}/:id/resume`, async (request, reply) => {
    const resumed = await webhooks.resume(staffOf(request), request.params.id);
    request.session.set('flash', resumed ? 'webhooks.resumed' : 'webhooks.alreadyActive');
    return reply.redirect(`${WEBHOOKS_PATH}/${request.params.id}`, 303);
  });

  app.get<{ Params: Params }>(`${WEBHOOKS_PATH}/:id/rotate-secret`, async (request, reply) => {
    const subscription = await webhooks.get(staffOf(request), request.params.id);
    return reply.render(view('webhook-confirm'), { subscription, action: 'rotate' });
  });

  app.post<{ Params: Params }>(`${WEBHOOKS_PATH}/:id/rotate-secret`, async (request, reply) => {
    const { subscription, secret } = await webhooks.rotateSecret(staffOf(request), request.params.id);
    reply.header('Cache-Control', 'no-store');
    return reply.render(view('webhook-secret'), { subscription, secret, made: false });
  });

  app.get<{ Params: Params }>(`${WEBHOOKS_PATH}/:id/delete`, async (request, reply) => {
    const subscription = await webhooks.get(staffOf(request), request.params.id);
    return reply.render(view('webhook-confirm'), { subscription, action: 'delete' });
  });

  app.post<{ Params: Params }>(`${WEBHOOKS_PATH}/:id/delete`, async (request, reply) => {
    await webhooks.delete(staffOf(request), request.params.id);
    request.session.set('flash', 'webhooks.deleted');
    return reply.redirect(WEBHOOKS_PATH, 303);
  });
};
