// What the council keeps beside the computed figures, for its performance analysts: each
// indicator's target, tolerance, benchmark, previous actual, estimated outturn, owner and comment
// per period; the indicators it keeps by hand and their values per period, with evidence; and the
// action tracker. Team leaders read all of it; analysts change it. Each change commits in one
// transaction with its audit record.
import type { Db } from '../db/database.ts';
import type { Actor } from '../platform/actor.ts';
import { changesBetween, recordAudit, type Changes } from '../platform/audit/audit.ts';
import { Invalid, NotFound, type FieldError } from '../platform/errors.ts';
import { isCalendarDate, isOneOf, todayInLondon } from '../platform/forms.ts';
import { isUuid } from '../platform/ids.ts';
import { addCalendarDays } from '../services/calendar.ts';
import { COMPUTED_INDICATORS, DIRECTIONS, UNITS, type Direction, type Unit } from './indicators.ts';
import { performancePolicy } from './policy.ts';
import { MAX_PERIOD_DAYS, type Period } from './service.ts';
import * as repo from './settingsRepo.ts';

export { ACTION_STATUSES, type ActionRecord, type ActionStatus, type ManualIndicatorRecord } from './settingsRepo.ts';

export const MAX_OWNER_LENGTH = 120;
export const MAX_COMMENT_LENGTH = 2000;
export const MAX_NAME_LENGTH = 200;
export const MAX_DEFINITION_LENGTH = 4000;
export const MAX_EVIDENCE_LENGTH = 2000;
export const MAX_NOTE_LENGTH = 2000;
export const MAX_TITLE_LENGTH = 200;
export const MAX_PROGRESS_LENGTH = 4000;
/** What the database allows an indicator's code to be. */
export const CODE_PATTERN = /^[a-z][a-z0-9_]{1,60}$/;
const COMPUTED_CODES: readonly string[] = COMPUTED_INDICATORS.map((indicator) => indicator.code);

/** The figures kept beside an indicator for a period, in the order the form asks for them. */
export const TARGET_FIGURES = ['target', 'tolerance', 'benchmark', 'previousActual', 'estimatedOutturn'] as const;
export type TargetFigure = (typeof TARGET_FIGURES)[number];

// ---- Periods ----

/** The financial year that starts on 1 April of `year`, and its three four-month periods. */
export function financialYearPeriods(year: number): { year: number; whole: Period; parts: Period[] } {
  const april = `${year}-04-01`;
  const august = `${year}-08-01`;
  const december = `${year}-12-01`;
  const nextApril = `${year + 1}-04-01`;
  return {
    year,
    whole: { from: april, to: nextApril },
    parts: [
      { from: april, to: august },
      { from: august, to: december },
      { from: december, to: nextApril },
    ],
  };
}

/** The year (2026 for 2026 to 2027) of the financial year `day` falls in. */
export function financialYearOf(day: string): number {
  const year = Number(day.slice(0, 4));
  return day.slice(5) >= '04-01' ? year : year - 1;
}

/**
 * Checks a period of London days (`to` not counted; pages ask for the last day, and say so in
 * the messages). Invalid with fields `from` and `to`.
 */
export function checkedPeriod(period: { from?: string; to?: string }): Period {
  const from = (period.from ?? '').trim();
  const to = (period.to ?? '').trim();
  const problems: FieldError[] = [];
  if (!isCalendarDate(from)) problems.push({ field: 'from', message: 'performance.targets.errors.fromInvalid' });
  if (!isCalendarDate(to)) problems.push({ field: 'to', message: 'performance.targets.errors.lastInvalid' });
  else if (problems.length === 0 && to <= from)
    problems.push({ field: 'to', message: 'performance.targets.errors.lastBeforeFrom' });
  else if (problems.length === 0 && to > addCalendarDays(from, MAX_PERIOD_DAYS))
    problems.push({ field: 'to', message: 'performance.targets.errors.periodTooLong', params: { max: MAX_PERIOD_DAYS } });
  if (problems.length > 0) throw new Invalid(problems);
  return { from, to };
}

