// The second factor (an authenticator app) from outside, over real HTTP: turning it on, the code
// asked for at sign-in, each code used once, roles that must have it, and an administrator's reset.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as OTPAuth from 'otpauth';
import type { Role } from '../../src/platform/actor.ts';
import { aStaffMember, type BuiltStaffMember } from '../support/builders.ts';
import { ADMIN, startTestServer, type TestServer } from '../support/server.ts';
import { type WebClient, type Page } from '../support/web.ts';

const CODE_WRONG = 'The code is not right – check your authenticator app and enter the code it shows now';
const PERIOD_MS = 30_000;

/** The code an authenticator app with this key shows at `timestamp`. */
function codeFor(key: string, timestamp = Date.now()): string {
  const totp = new OTPAuth.TOTP({
    secret: OTPAuth.Secret.fromBase32(key.replace(/\s/g, '')),
    digits: 6,
    period: 30,
  });
  return totp.generate({ timestamp });
}

/** A well-formed code that is not right for this key at any time near now. */
function wrongCodeFor(key: string): string {
  const near = [-2, -1, 0, 1, 2].map((steps) => codeFor(key, Date.now() + steps * PERIOD_MS));
  return ['000000', '111111', '222222', '333333'].find((code) => !near.includes(code))!;
}

function keyShownOn(page: Page): string {
  const key = page.dom.querySelector('.onedoor-secret')?.text.trim();
  assert.ok(key, 'the set-up page shows the key to type in by hand');
  return key;
}

function banner(page: Page): string {
  return page.dom.querySelector('.govuk-notification-banner')?.text.replace(/\s+/g, ' ').trim() ?? '';
}

