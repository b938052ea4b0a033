// The GOV.UK One Login settings (read in src/config.ts): off unless configured, all or nothing,
// an https issuer, a usable private key, and never the key itself in a message.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../config.ts';

const rsaKey = crypto
  .generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ format: 'pem', type: 'pkcs8' })
  .toString();
const ISSUER = 'https://oidc.integration.account.gov.uk/';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, '/srv/onedoor');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

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
