import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, '/srv/onedoor');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('configuration', () => {
  it('runs with nothing set: port 3000 on 127.0.0.1, ./data, the embedded database and the demo council', () => {
    const config = loadConfig({}, '/srv/onedoor');
    assert.equal(config.port, 3000);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.dataDir, '/srv/onedoor/data');
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.seedDemo, true);
    assert.equal(config.publicUrl, 'http://localhost:3000');
  });

  it('does not seed the demo council on an external database unless asked', () => {
    assert.equal(loadConfig({ DATABASE_URL: 'postgres://db.internal/onedoor' }).seedDemo, false);
    assert.equal(loadConfig({ DATABASE_URL: 'postgres://db.internal/onedoor', ONEDOOR_DEMO: '1' }).seedDemo, true);
  });

  it('names the variable in one plain line for each bad setting', () => {
    assert.deepEqual(problemsOf({ DATABASE_URL: 'mysql://localhost/x', PORT: 'eighty' }), [
      'PORT must be a whole number from 1 to 65535 (it is "eighty")',
      'DATABASE_URL is not a valid postgres:// URL',
    ]);
  });

  it('needs the administrator email and password together', () => {
    assert.deepEqual(problemsOf({ ONEDOOR_ADMIN_EMAIL: 'admin@council.gov.uk' }), [
      'ONEDOOR_ADMIN_PASSWORD must be set when ONEDOOR_ADMIN_EMAIL is',
    ]);
    assert.deepEqual(problemsOf({ ONEDOOR_ADMIN_EMAIL: 'not an email', ONEDOOR_ADMIN_PASSWORD: 'x' }), [
      'ONEDOOR_ADMIN_EMAIL is not an email address (it is "not an email")',
    ]);
  });

  it('refuses a PUBLIC_URL that is not a web address and a TRUST_PROXY that is not addresses', () => {
    assert.equal(problemsOf({ PUBLIC_URL: 'ftp://x' }).length, 1);
    assert.equal(problemsOf({ TRUST_PROXY: '10.0.0.0/8,loadbalancer' }).length, 1);
    assert.deepEqual(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.5' }).trustProxy, ['10.0.0.0/8', '192.168.1.5']);
  });

  it('lowers the administrator email so that it matches however it is typed at sign-in', () => {
    assert.equal(
      loadConfig({ ONEDOOR_ADMIN_EMAIL: 'Admin@Council.gov.uk', ONEDOOR_ADMIN_PASSWORD: 'pw' }).admin?.email,
      'admin@council.gov.uk',
    );
  });

  describe('notifications', () => {
    const KEY = 'onedoor_live-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0';
    const TEMPLATE = 'f33517ff-2a88-4f6e-b855-c550268ce08a';

    it('keeps messages in the outbox unless told otherwise', () => {
      assert.deepEqual(loadConfig({}).notifications, { sender: 'outbox' });
    });

    it('sends through GOV.UK Notify with a key and one template per channel', () => {
      const config = loadConfig({
        NOTIFICATIONS_SENDER: 'notify',
        NOTIFY_API_KEY: KEY,
        NOTIFY_TEMPLATE_EMAIL: TEMPLATE,
        NOTIFY_TEMPLATE_SMS: TEMPLATE,
        NOTIFY_TEMPLATE_LETTER: TEMPLATE,
      });
      assert.deepEqual(config.notifications, {
        sender: 'notify',
        apiKey: KEY,
        templates: { email: TEMPLATE, sms: TEMPLATE, letter: TEMPLATE },
      });
    });

    it('says what Notify lacks, and never repeats the key', () => {
      const problems = problemsOf({
        NOTIFICATIONS_SENDER: 'notify',
        NOTIFY_API_KEY: 'secret-but-wrong',
        NOTIFY_TEMPLATE_EMAIL: 'welcome',
      });
      assert.deepEqual(problems, [
        'NOTIFY_API_KEY is not a GOV.UK Notify API key (it should end with two UUIDs)',
        'NOTIFY_TEMPLATE_EMAIL must be a GOV.UK Notify template ID (a UUID; it is "welcome")',
        'NOTIFY_TEMPLATE_SMS must be set when NOTIFICATIONS_SENDER is notify',
        'NOTIFY_TEMPLATE_LETTER must be set when NOTIFICATIONS_SENDER is notify',
      ]);
      assert.ok(!problems.join('\n').includes('secret-but-wrong'));
    });

    it('sends email over SMTP from an address, and never repeats a URL that may hold a password', () => {
      assert.deepEqual(
        loadConfig({
          NOTIFICATIONS_SENDER: 'smtp',
          SMTP_URL: 'smtp://relay.council.example:25',
          SMTP_FROM: 'Council <noreply@council.example>',
        }).notifications,
        { sender: 'smtp', url: 'smtp://relay.council.example:25', from: 'Council <noreply@council.example>' },
      );
      const problems = problemsOf({ NOTIFICATIONS_SENDER: 'smtp', SMTP_URL: 'http://user:hunter2@relay', SMTP_FROM: 'nobody' });
      assert.deepEqual(problems, [
        'SMTP_URL is not a valid smtp:// or smtps:// URL',
        'SMTP_FROM is not an email address (it is "nobody")',
      ]);
    });

    it('writes messages to a directory when asked, and says where it must be', () => {
      const settings = loadConfig({ NOTIFICATIONS_SENDER: 'directory', NOTIFICATIONS_DIRECTORY: 'sent' }).notifications;
      assert.deepEqual(settings, { sender: 'directory', directory: path.resolve('sent') });
      assert.deepEqual(problemsOf({ NOTIFICATIONS_SENDER: 'directory' }), [
        'NOTIFICATIONS_DIRECTORY must be set when NOTIFICATIONS_SENDER is directory',
      ]);
    });

    it('refuses a sender it does not know', () => {
      assert.deepEqual(problemsOf({ NOTIFICATIONS_SENDER: 'pigeon' }), [
        'NOTIFICATIONS_SENDER must be outbox, directory, notify or smtp (it is "pigeon")',
      ]);
    });
  });

  it('has no map unless the council names its tiles and whose they are, and lets those tiles through its CSP', () => {
    assert.equal(loadConfig({}).mapTiles, null);
    const tiles = loadConfig({
      ONEDOOR_MAP_TILES: 'https://{s}.tile.example.org/{z}/{x}/{y}.png',
      ONEDOOR_MAP_ATTRIBUTION: '© Example mappers',
    }).mapTiles;
    assert.deepEqual(tiles, {
      url: 'https://{s}.tile.example.org/{z}/{x}/{y}.png',
      attribution: '© Example mappers',
      source: 'https://*.tile.example.org',
    });
    assert.throws(() => loadConfig({ ONEDOOR_MAP_TILES: 'https://tile.example.org/{z}/{x}/{y}.png' }), /ONEDOOR_MAP_ATTRIBUTION/);
    assert.throws(
      () => loadConfig({ ONEDOOR_MAP_TILES: 'tiles.example.org/tiles', ONEDOOR_MAP_ATTRIBUTION: 'x' }),
      /ONEDOOR_MAP_TILES must be an http\(s\) address/,
    );
  });

  it('keeps uploaded files in DATA_DIR/files unless FILES_DIR says where, and takes files up to 10 MiB', () => {
    const defaults = loadConfig({ DATA_DIR: '/var/lib/onedoor' }, '/srv/onedoor');
    assert.equal(defaults.filesDir, '/var/lib/onedoor/files');
    assert.equal(defaults.uploadMaxBytes, 10 * 1024 * 1024);
    const chosen = loadConfig({ FILES_DIR: 'uploads', UPLOAD_MAX_BYTES: '2097152' }, '/srv/onedoor');
    assert.equal(chosen.filesDir, '/srv/onedoor/uploads');
    assert.equal(chosen.uploadMaxBytes, 2 * 1024 * 1024);
    assert.deepEqual(problemsOf({ UPLOAD_MAX_BYTES: '10MB' }), [
      'UPLOAD_MAX_BYTES must be a whole number from 1024 to 1073741824 (it is "10MB")',
    ]);
  });
});

