// The pages that keep what the performance report shows beside the computed figures: targets per
// indicator and period, the indicators kept by hand and their values, and the action tracker.
// Performance analysts change them; team leaders read the lists. A refused form comes back with
// the GOV.UK error summary (400); a change answers with a redirect and a banner.
//
// Periods travel in links as `from` and `to` (London days, `to` not counted, as in the API); the
// forms ask for the first and the last day counted, in date inputs named `from` and `last`.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { StaffActor } from '../platform/actor.ts';
import { Invalid, NotAllowed, type FieldError } from '../platform/errors.ts';
import { fieldText, formFields, isCalendarDate, pageErrors, readDateInput, type PageErrors } from '../platform/forms.ts';
import { requireStaff, staffOf } from '../platform/http/authentication.ts';
import type { Translate } from '../platform/i18n.ts';
import { addCalendarDays } from '../services/calendar.ts';
import { DIRECTIONS, UNITS, type Unit } from './indicators.ts';
import { performancePolicy } from './policy.ts';
import type { Period } from './service.ts';
import {
  ACTION_STATUSES,
  TARGET_FIGURES,
  financialYearOf,
  financialYearPeriods,
  type ActionRecord,
  type IndicatorChoice,
  type PerformanceSettingsService,
  type TargetLine,
} from './settings.ts';

export const REPORT = '/staff/performance';
export const TARGETS = '/staff/performance/targets';
export const MANUAL = '/staff/performance/manual';
export const ACTIONS = '/staff/performance/actions';
const view = (name: string) => `performance/views/settings/${name}.njk`;

/** Date inputs of these forms, whose errors lead to their day box. */
const DATE_FIELDS = ['from', 'last', 'due'];

export interface PerformanceSettingsStaffOptions {
  settings: PerformanceSettingsService;
}

type Fields = Record<string, unknown>;
type Boxes = { day: string; month: string; year: string };

const periodQuery = (period: Period) => new URLSearchParams({ from: period.from, to: period.to }).toString();
const lastDayOf = (period: Period) => addCalendarDays(period.to, -1);

/** A YYYY-MM-DD date as a date input's boxes show it (day and month without leading zeros). */
function boxesOf(date: string): Boxes {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  return match
    ? { day: String(Number(match[3])), month: String(Number(match[2])), year: match[1]! }
    : { day: '', month: '', year: '' };
}

/**
 * The period asked for: the first and last day's date inputs if typed, else `from` and `to` as in
 * a link, else `defaults`. Boxes that do not make a date are passed on as not a date, for the
 * service to refuse.
 */
function requestedPeriod(
  fields: Fields,
  defaults?: Period,
): { period: { from: string; to: string }; boxes: Record<string, Boxes> } {
  const first = readDateInput(fields, 'from');
  const last = readDateInput(fields, 'last');
  const givenFrom = fieldText(fields.from).trim();
  const givenTo = fieldText(fields.to).trim();
  const from =
    first.state === 'date' ? first.date! : first.state !== 'empty' ? 'not-a-date' : givenFrom || (defaults?.from ?? '');
  let to: string;
  if (last.state === 'date') to = isCalendarDate(last.date!) ? addCalendarDays(last.date!, 1) : 'not-a-date';
  else if (last.state !== 'empty') to = 'not-a-date';
  else to = givenTo || (defaults?.to ?? '');
  return {
    period: { from, to },
    boxes: {
      from: first.state === 'empty' ? boxesOf(from) : first.parts,
      last: last.state === 'empty' ? boxesOf(isCalendarDate(to) ? addCalendarDays(to, -1) : '') : last.parts,
    },
  };
}

/** Field errors as the page shows them: the period's end is asked as its last day; a date input's error leads to its day box. */
function errorsOf(t: Translate, errors: FieldError[]): PageErrors {
  return pageErrors(
    t,
    errors.map((error) => (error.field === 'to' ? { ...error, field: 'last' } : error)),
    { dateFields: DATE_FIELDS },
  );
}

