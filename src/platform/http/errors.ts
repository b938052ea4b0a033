// Turning errors into answers, in one place: GOV.UK error pages for people, RFC 9457 problem
// JSON for the API. Nobody ever sees a stack trace; unexpected errors are logged with the
// request id, which the page shows so the service desk can find it.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Conflict, Invalid, NotAllowed, NotFound } from '../errors.ts';

const PROBLEM_BASE = 'https://onedoor.example/problems/';

interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { field: string; message: string }[];
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

/** What went wrong, as the status, problem type and the page to show. */
function classify(error: unknown): { status: number; type: string; page: string } {
  if (error instanceof NotFound) return { status: 404, type: 'not-found', page: 'notFound' };
  if (error instanceof NotAllowed) return { status: 403, type: 'not-allowed', page: 'notAllowed' };
  if (error instanceof Invalid) return { status: 422, type: 'invalid', page: 'invalid' };
  if (error instanceof Conflict) return { status: 409, type: 'conflict', page: 'conflict' };
  const fastifyError = error as Partial<FastifyError> & { statusCode?: number };
  if (fastifyError.code?.startsWith('FST_CSRF')) return { status: 403, type: 'form-expired', page: 'formExpired' };
  if (fastifyError.validation) return { status: 400, type: 'invalid', page: 'invalid' };
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
    const { status, type, page } = classify(error);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ err: { message: (error as Error).message, code: (error as FastifyError).code } }, 'request refused');

    const retryAfter = (error as { retryAfterSeconds?: number }).retryAfterSeconds;
    if (retryAfter !== undefined) reply.header('Retry-After', String(retryAfter));

    if (wantsProblemJson(request)) {
      const validation = (error as FastifyError).validation;
      return sendProblem(reply, {
        type,
        title: titles[type] ?? 'Error',
        status,
        ...(error instanceof Invalid ? { errors: error.errors.map(({ field, message }) => ({ field, message })) } : {}),
        ...(validation
          ? {
              errors: validation.map((issue) => ({
                field: issue.instancePath.replace(/^\//, '').replaceAll('/', '.') || String(issue.params?.missingProperty ?? ''),
                message: issue.message ?? 'is invalid',
              })),
            }
          : {}),
        ...(status < 500 && !(error instanceof NotAllowed) ? { detail: (error as Error).message } : {}),
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
};
