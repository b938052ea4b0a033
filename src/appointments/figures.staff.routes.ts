// The face-to-face figures on the staff desktop, for team leaders and performance analysts: a GET
// form (two GOV.UK date inputs, or ?from=YYYY-MM-DD&to=YYYY-MM-DD in a link), the figures for the
// period in all and by site and by service as tables, and the same figures as a CSV download.
import { Readable } from 'node:stream';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Invalid } from '../platform/errors.ts';
import { periodErrors, requestedPeriod } from '../platform/forms.ts';
import { requireStaff, staffOf } from '../platform/http/authentication.ts';
import { sendDownload } from '../platform/http/downloads.ts';
import type { Translate } from '../platform/i18n.ts';
import { lastDayOf, type AppointmentFiguresService, type FiguresLine, type Period } from './figures.ts';

export interface FiguresStaffOptions {
  figures: Pick<AppointmentFiguresService, 'figures' | 'csv' | 'defaultPeriod'>;
}

const FIGURES = '/staff/appointments/figures';

/** A line's figures in the reader's words: percentages and minutes to one decimal, "Not known" for nothing to divide by. */
function presentLine(t: Translate, language: string, line: FiguresLine, label: string) {
  const locale = language === 'cy' ? 'cy-GB' : 'en-GB';
  const whole = new Intl.NumberFormat(locale);
  const oneDecimal = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const notKnown = t('appointments.figures.notKnown');
  const percent = (value: number | null) => (value === null ? notKnown : `${oneDecimal.format(value)}%`);
  const minutes = (value: number | null) =>
    value === null ? notKnown : t('appointments.figures.minutes', { value: oneDecimal.format(value) });
  return {
    label,
    seen: percent(line.percentSeenWithinTarget),
    seenOutOf: t('appointments.figures.outOf', {
      part: whole.format(line.seenWithinTarget),
      whole: whole.format(line.seenMeasured),
    }),
    averageWait: minutes(line.averageWalkInWait),
    p90Wait: minutes(line.ninetiethPercentileWalkInWait),
    walkIns: whole.format(line.walkInsCalled),
    noShowRate: percent(line.noShowRate),
    noShowsOutOf: t('appointments.figures.outOf', {
      part: whole.format(line.noShows),
      whole: whole.format(line.appointmentsDue),
    }),
  };
}

const periodQuery = (period: Period) => new URLSearchParams({ from: period.from, to: period.to }).toString();

export const figuresStaffRoutes: FastifyPluginAsync<FiguresStaffOptions> = async (app, { figures }) => {
  app.addHook('preHandler', requireStaff());

  async function answer(request: FastifyRequest, reply: FastifyReply, csv: boolean) {
    const actor = staffOf(request);
    const { period, boxes } = requestedPeriod(request.query as Record<string, unknown>, figures.defaultPeriod());
    const view = 'appointments/views/figures/figures.njk';
    try {
      if (csv) {
        const file = await figures.csv(actor, period);
        const content = Buffer.from(file.content, 'utf8');
        return sendDownload(reply, {
          stream: Readable.from([content]),
          contentType: 'text/csv; charset=utf-8',
          size: content.length,
          fileName: file.fileName,
        });
      }
      const shown = await figures.figures(actor, period);
      const t = request.t;
      const welsh = request.language === 'cy';
      const nameOf = (line: FiguresLine, none: string) => (welsh && line.nameCy) || line.name || none;
      return reply.render(view, {
        boxes,
        period: shown.period,
        lastDay: lastDayOf(shown.period),
        total: presentLine(t, request.language, shown.total, t('appointments.figures.allSites')),
        bySite: shown.bySite.map((line) =>
          presentLine(t, request.language, line, nameOf(line, t('appointments.figures.noSite'))),
        ),
        byService: shown.byService.map((line) =>
          presentLine(t, request.language, line, nameOf(line, t('appointments.figures.noService'))),
        ),
        csvHref: `${FIGURES}.csv?${periodQuery(shown.period)}`,
      });
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      return reply.render(view, { boxes, errors: periodErrors(request.t, error.errors) }, 400);
    }
  }

  app.get(FIGURES, async (request, reply) => answer(request, reply, false));
  app.get(`${FIGURES}.csv`, async (request, reply) => answer(request, reply, true));
};
