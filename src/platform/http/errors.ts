// Turning errors into answers, in one place: GOV.UK error pages for people, RFC 9457 problem
// JSON for the API. Nobody ever sees a stack trace; unexpected errors are logged with the
// request id, which the page shows so the service desk can find it.
import { Type } from '@sinclair/typebox';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Conflict, Invalid, NotAllowed, NotFound } from '../errors.ts';

const PROBLEM_BASE = 'https://onedoor.example/problems/';

interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { field: string; message: string; code?: string }[];
  code?: string;
}

/** RFC 9457 problem details, as the JSON API sends them (for the OpenAPI description). */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ format: 'uri', description: 'Stable: identifies the kind of problem.' }),
    title: Type.String({ description: 'A short, human summary of the kind of problem.' }),
    status: Type.Integer({ minimum: 400, maximum: 599 }),
    detail: Type.Optional(Type.String({ description: 'What went wrong with this request.' })),
    code: Type.Optional(
      Type.String({ description: 'Stable: which rule refused the request, e.g. "customers.errors.mergeSelf".' }),
    ),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          field: Type.String({ description: 'The property, with dots for nested ones, e.g. "address.postcode".' }),
          message: Type.String(),
          code: Type.Optional(Type.String({ description: 'Stable: which rule the value broke.' })),
        }),
        { description: 'One per invalid field, for validation failures.' },
      ),
    ),
  },
  { title: 'Problem' },
);

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** One error per field, first problem first: `address.postcode`, not `/address/postcode`. */
function fieldErrors(issues: ValidationIssue[]): { field: string; message: string }[] {
  const byField = new Map<string, string>();
  for (const issue of issues) {
    const path = (issue.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
    const missing = typeof issue.params?.missingProperty === 'string' ? issue.params.missingProperty : '';
    const field = [path, missing].filter(Boolean).join('.');
    if (!byField.has(field)) byField.set(field, issue.message ?? 'is invalid');
  }
  return [...byField].map(([field, message]) => ({ field, message }));
}

export function wantsProblemJson(request: FastifyRequest): boolean {
  return request.url.startsWith('/api/');
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply
    .code(problem.status)
    .type('application/problem+json')
    .send({ ...problem, type: `${PROBLEM_BASE}${problem.type}` });
}

/**
 * What went wrong, as the status, problem type and the page to show. A request the JSON API
 * could read but not accept (its schema refused it) is 422, as for any invalid record.
 */
function classify(error: unknown, api: boolean): { status: number; type: string; page: string } {
  if (error instanceof NotFound) return { status: 404, type: 'not-found', page: 'notFound' };
  if (error instanceof NotAllowed) return { status: 403, type: 'not-allowed', page: 'notAllowed' };
  if (error instanceof Invalid) return { status: 422, type: 'invalid', page: 'invalid' };
  if (error instanceof Conflict) return { status: 409, type: 'conflict', page: 'conflict' };
  const fastifyError = error as Partial<FastifyError> & { statusCode?: number };
  if (fastifyError.code?.startsWith('FST_CSRF')) return { status: 403, type: 'form-expired', page: 'formExpired' };
  if (fastifyError.validation) return { status: api ? 422 : 400, type: 'invalid', page: 'invalid' };
  const status = fastifyError.statusCode ?? 500;
  if (status === 429) return { status, type: 'rate-limited', page: 'rateLimited' };
  if (status === 413) return { status, type: 'too-large', page: 'tooLarge' };
  if (status === 415) return { status, type: 'unsupported-media-type', page: 'invalid' };
  if (status >= 400 && status < 500) return { status, type: 'bad-request', page: 'invalid' };
  return { status: 500, type: 'server-error', page: 'serverError' };
}

export function setUpErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler(async (request, reply) => {
    if (wantsProblemJson(request)) {
      return sendProblem(reply, { type: 'not-found', title: 'Not found', status: 404 });
    }
    return reply.render('errors/error.njk', { page: 'notFound' }, 404);
  });

  app.setErrorHandler(async (error: unknown, request, reply) => {
    const { status, type, page } = classify(error, wantsProblemJson(request));
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ err: { message: (error as Error).message, code: (error as FastifyError).code } }, 'request refused');

    const retryAfter = (error as { retryAfterSeconds?: number }).retryAfterSeconds;
    if (retryAfter !== undefined) reply.header('Retry-After', String(retryAfter));

    if (wantsProblemJson(request)) {
      const say = (key: string, params?: Record<string, string | number>) => (request.t ? request.t(key, params) : key);
      const validation = (error as FastifyError).validation;
      return sendProblem(reply, {
        type,
        title: titles[type] ?? 'Error',
        status,
        // Rules give i18n keys: the API answers in words (English unless asked), with the key as a stable code.
        ...(error instanceof Invalid
          ? {
              errors: error.errors.map(({ field, message, params }) => ({ field, message: say(message, params), code: message })),
            }
          : {}),
        ...(validation ? { errors: fieldErrors(validation) } : {}),
        ...(error instanceof Conflict ? { detail: say(error.reason), code: error.reason } : {}),
        ...(status < 500 && !(error instanceof NotAllowed) && !(error instanceof Conflict)
          ? { detail: (error as Error).message }
          : {}),
      });
    }
    if (!request.t)
      return reply
        .code(status)
        .type('text/plain')
        .send(titles[type] ?? 'Error');
    try {
      return await reply.render('errors/error.njk', { page, requestId: request.id, retryAfter }, status);
    } catch (renderError) {
      request.log.error({ err: renderError }, 'could not render the error page');
      return reply
        .code(status)
        .type('text/plain')
        .send(titles[type] ?? 'Error');
    }
  });
}

/** The human title of a kind of problem: the same for every problem of that kind. */
export function problemTitle(type: string): string {
  return titles[type] ?? 'Error';
}

const titles: Record<string, string> = {
  'not-found': 'Not found',
  'not-allowed': 'You do not have permission to do this',
  invalid: 'The request is not valid',
  conflict: 'The request conflicts with the current state of the record',
  'form-expired': 'The form has expired',
  'rate-limited': 'Too many requests',
  'too-large': 'The request is too large',
  'unsupported-media-type': 'The content type is not supported',
  'bad-request': 'Bad request',
  'server-error': 'Sorry, there is a problem with the service',
  unauthenticated: 'A valid API key is needed',
  'insufficient-scope': 'The API key does not have the scope this needs',
  'idempotency-key-invalid': 'The Idempotency-Key header is not valid',
  'idempotency-key-reused': 'The Idempotency-Key was used for a different request',
  'idempotency-key-in-progress': 'A request with this Idempotency-Key is still being answered',
};
