// Every setting OneDoor reads, in one place: read once at start, typed, validated.
// A bad setting is reported as one plain line naming the variable, never a stack trace.
import crypto from 'node:crypto';
import fs from 'node:fs';
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
  /** Whether service start pages lead to the online request journeys. */
  journeys: boolean;
  /** Map tiles for placing a pin on a location question (with JavaScript); none unless configured. */
  mapTiles: MapTiles | null;
  production: boolean;
  /** How notifications leave OneDoor (the secrets here are never logged). */
  notifications: NotificationSettings;
  /** GOV.UK One Login for residents' accounts; undefined (no routes, no button) unless configured. */
  oneLogin: OneLoginSettings | undefined;
  /** A mailbox polled every minute for inbound email (IMAP_URL); undefined unless configured. */
  imap: ImapSettings | undefined;
}

export interface ImapSettings {
  host: string;
  port: number;
  /** imaps:// (TLS from the start); imap:// upgrades with STARTTLS, and refuses a server that cannot. */
  secure: boolean;
  user: string;
  /** Not enumerable: printing or logging the settings never shows it. */
  readonly password: string;
  mailbox: string;
  /** The code of the council the mail is for (IMAP_COUNCIL); unset: the first council. */
  council: string | undefined;
}

export interface OneLoginSettings {
  /** The One Login issuer, e.g. https://oidc.integration.account.gov.uk/ (its discovery document is read on first use). */
  issuer: string;
  clientId: string;
  /** The client's private key for `private_key_jwt`: a KeyObject, which prints no key material if logged. */
  privateKey: crypto.KeyObject;
  /** For a local test provider only: an http:// issuer (refused when NODE_ENV=production). */
  allowInsecureHttp: boolean;
}

export type NotificationSettings =
  | { sender: 'outbox' }
  | { sender: 'directory'; directory: string }
  | { sender: 'notify'; apiKey: string; templates: { email: string; sms: string; letter: string } }
  | { sender: 'smtp'; url: string; from: string };

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

  const notifications = notificationSettings(read, problems);
  const production = read('NODE_ENV') === 'production';
  const oneLogin = oneLoginSettings(read, problems, { cwd, production, flag });
  const imap = imapSettings(read, problems);

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
    // The resident portal's online request journeys; a council not ready to take requests online
    // turns them off, and start pages give the phone route instead.
    journeys: flag('ONEDOOR_JOURNEYS', true),
    mapTiles: mapTilesSetting(read, problems),
    production,
    notifications,
    oneLogin,
    imap,
  };

  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

export interface MapTiles {
  /** A tile address with {z}, {x} and {y} (and perhaps {s}), e.g. https://tile.example.org/{z}/{x}/{y}.png. */
  url: string;
  /** Who the map is by, as the tile provider's licence requires it shown. */
  attribution: string;
  /** Where the tiles come from, for the Content Security Policy's img-src. */
  source: string;
}

/**
 * ONEDOOR_MAP_TILES and ONEDOOR_MAP_ATTRIBUTION: a map is the council's to choose (Ordnance
 * Survey's, OpenStreetMap's, its own), so there is none until it does; postcodes work without.
 */
function mapTilesSetting(read: (name: string) => string | undefined, problems: string[]): MapTiles | null {
  const url = read('ONEDOOR_MAP_TILES');
  if (!url) return null;
  const match = /^(https?):\/\/([^/]+)\//.exec(url);
  if (!match || !['{z}', '{x}', '{y}'].every((part) => url.includes(part))) {
    problems.push('ONEDOOR_MAP_TILES must be an http(s) address with {z}, {x} and {y} in it');
    return null;
  }
  const attribution = read('ONEDOOR_MAP_ATTRIBUTION');
  if (!attribution) {
    problems.push('ONEDOOR_MAP_ATTRIBUTION must say whose map it is when ONEDOOR_MAP_TILES is set');
    return null;
  }
  return { url, attribution, source: `${match[1]}://${match[2]!.replace('{s}', '*')}` };
}

/**
 * ONE_LOGIN_ISSUER, ONE_LOGIN_CLIENT_ID and the client's private key (ONE_LOGIN_PRIVATE_KEY, a
 * PEM, or ONE_LOGIN_PRIVATE_KEY_FILE), all or none. The key never appears in a problem.
 */
