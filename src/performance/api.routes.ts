// The performance call of the JSON API (CONTRACT.md): every indicator for a period, with its
// target and Red/Amber/Green status.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { apiKeyOf, requireScope } from '../platform/http/api.ts';
import { isCalendarDate } from '../platform/forms.ts';
import { addCalendarDays } from '../services/calendar.ts';
import { IndicatorList, IndicatorQuery } from './schemas.ts';
import type { PerformanceService } from './service.ts';

export const performanceApiRoutes: FastifyPluginAsyncTypebox<{ performance: PerformanceService }> = async (
  app,
  { performance },
) => {
  app.get(
    '/performance/indicators',
    {
      preHandler: requireScope('performance:read'),
      schema: {
        operationId: 'listPerformanceIndicators',
        tags: ['Performance'],
        summary: 'The performance indicators for a period',
        description:
          'Each indicator OneDoor counts (first-contact resolution, avoidable contact, cases within SLA, complaints answered in time, seen within 10 minutes, ...) and each the council enters by hand, with the target, tolerance, benchmark and Red/Amber/Green status set for the period. A date that is not real, or a period that ends before it starts, is 422 with an error per field.',
        querystring: IndicatorQuery,
        response: { 200: IndicatorList },
      },
    },
    async (request) => {
      const { from, to } = request.query;
      // The API names the last day; the service counts up to the day after it.
      const report = await performance.indicators(apiKeyOf(request), {
        from,
        to: isCalendarDate(to) ? addCalendarDays(to, 1) : to,
      });
      return {
        from: report.period.from,
        to: addCalendarDays(report.period.to, -1),
        running: report.running,
        counts: report.counts,
        items: report.items.map((item) => ({
          code: item.code,
          name: item.name ?? request.t(`performance.indicators.${item.code}.name`),
          kind: item.kind,
          unit: item.unit,
          direction: item.direction,
          value: item.value,
          numerator: item.numerator,
          denominator: item.denominator,
          breakdown: item.breakdown,
          target: item.target,
          tolerance: item.tolerance,
          benchmark: item.benchmark,
          previousActual: item.previousActual,
          estimatedOutturn: item.estimatedOutturn,
          rag: item.rag,
          owner: item.owner,
          comment: item.comment,
        })),
        next: null,
      };
    },
  );
};
