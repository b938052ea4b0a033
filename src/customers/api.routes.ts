// The customers calls of the JSON API (CONTRACT.md): create, search from one box, and one record
// with its contacts and cases. Every read of a record is audited, as on the staff desktop.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import { Invalid } from '../platform/errors.ts';
import { apiKeyOf, requireScope } from '../platform/http/api.ts';
import {
  CustomerCreateBody,
  CustomerCreated,
  CustomerList,
  CustomerSearchQuery,
  type CustomerSummaryView,
  CustomerView,
} from './schemas.ts';
import type { CustomersService, CustomerSummary, CustomerView as CustomerRecordView, FoundCustomer } from './service.ts';

// The rules name the flat fields of a form; the API nests the address.
const ADDRESS_FIELDS = new Set(['line1', 'line2', 'town', 'postcode', 'uprn']);

function summary(customer: CustomerSummary | FoundCustomer): Static<typeof CustomerSummaryView> {
  return {
    id: customer.id,
    kind: customer.kind,
    givenName: customer.givenName,
    familyName: customer.familyName,
    organisationName: customer.organisationName,
    displayName: customer.displayName,
    dateOfBirth: customer.dateOfBirth,
    email: customer.email,
    phone: customer.phone,
    addressLine1: customer.addressLine1,
    postcode: customer.postcode,
    vulnerable: customer.activeFlags > 0,
    ...('reasons' in customer ? { matchedOn: customer.reasons } : {}),
  };
}

function record(
  customer: CustomerRecordView,
  contacts: Static<typeof CustomerView>['contacts'],
  cases: Static<typeof CustomerView>['cases'],
): Static<typeof CustomerView> {
  return {
    ...summary(customer),
    title: customer.title,
    preferredLanguage: customer.preferredLanguage,
    preferredContactMethod: customer.preferredContactMethod,
    needs: customer.needs,
    emails: customer.emails.map((email) => ({ email: email.email, primary: email.isPrimary })),
    phones: customer.phones.map((phone) => ({ number: phone.number, kind: phone.kind, primary: phone.isPrimary })),
    addresses: customer.addresses.map((address) => ({
      uprn: address.uprn,
      line1: address.line1,
      line2: address.line2,
      town: address.town,
      postcode: address.postcode,
      current: address.isCurrent,
    })),
    flags: customer.flags.map((flag) => ({ reason: flag.reason, reviewOn: flag.reviewOn })),
    contacts,
    cases,
    createdAt: customer.createdAt.toISOString(),
    updatedAt: customer.updatedAt.toISOString(),
  };
}

/** A customer's cases, newest first, from the cases capability. */
export type CasesOfCustomer = (
  customerId: string,
) => Promise<{ reference: string; status: string; serviceCode: string; serviceName: string; receivedAt: Date; dueAt: Date }[]>;

export const customersApiRoutes: FastifyPluginAsyncTypebox<{ customers: CustomersService; casesOf: CasesOfCustomer }> = async (
  app,
  { customers, casesOf },
) => {
  app.post(
    '/customers',
    {
      preHandler: requireScope('customers:write'),
      schema: {
        operationId: 'createCustomer',
        tags: ['Customers'],
        summary: 'Add a customer',
        description:
          'Creates the record and answers with it, and with any records that may be the same customer, so that the caller can merge them on the staff desktop.',
        body: CustomerCreateBody,
        response: { 201: CustomerCreated },
      },
    },
    async (request, reply) => {
      const key = apiKeyOf(request);
      const body = request.body;
      const input = { ...body, ...(body.address ? { address: { ...body.address, uprn: body.address.uprn } } : {}) };
      let created;
      try {
        created = await customers.create(key, input, { confirmedNew: true });
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        throw new Invalid(
          error.errors.map((problem) =>
            ADDRESS_FIELDS.has(problem.field) ? { ...problem, field: `address.${problem.field}` } : problem,
          ),
        );
      }
      if (!created.created) throw new Error('a confirmed customer was not created');
      return reply.code(201).send({ ...summary(created.customer), likelyDuplicates: created.duplicates.map(summary) });
    },
  );

  app.get(
    '/customers',
    {
      preHandler: requireScope('customers:read'),
      schema: {
        operationId: 'searchCustomers',
        tags: ['Customers'],
        summary: 'Find customers from one search box',
        description:
          'Recognises phone numbers in any format, emails, postcodes, UPRNs and dates of birth, and matches names despite typos. Best match first; each says what it matched on.',
        querystring: CustomerSearchQuery,
        response: { 200: CustomerList },
      },
    },
    async (request) => {
      const { hits } = await customers.search(apiKeyOf(request), request.query.q, request.query.limit ?? 20);
      return { items: hits.map(summary), next: null };
    },
  );

  app.get(
    '/customers/:id',
    {
      preHandler: requireScope('customers:read'),
      schema: {
        operationId: 'getCustomer',
        tags: ['Customers'],
        summary: 'One customer, with their contacts and cases',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        response: { 200: CustomerView },
      },
    },
    async (request, reply) => {
      const key = apiKeyOf(request);
      const result = await customers.view(key, request.params.id);
      if ('mergedInto' in result) return reply.redirect(`/api/v1/customers/${result.mergedInto}`, 308);
      const [{ entries }, cases] = await Promise.all([
        customers.timeline(key, request.params.id, { kinds: ['contact'] }),
        casesOf(result.customer.id),
      ]);
      const contacts = entries.map((entry) => ({
        id: entry.id,
        channel: entry.label ?? '',
        outcome: entry.outcome ?? '',
        serviceCode: entry.serviceCode,
        avoidableReason: entry.avoidableReason,
        notes: entry.detail,
        startedAt: new Date(entry.at).toISOString(),
      }));
      return record(
        result.customer,
        contacts,
        cases.map((item) => ({ ...item, receivedAt: item.receivedAt.toISOString(), dueAt: item.dueAt.toISOString() })),
      );
    },
  );
};
