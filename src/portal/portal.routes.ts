// The resident portal's shell: the home page and the pages every public service must have.
import type { FastifyPluginAsync } from 'fastify';

export const portalRoutes: FastifyPluginAsync = async (app) => {
  app.get('/', async (_request, reply) => reply.render('portal/views/home.njk'));
  for (const page of ['accessibility', 'privacy', 'cookies'] as const) {
    app.get(`/${page}`, async (_request, reply) => reply.render(`portal/views/${page}.njk`));
  }
};
