// Staff sessions from outside, over real HTTP: the cookie, a new id at sign-in, signing out,
// what the sessions table keeps, the idle and absolute timeouts, CSRF tokens on forms, and
// changing a password (one's own, or after an administrator's reset).
import crypto from 'node:crypto';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { aStaffMember, type BuiltStaffMember } from '../support/builders.ts';
import { ADMIN, startTestServer, type TestServer } from '../support/server.ts';
import { type WebClient, type Page } from '../support/web.ts';

const SESSION_COOKIE = 'onedoor_session';
const FORM_EXPIRED = 'This form has expired';

/** The session id inside the signed cookie value (`<id>.<signature>`). */
function sessionIdOf(cookieValue: string): string {
  const value = decodeURIComponent(cookieValue);
  return value.slice(0, value.lastIndexOf('.'));
}

const sha256 = (text: string): string => crypto.createHash('sha256').update(text).digest('hex');

/** A request carrying only the given session cookie, as someone replaying a copied cookie would send it. */
async function replay(server: TestServer, cookieValue: string, path = '/staff'): Promise<Response> {
  return await fetch(`${server.url}${path}`, {
    headers: { cookie: `${SESSION_COOKIE}=${cookieValue}` },
    redirect: 'manual',
  });
}

function sessionSetCookie(page: Page): string | undefined {
  return page.headers.getSetCookie().find((header) => header.startsWith(`${SESSION_COOKIE}=`));
}

async function storedSession(server: TestServer, client: WebClient) {
  const cookie = client.cookie(SESSION_COOKIE);
  assert.ok(cookie, 'the client has a session cookie');
  return await server.db
    .selectFrom('sessions')
    .select(['id', 'user_id', 'data', 'expires_at'])
    .where('id', '=', sha256(sessionIdOf(cookie)))
    .executeTakeFirst();
}

