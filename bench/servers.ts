// What the HTTP benchmarks share: a migrated database of their own with a DATA_DIR beside it,
// and the real OneDoor server (production settings: templates cached, no background jobs) with a
// bare Fastify "hello" page beside it as the baseline, both listening on 127.0.0.1.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { loadConfig } from '../src/config.ts';
import { createDb, type Db } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { ensureAssetsBuilt } from '../src/platform/assets.ts';
import { buildServer } from '../src/server.ts';
import { createServices } from '../src/services.ts';
import { openDatabase } from './customers.ts';

export interface BenchDatabase {
  db: Db;
  /** The database's URL, for bare-SQL baselines over connections of their own. */
  url: string;
  dataDir: string;
}

export interface BenchServers {
  /** The OneDoor server, e.g. http://127.0.0.1:41234 (no trailing slash). */
  base: string;
  /** The bare Fastify page. */
  bareUrl: string;
}

/** Runs `use` on a migrated database (embedded unless BENCH_DATABASE_URL), then removes it all. */
export async function withBenchDatabase<T>(label: string, use: (database: BenchDatabase) => Promise<T>): Promise<T> {
  const { url, stop } = await openDatabase();
  const { db } = createDb(url, 4);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `onedoor-bench-${label}-`));
  try {
    await migrateToLatest(db);
    return await use({ db, url, dataDir });
  } finally {
    await db.destroy();
    await stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Runs `use` with OneDoor and the bare Fastify page listening, then closes both. */
export async function withServers<T>(
  { db, url, dataDir }: BenchDatabase,
  env: Record<string, string>,
  use: (servers: BenchServers) => Promise<T>,
): Promise<T> {
  const config = loadConfig({
    DATA_DIR: dataDir,
    DATABASE_URL: url,
    ONEDOOR_JOBS: '0',
    LOG_LEVEL: 'silent',
    NODE_ENV: 'production',
    ...env,
  });
  const app = await buildServer(config, await createServices(db, config), await ensureAssetsBuilt());
  const bare = Fastify({ logger: false });
  bare.get('/', async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send('<!DOCTYPE html><title>Hello</title><p>Hello'),
  );
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    await bare.listen({ port: 0, host: '127.0.0.1' });
    const portOf = (server: typeof bare.server) => (server.address() as { port: number }).port;
    return await use({ base: `http://127.0.0.1:${portOf(app.server)}`, bareUrl: `http://127.0.0.1:${portOf(bare.server)}/` });
  } finally {
    await bare.close();
    await app.close();
  }
}
