// Imports a CSV file row by row: the header is checked first, each row is checked on its own
// (a rejected row is reported with its line number and why), and the good rows are written in
// batches, each batch in one transaction with its audit record, so no row is ever half-written.
// A batch the database refuses is retried row by row, so only the rows at fault are rejected.
// The file is streamed: a million rows need no more memory than one batch.
import fs from 'node:fs';
import path from 'node:path';
import { CsvError, parse } from 'csv-parse';
import { sql } from 'kysely';
import type { Db, Tx } from '../../db/database.ts';
import { systemActor, type Actor } from '../../platform/actor.ts';
import { recordAudit } from '../../platform/audit/audit.ts';

export interface ImportRejection {
  /** The line of the file the row starts on, as a person counts them: the header is line 1. */
  line: number;
  /** Why, in a short sentence a data officer understands. */
  reason: string;
}

export interface ImportResult {
  imported: number;
  rejected: ImportRejection[];
}

/** The file cannot be imported at all: unreadable, empty, or its header row is wrong. */
export class ImportFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportFileError';
  }
}

/** One row checked: its value, ready to write, or what is wrong with it. */
export type RowCheck<T> = { value: T } | { problems: string[] };

export interface ImportDefinition<T> {
  /** The audit action of each batch, e.g. `import.gazetteer`. */
  action: string;
  /** Every column the header may name. */
  columns: readonly string[];
  /** The columns the header must name. */
  required: readonly string[];
  /** Checks one row; a column the header does not name reads as ''. */
  check(values: Record<string, string>): RowCheck<T>;
  /** Checks a batch of rows against the database (that a UPRN exists, say), in order. */
  prepare?(db: Db, councilId: string, rows: T[]): Promise<RowCheck<T>[]>;
  /** Rows that must not appear twice in one file, by this key. */
  uniqueBy?: { key(value: T): string; describe(value: T): string };
  /**
   * Writes the rows in the batch's transaction. May return, index by index, why a row was not
   * written (undefined when it was).
   */
  write(trx: Tx, councilId: string, rows: T[]): Promise<(string | undefined)[] | void>;
}

export interface ImportOptions {
  file: string;
  councilId: string;
  /** Who is importing; the `cli` system actor unless said. */
  actor?: Actor;
  /** Rows per transaction. */
  batchSize?: number;
}

const DEFAULT_BATCH_SIZE = 1_000;

interface PendingRow<T> {
  line: number;
  value: T;
}

export async function importCsv<T>(db: Db, definition: ImportDefinition<T>, options: ImportOptions): Promise<ImportResult> {
  const actor = options.actor ?? systemActor('cli');
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const fileName = path.basename(options.file);
  const input = await openFile(options.file);

  const parser = input.pipe(parse({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true }));
  input.on('error', (error) => parser.destroy(error));

  const result: ImportResult = { imported: 0, rejected: [] };
  const firstSeen = new Map<string, number>();
  let header: string[] | undefined;
  let pending: PendingRow<T>[] = [];
  let rejectedAtLastBatch = 0;
  let batchNumber = 0;
  // Lines are counted here rather than taken from csv-parse, whose count goes wrong when a
  // quoted value holds a Windows line break: a record starts on the line after the previous
  // one ended, after any blank lines, and spans as many lines as its values hold line breaks.
  let lastLine = 0;
  let blankLinesSeen = 0;

  const reject = (line: number, reason: string) => result.rejected.push({ line, reason });

  async function writeBatch(): Promise<void> {
    let rows = pending;
    pending = [];
    if (definition.prepare && rows.length > 0) {
      const checks = await definition.prepare(
        db,
        options.councilId,
        rows.map((row) => row.value),
      );
      rows = rows.flatMap((row, i) => {
        const check = checks[i]!;
        if ('problems' in check) {
          reject(row.line, check.problems.join('; '));
          return [];
        }
        return [{ line: row.line, value: check.value }];
      });
    }
    const rejectedBefore = rejectedAtLastBatch;
    rejectedAtLastBatch = result.rejected.length;
    if (rows.length === 0 && result.rejected.length === rejectedBefore) return;
    batchNumber += 1;

    const outcome = await db.transaction().execute(async (trx) => {
      const refused: ImportRejection[] = [];
      let written = 0;
      await sql`savepoint import_batch`.execute(trx);
      try {
        const reasons =
          rows.length > 0
            ? await definition.write(
                trx,
                options.councilId,
                rows.map((row) => row.value),
              )
            : [];
        rows.forEach((row, i) => {
          const reason = reasons?.[i];
          if (reason) refused.push({ line: row.line, reason });
          else written += 1;
        });
      } catch {
        // Something in the batch broke a rule of the database: find which rows, one at a time.
        await sql`rollback to savepoint import_batch`.execute(trx);
        for (const row of rows) {
          await sql`savepoint import_row`.execute(trx);
          try {
            const reason = (await definition.write(trx, options.councilId, [row.value]))?.[0];
            await sql`release savepoint import_row`.execute(trx);
            if (reason) refused.push({ line: row.line, reason });
            else written += 1;
          } catch (error) {
            await sql`rollback to savepoint import_row`.execute(trx);
            refused.push({ line: row.line, reason: databaseRefusal(error) });
          }
        }
      }
      await recordAudit(trx, actor, {
        action: definition.action,
        organisationId: options.councilId,
        details: {
          file: fileName,
          batch: batchNumber,
          imported: written,
          rejected: result.rejected.length - rejectedBefore + refused.length,
        },
      });
      return { written, refused };
    });
    result.imported += outcome.written;
    for (const refusal of outcome.refused) reject(refusal.line, refusal.reason);
    rejectedAtLastBatch = result.rejected.length;
  }

  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { empty_lines: number } }>) {
      const line = lastLine + 1 + (info.empty_lines - blankLinesSeen);
      blankLinesSeen = info.empty_lines;
      lastLine = line + record.reduce((breaks, value) => breaks + lineBreaks(value), 0);

      if (!header) {
        header = checkHeader(record, definition);
        continue;
      }
      if (record.length !== header.length) {
        reject(line, `has ${record.length} values but the header row has ${header.length} columns`);
        continue;
      }
      const values: Record<string, string> = Object.fromEntries(definition.columns.map((column) => [column, '']));
      // A line break inside a quoted value (an address typed over two lines) becomes ", ".
      header.forEach((column, i) => (values[column] = record[i]!.trim().replace(/[ \t]*(\r\n|\r|\n)\s*/g, ', ')));
      const check = definition.check(values);
      if ('problems' in check) {
        reject(line, check.problems.join('; '));
        continue;
      }
      if (definition.uniqueBy) {
        const key = definition.uniqueBy.key(check.value);
        const first = firstSeen.get(key);
        if (first !== undefined) {
          reject(line, `${definition.uniqueBy.describe(check.value)} appears again (first on line ${first})`);
          continue;
        }
        firstSeen.set(key, line);
      }
      pending.push({ line, value: check.value });
      if (pending.length >= batchSize) await writeBatch();
    }
  } catch (error) {
    if (!(error instanceof CsvError)) throw error instanceof ImportFileError ? error : unreadable(options.file, error);
    // The rest of the file cannot be read reliably (an unclosed quote swallows what follows):
    // the rows before it are imported, and the problem is reported where it starts.
    await writeBatch();
    reject(lastLine + 1, `is not valid CSV (${csvProblem(error)}), so this line and the rest of the file were not read`);
    return sortByLine(result);
  }
  if (!header)
    throw new ImportFileError(`${fileName} is empty: it needs a header row naming the columns (${definition.columns.join(',')})`);
  await writeBatch();
  return sortByLine(result);
}