describe('staff sessions (idle timeout 30 minutes, absolute 1 hour)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      env: {
        SESSION_IDLE_MINUTES: '30',
        SESSION_ABSOLUTE_HOURS: '1',
      },
    });
  });
  after(() => server.close());

  async function passwordHashOf(person: BuiltStaffMember): Promise<string> {
    const row = await server.db
      .selectFrom('staff_users')
      .select('password_hash')
      .where('id', '=', person.id)
      .executeTakeFirstOrThrow();
    return row.password_hash;
  }

  describe('the session cookie', () => {
    it('is HttpOnly and SameSite=Lax, and not Secure over plain http', async () => {
      const person = await aStaffMember(server.db, { roles: ['officer'] });
      const page = await server.client().signIn(person.email, person.password);

      const header = sessionSetCookie(page);
      assert.ok(header, 'signing in sets the session cookie');
      const attributes = header
        .split(';')
        .slice(1)
        .map((attribute) => attribute.trim().toLowerCase());
      assert.ok(attributes.includes('httponly'), header);
      assert.ok(attributes.includes('samesite=lax'), header);
      assert.ok(!attributes.includes('secure'), header);
    });

    it('gets a new session id at sign-in, so an id planted before it is worth nothing after', async () => {
      const person = await aStaffMember(server.db, { roles: ['officer'] });
      const client = server.client();
      await client.get('/staff/sign-in');
      const before = client.cookie(SESSION_COOKIE);
      assert.ok(before, 'the sign-in form already has a session (for its CSRF token)');

      const page = await client.post('/staff/sign-in', {
        email: person.email,
        password: person.password,
      });
      assert.equal(page.status, 303);
      const afterSignIn = client.cookie(SESSION_COOKIE);

      assert.ok(afterSignIn);
      assert.notEqual(sessionIdOf(afterSignIn), sessionIdOf(before));
      assert.equal((await replay(server, before)).status, 303, 'the old id does not give the signed-in session');
      assert.equal((await replay(server, afterSignIn)).status, 200);
    });

    it('is stored as a SHA-256 of the session id, never the id itself', async () => {
      const person = await aStaffMember(server.db, { roles: ['officer'] });
      const client = await server.signedIn(person);
      const id = sessionIdOf(client.cookie(SESSION_COOKIE)!);

      const row = await storedSession(server, client);
      assert.equal(row?.id, sha256(id));
      assert.equal(row?.user_id, person.id);
      const { rows } = await sql<{
        row: string;
      }>`select s::text as row from sessions s`.execute(server.db);
      assert.ok(!rows.some((stored) => stored.row.includes(id)), 'the id itself is nowhere in the sessions table');
    });
  });

  describe('signing out', () => {
    for (const method of ['GET', 'POST'] as const) {
      it(`ends the session on the server (${method} /staff/sign-out) and says "You have signed out"`, async () => {
        const person = await aStaffMember(server.db, { roles: ['officer'] });
        const client = await server.signedIn(person);
        const cookie = client.cookie(SESSION_COOKIE)!;
        assert.ok(await storedSession(server, client));

        let out: Page;
        if (method === 'GET') {
          out = await client.get('/staff/sign-out');
        } else {
          await client.get('/staff/change-password'); // a page with a form, for this session's CSRF token
          out = await client.post('/staff/sign-out', {});
        }
        assert.equal(out.status, 303);
        assert.equal(out.location, '/staff/sign-in?signedOut=1');
        const page = await client.follow(out);
        assert.match(page.dom.querySelector('.govuk-notification-banner')?.text ?? '', /You have signed out\./);

        const stored = await server.db
          .selectFrom('sessions')
          .select('id')
          .where('id', '=', sha256(sessionIdOf(cookie)))
          .executeTakeFirst();
        assert.equal(stored, undefined, 'the session row is gone');
        const replayed = await replay(server, cookie);
        assert.equal(replayed.status, 303, 'the old cookie no longer signs anyone in');
        assert.match(replayed.headers.get('location') ?? '', /^\/staff\/sign-in/);
        const signOut = await server.db
          .selectFrom('audit_events')
          .select('action')
          .where('actor_id', '=', person.id)
          .where('action', '=', 'sign_out')
          .execute();
        assert.equal(signOut.length, 1);
      });
    }
  });

  describe('timeouts', () => {
    it('sets a session to end SESSION_IDLE_MINUTES after its last request, when that comes before the absolute limit', async () => {
      const person = await aStaffMember(server.db, { roles: ['officer'] });
      const client = await server.signedIn(person);

      const row = await storedSession(server, client);
      const data = row?.data as { startedAt: number; lastSeenAt: number };
      assert.equal(row?.expires_at.getTime(), data.lastSeenAt + 30 * 60_000, 'expires 30 idle minutes after the last request');
      assert.equal(data.startedAt, data.lastSeenAt);
    });

    it('sends someone whose session has expired back to sign in', async () => {
      const person = await aStaffMember(server.db, { roles: ['officer'] });
      const client = await server.signedIn(person);
      assert.equal((await client.get('/staff')).status, 200);

      const row = await storedSession(server, client);
      await server.db
        .updateTable('sessions')
        .set({ expires_at: sql<Date>`now() - interval '1 second'` })
        .where('id', '=', row!.id)
        .execute();

      const page = await client.get('/staff');
      assert.equal(page.status, 303);
      assert.equal(page.location, `/staff/sign-in?returnTo=${encodeURIComponent('/staff')}`);
    });
  });

  describe('CSRF tokens', () => {
    it('refuses the sign-in form without its token, or with the token of another session, and signs nobody in', async () => {
      const person = await aStaffMember(server.db, { roles: ['officer'] });
      const client = server.client();
      await client.get('/staff/sign-in');

      const withoutToken = await client.post(
        '/staff/sign-in',
        { email: person.email, password: person.password },
        { csrf: false },
      );
      assert.equal(withoutToken.status, 403);
      assert.equal(withoutToken.heading, FORM_EXPIRED);

      const othersForm = await server.client().get('/staff/sign-in');
      const othersToken = othersForm.dom.querySelector('input[name="_csrf"]')?.getAttribute('value');
      assert.ok(othersToken);
      const withOthersToken = await client.post('/staff/sign-in', {
        email: person.email,
        password: person.password,
        _csrf: othersToken,
      });
      assert.equal(withOthersToken.status, 403);
      assert.equal(withOthersToken.heading, FORM_EXPIRED);

      assert.equal((await client.get('/staff')).status, 303, 'still signed out');
      const events = await server.db.selectFrom('audit_events').select('action').where('actor_id', '=', person.id).execute();
      assert.deepEqual(events, [], 'no sign-in was attempted');

      await client.get('/staff/sign-in');
      assert.equal(
        (
          await client.post('/staff/sign-in', {
            email: person.email,
            password: person.password,
          })
        ).status,
        303,
        'with its own token it works',
      );
    });

    it('refuses a signed-in form (changing a password) without its token, or with the token of another session, and changes nothing', async () => {
      const person = await aStaffMember(server.db, { roles: ['officer'] });
      const client = await server.signedIn(person);
      const hashBefore = await passwordHashOf(person);
      await client.get('/staff/change-password');
      const change = {
        currentPassword: person.password,
        newPassword: 'quilt harbour meadow 5521',
        confirmPassword: 'quilt harbour meadow 5521',
      };

      const withoutToken = await client.post('/staff/change-password', change, {
        csrf: false,
      });
      assert.equal(withoutToken.status, 403);
      assert.equal(withoutToken.heading, FORM_EXPIRED);

      const other = await server.signedIn(await aStaffMember(server.db, { roles: ['officer'] }));
      const othersForm = await other.get('/staff/change-password');
      const othersToken = othersForm.dom.querySelector('input[name="_csrf"]')?.getAttribute('value');
      assert.ok(othersToken);
      const withOthersToken = await client.post('/staff/change-password', {
        ...change,
        _csrf: othersToken,
      });
      assert.equal(withOthersToken.status, 403);
      assert.equal(withOthersToken.heading, FORM_EXPIRED);

      assert.equal(await passwordHashOf(person), hashBefore, 'the password is unchanged');
      assert.equal((await client.get('/staff')).status, 200, 'and the session continues');
    });
  });

  describe('changing one’s password', () => {
    async function changePassword(
      client: WebClient,
      fields: {
        currentPassword: string;
        newPassword: string;
        confirmPassword: string;
      },
    ) {
      await client.get('/staff/change-password');
      return await client.post('/staff/change-password', fields);
    }

    it('refuses a wrong current password', async () => {
      const person = await aStaffMember(server.db, { roles: ['officer'] });
      const client = await server.signedIn(person);
      const hashBefore = await passwordHashOf(person);

      const page = await changePassword(client, {
        currentPassword: 'not my password at all',
        newPassword: 'quilt harbour meadow 5521',
        confirmPassword: 'quilt harbour meadow 5521',
      });

      assert.equal(page.status, 400);
      assert.deepEqual(page.errorSummary, ['Your current password is not right']);
      assert.equal(page.dom.querySelector('.govuk-error-summary__list a')?.getAttribute('href'), '#currentPassword');
      assert.equal(await passwordHashOf(person), hashBefore);
    });

    for (const [newPassword, message] of [
      ['short one', 'Your new password must be at least 12 characters'],
      ['password1234', 'That password is too common – choose one that is harder to guess, for example three random words'],
    ] as const) {
      it(`refuses "${newPassword}" as a new password: "${message}"`, async () => {
        const person = await aStaffMember(server.db, { roles: ['officer'] });
        const client = await server.signedIn(person);
        const hashBefore = await passwordHashOf(person);

        const page = await changePassword(client, {
          currentPassword: person.password,
          newPassword,
          confirmPassword: newPassword,
        });

        assert.equal(page.status, 400);
        assert.deepEqual(page.errorSummary, [message]);
        assert.equal(page.dom.querySelector('.govuk-error-summary__list a')?.getAttribute('href'), '#newPassword');
        assert.match(page.dom.querySelector('title')?.text.trim() ?? '', /^Error:/);
        assert.equal(await passwordHashOf(person), hashBefore);
      });
    }

    it('refuses a confirmation that does not match the new password', async () => {
      const person = await aStaffMember(server.db, { roles: ['officer'] });
      const client = await server.signedIn(person);
      const hashBefore = await passwordHashOf(person);

      const page = await changePassword(client, {
        currentPassword: person.password,
        newPassword: 'quilt harbour meadow 5521',
        confirmPassword: 'quilt harbour meadow 5512',
      });

      assert.equal(page.status, 400);
      assert.deepEqual(page.errorSummary, ['The passwords do not match']);
      assert.equal(page.dom.querySelector('.govuk-error-summary__list a')?.getAttribute('href'), '#confirmPassword');
      assert.equal(await passwordHashOf(person), hashBefore);
    });

    it("ends the person's other sessions when they change their password, but not the one they changed it in", async () => {
      const person = await aStaffMember(server.db, { roles: ['officer'] });
      const here = await server.signedIn(person);
      const elsewhere = await server.signedIn(person);
      const bystander = await server.signedIn(await aStaffMember(server.db, { roles: ['officer'] }));
      const newPassword = 'quilt harbour meadow 5521';

      const changed = await changePassword(here, {
        currentPassword: person.password,
        newPassword,
        confirmPassword: newPassword,
      });
      assert.equal(changed.status, 303);
      assert.equal(changed.location, '/staff/account');
      const account = await here.follow(changed);
      assert.match(account.dom.querySelector('.govuk-notification-banner')?.text ?? '', /Your password has been changed/);

      assert.equal((await here.get('/staff')).status, 200, 'the current session continues');
      const ended = await elsewhere.get('/staff');
      assert.equal(ended.status, 303, 'the other session has ended');
      assert.match(ended.location ?? '', /^\/staff\/sign-in/);
      assert.equal((await bystander.get('/staff')).status, 200, "someone else's session is untouched");

      assert.equal((await server.client().signIn(person.email, person.password)).status, 400, 'the old password no longer works');
      assert.equal((await server.client().signIn(person.email, newPassword)).status, 303, 'the new one does');
    });

    it('makes someone whose password an administrator reset change it before anything else', async () => {
      const person = await aStaffMember(server.db, { roles: ['officer'] });
      const theirs = await server.signedIn(person);
      const admin = await server.signedIn(ADMIN);

      await admin.get(`/staff/admin/users/${person.id}/reset-password`);
      const reset = await admin.post(`/staff/admin/users/${person.id}/reset-password`, {});
      assert.equal(reset.status, 303);
      const temporary = (await admin.follow(reset)).dom.querySelector('#temporary-password')?.text.trim();
      assert.ok(temporary, 'the administrator is shown the temporary password');

      assert.equal((await theirs.get('/staff')).status, 303, 'the reset ended their session');
      const client = server.client();
      const signIn = await client.signIn(person.email, temporary);
      assert.equal(signIn.status, 303);
      for (const path of ['/staff', '/staff/account', '/staff/account/two-factor', '/staff/audit', '/staff/admin/users']) {
        const page = await client.get(path);
        assert.equal(page.status, 303, path);
        assert.equal(page.location, '/staff/change-password', path);
      }
      const form = await client.get('/staff/change-password');
      assert.equal(form.status, 200);
      assert.match(form.html, /Your password was reset by an administrator\./);

      const newPassword = 'quilt harbour meadow 5521';
      const changed = await client.post('/staff/change-password', {
        currentPassword: temporary,
        newPassword,
        confirmPassword: newPassword,
      });
      assert.equal(changed.status, 303);
      assert.equal(changed.location, '/staff');
      assert.equal((await client.get('/staff')).status, 200, 'once changed, the staff desktop opens');
      assert.equal((await client.get('/staff/account')).status, 200);
    });
  });
});

