// Signing staff in and out, changing passwords, and the second factor. Every sign-in, success
// or failure, goes to the audit trail. A refusal never says whether the account exists.
import type { Db } from '../../db/database.ts';
import type { StaffActor } from '../actor.ts';
import { recordAudit } from '../audit/audit.ts';
import { Invalid } from '../errors.ts';
import { hashPassword, passwordProblem, verifyAgainstDecoy, verifyPassword } from '../passwords.ts';
import { sessionKey } from '../sessions.ts';
import * as repo from './repo.ts';
import { ACCOUNT_RULE, ADDRESS_RULE, accountKey, addressKey, clearFailures, lockedUntil, recordFailure } from './throttle.ts';
import { acceptCode, newSecret, setUpDetails } from './twoFactor.ts';

export type SignInResult =
  | { kind: 'signedIn'; userId: string }
  | { kind: 'secondFactorNeeded'; userId: string }
  | { kind: 'refused' }
  | { kind: 'locked'; minutes: number };

export interface SignedInStaff {
  actor: StaffActor;
  /** Set by an administrator's reset: nothing else until the password is changed. */
  mustChangePassword: boolean;
  /** A role of theirs needs a second factor and they have none yet. */
  mustSetUpTwoFactor: boolean;
}

function minutesUntil(until: Date): number {
  return Math.max(1, Math.ceil((until.getTime() - Date.now()) / 60_000));
}

