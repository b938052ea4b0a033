// CSRF tokens on every form: a hidden `_csrf` field, checked on every state-changing request.
import csrf from '@fastify/csrf-protection';
import type { FastifyInstance } from 'fastify';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export async function setUpCsrf(app: FastifyInstance): Promise<void> {
  await app.register(csrf, {
    sessionPlugin: '@fastify/session',
    getToken: (request) => (request.body as Record<string, string> | undefined)?._csrf,
  });
  app.addHook('preHandler', (request, reply, done) => {
    if (SAFE_METHODS.has(request.method)) return done();
    app.csrfProtection(request, reply, done);
  });
}