describe('staff sessions (idle timeout 2 hours, absolute 1 hour)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      env: {
        SESSION_IDLE_MINUTES: '120',
        SESSION_ABSOLUTE_HOURS: '1',
      },
    });
  });
  after(() => server.close());

  it('never lets a session outlive SESSION_ABSOLUTE_HOURS from sign-in, even when the idle timeout is longer', async () => {
    const person = await aStaffMember(server.db, { roles: ['officer'] });
    const client = await server.signedIn(person);

    const row = await storedSession(server, client);
    const data = row?.data as { startedAt: number; lastSeenAt: number };
    assert.equal(row?.expires_at.getTime(), data.startedAt + 60 * 60_000, 'expires an hour after sign-in, not two idle hours');
  });

  it('ends a session in use once it is older than SESSION_ABSOLUTE_HOURS, however recently it was used', async () => {
    const person = await aStaffMember(server.db, { roles: ['officer'] });
    const client = await server.signedIn(person);
    const row = await storedSession(server, client);

    // As if they signed in two hours ago and were last seen two minutes ago (the next request records a new visit).
    const data = row!.data as Record<string, unknown>;
    const now = Date.now();
    await server.db
      .updateTable('sessions')
      .set({
        data: JSON.stringify({
          ...data,
          startedAt: now - 2 * 3_600_000,
          lastSeenAt: now - 2 * 60_000,
        }),
      })
      .where('id', '=', row!.id)
      .execute();

    await client.get('/staff');
    const expired = await server.db
      .selectFrom('sessions')
      .select(sql<boolean>`expires_at <= now()`.as('expired'))
      .where('id', '=', row!.id)
      .executeTakeFirst();
    assert.equal(expired?.expired, true, 'saving the visit set the end to the absolute limit, already past');

    const page = await client.get('/staff');
    assert.equal(page.status, 303);
    assert.match(page.location ?? '', /^\/staff\/sign-in/);
  });
});
