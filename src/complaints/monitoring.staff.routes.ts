// Complaint monitoring and the Code self-assessment on the staff desktop. The figures page is a GET
// form (two GOV.UK date inputs, or ?from=YYYY-MM-DD&to=YYYY-MM-DD in a link) over the figures as
// summary lists and tables, with the same figures as a CSV download; the self-assessment is a
// table of the Code's requirements for a financial year, each answered on a page of its own.
import { Readable } from 'node:stream';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Invalid, NotAllowed, NotFound } from '../platform/errors.ts';
import { fieldText, formFields, pageErrors, periodErrors, requestedPeriod, type PageErrors } from '../platform/forms.ts';
import { requireStaff, staffOf } from '../platform/http/authentication.ts';
import { sendDownload } from '../platform/http/downloads.ts';
import type { Translate } from '../platform/i18n.ts';
import { lastDayOf, type ComplaintFigures, type ComplaintMonitoring, type Period } from './monitoring.ts';
import { ASSESSMENT_STATUSES, CODE_SECTIONS, type ComplaintSelfAssessment, type RequirementFigure } from './selfAssessment.ts';
import { CATEGORIES, OMBUDSMAN_OUTCOMES, OUTCOMES, REMEDY_KINDS } from './workflow.ts';

const view = (name: string) => `complaints/views/${name}.njk`;
const MONITORING = '/staff/complaints/monitoring';
const SELF_ASSESSMENT = '/staff/complaints/self-assessment';
const STATUS_TAGS: Record<string, string> = {
  met: 'govuk-tag--green',
  partly_met: 'govuk-tag--yellow',
  not_met: 'govuk-tag--red',
  none: 'govuk-tag--grey',
};

export interface ComplaintsMonitoringStaffOptions {
  monitoring: Pick<ComplaintMonitoring, 'figures' | 'csv' | 'defaultPeriod'>;
  selfAssessment: Pick<ComplaintSelfAssessment, 'selfAssessment' | 'saveSelfAssessment' | 'currentYear'>;
}

const periodQuery = (period: Period) => new URLSearchParams({ from: period.from, to: period.to }).toString();

/** How the page writes numbers: counts, percentages to one decimal, pounds; "Not known" for nothing to divide by. */
function formats(t: Translate, language: string) {
  const locale = language === 'cy' ? 'cy-GB' : 'en-GB';
  const whole = new Intl.NumberFormat(locale);
  const oneDecimal = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const pounds = new Intl.NumberFormat(locale, { style: 'currency', currency: 'GBP' });
  const notKnown = t('complaints.monitoring.notKnown');
  return {
    count: (value: number) => whole.format(value),
    percent: (value: number | null) => (value === null ? notKnown : `${oneDecimal.format(value)}%`),
    decimal: (value: number | null) => (value === null ? notKnown : oneDecimal.format(value)),
    money: (pence: number) => pounds.format(pence / 100),
  };
}

interface Row {
  label: string;
  value: string;
}
interface Block {
  id: string;
  heading: string;
  kind: 'summary' | 'table';
  /** For a table: its column headings after the first. */
  columns?: string[];
  rows: (Row | { label: string; values: string[] })[];
  empty?: string;
}