function oneLoginSettings(
  read: (name: string) => string | undefined,
  problems: string[],
  context: { cwd: string; production: boolean; flag: (name: string, fallback: boolean) => boolean },
): OneLoginSettings | undefined {
  const issuer = read('ONE_LOGIN_ISSUER');
  const clientId = read('ONE_LOGIN_CLIENT_ID');
  const pem = read('ONE_LOGIN_PRIVATE_KEY');
  const keyFile = read('ONE_LOGIN_PRIVATE_KEY_FILE');
  const insecureAsked = context.flag('ONE_LOGIN_ALLOW_INSECURE_HTTP', false);
  if (insecureAsked && context.production)
    problems.push(
      'ONE_LOGIN_ALLOW_INSECURE_HTTP is for a local test provider only: it cannot be set when NODE_ENV is production',
    );
  const allowInsecureHttp = insecureAsked && !context.production;
  if (issuer === undefined && clientId === undefined) {
    if (pem !== undefined || keyFile !== undefined)
      problems.push('ONE_LOGIN_ISSUER and ONE_LOGIN_CLIENT_ID must be set when a One Login private key is');
    return undefined;
  }
  if (issuer === undefined || clientId === undefined) {
    problems.push('ONE_LOGIN_ISSUER and ONE_LOGIN_CLIENT_ID must both be set to use GOV.UK One Login, or neither');
    return undefined;
  }
  let issuerOk = false;
  try {
    const protocol = new URL(issuer).protocol;
    issuerOk = protocol === 'https:' || (protocol === 'http:' && allowInsecureHttp);
  } catch {
    issuerOk = false;
  }
  if (!issuerOk) problems.push(`ONE_LOGIN_ISSUER must be an https:// URL (it is "${issuer}")`);

  let keyText: string | undefined;
  if (pem !== undefined && keyFile !== undefined) {
    problems.push('Set ONE_LOGIN_PRIVATE_KEY or ONE_LOGIN_PRIVATE_KEY_FILE, not both');
  } else if (pem !== undefined) {
    // An environment file often holds a PEM on one line, with \n for each line break.
    keyText = pem.replace(/\\n/g, '\n');
  } else if (keyFile !== undefined) {
    try {
      keyText = fs.readFileSync(path.resolve(context.cwd, keyFile), 'utf8');
    } catch {
      problems.push(`ONE_LOGIN_PRIVATE_KEY_FILE cannot be read (it is "${keyFile}")`);
    }
  } else {
    problems.push('ONE_LOGIN_PRIVATE_KEY or ONE_LOGIN_PRIVATE_KEY_FILE must be set to use GOV.UK One Login (private_key_jwt)');
  }
  let privateKey: crypto.KeyObject | undefined;
  if (keyText !== undefined) {
    try {
      privateKey = crypto.createPrivateKey(keyText);
    } catch {
      problems.push('The One Login private key is not a PEM private key');
    }
  }
  const details = privateKey?.asymmetricKeyDetails;
  const usable =
    (privateKey?.asymmetricKeyType === 'rsa' && (details?.modulusLength ?? 0) >= 2048) ||
    (privateKey?.asymmetricKeyType === 'ec' && details?.namedCurve === 'prime256v1');
  if (privateKey && !usable) {
    problems.push('The One Login private key must be an RSA key of 2048 bits or more, or an EC P-256 key');
  }
  if (!issuerOk || !privateKey || !usable) return undefined;
  return { issuer, clientId, privateKey, allowInsecureHttp };
}

/**
 * IMAP_URL, e.g. imaps://user:password@mail.example.org:993/INBOX (user and password URL-encoded;
 * the mailbox defaults to INBOX), and IMAP_COUNCIL. The password never appears in a problem.
 */
