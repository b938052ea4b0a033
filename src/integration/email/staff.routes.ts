// The front line's list of email nobody could match (an unknown or shared sender, or a stranger
// quoting a case's reference), each message to read, and matching one to the customer it is from.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { StaffActor } from '../../platform/actor.ts';
import { Invalid, type FieldError } from '../../platform/errors.ts';
import { pageErrors } from '../../platform/forms.ts';
import { requireStaff, staffOf } from '../../platform/http/authentication.ts';
import type { InboundEmailService } from './service.ts';

const view = (name: string) => `integration/email/views/${name}.njk`;

export interface CustomerChoice {
  id: string;
  displayName: string;
  email: string | null;
  postcode: string | null;
}

export const inboundEmailStaffRoutes: FastifyPluginAsync<{
  inboundEmail: InboundEmailService;
  /** The customers a search box finds, best first (the customers capability's search). */
  searchCustomers: (actor: StaffActor, text: string) => Promise<CustomerChoice[]>;
}> = async (app, { inboundEmail, searchCustomers }) => {
  app.addHook('preHandler', requireStaff());

  app.get('/staff/inbound-email', async (request, reply) => {
    const messages = await inboundEmail.unmatched(staffOf(request));
    return reply.render(view('unmatched'), { messages });
  });

  async function renderMessage(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    query: string | undefined,
    errors: FieldError[] = [],
  ) {
    const actor = staffOf(request);
    const message = await inboundEmail.message(actor, id);
    // The search starts from the sender's address: the customer may have written from a new one.
    const search = (query ?? message.fromName ?? message.fromAddress ?? '').trim().slice(0, 200);
    const customers = message.outcome === 'unmatched' && search !== '' ? await searchCustomers(actor, search) : [];
    return reply.render(
      view('message'),
      { message, search, customers, ...(errors.length > 0 ? { errors: pageErrors(request.t, errors) } : {}) },
      errors.length > 0 ? 400 : 200,
    );
  }

  app.get<{ Params: { id: string }; Querystring: { q?: string } }>('/staff/inbound-email/:id', async (request, reply) =>
    renderMessage(request, reply, request.params.id, typeof request.query.q === 'string' ? request.query.q : undefined),
  );

  app.post<{ Params: { id: string } }>('/staff/inbound-email/:id/match', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const customerId = typeof body.customerId === 'string' ? body.customerId : '';
    const search = typeof body.q === 'string' ? body.q : undefined;
    try {
      const matched = await inboundEmail.matchToCustomer(staffOf(request), request.params.id, customerId);
      request.session.set('flash', 'inboundEmail.staff.matched');
      return reply.redirect(`/staff/customers/${matched.customerId}`, 303);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      return renderMessage(request, reply, request.params.id, search, error.errors);
    }
  });
};