// ---- Reading what people type ----

type Typed = string | number | null | undefined;

const textOf = (value: Typed): string => (value === null || value === undefined ? '' : String(value).trim());

/**
 * A number as typed: digits with an optional minus sign and up to four decimal places, with
 * commas between thousands allowed (and a % after a percentage). Null when nothing was typed.
 */
export function typedNumber(value: Typed, unit: Unit): number | null | 'invalid' {
  if (typeof value === 'number') return Number.isFinite(value) ? value : 'invalid';
  let text = textOf(value).replace(/\s+/g, '');
  if (text === '') return null;
  if (unit === 'percent') text = text.replace(/%$/, '');
  if (/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(text)) text = text.replaceAll(',', '');
  if (!/^-?\d{1,12}(\.\d{1,4})?$/.test(text)) return 'invalid';
  return Number(text);
}

/** A figure for an indicator of `unit`: a percentage lies between 0 and 100; a tolerance is never below 0. */
function checkedFigure(
  value: Typed,
  unit: Unit,
  messages: { invalid: string; percent: string; negative?: string },
  field: string,
  problems: FieldError[],
): number | null {
  const number = typedNumber(value, unit);
  if (number === 'invalid') {
    problems.push({ field, message: messages.invalid });
    return null;
  }
  if (number === null) return null;
  if (messages.negative && number < 0) problems.push({ field, message: messages.negative });
  else if (unit === 'percent' && (number < 0 || number > 100)) problems.push({ field, message: messages.percent });
  return number;
}

function checkedText(
  value: Typed,
  limits: { max: number; missing?: string; tooLong: string },
  field: string,
  problems: FieldError[],
): string {
  const text = textOf(value);
  if (text === '' && limits.missing) problems.push({ field, message: limits.missing });
  else if (text.length > limits.max) problems.push({ field, message: limits.tooLong, params: { max: limits.max } });
  return text;
}

/**
 * A code made from an indicator's name: lower-case letters (accents taken off), digits and
 * underscores, starting with a letter.
 */
export function codeFromName(name: string): string {
  const words = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  const code = /^[a-z]/.test(words) ? words : `indicator_${words}`.replace(/_+$/, '');
  return code.slice(0, 61).replace(/_+$/, '');
}

// ---- What the pages show ----

export interface IndicatorChoice {
  code: string;
  kind: 'computed' | 'manual';
  /** A manual indicator's name; computed ones are named in the locales. */
  name: string | null;
  unit: Unit;
  direction: Direction;
  active: boolean;
}

export interface TargetLine extends IndicatorChoice {
  /** What is kept for exactly this period; null when nothing is. */
  target: repo.TargetRecord | null;
}

export interface TargetInput {
  target?: Typed;
  tolerance?: Typed;
  benchmark?: Typed;
  previousActual?: Typed;
  estimatedOutturn?: Typed;
  owner?: Typed;
  comment?: Typed;
}

export interface ManualIndicatorInput {
  /** Made from the name when left blank; it cannot be changed once made. */
  code?: Typed;
  name?: Typed;
  unit?: Typed;
  direction?: Typed;
  definition?: Typed;
}

export interface ManualValueInput {
  from?: string;
  to?: string;
  value?: Typed;
  evidence?: Typed;
  note?: Typed;
}

export interface ActionInput {
  title?: Typed;
  /** A computed indicator's code or one of the council's manual ones; blank for none. */
  indicator?: Typed;
  progress?: Typed;
  issues?: Typed;
  owner?: Typed;
  /** YYYY-MM-DD */
  dueOn?: Typed;
  status?: Typed;
}

const targetMessages = (figure: TargetFigure) => ({
  invalid: `performance.targets.errors.${figure}.invalid`,
  percent: `performance.targets.errors.${figure}.percent`,
  ...(figure === 'tolerance' ? { negative: 'performance.targets.errors.tolerance.negative' } : {}),
});

