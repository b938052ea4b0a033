// Time-based one-time codes (RFC 6238) from an authenticator app, with each code usable once.
import * as OTPAuth from 'otpauth';

const PERIOD_SECONDS = 30;

export function newSecret(): string {
  return new OTPAuth.Secret({ size: 20 }).base32;
}

function totp(secret: string, label = ''): OTPAuth.TOTP {
  return new OTPAuth.TOTP({
    issuer: 'OneDoor',
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD_SECONDS,
    secret: OTPAuth.Secret.fromBase32(secret),
  });
}

/**
 * The time step of `code` if it is right now (or one step either side, for clock drift) and
 * later than `lastStep`, the step of the last code accepted; otherwise undefined.
 */
export function acceptCode(secret: string, code: string, lastStep: number | null, now = Date.now()): number | undefined {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return undefined;
  const delta = totp(secret).validate({ token, timestamp: now, window: 1 });
  if (delta === null) return undefined;
  const step = Math.floor(now / 1000 / PERIOD_SECONDS) + delta;
  return lastStep !== null && step <= lastStep ? undefined : step;
}

export function codeFor(secret: string, now = Date.now()): string {
  return totp(secret).generate({ timestamp: now });
}

/** What the set-up page shows: a QR code to scan and the key to type in by hand. */
export async function setUpDetails(secret: string, email: string): Promise<{ uri: string; qrSvg: string; key: string }> {
  const uri = totp(secret, email).toString();
  const { default: QRCode } = await import('qrcode');
  const qrSvg = await QRCode.toString(uri, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
  const key = secret.match(/.{1,4}/g)?.join(' ') ?? secret;
  return { uri, qrSvg, key };
}
