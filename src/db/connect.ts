// Opens OneDoor's database: the PostgreSQL at DATABASE_URL, or the embedded one under DATA_DIR.
// A server owns the embedded database (and refuses to share DATA_DIR with another server); a CLI
// command uses the running server's database when there is one, or starts its own briefly.
import fs from 'node:fs';
import { sql } from 'kysely';
import type { Config } from '../config.ts';
import { StartupError } from '../platform/errors.ts';
import { createDb, type Db } from './database.ts';
import { DataDirLock, type LockRole } from './dataDirLock.ts';
import { embeddedUrl, startEmbeddedPostgres } from './embedded.ts';

export interface OpenDatabase {
  db: Db;
  /** The connection string (with its password: never log it). */
  url: string;
  embedded: boolean;
  /** Records the server's address in the DATA_DIR lock, for `onedoor` commands to find. */
  announce(url: string): void;
  close(): Promise<void>;
}

const WAIT_FOR_LOCK_MS = 60_000;

export async function openDatabase(config: Config, role: LockRole, log: (line: string) => void): Promise<OpenDatabase> {
  if (config.databaseUrl) return await openExternal(config.databaseUrl, config.databasePoolSize);
  prepareDataDir(config.dataDir);

  const deadline = Date.now() + WAIT_FOR_LOCK_MS;
  for (;;) {
    const lock = DataDirLock.acquire(config.dataDir, role);
    if (lock instanceof DataDirLock) return await startOwned(config, lock, log);
    const owner = lock.heldBy;
    if (role === 'server' && owner.role === 'server') {
      throw new StartupError(
        `OneDoor is already running on DATA_DIR ${config.dataDir} (process ${owner.pid}${owner.url ? `, ${owner.url}` : ''})`,
      );
    }
    if (role === 'cli' && owner.role === 'server' && owner.databasePort) {
      return await openExternal(embeddedUrl(config.dataDir, owner.databasePort), 2, true);
    }
    // A command holds the directory for a moment, or a server is still starting its database.
    if (Date.now() > deadline) {
      throw new StartupError(`DATA_DIR ${config.dataDir} is in use by process ${owner.pid}; try again when it has finished`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function prepareDataDir(dataDir: string): void {
  try {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.accessSync(dataDir, fs.constants.W_OK | fs.constants.X_OK);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new StartupError(`DATA_DIR ${dataDir} is not usable (${reason}): choose a directory OneDoor can write to`);
  }
}

async function startOwned(config: Config, lock: DataDirLock, log: (line: string) => void): Promise<OpenDatabase> {
  let postgres;
  try {
    postgres = await startEmbeddedPostgres(config.dataDir, log);
  } catch (error) {
    lock.release();
    throw error;
  }
  lock.update({ databasePort: postgres.port });
  const { db } = createDb(postgres.url, config.databasePoolSize);
  return {
    db,
    url: postgres.url,
    embedded: true,
    announce: (url) => lock.update({ url }),
    async close() {
      await db.destroy().catch(() => undefined);
      await postgres.stop();
      lock.release();
    },
  };
}

async function openExternal(url: string, poolSize: number, embedded = false): Promise<OpenDatabase> {
  const { db } = createDb(url, poolSize);
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw new StartupError(`Cannot reach the database at ${describeUrl(url)}: ${(error as Error).message}`);
  }
  return { db, url, embedded, announce: () => undefined, close: () => db.destroy() };
}

/** The database's address without its password, for messages. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || 'localhost'}:${parsed.port || 5432}${parsed.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}
