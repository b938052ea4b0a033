// Black-box helpers for the `onedoor` command: each test spawns `node bin/onedoor.js ...` (what
// `npm start` and `npx onedoor` run) as a child process with a DATA_DIR and PORT of its own, and
// looks at it from outside: its output, its exit code, HTTP, and the processes it leaves behind.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Db } from '../../src/db/database.ts';
import { insertOrganisation } from '../../src/organisations/repo.ts';
import { aPartnerAgency } from '../support/builders.ts';
export { freePort } from '../../src/db/embedded.ts';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(PROJECT_ROOT, 'bin', 'onedoor.js');

/** Generous: a first start on a slow CI machine runs initdb and builds the assets. */
export const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 60_000;

// OneDoor's own settings are never inherited from the environment the tests run in: each test
// says exactly which ones it sets.
const SETTINGS =
  /^(PORT|HOST|DATA_DIR|DATABASE_URL|DATABASE_POOL_SIZE|PUBLIC_URL|LOG_LEVEL|TRUST_PROXY|METRICS_TOKEN|SESSION_\w+|ONEDOOR_\w+|NODE_ENV|NODE_TEST_CONTEXT)$/;

function childEnvironment(overrides: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!SETTINGS.test(name)) env[name] = value;
  env.LOG_LEVEL = 'warn';
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/** Listens on `port` (another program holding it) until `close()`. */
export function occupyPort(port: number): Promise<{ close(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => socket.destroy());
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve({ close: () => new Promise<void>((done) => server.close(() => done())) }));
  });
}

const dataDirs: string[] = [];

/**
 * A new DATA_DIR under the system's temporary directory. mkdtemp makes it 0700; OneDoor itself
 * opens it to the `postgres` user when running as root.
 */
export function newDataDir(label = 'data'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `onedoor-lifecycle-${label}-`));
  dataDirs.push(dir);
  return dir;
}

export interface OneDoorProcess {
  child: ChildProcess;
  pid: number;
  port: number;
  url: string;
  dataDir: string;
  /** Everything printed so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal's name) once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /**
   * Waits until /readyz answers 200 and returns the milliseconds since the spawn; fails with the
   * process's output if it exits first or is not ready in time.
   */
  ready(timeoutMs?: number): Promise<number>;
  /** Sends `signal` and waits for the process to exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children = new Set<ChildProcess>();

/** Spawns `onedoor start` with DATA_DIR, PORT and LOG_LEVEL=warn, plus `env`. */
export function startOneDoor(options: {
  dataDir: string;
  port: number;
  env?: Record<string, string | undefined>;
}): OneDoorProcess {
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [BIN, 'start'], {
    cwd: PROJECT_ROOT,
    env: childEnvironment({ DATA_DIR: options.dataDir, PORT: String(options.port), ...options.env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  const url = `http://127.0.0.1:${options.port}`;
  const describeOutput = () => `\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`;

  return {
    child,
    pid: child.pid!,
    port: options.port,
    url,
    dataDir: options.dataDir,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    async ready(timeoutMs = READY_TIMEOUT_MS) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (hasExited)
          throw new Error(`onedoor start exited before it was ready (${JSON.stringify(await exited)})${describeOutput()}`);
        try {
          const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
          await response.arrayBuffer();
          if (response.status === 200) return Math.round(performance.now() - spawnedAt);
        } catch {
          // not listening yet
        }
        await sleep(100);
      }
      throw new Error(`onedoor start was not ready after ${timeoutMs / 1000} s${describeOutput()}`);
    },
    async stop(signal = 'SIGTERM') {
      if (!hasExited) child.kill(signal);
      const outcome = await Promise.race([exited, sleep(STOP_TIMEOUT_MS).then(() => undefined)]);
      if (!outcome) {
        child.kill('SIGKILL');
        throw new Error(`onedoor did not stop within ${STOP_TIMEOUT_MS / 1000} s of ${signal}${describeOutput()}`);
      }
      return outcome;
    },
  };
}

export interface CommandOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a one-shot `onedoor` command to its end, with `stdin` as its standard input. */
export async function runOneDoor(
  args: string[],
  options: { env?: Record<string, string | undefined>; stdin?: string; timeoutMs?: number } = {},
): Promise<CommandOutcome> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: PROJECT_ROOT,
    env: childEnvironment(options.env ?? {}),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.on('error', () => undefined);
  child.stdin.end(options.stdin ?? '');
  const timeoutMs = options.timeoutMs ?? 120_000;
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('close', (exitCode) => resolve(exitCode)));
  clearTimeout(timer);
  children.delete(child);
  return { code, stdout, stderr };
}