async function openFile(file: string): Promise<fs.ReadStream> {
  try {
    const stat = await fs.promises.stat(file);
    if (!stat.isFile()) throw new ImportFileError(`${file} is not a file`);
    await fs.promises.access(file, fs.constants.R_OK);
  } catch (error) {
    throw error instanceof ImportFileError ? error : unreadable(file, error);
  }
  return fs.createReadStream(file);
}

function unreadable(file: string, error: unknown): ImportFileError {
  const code = (error as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'there is no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
  return new ImportFileError(`cannot read ${file}: ${why}`);
}

/** The header's column names, checked: every required column present, none unknown or twice. */
function checkHeader(record: string[], definition: ImportDefinition<unknown>): string[] {
  const names = record.map((name) => name.trim().toLowerCase());
  const problems: string[] = [];
  const unknown = names.filter((name) => !definition.columns.includes(name));
  if (unknown.length > 0)
    problems.push(`unknown column${plural(unknown)} ${unknown.map((name) => (name ? `"${name}"` : 'with no name')).join(', ')}`);
  const repeated = names.filter((name, i) => names.indexOf(name) !== i);
  if (repeated.length > 0) problems.push(`column${plural(repeated)} named twice: ${repeated.join(', ')}`);
  const missing = definition.required.filter((name) => !names.includes(name));
  if (missing.length > 0) problems.push(`missing required column${plural(missing)} ${missing.join(', ')}`);
  if (problems.length > 0) {
    throw new ImportFileError(
      `the header row (line 1) has ${problems.join('; ')}. The columns are ${definition.columns.join(',')} ` +
        `(required: ${definition.required.join(',')})`,
    );
  }
  return names;
}

function plural(items: readonly unknown[]): string {
  return items.length === 1 ? '' : 's';
}

function lineBreaks(value: string): number {
  return value.match(/\r\n|\r|\n/g)?.length ?? 0;
}

function csvProblem(error: CsvError): string {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quote is opened and never closed';
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return 'a quoted value has more text after its closing quote';
    default:
      return error.message.split(':')[0]!.trim();
  }
}

/** Why PostgreSQL refused a row, in words, from its error code. */
function databaseRefusal(error: unknown): string {
  const code = (error as { code?: string }).code;
  const constraint = (error as { constraint?: string }).constraint;
  switch (code) {
    case '23505':
      return 'could not be saved: it repeats a record that already exists';
    case '23503':
      return 'could not be saved: it refers to a record that does not exist';
    case '23514':
      return `could not be saved: a value breaks the rule ${constraint ?? 'of the database'}`;
    case '23502':
      return 'could not be saved: a required value is missing';
    case '22001':
      return 'could not be saved: a value is too long';
    default:
      return `could not be saved: ${(error as Error).message.split('\n')[0]}`;
  }
}

function sortByLine(result: ImportResult): ImportResult {
  result.rejected.sort((a, b) => a.line - b.line);
  return result;
}
