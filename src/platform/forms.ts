// Reading a submitted HTML form against a TypeBox schema. Each field's schema names the i18n
// key of each way it can be wrong (`errorMessages: { minLength: 'users.errors.nameMissing' }`),
// so the GOV.UK error summary says exactly what to fix, in the reader's language.
import { FormatRegistry, OptionalKind, Type, type Static, type TObject, type TSchema, type TString } from '@sinclair/typebox';
import { Value, ValueErrorType } from '@sinclair/typebox/value';
import type { FieldError } from './errors.ts';
import { isUuid } from './ids.ts';

export const EMAIL_PATTERN = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
if (!FormatRegistry.Has('email')) FormatRegistry.Set('email', (value) => EMAIL_PATTERN.test(value) && value.length <= 254);
if (!FormatRegistry.Has('date')) FormatRegistry.Set('date', (value) => isCalendarDate(value));
if (!FormatRegistry.Has('uuid')) {
  FormatRegistry.Set('uuid', (value) => isUuid(value));
}

type Keyword = 'required' | 'minLength' | 'maxLength' | 'pattern' | 'format' | 'enum' | 'minItems' | 'invalid';
export type ErrorMessages = Partial<Record<Keyword, string>>;

/** Text the person must give. */
export function requiredText(messages: { missing: string; tooLong: string }, maxLength = 200): TString {
  return Type.String({ minLength: 1, maxLength, errorMessages: { minLength: messages.missing, maxLength: messages.tooLong } });
}

export function optionalText(tooLong: string, maxLength = 200) {
  return Type.Optional(Type.String({ maxLength, errorMessages: { maxLength: tooLong } }));
}

export function emailAddress(messages: { missing: string; format: string }): TString {
  return Type.String({
    minLength: 1,
    format: 'email',
    errorMessages: { minLength: messages.missing, format: messages.format, maxLength: messages.format },
  });
}

/** A password: taken exactly as typed, spaces included. */
export function password(missing: string): TString {
  return Type.String({
    minLength: 1,
    maxLength: 1024,
    keepWhitespace: true,
    errorMessages: { minLength: missing, maxLength: missing },
  });
}

/**
 * A honeypot: a text box that people never meet (hidden from sight, screen readers and the
 * keyboard) but that scripts filling in every field fill in. A public form that finds it filled
 * answers as if it had worked and keeps nothing. Rate limits do the rest: no CAPTCHA, which would
 * shut out disabled people.
 */
export const HONEYPOT_FIELD = 'website';

export function caughtInHoneypot(body: unknown): boolean {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[HONEYPOT_FIELD] : undefined;
  return typeof value === 'string' && value.trim() !== '';
}

/** A field's text as a form sent it: the first of a repeated field, and '' for none or a file. */
export function fieldText(value: unknown): string {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
}

/** A posted form's fields, as a copy the caller may change; none when nothing usable was posted. */
export function formFields(body: unknown): Record<string, unknown> {
  return body !== null && typeof body === 'object' ? { ...(body as Record<string, unknown>) } : {};
}

/** Whether `value` is one of a fixed set of strings (a choice from a form, a query or a request). */
export function isOneOf<V extends string>(values: readonly V[], value: unknown): value is V {
  return typeof value === 'string' && (values as readonly string[]).includes(value);
}

/** One of a fixed set (radios, a select). */
export function choice<V extends string>(values: readonly V[], missing: string) {
  return Type.Union(
    values.map((value) => Type.Literal(value)),
    { errorMessages: { enum: missing, required: missing } },
  );
}

/** Several of a fixed set (checkboxes): at least one. */
export function choices<V extends string>(values: readonly V[], missing: string) {
  return Type.Array(Type.Union(values.map((value) => Type.Literal(value))), {
    minItems: 1,
    errorMessages: { minItems: missing, enum: missing },
  });
}

export type FormResult<T> = { ok: true; value: T } | { ok: false; errors: FieldError[]; values: Record<string, unknown> };

/**
 * Trims every field, drops empty optional ones, turns a single checkbox into a list, checks
 * the result against `schema`, and reports the first problem of each field in form order.
 */
export function parseForm<T extends TObject>(schema: T, body: unknown): FormResult<Static<T>> {
  const raw = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const values: Record<string, unknown> = {};
  for (const [field, property] of Object.entries(schema.properties) as [string, TSchema][]) {
    const input = raw[field];
    if (property.type === 'array') {
      values[field] = toList(input);
      continue;
    }
    const text = (Array.isArray(input) ? input[0] : input) ?? '';
    const trimmed = typeof text !== 'string' ? '' : property.keepWhitespace === true ? text : text.trim();
    if (trimmed === '' && property[OptionalKind] === 'Optional') continue;
    values[field] = trimmed;
  }

  const byField = new Map<string, FieldError>();
  for (const error of Value.Errors(schema, values)) {
    const field = error.path.split('/')[1] ?? '';
    if (byField.has(field)) continue;
    const property = schema.properties[field] as (TSchema & { errorMessages?: ErrorMessages }) | undefined;
    const keyword = keywordOf(error.type);
    const message = property?.errorMessages?.[keyword] ?? property?.errorMessages?.invalid ?? 'errors.invalid';
    byField.set(field, { field, message });
  }
  if (byField.size === 0) return { ok: true, value: values as Static<T> };
  const order = Object.keys(schema.properties);
  const errors = [...byField.values()].sort((a, b) => order.indexOf(a.field) - order.indexOf(b.field));
  return { ok: false, errors, values };
}