// The GOV.UK One Login settings: off unless configured, all or nothing, an https issuer, a usable
// private key, and never the key itself in a message.
const rsaKey = crypto
  .generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ format: 'pem', type: 'pkcs8' })
  .toString();
const ISSUER = 'https://oidc.integration.account.gov.uk/';

describe('GOV.UK One Login settings', () => {
  it('is off when nothing is set', () => {
    assert.equal(loadConfig({}, '/srv/onedoor').oneLogin, undefined);
  });

  it('takes the issuer, the client id and a PEM key, written out or on one line with \\n', () => {
    const settings = loadConfig(
      { ONE_LOGIN_ISSUER: ISSUER, ONE_LOGIN_CLIENT_ID: 'abc123', ONE_LOGIN_PRIVATE_KEY: rsaKey.replace(/\n/g, '\\n') },
      '/srv/onedoor',
    ).oneLogin;
    assert.ok(settings);
    assert.equal(settings.issuer, ISSUER);
    assert.equal(settings.clientId, 'abc123');
    assert.equal(settings.privateKey.asymmetricKeyType, 'rsa');
    assert.equal(settings.allowInsecureHttp, false);
    assert.ok(!JSON.stringify(settings).includes('PRIVATE KEY'), 'the key does not print');
  });

  it('reads the key from a file, and takes an EC P-256 key', () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'onedoor-key-'));
    const ecKey = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' });
    fs.writeFileSync(path.join(directory, 'one-login.pem'), ecKey);
    try {
      const settings = loadConfig(
        { ONE_LOGIN_ISSUER: ISSUER, ONE_LOGIN_CLIENT_ID: 'abc123', ONE_LOGIN_PRIVATE_KEY_FILE: 'one-login.pem' },
        directory,
      ).oneLogin;
      assert.equal(settings?.privateKey.asymmetricKeyType, 'ec');
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });

  it('says what is missing or wrong, in plain lines that never repeat the key', () => {
    assert.deepEqual(problemsOf({ ONE_LOGIN_ISSUER: ISSUER }), [
      'ONE_LOGIN_ISSUER and ONE_LOGIN_CLIENT_ID must both be set to use GOV.UK One Login, or neither',
    ]);
    assert.deepEqual(problemsOf({ ONE_LOGIN_ISSUER: ISSUER, ONE_LOGIN_CLIENT_ID: 'abc123' }), [
      'ONE_LOGIN_PRIVATE_KEY or ONE_LOGIN_PRIVATE_KEY_FILE must be set to use GOV.UK One Login (private_key_jwt)',
    ]);
    const notAKey = problemsOf({ ONE_LOGIN_ISSUER: ISSUER, ONE_LOGIN_CLIENT_ID: 'abc123', ONE_LOGIN_PRIVATE_KEY: 'secret-ish' });
    assert.deepEqual(notAKey, ['The One Login private key is not a PEM private key']);
    assert.deepEqual(
      problemsOf({ ONE_LOGIN_ISSUER: 'http://one-login.example/', ONE_LOGIN_CLIENT_ID: 'abc123', ONE_LOGIN_PRIVATE_KEY: rsaKey }),
      ['ONE_LOGIN_ISSUER must be an https:// URL (it is "http://one-login.example/")'],
    );
  });

  it('lets a local http:// test provider through only outside production', () => {
    const env = {
      ONE_LOGIN_ISSUER: 'http://127.0.0.1:4000/',
      ONE_LOGIN_CLIENT_ID: 'abc123',
      ONE_LOGIN_PRIVATE_KEY: rsaKey,
      ONE_LOGIN_ALLOW_INSECURE_HTTP: '1',
    };
    assert.equal(loadConfig(env, '/srv/onedoor').oneLogin?.allowInsecureHttp, true);
    assert.deepEqual(problemsOf({ ...env, NODE_ENV: 'production' }), [
      'ONE_LOGIN_ALLOW_INSECURE_HTTP is for a local test provider only: it cannot be set when NODE_ENV is production',
      'ONE_LOGIN_ISSUER must be an https:// URL (it is "http://127.0.0.1:4000/")',
    ]);
  });
});

