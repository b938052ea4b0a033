// GOV.UK One Login as a way for residents to sign in: OpenID Connect through `openid-client`,
// the authorisation code flow with PKCE, a nonce, and `private_key_jwt` client authentication, as
// One Login requires. It asks for medium-level authentication (`Cl.Cm`) and the email address, no
// identity. The provider's discovery document is read on first use, not at start, so a portal
// whose One Login is down still starts. Tokens stay in this module: nothing here logs them.
import crypto from 'node:crypto';
import * as oidc from 'openid-client';
import type { OneLoginSettings } from '../../config.ts';
import type { AccountLanguage } from './service.ts';

export const ONE_LOGIN_CALLBACK_PATH = '/account/one-login/callback';

/** What the portal keeps in the resident's session between sending them to One Login and their return. */
export interface OneLoginAttempt {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** Who One Login says signed in. */
export interface OneLoginIdentity {
  /** The subject identifier: stable for this person and this client. */
  sub: string;
  email: string | undefined;
  emailVerified: boolean;
}

export type OneLoginRefusal =
  /** No attempt in the session, or the state does not match it: a forged or stale return. */
  | 'state'
  /** The resident chose not to go on, at One Login. */
  | 'access_denied'
  /** One Login answered with an error, or could not be reached. */
  | 'provider';

export type OneLoginOutcome =
  | { kind: 'identified'; identity: OneLoginIdentity }
  /** `detail` is for the log: an error code or message, never a token. */
  | { kind: 'refused'; reason: OneLoginRefusal; detail?: string };

/** Medium-level authentication, no identity checks (One Login's "Cl.Cm"). */
const VECTOR_OF_TRUST = JSON.stringify(['Cl.Cm']);
const SCOPES = 'openid email';

/** The key as WebCrypto wants it: RS256 for an RSA key, ES256 for an EC P-256 key (config checked which). */
async function signingKey(key: crypto.KeyObject): Promise<oidc.CryptoKey> {
  const der = key.export({ format: 'der', type: 'pkcs8' });
  const algorithm =
    key.asymmetricKeyType === 'ec' ? { name: 'ECDSA', namedCurve: 'P-256' } : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  return await crypto.webcrypto.subtle.importKey('pkcs8', der, algorithm, false, ['sign']);
}

const sameText = (a: string, b: string) => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && crypto.timingSafeEqual(left, right);
};

const describe = (error: unknown): string =>
  error instanceof Error ? `${(error as { code?: string }).code ?? error.name}: ${error.message}` : 'unknown error';

export function createOneLoginClient(settings: OneLoginSettings, publicUrl: string) {
  const redirectUri = new URL(ONE_LOGIN_CALLBACK_PATH, publicUrl).toString();
  let configuration: Promise<oidc.Configuration> | undefined;

  /** The provider's configuration, discovered once; a failed discovery is tried again next time. */
  function provider(): Promise<oidc.Configuration> {
    configuration ??= (async () => {
      // One Login wants the token endpoint as the client assertion's audience (openid-client puts
      // the issuer there by default); it is known only once the discovery document has been read.
      const endpoints: { token?: string } = {};
      const clientAuth = oidc.PrivateKeyJwt(await signingKey(settings.privateKey), {
        [oidc.modifyAssertion]: (_header, payload) => {
          if (endpoints.token) payload.aud = endpoints.token;
        },
      });
      const discovered = await oidc.discovery(
        new URL(settings.issuer),
        settings.clientId,
        { redirect_uris: [redirectUri], response_types: ['code'] },
        clientAuth,
        settings.allowInsecureHttp ? { execute: [oidc.allowInsecureRequests] } : undefined,
      );
      endpoints.token = discovered.serverMetadata().token_endpoint;
      return discovered;
    })();
    configuration.catch(() => {
      configuration = undefined;
    });
    return configuration;
  }

  return {
    redirectUri,

    /** Where to send the resident, and what to keep in their session until they return. */
    async authorisationUrl(language: AccountLanguage): Promise<{ url: string; attempt: OneLoginAttempt }> {
      const config = await provider();
      const attempt: OneLoginAttempt = {
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
        codeVerifier: oidc.randomPKCECodeVerifier(),
      };
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: SCOPES,
        state: attempt.state,
        nonce: attempt.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(attempt.codeVerifier),
        code_challenge_method: 'S256',
        vtr: VECTOR_OF_TRUST,
        ui_locales: language,
      });
      return { url: url.toString(), attempt };
    },

    /**
     * The resident's return from One Login (`query`: the callback's query string): checks the
     * state, exchanges the code, validates the ID token (its nonce among the rest) and reads the
     * email address from userinfo.
     */
    async finish(query: string, attempt: OneLoginAttempt | undefined): Promise<OneLoginOutcome> {
      const params = new URLSearchParams(query);
      const state = params.get('state');
      if (!attempt || state === null || !sameText(state, attempt.state)) return { kind: 'refused', reason: 'state' };
      const error = params.get('error');
      if (error === 'access_denied') return { kind: 'refused', reason: 'access_denied' };
      if (error !== null) return { kind: 'refused', reason: 'provider', detail: `authorisation error: ${error.slice(0, 100)}` };
      try {
        const config = await provider();
        const callbackUrl = new URL(redirectUri);
        callbackUrl.search = params.toString();
        const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
          expectedState: attempt.state,
          expectedNonce: attempt.nonce,
          pkceCodeVerifier: attempt.codeVerifier,
          idTokenExpected: true,
        });
        const claims = tokens.claims();
        if (!claims) return { kind: 'refused', reason: 'provider', detail: 'no ID token' };
        const userInfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
        return {
          kind: 'identified',
          identity: {
            sub: claims.sub,
            email: typeof userInfo.email === 'string' ? userInfo.email : undefined,
            emailVerified: userInfo.email_verified === true,
          },
        };
      } catch (error) {
        return { kind: 'refused', reason: 'provider', detail: describe(error) };
      }
    },
  };
}

export type OneLoginClient = ReturnType<typeof createOneLoginClient>;