/** The non-empty lines of some output. */
export function linesOf(output: string): string[] {
  return output.split('\n').filter((line) => line.trim() !== '');
}

export interface ProcessInfo {
  pid: number;
  commandLine: string;
}

/** Running processes whose command line contains `text` (read from /proc; zombies have none). */
export function processesWithCommandLine(text: string): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    let commandLine: string;
    try {
      commandLine = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    } catch {
      continue;
    }
    if (commandLine.includes(text)) found.push({ pid, commandLine });
  }
  return found;
}

/**
 * The embedded PostgreSQL servers (postmasters) running on `dataDir`'s cluster. A backend it has
 * just forked shows the same command line until it renames itself, so its children are left out.
 */
export function embeddedPostgresOf(dataDir: string): ProcessInfo[] {
  const cluster = path.join(dataDir, 'postgres');
  const found = processesWithCommandLine(`-D ${cluster} `).filter(({ commandLine }) =>
    /\bpostgres\b/.test(commandLine.split(' ')[0] ?? ''),
  );
  const pids = new Set(found.map(({ pid }) => pid));
  return found.filter(({ pid }) => !pids.has(parentOf(pid) ?? -1));
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/** Waits until `pid` has gone; false if it is still there after `timeoutMs`. */
export async function waitUntilGone(pid: number, timeoutMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(50);
  }
  return !isAlive(pid);
}

/** The connection URL of the embedded database a running server on `dataDir` uses. */
export function embeddedDatabaseUrl(dataDir: string): string {
  const password = fs.readFileSync(path.join(dataDir, 'postgres.password'), 'utf8').trim();
  const port = fs.readFileSync(path.join(dataDir, 'postgres.port'), 'utf8').trim();
  return `postgres://onedoor:${encodeURIComponent(password)}@127.0.0.1:${port}/onedoor`;
}

/** Runs one query with a short-lived connection. */
export async function query<Row extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** The email address and password in a credentials file written by first start. */
export function readAdminCredentials(file: string): { email: string; password: string } {
  const text = fs.readFileSync(file, 'utf8');
  const email = /^Email address: (.+)$/m.exec(text)?.[1]?.trim();
  const password = /^Password: (.+)$/m.exec(text)?.[1]?.trim();
  if (!email || !password) throw new Error(`no credentials in ${file}:\n${text}`);
  return { email, password };
}

/**
 * Signs in as a browser would: fetch the sign-in page, take its session cookie and the form's
 * _csrf token, post the form. Returns the response's status and Location.
 */
export async function signInOverHttp(
  baseUrl: string,
  email: string,
  password: string,
): Promise<{ status: number; location: string | null }> {
  const page = await fetch(`${baseUrl}/staff/sign-in`, { redirect: 'manual' });
  const html = await page.text();
  const csrf =
    /<input[^>]*name="_csrf"[^>]*value="([^"]+)"/.exec(html)?.[1] ??
    /<input[^>]*value="([^"]+)"[^>]*name="_csrf"/.exec(html)?.[1];
  if (!csrf) throw new Error(`the sign-in page (${page.status}) has no _csrf field`);
  const cookie = page.headers
    .getSetCookie()
    .map((header) => header.split(';')[0])
    .join('; ');
  const response = await fetch(`${baseUrl}/staff/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ _csrf: csrf, email, password }),
  });
  await response.arrayBuffer();
  const location = response.headers.get('location');
  return { status: response.status, location: location?.replace(baseUrl, '') ?? null };
}

/**
 * Cleans up after a test file: kills any OneDoor it spawned that is still running, stops any
 * embedded PostgreSQL left on its DATA_DIRs, and removes them.
 */
export async function cleanUp(): Promise<void> {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of dataDirs.splice(0)) {
    for (const { pid } of embeddedPostgresOf(dir)) {
      try {
        process.kill(pid, 'SIGQUIT');
      } catch {
        // already gone
      }
      if (!(await waitUntilGone(pid, 10_000))) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone at last
        }
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The demo council and its police partner, by the codes the demo gives them, without the rest of
 * the demo (whose seed would take most of a test): what the CLI tests' commands name.
 */
export async function theDemoCouncilsOrganisations(db: Db): Promise<void> {
  await insertOrganisation(db, {
    code: 'severn-marches',
    name: 'Severn Marches District Council',
    kind: 'council',
    councilId: null,
  });
  await aPartnerAgency(db, 'marches-police', 'West Marches Police');
}
