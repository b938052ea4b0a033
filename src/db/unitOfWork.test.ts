// A unit of work on a real PostgreSQL: one connection and one transaction for everything inside
// it, a service's own transactions as savepoints, and nothing visible outside until the commit.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { freshDatabase, type TestDatabase } from '../../test/support/database.ts';
import type { Db } from './database.ts';
import { beginUnitOfWork, inUnitOfWork } from './unitOfWork.ts';

describe('a unit of work', () => {
  let database: TestDatabase;
  let db: Db;
  before(async () => {
    database = await freshDatabase();
    db = database.db;
    await sql`create table unit_notes (note text primary key)`.execute(db);
  });
  after(() => database.drop());

  const backend = async () => (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db)).rows[0]!.pid;
  const notes = async () =>
    (await sql<{ note: string }>`select note from unit_notes order by note`.execute(db)).rows.map((row) => row.note);
  const note = (text: string) => sql`insert into unit_notes (note) values (${text})`.execute(db);

  it('sends every query inside it to one connection, and only there', async () => {
    const unit = await beginUnitOfWork(db);
    try {
      const inside = await unit.run(async () => [
        await backend(),
        await backend(),
        await db.transaction().execute(() => backend()),
      ]);
      assert.equal(new Set(inside).size, 1, 'one connection throughout, transactions included');
    } finally {
      await unit.rollback();
    }
  });

  it('keeps its work out of sight until the commit, then shows all of it', async () => {
    const unit = await beginUnitOfWork(db);
    await unit.run(async () => {
      await note('a');
      await db.transaction().execute((trx) => sql`insert into unit_notes (note) values ('b')`.execute(trx));
    });
    assert.deepEqual(await notes(), [], 'nothing outside before the commit');
    await unit.commit();
    assert.deepEqual(await notes(), ['a', 'b']);
  });

  it('undoes everything on rollback, the transactions that committed inside it included', async () => {
    const unit = await beginUnitOfWork(db);
    await unit.run(() => db.transaction().execute((trx) => sql`insert into unit_notes (note) values ('c')`.execute(trx)));
    await unit.rollback();
    await unit.rollback();
    assert.deepEqual(await notes(), ['a', 'b'], 'and a second rollback does nothing');
  });

  it('undoes only a transaction that failed inside it, and keeps the rest', async () => {
    const unit = await beginUnitOfWork(db);
    await unit.run(async () => {
      await note('d');
      await assert.rejects(
        db.transaction().execute(async (trx) => {
          await sql`insert into unit_notes (note) values ('e')`.execute(trx);
          await db.transaction().execute((inner) => sql`insert into unit_notes (note) values ('f')`.execute(inner));
          throw new Error('refused');
        }),
        /refused/,
      );
      await note('g');
    });
    await unit.commit();
    assert.deepEqual(await notes(), ['a', 'b', 'd', 'g']);
  });

  it('commits work run with inUnitOfWork, or, when it throws, keeps none of it', async () => {
    assert.equal(await inUnitOfWork(db, async () => (await note('h'), 'answer')), 'answer');
    await assert.rejects(
      inUnitOfWork(db, async () => {
        await db.transaction().execute((trx) => sql`insert into unit_notes (note) values ('i')`.execute(trx));
        throw new Error('half-way');
      }),
      /half-way/,
    );
    assert.deepEqual(await notes(), ['a', 'b', 'd', 'g', 'h']);
  });

  it('refuses a handle it did not make', async () => {
    await assert.rejects(beginUnitOfWork({}), /not made by createDb/);
  });
});
