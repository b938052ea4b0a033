// Open311's two wire formats from one value: JSON as it is, and XML as GeoReport v2 writes it — a
// list in a wrapping element (<services><service>…), lists inside an item wrapped too
// (<groups><group>…), true and false as words, a missing value as an empty element. XMLBuilder
// escapes every text, so what a resident typed can never become markup.
import { XMLBuilder } from 'fast-xml-parser';

export const FORMATS = ['xml', 'json'] as const;
export type Format = (typeof FORMATS)[number];

export function isFormat(value: unknown): value is Format {
  return value === 'xml' || value === 'json';
}

export const CONTENT_TYPES: Record<Format, string> = {
  xml: 'text/xml; charset=utf-8',
  json: 'application/json',
};

export type WireValue = string | number | boolean | null | undefined | WireValue[] | { [key: string]: WireValue };

/** The element each item of a list is written as, by the list's name. */
const ITEM_NAMES: Record<string, string> = {
  services: 'service',
  service_requests: 'request',
  service_request_updates: 'request_update',
  groups: 'group',
  attributes: 'attribute',
  values: 'value',
  errors: 'error',
  endpoints: 'endpoint',
  formats: 'format',
  extended_attributes: 'attribute',
  media_urls: 'media_url',
};

const builder = new XMLBuilder({ format: false, suppressEmptyNode: false, processEntities: true });

function toBuilderValue(name: string, value: WireValue): unknown {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const item = ITEM_NAMES[name] ?? 'item';
    return { [item]: value.map((entry) => toBuilderValue(item, entry)) };
  }
  return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, toBuilderValue(key, entry)]));
}

/** A list of items in its wrapping element, e.g. `<services><service>…</service></services>`. */
export function xmlList(root: string, items: WireValue[]): string {
  return xmlDocument(root, items);
}

/** One element holding an object's fields, e.g. `<service_definition>…</service_definition>`. */
export function xmlDocument(root: string, value: WireValue): string {
  const body = builder.build({ [root]: toBuilderValue(root, value) }) as string;
  return `<?xml version="1.0" encoding="utf-8"?>\n${body}`;
}

export interface Open311Error {
  code: number;
  description: string;
}

/** Errors as the spec writes them: `[{code, description}]`, or `<errors><error>…</error></errors>`. */
export function errorBody(format: Format, errors: Open311Error[]): string {
  return format === 'json' ? JSON.stringify(errors) : xmlList('errors', errors as unknown as WireValue[]);
}
