// The staff desktop's home page.
import type { FastifyPluginAsync } from 'fastify';
import { requireStaff, staffOf } from '../platform/http/authentication.ts';
import { sectionDescription, sectionLabel, sectionsFor } from './navigation.ts';

export const staffHomeRoutes: FastifyPluginAsync = async (app) => {
  app.get('/staff', { preHandler: requireStaff() }, async (request, reply) => {
    const sections = sectionsFor(staffOf(request))
      .filter((section) => section.key !== 'home')
      .map((section) => ({ ...section, labelKey: sectionLabel(section), descriptionKey: sectionDescription(section) }));
    return reply.render('staff/views/home.njk', { sections });
  });
};