/** How the pages write figures: in the reader's language, with the indicator's unit. */
function figures(t: Translate, language: string) {
  const number = new Intl.NumberFormat(language === 'cy' ? 'cy-GB' : 'en-GB', { maximumFractionDigits: 4 });
  return (value: number | null, unit: Unit): string =>
    value === null ? t('performance.targets.notSet') : t(`performance.targets.valueIn.${unit}`, { value: number.format(value) });
}

const nameOf = (t: Translate, indicator: { code: string; name: string | null }) =>
  indicator.name ?? t(`performance.indicators.${indicator.code}.name`);

/** The financial year of the period shown, its four-month periods, and the years either side. */
function periodChoices(period: Period) {
  const year = financialYearOf(period.from);
  const shown = financialYearPeriods(year);
  const link = (choice: Period) => ({
    ...choice,
    last: lastDayOf(choice),
    href: `${TARGETS}?${periodQuery(choice)}`,
    current: choice.from === period.from && choice.to === period.to,
  });
  return {
    year,
    whole: link(shown.whole),
    parts: shown.parts.map(link),
    previous: { year: year - 1, href: `${TARGETS}?${periodQuery(financialYearPeriods(year - 1).whole)}` },
    next: { year: year + 1, href: `${TARGETS}?${periodQuery(financialYearPeriods(year + 1).whole)}` },
  };
}

