// A stand-in for GOV.UK One Login in tests: a small OpenID provider on a real port, with discovery,
// keys, an authorisation endpoint that sends the browser straight back with a code (as a person who
// signed in), a token endpoint that checks the PKCE verifier and the client's signed assertion
// (private_key_jwt) and answers with an ES256-signed ID token, and userinfo.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';

/** Who "signs in" at the next visit to /authorize. */
export interface FakeOneLoginUser {
  sub: string;
  email?: string;
  emailVerified?: boolean;
}

export interface FakeOneLogin {
  /** The issuer, with One Login's trailing slash: http://127.0.0.1:PORT/ */
  url: string;
  clientId: string;
  /** The client's private key (PKCS#8 PEM), as ONE_LOGIN_PRIVATE_KEY; the fake holds the public half. */
  clientPrivateKey: string;
  /** The person the next /authorize signs in, or an error to send back instead (e.g. access_denied). */
  next: FakeOneLoginUser | { error: string };
  /** Sign the next ID tokens with a nonce other than the one asked for (as a replayed token would carry). */
  wrongNonce: boolean;
  /** The query of each authorisation request, newest last. */
  authorisations: URLSearchParams[];
  /** Token requests whose client assertion and PKCE verifier checked out. */
  tokensIssued: number;
  /**
   * Follows an authorisation URL as a browser would: returns the path and query of the callback
   * One Login redirects back to (on whatever host the redirect URI names).
   */
  authorise(url: string): Promise<string>;
  close(): Promise<void>;
}

interface IssuedCode {
  user: FakeOneLoginUser;
  nonce: string;
  codeChallenge: string;
  redirectUri: string;
}

const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('base64url');

