// Staff sign-in from outside, over real HTTP: what a refusal says (and does not say), lockouts
// per account and per address, the audit trail of every attempt, where sign-in leads afterwards,
// and the limit on requests from one address.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { aStaffMember } from '../support/builders.ts';
import { ADMIN, startTestServer, type TestServer } from '../support/server.ts';
import { type WebClient, type Page } from '../support/web.ts';

const REFUSED = 'Enter a correct email address and password';
const LOCKED = /^You have tried to sign in too many times\. Wait \d+ minutes and try again$/;

describe('staff sign-in', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  /** A client from an address of its own, and that address. */
  function aClient(): { client: WebClient; ip: string } {
    const client = server.client();
    return { client, ip: client.address! };
  }

  /** The page's main content with what legitimately differs between two requests taken out. */
  function mainContent(page: Page, email: string): string {
    return (page.dom.querySelector('main')?.toString() ?? '')
      .replaceAll(email, '{email}')
      .replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf"');
  }

  function fieldError(page: Page, field: string): string | undefined {
    return page.dom
      .querySelector(`#${field}-error`)
      ?.text.replace(/^\s*Error:\s*/, '')
      .trim();
  }

  async function isSignedIn(client: WebClient): Promise<boolean> {
    const home = await client.get('/staff');
    return home.status === 200;
  }

  async function auditRows(where: { ip?: string; email?: string }) {
    let query = server.db
      .selectFrom('audit_events')
      .select(['action', 'organisation_id', 'actor_id', 'actor_label', 'details', sql<string>`host(ip)`.as('ip')])
      .where('action', 'like', 'sign_in%')
      .orderBy('id');
    if (where.ip) query = query.where(sql<string>`host(ip)`, '=', where.ip);
    if (where.email) query = query.where('actor_label', '=', where.email);
    return await query.execute();
  }

  describe('refusals', () => {
    it('refuses a wrong password and an unknown email address in exactly the same words', async () => {
      const person = await aStaffMember(server.db, { roles: ['officer'] });
      const nobody = 'nobody-here@test.example';

      const wrongPassword = await aClient().client.signIn(person.email, 'not the right password');
      const unknownEmail = await aClient().client.signIn(nobody, 'not the right password');

      assert.equal(wrongPassword.status, 400);
      assert.equal(unknownEmail.status, 400);
      assert.deepEqual(wrongPassword.errorSummary, [REFUSED]);
      assert.deepEqual(unknownEmail.errorSummary, [REFUSED]);
      assert.equal(fieldError(wrongPassword, 'email'), REFUSED);
      assert.equal(
        mainContent(unknownEmail, nobody),
        mainContent(wrongPassword, person.email),
        'the two pages differ only in the email typed',
      );
    });

    it('keeps the email address in the form but never sends the password back', async () => {
      const person = await aStaffMember(server.db, { roles: ['officer'] });
      const typed = 'a password to keep secret 7731';

      const page = await aClient().client.signIn(person.email, typed);

      assert.equal(page.status, 400);
      assert.equal(page.dom.querySelector('input#email')?.getAttribute('value'), person.email);
      assert.ok(page.dom.querySelector('input#password'), 'the password field is there to type again');
      assert.ok(!page.dom.querySelector('input#password')?.getAttribute('value'), 'the password field is empty');
      assert.ok(!page.html.includes(typed), 'the password appears nowhere in the page');
    });

    it('asks for the email address and the password when the form is sent empty', async () => {
      const { client } = aClient();
      const blank = await client.get('/staff/sign-in');
      assert.doesNotMatch(blank.dom.querySelector('title')?.text ?? '', /^Error:/);

      const page = await client.post('/staff/sign-in', {
        email: '',
        password: '',
      });

      assert.equal(page.status, 400);
      assert.deepEqual(page.errorSummary, ['Enter your email address', 'Enter your password']);
      const links = page.dom.querySelectorAll('.govuk-error-summary__list a').map((link) => link.getAttribute('href'));
      assert.deepEqual(links, ['#email', '#password']);
      assert.equal(fieldError(page, 'email'), 'Enter your email address');
      assert.equal(fieldError(page, 'password'), 'Enter your password');
      assert.match(page.dom.querySelector('title')?.text.trim() ?? '', /^Error: Sign in/);
    });

    it('refuses a deactivated account, even with the right password, in the same words', async () => {
      const person = await aStaffMember(server.db, { roles: ['officer'] });
      const admin = aClient().client;
      await admin.signIn(ADMIN.email, ADMIN.password);
      await admin.get(`/staff/admin/users/${person.id}/deactivate`);
      const deactivated = await admin.post(`/staff/admin/users/${person.id}/deactivate`, {});
      assert.equal(deactivated.status, 303);

      const { client } = aClient();
      const page = await client.signIn(person.email, person.password);

      assert.equal(page.status, 400);
      assert.deepEqual(page.errorSummary, [REFUSED]);
      assert.equal(await isSignedIn(client), false);
      const [event] = await auditRows({ email: person.email });
      assert.equal(event?.action, 'sign_in.failure');
      assert.deepEqual(event?.details, { reason: 'deactivated' });
    });
  });

  describe('lockout', () => {
    it('locks an account after five failures, even against the right password and from anywhere', async () => {
      const person = await aStaffMember(server.db, { roles: ['officer'] });
      const { client } = aClient();

      for (let attempt = 1; attempt <= 4; attempt += 1) {
        const page = await client.signIn(person.email, `wrong guess ${attempt}`);
        assert.equal(page.status, 400, `attempt ${attempt}`);
        assert.deepEqual(page.errorSummary, [REFUSED]);
      }
      const fifth = await client.signIn(person.email, 'wrong guess 5');
      assert.equal(fifth.status, 429);
      assert.match(fifth.errorSummary[0] ?? '', LOCKED);

      const sixth = await client.signIn(person.email, person.password);
      assert.equal(sixth.status, 429);
      assert.match(sixth.errorSummary[0] ?? '', LOCKED);
      assert.equal(await isSignedIn(client), false);

      const elsewhere = await aClient().client.signIn(person.email, person.password);
      assert.equal(elsewhere.status, 429, 'the lock is on the account, not only the address');
    });

    it('locks an email address with no account exactly as it locks a real one', async () => {
      const person = await aStaffMember(server.db, { roles: ['officer'] });
      const ghost = 'no-such-person@test.example';

      async function sixAttempts(email: string): Promise<Page[]> {
        const { client } = aClient();
        const pages: Page[] = [];
        for (let attempt = 1; attempt <= 6; attempt += 1) pages.push(await client.signIn(email, `wrong guess ${attempt}`));
        return pages;
      }
      const real = await sixAttempts(person.email);
      const imaginary = await sixAttempts(ghost);

      assert.deepEqual(
        imaginary.map((page) => page.status),
        real.map((page) => page.status),
      );
      assert.equal(real[5]?.status, 429);
      assert.match(real[5]?.errorSummary[0] ?? '', LOCKED);
      assert.equal(mainContent(imaginary[5]!, ghost), mainContent(real[5]!, person.email));
    });

    it('locks an address after twenty failures across different accounts, but not other addresses', async () => {
      const person = await aStaffMember(server.db, { roles: ['officer'] });
      const { client } = aClient();

      for (let attempt = 1; attempt <= 19; attempt += 1) {
        const page = await client.signIn(`sprayed-${attempt}@test.example`, 'Password1');
        assert.equal(page.status, 400, `attempt ${attempt}`);
      }
      const twentieth = await client.signIn('sprayed-20@test.example', 'Password1');
      assert.equal(twentieth.status, 429);
      assert.match(twentieth.errorSummary[0] ?? '', LOCKED);

      const rightButLocked = await client.signIn(person.email, person.password);
      assert.equal(rightButLocked.status, 429);
      assert.equal(await isSignedIn(client), false);

      const fromElsewhere = aClient().client;
      const signedIn = await fromElsewhere.signIn(person.email, person.password);
      assert.equal(signedIn.status, 303);
      assert.equal(signedIn.location, '/staff');
    });

    it("forgets an account's failures once its owner signs in", async () => {
      const person = await aStaffMember(server.db, { roles: ['officer'] });
      const first = aClient().client;
      for (let attempt = 1; attempt <= 4; attempt += 1) {
        assert.equal((await first.signIn(person.email, `wrong guess ${attempt}`)).status, 400);
      }
      assert.equal((await first.signIn(person.email, person.password)).status, 303);

      const second = aClient().client;
      for (let attempt = 1; attempt <= 4; attempt += 1) {
        assert.equal(
          (await second.signIn(person.email, `wrong again ${attempt}`)).status,
          400,
          `attempt ${attempt} after signing in`,
        );
      }
      assert.equal((await second.signIn(person.email, person.password)).status, 303);
    });
  });

  describe('the audit trail', () => {
    it('records every sign-in, success or failure, with the address it came from', async () => {
      const person = await aStaffMember(server.db, { roles: ['officer'] });
      const { client, ip } = aClient();

      await client.signIn(person.email, 'not the right password');
      await client.signIn('unknown-person@test.example', 'not the right password');
      await client.signIn(person.email, person.password);

      const events = await auditRows({ ip });
      assert.deepEqual(
        events.map(({ action, organisation_id, actor_id, actor_label, details, ip: from }) => ({
          action,
          organisation_id,
          actor_id,
          actor_label,
          details,
          from,
        })),
        [
          {
            action: 'sign_in.failure',
            organisation_id: person.organisationId,
            actor_id: person.id,
            actor_label: person.email,
            details: { reason: 'wrong_password' },
            from: ip,
          },
          {
            action: 'sign_in.failure',
            organisation_id: null,
            actor_id: null,
            actor_label: null,
            details: { reason: 'unknown_account' },
            from: ip,
          },
          {
            action: 'sign_in.success',
            organisation_id: person.organisationId,
            actor_id: person.id,
            actor_label: person.email,
            details: null,
            from: ip,
          },
        ],
      );
    });

    it('never writes a password, right or wrong, into the audit trail', async () => {
      const person = await aStaffMember(server.db, { roles: ['officer'] });
      const wrong = 'marker wrong password 4417';
      const unknown = 'marker unknown password 9902';
      const { client } = aClient();

      await client.signIn(person.email, wrong);
      await client.signIn('marker-nobody@test.example', unknown);
      await client.signIn(person.email, person.password);

      const { rows } = await sql<{
        row: string;
      }>`select e::text as row from audit_events e`.execute(server.db);
      assert.ok(
        rows.some((row) => row.row.includes(person.email)),
        'the search does see the sign-in events',
      );
      for (const secret of [wrong, unknown, person.password]) {
        assert.ok(!rows.some((row) => row.row.includes(secret)), `"${secret}" is in the audit trail`);
      }
    });
  });

  describe('where sign-in leads', () => {
    it('returns to the page that asked for sign-in', async () => {
      const { client } = aClient();
      const asked = await client.get('/staff/admin/users');
      assert.equal(asked.status, 303);
      assert.equal(asked.location, `/staff/sign-in?returnTo=${encodeURIComponent('/staff/admin/users')}`);

      const form = await client.follow(asked);
      const returnTo = form.dom.querySelector('input[name="returnTo"]')?.getAttribute('value');
      assert.equal(returnTo, '/staff/admin/users');
      const signedIn = await client.post('/staff/sign-in', {
        email: ADMIN.email,
        password: ADMIN.password,
        returnTo,
      });

      assert.equal(signedIn.status, 303);
      assert.equal(signedIn.location, '/staff/admin/users');
      assert.equal((await client.follow(signedIn)).heading, 'Users');
    });

    for (const returnTo of ['//evil.example', 'https://evil.example/staff', '//evil.example/staff', '/\\evil.example']) {
      it(`goes to /staff instead of leaving OneDoor for a returnTo of ${returnTo}`, async () => {
        const { client } = aClient();
        await client.get(`/staff/sign-in?returnTo=${encodeURIComponent(returnTo)}`);
        const signedIn = await client.post('/staff/sign-in', {
          email: ADMIN.email,
          password: ADMIN.password,
          returnTo,
        });
        assert.equal(signedIn.status, 303);
        assert.equal(signedIn.location, '/staff');
      });
    }
  });

  describe('the request limit', () => {
    it('takes 30 sign-in requests a minute from one address and refuses the 31st with 429', async () => {
      const { client } = aClient();
      await client.get('/staff/sign-in');
      for (let request = 1; request <= 30; request += 1) {
        const page = await client.post('/staff/sign-in', {
          email: '',
          password: '',
        });
        assert.equal(page.status, 400, `request ${request}`);
      }

      const refused = await client.post('/staff/sign-in', {
        email: '',
        password: '',
      });
      assert.equal(refused.status, 429);
      assert.equal(refused.heading, 'Too many attempts');
      assert.match(refused.headers.get('retry-after') ?? '', /^\d+$/);

      const other = await aClient().client.signIn(ADMIN.email, ADMIN.password);
      assert.equal(other.status, 303, 'other addresses are not limited');
    });
  });
});
