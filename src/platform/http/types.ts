// What OneDoor adds to every request, and what it keeps in a session.
import type { StaffActor } from '../actor.ts';
import type { Language, Translate } from '../i18n.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in member of staff, or null. */
    staff: StaffActor | null;
    language: Language;
    t: Translate;
  }

  interface FastifyContextConfig {
    /** The languages besides English and Welsh this page is written in (e.g. `['ur']`). */
    languages?: readonly Language[];
  }

  interface Session {
    /** The signed-in member of staff. */
    userId?: string;
    /** The signed-in resident's portal account (never a member of staff: see userId). */
    residentAccountId?: string;
    /** The resident's name, for the portal's header without a database read on every page. */
    residentName?: string;
    /** An account whose right password was given before its email address was confirmed: may ask for the link again. */
    unconfirmedAccountId?: string;
    /** A sign-in with GOV.UK One Login under way: what the resident's return must match (used once). */
    oneLoginAttempt?: { state: string; nonce: string; codeVerifier: string; returnTo?: string; at: number };
    /** Someone One Login identified who has no account yet, while they give their name. */
    oneLoginNewAccount?: { sub: string; email: string; returnTo?: string; at: number };
    startedAt?: number;
    lastSeenAt?: number;
    /** An i18n key shown once on the next page, e.g. "Password changed" (with its values, if it has any). */
    flash?: string | { key: string; params: Record<string, string | number> };
    /** A right password, waiting for the second factor. */
    pendingSignIn?: { userId: string; at: number; returnTo?: string };
    /** The secret being set up, until a code from it is confirmed. */
    twoFactorSecret?: string;
    /** A password just made by an administrator, shown once. */
    temporaryPassword?: { userId: string; password?: string };
  }
}

export {};
