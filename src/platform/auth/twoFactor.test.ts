import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { acceptCode, codeFor, newSecret, setUpDetails } from './twoFactor.ts';

describe('two-factor codes', () => {
  const secret = newSecret();
  const now = Date.UTC(2026, 10, 23, 9, 30, 0);

  it('accepts the current code and returns its time step', () => {
    assert.equal(acceptCode(secret, codeFor(secret, now), null, now), Math.floor(now / 30_000));
  });

  it('accepts a code from the previous step, for a slow clock', () => {
    assert.ok(acceptCode(secret, codeFor(secret, now - 30_000), null, now));
  });

  it('refuses a code from two minutes ago', () => {
    assert.equal(acceptCode(secret, codeFor(secret, now - 120_000), null, now), undefined);
  });

  it('refuses the same code a second time', () => {
    const step = acceptCode(secret, codeFor(secret, now), null, now);
    assert.equal(acceptCode(secret, codeFor(secret, now), step ?? null, now), undefined);
  });

  it('refuses anything that is not six digits, but ignores spaces', () => {
    assert.equal(acceptCode(secret, 'abcdef', null, now), undefined);
    const code = codeFor(secret, now);
    assert.ok(acceptCode(secret, `${code.slice(0, 3)} ${code.slice(3)}`, null, now));
  });

  it('gives an otpauth URI and a QR code for the authenticator app', async () => {
    const details = await setUpDetails(secret, 'advisor@example.gov.uk');
    assert.match(details.uri, /^otpauth:\/\/totp\/OneDoor:advisor%40example\.gov\.uk\?/);
    assert.match(details.qrSvg, /^<svg/);
    assert.equal(details.key.replaceAll(' ', ''), secret);
  });
});
