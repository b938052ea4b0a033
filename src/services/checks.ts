// The rules a service, a question and a routing rule must keep, checked alike whether they come
// from the admin pages (all text), the import or code: each returns the input normalised, or
// every problem as a per-field i18n key. What needs the database (a team exists, a code is free)
// is the service's to check.
import type { FieldError } from '../platform/errors.ts';
import { isUuid } from '../platform/ids.ts';
import {
  OPTION_VALUE_PATTERN,
  QUESTION_CODE_PATTERN,
  SERVICE_CODE_PATTERN,
  isPriority,
  isQuestionKind,
  type ChoiceOption,
  type Priority,
  type Question,
  type QuestionKind,
} from './schemas.ts';

export type ServiceInput = {
  code: string;
  name: string;
  nameCy: string | null;
  lgsl: number | null;
  description: string;
  descriptionCy: string | null;
  teamId: string;
  public: boolean;
  firstContactResolvable: boolean;
  advisorScript: string | null;
  advisorScriptCy: string | null;
  slaWorkingDays: number;
  defaultPriority: Priority;
};

/** A question as an administrator writes it: everything but where it stands in the form. */
export type QuestionInput = Omit<Question, 'id' | 'position'>;

export type RuleInput = {
  ward: string | null;
  questionCode: string | null;
  answerValue: string | null;
  teamId: string | null;
  priority: Priority | null;
};

/** What a caller hands in: a form's strings, or typed values. */
export type Raw = Record<string, unknown>;

export type Checked<T> = { ok: true; value: T } | { ok: false; problems: FieldError[] };

export const LIMITS = {
  name: 200,
  description: 2000,
  advisorScript: 5000,
  label: 300,
  hint: 1000,
  ward: 100,
  answerValue: 200,
  optionLabel: 200,
  maxLength: 100_000,
  sla: 365,
  lgsl: 99_999,
} as const;

/** Text as given, trimmed; null when absent or blank. */
function text(value: unknown): string | null {
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** yes/no from radios ('yes', 'no'), a checkbox ('true'), or a boolean; `fallback` when absent. */
function flag(value: unknown, fallback: boolean): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const word = text(value)?.toLowerCase();
  if (word === undefined || word === null) return fallback;
  if (word === 'yes' || word === 'true') return true;
  if (word === 'no' || word === 'false') return false;
  return undefined;
}

/** A whole number; undefined when given but not one, null when absent. */
function wholeNumber(value: unknown): number | null | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  const written = text(value);
  if (written === null) return null;
  return /^-?\d{1,9}$/.test(written) ? Number(written) : undefined;
}

function decimal(value: unknown): number | null | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  const written = text(value);
  if (written === null) return null;
  return /^-?\d{1,12}(\.\d{1,6})?$/.test(written) ? Number(written) : undefined;
}

/** Words as a code: lower case, accents dropped, anything else a separator, at most `max` long. */
export function slug(words: string, separator: '-' | '_' = '-', max = 60): string {
  return words
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, separator)
    .replace(new RegExp(`^\\${separator}+|\\${separator}+$`, 'g'), '')
    .slice(0, max)
    .replace(new RegExp(`\\${separator}+$`), '');
}

class Problems {
  readonly list: FieldError[] = [];
  add(field: string, message: string, params?: Record<string, string | number>) {
    if (!this.list.some((problem) => problem.field === field)) this.list.push({ field, message, ...(params ? { params } : {}) });
  }
  tooLong(field: string, value: string | null, max: number, message: string) {
    if (value !== null && value.length > max) this.add(field, message, { max });
  }
}

