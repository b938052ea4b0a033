// Resident accounts on the portal: registering (which makes the customer record the account
// belongs to), confirming the email address, signing in, and resetting a forgotten password.
// Nothing here says whether an address has an account: registering a taken address and asking
// to reset an unknown one answer exactly as the ordinary case does, and the owner of the address
// is told by email instead. Each change commits in one transaction with its audit record and
// the email it sends.
import crypto from 'node:crypto';
import { createCustomerIn } from '../../customers/service.ts';
import { isUniqueViolation, type Db, type Queryable, type Tx } from '../../db/database.ts';
import { systemActor } from '../../platform/actor.ts';
import { recordAudit } from '../../platform/audit/audit.ts';
import { clearFailures, lockedUntil, recordFailure, type ThrottleRule } from '../../platform/auth/throttle.ts';
import { Invalid, NotFound } from '../../platform/errors.ts';
import { isUuid } from '../../platform/ids.ts';
import { queueNotification } from '../../platform/notifications/outbox.ts';
import { hashPassword, passwordProblem, verifyAgainstDecoy, verifyPassword } from '../../platform/passwords.ts';
import { endResidentSessions } from '../../platform/sessions.ts';
import { customerNamesOf } from './names.ts';
import * as repo from './repo.ts';
import { expiryOf, hashToken, isTokenShaped, newToken, tokenState, type TokenPurpose, type TokenState } from './tokens.ts';

/** The resident signed in on a request, as the portal's journeys need them. */
export interface SignedInResident {
  accountId: string;
  customerId: string;
  councilId: string;
  name: string;
  email: string;
}

/** Whatever carries the session (a Fastify request): only the resident's key is read. */
export interface SessionCarrier {
  session?: { residentAccountId?: unknown } | null;
}

export type AccountLanguage = 'en' | 'cy';

/** What a return from GOV.UK One Login comes to. */
export type OneLoginSignInResult =
  | { kind: 'signedIn'; resident: SignedInResident }
  /** A new resident: their full name is needed before their account and customer record are made. */
  | { kind: 'needsName' }
  /**
   * Not signed in: no verified email address to find or make an account by, or the account with
   * that address is linked to another One Login.
   */
  | { kind: 'refused'; reason: 'unverified_email' | 'linked_elsewhere' };

export type ResidentSignInResult =
  | { kind: 'signedIn'; resident: SignedInResident }
  | { kind: 'unconfirmed'; accountId: string }
  | { kind: 'refused' }
  | { kind: 'locked'; minutes: number };

// A resident has fewer tries than the staff rule allows an address: most people have one or two devices.
const ACCOUNT_RULE: ThrottleRule = { maxFailures: 5, windowMinutes: 15, lockMinutes: 15 };
const ADDRESS_RULE: ThrottleRule = { maxFailures: 20, windowMinutes: 15, lockMinutes: 15 };
const accountKey = (email: string) => `resident-account:${email}`;
const addressKey = (ip: string) => `resident-address:${ip}`;

/** The audit trail's name for the resident: their account, by address. */
const subjectOf = (account: { id: string; email: string }) => ({ id: account.id, label: account.email });

class AddressTaken extends Error {}
/** An address or One Login subject taken by another request between reading and writing. */
class TakenMeanwhile extends Error {}

export interface ResidentAccountsDependencies {
  /** The council whose portal this is. */
  portalCouncil(): Promise<string | undefined>;
  /** The address links in emails start with, e.g. https://council.example. */
  publicUrl: string;
  now?: () => Date;
}

