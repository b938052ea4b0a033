// The audit trail page: search by action, person, record and dates; newest first.
import type { FastifyPluginAsync } from 'fastify';
import { isCalendarDate } from '../forms.ts';
import { requireStaff, staffOf } from '../http/authentication.ts';
import type { AuditFilters } from './audit.ts';
import type { AuditService } from './service.ts';

export const auditStaffRoutes: FastifyPluginAsync<{ audit: AuditService }> = async (app, { audit }) => {
  app.get('/staff/audit', { preHandler: requireStaff() }, async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    const text = (value: string | undefined) => value?.trim().slice(0, 200) || undefined;
    const date = (value: string | undefined) => (value && isCalendarDate(value.trim()) ? value.trim() : undefined);
    const filters: AuditFilters = {
      action: text(query.action),
      actor: text(query.actor),
      recordId: text(query.recordId),
      from: date(query.from),
      to: date(query.to),
    };
    const page = await audit.search(staffOf(request), filters, text(query.before));
    const nextHref = page.next
      ? `?${new URLSearchParams({ ...Object.fromEntries(Object.entries(filters).filter(([, value]) => value)), before: page.next })}`
      : undefined;
    return reply.render('platform/audit/views/audit.njk', { filters, events: page.events, nextHref, query });
  });
};