/** The figures as the page shows them: summary lists and tables, in the reader's words. */
function present(figures: ComplaintFigures, t: Translate, language: string): Block[] {
  const f = formats(t, language);
  const m = (key: string, params?: Record<string, string | number>) => t(`complaints.monitoring.${key}`, params);
  const welsh = language === 'cy';
  const nameOf = (line: { name: string | null; nameCy: string | null }, none: string) =>
    (welsh && line.nameCy) || line.name || none;
  const stageRow = (label: string, value: (stage: ComplaintFigures['stages'][1]) => string) => ({
    label,
    values: [value(figures.stages[1]), value(figures.stages[2])],
  });
  return [
    {
      id: 'received',
      heading: m('received.heading'),
      kind: 'summary',
      rows: [
        { label: m('received.complaints'), value: f.count(figures.received.complaints) },
        { label: m('received.compliments'), value: f.count(figures.received.compliments) },
        { label: m('received.comments'), value: f.count(figures.received.comments) },
      ],
    },
    {
      id: 'stage-reached',
      heading: m('stageReached.heading'),
      kind: 'table',
      columns: [m('columns.complaints')],
      rows: [
        { label: m('stageReached.stage1'), values: [f.count(figures.stageReached.stage1)] },
        { label: m('stageReached.stage2'), values: [f.count(figures.stageReached.stage2)] },
        { label: m('stageReached.ombudsman'), values: [f.count(figures.stageReached.ombudsman)] },
      ],
    },
    {
      id: 'stages',
      heading: m('stages.heading'),
      kind: 'table',
      columns: [t('complaints.stages.1'), t('complaints.stages.2')],
      rows: [
        stageRow(m('stages.started'), (stage) => f.count(stage.started)),
        stageRow(m('stages.answered'), (stage) => f.count(stage.answered)),
        ...OUTCOMES.map((outcome) => stageRow(t(`complaints.outcomes.${outcome}`), (stage) => f.count(stage.byOutcome[outcome]))),
        stageRow(m('stages.justified'), (stage) => f.count(stage.justified)),
        stageRow(m('stages.percentJustified'), (stage) => f.percent(stage.percentJustified)),
        stageRow(m('stages.percentAcknowledgedInTime'), (stage) => f.percent(stage.percentAcknowledgedInTime)),
        stageRow(m('stages.percentAnsweredInTime'), (stage) => f.percent(stage.percentRespondedInTime)),
        stageRow(m('stages.averageWorkingDays'), (stage) => f.decimal(stage.averageWorkingDays)),
        stageRow(m('stages.extended'), (stage) => f.count(stage.extended)),
        stageRow(m('stages.maladministration'), (stage) => f.count(stage.maladministration)),
        stageRow(m('stages.serviceFailure'), (stage) => f.count(stage.serviceFailure)),
      ],
    },
    {
      id: 'escalation',
      heading: m('escalation.heading'),
      kind: 'summary',
      rows: [
        { label: m('escalation.stage2'), value: f.count(figures.escalation.stage2) },
        { label: m('escalation.stage1Answered'), value: f.count(figures.escalation.stage1Answered) },
        { label: m('escalation.percent'), value: f.percent(figures.escalation.percent) },
      ],
    },
    {
      id: 'ombudsman',
      heading: m('ombudsman.heading'),
      kind: 'table',
      columns: [m('columns.complaints')],
      rows: [
        { label: m('ombudsman.referrals'), values: [f.count(figures.ombudsman.referrals)] },
        { label: m('ombudsman.decisions'), values: [f.count(figures.ombudsman.decisions)] },
        ...OMBUDSMAN_OUTCOMES.map((outcome) => ({
          label: m('ombudsman.outcome', { outcome: t(`complaints.outcomes.${outcome}`) }),
          values: [f.count(figures.ombudsman.byOutcome[outcome])],
        })),
        { label: m('ombudsman.maladministration'), values: [f.count(figures.ombudsman.maladministration)] },
        { label: m('ombudsman.serviceFailure'), values: [f.count(figures.ombudsman.serviceFailure)] },
      ],
    },
    {
      id: 'findings',
      heading: m('findings.heading'),
      kind: 'summary',
      rows: [
        { label: m('findings.maladministration'), value: f.count(figures.councilFindings.maladministration) },
        { label: m('findings.serviceFailure'), value: f.count(figures.councilFindings.serviceFailure) },
      ],
    },
    {
      id: 'remedies',
      heading: m('remedies.heading'),
      kind: 'table',
      columns: [m('columns.number')],
      rows: [
        ...REMEDY_KINDS.map((kind) => ({
          label: t(`complaints.remedyKinds.${kind}`),
          values: [f.count(figures.remedies.byKind[kind])],
        })),
        { label: m('remedies.paymentsTotal'), values: [f.money(figures.remedies.paymentsPence)] },
        { label: m('remedies.complaintsRemedied'), values: [f.count(figures.remedies.complaintsRemedied)] },
      ],
    },
    {
      id: 'satisfaction',
      heading: m('satisfaction.heading'),
      kind: 'summary',
      rows: [
        { label: m('satisfaction.answered'), value: f.count(figures.satisfaction.answered) },
        { label: m('satisfaction.average'), value: f.decimal(figures.satisfaction.average) },
        { label: m('satisfaction.percentSatisfied'), value: f.percent(figures.satisfaction.percentSatisfied) },
      ],
    },
    {
      id: 'learning',
      heading: m('learning.heading'),
      kind: 'summary',
      rows: [
        { label: m('learning.open'), value: f.count(figures.learning.open) },
        { label: m('learning.overdue'), value: f.count(figures.learning.overdue) },
        { label: m('learning.completed'), value: f.count(figures.learning.completed) },
      ],
    },
    {
      id: 'by-service',
      heading: m('byService.heading'),
      kind: 'table',
      columns: [m('columns.complaints')],
      rows: figures.byService.map((line) => ({ label: nameOf(line, m('byService.none')), values: [f.count(line.complaints)] })),
      empty: m('noComplaints'),
    },
    {
      id: 'by-team',
      heading: m('byTeam.heading'),
      kind: 'table',
      columns: [m('columns.complaints')],
      rows: figures.byTeam.map((line) => ({ label: nameOf(line, m('byTeam.none')), values: [f.count(line.complaints)] })),
      empty: m('noComplaints'),
    },
    {
      id: 'by-category',
      heading: m('byCategory.heading'),
      kind: 'table',
      columns: [m('columns.complaints')],
      rows: figures.byCategory.map((line) => ({
        label:
          line.category && (CATEGORIES as readonly string[]).includes(line.category)
            ? t(`complaints.categories.${line.category}`)
            : m('byCategory.none'),
        values: [f.count(line.complaints)],
      })),
      empty: m('noComplaints'),
    },
  ];
}

function yearOf(value: unknown): number {
  if (typeof value !== 'string' || !/^\d{4}$/.test(value)) throw new NotFound('year');
  return Number(value);
}

