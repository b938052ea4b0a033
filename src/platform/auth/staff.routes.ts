// Staff sign-in and sign-out, the second factor, changing one's password, and one's account.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { parseForm, pageErrors } from '../forms.ts';
import { Invalid } from '../errors.ts';
import { requireStaff, safeReturnPath, staffOf } from '../http/authentication.ts';
import type { AuthService } from './service.ts';
import { ChangePasswordForm, SecondFactorForm, SignInForm } from './schemas.ts';

/** How long someone has to type their code after a right password. */
const PENDING_SIGN_IN_MS = 5 * 60_000;
const SIGN_IN_LIMIT = { max: 30, timeWindow: '1 minute' };

export const staffAuthRoutes: FastifyPluginAsync<{ auth: AuthService }> = async (app, { auth }) => {
  const view = (name: string) => `platform/auth/views/${name}.njk`;

  app.get('/staff/sign-in', async (request, reply) => {
    if (request.staff) return reply.redirect('/staff', 303);
    const { returnTo, signedOut } = request.query as Record<string, string | undefined>;
    return reply.render(view('sign-in'), { values: { returnTo }, signedOut: signedOut === '1' });
  });

  app.post('/staff/sign-in', { config: { rateLimit: SIGN_IN_LIMIT } }, async (request, reply) => {
    const form = parseForm(SignInForm, request.body);
    if (!form.ok) return reply.render(view('sign-in'), { values: form.values, errors: pageErrors(request.t, form.errors) }, 400);
    const { email, password, returnTo } = form.value;
    const result = await auth.signIn({ email, password, ip: request.ip });
    const values = { email, returnTo };
    switch (result.kind) {
      case 'refused':
        return reply.render(
          view('sign-in'),
          { values, errors: pageErrors(request.t, [{ field: 'email', message: 'signIn.errors.refused' }]) },
          400,
        );
      case 'locked':
        return reply.render(
          view('sign-in'),
          {
            values,
            errors: pageErrors(request.t, [
              { field: 'email', message: 'signIn.errors.locked', params: { minutes: result.minutes } },
            ]),
          },
          429,
        );
      case 'secondFactorNeeded':
        await request.session.regenerate();
        request.session.set('pendingSignIn', { userId: result.userId, at: Date.now(), returnTo });
        return reply.redirect('/staff/sign-in/code', 303);
      case 'signedIn':
        await startSession(request, result.userId);
        return reply.redirect(safeReturnPath(returnTo), 303);
    }
  });

  function pendingSignIn(request: FastifyRequest) {
    const pending = request.session.get('pendingSignIn');
    return pending && Date.now() - pending.at < PENDING_SIGN_IN_MS ? pending : undefined;
  }

  app.get('/staff/sign-in/code', async (request, reply) => {
    if (!pendingSignIn(request)) return reply.redirect('/staff/sign-in', 303);
    return reply.render(view('code'), { values: {} });
  });

  app.post('/staff/sign-in/code', { config: { rateLimit: SIGN_IN_LIMIT } }, async (request, reply) => {
    const pending = pendingSignIn(request);
    if (!pending) return reply.redirect('/staff/sign-in', 303);
    const form = parseForm(SecondFactorForm, request.body);
    if (!form.ok) return reply.render(view('code'), { values: form.values, errors: pageErrors(request.t, form.errors) }, 400);
    const outcome = await auth.verifySecondFactor({ userId: pending.userId, code: form.value.code, ip: request.ip });
    if (outcome === 'ok') {
      await startSession(request, pending.userId);
      return reply.redirect(safeReturnPath(pending.returnTo), 303);
    }
    const error =
      outcome === 'wrong'
        ? { field: 'code', message: 'signIn.errors.codeWrong' }
        : { field: 'code', message: 'signIn.errors.locked', params: { minutes: outcome.locked } };
    return reply.render(view('code'), { values: {}, errors: pageErrors(request.t, [error]) }, outcome === 'wrong' ? 400 : 429);
  });

  /** A new session id at sign-in, so that an id planted before it is worth nothing after. */
  async function startSession(request: FastifyRequest, userId: string): Promise<void> {
    await request.session.regenerate();
    const now = Date.now();
    request.session.set('userId', userId);
    request.session.set('startedAt', now);
    request.session.set('lastSeenAt', now);
  }

  const signOut = async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.staff) await auth.signedOut(request.staff);
    if (request.session) await request.session.destroy();
    return reply.redirect('/staff/sign-in?signedOut=1', 303);
  };
  app.get('/staff/sign-out', signOut);
  app.post('/staff/sign-out', signOut);

  // Changing one's password: also where an administrator's reset leads.

  app.get('/staff/change-password', { preHandler: requireStaff('changePassword') }, async (request, reply) => {
    return reply.render(view('change-password'), { forced: request.staffGate === 'changePassword' });
  });

  app.post(
    '/staff/change-password',
    { preHandler: requireStaff('changePassword'), config: { rateLimit: SIGN_IN_LIMIT } },
    async (request, reply) => {
      const forced = request.staffGate === 'changePassword';
      const form = parseForm(ChangePasswordForm, request.body);
      const errors = form.ok ? [] : [...form.errors];
      if (form.ok && form.value.newPassword !== form.value.confirmPassword) {
        errors.push({ field: 'confirmPassword', message: 'passwords.errors.confirmDifferent' });
      }
      if (form.ok && errors.length === 0) {
        try {
          await auth.changePassword(
            staffOf(request),
            { current: form.value.currentPassword, next: form.value.newPassword },
            request.session.sessionId,
          );
          request.session.set('flash', 'passwords.changed');
          return reply.redirect(forced ? '/staff' : '/staff/account', 303);
        } catch (error) {
          if (!(error instanceof Invalid)) throw error;
          errors.push(...error.errors);
        }
      }
      return reply.render(view('change-password'), { forced, errors: pageErrors(request.t, errors) }, 400);
    },
  );

  // One's own account and second factor.

  app.get('/staff/account', { preHandler: requireStaff() }, async (request, reply) => {
    const twoFactor = await auth.twoFactorStatus(staffOf(request));
    return reply.render(view('account'), { twoFactor });
  });

  app.get('/staff/account/two-factor', { preHandler: requireStaff('setUpTwoFactor') }, async (request, reply) => {
    const actor = staffOf(request);
    const status = await auth.twoFactorStatus(actor);
    if (status.enabled) return reply.redirect('/staff/account', 303);
    const setUp = await auth.startTwoFactorSetUp(actor, request.session.get('twoFactorSecret'));
    request.session.set('twoFactorSecret', setUp.secret);
    return reply.render(view('two-factor'), { setUp, required: status.required });
  });

  app.post(
    '/staff/account/two-factor',
    { preHandler: requireStaff('setUpTwoFactor'), config: { rateLimit: SIGN_IN_LIMIT } },
    async (request, reply) => {
      const actor = staffOf(request);
      const secret = request.session.get('twoFactorSecret');
      if (!secret) return reply.redirect('/staff/account/two-factor', 303);
      const form = parseForm(SecondFactorForm, request.body);
      if (form.ok && (await auth.confirmTwoFactorSetUp(actor, secret, form.value.code))) {
        request.session.set('twoFactorSecret', undefined);
        request.session.set('flash', 'twoFactor.enabled');
        return reply.redirect(request.staffGate === 'setUpTwoFactor' ? '/staff' : '/staff/account', 303);
      }
      const errors = form.ok ? [{ field: 'code', message: 'signIn.errors.codeWrong' }] : form.errors;
      const status = await auth.twoFactorStatus(actor);
      const setUp = await auth.startTwoFactorSetUp(actor, secret);
      return reply.render(view('two-factor'), { setUp, required: status.required, errors: pageErrors(request.t, errors) }, 400);
    },
  );

  app.post('/staff/account/two-factor/turn-off', { preHandler: requireStaff() }, async (request, reply) => {
    const turnedOff = await auth.turnOffTwoFactor(staffOf(request));
    request.session.set('flash', turnedOff ? 'twoFactor.turnedOff' : 'twoFactor.cannotTurnOff');
    return reply.redirect('/staff/account', 303);
  });
};
