// The outbox: every message OneDoor has queued for the reader's council, newest first, filtered
// by channel, status and event; and each message exactly as it was sent.
import type { FastifyPluginAsync } from 'fastify';
import { requireStaff, staffOf } from '../http/authentication.ts';
import type { NotificationsService } from './service.ts';
import { CHANNELS, EVENTS } from './templates.ts';
import { STATUSES, type OutboxFilters } from './types.ts';

const view = (name: string) => `platform/notifications/views/${name}.njk`;

export const notificationsStaffRoutes: FastifyPluginAsync<{ notifications: NotificationsService }> = async (
  app,
  { notifications },
) => {
  app.addHook('preHandler', requireStaff());

  app.get('/staff/outbox', async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    const oneOf = <V extends string>(values: readonly V[], value: string | undefined): V | undefined =>
      values.find((candidate) => candidate === value);
    const filters: OutboxFilters = {
      channel: oneOf(CHANNELS, query.channel),
      status: oneOf(STATUSES, query.status),
      event: oneOf(EVENTS, query.event),
    };
    const before = query.before?.slice(0, 200) || undefined;
    const page = await notifications.list(staffOf(request), filters, before);
    const chosen = Object.fromEntries(Object.entries(filters).filter(([, value]) => value)) as Record<string, string>;
    const hrefWith = (params: Record<string, string>) => {
      const search = new URLSearchParams(params).toString();
      return search ? `/staff/outbox?${search}` : '/staff/outbox';
    };
    // Each chosen filter as a tag that removes it.
    const selected = Object.keys(chosen).map((name) => ({
      name,
      value: chosen[name]!,
      href: hrefWith(Object.fromEntries(Object.entries(chosen).filter(([other]) => other !== name))),
    }));
    return reply.render(view('outbox'), {
      filters,
      selected,
      channels: CHANNELS,
      statuses: STATUSES,
      events: EVENTS,
      messages: page.messages,
      nextHref: page.next ? hrefWith({ ...chosen, before: page.next }) : undefined,
    });
  });

  app.get<{ Params: { id: string } }>('/staff/outbox/:id', async (request, reply) => {
    const message = await notifications.read(staffOf(request), request.params.id);
    return reply.render(view('message'), { message });
  });
};
