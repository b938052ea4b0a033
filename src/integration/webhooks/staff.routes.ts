// The administrators' webhooks pages: the list, a new subscription (its secret shown once, on the
// page that answers the form, and never again), a subscription's page with its recent deliveries
// and their attempts, pausing and resuming, rotating the secret, and deleting (after confirming).
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { StaffActor } from '../../platform/actor.ts';
import { Invalid, type FieldError } from '../../platform/errors.ts';
import { EVENT_TYPES } from '../../platform/events/events.ts';
import { pageErrors } from '../../platform/forms.ts';
import { requireStaff, staffOf } from '../../platform/http/authentication.ts';
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

  async function formData(actor: StaffActor, values: Record<string, unknown>) {
    return { values, organisationList: await administeredOrganisations(actor), eventTypes: EVENT_TYPES };
  }

  async function refusedForm(
    request: FastifyRequest,
    reply: FastifyReply,
    errors: FieldError[],
    values: Record<string, unknown>,
  ) {
    return reply.render(
      view('webhook-form'),
      { ...(await formData(staffOf(request), values)), errors: pageErrors(request.t, errors) },
      400,
    );
  }

  // The address named in the issue; the administrators' pages all live under /staff/admin.
  app.get('/staff/webhooks', async (_request, reply) => reply.redirect(WEBHOOKS_PATH, 302));

  app.get(WEBHOOKS_PATH, async (request, reply) => {
    return reply.render(view('webhooks'), { subscriptions: await webhooks.list(staffOf(request)) });
  });

  app.get(`${WEBHOOKS_PATH}/new`, async (request, reply) => {
    const actor = staffOf(request);
    return reply.render(view('webhook-form'), await formData(actor, { organisationId: actor.organisationId, eventTypes: [] }));
  });

  app.post(WEBHOOKS_PATH, async (request, reply) => {
    const actor = staffOf(request);
    const form = parseSubscriptionForm(request.body);
    if (!form.ok) return refusedForm(request, reply, form.errors, form.values);
    let created;
    try {
      created = await webhooks.create(actor, form.value);
    } catch (error) {
      if (error instanceof Invalid) return refusedForm(request, reply, error.errors, form.value);
      throw error;
    }
    // Shown in this answer only: not kept in the session, and not to be cached anywhere.
    reply.header('Cache-Control', 'no-store');
    return reply.render(view('webhook-secret'), { subscription: created, secret: created.secret, made: true });
  });

  app.get<{ Params: Params }>(`${WEBHOOKS_PATH}/:id`, async (request, reply) => {
    return reply.render(view('webhook'), await webhooks.view(staffOf(request), request.params.id));
  });

  app.post<{ Params: Params }>(`${WEBHOOKS_PATH}/:id/pause`, async (request, reply) => {
    const subscription = await webhooks.get(staffOf(request), request.params.id);
    const paused = await webhooks.pause(staffOf(request), subscription.id);
    request.session.set('flash', paused ? 'webhooks.paused' : 'webhooks.alreadyPaused');
    return reply.redirect(`${WEBHOOKS_PATH}/${subscription.id}`, 303);
  });

  app.post<{ Params: Params }>(`${WEBHOOKS_PATH}/:id/resume`, async (request, reply) => {
    const subscription = await webhooks.get(staffOf(request), request.params.id);
    const resumed = await webhooks.resume(staffOf(request), subscription.id);
    request.session.set('flash', resumed ? 'webhooks.resumed' : 'webhooks.alreadyActive');
    return reply.redirect(`${WEBHOOKS_PATH}/${subscription.id}`, 303);
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
