// The complaints calls of the JSON API (CONTRACT.md): record a complaint, compliment or comment
// from another system, and hear back its reference and its first deadlines.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { apiKeyOf, requireScope } from '../platform/http/api.ts';
import { ComplaintCreateBody, ComplaintCreated } from './schemas.ts';
import type { ComplaintsService } from './service.ts';

export const complaintsApiRoutes: FastifyPluginAsyncTypebox<{ complaints: ComplaintsService }> = async (app, { complaints }) => {
  app.post(
    '/complaints',
    {
      preHandler: requireScope('complaints:write'),
      schema: {
        operationId: 'createComplaint',
        tags: ['Complaints'],
        summary: 'Record a complaint, compliment or comment',
        description:
          'Checks it (422 with per-field errors), names the team it is about from its service, and tells the customer. A complaint starts at stage 1 of the Complaint Handling Code: it must be acknowledged within 5 working days of receipt and answered within 10 working days of the acknowledgement (respondBy is the latest that can be until it is acknowledged). Compliments and comments have no stages or deadlines.',
        body: ComplaintCreateBody,
        response: { 201: ComplaintCreated },
      },
    },
    async (request, reply) => {
      const { receivedAt, ...body } = request.body;
      const created = await complaints.record(apiKeyOf(request), {
        ...body,
        channel: body.channel ?? 'web',
        ...(receivedAt !== undefined ? { receivedAt: new Date(receivedAt) } : {}),
      });
      return reply.code(201).send({
        reference: created.reference,
        kind: created.kind,
        stage: created.stage,
        status: created.status,
        acknowledgeBy: created.acknowledgeBy?.toISOString() ?? null,
        respondBy: created.respondBy?.toISOString() ?? null,
        team: created.team,
      });
    },
  );
};
