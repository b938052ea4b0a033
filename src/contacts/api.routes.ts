// POST /api/v1/contacts (CONTRACT.md): a telephony system, a kiosk or a web form logs a contact,
// with or without a customer, under the same rules as the staff desktop.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import { apiKeyOf, requireScope } from '../platform/http/api.ts';
import { ContactApiBody } from './schemas.ts';
import type { ContactsService, LoggedContact } from './service.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const ContactLogged = Type.Object({
  id: Type.String({ format: 'uuid' }),
  customerId: Nullable(Type.String({ format: 'uuid' })),
  channel: Type.String(),
  serviceCode: Nullable(Type.String()),
  reason: Nullable(Type.String()),
  outcome: Type.String(),
  avoidableReason: Nullable(Type.String()),
  signpostedTo: Nullable(Type.String({ format: 'uuid' })),
  siteId: Nullable(Type.String({ format: 'uuid' })),
  notes: Nullable(Type.String()),
  startedAt: Type.String({ format: 'date-time' }),
  endedAt: Type.String({ format: 'date-time' }),
  handlingSeconds: Type.Integer({ minimum: 0 }),
});

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
