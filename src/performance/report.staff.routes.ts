// The period report on the staff desktop, for performance analysts and team leaders: a GET form
// (two GOV.UK date inputs, or ?from=YYYY-MM-DD&to=YYYY-MM-DD naming the first and last days) with
// links to the financial year's four-monthly periods; then the RAG summary, the indicator table,
// the breakdowns, the charts with their tables, and the action tracker; the same as CSV and PDF.
// Each indicator's definition has a page of its own.
import { Readable } from 'node:stream';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Invalid } from '../platform/errors.ts';
import { periodErrors, requestedPeriod, todayInLondon } from '../platform/forms.ts';
import { requireStaff, staffOf } from '../platform/http/authentication.ts';
import { sendDownload } from '../platform/http/downloads.ts';
import { reportAsCsv, type PerformanceReportService, type PeriodReport, type ReportPeriod } from './report.ts';
import { reportAsPdf } from './reportPdf.ts';
import {
  REPORT_PATH,
  actionRows,
  indicatorName,
  indicatorRows,
  pdfReportOf,
  periodLinks,
  periodQuery,
  periodText,
  ragSummary,
  reportCharts,
} from './reportPresenter.ts';

export interface PerformanceReportStaffOptions {
  report: Pick<PerformanceReportService, 'report' | 'definition' | 'defaultPeriod'>;
}

const view = (name: string) => `performance/views/report/${name}.njk`;

/** The page's default period as the form shows it: the first and the last day counted. */
const defaultsOf = (period: ReportPeriod) => ({ from: period.from, to: period.lastDay });

const fileName = (report: PeriodReport, extension: string) =>
  `performance-report-${report.period.from}-to-${report.period.lastDay}.${extension}`;

function send(reply: FastifyReply, content: Buffer, contentType: string, name: string) {
  return sendDownload(reply, { stream: Readable.from([content]), contentType, size: content.length, fileName: name });
}

export const performanceReportStaffRoutes: FastifyPluginAsync<PerformanceReportStaffOptions> = async (app, { report }) => {
  app.addHook('preHandler', requireStaff());

  async function answer(request: FastifyRequest, reply: FastifyReply, format: 'page' | 'csv' | 'pdf') {
    const actor = staffOf(request);
    const { t, language } = request;
    const { period, boxes } = requestedPeriod(request.query as Record<string, unknown>, defaultsOf(report.defaultPeriod()));
    let shown: PeriodReport;
    try {
      shown = await report.report(actor, period);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      return reply.render(view('report'), { boxes, errors: periodErrors(t, error.errors) }, 400);
    }
    if (format === 'csv') {
      const csv = reportAsCsv(shown, (code) => t(`performance.indicators.${code}.name`));
      return send(reply, Buffer.from(csv, 'utf8'), 'text/csv; charset=utf-8', fileName(shown, 'csv'));
    }
    if (format === 'pdf')
      return send(reply, await reportAsPdf(pdfReportOf(shown, t, language)), 'application/pdf', fileName(shown, 'pdf'));
    const query = periodQuery(shown.period);
    return reply.render(view('report'), {
      boxes,
      report: shown,
      periodText: periodText(t, language, shown.period),
      periods: periodLinks(t, language, shown.period, todayInLondon()),
      summary: ragSummary(t, shown.counts),
      rows: indicatorRows(t, language, shown.items),
      charts: reportCharts(t, language, shown),
      actions: actionRows(t, language, shown),
      csvHref: `${REPORT_PATH}.csv?${query}`,
      pdfHref: `${REPORT_PATH}.pdf?${query}`,
    });
  }

  app.get(REPORT_PATH, async (request, reply) => answer(request, reply, 'page'));
  app.get(`${REPORT_PATH}.csv`, async (request, reply) => answer(request, reply, 'csv'));
  app.get(`${REPORT_PATH}.pdf`, async (request, reply) => answer(request, reply, 'pdf'));

  app.get<{ Params: { code: string } }>(`${REPORT_PATH}/indicators/:code`, async (request, reply) => {
    const { t } = request;
    const definition = await report.definition(staffOf(request), request.params.code);
    return reply.render(view('definition'), {
      definition,
      name: definition.kind === 'manual' ? definition.name : indicatorName(t, { code: definition.code, name: null }),
      counted:
        definition.kind === 'manual'
          ? definition.definition.trim() || t('performance.definitions.noDefinition')
          : t(`performance.indicators.${definition.code}.definition`),
      backHref: REPORT_PATH,
    });
  });
};
