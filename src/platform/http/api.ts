// The JSON API under /api/v1, for other systems: a key in `Authorization: Bearer <key>`, scopes
// per route, a request limit per key, Idempotency-Key on POST, TypeBox schemas that validate
// requests and describe the API in OpenAPI 3.1 (/api/v1/openapi.json, readable at /api/v1/docs),
// and every error as RFC 9457 problem JSON. No sessions, cookies or CSRF: those are the pages'.
import swagger from '@fastify/swagger';
import { TypeBoxValidatorCompiler, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { FormatRegistry } from '@sinclair/typebox';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest, RawServerDefault, RouteOptions } from 'fastify';
import type { ApiKeyActor } from '../actor.ts';
import type { ClaimOutcome, IdempotentAttempt, RequestFingerprint } from '../apiKeys/idempotency.ts';
import { isValidIdempotencyKey, MAX_IDEMPOTENCY_KEY_LENGTH } from '../apiKeys/idempotency.ts';
import type { Scope } from '../apiKeys/scopes.ts';
import { isCalendarDate } from '../forms.ts';
import { ProblemSchema, problemTitle, sendProblem } from './errors.ts';
import type { CountHit } from './rateLimits.ts';

export const API_PREFIX = '/api/v1';

declare module 'fastify' {
  interface FastifyRequest {
    /** The API key the request came with (after the API's authentication), or null. */
    apiKey: ApiKeyActor | null;
    /** The request's claim on its Idempotency-Key: its work and its answer commit together when it is sent. */
    idempotentAttempt: IdempotentAttempt | null;
  }

  interface FastifyContextConfig {
    /** Served without an API key (the OpenAPI description and the documentation page). */
    public?: boolean;
  }
}

/** What the API needs from the API keys service. */
export interface ApiKeyChecks {
  verify(token: string, ip: string | null): Promise<ApiKeyActor | undefined>;
  idempotency: {
    claim(apiKeyId: string, key: string, request: RequestFingerprint): Promise<ClaimOutcome>;
  };
}

/** A capability's API routes and what they need, registered under /api/v1. */
export interface ApiRoutes {
  plugin: FastifyPluginAsync<never, RawServerDefault, TypeBoxTypeProvider>;
  options: object;
}

/** Pairs a route plugin with its options, checked against each other. */
export function apiRoutes<O extends object>(
  plugin: FastifyPluginAsync<O, RawServerDefault, TypeBoxTypeProvider>,
  options: O,
): ApiRoutes {
  return { plugin: plugin as unknown as ApiRoutes['plugin'], options };
}

export interface ApiSettings {
  apiKeys: ApiKeyChecks;
  countHit: CountHit;
  routes: ApiRoutes[];
  /** Requests each key may make per window; beyond that, 429 until the window ends. */
  rateLimit?: { max: number; windowMs: number };
}

const DEFAULT_RATE_LIMIT = { max: 600, windowMs: 60_000 };

// Formats the API's schemas use (forms.ts registers email, date and uuid).
if (!FormatRegistry.Has('date-time')) {
  FormatRegistry.Set(
    'date-time',
    (value) =>
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(value) &&
      isCalendarDate(value.slice(0, 10)) &&
      !Number.isNaN(Date.parse(value)),
  );
}
if (!FormatRegistry.Has('uri')) FormatRegistry.Set('uri', (value) => URL.canParse(value));

type ScopeCheck = ((request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>) & { scope: Scope };

/** A preHandler refusing (403) a key that was not granted `scope`. Its scope shows in the OpenAPI description. */
export function requireScope(scope: Scope): ScopeCheck {
  const check = async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.apiKey?.scopes.includes(scope)) return undefined;
    reply.header('WWW-Authenticate', `Bearer realm="OneDoor", error="insufficient_scope", scope="${scope}"`);
    return sendProblem(reply, {
      type: 'insufficient-scope',
      title: problemTitle('insufficient-scope'),
      status: 403,
      detail: `This needs the scope "${scope}", which the key was not given.`,
    });
  };
  return Object.assign(check, { scope });
}

/** The calling key; for use in API route handlers (authentication has run). */
export function apiKeyOf(request: FastifyRequest): ApiKeyActor {
  if (!request.apiKey) throw new Error('the API authentication must run before this handler');
  return request.apiKey;
}

function scopesOf(route: RouteOptions): Scope[] {
  const handlers = route.preHandler === undefined ? [] : Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler];
  return handlers.flatMap((handler) => {
    const scope = (handler as Partial<ScopeCheck>).scope;
    return scope ? [scope] : [];
  });
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer +([^\s]+) *$/i.exec(header ?? '');
  return match?.[1];
}

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

type OpenApiOperation = {
  security?: Record<string, string[]>[];
  responses?: Record<string, unknown>;
  parameters?: unknown[];
  requestBody?: unknown;
};

