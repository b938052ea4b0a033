// The screen in a site's waiting area: public, the latest tickets called and the counters they
// were called to, never a name. /display/:siteId is the page; /display/:siteId.json the same calls
// for the page's script to poll (assets/js/queue-display.js). No meta refresh: it moves the page
// under people using assistive technology, and a "Refresh" link serves those without JavaScript.
import type { FastifyPluginAsync } from 'fastify';
import type { QueueService } from './queue.ts';

export interface DisplayOptions {
  queue: Pick<QueueService, 'display'>;
}

const JSON_SUFFIX = '.json';

export const displayRoutes: FastifyPluginAsync<DisplayOptions> = async (app, { queue }) => {
  app.get<{ Params: { siteId: string } }>('/display/:siteId', { config: { languages: ['ur'] } }, async (request, reply) => {
    const asJson = request.params.siteId.endsWith(JSON_SUFFIX);
    const siteId = asJson ? request.params.siteId.slice(0, -JSON_SUFFIX.length) : request.params.siteId;
    const { site, calls } = await queue.display(siteId);
    reply.header('cache-control', 'no-store');
    if (asJson) {
      return reply.type('application/json').send({
        calls: calls.map((call) => ({ ticket: call.ticket, counter: call.counter, calledAt: call.calledAt.toISOString() })),
      });
    }
    const noCounter = request.t('appointments.display.noCounter');
    return reply.render('appointments/views/display/screen.njk', {
      siteName: (request.language === 'cy' && site.nameCy) || site.name,
      latest: calls[0] ? { ticket: calls[0].ticket, counter: calls[0].counter ?? noCounter } : undefined,
      calls,
      jsonHref: `/display/${site.id}${JSON_SUFFIX}`,
      refreshHref: `/display/${site.id}`,
    });
  });
};