describe('the inbound email mailbox (IMAP_URL)', () => {
  it('is off when nothing is set', () => {
    assert.equal(loadConfig({}, '/srv/onedoor').imap, undefined);
  });

  it('reads the host, port, user, password and mailbox from one URL, and never shows the password', () => {
    const config = loadConfig(
      { IMAP_URL: 'imaps://contact%40council.example:s%3Dcret@mail.council.example/Resident%20mail', IMAP_COUNCIL: 'borough' },
      '/srv/onedoor',
    );
    assert.deepEqual(
      { ...config.imap },
      {
        host: 'mail.council.example',
        port: 993,
        secure: true,
        user: 'contact@council.example',
        mailbox: 'Resident mail',
        council: 'borough',
      },
    );
    assert.equal(config.imap?.password, 's=cret');
    assert.doesNotMatch(JSON.stringify(config), /s=cret|s%3Dcret/);
    const plain = loadConfig({ IMAP_URL: 'imap://u:p@127.0.0.1:1143' }, '/srv/onedoor').imap;
    assert.equal(plain?.secure, false);
    assert.equal(plain?.port, 1143);
    assert.equal(plain?.mailbox, 'INBOX');
  });

  it('says what is wrong without repeating the password', () => {
    assert.deepEqual(problemsOf({ IMAP_URL: 'https://u:secret@mail.example' }), [
      'IMAP_URL is not a valid imaps:// or imap:// URL (imaps://user:password@host:993/INBOX)',
    ]);
    assert.deepEqual(problemsOf({ IMAP_URL: 'imaps://mail.example/INBOX' }), [
      'IMAP_URL must include the user name and password (imaps://user:password@host:993/INBOX)',
    ]);
    assert.deepEqual(problemsOf({ IMAP_COUNCIL: 'borough' }), ['IMAP_URL must be set when IMAP_COUNCIL is']);
    assert.deepEqual(problemsOf({ IMAP_URL: 'imaps://u:secret@mail.example', IMAP_COUNCIL: 'Not A Code' }), [
      'IMAP_COUNCIL must be an organisation code (it is "Not A Code")',
    ]);
    assert.deepEqual(problemsOf({ IMAP_URL: 'not a url' }), [
      'IMAP_URL is not a valid imaps:// or imap:// URL (imaps://user:password@host:993/INBOX)',
    ]);
    assert.deepEqual(problemsOf({ IMAP_URL: 'imaps:///INBOX' }), [
      'IMAP_URL is not a valid imaps:// or imap:// URL (imaps://user:password@host:993/INBOX)',
    ]);
    const badlyEncoded = problemsOf({ IMAP_URL: 'imaps://u:s%ZZcret@mail.example' });
    assert.deepEqual(badlyEncoded, [
      'IMAP_URL has a badly encoded user name, password or mailbox (use %XX for special characters)',
    ]);
    assert.doesNotMatch(badlyEncoded.join(' '), /cret/);
  });
});
