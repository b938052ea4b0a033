// Administration of API keys: the list, making a key (shown once, on the page that answers the
// form, and never stored), and revoking one after a confirmation page.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { StaffActor } from '../actor.ts';
import type { FieldError } from '../errors.ts';
import { parseForm } from '../forms.ts';
import { requireStaff, staffOf } from '../http/authentication.ts';
import { renderForm, submitForm } from '../http/formPages.ts';
import { apiKeyAdministrationPolicy } from './policy.ts';
import { ApiKeyForm } from './schemas.ts';
import { SCOPES } from './scopes.ts';
import type { ApiKeysService } from './service.ts';

const view = (name: string) => `platform/apiKeys/views/${name}.njk`;

type Params = { id: string };

interface Options {
  apiKeys: Pick<ApiKeysService, 'list' | 'get' | 'create' | 'revoke'>;
  /** The organisations whose keys the administrator may make (the organisations service). */
  administeredOrganisations(actor: StaffActor): Promise<{ id: string; name: string }[]>;
}

export const apiKeysStaffRoutes: FastifyPluginAsync<Options> = async (app, { apiKeys, administeredOrganisations }) => {
  app.addHook('preHandler', requireStaff());
  app.addHook('preHandler', async (request) => {
    if (request.staff) apiKeyAdministrationPolicy.authorize(request.staff, 'open', null);
  });

  /** The new key's form, filled with `values`, and with `errors` when it was refused. */
  async function keyForm(request: FastifyRequest, reply: FastifyReply, values: Record<string, unknown>, errors?: FieldError[]) {
    const data = { values, organisationList: await administeredOrganisations(staffOf(request)), scopes: SCOPES };
    return renderForm(request, reply, view('api-key-form'), data, errors);
  }

  app.get('/staff/admin/api-keys', async (request, reply) => {
    return reply.render(view('api-keys'), { keys: await apiKeys.list(staffOf(request)) });
  });

  app.get('/staff/admin/api-keys/new', async (request, reply) => {
    return keyForm(request, reply, { organisationId: staffOf(request).organisationId, scopes: [] });
  });

  app.post('/staff/admin/api-keys', async (request, reply) => {
    const actor = staffOf(request);
    const made = await submitForm(parseForm(ApiKeyForm, request.body), (value) => apiKeys.create(actor, value));
    if (!made.ok) return keyForm(request, reply, made.values, made.errors);
    // Shown in this answer only: not kept in the session, and not to be cached anywhere.
    reply.header('Cache-Control', 'no-store');
    return reply.render(view('api-key-created'), { created: made.result });
  });

  app.get<{ Params: Params }>('/staff/admin/api-keys/:id/revoke', async (request, reply) => {
    const key = await apiKeys.get(staffOf(request), request.params.id);
    return reply.render(view('api-key-revoke'), { key });
  });

  app.post<{ Params: Params }>('/staff/admin/api-keys/:id/revoke', async (request, reply) => {
    const actor = staffOf(request);
    const key = await apiKeys.get(actor, request.params.id);
    const revoked = await apiKeys.revoke(actor, key.id);
    request.session.set('flash', revoked ? 'apiKeys.revoked' : 'apiKeys.alreadyRevoked');
    return reply.redirect('/staff/admin/api-keys', 303);
  });
};
