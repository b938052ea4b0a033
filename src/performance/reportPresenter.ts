// The period report in the reader's words: figures formatted for their language, statuses as
// words with their GOV.UK tag colours, each computed indicator's breakdown as a table, the charts'
// geometry with the tables beside them, and the texts the PDF prints. Shared by the page, the
// PDF and the tests, so all three say the same.
import { CHANNELS } from '../cases/service.ts';
import type { Translate } from '../platform/i18n.ts';
import { CHANNEL_STYLES, RAG_STYLES, horizontalBars, stackedColumns, type Chart } from './charts.ts';
import { RAGS, type Rag, type Unit } from './indicators.ts';
import type { PdfReport } from './reportPdf.ts';
import type { ActionStatus } from './reportRepo.ts';
import { financialYearOf, reportingPeriods, type PeriodReport, type ReportingPeriod, type ReportPeriod } from './report.ts';
import type { IndicatorLine } from './service.ts';

export const REPORT_PATH = '/staff/performance';
export const definitionPath = (code: string): string => `${REPORT_PATH}/indicators/${encodeURIComponent(code)}`;
export const periodQuery = (period: ReportPeriod): string =>
  new URLSearchParams({ from: period.from, to: period.lastDay }).toString();

/** A GOV.UK tag's colour class. */
const tag = (colour: string) => `govuk-tag--${colour}`;

export const RAG_TAGS: Record<Rag, string> = {
  red: tag('red'),
  amber: tag('orange'),
  green: tag('green'),
  not_known: tag('grey'),
};

export const ACTION_TAGS: Record<ActionStatus, string> = {
  not_started: tag('grey'),
  on_track: tag('green'),
  at_risk: tag('red'),
  done: tag('blue'),
};

/** What each computed indicator's breakdown is by. */
const BREAKDOWN_KINDS: Record<string, 'channel' | 'reason' | 'stage' | 'age'> = {
  first_contact_resolution: 'channel',
  avoidable_contact: 'reason',
  digital_share: 'channel',
  complaints_responded_in_time: 'stage',
  complaints_justified: 'stage',
  open_backlog: 'age',
};

const localeOf = (language: string) => (language === 'cy' ? 'cy-GB' : 'en-GB');

/** Numbers, dates and months as the reader's language writes them. */
export function formatsFor(t: Translate, language: string) {
  const locale = localeOf(language);
  const whole = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  const oneDecimal = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const score = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' });
  const month = new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' });
  const shortMonth = new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric', timeZone: 'UTC' });
  const monthName = new Intl.DateTimeFormat(locale, { month: 'long', timeZone: 'UTC' });
  const noon = (day: string) => new Date(`${day}T12:00:00Z`);
  return {
    count: (value: number) => whole.format(value),
    percent: (value: number) => `${oneDecimal.format(value)}%`,
    /** A value in its indicator's unit; null for one not known or not given. */
    value(unit: Unit, value: number | null): string | null {
      if (value === null) return null;
      switch (unit) {
        case 'percent':
          return t('performance.report.units.percent', { value: oneDecimal.format(value) });
        case 'minutes':
          return t('performance.report.units.minutes', { value: oneDecimal.format(value) });
        case 'days':
          return t('performance.report.units.days', { value: oneDecimal.format(value) });
        case 'score':
          return score.format(value);
        default:
          return whole.format(value);
      }
    },
    date: (day: string) => date.format(noon(day)),
    month: (yearMonth: string) => month.format(noon(`${yearMonth}-01`)),
    shortMonth: (yearMonth: string) => shortMonth.format(noon(`${yearMonth}-01`)),
    monthName: (day: string) => monthName.format(noon(day)),
  };
}

export type Formats = ReturnType<typeof formatsFor>;

