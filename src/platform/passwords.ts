// Staff passwords: argon2id hashes, and the NCSC's advice for choosing them: a minimum length
// and a deny-list of common passwords, with no composition rules (no "one capital, one symbol").
import { hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

// OWASP's argon2id baseline: 19 MiB of memory, two passes, one lane.
const ARGON2_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

let commonPasswords: Set<string> | undefined;
function isCommon(candidate: string): boolean {
  commonPasswords ??= new Set(dictionary['passwords-common'].map((word) => word.toLowerCase()));
  return commonPasswords.has(candidate);
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// A hash of a random password, verified when the account does not exist so that a wrong email
// takes as long to refuse as a wrong password.
let decoyHash: Promise<string> | undefined;
export async function verifyAgainstDecoy(password: string): Promise<false> {
  decoyHash ??= hashPassword(`decoy-${Math.random()}-${Date.now()}`);
  await verifyPassword(await decoyHash, password);
  return false;
}

/** The i18n key of the first rule a new password breaks, or undefined when it is acceptable. */
export type PasswordProblem = 'tooShort' | 'tooLong' | 'common' | 'personal';

export function passwordProblem(
  password: string,
  context: { email?: string; name?: string; words?: string[] } = {},
): PasswordProblem | undefined {
  if ([...password].length < MIN_PASSWORD_LENGTH) return 'tooShort';
  if ([...password].length > MAX_PASSWORD_LENGTH) return 'tooLong';

  const lower = password.toLowerCase();
  const core = lower.replace(/[\d\W_]+$/u, '').replace(/^[\d\W_]+/u, '');
  if (isCommon(lower) || isCommon(core) || new Set(lower).size <= 2) return 'common';

  const personal = [
    context.email,
    context.email?.split('@')[0],
    ...(context.name?.toLowerCase().split(/\s+/) ?? []),
    ...(context.words ?? []),
    'onedoor',
  ]
    .filter((word): word is string => typeof word === 'string' && word.length >= 4)
    .map((word) => word.toLowerCase());
  if (personal.some((word) => core === word || core.replaceAll(word, '').length < 4)) return 'personal';
  return undefined;
}
