// One transaction around a piece of work whose parts each open their own: an API request sent
// with an Idempotency-Key, whose change, audit record, outbox message and the answer kept for a
// retry must commit together or not at all. A process killed half-way then leaves nothing
// behind, and the client's retry runs the request afresh; killed after the commit, the retry
// is given the kept answer. Either way the work is done once.
//
// Inside `run`, every query on the database goes to the unit's connection, and a transaction a
// service opens there becomes a savepoint within the unit (its isolation settings do not apply:
// the unit's are PostgreSQL's defaults). Work inside one unit must not open two transactions at
// once (savepoints nest; they cannot interleave).
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryCompiler,
  type TransactionSettings,
} from 'kysely';

interface Unit {
  connection: DatabaseConnection;
  /** How many savepoints are open (a service's transactions within the unit). */
  depth: number;
}

const currentUnit = new AsyncLocalStorage<Unit>();

export interface UnitOfWork {
  /** Runs `work` with every query it makes (through this database) inside the unit's transaction. */
  run<T>(work: () => Promise<T>): Promise<T>;
  commit(): Promise<void>;
  /** Undoes everything done in the unit. Safe to call after commit or twice: it then does nothing. */
  rollback(): Promise<void>;
}

/** Wraps a dialect's driver so that queries made inside a unit of work go to the unit's transaction. */
export class UnitOfWorkDialect implements Dialect {
  readonly driver: UnitOfWorkDriver;
  private readonly inner: Dialect;

  constructor(inner: Dialect) {
    this.inner = inner;
    this.driver = new UnitOfWorkDriver(inner.createDriver());
  }

  createDriver(): Driver {
    return this.driver;
  }
  createQueryCompiler(): QueryCompiler {
    return this.inner.createQueryCompiler();
  }
  createAdapter() {
    return this.inner.createAdapter();
  }
  createIntrospector(db: Parameters<Dialect['createIntrospector']>[0]) {
    return this.inner.createIntrospector(db);
  }
}

class UnitOfWorkDriver implements Driver {
  private readonly inner: Driver;
  private initialised: Promise<void> | undefined;

  constructor(inner: Driver) {
    this.inner = inner;
  }

  init(): Promise<void> {
    return (this.initialised ??= this.inner.init());
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return currentUnit.getStore()?.connection ?? (await this.inner.acquireConnection());
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const unit = unitOf(connection);
    if (!unit) return await this.inner.beginTransaction(connection, settings);
    unit.depth += 1;
    await connection.executeQuery(CompiledQuery.raw(`savepoint unit_${unit.depth}`));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const unit = unitOf(connection);
    if (!unit) return await this.inner.commitTransaction(connection);
    const name = `unit_${unit.depth}`;
    unit.depth -= 1;
    await connection.executeQuery(CompiledQuery.raw(`release savepoint ${name}`));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const unit = unitOf(connection);
    if (!unit) return await this.inner.rollbackTransaction(connection);
    const name = `unit_${unit.depth}`;
    unit.depth -= 1;
    await connection.executeQuery(CompiledQuery.raw(`rollback to savepoint ${name}`));
    await connection.executeQuery(CompiledQuery.raw(`release savepoint ${name}`));
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.inner.savepoint?.(connection, name, compile);
  }
  async rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.inner.rollbackToSavepoint?.(connection, name, compile);
  }
  async releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.inner.releaseSavepoint?.(connection, name, compile);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    // The unit's connection goes back to the pool when the unit ends, not after each query.
    if (unitOf(connection)) return;
    await this.inner.releaseConnection(connection);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }

  async begin(): Promise<UnitOfWork> {
    await this.init();
    const connection = await this.inner.acquireConnection();
    try {
      await this.inner.beginTransaction(connection, {});
    } catch (error) {
      await this.inner.releaseConnection(connection);
      throw error;
    }
    const unit: Unit = { connection, depth: 0 };
    let ended = false;
    const end = async (how: 'commit' | 'rollback') => {
      if (ended) return;
      ended = true;
      try {
        if (how === 'commit') await this.inner.commitTransaction(connection);
        else await this.inner.rollbackTransaction(connection);
      } finally {
        await this.inner.releaseConnection(connection);
      }
    };
    return {
      run: (work) => currentUnit.run(unit, work),
      commit: () => end('commit'),
      rollback: () => end('rollback').catch(() => undefined),
    };
  }
}

function unitOf(connection: DatabaseConnection): Unit | undefined {
  const unit = currentUnit.getStore();
  return unit?.connection === connection ? unit : undefined;
}

const drivers = new WeakMap<object, UnitOfWorkDriver>();

/** Records which driver serves `db`, so that `beginUnitOfWork(db)` can find it (see createDb). */
export function registerUnitOfWork(db: object, dialect: UnitOfWorkDialect): void {
  drivers.set(db, dialect.driver);
}

/**
 * Runs `work` as one unit of work on `db` and commits it, or rolls it all back if `work` throws:
 * the transactions `work` opens inside become savepoints of the one.
 */
export async function inUnitOfWork<T>(db: object, work: () => Promise<T>): Promise<T> {
  const unit = await beginUnitOfWork(db);
  try {
    const result = await unit.run(work);
    await unit.commit();
    return result;
  } finally {
    await unit.rollback();
  }
}

/** Opens a unit of work on `db`: one transaction on one connection, until commit or rollback. */
export async function beginUnitOfWork(db: object): Promise<UnitOfWork> {
  const driver = drivers.get(db);
  if (!driver) throw new Error('this database handle was not made by createDb, so it cannot open a unit of work');
  return await driver.begin();
}