/** Adds what every operation shares (its problems, Idempotency-Key on POST) to the description. */
function describeCommonBehaviour(document: { paths?: Record<string, Record<string, OpenApiOperation>> }) {
  for (const operations of Object.values(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(operations)) {
      const open = operation.security?.length === 0;
      const responses = (operation.responses ??= {});
      if (!open) {
        responses['401'] ??= problemResponse('No API key, or one that is not valid or has been revoked.');
        responses['403'] ??= problemResponse('The key does not have the scope this needs, or may not see the record.');
        responses['429'] ??= problemResponse('Too many requests from this key: try again after Retry-After seconds.');
      }
      if (operation.requestBody || operation.parameters?.length) {
        responses['422'] ??= problemResponse('The request is not valid: `errors` lists each field.');
      }
      if (method === 'post') {
        responses['409'] ??= problemResponse('A request with the same Idempotency-Key is still being answered.');
        (operation.parameters ??= []).push({
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description:
            'Any unique value (a UUID). The first answer is kept for 24 hours and given again to a request with the same key ' +
            'and body, with the header Idempotent-Replayed: true; the same key with a different body is refused (422).',
          schema: { type: 'string', minLength: 1, maxLength: MAX_IDEMPOTENCY_KEY_LENGTH },
        });
      }
    }
  }
  return document;
}