export function checkService(raw: Raw): Checked<ServiceInput> {
  const problems = new Problems();
  const code = text(raw.code)?.toLowerCase() ?? null;
  if (code === null) problems.add('code', 'services.errors.codeMissing');
  else if (!SERVICE_CODE_PATTERN.test(code)) problems.add('code', 'services.errors.codeFormat');
  const name = text(raw.name);
  if (name === null) problems.add('name', 'services.errors.nameMissing');
  problems.tooLong('name', name, LIMITS.name, 'services.errors.nameTooLong');
  const nameCy = text(raw.nameCy);
  problems.tooLong('nameCy', nameCy, LIMITS.name, 'services.errors.nameTooLong');
  const lgsl = wholeNumber(raw.lgsl);
  if (lgsl === undefined || (lgsl !== null && (lgsl < 1 || lgsl > LIMITS.lgsl)))
    problems.add('lgsl', 'services.errors.lgslFormat');
  const description = text(raw.description) ?? '';
  problems.tooLong('description', description, LIMITS.description, 'services.errors.descriptionTooLong');
  const descriptionCy = text(raw.descriptionCy);
  problems.tooLong('descriptionCy', descriptionCy, LIMITS.description, 'services.errors.descriptionTooLong');
  const teamId = text(raw.teamId);
  if (teamId === null) problems.add('teamId', 'services.errors.teamMissing');
  else if (!isUuid(teamId)) problems.add('teamId', 'services.errors.teamUnknown');
  const isPublic = flag(raw.public, true);
  if (isPublic === undefined) problems.add('public', 'services.errors.publicMissing');
  const firstContactResolvable = flag(raw.firstContactResolvable, false);
  if (firstContactResolvable === undefined) problems.add('firstContactResolvable', 'services.errors.firstContactMissing');
  const advisorScript = text(raw.advisorScript);
  // An advisor resolving a request on the spot needs to know what to say and do.
  if (firstContactResolvable === true && advisorScript === null)
    problems.add('advisorScript', 'services.errors.advisorScriptMissing');
  problems.tooLong('advisorScript', advisorScript, LIMITS.advisorScript, 'services.errors.advisorScriptTooLong');
  const advisorScriptCy = text(raw.advisorScriptCy);
  problems.tooLong('advisorScriptCy', advisorScriptCy, LIMITS.advisorScript, 'services.errors.advisorScriptTooLong');
  const sla = wholeNumber(raw.slaWorkingDays);
  if (sla === null) problems.add('slaWorkingDays', 'services.errors.slaMissing');
  else if (sla === undefined || sla < 1 || sla > LIMITS.sla) problems.add('slaWorkingDays', 'services.errors.slaFormat');
  const priority = text(raw.defaultPriority) ?? 'normal';
  if (!isPriority(priority)) problems.add('defaultPriority', 'services.errors.priorityInvalid');

  if (problems.list.length > 0) return { ok: false, problems: problems.list };
  return {
    ok: true,
    value: {
      code: code!,
      name: name!,
      nameCy,
      lgsl: lgsl ?? null,
      description,
      descriptionCy,
      teamId: teamId!,
      public: isPublic!,
      firstContactResolvable: firstContactResolvable!,
      advisorScript,
      advisorScriptCy,
      slaWorkingDays: sla!,
      defaultPriority: priority as Priority,
    },
  };
}

/**
 * Choices written one a line as `English label` or `English label | Welsh label`; each choice's
 * value is made from its English label. A list of `{value, label, labelCy}` is taken as it is.
 */
export function optionsFrom(value: unknown): ChoiceOption[] | undefined {
  if (Array.isArray(value)) {
    const options: ChoiceOption[] = [];
    for (const item of value) {
      if (item === null || typeof item !== 'object') return undefined;
      const option = item as Record<string, unknown>;
      const label = text(option.label);
      const optionValue = text(option.value) ?? (label ? slug(label, '_') : null);
      if (label === null || optionValue === null) return undefined;
      options.push({ value: optionValue, label, labelCy: text(option.labelCy) });
    }
    return options;
  }
  const written = typeof value === 'string' ? value : '';
  return written
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [label = '', labelCy = ''] = line.split('|').map((part) => part.trim());
      return { value: slug(label, '_'), label, labelCy: labelCy || null };
    });
}

/** Choices as the admin form's text box shows them. */
export function optionsText(options: ChoiceOption[]): string {
  return options.map((option) => (option.labelCy ? `${option.label} | ${option.labelCy}` : option.label)).join('\n');
}

