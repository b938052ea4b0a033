// Case references and tracking tokens. A reference (ODR-7K4M-2Q9P) is read out on the phone, so
// it uses Crockford's base32 (no I, L, O or U to mistake for 1, 0 or V); 40 random bits make it
// unguessable enough for a phone call. The web never accepts a reference alone: a resident's
// tracking link carries a separate 256-bit token.
import crypto from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const REFERENCE_PATTERN = '^ODR-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$';
const referencePattern = new RegExp(REFERENCE_PATTERN);

export function newCaseReference(random: (size: number) => Buffer = crypto.randomBytes): string {
  return newReference('ODR', random);
}

/** A reference like a case's with another prefix (complaints are CMP-…), so it is never mistaken for a case's. */
export function newReference(prefix: string, random: (size: number) => Buffer = crypto.randomBytes): string {
  const bytes = random(5);
  let bits = 0n;
  for (const byte of bytes) bits = (bits << 8n) | BigInt(byte);
  let characters = '';
  for (let index = 0; index < 8; index++) {
    characters = CROCKFORD[Number(bits & 31n)] + characters;
    bits >>= 5n;
  }
  return `${prefix}-${characters.slice(0, 4)}-${characters.slice(4)}`;
}

/**
 * A reference as a person might type or say it — lower case, spaces, dashes missing, O for 0,
 * I or L for 1 — in its one written form, or undefined when it cannot be one.
 */
export function normaliseCaseReference(text: string): string | undefined {
  return normaliseReference('ODR', text);
}

/** The same for a reference with another prefix: it must have that prefix or none. */
export function normaliseReference(prefix: string, text: string): string | undefined {
  const compact = text
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(new RegExp(`^${prefix}`), '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (compact.length !== 8 || !/^[0-9A-HJKMNP-TV-Z]{8}$/.test(compact)) return undefined;
  return `${prefix}-${compact.slice(0, 4)}-${compact.slice(4)}`;
}

export function isCaseReference(text: string): boolean {
  return referencePattern.test(text);
}

/** The secret in a resident's tracking link: 32 random bytes, base64url (43 characters). */
export function newTrackingToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

export function isTrackingToken(text: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(text);
}
