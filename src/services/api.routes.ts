// The service catalogue in the JSON API (CONTRACT.md): the council's active services, with the
// questions a case for each must answer, so that another system can raise cases for them.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { apiKeyOf, requireScope } from '../platform/http/api.ts';
import { ServiceList } from './schemas.ts';
import type { ServicesService } from './service.ts';

export const servicesApiRoutes: FastifyPluginAsyncTypebox<{ services: Pick<ServicesService, 'listForApi'> }> = async (
  app,
  { services },
) => {
  app.get(
    '/services',
    {
      preHandler: requireScope('services:read'),
      schema: {
        operationId: 'listServices',
        tags: ['Services'],
        summary: 'The council’s service catalogue',
        description:
          'Every active service of the key’s council, by name: who owns it, its target in working days, and the questions ' +
          'a case for it answers (send their answers as `answers` when raising a case).',
        response: { 200: ServiceList },
      },
    },
    async (request) => await services.listForApi(apiKeyOf(request)),
  );
};