export async function startFakeOneLogin(options: { clientId?: string } = {}): Promise<FakeOneLogin> {
  const clientId = options.clientId ?? 'onedoor-test-client';
  const client = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signing = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(signing.publicKey)), kid: 'fake-one-login-1', use: 'sig', alg: 'ES256' };
  const codes = new Map<string, IssuedCode>();
  const accessTokens = new Map<string, FakeOneLoginUser>();
  let issuer = '';

  const json = (response: http.ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    response.end(JSON.stringify(body));
  };
  const readBody = async (request: http.IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
  };

  async function token(request: http.IncomingMessage, response: http.ServerResponse) {
    const body = await readBody(request);
    const tokenEndpoint = new URL('token', issuer).toString();
    // private_key_jwt: the assertion is signed by the client's key, about the client, for this endpoint.
    if (body.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer')
      return json(response, 401, { error: 'invalid_client', error_description: 'client assertion expected' });
    try {
      await jwtVerify(body.get('client_assertion') ?? '', client.publicKey, {
        issuer: clientId,
        subject: clientId,
        audience: tokenEndpoint,
        maxTokenAge: '5 minutes',
      });
    } catch {
      return json(response, 401, { error: 'invalid_client', error_description: 'client assertion does not verify' });
    }
    if (body.get('client_id') !== null && body.get('client_id') !== clientId)
      return json(response, 401, { error: 'invalid_client' });
    const code = body.get('code') ?? '';
    const issued = codes.get(code);
    codes.delete(code);
    if (body.get('grant_type') !== 'authorization_code' || !issued || body.get('redirect_uri') !== issued.redirectUri)
      return json(response, 400, { error: 'invalid_grant' });
    if (sha256(body.get('code_verifier') ?? '') !== issued.codeChallenge)
      return json(response, 400, { error: 'invalid_grant', error_description: 'PKCE verification failed' });
    const accessToken = crypto.randomBytes(24).toString('base64url');
    accessTokens.set(accessToken, issued.user);
    const idToken = await new SignJWT({
      nonce: fake.wrongNonce ? 'another-nonce' : issued.nonce,
      vot: 'Cl.Cm',
      sid: crypto.randomUUID(),
    })
      .setProtectedHeader({ alg: 'ES256', kid: jwk.kid })
      .setIssuer(issuer)
      .setSubject(issued.user.sub)
      .setAudience(clientId)
      .setIssuedAt()
      .setExpirationTime('3 minutes')
      .sign(signing.privateKey);
    fake.tokensIssued += 1;
    return json(response, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: 180, id_token: idToken });
  }

  function authorize(url: URL, response: http.ServerResponse) {
    const query = url.searchParams;
    fake.authorisations.push(query);
    const redirectUri = query.get('redirect_uri') ?? '';
    const back = new URL(redirectUri);
    const state = query.get('state');
    if (state !== null) back.searchParams.set('state', state);
    const ok =
      query.get('client_id') === clientId &&
      query.get('response_type') === 'code' &&
      query.get('code_challenge_method') === 'S256' &&
      query.get('nonce') &&
      query.get('code_challenge');
    if (!ok || 'error' in fake.next) {
      back.searchParams.set('error', 'error' in fake.next ? fake.next.error : 'invalid_request');
    } else {
      const code = crypto.randomBytes(16).toString('base64url');
      codes.set(code, {
        user: fake.next,
        nonce: query.get('nonce')!,
        codeChallenge: query.get('code_challenge')!,
        redirectUri,
      });
      back.searchParams.set('code', code);
    }
    response.writeHead(302, { location: back.toString() });
    response.end();
  }

  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', issuer);
    const route = `${request.method} ${url.pathname}`;
    const handle = async () => {
      switch (route) {
        case 'GET /.well-known/openid-configuration':
          return json(response, 200, {
            issuer,
            authorization_endpoint: new URL('authorize', issuer).toString(),
            token_endpoint: new URL('token', issuer).toString(),
            userinfo_endpoint: new URL('userinfo', issuer).toString(),
            jwks_uri: new URL('.well-known/jwks.json', issuer).toString(),
            scopes_supported: ['openid', 'email', 'phone', 'offline_access'],
            response_types_supported: ['code'],
            grant_types_supported: ['authorization_code'],
            token_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_post'],
            token_endpoint_auth_signing_alg_values_supported: ['RS256', 'RS384', 'RS512', 'PS256', 'ES256'],
            id_token_signing_alg_values_supported: ['ES256'],
            subject_types_supported: ['public', 'pairwise'],
            ui_locales_supported: ['en', 'cy'],
            vtr_values_supported: ['Cl.Cm', 'Cl.Cm.P2'],
          });
        case 'GET /.well-known/jwks.json':
          return json(response, 200, { keys: [jwk] });
        case 'GET /authorize':
          return authorize(url, response);
        case 'POST /token':
          return await token(request, response);
        case 'GET /userinfo': {
          const user = accessTokens.get((request.headers.authorization ?? '').replace(/^Bearer /, ''));
          if (!user) return json(response, 401, { error: 'invalid_token' });
          return json(response, 200, {
            sub: user.sub,
            ...(user.email !== undefined ? { email: user.email, email_verified: user.emailVerified ?? true } : {}),
          });
        }
        default:
          return json(response, 404, { error: 'not_found' });
      }
    };
    handle().catch((error: unknown) => json(response, 500, { error: 'server_error', error_description: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  const fake: FakeOneLogin = {
    url: issuer,
    clientId,
    clientPrivateKey: client.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    next: { sub: 'urn:fdc:gov.uk:2022:default', email: 'someone@example.org', emailVerified: true },
    wrongNonce: false,
    authorisations: [],
    tokensIssued: 0,
    async authorise(url: string) {
      const response = await fetch(url, { redirect: 'manual' });
      const location = response.headers.get('location');
      if (response.status !== 302 || !location) throw new Error(`the fake One Login answered ${response.status}`);
      const back = new URL(location);
      return `${back.pathname}${back.search}`;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
  return fake;
}
