// Bulk loading into a throwaway database, shared by the customers benchmark and the data generator:
// secondary indexes (and, for the generator, foreign keys) are dropped before the load and put back
// from their own catalogue definitions after it, so they are exactly the migrations' own; the
// name-word trigger is off and its dictionary filled in one statement afterwards. Both start with
// their council in an empty, migrated database.
import type pg from 'pg';
import type { Db, Tx } from '../src/db/database.ts';
import { insertOrganisationAudited } from '../src/organisations/service.ts';
import { systemActor } from '../src/platform/actor.ts';

/** The five tables a customer is loaded into. */
export const CUSTOMER_TABLES = [
  'customers',
  'customer_phones',
  'customer_emails',
  'customer_addresses',
  'customer_previous_names',
] as const;

/** Loads go into an empty, migrated database only: `refusal` says which when it has customers already. */
export async function refuseLoadedDatabase(db: Db, refusal: string): Promise<void> {
  const existing = await db.selectFrom('customers').select('id').limit(1).executeTakeFirst();
  if (existing) throw new Error(refusal);
}

/** The council the load belongs to, audited as the app audits one. */
export async function insertCouncil(trx: Tx, council: { code: string; name: string; nameCy: string }): Promise<string> {
  return await insertOrganisationAudited(trx, systemActor('bench'), { ...council, kind: 'council', councilId: null });
}

export interface Dropped {
  table: string;
  name: string;
  definition: string;
}

/** A throwaway database: losing the last commits in a crash costs nothing. */
export async function useBulkLoadSettings(client: pg.ClientBase): Promise<void> {
  await client.query('set synchronous_commit = off');
  await client.query(`set maintenance_work_mem = '512MB'`);
}

/** Drops the tables' secondary indexes (those behind no constraint): built once at the end, not row by row. */
export async function dropSecondaryIndexes(client: pg.ClientBase, tables: readonly string[]): Promise<Dropped[]> {
  const { rows } = await client.query<Dropped>(
    `select i.indrelid::regclass::text as table, i.indexrelid::regclass::text as name,
       pg_get_indexdef(i.indexrelid) as definition
     from pg_index i
     where i.indrelid = any($1::regclass[])
       and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)
     order by 2`,
    [tables],
  );
  for (const index of rows) await client.query(`drop index ${index.name}`);
  return rows;
}

/** Builds the indexes again; resolves to how many. */
export async function rebuildIndexes(client: pg.ClientBase, indexes: readonly Dropped[]): Promise<number> {
  // A partitioned table's index is read back as "ON ONLY parent": made on the parent alone it
  // would be invalid until each partition's were attached, so it is made on them all at once.
  for (const index of indexes) await client.query(index.definition.replace(' ON ONLY ', ' ON '));
  return indexes.length;
}

/**
 * Drops the tables' foreign keys: checked row by row (a trigger per key per row) they cost more
 * than the COPY itself; added back afterwards, each is validated by one join over the whole table.
 */
export async function dropForeignKeys(client: pg.ClientBase, tables: readonly string[]): Promise<Dropped[]> {
  const { rows } = await client.query<Dropped>(
    `select conrelid::regclass::text as table, conname as name, pg_get_constraintdef(oid) as definition
     from pg_constraint
     where contype = 'f' and conparentid = 0 and conrelid = any($1::regclass[])
     order by 1, 2`,
    [tables],
  );
  for (const key of rows) await client.query(`alter table ${key.table} drop constraint ${key.name}`);
  return rows;
}

/** Adds the foreign keys back, each validated once; resolves to how many. */
export async function addForeignKeys(client: pg.ClientBase, keys: readonly Dropped[]): Promise<number> {
  for (const key of keys) await client.query(`alter table ${key.table} add constraint ${key.name} ${key.definition}`);
  return keys.length;
}

/** The name-word trigger would fire twice per row: off for the load, see fillNameWords. */
export async function pauseNameWords(client: pg.ClientBase): Promise<void> {
  await client.query('alter table customers disable trigger customers_name_words');
  await client.query('alter table customer_previous_names disable trigger customer_previous_names_words');
}

/** Fills the name-word dictionary from every loaded name in one statement, and turns its trigger back on. */
export async function fillNameWords(client: pg.ClientBase): Promise<void> {
  await client.query(`
    insert into customer_name_words (word)
    select lower(given_name) from customers where given_name is not null
    union select lower(family_name) from customers where family_name is not null
    union select lower(given_name) from customer_previous_names
    union select lower(family_name) from customer_previous_names
    on conflict do nothing`);
  await client.query('alter table customers enable trigger customers_name_words');
  await client.query('alter table customer_previous_names enable trigger customer_previous_names_words');
}
