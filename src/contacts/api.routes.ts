// POST /api/v1/contacts (CONTRACT.md): a telephony system, a kiosk or a web form logs a contact,
// with or without a customer, under the same rules as the staff desktop.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Static } from '@sinclair/typebox';
import { apiKeyOf, requireScope } from '../platform/http/api.ts';
import { ContactApiBody, ContactLogged } from './schemas.ts';
import type { ContactsService, LoggedContact } from './service.ts';

function present(contact: LoggedContact): Static<typeof ContactLogged> {
  return {
    id: contact.id,
    customerId: contact.customerId,
    channel: contact.channel,
    serviceCode: contact.serviceCode,
    reason: contact.reason,
    outcome: contact.outcome,
    avoidableReason: contact.avoidableReason ?? null,
    signpostedTo: contact.signpostedTo,
    siteId: contact.siteId,
    notes: contact.notes,
    startedAt: contact.startedAt.toISOString(),
    endedAt: contact.endedAt.toISOString(),
    handlingSeconds: Math.round((contact.endedAt.getTime() - contact.startedAt.getTime()) / 1000),
  };
}

export const contactsApiRoutes: FastifyPluginAsyncTypebox<{ contacts: ContactsService }> = async (app, { contacts }) => {
  app.post(
    '/contacts',
    {
      preHandler: requireScope('contacts:write'),
      schema: {
        operationId: 'logContact',
        tags: ['Contacts'],
        summary: 'Log a contact',
        description:
          'Any channel, with or without a customer. The outcome defaults to resolved_first_contact, endedAt to now and startedAt to endedAt.',
        body: ContactApiBody,
        response: { 201: ContactLogged },
      },
    },
    async (request, reply) => {
      const contact = await contacts.logContactFromApi(apiKeyOf(request), request.body);
      return reply.code(201).send(present(contact));
    },
  );
};