describe('the second factor', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  async function twoFactorOf(person: BuiltStaffMember) {
    return await server.db
      .selectFrom('staff_users')
      .select(['mfa_secret', 'mfa_enabled_at', 'mfa_last_step'])
      .where('id', '=', person.id)
      .executeTakeFirstOrThrow();
  }

  /** Signs in and turns on an authenticator app; returns its key and the client, still signed in. */
  async function withAuthenticator(person: BuiltStaffMember): Promise<{ key: string; client: WebClient }> {
    const client = await server.signedIn(person);
    const key = keyShownOn(await client.get('/staff/account/two-factor'));
    const confirmed = await client.post('/staff/account/two-factor', {
      code: codeFor(key),
    });
    assert.equal(confirmed.status, 303, `set-up refused: ${confirmed.errorSummary.join('; ')}`);
    return { key, client };
  }

  /** Signs in with the right password and arrives at the code page. */
  async function atCodePage(person: { email: string; password: string }): Promise<WebClient> {
    const client = server.client();
    const page = await client.signIn(person.email, person.password);
    assert.equal(page.status, 303);
    assert.equal(page.location, '/staff/sign-in/code');
    const codePage = await client.follow(page);
    assert.equal(codePage.status, 200);
    assert.equal(codePage.heading, 'Enter the code from your authenticator app');
    return client;
  }

  async function requireTwoFactorFor(roles: Role[]): Promise<void> {
    const admin = await server.signedIn(ADMIN);
    await admin.get('/staff/admin/security');
    const saved = await admin.post('/staff/admin/security', {
      mfaRequired: roles,
    });
    assert.equal(saved.status, 303);
  }

  it('turns on an authenticator app only once a right code from it is entered', async () => {
    const person = await aStaffMember(server.db, { roles: ['officer'] });
    const client = await server.signedIn(person);
    const setUp = await client.get('/staff/account/two-factor');
    assert.equal(setUp.status, 200);
    assert.equal(setUp.heading, 'Set up an authenticator app');
    const key = keyShownOn(setUp);

    const wrong = await client.post('/staff/account/two-factor', {
      code: wrongCodeFor(key),
    });
    assert.equal(wrong.status, 400);
    assert.deepEqual(wrong.errorSummary, [CODE_WRONG]);
    assert.equal(wrong.dom.querySelector('.govuk-error-summary__list a')?.getAttribute('href'), '#code');
    assert.match(wrong.dom.querySelector('#code-error')?.text ?? '', /The code is not right/);
    assert.equal(keyShownOn(wrong), key, 'the same key is offered again');
    assert.equal((await twoFactorOf(person)).mfa_enabled_at, null, 'nothing is turned on by a wrong code');

    const right = await client.post('/staff/account/two-factor', {
      code: codeFor(key),
    });
    assert.equal(right.status, 303);
    assert.equal(right.location, '/staff/account');
    const account = await client.follow(right);
    assert.match(banner(account), /Your authenticator app is set up/);
    const stored = await twoFactorOf(person);
    assert.notEqual(stored.mfa_enabled_at, null);
    assert.equal(stored.mfa_secret, key.replace(/\s/g, ''));
  });

  it('asks for a code after the right password, refuses a wrong one and signs in with the right one', async () => {
    const person = await aStaffMember(server.db, { roles: ['officer'] });
    const { key } = await withAuthenticator(person);

    const client = await atCodePage(person);
    const notYet = await client.get('/staff');
    assert.equal(notYet.status, 303, 'a right password alone does not sign in');
    assert.match(notYet.location ?? '', /^\/staff\/sign-in/);

    const wrong = await client.post('/staff/sign-in/code', {
      code: wrongCodeFor(key),
    });
    assert.equal(wrong.status, 400);
    assert.deepEqual(wrong.errorSummary, [CODE_WRONG]);
    assert.equal(wrong.dom.querySelector('.govuk-error-summary__list a')?.getAttribute('href'), '#code');

    // The code of the next 30 seconds: the one shown now was spent on turning the app on.
    const right = await client.post('/staff/sign-in/code', {
      code: codeFor(key, Date.now() + PERIOD_MS),
    });
    assert.equal(right.status, 303);
    assert.equal(right.location, '/staff');
    assert.equal((await client.get('/staff')).status, 200);

    const events = await server.db
      .selectFrom('audit_events')
      .select(['action', 'details'])
      .where('actor_id', '=', person.id)
      .where('action', 'like', 'sign_in.%')
      .orderBy('id')
      .execute();
    assert.deepEqual(events.slice(-2), [
      { action: 'sign_in.failure', details: { reason: 'wrong_code' } },
      { action: 'sign_in.success', details: { secondFactor: true } },
    ]);
  });

  it('accepts each code only once', async () => {
    const person = await aStaffMember(server.db, { roles: ['officer'] });
    const { key } = await withAuthenticator(person);
    const code = codeFor(key, Date.now() + PERIOD_MS);

    const first = await atCodePage(person);
    assert.equal((await first.post('/staff/sign-in/code', { code })).status, 303);

    const second = await atCodePage(person);
    const again = await second.post('/staff/sign-in/code', { code });
    assert.equal(again.status, 400);
    assert.deepEqual(again.errorSummary, [CODE_WRONG]);
    assert.equal((await second.get('/staff')).status, 303, 'still not signed in');
  });

  it('does not take the code used to turn the app on as a sign-in code', async () => {
    const person = await aStaffMember(server.db, { roles: ['officer'] });
    const client = await server.signedIn(person);
    const key = keyShownOn(await client.get('/staff/account/two-factor'));
    const code = codeFor(key);
    assert.equal((await client.post('/staff/account/two-factor', { code })).status, 303);

    const signingIn = await atCodePage(person);
    const reused = await signingIn.post('/staff/sign-in/code', { code });
    assert.equal(reused.status, 400);
    assert.deepEqual(reused.errorSummary, [CODE_WRONG]);
  });

  it('makes people of a role an administrator names set up an authenticator before anything else', async () => {
    await requireTwoFactorFor(['team_leader']);
    const required = await server.db.selectFrom('role_settings').select('role').where('mfa_required', '=', true).execute();
    assert.deepEqual(required, [{ role: 'team_leader' }]);

    const leader = await aStaffMember(server.db, { roles: ['team_leader'] });
    const client = await server.signedIn(leader);
    for (const path of ['/staff', '/staff/account', '/staff/change-password', '/staff/audit', '/staff/admin/users']) {
      const page = await client.get(path);
      assert.equal(page.status, 303, path);
      assert.equal(page.location, '/staff/account/two-factor', path);
    }
    const setUp = await client.get('/staff/account/two-factor');
    assert.equal(setUp.status, 200);
    assert.match(setUp.html, /Your role needs a second factor\. Set up an authenticator app before you continue\./);

    const confirmed = await client.post('/staff/account/two-factor', {
      code: codeFor(keyShownOn(setUp)),
    });
    assert.equal(confirmed.status, 303);
    assert.equal(confirmed.location, '/staff');
    assert.equal((await client.get('/staff')).status, 200, 'with an authenticator, the staff desktop opens');

    const officer = await server.signedIn(await aStaffMember(server.db, { roles: ['officer'] }));
    assert.equal((await officer.get('/staff')).status, 200, 'people of other roles are not held up');
  });

  it('does not let someone whose role needs a second factor turn it off', async () => {
    await requireTwoFactorFor(['team_leader']);
    const leader = await aStaffMember(server.db, { roles: ['team_leader'] });
    const { client } = await withAuthenticator(leader);

    const account = await client.get('/staff/account');
    assert.equal(account.status, 200);
    assert.ok(!account.dom.querySelector('form[action="/staff/account/two-factor/turn-off"]'), 'no button to turn it off');
    assert.match(account.html, /Your role needs a second factor, so it cannot be turned off\./);

    await client.get('/staff/change-password'); // a page with a form, for this session's CSRF token
    const turnOff = await client.post('/staff/account/two-factor/turn-off', {});
    assert.equal(turnOff.status, 303);
    assert.match(banner(await client.follow(turnOff)), /Your role needs a second factor, so it cannot be turned off\./);
    assert.notEqual((await twoFactorOf(leader)).mfa_enabled_at, null, 'the second factor is still on');
  });

  it('lets someone whose role does not need a second factor turn it off', async () => {
    const person = await aStaffMember(server.db, { roles: ['officer'] });
    const { client } = await withAuthenticator(person);

    const account = await client.get('/staff/account');
    assert.ok(account.dom.querySelector('form[action="/staff/account/two-factor/turn-off"]'));
    const turnOff = await client.post('/staff/account/two-factor/turn-off', {});
    assert.equal(turnOff.status, 303);
    assert.match(banner(await client.follow(turnOff)), /The second factor has been turned off\./);
    assert.deepEqual(await twoFactorOf(person), {
      mfa_secret: null,
      mfa_enabled_at: null,
      mfa_last_step: null,
    });
  });

  it("lets an administrator remove someone's second factor when they have lost it", async () => {
    const person = await aStaffMember(server.db, { roles: ['officer'] });
    const { client: theirs } = await withAuthenticator(person);
    const admin = await server.signedIn(ADMIN);

    const confirm = await admin.get(`/staff/admin/users/${person.id}/reset-two-factor`);
    assert.equal(confirm.status, 200);
    const reset = await admin.post(`/staff/admin/users/${person.id}/reset-two-factor`, {});
    assert.equal(reset.status, 303);
    assert.match(banner(await admin.follow(reset)), /The second factor has been removed\./);

    assert.deepEqual(await twoFactorOf(person), {
      mfa_secret: null,
      mfa_enabled_at: null,
      mfa_last_step: null,
    });
    assert.equal((await theirs.get('/staff')).status, 303, 'their session has ended');
    const again = await server.client().signIn(person.email, person.password);
    assert.equal(again.status, 303);
    assert.equal(again.location, '/staff', 'no code is asked for any more');
  });
});
