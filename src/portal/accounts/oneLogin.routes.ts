// Signing in with GOV.UK One Login, registered only when it is configured: the button leads to
// /account/one-login, which sends the resident to One Login; they come back to the callback, which
// signs them in to their account (linking it by their verified email address the first time), or
// asks a resident new to the portal for their full name and makes their account. Anything that
// goes wrong ends on one plain page, "You have not been signed in", with a way back.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Invalid, type FieldError } from '../../platform/errors.ts';
import { pageErrors, parseForm } from '../../platform/forms.ts';
import type { OneLoginClient, OneLoginIdentity } from './oneLogin.ts';
import { startResidentSession } from './accounts.routes.ts';
import { OneLoginNameForm } from './schemas.ts';
import type { AccountLanguage, OneLoginSignInResult, ResidentAccountsService } from './service.ts';
import { safeReturnPath } from './tokens.ts';

export interface OneLoginRoutesOptions {
  accounts: ResidentAccountsService;
  oneLogin: OneLoginClient;
}

// Per client address. Every honest return follows a start, and a person starts a few times at most.
const START_LIMIT = { max: 30, timeWindow: '1 minute' };
const CALLBACK_LIMIT = { max: 20, timeWindow: '1 minute' };
const NAME_LIMIT = { max: 10, timeWindow: '10 minutes' };

/** How long a resident may take at One Login, and then to give their name. */
const ATTEMPT_MAX_AGE_MS = 30 * 60_000;

type Problem = 'state' | 'access_denied' | 'provider' | 'unverified_email' | 'linked_elsewhere' | 'expired';

const PROBLEM_STATUS: Record<Problem, number> = {
  state: 400,
  access_denied: 400,
  expired: 400,
  provider: 502,
  unverified_email: 403,
  linked_elsewhere: 403,
};

export const oneLoginRoutes: FastifyPluginAsync<OneLoginRoutesOptions> = async (app, { accounts, oneLogin }) => {
  const view = (name: string) => `portal/accounts/views/${name}.njk`;
  const languageOf = (request: FastifyRequest): AccountLanguage => (request.language === 'cy' ? 'cy' : 'en');
  const errorsOf = (request: FastifyRequest, errors: FieldError[]) => pageErrors(request.t, errors);
  const fresh = (at: unknown) => typeof at === 'number' && Date.now() - at < ATTEMPT_MAX_AGE_MS;

  // The callback's address carries a one-time code: never cached, indexed or sent on as a Referer.
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('Cache-Control', 'no-store').header('Referrer-Policy', 'no-referrer').header('X-Robots-Tag', 'noindex');
  });

  function notSignedIn(request: FastifyRequest, reply: FastifyReply, problem: Problem, detail?: string) {
    // The reason, and the library's error code or message; never a token, a code or the key.
    request.log.warn({ oneLogin: { problem, ...(detail ? { detail } : {}) } }, 'GOV.UK One Login: not signed in');
    return reply.render(view('one-login-problem'), { problem }, PROBLEM_STATUS[problem]);
  }

  /** Where the sign-in ends: signed in and on their way, asked for their name, or told why not. */
  async function finish(
    request: FastifyRequest,
    reply: FastifyReply,
    result: OneLoginSignInResult,
    identity: Pick<OneLoginIdentity, 'sub' | 'email'>,
    returnTo: string | undefined,
  ) {
    switch (result.kind) {
      case 'signedIn':
        await startResidentSession(request, result.resident);
        return reply.redirect(safeReturnPath(returnTo), 303);
      case 'needsName':
        // A new session for the identity too: one planted before it must not be able to finish this.
        // A request or a complaint being answered goes on in it (as at any sign-in).
        await request.session.regenerate(['journey', 'complaint']);
        request.session.set('oneLoginNewAccount', {
          sub: identity.sub,
          email: (identity.email ?? '').trim().toLowerCase(),
          ...(returnTo ? { returnTo } : {}),
          at: Date.now(),
        });
        return reply.redirect('/account/one-login/name', 303);
      case 'refused':
        return notSignedIn(request, reply, result.reason);
    }
  }

  app.get('/account/one-login', { config: { rateLimit: START_LIMIT } }, async (request, reply) => {
    const { returnTo } = request.query as Record<string, unknown>;
    if (request.session.residentAccountId) return reply.redirect(safeReturnPath(returnTo), 303);
    let started;
    try {
      started = await oneLogin.authorisationUrl(languageOf(request));
    } catch (error) {
      return notSignedIn(request, reply, 'provider', error instanceof Error ? error.message : undefined);
    }
    request.session.set('oneLoginAttempt', {
      ...started.attempt,
      ...(typeof returnTo === 'string' ? { returnTo: safeReturnPath(returnTo) } : {}),
      at: Date.now(),
    });
    return reply.redirect(started.url, 303);
  });

  // Its address holds the one-time code: the request log (info) would write it down, so this route logs from warn.
  app.get('/account/one-login/callback', { logLevel: 'warn', config: { rateLimit: CALLBACK_LIMIT } }, async (request, reply) => {
    const stored = request.session.oneLoginAttempt;
    // One return per attempt: a replayed or second callback finds nothing to match.
    if (stored) request.session.set('oneLoginAttempt', undefined);
    const attempt = stored && fresh(stored.at) ? stored : undefined;
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
    const outcome = await oneLogin.finish(query, attempt);
    if (outcome.kind === 'refused') return notSignedIn(request, reply, outcome.reason, outcome.detail);
    const { identity } = outcome;
    const result = await accounts.signInWithOneLogin({ ...identity, language: languageOf(request), ip: request.ip });
    return await finish(request, reply, result, identity, attempt?.returnTo);
  });

  // A resident new to the portal: their full name, the one thing One Login does not give.

  app.get('/account/one-login/name', async (request, reply) => {
    const pending = request.session.oneLoginNewAccount;
    if (!pending || !fresh(pending.at)) return notSignedIn(request, reply, 'expired');
    return reply.render(view('one-login-name'), { values: {}, email: pending.email });
  });

  app.post('/account/one-login/name', { config: { rateLimit: NAME_LIMIT } }, async (request, reply) => {
    const pending = request.session.oneLoginNewAccount;
    if (!pending || !fresh(pending.at)) return notSignedIn(request, reply, 'expired');
    const form = parseForm(OneLoginNameForm, request.body);
    let errors: FieldError[] = form.ok ? [] : [...form.errors];
    if (form.ok) {
      try {
        const result = await accounts.signInWithOneLogin({
          sub: pending.sub,
          email: pending.email,
          // Only a verified address was kept for this page.
          emailVerified: true,
          name: form.value.name,
          language: languageOf(request),
          ip: request.ip,
        });
        return await finish(request, reply, result, pending, pending.returnTo);
      } catch (error) {
        if (!(error instanceof Invalid)) throw error;
        errors = [...error.errors];
      }
    }
    return reply.render(
      view('one-login-name'),
      { values: form.ok ? form.value : form.values, email: pending.email, errors: errorsOf(request, errors) },
      400,
    );
  });
};
