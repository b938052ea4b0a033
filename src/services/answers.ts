// Checking the answers to a service's questions, wherever they come from: the staff form (all
// text), the JSON API (typed JSON) or the resident portal. Each problem names the field
// `answers.<code>` and an i18n key, so a page shows it in its error summary and the API in `errors`.
import type { FieldError } from '../platform/errors.ts';
import { isCalendarDate } from '../platform/forms.ts';
import { DEFAULT_MAX_LENGTH, type AnswerValue, type QuestionRules } from './schemas.ts';

export interface CheckedAnswers {
  /** The answers given, normalised (numbers as numbers, yes/no as booleans), by question code. */
  answers: Record<string, AnswerValue>;
  problems: FieldError[];
}

const MAX_UPRN = 999_999_999_999;
const MAX_FILE_ID_LENGTH = 200;

type Outcome = { value: AnswerValue } | { problem: string; params?: Record<string, string | number> };

const isEmpty = (value: unknown) => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/** A number as JSON gives it, or as a form types it ("12", " 3.5 "). */
function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

function checkOne(question: QuestionRules, given: unknown): Outcome {
  switch (question.kind) {
    case 'text':
    case 'long_text': {
      if (typeof given !== 'string') return { problem: 'services.errors.answerNotText' };
      const text = given.trim();
      const max = question.maxLength ?? DEFAULT_MAX_LENGTH[question.kind];
      return text.length > max ? { problem: 'services.errors.answerTooLong', params: { max } } : { value: text };
    }
    case 'number': {
      const number = toNumber(given);
      if (number === undefined) return { problem: 'services.errors.answerNotNumber' };
      if (question.min !== null && number < question.min)
        return { problem: 'services.errors.answerTooSmall', params: { min: question.min } };
      if (question.max !== null && number > question.max)
        return { problem: 'services.errors.answerTooLarge', params: { max: question.max } };
      return { value: number };
    }
    case 'date':
      return typeof given === 'string' && isCalendarDate(given.trim())
        ? { value: given.trim() }
        : { problem: 'services.errors.answerNotDate' };
    case 'yes_no': {
      if (typeof given === 'boolean') return { value: given };
      const word = typeof given === 'string' ? given.trim().toLowerCase() : '';
      return word === 'yes' || word === 'no' ? { value: word === 'yes' } : { problem: 'services.errors.answerNotYesNo' };
    }
    case 'choice': {
      const value = typeof given === 'string' ? given.trim() : undefined;
      return value !== undefined && question.options.some((option) => option.value === value)
        ? { value }
        : { problem: 'services.errors.answerNotChoice' };
    }
    case 'location':
      return checkLocation(given);
    case 'file':
      return typeof given === 'string' && /^\S{1,200}$/.test(given.trim()) && given.trim().length <= MAX_FILE_ID_LENGTH
        ? { value: given.trim() }
        : { problem: 'services.errors.answerNotFile' };
  }
}

/** A place: a point `{lat, long}` on the globe, or a property `{uprn}`. */
function checkLocation(given: unknown): Outcome {
  const refused: Outcome = { problem: 'services.errors.answerNotLocation' };
  if (given === null || typeof given !== 'object' || Array.isArray(given)) return refused;
  const place = given as Record<string, unknown>;
  const keys = Object.keys(place).sort().join(',');
  if (keys === 'uprn') {
    const uprn = toNumber(place.uprn);
    return uprn !== undefined && Number.isInteger(uprn) && uprn >= 1 && uprn <= MAX_UPRN ? { value: { uprn } } : refused;
  }
  if (keys === 'lat,long') {
    const lat = toNumber(place.lat);
    const long = toNumber(place.long);
    if (lat === undefined || long === undefined || Math.abs(lat) > 90 || Math.abs(long) > 180) return refused;
    return { value: { lat, long } };
  }
  return refused;
}

/**
 * Checks `given` against a service's questions: every required question answered, each answer
 * of its question's kind and within its limits, and no answer to a question the service does not ask.
 * Problems come in the order of the questions, then the unknown codes.
 */
export function checkAnswers(questions: readonly QuestionRules[], given: Record<string, unknown>): CheckedAnswers {
  const answers: Record<string, AnswerValue> = {};
  const problems: FieldError[] = [];
  const asked = new Set(questions.map((question) => question.code));
  const supplied = given !== null && typeof given === 'object' ? given : {};

  for (const question of questions) {
    const field = `answers.${question.code}`;
    const value = Object.hasOwn(supplied, question.code) ? supplied[question.code] : undefined;
    if (isEmpty(value)) {
      if (question.required) problems.push({ field, message: 'services.errors.answerMissing' });
      continue;
    }
    const outcome = checkOne(question, value);
    if ('value' in outcome) answers[question.code] = outcome.value;
    else problems.push({ field, message: outcome.problem, ...(outcome.params ? { params: outcome.params } : {}) });
  }
  for (const code of Object.keys(supplied)) {
    if (!asked.has(code)) problems.push({ field: `answers.${code}`, message: 'services.errors.answerUnknown' });
  }
  return { answers, problems };
}

/** An answer as a routing rule compares it: yes/no as "yes" or "no", a number or UPRN as digits. */
export function answerText(value: AnswerValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return value;
  return 'uprn' in value ? String(value.uprn) : undefined;
}