export function createAuthService(db: Db) {
  async function isLocked(email: string, ip: string): Promise<Date | null> {
    return await lockedUntil(db, [accountKey(email), addressKey(ip)]);
  }

  async function fail(email: string, ip: string): Promise<void> {
    await recordFailure(db, accountKey(email), ACCOUNT_RULE);
    await recordFailure(db, addressKey(ip), ADDRESS_RULE);
  }

  return {
    async signIn({ email, password, ip }: { email: string; password: string; ip: string }): Promise<SignInResult> {
      const normalised = email.trim().toLowerCase();
      const locked = await isLocked(normalised, ip);
      const user = await repo.findCredentialsByEmail(db, normalised);
      const subject = user && { id: user.id, label: user.email };
      if (locked) {
        await recordAudit(db, null, { action: 'sign_in.locked', organisationId: user?.organisationId ?? null, subject, ip });
        return { kind: 'locked', minutes: minutesUntil(locked) };
      }

      const passwordRight = user ? await verifyPassword(user.passwordHash, password) : await verifyAgainstDecoy(password);
      if (!user || !passwordRight || !user.active) {
        await fail(normalised, ip);
        const reason = !user ? 'unknown_account' : !passwordRight ? 'wrong_password' : 'deactivated';
        await recordAudit(db, null, {
          action: 'sign_in.failure',
          organisationId: user?.organisationId ?? null,
          subject,
          ip,
          details: { reason },
        });
        const lockedNow = await isLocked(normalised, ip);
        return lockedNow ? { kind: 'locked', minutes: minutesUntil(lockedNow) } : { kind: 'refused' };
      }

      await clearFailures(db, accountKey(normalised));
      if (user.twoFactorEnabled) return { kind: 'secondFactorNeeded', userId: user.id };
      await db.transaction().execute(async (trx) => {
        await repo.recordSignIn(trx, user.id);
        await recordAudit(trx, null, { action: 'sign_in.success', organisationId: user.organisationId, subject, ip });
      });
      return { kind: 'signedIn', userId: user.id };
    },

    /** The second step, after a right password, for someone with an authenticator app. */
    async verifySecondFactor({
      userId,
      code,
      ip,
    }: {
      userId: string;
      code: string;
      ip: string;
    }): Promise<'ok' | 'wrong' | { locked: number }> {
      const user = await repo.findCredentials(db, userId);
      if (!user || !user.active || !user.twoFactorSecret) return 'wrong';
      const subject = { id: user.id, label: user.email };
      const locked = await isLocked(user.email, ip);
      if (locked) return { locked: minutesUntil(locked) };
      const step = acceptCode(user.twoFactorSecret, code, user.lastTwoFactorStep);
      if (step === undefined) {
        await fail(user.email, ip);
        await recordAudit(db, null, {
          action: 'sign_in.failure',
          organisationId: user.organisationId,
          subject,
          ip,
          details: { reason: 'wrong_code' },
        });
        const lockedNow = await isLocked(user.email, ip);
        return lockedNow ? { locked: minutesUntil(lockedNow) } : 'wrong';
      }
      await clearFailures(db, accountKey(user.email));
      await db.transaction().execute(async (trx) => {
        await repo.recordSignIn(trx, user.id, step);
        await recordAudit(trx, null, {
          action: 'sign_in.success',
          organisationId: user.organisationId,
          subject,
          ip,
          details: { secondFactor: true },
        });
      });
      return 'ok';
    },

    /** The person behind a session, or null if the account has gone or been deactivated. */
    async signedInStaff(userId: string, ip: string | null): Promise<SignedInStaff | null> {
      const person = await repo.findSignedInPerson(db, userId);
      if (!person) return null;
      const { mustChangePassword, twoFactorEnabled, twoFactorRequired, ...identity } = person;
      return {
        actor: { kind: 'staff', ...identity, ip },
        mustChangePassword,
        mustSetUpTwoFactor: twoFactorRequired && !twoFactorEnabled,
      };
    },

    async signedOut(actor: StaffActor): Promise<void> {
      await recordAudit(db, actor, {
        action: 'sign_out',
        organisationId: actor.organisationId,
        recordType: 'staff_user',
        recordId: actor.id,
      });
    },

    /** Changes one's own password; other sessions end, the current one (`sessionId`) stays. */
    async changePassword(actor: StaffActor, input: { current: string; next: string }, sessionId: string): Promise<void> {
      const user = await repo.findCredentials(db, actor.id);
      if (!user || !(await verifyPassword(user.passwordHash, input.current))) {
        throw new Invalid([{ field: 'currentPassword', message: 'passwords.errors.currentWrong' }]);
      }
      const problem = passwordProblem(input.next, { email: actor.email, name: actor.name });
      if (problem) throw new Invalid([{ field: 'newPassword', message: `passwords.errors.${problem}` }]);
      if (input.next === input.current) throw new Invalid([{ field: 'newPassword', message: 'passwords.errors.sameAsCurrent' }]);
      const passwordHash = await hashPassword(input.next);
      await db.transaction().execute(async (trx) => {
        await repo.setPassword(trx, actor.id, passwordHash);
        await repo.endOtherSessions(trx, actor.id, sessionKey(sessionId));
        await recordAudit(trx, actor, {
          action: 'user.change_password',
          organisationId: actor.organisationId,
          recordType: 'staff_user',
          recordId: actor.id,
        });
      });
    },

    /** A new secret for the set-up page; it is only stored once a code from it is confirmed. */
    async startTwoFactorSetUp(actor: StaffActor, existingSecret?: string) {
      const secret = existingSecret ?? newSecret();
      return { secret, ...(await setUpDetails(secret, actor.email)) };
    },

    async confirmTwoFactorSetUp(actor: StaffActor, secret: string, code: string): Promise<boolean> {
      const step = acceptCode(secret, code, null);
      if (step === undefined) return false;
      await db.transaction().execute(async (trx) => {
        await repo.enableTwoFactor(trx, actor.id, secret, step);
        await recordAudit(trx, actor, {
          action: 'user.enable_two_factor',
          organisationId: actor.organisationId,
          recordType: 'staff_user',
          recordId: actor.id,
        });
      });
      return true;
    },

    /** Turns off one's own second factor, unless a role of theirs requires it. */
    async turnOffTwoFactor(actor: StaffActor): Promise<boolean> {
      const person = await repo.findSignedInPerson(db, actor.id);
      if (!person || person.twoFactorRequired) return false;
      await db.transaction().execute(async (trx) => {
        await repo.disableTwoFactor(trx, actor.id);
        await recordAudit(trx, actor, {
          action: 'user.disable_two_factor',
          organisationId: actor.organisationId,
          recordType: 'staff_user',
          recordId: actor.id,
        });
      });
      return true;
    },

    async twoFactorStatus(actor: StaffActor): Promise<{ enabled: boolean; required: boolean }> {
      const person = await repo.findSignedInPerson(db, actor.id);
      return { enabled: person?.twoFactorEnabled ?? false, required: person?.twoFactorRequired ?? false };
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