export const complaintsMonitoringStaffRoutes: FastifyPluginAsync<ComplaintsMonitoringStaffOptions> = async (
  app,
  { monitoring, selfAssessment },
) => {
  app.addHook('preHandler', requireStaff());

  async function renderFigures(request: FastifyRequest, reply: FastifyReply, csv: boolean) {
    const actor = staffOf(request);
    const { period, boxes } = requestedPeriod(request.query as Record<string, unknown>, monitoring.defaultPeriod());
    try {
      if (csv) {
        const file = await monitoring.csv(actor, period);
        const content = Buffer.from(file.content, 'utf8');
        return sendDownload(reply, {
          stream: Readable.from([content]),
          contentType: 'text/csv; charset=utf-8',
          size: content.length,
          fileName: file.fileName,
        });
      }
      const figures = await monitoring.figures(actor, period);
      return reply.render(view('monitoring'), {
        boxes,
        period: figures.period,
        lastDay: lastDayOf(figures.period),
        blocks: present(figures, request.t, request.language),
        csvHref: `${MONITORING}.csv?${periodQuery(figures.period)}`,
        selfAssessmentHref: `${SELF_ASSESSMENT}/${selfAssessment.currentYear()}`,
      });
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      return reply.render(view('monitoring'), { boxes, errors: periodErrors(request.t, error.errors) }, 400);
    }
  }

  app.get(MONITORING, async (request, reply) => renderFigures(request, reply, false));
  app.get(`${MONITORING}.csv`, async (request, reply) => renderFigures(request, reply, true));

  app.get(SELF_ASSESSMENT, async (request, reply) => reply.redirect(`${SELF_ASSESSMENT}/${selfAssessment.currentYear()}`, 303));

  app.get<{ Params: { year: string } }>(`${SELF_ASSESSMENT}/:year`, async (request, reply) => {
    const year = yearOf(request.params.year);
    const assessment = await selfAssessment.selfAssessment(staffOf(request), year);
    const current = selfAssessment.currentYear();
    return reply.render(view('self-assessment'), {
      assessment,
      sections: CODE_SECTIONS.map((section) => ({
        key: section,
        requirements: assessment.requirements.filter((requirement) => requirement.section === section),
      })).filter((section) => section.requirements.length > 0),
      figureText: figureText(request.t, request.language),
      statusTags: STATUS_TAGS,
      previousHref: year > 2020 ? `${SELF_ASSESSMENT}/${year - 1}` : undefined,
      nextHref: year < current ? `${SELF_ASSESSMENT}/${year + 1}` : undefined,
      figuresHref: `${MONITORING}?${periodQuery(assessment.period)}`,
    });
  });

  async function renderAnswer(
    request: FastifyRequest,
    reply: FastifyReply,
    year: number,
    key: string,
    extra: { errors?: PageErrors; values?: { status: string; evidence: string } } = {},
    status = 200,
  ) {
    const assessment = await selfAssessment.selfAssessment(staffOf(request), year);
    if (!assessment.canAssess) throw new NotAllowed('Complaint.assess');
    const requirement = assessment.requirements.find((each) => each.key === key);
    if (!requirement) throw new NotFound('requirement');
    return reply.render(
      view('self-assessment-answer'),
      {
        year,
        requirement,
        statuses: ASSESSMENT_STATUSES,
        figureText: figureText(request.t, request.language),
        values: extra.values ?? { status: requirement.answer?.status ?? '', evidence: requirement.answer?.evidence ?? '' },
        backHref: `${SELF_ASSESSMENT}/${year}`,
        ...(extra.errors ? { errors: extra.errors } : {}),
      },
      status,
    );
  }

  app.get<{ Params: { year: string; requirement: string } }>(`${SELF_ASSESSMENT}/:year/:requirement`, async (request, reply) =>
    renderAnswer(request, reply, yearOf(request.params.year), request.params.requirement),
  );

  app.post<{ Params: { year: string; requirement: string } }>(`${SELF_ASSESSMENT}/:year/:requirement`, async (request, reply) => {
    const year = yearOf(request.params.year);
    const body = formFields(request.body);
    const values = { status: fieldText(body.status), evidence: fieldText(body.evidence) };
    try {
      await selfAssessment.saveSelfAssessment(staffOf(request), year, request.params.requirement, values);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      return renderAnswer(
        request,
        reply,
        year,
        request.params.requirement,
        { errors: pageErrors(request.t, error.errors), values },
        400,
      );
    }
    request.session.set('flash', { key: 'complaints.selfAssessment.saved', params: {} });
    return reply.redirect(`${SELF_ASSESSMENT}/${year}#${request.params.requirement}`, 303);
  });
};

/** A requirement's figure in words: "83.3% acknowledged in time", or "Not known". */
function figureText(t: Translate, language: string) {
  const f = formats(t, language);
  return (key: string, figure: RequirementFigure | null) => {
    if (!figure) return '';
    if (figure.value === null) return t('complaints.monitoring.notKnown');
    return t(`complaints.selfAssessment.figures.${key}`, {
      value: figure.percent ? f.percent(figure.value) : f.count(figure.value),
    });
  };
}
