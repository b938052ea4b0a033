// Every setting OneDoor reads, in one place: read once at start, typed, validated.
// A bad setting is reported as one plain line naming the variable, never a stack trace.
import path from 'node:path';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** Where uploaded files are kept: outside any folder the web server serves. */
  filesDir: string;
  /** The largest file a person may upload, in bytes. */
  uploadMaxBytes: number;
  /** Set when an external PostgreSQL is used; unset means the embedded one under dataDir. */
  databaseUrl: string | undefined;
  databasePoolSize: number;
  admin: { email: string; password: string } | undefined;
  seedDemo: boolean;
  /** The council created on first start when the demo council is not seeded. */
  councilName: string;
  publicUrl: string;
  logLevel: LogLevel;
  /** Addresses or CIDR ranges of the load balancers whose X-Forwarded-For we believe. */
  trustProxy: string[];
  /** When set, /metrics needs `Authorization: Bearer <token>`; when unset it answers loopback only. */
  metricsToken: string | undefined;
  session: { idleMinutes: number; absoluteHours: number };
  /** Whether this node runs background jobs (every node does unless told otherwise). */
  runJobs: boolean;
  production: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };

  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (it is "${raw}")`);
      return fallback;
    }
    return value;
  };

  const flag = (name: string, fallback: boolean): boolean => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
    if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
    problems.push(`${name} must be 1 or 0 (it is "${raw}")`);
    return fallback;
  };

  const port = integer('PORT', 3000, 1, 65535);
  const host = read('HOST') ?? '127.0.0.1';
  const dataDir = path.resolve(cwd, read('DATA_DIR') ?? './data');

  const databaseUrl = read('DATABASE_URL');
  if (databaseUrl !== undefined && !isPostgresUrl(databaseUrl)) {
    problems.push('DATABASE_URL is not a valid postgres:// URL');
  }

  const adminEmail = read('ONEDOOR_ADMIN_EMAIL');
  const adminPassword = env.ONEDOOR_ADMIN_PASSWORD ?? undefined;
  let admin: Config['admin'];
  if (adminEmail !== undefined && !EMAIL.test(adminEmail)) {
    problems.push(`ONEDOOR_ADMIN_EMAIL is not an email address (it is "${adminEmail}")`);
  } else if (adminEmail !== undefined && (adminPassword === undefined || adminPassword === '')) {
    problems.push('ONEDOOR_ADMIN_PASSWORD must be set when ONEDOOR_ADMIN_EMAIL is');
  } else if (adminEmail === undefined && adminPassword) {
    problems.push('ONEDOOR_ADMIN_EMAIL must be set when ONEDOOR_ADMIN_PASSWORD is');
  } else if (adminEmail !== undefined && adminPassword) {
    admin = { email: adminEmail.toLowerCase(), password: adminPassword };
  }

  const publicUrl = (read('PUBLIC_URL') ?? `http://localhost:${port}`).replace(/\/+$/, '');
  if (!isHttpUrl(publicUrl)) {
    problems.push(`PUBLIC_URL is not a valid http:// or https:// URL (it is "${publicUrl}")`);
  }

  const logLevel = (read('LOG_LEVEL') ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (it is "${logLevel}")`);
  }

  const trustProxy = (read('TRUST_PROXY') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of trustProxy) {
    if (!/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(entry)) {
      problems.push(`TRUST_PROXY must list IP addresses or CIDR ranges (found "${entry}")`);
    }
  }

  const config: Config = {
    port,
    host,
    dataDir,
    filesDir: path.resolve(cwd, read('FILES_DIR') ?? path.join(dataDir, 'files')),
    uploadMaxBytes: integer('UPLOAD_MAX_BYTES', 10 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    databaseUrl,
    databasePoolSize: integer('DATABASE_POOL_SIZE', 10, 1, 500),
    admin,
    seedDemo: flag('ONEDOOR_DEMO', databaseUrl === undefined),
    councilName: read('ONEDOOR_COUNCIL_NAME') ?? 'OneDoor Council',
    publicUrl,
    logLevel,
    trustProxy,
    metricsToken: read('METRICS_TOKEN'),
    session: {
      idleMinutes: integer('SESSION_IDLE_MINUTES', 30, 1, 24 * 60),
      absoluteHours: integer('SESSION_ABSOLUTE_HOURS', 12, 1, 24 * 7),
    },
    runJobs: flag('ONEDOOR_JOBS', true),
    production: read('NODE_ENV') === 'production',
  };

  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

function isPostgresUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'postgres:' || url.protocol === 'postgresql:';
  } catch {
    return false;
  }
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
