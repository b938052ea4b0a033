// CSRF tokens on every form: a hidden `_csrf` field, checked on every state-changing request.
// Multipart forms (uploads) are checked the same way: uploads.ts reads the fields before the
// first file into `request.body` before this check runs, so `_csrf` must come first in the form.
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
