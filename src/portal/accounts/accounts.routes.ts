// Resident accounts on the portal: register, confirm the email address, sign in and out, reset a
// forgotten password, and see one's own requests. Every page works without JavaScript; none is
// cached, and none says whether an email address has an account.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ResidentRequests } from '../../cases/residentRequests.ts';
import { Invalid, type FieldError } from '../../platform/errors.ts';
import { caughtInHoneypot, pageErrors, parseForm } from '../../platform/forms.ts';
import { inLanguage } from '../../platform/i18n.ts';
import { casePage, STATUS_TAGS } from '../tracking.routes.ts';
import type { AccountLanguage, ResidentAccountsService, SignedInResident } from './service.ts';
import { NewPasswordForm, RegisterForm, ResetRequestForm, SignInForm } from './schemas.ts';
import { REQUESTS_PATH, safeReturnPath } from './tokens.ts';

/** Starts a signed-in resident's session, whether they gave a password or came from GOV.UK One Login. */
export async function startResidentSession(request: FastifyRequest, resident: SignedInResident): Promise<void> {
  // A new session id at sign-in, so that an id planted before it is worth nothing after; a request
  // being answered (src/portal/journeys.routes.ts), or a complaint (src/complaints/portal.routes.ts),
  // goes on in the new one.
  await request.session.regenerate(['journey', 'complaint']);
  const now = Date.now();
  request.session.set('residentAccountId', resident.accountId);
  request.session.set('residentName', resident.name);
  request.session.set('startedAt', now);
  request.session.set('lastSeenAt', now);
}

export interface AccountRoutesOptions {
  accounts: ResidentAccountsService;
  requests: ResidentRequests;
  /** Whether GOV.UK One Login is configured: the sign-in and register pages then offer it. */
  oneLogin?: boolean;
}

// Per client address: enough for a person who mistypes, few for a script.
const SIGN_IN_LIMIT = { max: 20, timeWindow: '1 minute' };
const REGISTER_LIMIT = { max: 10, timeWindow: '10 minutes' };
const RESET_LIMIT = { max: 10, timeWindow: '10 minutes' };

type TokenParams = { Params: { token: string } };

