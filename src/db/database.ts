// The connection pool and the Kysely handle over it, for the embedded or an external PostgreSQL.
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';
import { registerUnitOfWork, UnitOfWorkDialect } from './unitOfWork.ts';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Either the database or a transaction on it: repositories accept both. */
export type Queryable = Db | Tx;

// node-postgres returns bigint and date columns as strings by default. Counts and ids here fit
// a JavaScript number, and a `date` is a calendar day that must not shift with time zones.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8) return (value: string) => Number(value);
    if (oid === pg.types.builtins.DATE) return (value: string) => value;
    return pg.types.getTypeParser(oid, format);
  },
};

export function createDb(connectionString: string, poolSize = 10): { db: Db; pool: pg.Pool } {
  const pool = new pg.Pool({
    connectionString,
    max: poolSize,
    types,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: 'onedoor',
  });
  // A connection that dies while idle (database restarted) must not crash the process:
  // the pool drops it and the next query opens a new one.
  pool.on('error', () => undefined);
  // Nor one that dies while checked out (a transaction held while the request does other work,
  // when the database is restarted): the pool listens only to idle connections, and an 'error'
  // nobody listens to ends the process. The query in hand fails, which is what is wanted, and
  // the pool drops the connection when it is given back.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const dialect = new UnitOfWorkDialect(new PostgresDialect({ pool }));
  const db = new Kysely<Database>({ dialect });
  registerUnitOfWork(db, dialect);
  return { db, pool };
}

/** Whether PostgreSQL refused a row because it repeats one (under the unique index `constraint`, if named). */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const refusal = error as { code?: unknown; constraint?: unknown } | null;
  return refusal?.code === '23505' && (constraint === undefined || refusal.constraint === constraint);
}