function imapSettings(read: (name: string) => string | undefined, problems: string[]): ImapSettings | undefined {
  const raw = read('IMAP_URL');
  const council = read('IMAP_COUNCIL');
  if (raw === undefined) {
    if (council !== undefined) problems.push('IMAP_URL must be set when IMAP_COUNCIL is');
    return undefined;
  }
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || !['imap:', 'imaps:'].includes(url.protocol) || url.hostname === '') {
    problems.push('IMAP_URL is not a valid imaps:// or imap:// URL (imaps://user:password@host:993/INBOX)');
    return undefined;
  }
  if (url.username === '' || url.password === '') {
    problems.push('IMAP_URL must include the user name and password (imaps://user:password@host:993/INBOX)');
    return undefined;
  }
  if (council !== undefined && !/^[a-z0-9][a-z0-9-]{0,59}$/.test(council))
    problems.push(`IMAP_COUNCIL must be an organisation code (it is "${council}")`);
  let user = url.username;
  let password = url.password;
  let mailbox = url.pathname.replace(/^\/+/, '');
  try {
    user = decodeURIComponent(user);
    password = decodeURIComponent(password);
    mailbox = decodeURIComponent(mailbox);
  } catch {
    problems.push('IMAP_URL has a badly encoded user name, password or mailbox (use %XX for special characters)');
  }
  const secure = url.protocol === 'imaps:';
  const settings = {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port === '' ? (secure ? 993 : 143) : Number(url.port),
    secure,
    user,
    mailbox: mailbox || 'INBOX',
    council,
  };
  return Object.defineProperty(settings, 'password', { value: password, enumerable: false }) as ImapSettings;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** NOTIFICATIONS_SENDER and what the chosen sender needs. Secret values never appear in a problem. */
function notificationSettings(read: (name: string) => string | undefined, problems: string[]): NotificationSettings {
  const sender = read('NOTIFICATIONS_SENDER') ?? 'outbox';
  if (sender === 'notify') {
    const apiKey = read('NOTIFY_API_KEY');
    // A Notify key is its name, then the service id and the secret, both UUIDs.
    if (apiKey === undefined) problems.push('NOTIFY_API_KEY must be set when NOTIFICATIONS_SENDER is notify');
    else if (!UUID.test(apiKey.slice(-73, -37)) || !UUID.test(apiKey.slice(-36)))
      problems.push('NOTIFY_API_KEY is not a GOV.UK Notify API key (it should end with two UUIDs)');
    const template = (name: string): string => {
      const value = read(name);
      if (value === undefined) problems.push(`${name} must be set when NOTIFICATIONS_SENDER is notify`);
      else if (!UUID.test(value)) problems.push(`${name} must be a GOV.UK Notify template ID (a UUID; it is "${value}")`);
      return value ?? '';
    };
    const templates = {
      email: template('NOTIFY_TEMPLATE_EMAIL'),
      sms: template('NOTIFY_TEMPLATE_SMS'),
      letter: template('NOTIFY_TEMPLATE_LETTER'),
    };
    return { sender, apiKey: apiKey ?? '', templates };
  }
  if (sender === 'smtp') {
    const url = read('SMTP_URL');
    let urlOk = false;
    try {
      urlOk = url !== undefined && ['smtp:', 'smtps:'].includes(new URL(url).protocol);
    } catch {
      urlOk = false;
    }
    // The URL may hold a password: it is not repeated in the message.
    if (url === undefined) problems.push('SMTP_URL must be set when NOTIFICATIONS_SENDER is smtp');
    else if (!urlOk) problems.push('SMTP_URL is not a valid smtp:// or smtps:// URL');
    const from = read('SMTP_FROM');
    const address = from?.match(/<([^<>]+)>\s*$/)?.[1] ?? from;
    if (from === undefined) problems.push('SMTP_FROM must be set when NOTIFICATIONS_SENDER is smtp');
    else if (!EMAIL.test(address ?? '')) problems.push(`SMTP_FROM is not an email address (it is "${from}")`);
    return { sender, url: url ?? '', from: from ?? '' };
  }
  if (sender === 'directory') {
    const directory = read('NOTIFICATIONS_DIRECTORY');
    if (directory === undefined) problems.push('NOTIFICATIONS_DIRECTORY must be set when NOTIFICATIONS_SENDER is directory');
    return { sender, directory: path.resolve(directory ?? '.') };
  }
  if (sender !== 'outbox') problems.push(`NOTIFICATIONS_SENDER must be outbox, directory, notify or smtp (it is "${sender}")`);
  return { sender: 'outbox' };
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