function toList(input: unknown): string[] {
  const list = Array.isArray(input) ? input : input === undefined ? [] : [input];
  return list.filter((item): item is string => typeof item === 'string' && item.trim() !== '').map((item) => item.trim());
}

function keywordOf(type: ValueErrorType): Keyword {
  switch (type) {
    case ValueErrorType.StringMinLength:
      return 'minLength';
    case ValueErrorType.StringMaxLength:
      return 'maxLength';
    case ValueErrorType.StringPattern:
      return 'pattern';
    case ValueErrorType.StringFormat:
    case ValueErrorType.StringFormatUnknown:
      return 'format';
    case ValueErrorType.ObjectRequiredProperty:
      return 'required';
    case ValueErrorType.ArrayMinItems:
      return 'minItems';
    case ValueErrorType.Union:
    case ValueErrorType.Literal:
      return 'enum';
    default:
      return 'invalid';
  }
}

/** Today's date (YYYY-MM-DD) in Europe/London, where a council's days begin and end. */
export function todayInLondon(now = new Date()): string {
  return londonDay.format(now);
}
// Made once: building a formatter costs far more than using one (the SLA clock asks per day counted).
const londonDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' });

export function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().startsWith(value);
}

/** Field errors as the GOV.UK error summary and inline error messages want them. */
export interface PageErrors {
  list: { text: string; href?: string }[];
  byField: Record<string, { text: string }>;
}

/**
 * `dateFields`: the fields that are GOV.UK date inputs, whose errors the summary links to the
 * input's first box (`#<field>-day`), as the design system asks.
 */
export function pageErrors(
  t: (key: string, params?: Record<string, string | number | undefined>) => string,
  errors: FieldError[],
  options: { dateFields?: readonly string[] } = {},
): PageErrors {
  const dateFields = options.dateFields ?? [];
  // An error about the whole record (field '') is listed without a link.
  const list = errors.map((error) => ({
    text: t(error.message, error.params),
    ...(error.field ? { href: dateFields.includes(error.field) ? `#${error.field}-day` : `#${error.field}` } : {}),
  }));
  const byField = Object.fromEntries(errors.map((error) => [error.field, { text: t(error.message, error.params) }]));
  return { list, byField };
}

/** What a GOV.UK date input's three boxes (`<prefix>-day`, `-month`, `-year`) hold, as typed. */
export interface DateInput {
  parts: { day: string; month: string; year: string };
  /** `empty`: all three left blank; `incomplete`: some blank; `invalid`: not numbers of a date's shape. */
  state: 'empty' | 'incomplete' | 'invalid' | 'date';
  /** YYYY-MM-DD when `state` is `date` (whether that day exists is the caller's rule to judge). */
  date?: string;
}

export function readDateInput(body: Record<string, unknown>, prefix: string): DateInput {
  const box = (part: string) => {
    const value = body[`${prefix}-${part}`];
    return typeof value === 'string' ? value.trim() : '';
  };
  const parts = { day: box('day'), month: box('month'), year: box('year') };
  const { day, month, year } = parts;
  if (!day && !month && !year) return { parts, state: 'empty' };
  if (!day || !month || !year) return { parts, state: 'incomplete' };
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) return { parts, state: 'invalid' };
  return { parts, state: 'date', date: `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}` };
}

const PERIOD_FIELDS = ['from', 'to'] as const;

/**
 * The period a figures page's GET form asks for, as typed: `from`/`to` as YYYY-MM-DD (links), or
 * each as a date input's three boxes (the form). A field not given at all takes the default; one
 * typed wrong is passed on as `not-a-date`, for the page's service to refuse. `boxes` is what the
 * date inputs show again.
 */
export function requestedPeriod(
  query: Record<string, unknown>,
  defaults: { from: string; to: string },
): { period: { from: string; to: string }; boxes: Record<'from' | 'to', DateInput['parts']> } {
  const period = { from: defaults.from, to: defaults.to };
  const boxes = {} as Record<'from' | 'to', DateInput['parts']>;
  for (const field of PERIOD_FIELDS) {
    const typed = readDateInput(query, field);
    const given = fieldText(query[field]).trim();
    if (typed.state === 'date') period[field] = typed.date!;
    else if (typed.state !== 'empty') period[field] = 'not-a-date';
    else if (given !== '') period[field] = given;
    boxes[field] = typed.state === 'empty' ? dateBoxesOf(period[field]) : typed.parts;
  }
  return { period, boxes };
}

/** A YYYY-MM-DD date as a date input's boxes show it (day and month without leading zeros). */
export function dateBoxesOf(date: string): DateInput['parts'] {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  return match
    ? { day: String(Number(match[3])), month: String(Number(match[2])), year: match[1]! }
    : { day: '', month: '', year: '' };
}

/** A period's field errors for the GOV.UK error summary, each linked to its date input's first box. */
export function periodErrors(
  t: (key: string, params?: Record<string, string | number | undefined>) => string,
  errors: FieldError[],
): PageErrors {
  return pageErrors(t, errors, { dateFields: PERIOD_FIELDS });
}
