// The single-use links a resident is emailed: to confirm their address (good for 24 hours) and to
// set a new password (good for 1 hour). The link carries 256 random bits; only their SHA-256 is
// stored, so a copy of the database opens no account. And where a signed-in resident may be sent
// back to: a path on this site, never another site.
import crypto from 'node:crypto';
import type { ResidentTokenPurpose } from '../../db/schema.ts';

export type TokenPurpose = ResidentTokenPurpose;

export const TOKEN_LIFETIME_MS: Record<TokenPurpose, number> = {
  confirm_email: 24 * 60 * 60_000,
  reset_password: 60 * 60_000,
};

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** A new token for a link, and the hash to store in its place. */
export function newToken(): { token: string; hash: string } {
  const token = crypto.randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/** Whether `value` could be a token at all (anything else is not looked up). */
export function isTokenShaped(value: unknown): value is string {
  return typeof value === 'string' && TOKEN_SHAPE.test(value);
}

export function expiryOf(purpose: TokenPurpose, now: Date): Date {
  return new Date(now.getTime() + TOKEN_LIFETIME_MS[purpose]);
}

export type TokenState = 'valid' | 'used' | 'expired' | 'unknown';

/** What a stored token (or none) is worth for `purpose` at `now`. */
export function tokenState(
  stored: { purpose: TokenPurpose; expiresAt: Date; usedAt: Date | null } | undefined,
  purpose: TokenPurpose,
  now: Date,
): TokenState {
  if (!stored || stored.purpose !== purpose) return 'unknown';
  if (stored.usedAt !== null) return 'used';
  if (stored.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'valid';
}

export const REQUESTS_PATH = '/account/requests';

/**
 * Where to go after signing in: a path on this site only (`/…`, not `//host` nor `/\host`,
 * which browsers read as another site), else the resident's requests.
 */
export function safeReturnPath(value: unknown): string {
  if (typeof value !== 'string' || value.length > 2000) return REQUESTS_PATH;
  // eslint-disable-next-line no-control-regex
  if (!/^\/(?![/\\])/.test(value) || value.includes('\\') || /[\u0000-\u001f\u007f]/.test(value)) return REQUESTS_PATH;
  // The staff desktop has its own sign-in; the account pages would only loop.
  if (/^\/(staff|account\/(sign-in|sign-out|register|reset|confirm))(\/|\?|$)/.test(value)) return REQUESTS_PATH;
  return value;
}