export function createResidentAccountsService(db: Db, dependencies: ResidentAccountsDependencies) {
  const now = dependencies.now ?? (() => new Date());

  async function councilId(): Promise<string> {
    const id = await dependencies.portalCouncil();
    if (!id) throw new NotFound('council');
    return id;
  }

  const linkTo = (path: string) => new URL(path, dependencies.publicUrl).toString();

  /**
   * A resident's account with the customer record it stands on, and its audit record, in the
   * caller's transaction; undefined when the address (or One Login subject) has an account already.
   */
  async function createAccount(
    trx: Tx,
    account: {
      council: string;
      name: string;
      names: NonNullable<ReturnType<typeof customerNamesOf>>;
      email: string;
      language: AccountLanguage;
      ip: string;
      credential: { passwordHash: string } | { oneLoginSub: string };
    },
  ): Promise<string | undefined> {
    const oneLogin = 'oneLoginSub' in account.credential;
    const customer = await createCustomerIn(
      trx,
      systemActor(oneLogin ? 'portal:one-login' : 'portal:register'),
      account.council,
      {
        kind: 'person',
        ...account.names,
        email: account.email,
        preferredLanguage: account.language,
        preferredContactMethod: 'email',
      },
    );
    const id = await repo.insertAccount(trx, {
      councilId: account.council,
      customerId: customer.id,
      email: account.email,
      name: account.name,
      language: account.language,
      ...account.credential,
    });
    if (!id) return undefined;
    await recordAudit(trx, null, {
      action: 'resident_account.create',
      organisationId: account.council,
      recordType: 'resident_account',
      recordId: id,
      subject: { id, label: account.email },
      ip: account.ip,
      details: { customerId: customer.id, ...(oneLogin ? { method: 'one_login' } : {}) },
    });
    return id;
  }

  /** A sign-in, on the account and in the audit trail, in the caller's transaction. */
  async function recordSignIn(
    trx: Queryable,
    account: { id: string; email: string; councilId: string },
    ip: string,
    details?: Record<string, string>,
  ) {
    await repo.recordSignIn(trx, account.id);
    await recordAudit(trx, null, {
      action: 'resident_account.sign_in',
      organisationId: account.councilId,
      recordType: 'resident_account',
      recordId: account.id,
      subject: subjectOf(account),
      ip,
      ...(details ? { details } : {}),
    });
  }

  /** Emails a new link for `purpose`, in the caller's transaction. */
  async function sendLink(
    trx: Queryable,
    account: Pick<repo.ResidentAccount, 'id' | 'councilId' | 'email' | 'name'>,
    purpose: TokenPurpose,
    language: AccountLanguage,
  ) {
    const { token, hash } = newToken();
    const tokenId = await repo.insertToken(trx, { accountId: account.id, purpose, hash, expiresAt: expiryOf(purpose, now()) });
    const confirming = purpose === 'confirm_email';
    await queueNotification(trx, {
      councilId: account.councilId,
      event: confirming ? 'account.confirm_email' : 'account.reset_password',
      channel: 'email',
      recipient: account.email,
      language,
      personalisation: confirming
        ? { name: account.name, confirmUrl: linkTo(`/account/confirm/${token}`) }
        : { name: account.name, resetUrl: linkTo(`/account/reset/${token}`) },
      recordType: 'resident_account',
      recordId: account.id,
      occurrence: tokenId,
    });
  }

  /** Someone registered an address that has an account: a new link if it was never confirmed, else a warning to its owner. */
  async function tellOwnerOf(account: repo.ResidentAccount, ip: string): Promise<void> {
    await db.transaction().execute(async (trx) => {
      if (!account.confirmedAt) {
        await sendLink(trx, account, 'confirm_email', account.language);
      } else {
        await queueNotification(trx, {
          councilId: account.councilId,
          event: 'account.already_registered',
          channel: 'email',
          recipient: account.email,
          language: account.language,
          personalisation: { name: account.name, signInUrl: linkTo('/account/sign-in'), resetUrl: linkTo('/account/reset') },
          recordType: 'resident_account',
          recordId: account.id,
          occurrence: crypto.randomUUID(),
        });
      }
      await recordAudit(trx, null, {
        action: 'resident_account.register_taken',
        organisationId: account.councilId,
        recordType: 'resident_account',
        recordId: account.id,
        subject: subjectOf(account),
        ip,
      });
    });
  }

  const toResident = (account: repo.ResidentAccount): SignedInResident => ({
    accountId: account.id,
    customerId: account.customerId,
    councilId: account.councilId,
    name: account.name,
    email: account.email,
  });

  /** A stored link of `purpose`, and what it is worth now. */
  async function lookUpToken(token: string, purpose: TokenPurpose) {
    const stored = isTokenShaped(token) ? await repo.findToken(db, hashToken(token)) : undefined;
    return { stored, state: tokenState(stored, purpose, now()) };
  }

  return {
    /**
     * Registers a resident: a customer record in the portal's council, the account over it, and
     * the email with the link that confirms the address. Throws Invalid for a name or password
     * that will not do; otherwise answers the same whether or not the address was taken.
     */
    async register(input: {
      name: string;
      email: string;
      password: string;
      language: AccountLanguage;
      ip: string;
    }): Promise<void> {
      const council = await councilId();
      const email = input.email.trim().toLowerCase();
      const name = input.name.trim().replace(/\s+/g, ' ');
      const problems = [];
      const names = customerNamesOf(name);
      if (!names) problems.push({ field: 'name', message: 'residentAccount.errors.nameOneWord' });
      const problem = passwordProblem(input.password, { email, name });
      if (problem) problems.push({ field: 'password', message: `residentAccount.errors.password.${problem}` });
      if (problems.length > 0 || !names) throw new Invalid(problems);

      // Hashed whether or not the address is taken, so both answers take as long.
      const passwordHash = await hashPassword(input.password);
      const existing = await repo.findAccountByEmail(db, council, email);
      if (existing) return await tellOwnerOf(existing, input.ip);
      try {
        await db.transaction().execute(async (trx) => {
          const accountId = await createAccount(trx, {
            council,
            name,
            names,
            email,
            language: input.language,
            ip: input.ip,
            credential: { passwordHash },
          });
          if (!accountId) throw new AddressTaken();
          await sendLink(trx, { id: accountId, councilId: council, email, name }, 'confirm_email', input.language);
        });
      } catch (error) {
        // Registered by someone else a moment ago: nothing of this one is kept.
        if (!(error instanceof AddressTaken)) throw error;
        const taken = await repo.findAccountByEmail(db, council, email);
        if (taken) await tellOwnerOf(taken, input.ip);
      }
    },

    /** Confirms the address the link was sent to. */
    async confirmEmail(token: string, ip: string): Promise<TokenState | 'confirmed' | 'alreadyConfirmed'> {
      const { stored, state } = await lookUpToken(token, 'confirm_email');
      if (!stored) return 'unknown';
      const account = await repo.findAccount(db, stored.accountId);
      if (!account) return 'unknown';
      if (state !== 'valid') return account.confirmedAt ? 'alreadyConfirmed' : state;
      const used = await db.transaction().execute(async (trx) => {
        if (!(await repo.useToken(trx, stored.id))) return false;
        await repo.markConfirmed(trx, account.id);
        await recordAudit(trx, null, {
          action: 'resident_account.confirm_email',
          organisationId: account.councilId,
          recordType: 'resident_account',
          recordId: account.id,
          subject: subjectOf(account),
          ip,
        });
        return true;
      });
      return used ? 'confirmed' : account.confirmedAt ? 'alreadyConfirmed' : 'used';
    },

    /** Sends the confirmation link again, to an account that gave its right password unconfirmed. */
    async resendConfirmation(accountId: string, language: AccountLanguage): Promise<void> {
      const account = isUuid(accountId) ? await repo.findAccount(db, accountId) : undefined;
      if (!account || account.confirmedAt) return;
      await db.transaction().execute((trx) => sendLink(trx, account, 'confirm_email', language));
    },

    /** Checks an address and password; the same refusal for an unknown address and a wrong password. */
    async signIn(input: { email: string; password: string; ip: string }): Promise<ResidentSignInResult> {
      const council = await councilId();
      const email = input.email.trim().toLowerCase();
      const keys = [accountKey(email), addressKey(input.ip)];
      const minutesUntil = (until: Date) => Math.max(1, Math.ceil((until.getTime() - Date.now()) / 60_000));
      const locked = await lockedUntil(db, keys);
      if (locked) return { kind: 'locked', minutes: minutesUntil(locked) };

      const account = await repo.findAccountByEmail(db, council, email);
      // An account made with GOV.UK One Login has no password until one is set by a reset link.
      const right = account?.passwordHash
        ? await verifyPassword(account.passwordHash, input.password)
        : await verifyAgainstDecoy(input.password);
      if (!account || !right) {
        await recordFailure(db, accountKey(email), ACCOUNT_RULE);
        await recordFailure(db, addressKey(input.ip), ADDRESS_RULE);
        await recordAudit(db, null, {
          action: 'resident_account.sign_in_failure',
          organisationId: council,
          ...(account ? { recordType: 'resident_account', recordId: account.id, subject: subjectOf(account) } : {}),
          ip: input.ip,
          details: { reason: account ? 'wrong_password' : 'unknown_account' },
        });
        const lockedNow = await lockedUntil(db, keys);
        return lockedNow ? { kind: 'locked', minutes: minutesUntil(lockedNow) } : { kind: 'refused' };
      }
      await clearFailures(db, accountKey(email));
      if (!account.confirmedAt) return { kind: 'unconfirmed', accountId: account.id };
      await db.transaction().execute((trx) => recordSignIn(trx, account, input.ip));
      return { kind: 'signedIn', resident: toResident(account) };
    },

    /** Emails a reset link if the address has an account; answers the same either way. */
    async requestPasswordReset(input: { email: string; language: AccountLanguage; ip: string }): Promise<void> {
      const council = await councilId();
      const account = await repo.findAccountByEmail(db, council, input.email.trim().toLowerCase());
      if (!account) return;
      await db.transaction().execute(async (trx) => {
        await sendLink(trx, account, 'reset_password', input.language);
        await recordAudit(trx, null, {
          action: 'resident_account.reset_requested',
          organisationId: account.councilId,
          recordType: 'resident_account',
          recordId: account.id,
          subject: subjectOf(account),
          ip: input.ip,
        });
      });
    },

    /** Whether a reset link may still be used (to show the form, or say why not). */
    async resetLinkState(token: string): Promise<TokenState> {
      return (await lookUpToken(token, 'reset_password')).state;
    },

    /**
     * Sets a new password with a reset link, once. The link proves the address, so an unconfirmed
     * account is confirmed too. Every session of the account ends, and its other links stop working.
     * Throws Invalid for a password that will not do.
     */
    async resetPassword(input: { token: string; password: string; ip: string }): Promise<TokenState> {
      const { stored, state } = await lookUpToken(input.token, 'reset_password');
      const account = stored && state === 'valid' ? await repo.findAccount(db, stored.accountId) : undefined;
      if (!stored || !account) return state === 'valid' ? 'unknown' : state;
      const problem = passwordProblem(input.password, { email: account.email, name: account.name });
      if (problem) throw new Invalid([{ field: 'password', message: `residentAccount.errors.password.${problem}` }]);
      const passwordHash = await hashPassword(input.password);
      return await db.transaction().execute(async (trx) => {
        if (!(await repo.useToken(trx, stored.id))) return 'used';
        await repo.setPassword(trx, account.id, passwordHash);
        await repo.markConfirmed(trx, account.id);
        await repo.retireTokens(trx, account.id, 'reset_password');
        await repo.retireTokens(trx, account.id, 'confirm_email');
        await endResidentSessions(trx, account.id);
        await clearFailures(trx, accountKey(account.email));
        await recordAudit(trx, null, {
          action: 'resident_account.reset_password',
          organisationId: account.councilId,
          recordType: 'resident_account',
          recordId: account.id,
          subject: subjectOf(account),
          ip: input.ip,
          changes: { password: { from: '[secret]', to: '[secret]' } },
        });
        return 'valid';
      });
    },

    /**
     * Signs in a resident One Login has identified: by the account linked to their subject; else
     * by the account with their verified email address, which is linked to it (and confirmed, if
     * it never was); else, given their full name, a new confirmed account with its customer record.
     * Throws Invalid for a name that will not do.
     */
    async signInWithOneLogin(input: {
      sub: string;
      email: string | undefined;
      emailVerified: boolean;
      name?: string;
      language: AccountLanguage;
      ip: string;
    }): Promise<OneLoginSignInResult> {
      const council = await councilId();

      const signedIn = (trx: Queryable, account: { id: string; email: string; councilId: string }) =>
        recordSignIn(trx, account, input.ip, { method: 'one_login' });
      const refused = async (reason: 'unverified_email' | 'linked_elsewhere', account?: repo.ResidentAccount) => {
        await recordAudit(db, null, {
          action: 'resident_account.one_login_refused',
          organisationId: council,
          ...(account ? { recordType: 'resident_account', recordId: account.id, subject: subjectOf(account) } : {}),
          ip: input.ip,
          details: { reason },
        });
        return { kind: 'refused' as const, reason };
      };

      const attempt = async (): Promise<OneLoginSignInResult> => {
        const linked = await repo.findAccountByOneLoginSub(db, council, input.sub);
        if (linked) {
          await db.transaction().execute((trx) => signedIn(trx, linked));
          return { kind: 'signedIn', resident: toResident(linked) };
        }

        // Only an address One Login has verified may find an account, or make one.
        const email = input.email?.trim().toLowerCase();
        if (!email || !input.emailVerified) {
          return await refused('unverified_email', email ? await repo.findAccountByEmail(db, council, email) : undefined);
        }
        const existing = await repo.findAccountByEmail(db, council, email);
        if (existing) {
          if (existing.oneLoginSub !== null) return await refused('linked_elsewhere', existing);
          await db.transaction().execute(async (trx) => {
            if (!(await repo.linkOneLogin(trx, existing.id, input.sub))) throw new TakenMeanwhile();
            if (!existing.confirmedAt) {
              // Links sent for the registration that was never confirmed are no longer needed.
              await repo.retireTokens(trx, existing.id, 'confirm_email');
              await repo.retireTokens(trx, existing.id, 'reset_password');
            }
            await recordAudit(trx, null, {
              action: 'resident_account.one_login_link',
              organisationId: existing.councilId,
              recordType: 'resident_account',
              recordId: existing.id,
              subject: subjectOf(existing),
              ip: input.ip,
              details: { confirmedByOneLogin: !existing.confirmedAt },
              ...(!existing.confirmedAt && existing.passwordHash
                ? { changes: { password: { from: '[secret]', to: '[removed]' } } }
                : {}),
            });
            await signedIn(trx, existing);
          });
          const account = await repo.findAccount(db, existing.id);
          if (!account) throw new NotFound('resident_account');
          return { kind: 'signedIn', resident: toResident(account) };
        }

        if (input.name === undefined) return { kind: 'needsName' };
        const name = input.name.trim().replace(/\s+/g, ' ');
        const names = customerNamesOf(name);
        if (!names) throw new Invalid([{ field: 'name', message: 'residentAccount.errors.nameOneWord' }]);
        const accountId = await db.transaction().execute(async (trx) => {
          const id = await createAccount(trx, {
            council,
            name,
            names,
            email,
            language: input.language,
            ip: input.ip,
            credential: { oneLoginSub: input.sub },
          });
          if (!id) throw new TakenMeanwhile();
          await signedIn(trx, { id, email, councilId: council });
          return id;
        });
        const account = await repo.findAccount(db, accountId);
        if (!account) throw new NotFound('resident_account');
        return { kind: 'signedIn', resident: toResident(account) };
      };

      // The same resident returning twice at once (two tabs), or registering meanwhile: the second
      // try finds what the first made, and nothing of the failed one is kept.
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof TakenMeanwhile) && !isUniqueViolation(error)) throw error;
        return await attempt();
      }
    },

    /**
     * The resident signed in on `request` (read from its session, checked against the database),
     * or undefined. For the portal's journeys: a signed-in resident's requests go on their record.
     */
    async residentOf(request: SessionCarrier): Promise<SignedInResident | undefined> {
      const id = request.session?.residentAccountId;
      if (!isUuid(id)) return undefined;
      const account = await repo.findAccount(db, id);
      return account?.confirmedAt ? toResident(account) : undefined;
    },

    async signedOut(accountId: string, ip: string): Promise<void> {
      const account = isUuid(accountId) ? await repo.findAccount(db, accountId) : undefined;
      if (!account) return;
      await recordAudit(db, null, {
        action: 'resident_account.sign_out',
        organisationId: account.councilId,
        recordType: 'resident_account',
        recordId: account.id,
        subject: subjectOf(account),
        ip,
      });
    },
  };
}

export type ResidentAccountsService = ReturnType<typeof createResidentAccountsService>;
