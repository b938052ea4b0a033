// The period report on the staff desktop, for performance analysts and team leaders: a GET form
// (two GOV.UK date inputs, or ?from=YYYY-MM-DD&to=YYYY-MM-DD naming the first and last days) with
// links to the financial year's four-monthly periods; then the RAG summary, the indicator table,
// the breakdowns, the charts with their tables, and the action tracker; the same as CSV and PDF.
// Each indicator's definition has a page of its own.
import { Readable } from 'node:stream';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Invalid } from '../platform/errors.ts';
import { fieldText, pageErrors, readDateInput, todayInLondon, type PageErrors } from '../platform/forms.ts';
import { requireStaff, staffOf } from '../platform/http/authentication.ts';
import { sendDownload } from '../platform/http/downloads.ts';
import type { Translate } from '../platform/i18n.ts';
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

const DATE_FIELDS = ['from', 'to'] as const;
const view = (name: string) => `performance/views/report/${name}.njk`;

type Query = Record<string, unknown>;

/**
 * The period a query asks for: `from` and `to` (the last day) as YYYY-MM-DD in links, or the date
 * inputs' boxes from the form. A field not given takes the default; one typed wrong is passed on
 * for the report to refuse.
 */
function requestedPeriod(query: Query, defaults: ReportPeriod) {
  const period: Record<(typeof DATE_FIELDS)[number], string> = { from: defaults.from, to: defaults.lastDay };
  const boxes: Record<string, Record<string, string>> = {};
  for (const field of DATE_FIELDS) {
    const typed = readDateInput(query, field);
    const given = fieldText(query[field]).trim();
    if (typed.state === 'date') period[field] = typed.date!;
    else if (typed.state !== 'empty') period[field] = 'not-a-date';
    else if (given !== '') period[field] = given;
    boxes[field] = typed.state === 'empty' ? boxesOf(period[field]) : typed.parts;
  }
  return { period, boxes };
}

function boxesOf(date: string): Record<string, string> {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  return match
    ? { day: String(Number(match[3])), month: String(Number(match[2])), year: match[1]! }
    : { day: '', month: '', year: '' };
}

/** The error summary links a date input's error to its first box. */
function dateErrors(t: Translate, error: Invalid): PageErrors {
  const errors = pageErrors(t, error.errors);
  errors.list = errors.list.map((item) =>
    item.href && (DATE_FIELDS as readonly string[]).includes(item.href.slice(1)) ? { ...item, href: `${item.href}-day` } : item,
  );
  return errors;
}

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
    const { period, boxes } = requestedPeriod(request.query as Query, report.defaultPeriod());
    let shown: PeriodReport;
    try {
      shown = await report.report(actor, period);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      return reply.render(view('report'), { boxes, errors: dateErrors(t, error) }, 400);
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