/** Every month a period touches, as YYYY-MM. */
export function monthsOf(period: ReportPeriod): string[] {
  const months: string[] = [];
  let year = Number(period.from.slice(0, 4));
  let month = Number(period.from.slice(5, 7));
  const last = period.lastDay.slice(0, 7);
  for (;;) {
    const key = `${year}-${String(month).padStart(2, '0')}`;
    months.push(key);
    if (key >= last) return months;
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
}

/** The indicator's name: the council's for a manual one, the locales' for one OneDoor counts. */
export const indicatorName = (t: Translate, item: { code: string; name: string | null }): string =>
  item.name ?? t(`performance.indicators.${item.code}.name`);

/** The quick links to the financial year's reporting periods, and to the years either side. */
export function periodLinks(t: Translate, language: string, shown: ReportPeriod, today: string) {
  const f = formatsFor(t, language);
  const year = financialYearOf(shown.from);
  const label = (key: ReportingPeriod, period: ReportPeriod) =>
    t(`performance.report.periods.${key}`, {
      from: f.monthName(period.from),
      to: f.monthName(period.lastDay),
      fromYear: period.from.slice(0, 4),
      toYear: period.lastDay.slice(0, 4),
    });
  const yearLink = (start: number, key: 'previousYear' | 'nextYear') => {
    const whole = reportingPeriods(start).find((each) => each.key === 'whole_year')!.period;
    return {
      text: t(`performance.report.periods.${key}`, { from: start, to: start + 1 }),
      href: `${REPORT_PATH}?${periodQuery(whole)}`,
    };
  };
  return {
    heading: t('performance.report.periods.heading', { from: year, to: year + 1 }),
    links: reportingPeriods(year).map(({ key, period }) => ({
      text: label(key, period),
      href: `${REPORT_PATH}?${periodQuery(period)}`,
      current: period.from === shown.from && period.lastDay === shown.lastDay,
    })),
    others: [yearLink(year - 1, 'previousYear'), ...(financialYearOf(today) > year ? [yearLink(year + 1, 'nextYear')] : [])],
  };
}

export interface BreakdownView {
  heading: string;
  partHeading: string;
  rows: { label: string; count: string; outOf: string; share: string }[];
}

function breakdownOf(t: Translate, f: Formats, item: IndicatorLine): BreakdownView | null {
  const kind = BREAKDOWN_KINDS[item.code];
  if (!kind || item.breakdown.length === 0) return null;
  const labelOf = (key: string) => {
    switch (kind) {
      case 'channel':
        return t(`contacts.channels.${key}`);
      case 'reason':
        return t(`contacts.avoidableReasons.${key}`);
      case 'stage':
        return t(`performance.report.breakdown.stages.${key}`);
      default:
        return t(`performance.report.breakdown.bands.${key}`);
    }
  };
  return {
    heading: t('performance.report.breakdown.summary', {
      name: indicatorName(t, item),
      by: t(`performance.report.breakdown.by.${kind}`),
    }),
    partHeading: t(`performance.report.breakdown.columns.${kind}`),
    rows: item.breakdown.map((part) => ({
      label: labelOf(part.key),
      count: f.count(part.numerator),
      outOf: f.count(part.denominator),
      share: part.value === null ? t('performance.report.notKnown') : f.percent(part.value),
    })),
  };
}

export interface IndicatorRowView {
  code: string;
  name: string;
  href: string;
  kind: 'computed' | 'manual';
  benchmark: string | null;
  previousActual: string | null;
  target: string | null;
  actual: string;
  estimatedOutturn: string | null;
  rag: { key: Rag; text: string; classes: string };
  owner: string | null;
  comment: string | null;
  breakdown: BreakdownView | null;
}

export function indicatorRows(t: Translate, language: string, items: IndicatorLine[]): IndicatorRowView[] {
  const f = formatsFor(t, language);
  return items.map((item) => ({
    code: item.code,
    name: indicatorName(t, item),
    href: definitionPath(item.code),
    kind: item.kind,
    benchmark: f.value(item.unit, item.benchmark),
    previousActual: f.value(item.unit, item.previousActual),
    target: f.value(item.unit, item.target),
    actual: f.value(item.unit, item.value) ?? t('performance.report.notKnown'),
    estimatedOutturn: f.value(item.unit, item.estimatedOutturn),
    rag: { key: item.rag, text: t(`performance.report.rag.${item.rag}`), classes: RAG_TAGS[item.rag] },
    owner: item.owner,
    comment: item.comment,
    breakdown: breakdownOf(t, f, item),
  }));
}

/** The RAG summary: how many of each status, red first. */
export function ragSummary(t: Translate, counts: Record<Rag, number>) {
  const order: Rag[] = ['red', 'amber', 'green', 'not_known'];
  return order.map((rag) => ({ key: rag, text: t(`performance.report.rag.${rag}`), count: counts[rag], classes: RAG_TAGS[rag] }));
}

export interface ChartWithTable<Row> {
  chart: Chart | null;
  /** Said instead of the chart when there is nothing to draw. */
  empty: string | null;
  caption: string;
  columns: string[];
  rows: Row[];
}

function ragChart(t: Translate, f: Formats, counts: Record<Rag, number>): ChartWithTable<{ label: string; count: string }> {
  const summary = ragSummary(t, counts);
  const largest = Math.max(...RAGS.map((rag) => counts[rag]));
  return {
    chart: horizontalBars({
      id: 'chart-rag',
      title: t('performance.report.charts.rag.title'),
      description: t('performance.report.charts.rag.description', {
        red: counts.red,
        amber: counts.amber,
        green: counts.green,
        notKnown: counts.not_known,
      }),
      top: Math.max(1, largest),
      rows: summary.map((each) => ({
        key: each.key,
        label: each.text,
        value: each.count,
        text: f.count(each.count),
        ...RAG_STYLES[each.key]!,
      })),
    }),
    empty: null,
    caption: t('performance.report.charts.rag.title'),
    columns: [t('performance.report.columns.status'), t('performance.report.charts.rag.indicators')],
    rows: summary.map((each) => ({ label: each.text, count: f.count(each.count) })),
  };
}

function channelShiftChart(
  t: Translate,
  f: Formats,
  report: PeriodReport,
): ChartWithTable<{ label: string; values: string[]; total: string }> {
  const months = monthsOf(report.period);
  const used = CHANNELS.filter((channel) => report.contactsByMonth.some((row) => row.channel === channel && row.contacts > 0));
  const valueOf = (month: string, channel: string) =>
    report.contactsByMonth.find((row) => row.month === month && row.channel === channel)?.contacts ?? 0;
  const caption = t('performance.report.charts.channelShift.title');
  const columns = [
    t('performance.report.charts.channelShift.month'),
    ...used.map((channel) => t(`contacts.channels.${channel}`)),
    t('performance.report.charts.channelShift.total'),
  ];
  const rows = months.map((month) => ({
    label: f.month(month),
    values: used.map((channel) => f.count(valueOf(month, channel))),
    total: f.count(used.reduce((sum, channel) => sum + valueOf(month, channel), 0)),
  }));
  if (used.length === 0)
    return { chart: null, empty: t('performance.report.charts.channelShift.empty'), caption, columns, rows: [] };
  return {
    chart: stackedColumns({
      id: 'chart-channel-shift',
      title: caption,
      description: t('performance.report.charts.channelShift.description', {
        from: f.month(months[0]!),
        to: f.month(months.at(-1)!),
      }),
      columns: months.map(f.shortMonth),
      series: used.map((channel) => ({
        key: channel,
        label: t(`contacts.channels.${channel}`),
        values: months.map((month) => valueOf(month, channel)),
        ...CHANNEL_STYLES[channel]!,
      })),
      valueText: f.count,
    }),
    empty: null,
    caption,
    columns,
    rows,
  };
}

function firstContactResolutionChart(
  t: Translate,
  f: Formats,
  report: PeriodReport,
): ChartWithTable<{ label: string; resolved: string; answered: string; share: string }> {
  const resolution = report.items.find((item) => item.code === 'first_contact_resolution');
  const parts = (resolution?.breakdown ?? []).filter((part) => part.denominator > 0);
  const caption = t('performance.report.charts.firstContactResolution.title');
  const columns = [
    t('performance.report.breakdown.columns.channel'),
    t('performance.report.charts.firstContactResolution.resolved'),
    t('performance.report.charts.firstContactResolution.answered'),
    t('performance.report.breakdown.columns.share'),
  ];
  const rows = parts.map((part) => ({
    label: t(`contacts.channels.${part.key}`),
    resolved: f.count(part.numerator),
    answered: f.count(part.denominator),
    share: part.value === null ? t('performance.report.notKnown') : f.percent(part.value),
  }));
  if (parts.length === 0)
    return { chart: null, empty: t('performance.report.charts.firstContactResolution.empty'), caption, columns, rows };
  return {
    chart: horizontalBars({
      id: 'chart-first-contact-resolution',
      title: caption,
      description: t('performance.report.charts.firstContactResolution.description'),
      top: 100,
      ticks: [0, 25, 50, 75, 100].map((value) => ({ value, text: f.percent(value).replace(/[.,]0%$/, '%') })),
      rows: parts.map((part, index) => ({
        key: part.key,
        label: t(`contacts.channels.${part.key}`),
        value: part.value,
        text: rows[index]!.share,
        ...(CHANNEL_STYLES[part.key] ?? { colour: '#505a5f', pattern: 'solid' as const }),
      })),
    }),
    empty: null,
    caption,
    columns,
    rows,
  };
}

export function reportCharts(t: Translate, language: string, report: PeriodReport) {
  const f = formatsFor(t, language);
  return {
    rag: ragChart(t, f, report.counts),
    channelShift: channelShiftChart(t, f, report),
    firstContactResolution: firstContactResolutionChart(t, f, report),
  };
}

export interface ActionRowView {
  title: string;
  indicator: string | null;
  indicatorHref: string | null;
  progress: string;
  issues: string;
  owner: string;
  dueOn: string;
  status: { key: ActionStatus; text: string; classes: string };
}

export function actionRows(t: Translate, language: string, report: PeriodReport): ActionRowView[] {
  const f = formatsFor(t, language);
  return report.actions.map((action) => {
    const item = action.indicator ? report.items.find((each) => each.code === action.indicator) : undefined;
    return {
      title: action.title,
      indicator: action.indicator ? (item ? indicatorName(t, item) : action.indicator) : null,
      indicatorHref: item ? definitionPath(item.code) : null,
      progress: action.progress,
      issues: action.issues,
      owner: action.owner,
      dueOn: f.date(action.dueOn),
      status: {
        key: action.status,
        text: t(`performance.report.actions.statuses.${action.status}`),
        classes: ACTION_TAGS[action.status],
      },
    };
  });
}

/** "From 1 April 2026 to 31 July 2026". */
export const periodText = (t: Translate, language: string, period: ReportPeriod): string => {
  const f = formatsFor(t, language);
  return t('performance.report.period', { from: f.date(period.from), to: f.date(period.lastDay) });
};

/** The council's name in the reader's language. */
export const councilNameIn = (report: PeriodReport, language: string): string =>
  (language === 'cy' && report.council.nameCy) || report.council.name;

/** The PDF's texts and tables, in the reader's language. */
export function pdfReportOf(report: PeriodReport, t: Translate, language: string): PdfReport {
  const m = (key: string, params?: Record<string, string | number>) => t(`performance.report.${key}`, params);
  const rows = indicatorRows(t, language, report.items);
  const given = (value: string | null) => value ?? '–';
  const actions = actionRows(t, language, report);
  return {
    language,
    title: m('title'),
    councilName: councilNameIn(report, language),
    periodText: periodText(t, language, report.period),
    notes: report.running ? [m('running')] : [],
    summary: {
      heading: m('summary.heading'),
      counts: ragSummary(t, report.counts).map(({ key, text, count }) => ({ key, text, count: String(count) })),
    },
    tables: [
      {
        heading: m('indicators.heading'),
        columns: [
          { text: m('columns.indicator'), width: 150 },
          { text: m('columns.benchmark'), width: 62 },
          { text: m('columns.previousActual'), width: 62 },
          { text: m('columns.target'), width: 62 },
          { text: report.running ? m('columns.soFar') : m('columns.actual'), width: 62 },
          { text: m('columns.estimatedOutturn'), width: 62 },
          { text: m('columns.status'), width: 70 },
          { text: m('columns.owner'), width: 80 },
          { text: m('columns.comment'), width: 160 },
        ],
        rows: rows.map((row) => ({
          cells: [
            row.name,
            given(row.benchmark),
            given(row.previousActual),
            given(row.target),
            row.actual,
            given(row.estimatedOutturn),
            row.rag.text,
            row.owner ?? '',
            row.comment ?? '',
          ],
          rag: { column: 6, key: row.rag.key },
        })),
        empty: m('indicators.none'),
      },
      {
        heading: m('actions.heading'),
        columns: [
          { text: m('actions.columns.title'), width: 140 },
          { text: m('actions.columns.indicator'), width: 110 },
          { text: m('actions.columns.progress'), width: 150 },
          { text: m('actions.columns.issues'), width: 150 },
          { text: m('actions.columns.owner'), width: 80 },
          { text: m('actions.columns.dueOn'), width: 70 },
          { text: m('actions.columns.status'), width: 70 },
        ],
        rows: actions.map((action) => ({
          cells: [
            action.title,
            action.indicator ?? m('actions.noIndicator'),
            action.progress,
            action.issues,
            action.owner,
            action.dueOn,
            action.status.text,
          ],
        })),
        empty: m('actions.none'),
      },
    ],
  };
}
