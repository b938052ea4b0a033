import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  REQUESTS_PATH,
  TOKEN_LIFETIME_MS,
  expiryOf,
  hashToken,
  isTokenShaped,
  newToken,
  safeReturnPath,
  tokenState,
} from './tokens.ts';

describe('account link tokens', () => {
  const now = new Date('2026-03-02T10:00:00Z');

  it('makes a 43-character URL-safe token and stores only its SHA-256', () => {
    const { token, hash } = newToken();
    assert.ok(isTokenShaped(token));
    assert.equal(hash, hashToken(token));
    assert.match(hash, /^[0-9a-f]{64}$/);
    assert.ok(!hash.includes(token));
    assert.notEqual(newToken().token, token, 'each token is new');
  });

  it('refuses to look up anything not shaped like a token', () => {
    for (const value of ['', 'short', `${'a'.repeat(42)}!`, 'a'.repeat(44), '../../etc/passwd', undefined])
      assert.equal(isTokenShaped(value), false, String(value));
  });

  it('keeps an email confirmation link for 24 hours and a password reset link for 1 hour', () => {
    assert.equal(TOKEN_LIFETIME_MS.confirm_email, 86_400_000);
    assert.equal(TOKEN_LIFETIME_MS.reset_password, 3_600_000);
    assert.equal(expiryOf('reset_password', now).toISOString(), '2026-03-02T11:00:00.000Z');
    assert.equal(expiryOf('confirm_email', now).toISOString(), '2026-03-03T10:00:00.000Z');
  });

  it('takes a token while it is unused and unexpired, for its own purpose only', () => {
    const stored = { purpose: 'reset_password' as const, expiresAt: expiryOf('reset_password', now), usedAt: null };
    assert.equal(tokenState(stored, 'reset_password', now), 'valid');
    assert.equal(tokenState(stored, 'reset_password', new Date(now.getTime() + 3_599_999)), 'valid');
    assert.equal(tokenState(stored, 'reset_password', new Date(now.getTime() + 3_600_000)), 'expired');
    assert.equal(tokenState({ ...stored, usedAt: now }, 'reset_password', now), 'used');
    assert.equal(tokenState(stored, 'confirm_email', now), 'unknown', 'a reset link does not confirm an address');
    assert.equal(tokenState(undefined, 'reset_password', now), 'unknown');
  });
});

describe('where a resident goes back to after signing in', () => {
  it('follows a path on this site', () => {
    assert.equal(safeReturnPath('/account/requests/ODR-7K4M-2Q9P'), '/account/requests/ODR-7K4M-2Q9P');
    assert.equal(safeReturnPath('/services/potholes/start?x=1'), '/services/potholes/start?x=1');
  });

  it('never another site, a staff page or a loop, and goes to the requests otherwise', () => {
    for (const value of [
      'https://evil.example/',
      '//evil.example/',
      '/\\evil.example',
      '/a\r\nLocation: https://evil.example',
      'javascript:alert(1)',
      '/staff',
      '/account/sign-in?returnTo=/x',
      '',
      undefined,
      ['/account/requests'],
    ])
      assert.equal(safeReturnPath(value), REQUESTS_PATH, JSON.stringify(value));
  });
});
