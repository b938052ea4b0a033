// The appointments calls of the JSON API (CONTRACT.md): another system finds the free slots of a
// service and books one for a customer. The last place in a slot goes to exactly one booking
// (the database decides, repo.takePlace): the others hear 409.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { apiKeyOf, requireScope } from '../platform/http/api.ts';
import { AppointmentCreateBody, AppointmentCreated, FreeSlotList, SlotQuery } from './schemas.ts';
import type { AppointmentsService } from './service.ts';

export const appointmentsApiRoutes: FastifyPluginAsyncTypebox<{ appointments: AppointmentsService }> = async (
  app,
  { appointments },
) => {
  app.get(
    '/appointment-slots',
    {
      preHandler: requireScope('appointments:read'),
      schema: {
        operationId: 'listAppointmentSlots',
        tags: ['Appointments'],
        summary: 'Free appointment slots of a service',
        description:
          'The slots with a place free from `from` to `to` (days in UK time, inclusive), soonest first, at every site that offers the service or the one asked for. Past times, closed days and full slots are left out. An unknown service or a date that is not a real date is 422 with an error per field.',
        querystring: SlotQuery,
        response: { 200: FreeSlotList },
      },
    },
    async (request) => {
      const { serviceCode, from, to, siteId } = request.query;
      const slots = await appointments.freeSlots(apiKeyOf(request), {
        serviceCode,
        from,
        to,
        ...(siteId !== undefined ? { siteId } : {}),
      });
      return {
        items: slots.map((slot) => ({
          id: slot.id,
          siteId: slot.siteId,
          siteName: slot.siteName,
          place: slot.place,
          startsAt: slot.startsAt.toISOString(),
          endsAt: slot.endsAt.toISOString(),
          remaining: slot.remaining,
        })),
        next: null,
      };
    },
  );

  app.post(
    '/appointments',
    {
      preHandler: requireScope('appointments:write'),
      schema: {
        operationId: 'createAppointment',
        tags: ['Appointments'],
        summary: 'Book an appointment for a customer',
        description:
          'Takes a place in the slot and tells the customer (with a private link to change or cancel it). A slot that is unknown, past or on a day now closed, or a customer who is not known, is 422 with an error per field; a slot with no place left is 409 (code appointments.errors.slotFull): choose another.',
        body: AppointmentCreateBody,
        response: { 201: AppointmentCreated },
      },
    },
    async (request, reply) => {
      const { slotId, customerId, notes } = request.body;
      const booked = await appointments.book(apiKeyOf(request), {
        slotId,
        customerId,
        channel: 'api',
        ...(notes !== undefined ? { notes } : {}),
      });
      return reply.code(201).send({
        reference: booked.reference,
        slotId,
        siteId: booked.siteId,
        siteName: booked.siteName,
        place: booked.place,
        serviceName: booked.serviceName,
        startsAt: booked.startsAt.toISOString(),
        endsAt: booked.endsAt.toISOString(),
        status: 'booked' as const,
      });
    },
  );
};
