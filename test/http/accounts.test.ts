// Resident accounts on the portal over real HTTP: registering makes a customer record and emails a
// link that confirms the address; only a confirmed account signs in; "Your requests" lists the
// cases on the resident's own record and opens none of anybody else's; a forgotten password is
// reset once, within the hour, and ends every other session; nothing says whether an address has
// an account.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { findFirstCouncil } from '../../src/organisations/repo.ts';
import { systemActor } from '../../src/platform/actor.ts';
import { aService, aTeam } from '../support/builders.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { Page, WebClient } from '../support/web.ts';

const PASSWORD = 'kettle orchard lantern';

describe('resident accounts', () => {
  let server: TestServer;
  let councilId: string;
  let emails = 0;

  before(async () => {
    server = await startTestServer();
    councilId = (await findFirstCouncil(server.db))!.id;
    const teamId = await aTeam(server.db, { organisationId: councilId, code: 'waste', name: 'Waste', nameCy: 'Gwastraff' });
    await aService(server.db, {
      councilId,
      teamId,
      code: 'missed-bin',
      name: 'Missed bin collection',
      nameCy: 'Casgliad bin wedi’i fethu',
      slaWorkingDays: 2,
    });
  });
  after(() => server.close());

  /** A new address for each test, so that none meets another's account. */
  const anEmail = () => `resident${++emails}@example.org`;

  async function register(
    client: WebClient,
    fields: { name?: string; email: string; password?: string; confirmPassword?: string },
  ) {
    await client.get('/account/register');
    const password = fields.password ?? PASSWORD;
    return await client.post('/account/register', {
      name: fields.name ?? 'Siân Roberts',
      email: fields.email,
      password,
      confirmPassword: fields.confirmPassword ?? password,
    });
  }

  /** The newest email of `event` to `recipient`, from the outbox. */
  async function emailTo(recipient: string, event: string) {
    return await server.db
      .selectFrom('notifications')
      .select(['subject', 'body', 'language'])
      .where('recipient', '=', recipient.toLowerCase())
      .where('event', '=', event)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
  }

  async function linkIn(recipient: string, event: string, kind: 'confirm' | 'reset'): Promise<string> {
    const message = await emailTo(recipient, event);
    assert.ok(message, `an ${event} email to ${recipient}`);
    const match = new RegExp(`https?://[^/\\s]+(/account/${kind}/[A-Za-z0-9_-]{43})`).exec(message.body);
    assert.ok(match, `a link in: ${message.body}`);
    return match[1]!;
  }

  async function signIn(client: WebClient, email: string, password = PASSWORD, returnTo?: string) {
    await client.get(`/account/sign-in${returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : ''}`);
    return await client.post('/account/sign-in', { email, password, ...(returnTo ? { returnTo } : {}) });
  }

  /** A registered, confirmed resident with a client signed in as them. */
  async function aResident(name = 'Siân Roberts') {
    const email = anEmail();
    const client = server.client();
    assert.equal((await register(client, { name, email })).status, 303);
    await client.get(await linkIn(email, 'account.confirm_email', 'confirm'));
    const signedIn = await signIn(client, email);
    assert.equal(signedIn.status, 303, signedIn.errorSummary.join('; '));
    const account = await server.db
      .selectFrom('resident_accounts')
      .select(['id', 'customer_id'])
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    return { email, client, accountId: account.id, customerId: account.customer_id };
  }

  const raiseFor = async (customerId: string | undefined, description: string) =>
    await server.services.cases.raise(
      systemActor('test'),
      { serviceCode: 'missed-bin', description, channel: 'web', ...(customerId ? { customerId } : {}) },
      { council: councilId },
    );

  const navigation = (page: Page) =>
    page.dom.querySelectorAll('.govuk-service-navigation__list .govuk-service-navigation__link').map((link) => link.text.trim());

  const auditActions = async (recordId: string) =>
    (await server.db.selectFrom('audit_events').select('action').where('record_id', '=', recordId).orderBy('id').execute()).map(
      (row) => row.action,
    );

  it('registers, confirms by the emailed link, signs in, sees their requests and each one’s timeline, and signs out', async () => {
    const email = anEmail();
    const client = server.client();
    const home = await client.get('/');
    assert.deepEqual(navigation(home), ['Sign in'], 'signed out, the header offers "Sign in"');

    const registered = await register(client, { name: 'Siân Roberts', email: email.toUpperCase() });
    assert.equal(registered.status, 303);
    assert.equal(registered.location, '/account/check-email?for=register');
    assert.equal((await client.follow(registered)).heading, 'Check your email');

    // A customer record in the portal's council, and the account over it, not yet confirmed.
    const account = await server.db
      .selectFrom('resident_accounts as a')
      .innerJoin('customers as c', 'c.id', 'a.customer_id')
      .select(['a.id', 'a.customer_id', 'a.password_hash', 'a.confirmed_at', 'c.council_id', 'c.given_name', 'c.family_name'])
      .where('a.email', '=', email)
      .executeTakeFirstOrThrow();
    assert.equal(account.council_id, councilId);
    assert.deepEqual([account.given_name, account.family_name], ['Siân', 'Roberts']);
    assert.match(account.password_hash ?? '', /^\$argon2id\$/);
    assert.equal(account.confirmed_at, null);
    const customerEmail = await server.db
      .selectFrom('customer_emails')
      .select('email')
      .where('customer_id', '=', account.customer_id)
      .executeTakeFirstOrThrow();
    assert.equal(customerEmail.email, email);

    // The link is in the outbox; only its hash is stored.
    const link = await linkIn(email, 'account.confirm_email', 'confirm');
    const token = link.split('/').pop()!;
    const stored = await server.db.selectFrom('resident_account_tokens').select('token_hash').execute();
    assert.ok(!stored.some((row) => row.token_hash.includes(token)), 'the token itself is not stored');
    const message = await emailTo(email, 'account.confirm_email');
    assert.equal(message!.subject, 'Confirm your email address');

    const confirmed = await client.get(link);
    assert.equal(confirmed.status, 200);
    assert.equal(confirmed.heading, 'Email address confirmed');
    assert.equal((await client.get(link)).heading, 'Your email address is already confirmed', 'a second click says so');

    // Two requests on the resident's record (one older), and one on nobody's.
    const older = await raiseFor(account.customer_id, 'Bin not emptied on Monday');
    await server.db
      .updateTable('cases')
      .set({ received_at: sql<Date>`received_at - interval '3 days'` })
      .where('id', '=', older.id)
      .execute();
    const newer = await raiseFor(account.customer_id, 'Recycling left behind');
    await raiseFor(undefined, 'Someone else’s bin');
    await server.services.cases.addUpdate(systemActor('test'), newer.reference, {
      text: 'A crew will return tomorrow',
      visibility: 'public',
      status: 'in_progress',
    });
    await server.services.cases.addUpdate(systemActor('test'), newer.reference, {
      text: 'Crew notes: dog',
      visibility: 'internal',
    });

    const signedIn = await signIn(client, email);
    assert.equal(signedIn.status, 303);
    assert.equal(signedIn.location, '/account/requests');
    const requests = await client.follow(signedIn);
    assert.equal(requests.status, 200);
    assert.equal(requests.heading, 'Your requests');
    assert.match(requests.headers.get('cache-control') ?? '', /no-store/);
    assert.deepEqual(navigation(requests), ['Your requests', 'Sign out'], 'signed in, the header offers requests and sign out');
    const rows = requests.dom.querySelectorAll('.govuk-table__body .govuk-table__row');
    assert.deepEqual(
      rows
        .map((row) => row.querySelectorAll('.govuk-table__cell').map((cell) => cell.text.trim()))
        .map((cells) => cells.slice(0, 3)),
      [
        [newer.reference, 'Missed bin collection', 'In progress'],
        [older.reference, 'Missed bin collection', 'Received'],
      ],
    );
    assert.ok(rows[0]!.querySelector('.govuk-tag.govuk-tag--blue'), 'the status is a GOV.UK tag');
    assert.match(rows[1]!.querySelectorAll('.govuk-table__cell')[3]!.text, /^\d{1,2} \w+ \d{4}$/);

    const request = await client.get(`/account/requests/${newer.reference}`);
    assert.equal(request.status, 200);
    assert.equal(request.heading, `Your request ${newer.reference}`);
    const titles = request.dom.querySelectorAll('.moj-timeline__title').map((title) => title.text.trim());
    assert.deepEqual(titles, ['Status changed to In progress', 'Request received']);
    assert.ok(request.html.includes('A crew will return tomorrow'));
    assert.ok(!request.html.includes('Crew notes'), 'never an internal note');
    assert.ok(request.dom.querySelector('a[href="/account/requests"]'), 'a way back to all the requests');

    // The journeys ask who is signed in from the session.
    const resident = await server.services.residentAccounts.residentOf({ session: { residentAccountId: account.id } });
    assert.deepEqual(resident, {
      accountId: account.id,
      customerId: account.customer_id,
      councilId,
      name: 'Siân Roberts',
      email,
    });

    const signedOut = await client.post('/account/sign-out', {});
    assert.equal(signedOut.status, 303);
    assert.equal(signedOut.location, '/account/sign-in?signedOut=1');
    const after = await client.get('/account/requests');
    assert.equal(after.status, 303);
    assert.match(after.location ?? '', /^\/account\/sign-in\?returnTo=/);
    assert.deepEqual(navigation(await client.get('/')), ['Sign in']);

    assert.deepEqual((await auditActions(account.id)).slice(0, 2), ['resident_account.create', 'resident_account.confirm_email']);
    assert.ok((await auditActions(account.customer_id)).includes('customer.create'));
  });

  it('registers and writes the email in Welsh for a Welsh reader', async () => {
    const email = anEmail();
    const client = server.client();
    await client.get('/?lang=cy');
    const page = await client.get('/account/register');
    assert.equal(page.heading, 'Creu cyfrif');
    assert.equal((await register(client, { email })).status, 303);
    const message = await emailTo(email, 'account.confirm_email');
    assert.equal(message!.language, 'cy');
    assert.equal(message!.subject, 'Cadarnhewch eich cyfeiriad e-bost');
  });

  it('refuses to sign in before the address is confirmed, says so plainly, and sends the link again', async () => {
    const email = anEmail();
    const client = server.client();
    await register(client, { email });
    const first = await linkIn(email, 'account.confirm_email', 'confirm');

    const refused = await signIn(client, email);
    assert.equal(refused.status, 403);
    assert.deepEqual(refused.errorSummary, ['You need to confirm your email address before you can sign in']);
    assert.equal(client.cookie('onedoor_session') !== undefined, true);
    assert.equal((await client.get('/account/requests')).status, 303, 'not signed in');

    const resent = await client.post('/account/confirm/resend', {});
    assert.equal(resent.status, 303);
    const second = await linkIn(email, 'account.confirm_email', 'confirm');
    assert.notEqual(second, first, 'a new link');
    const old = await client.get(first);
    assert.equal(old.status, 410, 'the earlier link stops working');
    assert.equal((await client.get(second)).heading, 'Email address confirmed');
    assert.equal((await signIn(client, email)).status, 303);
  });

  it('gives the same refusal for a wrong password and an unknown address', async () => {
    const { email } = await aResident();
    const wrong = await signIn(server.client(), email, 'not the right password');
    const unknown = await signIn(server.client(), 'nobody-here@example.org', PASSWORD);
    for (const page of [wrong, unknown]) {
      assert.equal(page.status, 400);
      assert.deepEqual(page.errorSummary, ['Enter a correct email address and password']);
      assert.equal(page.dom.querySelector('.govuk-error-summary a')!.getAttribute('href'), '#email');
    }
    assert.equal(wrong.dom.querySelector('#email')!.getAttribute('value'), email, 'the address is kept');
    assert.ok(!wrong.html.includes('not the right password'), 'the password is not');
  });

  it('locks an address out after five wrong passwords, whatever the client', async () => {
    const { email } = await aResident();
    for (let i = 0; i < 4; i += 1) assert.equal((await signIn(server.client(), email, `wrong password ${i}`)).status, 400);
    const locked = await signIn(server.client(), email, 'wrong password 5');
    assert.equal(locked.status, 429);
    assert.match(locked.errorSummary[0]!, /^You have tried to sign in too many times/);
    assert.equal((await signIn(server.client(), email)).status, 429, 'even with the right password, for a while');
  });

  it('does not say an address is registered: the same page, and an email to its owner instead', async () => {
    const { email } = await aResident('Gareth Evans');
    const client = server.client();
    const again = await register(client, { name: 'Someone Else', email, password: 'another long password here' });
    assert.equal(again.status, 303);
    assert.equal(again.location, '/account/check-email?for=register');
    const warning = await emailTo(email, 'account.already_registered');
    assert.ok(warning, 'the owner is told');
    assert.match(warning.body, /^Dear Gareth Evans,/);
    assert.match(warning.body, /\/account\/reset$/m);
    const accounts = await server.db.selectFrom('resident_accounts').select('name').where('email', '=', email).execute();
    assert.deepEqual(accounts, [{ name: 'Gareth Evans' }], 'nothing changed, no second account');
    assert.equal((await signIn(server.client(), email, 'another long password here')).status, 400);
  });

  it('resets a forgotten password once with the emailed link, ending every other session', async () => {
    const { email, client: otherDevice, accountId } = await aResident();
    assert.equal((await otherDevice.get('/account/requests')).status, 200);

    const client = server.client();
    await client.get('/account/reset');
    const asked = await client.post('/account/reset', { email });
    assert.equal(asked.status, 303);
    assert.equal(asked.location, '/account/check-email?for=reset');
    const link = await linkIn(email, 'account.reset_password', 'reset');

    const form = await client.get(link);
    assert.equal(form.heading, 'Set a new password');
    const mismatched = await client.post(link, { password: 'a brand new password', confirmPassword: 'something else' });
    assert.equal(mismatched.status, 400);
    assert.deepEqual(mismatched.errorSummary, ['The passwords do not match']);
    const weak = await client.post(link, { password: 'short', confirmPassword: 'short' });
    assert.deepEqual(weak.errorSummary, ['Your password must be at least 12 characters']);

    const reset = await client.post(link, { password: 'a brand new password', confirmPassword: 'a brand new password' });
    assert.equal(reset.status, 303);
    assert.equal(reset.location, '/account/sign-in');
    const signInPage = await client.follow(reset);
    assert.match(signInPage.dom.querySelector('.govuk-notification-banner')!.text, /Your password has been changed/);

    assert.equal((await otherDevice.get('/account/requests')).status, 303, 'the other session has ended');
    const used = await client.get(link);
    assert.equal(used.status, 410);
    assert.equal(used.heading, 'This link has already been used');
    const usedAgain = await client.post(link, { password: 'yet another password', confirmPassword: 'yet another password' });
    assert.equal(usedAgain.status, 410);
    assert.equal((await signIn(server.client(), email)).status, 400, 'the old password no longer works');
    assert.equal((await signIn(server.client(), email, 'a brand new password')).status, 303);
    assert.ok((await auditActions(accountId)).includes('resident_account.reset_password'));
  });

  it('refuses a reset link after its hour, and answers an unknown address as a known one', async () => {
    const { email } = await aResident();
    const client = server.client();
    await client.get('/account/reset');
    await client.post('/account/reset', { email });
    const link = await linkIn(email, 'account.reset_password', 'reset');
    await server.db
      .updateTable('resident_account_tokens')
      .set({ expires_at: sql<Date>`now() - interval '1 second'` })
      .where('purpose', '=', 'reset_password')
      .where('used_at', 'is', null)
      .execute();
    const expired = await client.get(link);
    assert.equal(expired.status, 410);
    assert.equal(expired.heading, 'This link has expired');
    assert.equal(
      (await client.post(link, { password: 'a brand new password', confirmPassword: 'a brand new password' })).status,
      410,
    );
    assert.equal((await client.get(`/account/reset/${'x'.repeat(43)}`)).status, 404);

    const unknown = await client.post('/account/reset', { email: 'no-account@example.org' });
    assert.equal(unknown.status, 303);
    assert.equal(unknown.location, '/account/check-email?for=reset');
    assert.equal(await emailTo('no-account@example.org', 'account.reset_password'), undefined);
  });

  it('answers another resident’s request, or a reference that does not exist, with "Page not found"', async () => {
    const owner = await aResident('Owain Glyn');
    const other = await aResident('Nia Ben');
    const theirs = await raiseFor(owner.customerId, 'Bin lid broken');
    assert.equal((await owner.client.get(`/account/requests/${theirs.reference}`)).status, 200);
    for (const reference of [theirs.reference, 'ODR-0000-0000', 'not-a-reference']) {
      const page = await other.client.get(`/account/requests/${reference}`);
      assert.equal(page.status, 404, reference);
      assert.equal(page.heading, 'Page not found');
      assert.ok(!page.html.includes('Bin lid broken'));
    }
    const list = await other.client.get('/account/requests');
    assert.ok(!list.html.includes(theirs.reference), 'nor is it listed');
  });

  it('sends a signed-out resident to sign in and back, to a path on this site only', async () => {
    const { email } = await aResident();
    const client = server.client();
    const redirected = await client.get('/account/requests/ODR-7K4M-2Q9P');
    assert.equal(redirected.location, '/account/sign-in?returnTo=%2Faccount%2Frequests%2FODR-7K4M-2Q9P');
    const signInPage = await client.follow(redirected);
    assert.equal(
      signInPage.dom.querySelector('input[name="returnTo"]')!.getAttribute('value'),
      '/account/requests/ODR-7K4M-2Q9P',
    );
    const back = await client.post('/account/sign-in', {
      email,
      password: PASSWORD,
      returnTo: '/account/requests/ODR-7K4M-2Q9P',
    });
    assert.equal(back.location, '/account/requests/ODR-7K4M-2Q9P');

    for (const returnTo of ['https://evil.example/', '//evil.example/', '/\\evil.example']) {
      const page = await signIn(server.client(), email, PASSWORD, returnTo);
      assert.equal(page.location, '/account/requests', returnTo);
    }
  });

  it('refuses a form without its CSRF token', async () => {
    const email = anEmail();
    const client = server.client();
    await client.get('/account/register');
    const forged = await client.post(
      '/account/register',
      { name: 'Siân Roberts', email, password: PASSWORD, confirmPassword: PASSWORD },
      { csrf: false },
    );
    assert.equal(forged.status, 403);
    assert.equal(forged.heading, 'This form has expired');
    assert.equal(await emailTo(email, 'account.confirm_email'), undefined, 'nothing was registered');
    const { client: resident } = await aResident();
    assert.equal((await resident.post('/account/sign-out', { _csrf: 'forged' })).status, 403);
    assert.equal((await resident.get('/account/requests')).status, 200, 'still signed in');
    for (const path of ['/account/sign-in', '/account/reset']) {
      assert.equal((await server.client().post(path, { email }, { csrf: false })).status, 403, path);
    }
  });

  it('shows the GOV.UK error summary, each error linked to its field, and keeps what was typed but the passwords', async () => {
    const client = server.client();
    const empty = await register(client, { name: '', email: '', password: '', confirmPassword: '' });
    assert.equal(empty.status, 400);
    assert.match(empty.dom.querySelector('title')!.text, /^Error: Create an account/);
    assert.deepEqual(empty.errorSummary, [
      'Enter your full name',
      'Enter your email address',
      'Create a password',
      'Confirm your password',
    ]);
    assert.deepEqual(
      empty.dom.querySelectorAll('.govuk-error-summary a').map((link) => link.getAttribute('href')),
      ['#name', '#email', '#password', '#confirmPassword'],
    );

    const wrong = await register(client, {
      name: 'Siân',
      email: 'not an email',
      password: 'password123',
      confirmPassword: 'password123',
    });
    assert.deepEqual(wrong.errorSummary, ['Enter an email address in the correct format, like name@example.com']);
    const oneWord = await register(client, { name: 'Siân', email: anEmail(), password: 'password1234' });
    assert.deepEqual(oneWord.errorSummary, [
      'Enter your full name, including your last name',
      'That password is too common – choose one that is harder to guess, for example three random words',
    ]);
    assert.equal(oneWord.dom.querySelector('#name')!.getAttribute('value'), 'Siân');
    assert.equal(oneWord.dom.querySelector('#password')!.getAttribute('value') ?? '', '', 'a password is never sent back');

    const signIn = await server.client().post('/account/sign-in', {}, { csrf: false });
    assert.equal(signIn.status, 403);
    const signInClient = server.client();
    await signInClient.get('/account/sign-in');
    const blank = await signInClient.post('/account/sign-in', { email: '', password: '' });
    assert.deepEqual(blank.errorSummary, ['Enter your email address', 'Enter your password']);
  });

  it('keeps nothing from a form a script filled in, and says the same as ever', async () => {
    const email = anEmail();
    const client = server.client();
    await client.get('/account/register');
    const caught = await client.post('/account/register', {
      name: 'Bot Account',
      email,
      password: PASSWORD,
      confirmPassword: PASSWORD,
      website: 'https://spam.example',
    });
    assert.equal(caught.location, '/account/check-email?for=register');
    assert.equal(await emailTo(email, 'account.confirm_email'), undefined);
  });
});
