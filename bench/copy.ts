// Bulk loading through PostgreSQL's COPY ... FROM STDIN in its text format: one line per row,
// columns separated by tabs, \N for null. Lines are built in Node and streamed in chunks, so a
// million rows never sit in memory as one string.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

export type CopyValue = string | number | boolean | Date | null | undefined;

const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function field(value: CopyValue): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'string') return SPECIAL.test(value) ? value.replace(SPECIALS, (c) => ESCAPES[c]!) : value;
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/** One row as a line of COPY's text format, newline included. */
export function copyLine(values: readonly CopyValue[]): string {
  let line = field(values[0]);
  for (let index = 1; index < values.length; index++) line += `\t${field(values[index])}`;
  return `${line}\n`;
}

/** Joins the lines of `rows` into chunks of about 64 KB, the unit written to the socket. */
export function* chunked(lines: Iterable<string>): Generator<string> {
  let chunk = '';
  for (const line of lines) {
    chunk += line;
    if (chunk.length >= 65_536) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/** COPYs the lines (already in COPY text format) into `table`; resolves to the rows PostgreSQL counted. */
export async function copyInto(client: pg.ClientBase, table: string, columns: readonly string[], lines: Iterable<string>) {
  const stream = client.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin`));
  await pipeline(Readable.from(chunked(lines), { objectMode: false, highWaterMark: 1 << 20 }), stream);
  return stream.rowCount;
}
