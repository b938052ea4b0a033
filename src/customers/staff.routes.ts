// The staff pages for finding a customer, adding one (after seeing likely duplicates), and the
// single view of everything about them. Maintaining a record's parts is in staff.manage.routes.ts.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { caseRaisingPolicy } from '../cases/policy.ts';
import type { GazetteerService } from '../gazetteer/service.ts';
import type { Actor } from '../platform/actor.ts';
import type { FieldError } from '../platform/errors.ts';
import { Invalid, NotFound } from '../platform/errors.ts';
import { pageErrors, readDateInput } from '../platform/forms.ts';
import { requireStaff, staffOf } from '../platform/http/authentication.ts';
import type { CasesOfCustomer } from './api.routes.ts';
import { formatPhone } from './contactPoints.ts';
import { languageItems, languageName } from './languages.ts';
import { customerSearchPolicy } from './policy.ts';
import { CONTACT_METHODS, TIMELINE_KINDS, type CustomerInput, type CustomersService, type TimelineKind } from './service.ts';
import { isUuid } from '../platform/ids.ts';

const view = (name: string) => `customers/views/${name}.njk`;

type Body = Record<string, string | undefined>;

function text(body: Body, field: string): string | undefined {
  const value = body[field];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** A GOV.UK date input's three fields as YYYY-MM-DD, '' when left empty, or 'invalid'. */
export function dateFromParts(body: Body, prefix: string): string {
  const input = readDateInput(body, prefix);
  return input.state === 'date' ? input.date! : input.state === 'empty' ? '' : 'invalid';
}

/** Errors point at the first input of a date, as the GOV.UK date input expects. */
function linkedToInputs(errors: FieldError[]): FieldError[] {
  return errors.map((error) => (error.field === 'dateOfBirth' ? { ...error, field: 'dateOfBirth-day' } : error));
}

function customerInputFrom(body: Body): CustomerInput {
  const dateOfBirth = dateFromParts(body, 'dateOfBirth');
  const method = text(body, 'preferredContactMethod');
  return {
    kind: body.kind === 'organisation' ? 'organisation' : 'person',
    ...optional('title', text(body, 'title')),
    ...optional('givenName', text(body, 'givenName')),
    ...optional('familyName', text(body, 'familyName')),
    ...optional('organisationName', text(body, 'organisationName')),
    ...optional('dateOfBirth', dateOfBirth || undefined),
    ...optional('email', text(body, 'email')),
    ...optional('phone', text(body, 'phone')),
    ...optional('preferredLanguage', text(body, 'preferredLanguage')),
    ...((CONTACT_METHODS as readonly string[]).includes(method ?? '')
      ? { preferredContactMethod: method as (typeof CONTACT_METHODS)[number] }
      : {}),
    address: {
      ...optional('line1', text(body, 'line1')),
      ...optional('line2', text(body, 'line2')),
      ...optional('town', text(body, 'town')),
      ...optional('postcode', text(body, 'postcode')),
      ...optional('uprn', text(body, 'uprn')),
    },
  };
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

export const customersStaffRoutes: FastifyPluginAsync<{
  customers: CustomersService;
  gazetteer: GazetteerService;
  casesOf: CasesOfCustomer;
  /** The customer's complaints that `actor` may read, each with the day its next step is due (YYYY-MM-DD) if any. */
  complaintsOf: (
    actor: Actor,
    customerId: string,
  ) => Promise<{ reference: string; kind: string; status: string; receivedAt: Date; dueOn: string | null }[]>;
  /** The customer's appointments that `actor` may read, latest first, and whether they may book one. */
  appointmentsOf: (
    actor: Actor,
    customer: { id: string; councilId: string },
  ) => Promise<{
    canBook: boolean;
    items: { reference: string; serviceName: string; siteName: string; startsAt: Date; status: string }[];
  }>;
}> = async (app, { customers, gazetteer, casesOf, complaintsOf, appointmentsOf }) => {
  app.addHook('preHandler', requireStaff());

  app.get('/staff/customers', async (request, reply) => {
    const q = String((request.query as Record<string, unknown>).q ?? '')
      .trim()
      .slice(0, 200);
    const actor = staffOf(request);
    const result = q ? await customers.search(actor, q) : { hits: [], recognised: false };
    if (!q) customerSearchPolicy.authorize(actor, 'search', { councilId: actor.councilId });
    return reply.render(view('search'), {
      q,
      hits: result.hits,
      searched: q !== '',
      canCreate: customerSearchPolicy.can(actor, 'create', { councilId: actor.councilId }),
      formatPhone,
    });
  });

  /** The new-customer form, with the addresses at its postcode when they were asked for. */
  async function renderNewForm(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Body,
    extra: { errors?: FieldError[]; duplicates?: unknown[]; addresses?: unknown[]; lookedUp?: boolean } = {},
    status = 200,
  ) {
    return reply.render(
      view('new'),
      {
        values,
        languages: languageItems(request.language, values.preferredLanguage ?? 'en'),
        contactMethods: CONTACT_METHODS,
        addresses: extra.addresses ?? [],
        lookedUp: extra.lookedUp ?? false,
        duplicates: extra.duplicates ?? [],
        formatPhone,
        ...(extra.errors ? { errors: pageErrors(request.t, linkedToInputs(extra.errors)) } : {}),
      },
      status,
    );
  }

  app.get('/staff/customers/new', async (request, reply) => {
    const actor = staffOf(request);
    customerSearchPolicy.authorize(actor, 'create', { councilId: actor.councilId });
    const q = String((request.query as Record<string, unknown>).q ?? '').trim();
    // What was searched for becomes the start of the new record: a name, or a phone number.
    const values: Body = /^[\d\s+()-]{10,}$/.test(q) ? { phone: q } : q.includes('@') ? { email: q } : {};
    if (!values.phone && !values.email && q && !/\d/.test(q)) {
      const words = q.split(/\s+/);
      values.givenName = words.length > 1 ? words.slice(0, -1).join(' ') : '';
      values.familyName = words[words.length - 1];
    }
    return renderNewForm(request, reply, { preferredLanguage: 'en', kind: 'person', ...values });
  });

  app.post('/staff/customers', async (request, reply) => {
    const actor = staffOf(request);
    const body = (request.body ?? {}) as Body;
    const values: Body = Object.fromEntries(Object.entries(body).filter(([key]) => key !== '_csrf'));

    // Without JavaScript, "Find address" posts the form: list the addresses and keep what was typed.
    if (body.action === 'find-address') {
      try {
        const found = await gazetteer.addressesAt(actor, body.lookupPostcode ?? '');
        return renderNewForm(request, reply, values, { addresses: found.addresses, lookedUp: true });
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        const errors = error.errors.map((fieldError) => ({ ...fieldError, field: 'lookupPostcode' }));
        return renderNewForm(request, reply, values, { errors }, 400);
      }
    }
    if (body.uprn && body.action !== 'manual-address') {
      // An address picked from the list: fill the address from the gazetteer.
      try {
        const address = await gazetteer.property(actor, body.uprn);
        Object.assign(values, {
          line1: address.line1,
          line2: address.line2 ?? '',
          town: address.town,
          postcode: address.postcode,
        });
      } catch {
        return renderNewForm(
          request,
          reply,
          values,
          { errors: [{ field: 'uprn', message: 'customers.errors.uprnUnknown' }] },
          400,
        );
      }
    }
    try {
      const result = await customers.create(actor, customerInputFrom(values), { confirmedNew: body.confirmedNew === 'yes' });
      if (!result.created) return renderNewForm(request, reply, values, { duplicates: result.duplicates });
      request.session.set('flash', 'customers.created');
      return reply.redirect(`/staff/customers/${result.id}`, 303);
    } catch (error) {
      if (error instanceof Invalid) return renderNewForm(request, reply, values, { errors: error.errors }, 400);
      throw error;
    }
  });

  /** The single view: the record, its flags, needs and consents, and a page of its timeline. */
  async function renderCustomer(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    errors?: FieldError[],
    values: Body = {},
  ) {
    const actor = staffOf(request);
    const query = request.query as Record<string, unknown>;
    const result = await customers.view(actor, id);
    if ('mergedInto' in result) {
      request.session.set('flash', 'customers.mergedRedirect');
      return reply.redirect(`/staff/customers/${result.mergedInto}`, 303);
    }
    const kinds = [query.kind].flat().filter((kind): kind is TimelineKind => TIMELINE_KINDS.includes(kind as TimelineKind));
    const after =
      typeof query.before === 'string' && typeof query.beforeId === 'string' && !Number.isNaN(Date.parse(query.before))
        ? { at: query.before, id: query.beforeId.slice(0, 64) }
        : undefined;
    const timeline = await customers.timeline(actor, id, { kinds, ...(after ? { after } : {}) });
    // The council's people see all of a customer's cases; a partner's see its own through its queue.
    const council = actor.organisationKind === 'council';
    const history = result.customer.parts.includes('history');
    const [customerCases, complaints, appointments] = await Promise.all([
      council && history ? casesOf(id) : [],
      council && history ? complaintsOf(actor, id) : [],
      council ? appointmentsOf(actor, result.customer) : { canBook: false, items: [] },
    ]);
    const filter = new URLSearchParams(kinds.map((kind): [string, string] => ['kind', kind]));
    const nextHref = timeline.next
      ? `?${new URLSearchParams([...filter.entries(), ['before', timeline.next.at], ['beforeId', timeline.next.id]] as [string, string][]).toString()}#timeline`
      : undefined;
    return reply.render(
      view('customer'),
      {
        customer: result.customer,
        timeline: timeline.entries,
        kinds,
        timelineKinds: TIMELINE_KINDS,
        languageName: (code: string) => languageName(code, request.language),
        nextHref,
        firstPageHref: after ? `?${filter.toString()}#timeline` : undefined,
        formatPhone,
        values,
        cases: customerCases,
        complaints,
        appointments: history ? appointments.items : [],
        canBookAppointment: appointments.canBook,
        canChange:
          actor.organisationKind === 'council' && customerSearchPolicy.can(actor, 'create', { councilId: actor.councilId }),
        canRaise: council && caseRaisingPolicy.can(actor, 'raise', { councilId: actor.councilId }),
        ...(errors ? { errors: pageErrors(request.t, errors) } : {}),
      },
      errors ? 400 : 200,
    );
  }

  app.get<{ Params: { id: string } }>('/staff/customers/:id', async (request, reply) => {
    return renderCustomer(request, reply, request.params.id);
  });

  app.post<{ Params: { id: string } }>('/staff/customers/:id/notes', async (request, reply) => {
    const actor = staffOf(request);
    const body = (request.body ?? {}) as Body;
    const note = text(body, 'note');
    if (!note || note.length > 5000) {
      const message = note ? 'customers.errors.noteTooLong' : 'customers.errors.noteMissing';
      return renderCustomer(request, reply, request.params.id, [{ field: 'note', message }], { note: body.note ?? '' });
    }
    await customers.addNote(actor, request.params.id, note);
    request.session.set('flash', 'customers.noteAdded');
    return reply.redirect(`/staff/customers/${request.params.id}#timeline`, 303);
  });

  app.post<{ Params: { id: string; flagId: string } }>('/staff/customers/:id/flags/:flagId/end', async (request, reply) => {
    if (!isUuid(request.params.flagId)) throw new NotFound('flag');
    await customers.endFlag(staffOf(request), request.params.id, request.params.flagId);
    request.session.set('flash', 'customers.flagEnded');
    return reply.redirect(`/staff/customers/${request.params.id}`, 303);
  });

  app.post<{ Params: { id: string; consentId: string } }>(
    '/staff/customers/:id/consents/:consentId/withdraw',
    async (request, reply) => {
      if (!isUuid(request.params.consentId)) throw new NotFound('consent');
      await customers.withdrawConsent(staffOf(request), request.params.id, request.params.consentId);
      request.session.set('flash', 'customers.consentWithdrawn');
      return reply.redirect(`/staff/customers/${request.params.id}`, 303);
    },
  );
};