function councilOf(actor: Actor): string {
  if (actor.kind === 'system') throw new Error('OneDoor itself must act for a council through its staff');
  return actor.councilId;
}

const staffId = (actor: Actor): string | null => (actor.kind === 'staff' ? actor.id : null);

export function createPerformanceSettingsService(db: Db, options: { now?: () => Date } = {}) {
  const now = options.now ?? (() => new Date());

  function mayRead(actor: Actor): string {
    const councilId = councilOf(actor);
    performancePolicy.authorize(actor, 'read', { councilId });
    return councilId;
  }

  function mayManage(actor: Actor): string {
    const councilId = councilOf(actor);
    performancePolicy.authorize(actor, 'manage', { councilId });
    return councilId;
  }

  /** Every indicator of the council: the computed ones in their order, then its manual ones. */
  async function indicatorsOf(councilId: string, includeInactive: boolean): Promise<IndicatorChoice[]> {
    const manual = await repo.manualIndicators(db, councilId);
    return [
      ...COMPUTED_INDICATORS.map((indicator) => ({
        code: indicator.code,
        kind: 'computed' as const,
        name: null,
        unit: indicator.unit,
        direction: indicator.direction,
        active: true,
      })),
      ...manual
        .filter((indicator) => includeInactive || indicator.active)
        .map((indicator) => ({
          code: indicator.code,
          kind: 'manual' as const,
          name: indicator.name,
          unit: indicator.unit,
          direction: indicator.direction,
          active: indicator.active,
        })),
    ];
  }

  async function requireIndicator(councilId: string, code: string): Promise<IndicatorChoice> {
    const indicator = (await indicatorsOf(councilId, true)).find((each) => each.code === code);
    if (!indicator) throw new NotFound('indicator');
    return indicator;
  }

  /** A manual indicator the actor may read; anyone else is told it does not exist. */
  async function requireManualIndicator(actor: Actor, id: string): Promise<repo.ManualIndicatorRecord> {
    const indicator = isUuid(id) ? await repo.findManualIndicator(db, id) : undefined;
    if (!indicator || !performancePolicy.can(actor, 'read', { councilId: indicator.councilId }))
      throw new NotFound('manual indicator');
    return indicator;
  }

  async function requireAction(actor: Actor, id: string): Promise<repo.ActionRecord> {
    const action = isUuid(id) ? await repo.findAction(db, id) : undefined;
    if (!action || !performancePolicy.can(actor, 'read', { councilId: action.councilId })) throw new NotFound('action');
    return action;
  }

  function checkedManualIndicator(input: ManualIndicatorInput, problems: FieldError[]) {
    const name = checkedText(
      input.name,
      {
        max: MAX_NAME_LENGTH,
        missing: 'performance.manual.errors.nameMissing',
        tooLong: 'performance.manual.errors.nameTooLong',
      },
      'name',
      problems,
    );
    const unit = textOf(input.unit);
    if (!isOneOf(UNITS, unit)) problems.push({ field: 'unit', message: 'performance.manual.errors.unitMissing' });
    const direction = textOf(input.direction);
    if (!isOneOf(DIRECTIONS, direction))
      problems.push({ field: 'direction', message: 'performance.manual.errors.directionMissing' });
    const definition = checkedText(
      input.definition,
      { max: MAX_DEFINITION_LENGTH, tooLong: 'performance.manual.errors.definitionTooLong' },
      'definition',
      problems,
    );
    return { name, unit: unit as Unit, direction: direction as Direction, definition };
  }

  async function checkedAction(councilId: string, input: ActionInput, current?: string | null): Promise<repo.ActionValues> {
    const problems: FieldError[] = [];
    const title = checkedText(
      input.title,
      {
        max: MAX_TITLE_LENGTH,
        missing: 'performance.actions.errors.titleMissing',
        tooLong: 'performance.actions.errors.titleTooLong',
      },
      'title',
      problems,
    );
    const indicator = textOf(input.indicator);
    // The indicator it serves: any computed one, a manual one in use, or the one it already served.
    if (indicator !== '' && indicator !== current) {
      const known = (await indicatorsOf(councilId, false)).some((each) => each.code === indicator);
      if (!known) problems.push({ field: 'indicator', message: 'performance.actions.errors.indicatorUnknown' });
    }
    const progress = checkedText(
      input.progress,
      { max: MAX_PROGRESS_LENGTH, tooLong: 'performance.actions.errors.progressTooLong' },
      'progress',
      problems,
    );
    const issues = checkedText(
      input.issues,
      { max: MAX_PROGRESS_LENGTH, tooLong: 'performance.actions.errors.issuesTooLong' },
      'issues',
      problems,
    );
    const owner = checkedText(
      input.owner,
      {
        max: MAX_OWNER_LENGTH,
        missing: 'performance.actions.errors.ownerMissing',
        tooLong: 'performance.actions.errors.ownerTooLong',
      },
      'owner',
      problems,
    );
    const dueOn = textOf(input.dueOn);
    if (dueOn === '') problems.push({ field: 'due', message: 'performance.actions.errors.dueMissing' });
    else if (!isCalendarDate(dueOn) || dueOn < '2000-01-01' || dueOn > '2099-12-31')
      problems.push({ field: 'due', message: 'performance.actions.errors.dueInvalid' });
    const status = textOf(input.status);
    if (!isOneOf(repo.ACTION_STATUSES, status))
      problems.push({ field: 'status', message: 'performance.actions.errors.statusMissing' });
    if (problems.length > 0) throw new Invalid(problems);
    return {
      title,
      indicator: indicator === '' ? null : indicator,
      progress,
      issues,
      owner,
      dueOn,
      status: status as repo.ActionStatus,
    };
  }

  return {
    /** The period the targets page opens on: this financial year. */
    defaultPeriod(): Period {
      return financialYearPeriods(financialYearOf(todayInLondon(now()))).whole;
    },

    /** Today in London, as the pages judge what is overdue. */
    today(): string {
      return todayInLondon(now());
    },

    /** Whether the actor may change what is kept (else only read it). */
    mayManage(actor: Actor): boolean {
      return actor.kind !== 'system' && performancePolicy.can(actor, 'manage', { councilId: councilOf(actor) });
    },

    /** The indicators an action may serve: every computed one and the council's manual ones in use (or all of them, to name). */
    async indicatorChoices(actor: Actor, options: { includeInactive?: boolean } = {}): Promise<IndicatorChoice[]> {
      const councilId = mayRead(actor);
      return await indicatorsOf(councilId, options.includeInactive ?? false);
    },

    /** Every indicator in use with what is kept for exactly this period. */
    async targets(actor: Actor, period: { from?: string; to?: string }): Promise<{ period: Period; lines: TargetLine[] }> {
      const councilId = mayRead(actor);
      const checked = checkedPeriod(period);
      const [indicators, targets] = await Promise.all([
        indicatorsOf(councilId, false),
        repo.targetsForExactly(db, councilId, checked),
      ]);
      return {
        period: checked,
        lines: indicators.map((indicator) => ({ ...indicator, target: targets.get(indicator.code) ?? null })),
      };
    },

    /** One indicator's line for the period, for its form. */
    async target(actor: Actor, code: string, period: { from?: string; to?: string }): Promise<TargetLine & { period: Period }> {
      const councilId = mayManage(actor);
      const indicator = await requireIndicator(councilId, code);
      const checked = checkedPeriod(period);
      const target = (await repo.targetsForExactly(db, councilId, checked)).get(code) ?? null;
      return { ...indicator, target, period: checked };
    },

    /** Sets (or clears) what is kept beside an indicator for exactly this period. */
    async saveTarget(actor: Actor, code: string, period: { from?: string; to?: string }, input: TargetInput): Promise<void> {
      const councilId = mayManage(actor);
      const indicator = await requireIndicator(councilId, code);
      const problems: FieldError[] = [];
      let checked: Period | undefined;
      try {
        checked = checkedPeriod(period);
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        problems.push(...error.errors);
      }
      const figures = Object.fromEntries(
        TARGET_FIGURES.map((figure) => [
          figure,
          checkedFigure(input[figure], indicator.unit, targetMessages(figure), figure, problems),
        ]),
      ) as Record<TargetFigure, number | null>;
      const owner = checkedText(
        input.owner,
        { max: MAX_OWNER_LENGTH, tooLong: 'performance.targets.errors.ownerTooLong' },
        'owner',
        problems,
      );
      const comment = checkedText(
        input.comment,
        { max: MAX_COMMENT_LENGTH, tooLong: 'performance.targets.errors.commentTooLong' },
        'comment',
        problems,
      );
      if (problems.length > 0 || !checked) throw new Invalid(problems);
      const values: repo.TargetValues = { ...figures, owner: owner || null, comment: comment || null };
      const key = { councilId, indicator: code, period: checked };

      await db.transaction().execute(async (trx) => {
        const before = await repo.lockTarget(trx, councilId, code, checked);
        // Nothing typed for an indicator that had nothing: nothing to keep.
        if (!before && Object.values(values).every((value) => value === null)) return;
        const changes = changesBetween<repo.TargetValues>(before ?? NO_TARGET, values, [...TARGET_FIGURES, 'owner', 'comment']);
        if (before && Object.keys(changes).length === 0) return;
        const id = await repo.upsertTarget(trx, key, values, staffId(actor));
        await recordAudit(trx, actor, {
          action: 'performance.target.save',
          organisationId: councilId,
          recordType: 'performance_target',
          recordId: id,
          changes,
          details: { indicator: code, periodFrom: checked.from, periodTo: checked.to },
        });
      });
    },

    // ---- Manual indicators ----

    async manualIndicators(actor: Actor): Promise<repo.ManualIndicatorRecord[]> {
      return await repo.manualIndicators(db, mayRead(actor));
    },

    /** A manual indicator and the values entered for it, the latest period first. */
    async manualIndicator(
      actor: Actor,
      id: string,
    ): Promise<{ indicator: repo.ManualIndicatorRecord; values: repo.ManualValueRecord[] }> {
      mayRead(actor);
      const indicator = await requireManualIndicator(actor, id);
      return { indicator, values: await repo.manualValuesOf(db, indicator.id) };
    },

    /** Defines an indicator the council keeps by hand; its code is made from the name unless typed. */
    async defineManualIndicator(actor: Actor, input: ManualIndicatorInput): Promise<{ id: string; code: string }> {
      const councilId = mayManage(actor);
      const problems: FieldError[] = [];
      const typedCode = textOf(input.code);
      const fields = checkedManualIndicator(input, problems);
      if (typedCode !== '' && !CODE_PATTERN.test(typedCode))
        problems.push({ field: 'code', message: 'performance.manual.errors.codeInvalid' });
      if (problems.length > 0) throw new Invalid(inFormOrder(problems, ['name', 'code', 'unit', 'direction', 'definition']));

      const taken = await repo.manualIndicatorCodes(db, councilId);
      const isTaken = (code: string) => taken.has(code) || COMPUTED_CODES.includes(code);
      let code = typedCode;
      if (code === '') {
        // Made from the name: the first of name, name_2, name_3… not yet taken.
        const base = codeFromName(fields.name);
        const stem = CODE_PATTERN.test(base) ? base : 'indicator';
        code = stem;
        for (let suffix = 2; isTaken(code); suffix += 1) code = `${stem.slice(0, 61 - `_${suffix}`.length)}_${suffix}`;
      } else if (isTaken(code)) throw new Invalid([{ field: 'code', message: 'performance.manual.errors.codeTaken' }]);

      const id = await db.transaction().execute(async (trx) => {
        const id = await repo.insertManualIndicator(trx, { councilId, code, ...fields });
        if (id === undefined) return undefined;
        await recordAudit(trx, actor, {
          action: 'performance.manual_indicator.define',
          organisationId: councilId,
          recordType: 'performance_manual_indicator',
          recordId: id,
          changes: created({ code, ...fields }),
        });
        return id;
      });
      // Another analyst took the code in the meantime.
      if (id === undefined) throw new Invalid([{ field: 'code', message: 'performance.manual.errors.codeTaken' }]);
      return { id, code };
    },

    /** Changes a manual indicator's name, unit, direction and definition (its code stays). */
    async updateManualIndicator(actor: Actor, id: string, input: ManualIndicatorInput): Promise<void> {
      const indicator = await requireManualIndicator(actor, id);
      mayManage(actor);
      const problems: FieldError[] = [];
      const fields = checkedManualIndicator(input, problems);
      if (problems.length > 0) throw new Invalid(problems);
      const changes = changesBetween(
        { name: indicator.name, unit: indicator.unit, direction: indicator.direction, definition: indicator.definition },
        fields,
        ['name', 'unit', 'direction', 'definition'],
      );
      if (Object.keys(changes).length === 0) return;
      await db.transaction().execute(async (trx) => {
        await repo.updateManualIndicator(trx, indicator.id, fields);
        await recordAudit(trx, actor, {
          action: 'performance.manual_indicator.update',
          organisationId: indicator.councilId,
          recordType: 'performance_manual_indicator',
          recordId: indicator.id,
          changes,
        });
      });
    },

    /** Takes a manual indicator out of the report (its values stay), or puts it back. */
    async setManualIndicatorActive(actor: Actor, id: string, active: boolean): Promise<void> {
      const indicator = await requireManualIndicator(actor, id);
      mayManage(actor);
      if (indicator.active === active) return;
      await db.transaction().execute(async (trx) => {
        await repo.updateManualIndicator(trx, indicator.id, { active });
        await recordAudit(trx, actor, {
          action: active ? 'performance.manual_indicator.reactivate' : 'performance.manual_indicator.deactivate',
          organisationId: indicator.councilId,
          recordType: 'performance_manual_indicator',
          recordId: indicator.id,
          changes: { active: { from: indicator.active, to: active } },
        });
      });
    },

    /** A manual indicator's value for exactly this period, if one has been entered. */
    async manualValue(actor: Actor, id: string, period: { from?: string; to?: string }) {
      const indicator = await requireManualIndicator(actor, id);
      mayManage(actor);
      const checked = checkedPeriod(period);
      const values = await repo.manualValuesOf(db, indicator.id);
      return values.find((value) => value.periodFrom === checked.from && value.periodTo === checked.to);
    },

    /** Enters (or corrects) a manual indicator's value for a period, with what it rests on. */
    async saveManualValue(actor: Actor, id: string, input: ManualValueInput): Promise<{ period: Period }> {
      const indicator = await requireManualIndicator(actor, id);
      mayManage(actor);
      const problems: FieldError[] = [];
      let period: Period | undefined;
      try {
        period = checkedPeriod(input);
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        problems.push(...error.errors);
      }
      const value = checkedFigure(
        input.value,
        indicator.unit,
        { invalid: 'performance.manual.errors.valueInvalid', percent: 'performance.manual.errors.valuePercent' },
        'value',
        problems,
      );
      if (value === null && !problems.some((problem) => problem.field === 'value'))
        problems.push({ field: 'value', message: 'performance.manual.errors.valueMissing' });
      const evidence = checkedText(
        input.evidence,
        {
          max: MAX_EVIDENCE_LENGTH,
          missing: 'performance.manual.errors.evidenceMissing',
          tooLong: 'performance.manual.errors.evidenceTooLong',
        },
        'evidence',
        problems,
      );
      const note = checkedText(
        input.note,
        { max: MAX_NOTE_LENGTH, tooLong: 'performance.manual.errors.noteTooLong' },
        'note',
        problems,
      );
      if (problems.length > 0 || !period || value === null) throw new Invalid(problems);
      const values = { value, evidence, note: note || null };
      const checked = period;

      await db.transaction().execute(async (trx) => {
        const before = await repo.lockManualValue(trx, indicator.id, checked);
        const changes = changesBetween<{ value: number | null; evidence: string | null; note: string | null }>(
          before ?? { value: null, evidence: null, note: null },
          values,
          ['value', 'evidence', 'note'],
        );
        if (before && Object.keys(changes).length === 0) return;
        const valueId = await repo.upsertManualValue(trx, { indicatorId: indicator.id, period: checked }, values, staffId(actor));
        await recordAudit(trx, actor, {
          action: 'performance.manual_value.save',
          organisationId: indicator.councilId,
          recordType: 'performance_manual_value',
          recordId: valueId,
          changes,
          details: { indicator: indicator.code, periodFrom: checked.from, periodTo: checked.to },
        });
      });
      return { period: checked };
    },

    // ---- The action tracker ----

    /** The council's actions: open ones first by when they are due, then those done. */
    async actions(actor: Actor): Promise<repo.ActionRecord[]> {
      return await repo.actionsOf(db, mayRead(actor));
    },

    /** One action, for its form. */
    async action(actor: Actor, id: string): Promise<repo.ActionRecord> {
      const action = await requireAction(actor, id);
      mayManage(actor);
      return action;
    },

    async addAction(actor: Actor, input: ActionInput): Promise<{ id: string }> {
      const councilId = mayManage(actor);
      const values = await checkedAction(councilId, input);
      const id = await db.transaction().execute(async (trx) => {
        const id = await repo.insertAction(trx, councilId, values, staffId(actor));
        await recordAudit(trx, actor, {
          action: 'performance.action.add',
          organisationId: councilId,
          recordType: 'performance_action',
          recordId: id,
          changes: created(values),
        });
        return id;
      });
      return { id };
    },

    async updateAction(actor: Actor, id: string, input: ActionInput): Promise<void> {
      const existing = await requireAction(actor, id);
      const councilId = mayManage(actor);
      const values = await checkedAction(councilId, input, existing.indicator);
      await db.transaction().execute(async (trx) => {
        const before = (await repo.findAction(trx, existing.id, { lock: true }))!;
        const changes = changesBetween<repo.ActionValues>(before, values, ACTION_FIELDS);
        if (Object.keys(changes).length === 0) return;
        await repo.updateAction(trx, existing.id, values);
        await recordAudit(trx, actor, {
          action: 'performance.action.update',
          organisationId: councilId,
          recordType: 'performance_action',
          recordId: existing.id,
          changes,
        });
      });
    },
  };
}

const NO_TARGET: repo.TargetValues = {
  target: null,
  tolerance: null,
  benchmark: null,
  previousActual: null,
  estimatedOutturn: null,
  owner: null,
  comment: null,
};

const ACTION_FIELDS: (keyof repo.ActionValues)[] = ['title', 'indicator', 'progress', 'issues', 'owner', 'dueOn', 'status'];

/** A new record's fields as the audit trail records them: each from nothing to what it is. */
function created(values: Record<string, unknown>): Changes {
  return Object.fromEntries(
    Object.entries(values)
      .filter(([, value]) => value !== null && value !== '')
      .map(([field, value]) => [field, { from: null, to: value }]),
  );
}

function inFormOrder(errors: FieldError[], order: string[]): FieldError[] {
  return [...errors].sort((a, b) => order.indexOf(a.field) - order.indexOf(b.field));
}

export type PerformanceSettingsService = ReturnType<typeof createPerformanceSettingsService>;