export async function setUpApi(app: FastifyInstance, settings: ApiSettings): Promise<void> {
  const { apiKeys, countHit } = settings;
  const limit = settings.rateLimit ?? DEFAULT_RATE_LIMIT;

  await app.register(
    async (plain) => {
      const api = plain.withTypeProvider<TypeBoxTypeProvider>();
      api.setValidatorCompiler(TypeBoxValidatorCompiler);
      // JSON only: a form post is a browser's, and the API has no CSRF protection for it.
      api.removeContentTypeParser('application/x-www-form-urlencoded');
      api.decorateRequest('apiKey', null);
      api.decorateRequest('idempotentAttempt', null);

      await api.register(swagger, {
        openapi: {
          openapi: '3.1.0',
          info: {
            title: 'OneDoor API',
            version: '1',
            description:
              'The JSON API of OneDoor. Send an API key as `Authorization: Bearer <key>`; each operation needs the ' +
              'scope shown in its security requirement. Errors are RFC 9457 problem details (application/problem+json).',
          },
          components: {
            securitySchemes: {
              apiKey: {
                type: 'http',
                scheme: 'bearer',
                description: 'An API key made by an administrator (`onedoor api-key create`), e.g. `odk_abcd2345_...`.',
              },
            },
            schemas: { Problem: ProblemSchema },
          },
          security: [{ apiKey: [] }],
        },
        transform: ({ schema, url, route }) => ({
          schema: {
            ...schema,
            // A bearer scheme's requirement lists the roles it needs (OpenAPI 3.1): here, scopes.
            security: route.config?.public ? [] : [{ apiKey: scopesOf(route) }],
          } as typeof schema,
          url,
        }),
        transformObject: (documentObject) =>
          describeCommonBehaviour('openapiObject' in documentObject ? (documentObject.openapiObject as never) : {}) as never,
      });

      // Every POST honours Idempotency-Key, after the route's own checks (scope) have passed; a
      // request that claimed its key does its work inside the claim's transaction.
      api.addHook('onRoute', (route) => {
        const methods = Array.isArray(route.method) ? route.method : [route.method];
        if (!methods.includes('POST')) return;
        const existing =
          route.preHandler === undefined ? [] : Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler];
        route.preHandler = [...existing, idempotency];
        const handler = route.handler;
        route.handler = function (this: FastifyInstance, request, reply) {
          const attempt = request.idempotentAttempt;
          return attempt ? attempt.run(async () => handler.call(this, request, reply)) : handler.call(this, request, reply);
        };
      });

      api.addHook('onRequest', async (request, reply) => {
        if (request.routeOptions.config?.public) return;
        const token = bearerToken(request.headers.authorization);
        const key = token ? await apiKeys.verify(token, request.ip) : undefined;
        if (!key) {
          reply.header('WWW-Authenticate', token ? 'Bearer realm="OneDoor", error="invalid_token"' : 'Bearer realm="OneDoor"');
          return sendProblem(reply, {
            type: 'unauthenticated',
            title: problemTitle('unauthenticated'),
            status: 401,
            detail: token
              ? 'The API key is not valid, or has been revoked.'
              : 'Send an API key in the Authorization header: "Authorization: Bearer <key>".',
          });
        }
        request.apiKey = key;

        const hit = await countHit(`api-key:${key.id}`, limit.windowMs);
        const resetSeconds = Math.ceil(hit.ttl / 1000);
        reply.header('RateLimit-Limit', String(limit.max));
        reply.header('RateLimit-Remaining', String(Math.max(0, limit.max - hit.current)));
        reply.header('RateLimit-Reset', String(resetSeconds));
        if (hit.current > limit.max) {
          reply.header('Retry-After', String(Math.max(1, resetSeconds)));
          return sendProblem(reply, {
            type: 'rate-limited',
            title: problemTitle('rate-limited'),
            status: 429,
            detail: `This key may make ${limit.max} requests in ${limit.windowMs / 1000} seconds: try again in ${resetSeconds} seconds.`,
          });
        }
        return undefined;
      });

      async function idempotency(request: FastifyRequest, reply: FastifyReply) {
        const header = request.headers['idempotency-key'];
        const key = request.apiKey;
        if (header === undefined || !key) return undefined;
        const value = Array.isArray(header) ? header.join(', ') : header;
        if (!isValidIdempotencyKey(value)) {
          return sendProblem(reply, {
            type: 'idempotency-key-invalid',
            title: problemTitle('idempotency-key-invalid'),
            status: 400,
            detail: `An Idempotency-Key is 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} printable characters without spaces (a UUID, say).`,
          });
        }
        const outcome = await apiKeys.idempotency.claim(key.id, value, {
          method: request.method,
          path: request.url,
          body: request.body,
        });
        switch (outcome.kind) {
          case 'claimed':
            request.idempotentAttempt = outcome.attempt;
            return undefined;
          case 'replay':
            return reply
              .header('Idempotent-Replayed', 'true')
              .code(outcome.response.status)
              .type(outcome.response.contentType ?? 'application/json; charset=utf-8')
              .send(outcome.response.body);
          case 'mismatch':
            return sendProblem(reply, {
              type: 'idempotency-key-reused',
              title: problemTitle('idempotency-key-reused'),
              status: 422,
              detail: 'This Idempotency-Key was used in the last 24 hours for a request with a different body or path.',
            });
          case 'in_progress':
            reply.header('Retry-After', '1');
            return sendProblem(reply, {
              type: 'idempotency-key-in-progress',
              title: problemTitle('idempotency-key-in-progress'),
              status: 409,
              detail: 'The first request with this Idempotency-Key has not been answered yet: try again shortly.',
            });
        }
      }

      // The first answer to a claimed key is kept, committed with the request's work; an
      // unexpected failure (5xx) undoes the work and frees the key for a retry. If the commit
      // itself fails, nothing was done, and the client is told so (500) rather than given an
      // answer for work that did not happen.
      api.addHook('onSend', async (request, reply, payload) => {
        const attempt = request.idempotentAttempt;
        if (!attempt) return payload;
        request.idempotentAttempt = null;
        if (reply.statusCode >= 500 || typeof payload !== 'string') {
          await attempt.abandon();
          return payload;
        }
        const contentType = reply.getHeader('content-type');
        await attempt.complete({
          status: reply.statusCode,
          contentType: typeof contentType === 'string' ? contentType : null,
          body: payload,
        });
        return payload;
      });
      // A request that ended without an answer being sent leaves nothing behind either.
      api.addHook('onResponse', async (request) => {
        await request.idempotentAttempt?.abandon();
        request.idempotentAttempt = null;
      });

      // Unknown paths under /api/v1 are problems too (after authentication, so they reveal nothing).
      api.setNotFoundHandler(async (_request, reply) =>
        sendProblem(reply, { type: 'not-found', title: problemTitle('not-found'), status: 404 }),
      );

      api.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => api.swagger());

      api.get('/docs', { config: { public: true }, schema: { hide: true } }, async (_request, reply) =>
        reply.render('platform/http/views/api-docs.njk', { operations: operationsOf(api.swagger()) }),
      );

      for (const { plugin, options } of settings.routes) await api.register(plugin, options as never);
    },
    { prefix: API_PREFIX },
  );
}

interface DocumentedOperation {
  method: string;
  path: string;
  summary: string;
  description: string;
  scopes: string[];
}

/** The operations of the OpenAPI description, for the documentation page. */
function operationsOf(document: unknown): DocumentedOperation[] {
  const paths = (document as { paths?: Record<string, Record<string, Record<string, unknown>>> }).paths ?? {};
  return Object.entries(paths)
    .flatMap(([path, operations]) =>
      Object.entries(operations).map(([method, operation]) => ({
        method: method.toUpperCase(),
        path,
        summary: typeof operation.summary === 'string' ? operation.summary : '',
        description: typeof operation.description === 'string' ? operation.description : '',
        scopes: ((operation.security as Record<string, string[]>[] | undefined) ?? []).flatMap((requirement) =>
          Object.values(requirement).flat(),
        ),
      })),
    )
    .sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}
