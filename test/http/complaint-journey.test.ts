// Making a complaint (or giving a compliment or a comment) online, over real HTTP, as a browser
// without JavaScript sends it: the start page, one thing per page, contact details or a signed-in
// account, check your answers, and the confirmation with the reference. Every wrong answer gives
// the GOV.UK error summary linked to its field; going back loses nothing; sending twice records
// one complaint; the honeypot keeps nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findFirstCouncil, insertTeam } from '../../src/organisations/repo.ts';
import { lookUp, loadMessages, messageKeys } from '../../src/platform/i18n.ts';
import { lastDueDay } from '../../src/services/calendar.ts';
import { aService } from '../support/builders.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { Page, WebClient } from '../support/web.ts';

/** A page's summary list rows as [key, value] texts. */
const rowsOf = (page: Page) =>
  page.dom
    .querySelectorAll('.govuk-summary-list__row')
    .map((row) => [
      row.querySelector('.govuk-summary-list__key')!.text.trim(),
      row.querySelector('.govuk-summary-list__value')!.text.trim(),
    ]);

const submissionOf = (page: Page) => page.dom.querySelector('input[name="submission"]')!.getAttribute('value')!;

describe('making a complaint online', () => {
  let server: TestServer;
  let councilId: string;
  let teamId: string;

  before(async () => {
    server = await startTestServer();
    councilId = (await findFirstCouncil(server.db))!.id;
    teamId = await insertTeam(server.db, { organisationId: councilId, code: 'waste', name: 'Waste and Recycling' });
    await aService(server.db, {
      councilId,
      teamId,
      code: 'bins',
      name: 'Bin collections',
      nameCy: 'Casglu biniau',
      slaWorkingDays: 5,
    });
    await aService(server.db, { councilId, teamId, code: 'recycling', name: 'Recycling', slaWorkingDays: 5 });
    const hidden = await aService(server.db, {
      councilId,
      teamId,
      code: 'fraud-referrals',
      name: 'Fraud referrals',
      slaWorkingDays: 5,
    });
    await server.db.updateTable('services').set({ public: false }).where('id', '=', hidden).execute();
  });
  after(() => server.close());

  const complaintsOf = (email: string) =>
    server.db
      .selectFrom('complaints as c')
      .innerJoin('customer_emails as e', 'e.customer_id', 'c.customer_id')
      .leftJoin('services as s', 's.id', 'c.service_id')
      .select([
        'c.id',
        'c.reference',
        'c.kind',
        'c.channel',
        'c.stage',
        'c.description',
        'c.outcome_wanted',
        'c.adjustments',
        'c.customer_id',
        's.code as service',
      ])
      .where('e.email', '=', email)
      .execute();

  /** Answers every page up to check your answers, checking where each leads. */
  async function answerUpToCheck(
    client: WebClient,
    email: string,
    options: { kind?: 'complaint' | 'compliment' | 'comment'; service?: string; description?: string } = {},
  ): Promise<Page> {
    const kind = options.kind ?? 'complaint';
    const start = await client.get('/complaints/start');
    assert.equal(start.status, 303);
    assert.equal(start.location, '/complaints/kind');
    await client.get(start.location!);
    const steps: [string, Record<string, string>, string][] = [
      ['/complaints/kind', { kind }, '/complaints/service'],
      ['/complaints/service', { service: options.service ?? 'bins' }, '/complaints/what-happened'],
      [
        '/complaints/what-happened',
        { description: options.description ?? 'The bins were not collected for three weeks.' },
        kind === 'complaint' ? '/complaints/outcome' : '/complaints/adjustments',
      ],
      ...(kind === 'complaint'
        ? ([['/complaints/outcome', { outcomeWanted: 'Collect them, and say sorry.' }, '/complaints/adjustments']] as [
            string,
            Record<string, string>,
            string,
          ][])
        : []),
      [
        '/complaints/adjustments',
        { adjustmentsNeeded: 'yes', adjustments: 'Letters in large print, please.' },
        '/complaints/contact',
      ],
      ['/complaints/contact', { givenName: 'Rhian', familyName: 'Morgan', email, phone: '' }, '/complaints/check'],
    ];
    for (const [path, fields, next] of steps) {
      const answered = await client.post(path, fields);
      assert.equal(answered.status, 303, `${path}: ${answered.errorSummary.join('; ')}`);
      assert.equal(answered.location, next, path);
      await client.follow(answered);
    }
    return await client.get('/complaints/check');
  }

  it('has a start page with the timescales, stage 2, the Ombudsman and other ways to complain, linked from every portal page', async () => {
    const client = server.client();
    const home = await client.get('/');
    assert.equal(home.dom.querySelector('footer a[href="/complaints"]')?.text.trim(), 'Make a complaint');
    const start = await client.get('/complaints');
    assert.equal(start.status, 200);
    assert.equal(start.heading, 'Make a complaint, give a compliment or a comment');
    const text = start.dom.querySelector('main')!.text.replace(/\s+/g, ' ');
    assert.match(text, /acknowledge your complaint within 5 working days/);
    assert.match(text, /answer within 10 working days of acknowledging it/);
    assert.match(text, /\(stage 2\)/);
    assert.match(text, /Ombudsman/);
    for (const way of [/by phone/, /in person/, /by letter/, /reasonable adjustments/]) assert.match(text, way);
    assert.equal(start.dom.querySelector('a.govuk-button--start')?.getAttribute('href'), '/complaints/start');
  });

  it('takes a complaint page by page to a reference, and records it from the web with its stage 1 and a new customer', async () => {
    const client = server.client();
    const check = await answerUpToCheck(client, 'rhian@example.com');
    assert.equal(check.status, 200);
    assert.equal(check.heading, 'Check your answers before sending');
    assert.equal(check.dom.querySelector('.govuk-caption-l')?.text.trim(), 'Complaints, compliments and comments');
    assert.deepEqual(rowsOf(check), [
      ['What you want to do', 'Make a complaint'],
      ['Service', 'Bin collections'],
      ['What happened', 'The bins were not collected for three weeks.'],
      ['What you would like us to do', 'Collect them, and say sorry.'],
      ['What you need us to do differently', 'Letters in large print, please.'],
      ['Name', 'Rhian Morgan'],
      ['Email address', 'rhian@example.com'],
    ]);
    assert.equal(check.dom.querySelector('.govuk-back-link')?.getAttribute('href'), '/complaints/contact');

    const submission = submissionOf(check);
    const sent = await client.post('/complaints/check', { submission });
    assert.equal(sent.status, 303);
    assert.equal(sent.location, '/complaints/confirmation');
    const confirmation = await client.follow(sent);
    assert.equal(confirmation.heading, 'Complaint sent');
    const reference = confirmation.dom.querySelector('.govuk-panel__body strong')!.text.trim();
    assert.match(reference, /^CMP-/);

    const [recorded, ...others] = await complaintsOf('rhian@example.com');
    assert.equal(others.length, 0);
    assert.deepEqual(
      { ...recorded, id: undefined, customer_id: undefined },
      {
        id: undefined,
        customer_id: undefined,
        reference,
        kind: 'complaint',
        channel: 'web',
        stage: 1,
        description: 'The bins were not collected for three weeks.',
        outcome_wanted: 'Collect them, and say sorry.',
        adjustments: 'Letters in large print, please.',
        service: 'bins',
      },
    );
    const stages = await server.db
      .selectFrom('complaint_stages')
      .select(['stage', 'acknowledge_by'])
      .where('complaint_id', '=', recorded!.id)
      .execute();
    assert.deepEqual(
      stages.map((stage) => stage.stage),
      [1],
    );
    // The confirmation says when it will be acknowledged by: the stage's own deadline.
    const acknowledgeBy = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(
      new Date(lastDueDay(stages[0]!.acknowledge_by)),
    );
    assert.match(confirmation.html, new RegExp(`acknowledge your complaint by ${acknowledgeBy}`));
    const customer = await server.db
      .selectFrom('customers')
      .select(['given_name', 'family_name', 'preferred_language'])
      .where('id', '=', recorded!.customer_id!)
      .executeTakeFirstOrThrow();
    assert.deepEqual(customer, { given_name: 'Rhian', family_name: 'Morgan', preferred_language: 'en' });
    const told = await server.db
      .selectFrom('notifications')
      .select(['recipient', 'event'])
      .where('record_id', '=', reference)
      .execute();
    assert.deepEqual(told, [{ recipient: 'rhian@example.com', event: 'complaint.received' }]);

    // Back, and send again: the same confirmation, no second complaint.
    const again = await client.post('/complaints/check', { submission });
    assert.equal(again.location, '/complaints/confirmation');
    assert.equal((await client.get('/complaints/check')).location, '/complaints/confirmation');
    assert.equal((await complaintsOf('rhian@example.com')).length, 1);
  });

  it('records one complaint and one customer when the same answers are sent twice at once (a double click)', async () => {
    const client = server.client();
    const check = await answerUpToCheck(client, 'double@example.com');
    const submission = submissionOf(check);
    const answers = await Promise.all([1, 2, 3].map(() => client.post('/complaints/check', { submission })));
    assert.deepEqual(
      answers.map((page) => page.location),
      Array(3).fill('/complaints/confirmation'),
    );
    assert.equal((await complaintsOf('double@example.com')).length, 1);
    const customers = await server.db
      .selectFrom('customer_emails')
      .select('customer_id')
      .where('email', '=', 'double@example.com')
      .execute();
    assert.equal(customers.length, 1, 'one customer record, not one per click');
  });

  it('takes a compliment without asking for an outcome, and records it without stages', async () => {
    const client = server.client();
    const check = await answerUpToCheck(client, 'thanks@example.com', {
      kind: 'compliment',
      service: 'something-else',
      description: 'The crew helped my neighbour with her bin.',
    });
    assert.deepEqual(rowsOf(check).slice(0, 4), [
      ['What you want to do', 'Give a compliment'],
      ['Service', 'Something else, or I do not know'],
      ['Your compliment', 'The crew helped my neighbour with her bin.'],
      ['What you need us to do differently', 'Letters in large print, please.'],
    ]);
    assert.equal((await client.get('/complaints/outcome')).location, '/complaints/check', 'no outcome page for a compliment');
    const confirmation = await client.follow(await client.post('/complaints/check', { submission: submissionOf(check) }));
    assert.equal(confirmation.heading, 'Compliment sent');
    assert.doesNotMatch(confirmation.html, /acknowledge/);
    const [recorded] = await complaintsOf('thanks@example.com');
    assert.deepEqual(
      [recorded!.kind, recorded!.stage, recorded!.service, recorded!.outcome_wanted],
      ['compliment', null, null, null],
    );
    const stages = await server.db
      .selectFrom('complaint_stages')
      .select('stage')
      .where('complaint_id', '=', recorded!.id)
      .execute();
    assert.equal(stages.length, 0);
  });

  it('gives each wrong answer in the error summary, linked to its field, and keeps what was typed', async () => {
    const client = server.client();
    await client.follow(await client.get('/complaints/start'));

    const noKind = await client.post('/complaints/kind', {});
    assert.equal(noKind.status, 400);
    assert.deepEqual(noKind.errorSummary, ['Select whether you want to make a complaint, give a compliment or make a comment']);
    assert.equal(noKind.dom.querySelector('.govuk-error-summary a')?.getAttribute('href'), '#kind');
    assert.ok(noKind.dom.getElementById('kind'), 'the link leads to the first radio');
    assert.ok(noKind.dom.querySelector('#kind-error'), 'and the error is beside the field');
    assert.match(noKind.dom.querySelector('title')!.text, /^Error: What would you like to do\?/);
    assert.equal((await client.post('/complaints/kind', { kind: 'grumble' })).status, 400);
    await client.post('/complaints/kind', { kind: 'complaint' });

    const service = await client.get('/complaints/service');
    const offered = service.dom.querySelectorAll('input[name="service"]').map((input) => input.getAttribute('value'));
    assert.deepEqual(offered, ['bins', 'recycling', 'something-else'], 'the public services, then something else');
    const noService = await client.post('/complaints/service', { service: 'fraud-referrals' });
    assert.deepEqual(noService.errorSummary, ['Select the service it is about, or ‘Something else, or I do not know’']);
    assert.equal(noService.dom.querySelector('.govuk-error-summary a')?.getAttribute('href'), '#service');
    assert.ok(noService.dom.getElementById('service'));
    await client.post('/complaints/service', { service: 'recycling' });

    const noDescription = await client.post('/complaints/what-happened', { description: '   ' });
    assert.deepEqual(noDescription.errorSummary, ['Enter what you would like to tell us']);
    assert.equal(noDescription.dom.querySelector('.govuk-error-summary a')?.getAttribute('href'), '#description');
    const long = 'x'.repeat(10_001);
    const tooLong = await client.post('/complaints/what-happened', { description: long });
    assert.deepEqual(tooLong.errorSummary, ['What you tell us must be 10,000 characters or fewer']);
    assert.equal(tooLong.dom.querySelector('textarea#description')?.text, long, 'what was typed is kept');
    await client.post('/complaints/what-happened', { description: 'The recycling box was thrown in the road.' });

    const noOutcome = await client.post('/complaints/outcome', {});
    assert.deepEqual(noOutcome.errorSummary, ['Enter what you would like us to do, or say that you are not sure']);
    assert.equal(noOutcome.dom.querySelector('.govuk-error-summary a')?.getAttribute('href'), '#outcomeWanted');
    await client.post('/complaints/outcome', { outcomeWanted: 'A new box.' });

    const noAnswer = await client.post('/complaints/adjustments', {});
    assert.deepEqual(noAnswer.errorSummary, ['Select yes if you need us to do anything differently']);
    assert.equal(noAnswer.dom.querySelector('.govuk-error-summary a')?.getAttribute('href'), '#adjustmentsNeeded');
    const noDetails = await client.post('/complaints/adjustments', { adjustmentsNeeded: 'yes', adjustments: ' ' });
    assert.deepEqual(noDetails.errorSummary, ['Enter what you need us to do differently']);
    assert.equal(noDetails.dom.querySelector('.govuk-error-summary a')?.getAttribute('href'), '#adjustments');
    assert.equal(noDetails.dom.querySelector('input[name="adjustmentsNeeded"][checked]')?.getAttribute('value'), 'yes');
    assert.equal(
      (await client.post('/complaints/adjustments', { adjustmentsNeeded: 'no', adjustments: '' })).location,
      '/complaints/contact',
    );

    const contact = await client.get('/complaints/contact');
    assert.equal(contact.heading, 'Your contact details');
    assert.match(contact.html, /We will email you your reference/);
    assert.ok(contact.dom.querySelector('input[name="website"]'), 'the honeypot is there');
    assert.equal(
      contact.dom.querySelector('main a[href^="/account/sign-in"]')?.getAttribute('href'),
      '/account/sign-in?returnTo=%2Fcomplaints%2Fstart',
    );
    const noWayToReach = await client.post('/complaints/contact', { givenName: '', familyName: 'Jones' });
    assert.deepEqual(noWayToReach.errorSummary, [
      'Enter your first name',
      'Enter an email address or a phone number, so that we can tell you about progress',
    ]);
    assert.equal(noWayToReach.dom.getElementById('familyName')?.getAttribute('value'), 'Jones');
    const badEmail = await client.post('/complaints/contact', {
      givenName: 'Sam',
      familyName: 'Jones',
      email: 'sam@',
      phone: '12',
    });
    assert.deepEqual(badEmail.errorSummary, [
      'Enter an email address in the correct format, like name@example.com',
      'Enter a phone number, like 01632 960 001 or 07700 900 982',
    ]);
    assert.equal(badEmail.dom.getElementById('email')?.getAttribute('value'), 'sam@');
  });

  it('loses nothing going back, and a change from check your answers returns there', async () => {
    const client = server.client();
    await answerUpToCheck(client, 'changes@example.com');
    const kind = await client.get('/complaints/kind');
    assert.equal(kind.dom.querySelector('input[name="kind"][checked]')?.getAttribute('value'), 'complaint');
    assert.equal(kind.dom.querySelector('.govuk-back-link')?.getAttribute('href'), '/complaints');
    const service = await client.get('/complaints/service');
    assert.equal(service.dom.querySelector('input[name="service"][checked]')?.getAttribute('value'), 'bins');
    assert.equal(service.dom.querySelector('.govuk-back-link')?.getAttribute('href'), '/complaints/kind');
    const described = await client.get('/complaints/what-happened');
    assert.equal(described.dom.querySelector('textarea')?.text, 'The bins were not collected for three weeks.');
    const adjustments = await client.get('/complaints/adjustments');
    assert.equal(adjustments.dom.querySelector('textarea#adjustments')?.text, 'Letters in large print, please.');
    assert.equal(adjustments.dom.querySelector('.govuk-back-link')?.getAttribute('href'), '/complaints/outcome');

    const check = await client.get('/complaints/check');
    const changeLinks = check.dom.querySelectorAll('.govuk-summary-list__actions a').map((link) => link.getAttribute('href'));
    assert.deepEqual(changeLinks, [
      '/complaints/kind?change=1',
      '/complaints/service?change=1',
      '/complaints/what-happened?change=1',
      '/complaints/outcome?change=1',
      '/complaints/adjustments?change=1',
      '/complaints/contact?change=1',
      '/complaints/contact?change=1',
    ]);
    const changing = await client.get('/complaints/service?change=1');
    assert.equal(changing.dom.querySelector('.govuk-back-link')?.getAttribute('href'), '/complaints/check');
    assert.equal(changing.dom.querySelector('form')?.getAttribute('action'), '/complaints/service?change=1');
    const changed = await client.post('/complaints/service?change=1', { service: 'recycling' });
    assert.equal(changed.location, '/complaints/check');
    assert.match((await client.get('/complaints/check')).html, /Recycling/);

    // A comment asks for no outcome; made a complaint again, the outcome asked before is kept.
    assert.equal((await client.post('/complaints/kind?change=1', { kind: 'comment' })).location, '/complaints/check');
    const asComment = await client.get('/complaints/check');
    assert.doesNotMatch(asComment.html, /What you would like us to do/);
    assert.equal((await client.post('/complaints/kind?change=1', { kind: 'complaint' })).location, '/complaints/check');
    assert.match((await client.get('/complaints/check')).html, /Collect them, and say sorry\./);
  });

  it('asks for the outcome, then returns to check your answers, when a comment is changed to a complaint', async () => {
    const client = server.client();
    await answerUpToCheck(client, 'comment@example.com', { kind: 'comment' });
    const changed = await client.post('/complaints/kind?change=1', { kind: 'complaint' });
    assert.equal(changed.location, '/complaints/outcome?change=1');
    const outcome = await client.follow(changed);
    assert.equal(outcome.heading, 'What would you like us to do to put things right?');
    assert.equal(
      (await client.post('/complaints/outcome?change=1', { outcomeWanted: 'An answer.' })).location,
      '/complaints/check',
    );
  });

  it('skips contact details for a signed-in resident and records the complaint on their record', async () => {
    const email = 'signed-in@example.com';
    const password = 'a long enough password for tests';
    await server.services.residentAccounts.register({ name: 'Nia Evans', email, password, language: 'en', ip: '127.0.0.1' });
    await server.db.updateTable('resident_accounts').set({ confirmed_at: new Date() }).where('email', '=', email).execute();
    const client = server.client();
    await client.get('/account/sign-in');
    assert.equal((await client.post('/account/sign-in', { email, password })).status, 303);

    await client.follow(await client.get('/complaints/start'));
    await client.post('/complaints/kind', { kind: 'comment' });
    await client.post('/complaints/service', { service: 'bins' });
    await client.post('/complaints/what-happened', { description: 'Collections could start later.' });
    const adjusted = await client.post('/complaints/adjustments', { adjustmentsNeeded: 'no' });
    assert.equal(adjusted.location, '/complaints/check', 'no contact details page');
    const check = await client.get('/complaints/check');
    assert.match(check.html, /Nia Evans/);
    assert.equal(
      check.dom.querySelector('a[href="/complaints/contact?change=1"]'),
      null,
      'the account’s details are not changed here',
    );
    await client.post('/complaints/check', { submission: submissionOf(check) });

    const account = await server.db
      .selectFrom('resident_accounts')
      .select('customer_id')
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    const [recorded] = await complaintsOf(email);
    assert.equal(recorded!.customer_id, account.customer_id);
    assert.equal(recorded!.kind, 'comment');
  });

  it('keeps the answers when the resident signs in from the contact details page', async () => {
    const email = 'mid-complaint@example.com';
    const password = 'another long enough password';
    await server.services.residentAccounts.register({ name: 'Dafydd Lloyd', email, password, language: 'en', ip: '127.0.0.1' });
    await server.db.updateTable('resident_accounts').set({ confirmed_at: new Date() }).where('email', '=', email).execute();
    const client = server.client();
    await answerUpToCheck(client, 'not-used@example.com');
    const contact = await client.get('/complaints/contact');
    await client.get(contact.dom.querySelector('main a[href^="/account/sign-in"]')!.getAttribute('href')!);
    const signedIn = await client.post('/account/sign-in', { email, password, returnTo: '/complaints/start' });
    assert.equal(signedIn.location, '/complaints/start');
    const onward = await client.get(signedIn.location!);
    assert.equal(onward.location, '/complaints/check', 'every answer kept; no contact details asked');
    const check = await client.get(onward.location!);
    assert.match(check.html, /Dafydd Lloyd/);
    assert.match(check.html, /The bins were not collected for three weeks\./);
  });

  it('answers as if sent, keeping nothing, when the honeypot is filled in', async () => {
    const client = server.client();
    await answerUpToCheck(client, 'robot@example.com');
    await client.get('/complaints/contact');
    await client.post('/complaints/contact', {
      givenName: 'Robot',
      familyName: 'Script',
      email: 'robot@example.com',
      website: 'http://spam.example',
    });
    const check = await client.get('/complaints/check');
    const sent = await client.follow(await client.post('/complaints/check', { submission: submissionOf(check) }));
    assert.equal(sent.heading, 'Complaint sent');
    assert.equal(sent.dom.querySelector('.govuk-panel__body'), null, 'no reference');
    assert.equal((await complaintsOf('robot@example.com')).length, 0);
    const customers = await server.db
      .selectFrom('customer_emails')
      .select('customer_id')
      .where('email', '=', 'robot@example.com')
      .execute();
    assert.equal(customers.length, 0);
  });

  it('sends a resident with no complaint under way to the start page, never past a page to answer, and refuses a form without its CSRF token', async () => {
    const client = server.client();
    assert.equal((await client.get('/complaints/what-happened')).location, '/complaints');
    assert.equal((await client.get('/complaints/check')).location, '/complaints');
    assert.equal((await client.get('/complaints/confirmation')).location, '/complaints');
    await client.follow(await client.get('/complaints/start'));
    // A later page reached by its address is answered, but leads on to the first page still to answer.
    await client.get('/complaints/adjustments');
    const ahead = await client.post('/complaints/adjustments', { adjustmentsNeeded: 'no' });
    assert.equal(ahead.location, '/complaints/kind', 'not past a page still to answer');
    const refused = await client.post('/complaints/kind', { kind: 'complaint' }, { csrf: false });
    assert.equal(refused.status, 403);
  });

  it('is written in Welsh, the council’s service names too', async () => {
    const client = server.client();
    await client.get('/?lang=cy');
    const start = await client.get('/complaints');
    assert.equal(start.dom.querySelector('html')?.getAttribute('lang'), 'cy');
    assert.equal(start.heading, 'Gwneud cwyn, rhoi canmoliaeth neu wneud sylw');
    const kind = await client.follow(await client.get('/complaints/start'));
    assert.equal(kind.heading, 'Beth hoffech chi ei wneud?');
    assert.equal(kind.dom.querySelector('.govuk-button')?.text.trim(), 'Parhau');
    const missing = await client.post('/complaints/kind', {});
    assert.deepEqual(missing.errorSummary, ['Dewiswch a ydych am wneud cwyn, rhoi canmoliaeth neu wneud sylw']);
    await client.post('/complaints/kind', { kind: 'complaint' });
    const service = await client.get('/complaints/service');
    assert.match(service.html, /Casglu biniau/);
  });

  it('is written in Urdu, right to left, with the council’s own words marked as English', async () => {
    const client = server.client();
    await client.get('/?lang=ur');
    const start = await client.get('/complaints');
    assert.equal(start.dom.querySelector('html')?.getAttribute('dir'), 'rtl');
    assert.equal(start.heading, 'شکایت کریں، تعریف کریں یا رائے دیں');
    await client.follow(await client.get('/complaints/start'));
    const missing = await client.post('/complaints/kind', {});
    assert.deepEqual(missing.errorSummary, ['منتخب کریں کہ آپ شکایت کرنا، تعریف کرنا یا رائے دینا چاہتے ہیں']);
    await client.post('/complaints/kind', { kind: 'complaint' });
    const service = await client.get('/complaints/service');
    assert.equal(service.dom.querySelector('label span[lang="en"]')?.text, 'Bin collections');
  });

  it('has every message of its pages in English, Welsh and Urdu', () => {
    const messages = loadMessages();
    const keysOf = (language: 'en' | 'cy' | 'ur') =>
      messageKeys(lookUp(messages[language], 'complaints.portal') as Parameters<typeof messageKeys>[0]).sort();
    assert.ok(keysOf('en').length > 50);
    assert.deepEqual(keysOf('cy'), keysOf('en'));
    assert.deepEqual(keysOf('ur'), keysOf('en'));
  });

  it('holds back an address that sends complaint after complaint', async () => {
    const client = server.client();
    await client.follow(await client.get('/complaints/start'));
    const answers = [];
    for (let sent = 0; sent < 11; sent++) answers.push((await client.post('/complaints/check', { submission: 'x' })).status);
    assert.deepEqual(answers.slice(0, 10), Array(10).fill(303));
    assert.equal(answers[10], 429);
  });

  // Last: it adds services to the catalogue.
  it('offers a long catalogue as a list to choose from', async () => {
    for (let number = 1; number <= 10; number++)
      await aService(server.db, { councilId, teamId, code: `service-${number}`, name: `Service ${number}`, slaWorkingDays: 5 });
    const client = server.client();
    await client.follow(await client.get('/complaints/start'));
    await client.post('/complaints/kind', { kind: 'complaint' });
    const service = await client.get('/complaints/service');
    assert.equal(
      service.dom.querySelector('label[for="service"] h1, h1 label[for="service"]')?.text.trim(),
      'Which service is it about?',
    );
    const options = service.dom.querySelectorAll('select#service option').map((option) => option.getAttribute('value'));
    assert.equal(options.length, 14);
    assert.deepEqual([options[0], options.at(-1)], ['', 'something-else']);
    const none = await client.post('/complaints/service', { service: '' });
    assert.equal(none.dom.querySelector('.govuk-error-summary a')?.getAttribute('href'), '#service');
    assert.equal((await client.post('/complaints/service', { service: 'service-7' })).location, '/complaints/what-happened');
    assert.equal(
      (await client.get('/complaints/service')).dom.querySelector('option[selected]')?.getAttribute('value'),
      'service-7',
    );
  });
});
