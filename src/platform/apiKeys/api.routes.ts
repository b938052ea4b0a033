// The API's description of the calling key: a first call for an integrator to check that their
// key works, which organisation it acts for and what it may do.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { apiKeyOf } from '../http/api.ts';
import { ApiKeyView, type ApiKeyViewData } from './schemas.ts';
import type { ApiKeyDescription, ApiKeysService } from './service.ts';

function present(key: ApiKeyDescription): ApiKeyViewData {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    organisation: key.organisation,
    scopes: key.scopes,
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    createdAt: key.createdAt.toISOString(),
  };
}

export const apiKeyApiRoutes: FastifyPluginAsyncTypebox<{ apiKeys: Pick<ApiKeysService, 'describe'> }> = async (
  app,
  { apiKeys },
) => {
  app.get(
    '/api-key',
    {
      schema: {
        operationId: 'getApiKey',
        tags: ['API keys'],
        summary: 'The API key making the call',
        description: 'Its name, organisation and scopes, and when it was last used. Needs no scope.',
        response: { 200: ApiKeyView },
      },
    },
    async (request) => present(await apiKeys.describe(apiKeyOf(request))),
  );
};