export function checkQuestion(raw: Raw): Checked<QuestionInput> {
  const problems = new Problems();
  const code = text(raw.code)?.toLowerCase() ?? null;
  if (code === null) problems.add('code', 'services.errors.questionCodeMissing');
  else if (!QUESTION_CODE_PATTERN.test(code)) problems.add('code', 'services.errors.questionCodeFormat');
  const label = text(raw.label);
  if (label === null) problems.add('label', 'services.errors.labelMissing');
  problems.tooLong('label', label, LIMITS.label, 'services.errors.labelTooLong');
  const labelCy = text(raw.labelCy);
  problems.tooLong('labelCy', labelCy, LIMITS.label, 'services.errors.labelTooLong');
  const hint = text(raw.hint);
  problems.tooLong('hint', hint, LIMITS.hint, 'services.errors.hintTooLong');
  const hintCy = text(raw.hintCy);
  problems.tooLong('hintCy', hintCy, LIMITS.hint, 'services.errors.hintTooLong');
  const kind = text(raw.kind);
  if (!isQuestionKind(kind)) problems.add('kind', 'services.errors.kindMissing');
  const required = flag(raw.required, false);
  if (required === undefined) problems.add('required', 'services.errors.requiredMissing');

  let options: ChoiceOption[] = [];
  if (kind === 'choice') {
    const given = optionsFrom(raw.options);
    if (given === undefined) problems.add('options', 'services.errors.optionsInvalid');
    else if (given.length < 2) problems.add('options', 'services.errors.optionsMissing');
    else if (given.some((option) => !OPTION_VALUE_PATTERN.test(option.value) || option.label.length > LIMITS.optionLabel))
      problems.add('options', 'services.errors.optionsInvalid');
    else if (new Set(given.map((option) => option.value)).size !== given.length)
      problems.add('options', 'services.errors.optionsRepeated');
    else options = given;
  }
  let maxLength: number | null = null;
  if (kind === 'text' || kind === 'long_text') {
    const given = wholeNumber(raw.maxLength);
    if (given === undefined || (given !== null && (given < 1 || given > LIMITS.maxLength)))
      problems.add('maxLength', 'services.errors.maxLengthFormat');
    else maxLength = given;
  }
  let min: number | null = null;
  let max: number | null = null;
  if (kind === 'number') {
    const low = decimal(raw.min);
    const high = decimal(raw.max);
    if (low === undefined) problems.add('min', 'services.errors.numberFormat');
    if (high === undefined) problems.add('max', 'services.errors.numberFormat');
    if (low !== undefined && high !== undefined && low !== null && high !== null && low > high)
      problems.add('max', 'services.errors.rangeInvalid');
    min = low ?? null;
    max = high ?? null;
  }

  if (problems.list.length > 0) return { ok: false, problems: problems.list };
  return {
    ok: true,
    value: {
      code: code!,
      label: label!,
      labelCy,
      hint,
      hintCy,
      kind: kind as QuestionKind,
      required: required!,
      options,
      maxLength,
      min,
      max,
    },
  };
}

export function checkRule(raw: Raw): Checked<RuleInput> {
  const problems = new Problems();
  const ward = text(raw.ward);
  problems.tooLong('ward', ward, LIMITS.ward, 'services.errors.wardTooLong');
  const questionCode = text(raw.questionCode);
  const answerValue = text(raw.answerValue);
  problems.tooLong('answerValue', answerValue, LIMITS.answerValue, 'services.errors.answerValueTooLong');
  if (questionCode !== null && answerValue === null) problems.add('answerValue', 'services.errors.answerValueMissing');
  if (questionCode === null && answerValue !== null) problems.add('questionCode', 'services.errors.ruleQuestionMissing');
  if (ward === null && questionCode === null && answerValue === null)
    problems.add('ward', 'services.errors.ruleConditionMissing');
  const teamId = text(raw.teamId);
  if (teamId !== null && !isUuid(teamId)) problems.add('teamId', 'services.errors.teamUnknown');
  const priority = text(raw.priority);
  if (priority !== null && !isPriority(priority)) problems.add('priority', 'services.errors.priorityInvalid');
  if (teamId === null && priority === null) problems.add('teamId', 'services.errors.ruleOutcomeMissing');

  if (problems.list.length > 0) return { ok: false, problems: problems.list };
  return { ok: true, value: { ward, questionCode, answerValue, teamId, priority: priority as Priority | null } };
}
