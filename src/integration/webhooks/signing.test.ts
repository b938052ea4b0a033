// Signing a delivery and checking it as a receiver does.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newWebhookSecret, signWebhook, signatureHeader, verifyWebhookSignature } from './signing.ts';

const SECRET = 'whsec_test';
const BODY = '{"id":"e1","type":"case.created"}';
const T = 1_700_000_000;

describe('signing a webhook delivery', () => {
  it('is the hex HMAC-SHA256 of "<t>.<body>" keyed with the secret (as any HMAC library computes it)', () => {
    // Worked out independently with Python: hmac.new(b'whsec_test', b'1700000000.' + body, sha256).hexdigest()
    assert.equal(signWebhook(SECRET, T, BODY), '64616e62d58981fcb7a8e3a5f4a96d820864f7efb3c51196e377b7275fdb7d0f');
    assert.equal(signWebhook(SECRET, T, Buffer.from(BODY)), signWebhook(SECRET, T, BODY));
    assert.equal(
      signatureHeader(SECRET, T, BODY),
      't=1700000000,v1=64616e62d58981fcb7a8e3a5f4a96d820864f7efb3c51196e377b7275fdb7d0f',
    );
  });

  it('makes secrets that are long, random and recognisable', () => {
    const secrets = new Set(Array.from({ length: 50 }, () => newWebhookSecret()));
    assert.equal(secrets.size, 50);
    for (const secret of secrets) assert.match(secret, /^whsec_[A-Za-z0-9_-]{43}$/);
  });
});

describe('verifying a webhook signature', () => {
  const header = signatureHeader(SECRET, T, BODY);

  it('accepts the delivery as it was sent, as text or as the raw bytes', () => {
    assert.deepEqual(verifyWebhookSignature({ secret: SECRET, header, body: BODY, now: T }), { ok: true, timestamp: T });
    assert.deepEqual(verifyWebhookSignature({ secret: SECRET, header, body: Buffer.from(BODY), now: T + 299 }), {
      ok: true,
      timestamp: T,
    });
  });

  it('refuses a body changed by one character, or signed with another secret', () => {
    assert.deepEqual(verifyWebhookSignature({ secret: SECRET, header, body: BODY.replace('e1', 'e2'), now: T }), {
      ok: false,
      reason: 'mismatch',
    });
    assert.deepEqual(verifyWebhookSignature({ secret: 'whsec_other', header, body: BODY, now: T }), {
      ok: false,
      reason: 'mismatch',
    });
  });

  it('refuses a signature moved to another time (the time is signed too)', () => {
    const moved = header.replace(`t=${T}`, `t=${T + 60}`);
    assert.deepEqual(verifyWebhookSignature({ secret: SECRET, header: moved, body: BODY, now: T + 60 }), {
      ok: false,
      reason: 'mismatch',
    });
  });

  it('refuses a delivery older or newer than the tolerance: a replay', () => {
    assert.deepEqual(verifyWebhookSignature({ secret: SECRET, header, body: BODY, now: T + 301 }), {
      ok: false,
      reason: 'too_old',
    });
    assert.deepEqual(verifyWebhookSignature({ secret: SECRET, header, body: BODY, now: T - 301 }), {
      ok: false,
      reason: 'too_new',
    });
    assert.equal(verifyWebhookSignature({ secret: SECRET, header, body: BODY, now: T + 3000, toleranceSeconds: 3600 }).ok, true);
  });

  it('accepts any one of several v1 signatures, and ignores schemes it does not know', () => {
    const other = signWebhook('whsec_old', T, BODY);
    const several = `t=${T},v1=${other},v0=abc,v1=${signWebhook(SECRET, T, BODY)}`;
    assert.equal(verifyWebhookSignature({ secret: SECRET, header: several, body: BODY, now: T }).ok, true);
  });

  it('refuses headers that are missing or malformed without throwing', () => {
    for (const bad of [
      undefined,
      null,
      '',
      `v1=${signWebhook(SECRET, T, BODY)}`,
      `t=${T}`,
      `t=soon,v1=${signWebhook(SECRET, T, BODY)}`,
      `t=${T},v1=not-hex`,
      `t=${T},v1=${signWebhook(SECRET, T, BODY).slice(0, 40)}`,
      `t=${T},v1==${signWebhook(SECRET, T, BODY)}`,
      'x'.repeat(5000),
    ])
      assert.deepEqual(verifyWebhookSignature({ secret: SECRET, header: bad, body: BODY, now: T }), {
        ok: false,
        reason: 'malformed',
      });
  });
});