export const accountRoutes: FastifyPluginAsync<AccountRoutesOptions> = async (app, { accounts, requests, oneLogin = false }) => {
  const view = (name: string) => `portal/accounts/views/${name}.njk`;
  const languageOf = (request: FastifyRequest): AccountLanguage => (request.language === 'cy' ? 'cy' : 'en');
  const errorsOf = (request: FastifyRequest, errors: FieldError[]) => pageErrors(request.t, errors);

  // Personal pages, and links whose address is a secret: never cached, indexed or sent on as a Referer.
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('Cache-Control', 'no-store').header('Referrer-Policy', 'no-referrer').header('X-Robots-Tag', 'noindex');
  });

  /** The signed-in resident, or a redirect to sign in (and back here afterwards). */
  async function signedIn(request: FastifyRequest, reply: FastifyReply): Promise<SignedInResident | undefined> {
    const resident = await accounts.residentOf(request);
    if (resident) return resident;
    // An account that has gone (or a stale session): signed out here too.
    if (request.session.residentAccountId) await request.session.regenerate();
    await reply.redirect(`/account/sign-in?returnTo=${encodeURIComponent(request.url)}`, 303);
    return undefined;
  }

  // Registering.

  app.get('/account/register', async (request, reply) => {
    if (request.session.residentAccountId) return reply.redirect(REQUESTS_PATH, 303);
    return reply.render(view('register'), { oneLogin, values: {} });
  });

  app.post('/account/register', { config: { rateLimit: REGISTER_LIMIT } }, async (request, reply) => {
    const checkEmail = '/account/check-email?for=register';
    if (caughtInHoneypot(request.body)) return reply.redirect(checkEmail, 303);
    const form = parseForm(RegisterForm, request.body);
    const errors = form.ok ? [] : [...form.errors];
    if (form.ok && form.value.password !== form.value.confirmPassword)
      errors.push({ field: 'confirmPassword', message: 'residentAccount.errors.confirmDifferent' });
    if (form.ok && errors.length === 0) {
      try {
        await accounts.register({ ...form.value, language: languageOf(request), ip: request.ip });
        return reply.redirect(checkEmail, 303);
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        errors.push(...error.errors);
      }
    }
    const {
      password: _password,
      confirmPassword: _confirm,
      ...values
    } = (form.ok ? form.value : form.values) as Record<string, unknown>;
    return reply.render(view('register'), { oneLogin, values, errors: errorsOf(request, errors) }, 400);
  });

  app.get('/account/check-email', async (request, reply) => {
    const reason = (request.query as Record<string, unknown>).for === 'reset' ? 'reset' : 'register';
    return reply.render(view('check-email'), { reason });
  });

  // Confirming the email address: the link in the email does it (a link checker opening it
  // first proves the same thing: the mailbox is the resident's).

  app.get<TokenParams>('/account/confirm/:token', async (request, reply) => {
    const outcome = await accounts.confirmEmail(request.params.token, request.ip);
    if (outcome === 'confirmed' || outcome === 'alreadyConfirmed') return reply.render(view('confirmed'), { outcome });
    return reply.render(view('link-problem'), { purpose: 'confirm', problem: outcome }, outcome === 'unknown' ? 404 : 410);
  });

  app.post('/account/confirm/resend', { config: { rateLimit: RESET_LIMIT } }, async (request, reply) => {
    const accountId = request.session.unconfirmedAccountId;
    if (accountId) await accounts.resendConfirmation(accountId, languageOf(request));
    return reply.redirect('/account/check-email?for=register', 303);
  });

  // Signing in and out.

  app.get('/account/sign-in', async (request, reply) => {
    const { returnTo, signedOut } = request.query as Record<string, unknown>;
    if (request.session.residentAccountId) return reply.redirect(safeReturnPath(returnTo), 303);
    return reply.render(view('sign-in'), {
      oneLogin,
      values: { returnTo: typeof returnTo === 'string' ? returnTo : undefined },
      signedOut: signedOut === '1',
    });
  });

  app.post('/account/sign-in', { config: { rateLimit: SIGN_IN_LIMIT } }, async (request, reply) => {
    const form = parseForm(SignInForm, request.body);
    if (!form.ok) {
      const { password: _password, ...values } = form.values;
      return reply.render(view('sign-in'), { oneLogin, values, errors: errorsOf(request, form.errors) }, 400);
    }
    const { email, password, returnTo } = form.value;
    const result = await accounts.signIn({ email, password, ip: request.ip });
    const values = { email, returnTo };
    switch (result.kind) {
      case 'refused':
        return reply.render(
          view('sign-in'),
          { oneLogin, values, errors: errorsOf(request, [{ field: 'email', message: 'residentAccount.errors.refused' }]) },
          400,
        );
      case 'locked':
        return reply.render(
          view('sign-in'),
          {
            oneLogin,
            values,
            errors: errorsOf(request, [
              { field: 'email', message: 'residentAccount.errors.locked', params: { minutes: result.minutes } },
            ]),
          },
          429,
        );
      case 'unconfirmed':
        // Said only to someone who knows the password; they may ask for the link again.
        request.session.set('unconfirmedAccountId', result.accountId);
        return reply.render(
          view('sign-in'),
          {
            oneLogin,
            values,
            unconfirmed: true,
            errors: errorsOf(request, [{ field: 'email', message: 'residentAccount.errors.unconfirmed' }]),
          },
          403,
        );
      case 'signedIn':
        await startResidentSession(request, result.resident);
        return reply.redirect(safeReturnPath(returnTo), 303);
    }
  });

  app.post('/account/sign-out', async (request, reply) => {
    const accountId = request.session.residentAccountId;
    if (accountId) await accounts.signedOut(accountId, request.ip);
    await request.session.destroy();
    return reply.redirect('/account/sign-in?signedOut=1', 303);
  });

  // A forgotten password.

  app.get('/account/reset', async (request, reply) => reply.render(view('reset'), { values: {} }));

  app.post('/account/reset', { config: { rateLimit: RESET_LIMIT } }, async (request, reply) => {
    const checkEmail = '/account/check-email?for=reset';
    if (caughtInHoneypot(request.body)) return reply.redirect(checkEmail, 303);
    const form = parseForm(ResetRequestForm, request.body);
    if (!form.ok) return reply.render(view('reset'), { values: form.values, errors: errorsOf(request, form.errors) }, 400);
    await accounts.requestPasswordReset({ email: form.value.email, language: languageOf(request), ip: request.ip });
    return reply.redirect(checkEmail, 303);
  });

  app.get<TokenParams>('/account/reset/:token', async (request, reply) => {
    const state = await accounts.resetLinkState(request.params.token);
    if (state !== 'valid') return linkProblem(reply, state);
    return reply.render(view('new-password'), { token: request.params.token });
  });

  app.post<TokenParams>('/account/reset/:token', { config: { rateLimit: RESET_LIMIT } }, async (request, reply) => {
    const { token } = request.params;
    if (caughtInHoneypot(request.body)) return reply.redirect('/account/sign-in', 303);
    const form = parseForm(NewPasswordForm, request.body);
    const errors = form.ok ? [] : [...form.errors];
    if (form.ok && form.value.password !== form.value.confirmPassword)
      errors.push({ field: 'confirmPassword', message: 'residentAccount.errors.confirmDifferent' });
    if (form.ok && errors.length === 0) {
      try {
        const state = await accounts.resetPassword({ token, password: form.value.password, ip: request.ip });
        if (state !== 'valid') return linkProblem(reply, state);
        // Every session of the account has ended; this one starts afresh, signed out.
        await request.session.regenerate();
        request.session.set('flash', 'residentAccount.reset.changed');
        return reply.redirect('/account/sign-in', 303);
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        errors.push(...error.errors);
      }
    }
    return reply.render(view('new-password'), { token, errors: errorsOf(request, errors) }, 400);
  });

  function linkProblem(reply: FastifyReply, state: string) {
    return reply.render(view('link-problem'), { purpose: 'reset', problem: state }, state === 'unknown' ? 404 : 410);
  }

  // Your requests.

  app.get('/account/requests', async (request, reply) => {
    const resident = await signedIn(request, reply);
    if (!resident) return reply;
    const list = await requests.ofCustomer(resident.customerId);
    return reply.render(view('requests'), {
      resident,
      requests: list.map((item) => ({
        reference: item.reference,
        serviceName: inLanguage(item.service.name, item.service.nameCy, request.language),
        status: item.status,
        statusTag: STATUS_TAGS[item.status] ?? 'govuk-tag--grey',
        receivedAt: item.receivedAt,
      })),
    });
  });

  app.get<{ Params: { reference: string } }>('/account/requests/:reference', async (request, reply) => {
    const resident = await signedIn(request, reply);
    if (!resident) return reply;
    const tracked = await requests.ofCustomerForResident(resident.customerId, request.params.reference);
    return reply.render('portal/views/tracking/case.njk', {
      ...casePage(tracked, request.t, request.language),
      // Its files and satisfaction question are at its tracking link, which is the resident's to use.
      token: tracked.record.trackingToken,
      accountView: true,
    });
  });
};
