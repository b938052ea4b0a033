import assert from 'node:assert/strict';
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
