// An Open311 request's parameters as the client sent them (text, from the query or a form body),
// and the spec's refusal when one cannot be read: each problem is an Open311Refusal with its
// HTTP status and the machine-facing words the spec's errors carry.
import { fieldText, isCalendarDate } from '../../platform/forms.ts';

/** A request refused, with its HTTP status and what the spec's error says (machine-facing English). */
export class Open311Refusal extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 413 | 429,
    readonly description: string,
  ) {
    super(description);
    this.name = 'Open311Refusal';
  }
}

export const bad = (description: string) => new Open311Refusal(400, description);

export type Fields = Record<string, unknown>;

const MAX_URL_LENGTH = 2000;
const MAX_MEDIA_URLS = 10;

/** A field's text as sent (the first, if sent more than once), trimmed; undefined when absent or empty. */
export function textOf(fields: Fields, name: string): string | undefined {
  const text = fieldText(fields[name]).trim();
  return text === '' ? undefined : text;
}

function allTextOf(fields: Fields, name: string): string[] {
  const value = fields[name];
  const all = Array.isArray(value) ? value : [value];
  return all.filter((entry): entry is string => typeof entry === 'string' && entry.trim() !== '').map((entry) => entry.trim());
}

/** A number within [min, max] (WGS84 degrees); undefined when not sent. */
export function numberOf(fields: Fields, name: string, min: number, max: number): number | undefined {
  const text = textOf(fields, name);
  if (text === undefined) return undefined;
  const number = /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(number) || number < min || number > max)
    throw bad(`${name} must be a number from ${min} to ${max} (WGS84 degrees)`);
  return number;
}

/** A W3C date and time (a date alone is midnight UTC); undefined when not sent. */
export function dateOf(fields: Fields, name: string): Date | undefined {
  const text = textOf(fields, name);
  if (text === undefined) return undefined;
  const valid = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i.test(text);
  const date = new Date(text);
  // `new Date` rolls 30 February over to 2 March: the day must exist as written.
  if (!valid || !isCalendarDate(text.slice(0, 10)) || Number.isNaN(date.getTime()))
    throw bad(`${name} must be a W3C date and time, e.g. 2026-01-31T09:30:00Z`);
  return date;
}

/** The http(s) URLs sent as `name` or `name[]`, the first ten kept. */
export function urlsOf(fields: Fields, name: string): string[] {
  const urls = allTextOf(fields, name).concat(allTextOf(fields, `${name}[]`));
  for (const url of urls)
    if (url.length > MAX_URL_LENGTH || !/^https?:\/\//i.test(url) || !URL.canParse(url))
      throw bad(`${name} must be an http or https URL`);
  return urls.slice(0, MAX_MEDIA_URLS);
}
