// The real OneDoor web server, listening on a real port over a fresh database, for black-box
// HTTP tests. It is built exactly as `onedoor start` builds it, without the background jobs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../src/config.ts';
import type { Db } from '../../src/db/database.ts';
import { seedDemo } from '../../src/demo/seedDemo.ts';
import { ensureCouncilAndAdministrator } from '../../src/organisations/firstStart.ts';
import { ensureAssetsBuilt } from '../../src/platform/assets.ts';
import { buildServer } from '../../src/server.ts';
import { createServices, type Services } from '../../src/services.ts';
import { freshDatabase } from './database.ts';

export const ADMIN = { email: 'admin@test.example', password: 'correct horse battery staple' };

export interface TestServer {
  url: string;
  db: Db;
  config: Config;
  services: Services;
  app: FastifyInstance;
  dataDir: string;
  /** Passwords of the demo accounts, by email (with `demo: true`). */
  demoPasswords: Map<string, string>;
  close(): Promise<void>;
}

/** Starts a server; call `close()` in the test file's `after` hook. */
export async function startTestServer(options: { demo?: boolean; env?: Record<string, string> } = {}): Promise<TestServer> {
  const database = await freshDatabase();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onedoor-test-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    DATABASE_URL: database.url,
    ONEDOOR_ADMIN_EMAIL: ADMIN.email,
    ONEDOOR_ADMIN_PASSWORD: ADMIN.password,
    ONEDOOR_JOBS: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...options.env,
  });
  const demoPasswords = new Map<string, string>();
  if (options.demo) {
    await seedDemo(database.db, dataDir);
    const lines = fs.readFileSync(path.join(dataDir, 'demo-credentials.txt'), 'utf8').split('\n');
    for (const line of lines) {
      const [, email, password] = line.trim().split(/\s+/);
      if (email?.includes('@') && password) demoPasswords.set(email, password);
    }
  }
  await ensureCouncilAndAdministrator(database.db, {
    dataDir,
    councilName: config.councilName,
    admin: config.admin,
    warn: () => undefined,
  });
  const services = await createServices(database.db, config);
  const app = await buildServer(config, services, await ensureAssetsBuilt());
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await app.close();
    await database.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  return { url: `http://127.0.0.1:${port}`, db: database.db, config, services, app, dataDir, demoPasswords, close };
}
