// Who is signed in, loaded on every page request from the session; and the guard that staff
// pages put in front of themselves.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StaffActor } from '../actor.ts';

export interface SignedInLookup {
  signedInStaff(
    userId: string,
    ip: string,
  ): Promise<{ actor: StaffActor; mustChangePassword: boolean; mustSetUpTwoFactor: boolean } | null>;
}

/** What a signed-in person must do before anything else. */
type Gate = 'changePassword' | 'setUpTwoFactor' | null;

declare module 'fastify' {
  interface FastifyRequest {
    staffGate: Gate;
  }
}

export const CHANGE_PASSWORD_PATH = '/staff/change-password';
export const TWO_FACTOR_SET_UP_PATH = '/staff/account/two-factor';

export function setUpStaffAuthentication(app: FastifyInstance, lookup: SignedInLookup): void {
  app.decorateRequest('staff', null);
  app.decorateRequest('staffGate', null);
  app.addHook('onRequest', async (request) => {
    const userId = request.session.userId;
    if (typeof userId !== 'string') return;
    const signedIn = await lookup.signedInStaff(userId, request.ip);
    if (!signedIn) {
      // Deactivated or removed since: the session is over.
      await request.session.regenerate();
      return;
    }
    request.staff = signedIn.actor;
    request.staffGate = signedIn.mustChangePassword ? 'changePassword' : signedIn.mustSetUpTwoFactor ? 'setUpTwoFactor' : null;
  });
}

/** A preHandler for staff pages: signed in, and nothing outstanding (unless `allow`ed here). */
export function requireStaff(allow: Gate = null) {
  return async function requireStaffHook(request: FastifyRequest, reply: FastifyReply) {
    if (!request.staff) {
      const returnTo = request.method === 'GET' ? `?returnTo=${encodeURIComponent(request.url)}` : '';
      return reply.redirect(`/staff/sign-in${returnTo}`, 303);
    }
    const gate = request.staffGate;
    if (gate !== null && gate !== allow) {
      return reply.redirect(gate === 'changePassword' ? CHANGE_PASSWORD_PATH : TWO_FACTOR_SET_UP_PATH, 303);
    }
  };
}

/** The signed-in person; for use after requireStaff. */
export function staffOf(request: FastifyRequest): StaffActor {
  if (!request.staff) throw new Error('requireStaff must run before this handler');
  return request.staff;
}

/** Only local staff paths are followed after sign-in, so the link cannot send anyone elsewhere. */
export function safeReturnPath(value: unknown): string {
  return typeof value === 'string' && /^\/staff(\/|\?|$)/.test(value) && !value.startsWith('//') && !value.includes('\\')
    ? value
    : '/staff';
}
