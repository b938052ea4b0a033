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
import assert from 'node:assert/strict';
import { freshDatabase } from './database.ts';
import { WebClient } from './web.ts';

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
  /**
   * A web client coming from an address of its own (the server believes X-Forwarded-For from
   * 127.0.0.1), so that the sign-in limits per address meet only the tests that are about them.
   */
  client(address?: string): WebClient;
  /** A client signed in as `person` (who lands on /staff). */
  signedIn(person: { email: string; password: string }, address?: string): Promise<WebClient>;
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
    TRUST_PROXY: '127.0.0.1',
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
  const url = `http://127.0.0.1:${port}`;
  let clients = 0;
  const client = (address?: string) => {
    clients += 1;
    return new WebClient(url, address ?? `10.${(clients >> 16) & 255}.${(clients >> 8) & 255}.${clients & 255}`);
  };
  const signedIn = async (person: { email: string; password: string }, address?: string) => {
    const signedInClient = client(address);
    const page = await signedInClient.signIn(person.email, person.password);
    assert.equal(page.status, 303, `${person.email} could not sign in (${page.errorSummary.join('; ')})`);
    assert.equal(page.location, '/staff');
    return signedInClient;
  };
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await app.close();
    await database.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  return { url, db: database.db, config, services, app, dataDir, demoPasswords, client, signedIn, close };
}