export const performanceSettingsStaffRoutes: FastifyPluginAsync<PerformanceSettingsStaffOptions> = async (app, { settings }) => {
  app.addHook('preHandler', requireStaff());
  // These pages are for those who may read the council's performance; what they may change follows.
  app.addHook('preHandler', async (request) => {
    if (request.staff) performancePolicy.authorize(request.staff, 'read', { councilId: request.staff.councilId });
  });

  /** The forms are for analysts only; others are refused before they see one. */
  const mayChange = (actor: StaffActor) => {
    if (!settings.mayManage(actor)) throw new NotAllowed('Performance.manage');
  };

  // ---- Targets ----

  app.get(TARGETS, async (request, reply) => {
    const actor = staffOf(request);
    const { period, boxes } = requestedPeriod(request.query as Fields, settings.defaultPeriod());
    const mayChange = settings.mayManage(actor);
    try {
      const { period: shown, lines } = await settings.targets(actor, period);
      const format = figures(request.t, request.language);
      return await reply.render(view('targets'), {
        period: shown,
        lastDay: lastDayOf(shown),
        boxes,
        choices: periodChoices(shown),
        mayChange,
        lines: lines.map((line) => presentTarget(request.t, format, line, shown)),
      });
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      return await reply.render(
        view('targets'),
        { boxes, mayChange, choosing: true, errors: errorsOf(request.t, error.errors) },
        400,
      );
    }
  });

  async function renderTargetForm(
    request: FastifyRequest<{ Params: { code: string } }>,
    reply: FastifyReply,
    period: { from: string; to: string },
    form: { values?: Record<string, string>; errors?: FieldError[] } = {},
  ) {
    const line = await settings.target(staffOf(request), request.params.code, period);
    const kept = line.target;
    const values = form.values ?? {
      ...Object.fromEntries(
        TARGET_FIGURES.map((figure) => [figure, kept?.[figure] === null || !kept ? '' : String(kept[figure])]),
      ),
      owner: kept?.owner ?? '',
      comment: kept?.comment ?? '',
    };
    const errors = form.errors && form.errors.length > 0 ? errorsOf(request.t, form.errors) : undefined;
    return await reply.render(
      view('target-form'),
      {
        line,
        name: nameOf(request.t, line),
        period: line.period,
        lastDay: lastDayOf(line.period),
        values,
        errors,
        action: `${TARGETS}/${encodeURIComponent(line.code)}`,
        backHref: `${TARGETS}?${periodQuery(line.period)}#indicator-${line.code}`,
      },
      errors ? 400 : 200,
    );
  }

  app.get<{ Params: { code: string } }>(`${TARGETS}/:code`, async (request, reply) => {
    const query = request.query as Fields;
    return await renderTargetForm(request, reply, { from: fieldText(query.from), to: fieldText(query.to) });
  });

  app.post<{ Params: { code: string } }>(`${TARGETS}/:code`, async (request, reply) => {
    const body = formFields(request.body);
    const period = { from: fieldText(body.from), to: fieldText(body.to) };
    const values = Object.fromEntries(
      [...TARGET_FIGURES, 'owner', 'comment'].map((field) => [field, fieldText(body[field]).trim()]),
    );
    try {
      await settings.saveTarget(staffOf(request), request.params.code, period, values);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      return await renderTargetForm(request, reply, period, { values, errors: error.errors });
    }
    request.session.set('flash', 'performance.targets.saved');
    return reply.redirect(`${TARGETS}?${periodQuery(period)}#indicator-${request.params.code}`, 303);
  });

  // ---- Manual indicators ----

  app.get(MANUAL, async (request, reply) => {
    const actor = staffOf(request);
    return await reply.render(view('manual'), {
      indicators: await settings.manualIndicators(actor),
      mayChange: settings.mayManage(actor),
    });
  });

  async function renderIndicatorForm(
    request: FastifyRequest,
    reply: FastifyReply,
    form: { indicator?: { id: string; code: string; name: string }; values: Record<string, string>; errors?: FieldError[] },
  ) {
    const errors = form.errors && form.errors.length > 0 ? errorsOf(request.t, form.errors) : undefined;
    return await reply.render(
      view('manual-form'),
      { indicator: form.indicator, values: form.values, errors, units: UNITS, directions: DIRECTIONS },
      errors ? 400 : 200,
    );
  }

  const indicatorFields = (body: Fields) => ({
    code: fieldText(body.code).trim(),
    name: fieldText(body.name).trim(),
    unit: fieldText(body.unit),
    direction: fieldText(body.direction),
    definition: fieldText(body.definition).trim(),
  });

  app.get(`${MANUAL}/new`, async (request, reply) => {
    mayChange(staffOf(request));
    return await renderIndicatorForm(request, reply, { values: {} });
  });

  app.post(MANUAL, async (request, reply) => {
    const values = indicatorFields(formFields(request.body));
    try {
      const { id } = await settings.defineManualIndicator(staffOf(request), values);
      request.session.set('flash', 'performance.manual.defined');
      return reply.redirect(`${MANUAL}/${id}`, 303);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      return await renderIndicatorForm(request, reply, { values, errors: error.errors });
    }
  });

  app.get<{ Params: { id: string } }>(`${MANUAL}/:id`, async (request, reply) => {
    const actor = staffOf(request);
    const { indicator, values } = await settings.manualIndicator(actor, request.params.id);
    const format = figures(request.t, request.language);
    return await reply.render(view('manual-indicator'), {
      indicator,
      values: values.map((value) => ({
        ...value,
        last: lastDayOf({ from: value.periodFrom, to: value.periodTo }),
        shown: format(value.value, indicator.unit),
        changeHref: `${MANUAL}/${indicator.id}/value?${periodQuery({ from: value.periodFrom, to: value.periodTo })}`,
      })),
      mayChange: settings.mayManage(actor),
    });
  });

  app.get<{ Params: { id: string } }>(`${MANUAL}/:id/edit`, async (request, reply) => {
    const actor = staffOf(request);
    const { indicator } = await settings.manualIndicator(actor, request.params.id);
    mayChange(actor);
    const { code, name, unit, direction, definition } = indicator;
    return await renderIndicatorForm(request, reply, { indicator, values: { code, name, unit, direction, definition } });
  });

  app.post<{ Params: { id: string } }>(`${MANUAL}/:id/edit`, async (request, reply) => {
    const actor = staffOf(request);
    const { indicator } = await settings.manualIndicator(actor, request.params.id);
    const values = indicatorFields(formFields(request.body));
    try {
      await settings.updateManualIndicator(actor, indicator.id, values);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      return await renderIndicatorForm(request, reply, {
        indicator,
        values: { ...values, code: indicator.code },
        errors: error.errors,
      });
    }
    request.session.set('flash', 'performance.manual.updated');
    return reply.redirect(`${MANUAL}/${indicator.id}`, 303);
  });

  for (const [path, active, flash] of [
    ['deactivate', false, 'performance.manual.deactivated'],
    ['reactivate', true, 'performance.manual.reactivated'],
  ] as const) {
    app.post<{ Params: { id: string } }>(`${MANUAL}/:id/${path}`, async (request, reply) => {
      await settings.setManualIndicatorActive(staffOf(request), request.params.id, active);
      request.session.set('flash', flash);
      return reply.redirect(`${MANUAL}/${request.params.id}`, 303);
    });
  }

  async function renderValueForm(
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    form: { boxes: Record<string, Boxes>; values: Record<string, string>; errors?: FieldError[] },
  ) {
    const actor = staffOf(request);
    const { indicator } = await settings.manualIndicator(actor, request.params.id);
    mayChange(actor);
    const errors = form.errors && form.errors.length > 0 ? errorsOf(request.t, form.errors) : undefined;
    const year = financialYearPeriods(financialYearOf(settings.defaultPeriod().from));
    const base = `${MANUAL}/${indicator.id}/value`;
    return await reply.render(
      view('manual-value'),
      {
        indicator,
        boxes: form.boxes,
        values: form.values,
        errors,
        action: base,
        backHref: `${MANUAL}/${indicator.id}`,
        choices: [year.whole, ...year.parts].map((period) => ({
          ...period,
          last: lastDayOf(period),
          href: `${base}?${periodQuery(period)}`,
        })),
      },
      errors ? 400 : 200,
    );
  }

  app.get<{ Params: { id: string } }>(`${MANUAL}/:id/value`, async (request, reply) => {
    const query = request.query as Fields;
    const { period, boxes } = requestedPeriod(query);
    // A period given in the link opens what was entered for it, to be corrected.
    const entered =
      isCalendarDate(period.from) && isCalendarDate(period.to) && period.to > period.from
        ? await settings.manualValue(staffOf(request), request.params.id, period)
        : undefined;
    return await renderValueForm(request, reply, {
      boxes,
      values: entered ? { value: String(entered.value), evidence: entered.evidence, note: entered.note ?? '' } : {},
    });
  });

  app.post<{ Params: { id: string } }>(`${MANUAL}/:id/value`, async (request, reply) => {
    const body = formFields(request.body);
    const { period, boxes } = requestedPeriod(body);
    const values = {
      value: fieldText(body.value).trim(),
      evidence: fieldText(body.evidence).trim(),
      note: fieldText(body.note).trim(),
    };
    try {
      await settings.saveManualValue(staffOf(request), request.params.id, { ...period, ...values });
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      return await renderValueForm(request, reply, { boxes, values, errors: error.errors });
    }
    request.session.set('flash', 'performance.manual.valueSaved');
    return reply.redirect(`${MANUAL}/${request.params.id}`, 303);
  });

  // ---- The action tracker ----

  app.get(ACTIONS, async (request, reply) => {
    const actor = staffOf(request);
    const [actions, indicators] = await Promise.all([
      settings.actions(actor),
      settings.indicatorChoices(actor, { includeInactive: true }),
    ]);
    const today = settings.today();
    const present = (action: ActionRecord) => ({
      ...action,
      indicatorName: indicatorName(request.t, indicators, action.indicator),
      overdue: action.status !== 'done' && action.dueOn < today,
    });
    return await reply.render(view('actions'), {
      open: actions.filter((action) => action.status !== 'done').map(present),
      done: actions.filter((action) => action.status === 'done').map(present),
      mayChange: settings.mayManage(actor),
    });
  });

  async function renderActionForm(
    request: FastifyRequest,
    reply: FastifyReply,
    form: { action?: ActionRecord; values: Record<string, unknown>; errors?: FieldError[] },
  ) {
    const actor = staffOf(request);
    const indicators = await settings.indicatorChoices(actor, { includeInactive: true });
    const current = form.action?.indicator ?? null;
    const errors = form.errors && form.errors.length > 0 ? errorsOf(request.t, form.errors) : undefined;
    return await reply.render(
      view('action-form'),
      {
        action: form.action,
        values: form.values,
        errors,
        statuses: ACTION_STATUSES,
        // Those in use, and the one it already serves.
        indicators: indicators
          .filter((indicator) => indicator.active || indicator.code === current)
          .map((indicator) => ({ code: indicator.code, name: nameOf(request.t, indicator) })),
      },
      errors ? 400 : 200,
    );
  }

  /** The action form's fields, and its date's boxes. */
  function actionFields(body: Fields) {
    const due = readDateInput(body, 'due');
    const input = {
      title: fieldText(body.title).trim(),
      indicator: fieldText(body.indicator).trim(),
      progress: fieldText(body.progress).trim(),
      issues: fieldText(body.issues).trim(),
      owner: fieldText(body.owner).trim(),
      dueOn: due.state === 'date' ? due.date! : due.state === 'empty' ? '' : 'not-a-date',
      status: fieldText(body.status),
    };
    return { input, values: { ...input, due: due.parts } };
  }

  app.get(`${ACTIONS}/new`, async (request, reply) => {
    mayChange(staffOf(request));
    return await renderActionForm(request, reply, { values: { status: 'not_started' } });
  });

  app.post(ACTIONS, async (request, reply) => {
    const { input, values } = actionFields(formFields(request.body));
    try {
      await settings.addAction(staffOf(request), input);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      return await renderActionForm(request, reply, { values, errors: error.errors });
    }
    request.session.set('flash', 'performance.actions.added');
    return reply.redirect(ACTIONS, 303);
  });

  app.get<{ Params: { id: string } }>(`${ACTIONS}/:id`, async (request, reply) => {
    const action = await settings.action(staffOf(request), request.params.id);
    return await renderActionForm(request, reply, {
      action,
      values: { ...action, indicator: action.indicator ?? '', due: boxesOf(action.dueOn) },
    });
  });

  app.post<{ Params: { id: string } }>(`${ACTIONS}/:id`, async (request, reply) => {
    const action = await settings.action(staffOf(request), request.params.id);
    const { input, values } = actionFields(formFields(request.body));
    try {
      await settings.updateAction(staffOf(request), action.id, input);
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      return await renderActionForm(request, reply, { action, values, errors: error.errors });
    }
    request.session.set('flash', 'performance.actions.updated');
    return reply.redirect(ACTIONS, 303);
  });
};

function presentTarget(t: Translate, format: ReturnType<typeof figures>, line: TargetLine, period: Period) {
  const kept = line.target;
  return {
    code: line.code,
    kind: line.kind,
    name: nameOf(t, line),
    unit: line.unit,
    direction: line.direction,
    figures: TARGET_FIGURES.map((figure) => format(kept ? kept[figure] : null, line.unit)),
    owner: kept?.owner ?? null,
    comment: kept?.comment ?? null,
    changeHref: `${TARGETS}/${encodeURIComponent(line.code)}?${periodQuery(period)}`,
  };
}

function indicatorName(t: Translate, indicators: IndicatorChoice[], code: string | null): string | null {
  if (code === null) return null;
  const indicator = indicators.find((each) => each.code === code);
  return indicator ? nameOf(t, indicator) : code;
}
