// The "Log a contact" page: who the contact is with, the channel, what it was about, the
// outcome, whether it was avoidable, where it happened, and how long it took.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { StaffActor } from '../platform/actor.ts';
import { Invalid, NotFound, type FieldError } from '../platform/errors.ts';
import { pageErrors, parseForm } from '../platform/forms.ts';
import { requireStaff, staffOf } from '../platform/http/authentication.ts';
import { contactLogPolicy } from './policy.ts';
import { AVOIDABLE_REASONS, CHANNELS, ContactForm, OUTCOMES } from './schemas.ts';
import type { ContactsService } from './service.ts';
import { isUuid } from '../platform/ids.ts';

declare module 'fastify' {
  interface Session {
    /** The site of the last contact this person logged, offered again for the next one. */
    contactSiteId?: string;
  }
}

const FORM = 'contacts/views/contact-form.njk';
/** The start and end of a contact are the page's own times, not fields a person can correct. */
const TIME_FIELDS = new Set(['startedAt', 'endedAt']);

export const contactsStaffRoutes: FastifyPluginAsync<{ contacts: ContactsService }> = async (app, { contacts }) => {
  app.addHook('preHandler', requireStaff());
  app.addHook('preHandler', async (request) => {
    if (request.staff) contactLogPolicy.authorize(request.staff, 'open', null);
  });

  async function render(
    request: FastifyRequest,
    reply: FastifyReply,
    actor: StaffActor,
    values: Record<string, unknown>,
    errors: FieldError[] = [],
  ) {
    const customerId = typeof values.customerId === 'string' && isUuid(values.customerId) ? values.customerId : undefined;
    const { customer, partners, sites } = await contacts.newContact(actor, customerId);
    return reply.render(
      FORM,
      {
        values,
        customer,
        partners,
        sites,
        channels: CHANNELS,
        outcomes: OUTCOMES,
        avoidableReasons: AVOIDABLE_REASONS,
        // The timer counts from the start on the server's clock, whatever the browser's says.
        renderedAt: new Date().toISOString(),
        ...(errors.length > 0 ? { errors: pageErrors(request.t, errors) } : {}),
      },
      errors.length > 0 ? 400 : 200,
    );
  }

  app.get('/staff/contacts/new', async (request, reply) => {
    const actor = staffOf(request);
    const query = request.query as Record<string, string | undefined>;
    const customerId = query.customer?.trim() || undefined;
    // An id that cannot be a customer's is no customer: the same answer as one not found.
    if (customerId !== undefined && !isUuid(customerId)) throw new NotFound('customer');
    return render(request, reply, actor, {
      customerId,
      siteId: request.session.get('contactSiteId'),
      startedAt: new Date().toISOString(),
    });
  });

  app.post('/staff/contacts', async (request, reply) => {
    // The contact ends when the advisor sends the form.
    const endedAt = new Date();
    const actor = staffOf(request);
    const form = parseForm(ContactForm, request.body);
    if (!form.ok) return refused(request, reply, actor, form.values, form.errors);
    const { startedAt, ...rest } = form.value;
    try {
      const contact = await contacts.logContact(actor, { ...rest, startedAt: new Date(startedAt), endedAt });
      if (contact.siteId) request.session.set('contactSiteId', contact.siteId);
      request.session.set('flash', 'contacts.logged');
      return reply.redirect(contact.customerId ? `/staff/customers/${contact.customerId}` : '/staff/contacts/new', 303);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      return refused(request, reply, actor, form.value, error.errors);
    }
  });

  /**
   * The form again (400) with what was given. Problems with the hidden times are about the whole
   * form, not a field the person can correct (e.g. the page was left open overnight): they are
   * listed without a link, and the contact's clock starts again now.
   */
  async function refused(
    request: FastifyRequest,
    reply: FastifyReply,
    actor: StaffActor,
    values: Record<string, unknown>,
    errors: FieldError[],
  ) {
    const timeWrong = errors.some((error) => TIME_FIELDS.has(error.field));
    if (!timeWrong) return render(request, reply, actor, values, errors);
    const page = errors.map((error) => (TIME_FIELDS.has(error.field) ? { ...error, field: '' } : error));
    page.push({ field: '', message: 'contacts.errors.timeRestarted' });
    return render(request, reply, actor, { ...values, startedAt: new Date().toISOString() }, page);
  }
};
