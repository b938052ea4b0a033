// Signing in with GOV.UK One Login over real HTTP, against a fake One Login on a real port: a new
// resident gives their name and has an account; an existing account is linked by its verified
// email address; a returning resident is known by their One Login subject; a forged or refused
// return signs nobody in; and with One Login not configured there is no trace of it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFakeOneLogin, type FakeOneLogin, type FakeOneLoginUser } from '../support/fakeOneLogin.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { WebClient } from '../support/web.ts';

const PASSWORD = 'kettle orchard lantern';

describe('signing in with GOV.UK One Login', () => {
  let fake: FakeOneLogin;
  let server: TestServer;
  let people = 0;

  before(async () => {
    fake = await startFakeOneLogin();
    server = await startTestServer({
      env: {
        ONE_LOGIN_ISSUER: fake.url,
        ONE_LOGIN_CLIENT_ID: fake.clientId,
        ONE_LOGIN_PRIVATE_KEY: fake.clientPrivateKey,
        // The fake listens on http://127.0.0.1; config refuses this setting in production.
        ONE_LOGIN_ALLOW_INSECURE_HTTP: '1',
      },
    });
  });
  after(async () => {
    await server.close();
    await fake.close();
  });

  /** A new person at One Login each time, so that none meets another's account. */
  const aPerson = (fields: Partial<FakeOneLoginUser> = {}): FakeOneLoginUser => {
    people += 1;
    return { sub: `urn:fdc:gov.uk:2022:person-${people}`, email: `person${people}@example.org`, emailVerified: true, ...fields };
  };

  /** Presses the button, "signs in" at One Login as `who`, and comes back: the callback's answer. */
  async function viaOneLogin(client: WebClient, who: FakeOneLoginUser | { error: string }) {
    const start = await client.get('/account/one-login');
    assert.equal(start.status, 303);
    assert.ok(start.location?.startsWith(`${fake.url}authorize?`), start.location ?? '');
    fake.next = who;
    return await client.get(await fake.authorise(start.location!));
  }

  const accountOf = async (email: string) =>
    await server.db
      .selectFrom('resident_accounts')
      .select(['id', 'customer_id', 'one_login_sub', 'password_hash', 'confirmed_at', 'name'])
      .where('email', '=', email)
      .executeTakeFirst();

  const auditOf = async (recordId: string) =>
    await server.db
      .selectFrom('audit_events')
      .select(['action', 'details'])
      .where('record_id', '=', recordId)
      .orderBy('id')
      .execute();

  async function registerWithPassword(email: string, confirmed: boolean) {
    const client = server.client();
    await client.get('/account/register');
    const registered = await client.post('/account/register', {
      name: 'Ffion Hughes',
      email,
      password: PASSWORD,
      confirmPassword: PASSWORD,
    });
    assert.equal(registered.status, 303);
    if (confirmed)
      await server.db.updateTable('resident_accounts').set({ confirmed_at: new Date() }).where('email', '=', email).execute();
  }

  async function signInWithPassword(email: string) {
    const client = server.client();
    await client.get('/account/sign-in');
    return await client.post('/account/sign-in', { email, password: PASSWORD });
  }

  it('offers the button on the sign-in and register pages, and asks One Login for an email address at medium level', async () => {
    const client = server.client();
    const signIn = await client.get('/account/sign-in?returnTo=%2Faccount%2Frequests%2FODR-7K4M-2Q9P');
    const button = signIn.dom.querySelector('a.govuk-button[href^="/account/one-login"]');
    assert.ok(button, 'a button on the sign-in page');
    assert.equal(button.text.trim(), 'Sign in with GOV.UK One Login');
    assert.equal(button.getAttribute('href'), '/account/one-login?returnTo=%2Faccount%2Frequests%2FODR-7K4M-2Q9P');
    const register = await client.get('/account/register');
    assert.ok(register.dom.querySelector('a.govuk-button[href="/account/one-login"]'), 'and on the register page');

    const start = await client.get('/account/one-login');
    assert.equal(start.status, 303);
    const asked = new URL(start.location!).searchParams;
    assert.equal(asked.get('client_id'), fake.clientId);
    assert.equal(asked.get('scope'), 'openid email');
    assert.equal(asked.get('vtr'), '["Cl.Cm"]');
    assert.equal(asked.get('response_type'), 'code');
    assert.equal(asked.get('code_challenge_method'), 'S256');
    assert.equal(asked.get('redirect_uri'), `${server.config.publicUrl}/account/one-login/callback`);
    assert.equal(asked.get('ui_locales'), 'en');
    for (const name of ['state', 'nonce', 'code_challenge']) assert.ok((asked.get(name) ?? '').length >= 32, name);
    assert.match(start.headers.get('cache-control') ?? '', /no-store/);

    const welsh = server.client();
    await welsh.get('/?lang=cy');
    assert.equal(
      (await welsh.get('/account/sign-in')).dom.querySelector('a.govuk-button[href^="/account/one-login"]')!.text.trim(),
      'Mewngofnodi gyda GOV.UK One Login',
    );
    const startCy = await welsh.get('/account/one-login');
    assert.equal(new URL(startCy.location!).searchParams.get('ui_locales'), 'cy', 'One Login in Welsh for a Welsh reader');
  });

  it('makes a new resident’s account and customer record once they give their name, and signs them in', async () => {
    const person = aPerson({ email: 'Rhys.Morgan@Example.org' });
    const client = server.client();
    const before = client.cookie('onedoor_session');
    const back = await viaOneLogin(client, person);
    assert.equal(back.status, 303);
    assert.equal(back.location, '/account/one-login/name');
    assert.equal(await accountOf('rhys.morgan@example.org'), undefined, 'no account until the name is given');

    const ask = await client.follow(back);
    assert.equal(ask.status, 200);
    assert.equal(ask.heading, 'What is your full name?');
    assert.match(ask.html, /as rhys\.morgan@example\.org/);
    const empty = await client.post('/account/one-login/name', { name: '' });
    assert.equal(empty.status, 400);
    assert.deepEqual(empty.errorSummary, ['Enter your full name']);
    assert.match(empty.dom.querySelector('title')!.text, /^Error: /);
    const oneWord = await client.post('/account/one-login/name', { name: 'Rhys' });
    assert.deepEqual(oneWord.errorSummary, ['Enter your full name, including your last name']);

    const named = await client.post('/account/one-login/name', { name: 'Rhys  Morgan' });
    assert.equal(named.status, 303);
    assert.equal(named.location, '/account/requests');
    assert.notEqual(client.cookie('onedoor_session'), before, 'a new session at sign-in');
    const requests = await client.follow(named);
    assert.equal(requests.status, 200);
    assert.equal(requests.heading, 'Your requests');
    assert.match(requests.html, /Rhys Morgan/);

    const account = await accountOf('rhys.morgan@example.org');
    assert.ok(account);
    assert.equal(account.one_login_sub, person.sub);
    assert.equal(account.password_hash, null, 'no password of its own');
    assert.ok(account.confirmed_at, 'One Login has verified the address');
    const customer = await server.db
      .selectFrom('customers')
      .select(['given_name', 'family_name'])
      .where('id', '=', account.customer_id)
      .executeTakeFirstOrThrow();
    assert.deepEqual([customer.given_name, customer.family_name], ['Rhys', 'Morgan']);
    const audit = await auditOf(account.id);
    assert.deepEqual(
      audit.map((event) => event.action),
      ['resident_account.create', 'resident_account.sign_in'],
    );
    assert.equal((audit[1]!.details as { method?: string }).method, 'one_login');
    assert.equal((await client.get('/account/one-login/name')).status, 400, 'the name page is done with');

    // No password to guess: the account cannot be signed in to with one.
    assert.equal((await signInWithPassword('rhys.morgan@example.org')).status, 400);
  });

  it('knows a returning resident by their One Login subject, whatever their email address is now', async () => {
    const person = aPerson();
    const first = server.client();
    await viaOneLogin(first, person);
    await first.get('/account/one-login/name');
    assert.equal((await first.post('/account/one-login/name', { name: 'Carys Jones' })).status, 303);
    const account = await accountOf(person.email!);

    const again = await viaOneLogin(server.client(), { ...person, email: 'carys.new@example.org' });
    assert.equal(again.status, 303);
    assert.equal(again.location, '/account/requests', 'no name page the second time');
    const accounts = await server.db
      .selectFrom('resident_accounts')
      .select('id')
      .where('one_login_sub', '=', person.sub)
      .execute();
    assert.deepEqual(accounts, [{ id: account!.id }]);
    assert.equal(await accountOf('carys.new@example.org'), undefined);
  });

  it('links an existing account with the same verified email address, and keeps its password', async () => {
    const person = aPerson();
    await registerWithPassword(person.email!, true);
    const client = server.client();
    const back = await viaOneLogin(client, { ...person, email: person.email!.toUpperCase() });
    assert.equal(back.status, 303);
    assert.equal(back.location, '/account/requests');
    assert.equal((await client.follow(back)).heading, 'Your requests');

    const account = await accountOf(person.email!);
    assert.equal(account!.one_login_sub, person.sub);
    assert.equal(account!.name, 'Ffion Hughes');
    const actions = (await auditOf(account!.id)).map((event) => event.action);
    assert.ok(actions.includes('resident_account.one_login_link'));
    assert.equal(actions.at(-1), 'resident_account.sign_in');
    assert.equal((await signInWithPassword(person.email!)).status, 303, 'the password still works');
  });

  it('confirms an unconfirmed account it links, and removes the password nobody proved was theirs', async () => {
    const person = aPerson();
    await registerWithPassword(person.email!, false);
    const back = await viaOneLogin(server.client(), person);
    assert.equal(back.location, '/account/requests');
    const account = await accountOf(person.email!);
    assert.ok(account!.confirmed_at);
    assert.equal(account!.password_hash, null);
    assert.equal((await signInWithPassword(person.email!)).status, 400, 'whoever registered the address cannot sign in');
  });

  it('does not link an existing account when One Login has not verified the email address', async () => {
    const person = aPerson({ emailVerified: false });
    await registerWithPassword(person.email!, true);
    const client = server.client();
    const back = await viaOneLogin(client, person);
    assert.equal(back.status, 403);
    assert.equal(back.heading, 'You have not been signed in');
    assert.ok(back.dom.querySelector('a[href="/account/sign-in"]'), 'a way back');
    const account = await accountOf(person.email!);
    assert.equal(account!.one_login_sub, null);
    assert.equal((await client.get('/account/requests')).status, 303, 'not signed in');
    assert.ok((await auditOf(account!.id)).some((event) => event.action === 'resident_account.one_login_refused'));
  });

  it('refuses a return whose state is not the one it sent, and a return used twice', async () => {
    const client = server.client();
    const start = await client.get('/account/one-login');
    fake.next = aPerson();
    const callback = await fake.authorise(start.location!);
    const forged = callback.replace(/state=[^&]+/, 'state=not-the-state');
    const refused = await client.get(forged);
    assert.equal(refused.status, 400);
    assert.equal(refused.heading, 'You have not been signed in');
    assert.ok(!/at |Error:|stack/i.test(refused.dom.querySelector('main')!.text), 'a plain page, no stack trace');
    assert.equal((await client.get(callback)).status, 400, 'the attempt was used up by the forged return');

    // A return arriving in another browser (no attempt in its session) signs nobody in.
    const other = server.client();
    const again = await other.get('/account/one-login');
    fake.next = aPerson();
    const genuine = await fake.authorise(again.location!);
    assert.equal((await server.client().get(genuine)).status, 400);
    assert.equal((await other.get(genuine)).status, 303, 'the right browser is signed in');
    assert.equal((await other.get(genuine)).status, 400, 'but only once');
  });

  it('says plainly when the resident chose not to go on at One Login', async () => {
    const client = server.client();
    const issued = fake.tokensIssued;
    const back = await viaOneLogin(client, { error: 'access_denied' });
    assert.equal(back.status, 400);
    assert.equal(back.heading, 'You have not been signed in');
    assert.match(back.html, /You chose not to continue with GOV\.UK One Login/);
    assert.equal(fake.tokensIssued, issued, 'no code was exchanged');
    assert.equal((await client.get('/account/requests')).status, 303);
  });

  it('refuses an ID token that does not carry the nonce it sent', async () => {
    const person = aPerson();
    const client = server.client();
    fake.wrongNonce = true;
    const back = await viaOneLogin(client, person).finally(() => {
      fake.wrongNonce = false;
    });
    assert.equal(back.status, 502);
    assert.equal(back.heading, 'You have not been signed in');
    assert.equal(await accountOf(person.email!), undefined);
    assert.equal((await client.get('/account/requests')).status, 303);
  });

  it('has exchanged every code with a signed client assertion and the PKCE verifier', () => {
    // The fake refuses any token request without both; every sign-in above needed one.
    assert.ok(fake.tokensIssued >= 6);
  });
});

describe('GOV.UK One Login when it is not configured', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('has no routes and no button', async () => {
    const client = server.client();
    for (const path of ['/account/one-login', '/account/one-login/callback?code=x&state=y', '/account/one-login/name']) {
      assert.equal((await client.get(path)).status, 404, path);
    }
    for (const path of ['/account/sign-in', '/account/register']) {
      const page = await client.get(path);
      assert.equal(page.status, 200);
      assert.ok(!page.html.includes('One Login'), `${path} does not mention One Login`);
    }
    assert.equal(server.services.oneLogin, undefined);
  });
});
