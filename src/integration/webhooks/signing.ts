// Signing webhook deliveries, and checking a signature as a receiver does. Pure: no I/O.
//
// The `OneDoor-Signature` header is `t=<unix seconds>,v1=<hex HMAC-SHA256>`, the HMAC keyed with
// the subscription's secret (the whole `whsec_…` string, as UTF-8) over `<t>.<raw body>`. The time
// inside the signed text stops an old delivery being replayed later; receivers refuse a `t` further
// from their clock than a tolerance (5 minutes by default) and dedupe by `OneDoor-Delivery`.
import crypto from 'node:crypto';

export const SIGNATURE_HEADER = 'OneDoor-Signature';
export const EVENT_HEADER = 'OneDoor-Event';
export const DELIVERY_HEADER = 'OneDoor-Delivery';
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** A new signing secret: `whsec_` and 32 random bytes, base64url. */
export function newWebhookSecret(): string {
  return `whsec_${crypto.randomBytes(32).toString('base64url')}`;
}

/** The hex HMAC-SHA256 of `<timestamp>.<body>` under `secret`. */
export function signWebhook(secret: string, timestamp: number, body: string | Buffer): string {
  return crypto.createHmac('sha256', secret).update(`${timestamp}.`, 'utf8').update(body).digest('hex');
}

/** The `OneDoor-Signature` header's value for `body` sent at `timestamp` (unix seconds). */
export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${signWebhook(secret, timestamp, body)}`;
}

export type VerificationResult =
  { ok: true; timestamp: number } | { ok: false; reason: 'malformed' | 'too_old' | 'too_new' | 'mismatch' };

/**
 * Checks a delivery as a receiver should: the header is well formed, its time is within
 * `toleranceSeconds` of now, and one of its `v1` signatures is the HMAC of `<t>.<body>` (compared
 * in constant time). `body` must be the raw bytes received, before any JSON parsing.
 */
export function verifyWebhookSignature(input: {
  secret: string;
  header: string | null | undefined;
  body: string | Buffer;
  toleranceSeconds?: number;
  /** Unix seconds; the clock by default. */
  now?: number;
}): VerificationResult {
  const { secret, header } = input;
  if (typeof header !== 'string' || header.length > 2000) return { ok: false, reason: 'malformed' };
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [key, value, ...rest] = part.trim().split('=');
    if (rest.length > 0 || value === undefined) return { ok: false, reason: 'malformed' };
    if (key === 't') {
      if (!/^\d{1,12}$/.test(value)) return { ok: false, reason: 'malformed' };
      timestamp = Number(value);
    } else if (key === 'v1') {
      if (!/^[0-9a-f]{64}$/.test(value)) return { ok: false, reason: 'malformed' };
      signatures.push(value);
    }
  }
  if (timestamp === undefined || signatures.length === 0) return { ok: false, reason: 'malformed' };
  const now = input.now ?? Math.floor(Date.now() / 1000);
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (timestamp < now - tolerance) return { ok: false, reason: 'too_old' };
  if (timestamp > now + tolerance) return { ok: false, reason: 'too_new' };
  const expected = Buffer.from(signWebhook(secret, timestamp, input.body), 'hex');
  const matches = signatures.some((signature) => crypto.timingSafeEqual(Buffer.from(signature, 'hex'), expected));
  return matches ? { ok: true, timestamp } : { ok: false, reason: 'mismatch' };
}
