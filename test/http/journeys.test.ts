// A resident's online request over real HTTP, as a browser without JavaScript sends it: one
// question per page, a place by postcode then address, cases already reported there, contact
// details, check your answers, and the confirmation. Every wrong answer gives the GOV.UK error
// summary linked to its field; going back loses nothing; sending twice raises one case.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findFirstCouncil, insertTeam } from '../../src/organisations/repo.ts';
import { systemActor } from '../../src/platform/actor.ts';
import { aPotholesServiceOnTheMap, aService } from '../support/builders.ts';
import { anExe, aPng } from '../support/files.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { Page, WebClient } from '../support/web.ts';

const POSTCODE = 'SY11 2AA';
const UPRNS = { church: 200_001, chapel: 200_002, school: 200_003, mill: 200_004, farm: 200_005 } as const;

describe('an online request (the journey generated from a service’s form)', () => {
  let server: TestServer;
  let councilId: string;

  before(async () => {
    server = await startTestServer();
    const { db } = server;
    councilId = (await findFirstCouncil(db))!.id;
    const teamId = await insertTeam(db, { organisationId: councilId, code: 'streets', name: 'Street Scene' });
    await aService(db, {
      councilId,
      teamId,
      code: 'fly-tipping',
      name: 'Fly-tipping',
      slaWorkingDays: 5,
      questions: [
        {
          code: 'what',
          label: 'What has been dumped?',
          kind: 'choice',
          options: [
            ['bags', 'Bags'],
            ['sofa', 'A sofa'],
          ],
        },
        { code: 'where', label: 'Where is it?', kind: 'location' },
        { code: 'seen', label: 'When did you first see it?', kind: 'date', required: false },
        { code: 'bags', label: 'How many bags?', kind: 'number', required: false },
      ],
    });
    const hidden = await aService(db, { councilId, teamId, code: 'fraud-referrals', name: 'Fraud referrals', slaWorkingDays: 5 });
    await db.updateTable('services').set({ public: false }).where('id', '=', hidden).execute();
    await db
      .insertInto('properties')
      .values(
        Object.entries(UPRNS).map(([name, uprn], index) => ({
          uprn,
          council_id: councilId,
          address_line1: `${index + 1} ${name[0]!.toUpperCase()}${name.slice(1)} Street`,
          town: 'Oswestry',
          postcode: POSTCODE,
          latitude: 52.86 + index * 0.01,
          longitude: -3.05,
          ward: 'Castle',
        })),
      )
      .execute();
  });
  after(() => server.close());

  const casesOf = (email: string) =>
    server.db
      .selectFrom('cases as c')
      .innerJoin('customer_emails as e', 'e.customer_id', 'c.customer_id')
      .select(['c.reference', 'c.channel', 'c.answers', 'c.uprn', 'c.description', 'c.linked_to', 'c.customer_id', 'c.status'])
      .where('e.email', '=', email)
      .execute();

  /** Answers every page up to check your answers, checking where each leads. */
  async function answerUpToCheck(client: WebClient, email: string, options: { uprn?: number } = {}): Promise<Page> {
    const start = await client.get('/services/fly-tipping/start');
    assert.equal(start.status, 303);
    assert.equal(start.location, '/services/fly-tipping/questions/what');
    await client.get(start.location!);
    const steps: [string, Record<string, string>, string][] = [
      ['/services/fly-tipping/questions/what', { answer: 'bags' }, '/services/fly-tipping/questions/where'],
      ['/services/fly-tipping/questions/where', { answer: 'sy11 2aa' }, '/services/fly-tipping/questions/where/address'],
      [
        '/services/fly-tipping/questions/where/address',
        { uprn: String(options.uprn ?? UPRNS.church) },
        '/services/fly-tipping/questions/seen',
      ],
      [
        '/services/fly-tipping/questions/seen',
        { 'answer-day': '3', 'answer-month': '12', 'answer-year': '2026' },
        '/services/fly-tipping/questions/bags',
      ],
      ['/services/fly-tipping/questions/bags', { answer: '' }, '/services/fly-tipping/details'],
      ['/services/fly-tipping/details', { description: 'Black bags behind the church hall' }, '/services/fly-tipping/contact'],
      [
        '/services/fly-tipping/contact',
        { givenName: 'Aled', familyName: 'Roberts', email, phone: '' },
        '/services/fly-tipping/check',
      ],
    ];
    for (const [path, fields, next] of steps) {
      const answered = await client.post(path, fields);
      if (answered.location === '/services/fly-tipping/already-reported') return await client.follow(answered);
      assert.equal(answered.status, 303, `${path}: ${answered.errorSummary.join('; ')}`);
      assert.equal(answered.location, next, path);
      await client.follow(answered);
    }
    return await client.get('/services/fly-tipping/check');
  }

  it('asks one thing per page, shows the answers to check, and sends one case with a reference', async () => {
    const client = server.client();
    const check = await answerUpToCheck(client, 'aled@example.com');
    assert.equal(check.status, 200);
    assert.equal(check.heading, 'Check your answers before sending your request');
    assert.equal(check.dom.querySelector('.govuk-caption-l')?.text.trim(), 'Fly-tipping');
    const rows = check.dom
      .querySelectorAll('.govuk-summary-list__row')
      .map((row) => [
        row.querySelector('.govuk-summary-list__key')!.text.trim(),
        row.querySelector('.govuk-summary-list__value')!.text.trim(),
      ]);
    assert.deepEqual(rows, [
      ['What has been dumped?', 'Bags'],
      ['Where is it?', `1 Church Street, Oswestry, ${POSTCODE}`],
      ['When did you first see it?', '3 December 2026'],
      ['How many bags?', 'Not given'],
      ['More detail', 'Black bags behind the church hall'],
      ['Name', 'Aled Roberts'],
      ['Email address', 'aled@example.com'],
    ]);
    assert.equal(check.dom.querySelector('.govuk-back-link')?.getAttribute('href'), '/services/fly-tipping/contact');

    const submission = check.dom.querySelector('input[name="submission"]')!.getAttribute('value')!;
    const sent = await client.post('/services/fly-tipping/check', { submission });
    assert.equal(sent.status, 303);
    assert.equal(sent.location, '/services/fly-tipping/confirmation');
    const confirmation = await client.follow(sent);
    assert.equal(confirmation.heading, 'Request sent');
    const reference = confirmation.dom.querySelector('.govuk-panel__body strong')!.text.trim();
    assert.match(reference, /^ODR-/);
    const tracking = confirmation.dom.querySelector('main a[href^="/track/"]')!.getAttribute('href')!;
    assert.equal((await server.client().get(tracking)).status, 200, 'the tracking link works from anywhere');

    const [raised, ...others] = await casesOf('aled@example.com');
    assert.equal(others.length, 0);
    assert.equal(raised!.reference, reference);
    assert.equal(raised!.channel, 'web');
    assert.equal(raised!.description, 'Black bags behind the church hall');
    assert.deepEqual(raised!.answers, { what: 'bags', where: { uprn: UPRNS.church }, seen: '2026-12-03' });
    assert.equal(Number(raised!.uprn), UPRNS.church);
    const customer = await server.db
      .selectFrom('customers')
      .select(['given_name', 'family_name', 'preferred_language'])
      .where('id', '=', raised!.customer_id!)
      .executeTakeFirstOrThrow();
    assert.deepEqual(customer, { given_name: 'Aled', family_name: 'Roberts', preferred_language: 'en' });
    const told = await server.db
      .selectFrom('notifications')
      .select(['recipient', 'event'])
      .where('record_id', '=', reference)
      .execute();
    assert.deepEqual(told, [{ recipient: 'aled@example.com', event: 'case.received' }]);

    // Back, and send again: the same confirmation, no second case.
    const again = await client.post('/services/fly-tipping/check', { submission });
    assert.equal(again.location, '/services/fly-tipping/confirmation');
    const back = await client.get('/services/fly-tipping/check');
    assert.equal(back.location, '/services/fly-tipping/confirmation');
    assert.equal((await casesOf('aled@example.com')).length, 1);
  });

  it('raises one case when the same answers are sent twice at once (a double click)', async () => {
    const client = server.client();
    const check = await answerUpToCheck(client, 'double@example.com', { uprn: UPRNS.school });
    const submission = check.dom.querySelector('input[name="submission"]')!.getAttribute('value')!;
    const answers = await Promise.all([1, 2, 3].map(() => client.post('/services/fly-tipping/check', { submission })));
    assert.deepEqual(
      answers.map((page) => page.location),
      Array(3).fill('/services/fly-tipping/confirmation'),
    );
    const raised = await casesOf('double@example.com');
    assert.equal(raised.length, 1);
    const customers = await server.db
      .selectFrom('customer_emails')
      .select('customer_id')
      .where('email', '=', 'double@example.com')
      .execute();
    assert.equal(customers.length, 1, 'one customer record, not one per click');
  });

  it('gives each wrong answer in the error summary, linked to its field, and keeps what was typed', async () => {
    const client = server.client();
    await client.follow(await client.get('/services/fly-tipping/start'));
    const missing = await client.post('/services/fly-tipping/questions/what', {});
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.errorSummary, ['Answer this question']);
    assert.equal(missing.dom.querySelector('.govuk-error-summary a')?.getAttribute('href'), '#answers.what');
    assert.ok(missing.dom.getElementById('answers.what'), 'the link leads to the first radio');
    assert.match(missing.dom.querySelector('title')!.text, /^Error: /);

    const notAChoice = await client.post('/services/fly-tipping/questions/what', { answer: 'piano' });
    assert.deepEqual(notAChoice.errorSummary, ['Select one of the choices']);
    await client.post('/services/fly-tipping/questions/what', { answer: 'sofa' });

    const badPostcode = await client.post('/services/fly-tipping/questions/where', { answer: 'not a postcode' });
    assert.deepEqual(badPostcode.errorSummary, ['Enter a full UK postcode, like SY11 2AB']);
    assert.equal(badPostcode.dom.getElementById('answers.where')?.getAttribute('value'), 'not a postcode');
    const elsewhere = await client.post('/services/fly-tipping/questions/where', { answer: 'CF10 1AA' });
    assert.match(elsewhere.errorSummary[0]!, /could not find any addresses/);
    await client.post('/services/fly-tipping/questions/where', { answer: POSTCODE });

    const noAddress = await client.post('/services/fly-tipping/questions/where/address', { uprn: '' });
    assert.deepEqual(noAddress.errorSummary, ['Select the address']);
    assert.equal(noAddress.dom.querySelector('.govuk-error-summary a')?.getAttribute('href'), '#uprn');
    const notHere = await client.post('/services/fly-tipping/questions/where/address', { uprn: '999999' });
    assert.deepEqual(notHere.errorSummary, ['Select the address'], 'an address not at the postcode is refused');
    await client.post('/services/fly-tipping/questions/where/address', { uprn: String(UPRNS.chapel) });

    const badDate = await client.post('/services/fly-tipping/questions/seen', {
      'answer-day': '31',
      'answer-month': '2',
      'answer-year': '2026',
    });
    assert.deepEqual(badDate.errorSummary, ['Enter a real date, for example 27 3 2026']);
    assert.equal(badDate.dom.querySelector('input[name="answer-day"]')?.getAttribute('value'), '31');

    const notANumber = await client.post('/services/fly-tipping/questions/bags', { answer: 'lots' });
    assert.deepEqual(notANumber.errorSummary, ['Enter a number']);

    const noDetail = await client.post('/services/fly-tipping/details', { description: '   ' });
    assert.deepEqual(noDetail.errorSummary, ['Tell us more about what you are reporting or asking for']);

    const noWayToReach = await client.post('/services/fly-tipping/contact', { givenName: '', familyName: 'Jones' });
    assert.deepEqual(noWayToReach.errorSummary, [
      'Enter your first name',
      'Enter an email address or a phone number, so that we can tell you about progress',
    ]);
    assert.equal(noWayToReach.dom.getElementById('familyName')?.getAttribute('value'), 'Jones');
    const badEmail = await client.post('/services/fly-tipping/contact', {
      givenName: 'Sam',
      familyName: 'Jones',
      email: 'sam@',
      phone: '12',
    });
    assert.deepEqual(badEmail.errorSummary, [
      'Enter an email address in the correct format, like name@example.com',
      'Enter a phone number, like 01632 960 001 or 07700 900 982',
    ]);
  });

  it('loses nothing going back, and a change from check your answers returns there', async () => {
    const client = server.client();
    await answerUpToCheck(client, 'changes@example.com', { uprn: UPRNS.chapel });
    const what = await client.get('/services/fly-tipping/questions/what');
    assert.equal(what.dom.querySelector('input[name="answer"][checked]')?.getAttribute('value'), 'bags');
    assert.equal(what.dom.querySelector('.govuk-back-link')?.getAttribute('href'), '/services/fly-tipping');
    const address = await client.get('/services/fly-tipping/questions/where/address');
    assert.equal(address.dom.querySelector('option[selected]')?.getAttribute('value'), String(UPRNS.chapel));
    assert.equal(address.dom.querySelector('.govuk-back-link')?.getAttribute('href'), '/services/fly-tipping/questions/where');
    const details = await client.get('/services/fly-tipping/details');
    assert.equal(details.dom.querySelector('textarea')?.text, 'Black bags behind the church hall');

    const changing = await client.get('/services/fly-tipping/questions/what?change=1');
    assert.equal(changing.dom.querySelector('.govuk-back-link')?.getAttribute('href'), '/services/fly-tipping/check');
    assert.equal(changing.dom.querySelector('form')?.getAttribute('action'), '/services/fly-tipping/questions/what?change=1');
    const changed = await client.post('/services/fly-tipping/questions/what?change=1', { answer: 'sofa' });
    assert.equal(changed.location, '/services/fly-tipping/check');

    // A new postcode needs its address before returning to check your answers.
    const moved = await client.post('/services/fly-tipping/questions/where?change=1', { answer: 'SY112AA ' });
    assert.equal(moved.location, '/services/fly-tipping/check', 'the same postcode keeps the address chosen');
    const check = await client.get('/services/fly-tipping/check');
    assert.match(check.html, /A sofa/);
  });

  it('offers the open cases already reported at the place, and follows the one chosen', async () => {
    const first = await server.services.cases.raise(
      systemActor('test'),
      {
        serviceCode: 'fly-tipping',
        description: 'Sofa on the verge',
        channel: 'phone',
        answers: { what: 'sofa', where: { uprn: UPRNS.church } },
      },
      { council: councilId },
    );
    const client = server.client();
    const offered = await answerUpToCheck(client, 'follower@example.com');
    assert.equal(offered.heading, 'Has this already been reported?');
    const options = offered.dom.querySelectorAll('input[name="follow"]').map((input) => input.getAttribute('value'));
    assert.ok(options.includes(first.reference));
    assert.equal(options.at(-1), 'new');
    assert.doesNotMatch(offered.html, /Sofa on the verge/, 'another resident’s words are not shown');
    const none = await client.post('/services/fly-tipping/already-reported', {});
    assert.deepEqual(none.errorSummary, ['Select a report to follow, or report a new problem']);

    const follow = await client.post('/services/fly-tipping/already-reported', { follow: first.reference });
    assert.equal(follow.location, '/services/fly-tipping/questions/seen');
    for (const [path, fields] of [
      ['/services/fly-tipping/questions/seen', {}],
      ['/services/fly-tipping/questions/bags', {}],
      ['/services/fly-tipping/details', { description: 'Still there' }],
      ['/services/fly-tipping/contact', { givenName: 'Fern', familyName: 'Hughes', email: 'follower@example.com' }],
    ] as const)
      assert.equal((await client.post(path, fields)).status, 303, path);
    const check = await client.get('/services/fly-tipping/check');
    assert.match(check.html, new RegExp(`Follow report ${first.reference}`));
    const submission = check.dom.querySelector('input[name="submission"]')!.getAttribute('value')!;
    await client.post('/services/fly-tipping/check', { submission });
    const [raised] = await casesOf('follower@example.com');
    assert.equal(raised!.linked_to, first.id);
  });

  it('skips contact details for a signed-in resident and raises the case on their record', async () => {
    const email = 'signed-in@example.com';
    const password = 'a long enough password for tests';
    await server.services.residentAccounts.register({ name: 'Nia Evans', email, password, language: 'en', ip: '127.0.0.1' });
    await server.db.updateTable('resident_accounts').set({ confirmed_at: new Date() }).where('email', '=', email).execute();
    const client = server.client();
    await client.get('/account/sign-in');
    assert.equal((await client.post('/account/sign-in', { email, password })).status, 303);

    await client.follow(await client.get('/services/fly-tipping/start'));
    await client.post('/services/fly-tipping/questions/what', { answer: 'bags' });
    await client.post('/services/fly-tipping/questions/where', { answer: POSTCODE });
    await client.post('/services/fly-tipping/questions/where/address', { uprn: String(UPRNS.mill) });
    await client.post('/services/fly-tipping/questions/seen', {});
    await client.post('/services/fly-tipping/questions/bags', {});
    const detailed = await client.post('/services/fly-tipping/details', { description: 'Bags by the mill' });
    assert.equal(detailed.location, '/services/fly-tipping/check', 'no contact details page');
    const check = await client.get('/services/fly-tipping/check');
    assert.match(check.html, /Nia Evans/);
    const submission = check.dom.querySelector('input[name="submission"]')!.getAttribute('value')!;
    await client.post('/services/fly-tipping/check', { submission });

    const account = await server.db
      .selectFrom('resident_accounts')
      .select('customer_id')
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    const [raised] = await casesOf(email);
    assert.equal(raised!.customer_id, account.customer_id);
    const requests = await client.get('/account/requests');
    assert.match(requests.html, new RegExp(raised!.reference));
  });

  it('keeps the answers when the resident signs in from the contact details page', async () => {
    const email = 'mid-journey@example.com';
    const password = 'another long enough password';
    await server.services.residentAccounts.register({ name: 'Dafydd Lloyd', email, password, language: 'en', ip: '127.0.0.1' });
    await server.db.updateTable('resident_accounts').set({ confirmed_at: new Date() }).where('email', '=', email).execute();
    const client = server.client();
    await answerUpToCheck(client, 'not-used@example.com', { uprn: UPRNS.farm });
    const contact = await client.get('/services/fly-tipping/contact');
    const signInHref = contact.dom.querySelector('main a[href^="/account/sign-in"]')!.getAttribute('href')!;
    await client.get(signInHref);
    const signedIn = await client.post('/account/sign-in', { email, password, returnTo: '/services/fly-tipping/start' });
    assert.equal(signedIn.location, '/services/fly-tipping/start');
    const onward = await client.get(signedIn.location!);
    assert.equal(onward.location, '/services/fly-tipping/check', 'every answer kept; no contact details asked');
    const check = await client.get(onward.location!);
    assert.match(check.html, /Dafydd Lloyd/);
    assert.match(check.html, /Black bags behind the church hall/);
  });

  it('answers as if sent, keeping nothing, when the honeypot is filled in', async () => {
    const client = server.client();
    await answerUpToCheck(client, 'robot@example.com', { uprn: UPRNS.chapel });
    await client.get('/services/fly-tipping/contact');
    await client.post('/services/fly-tipping/contact', {
      givenName: 'Robot',
      familyName: 'Script',
      email: 'robot@example.com',
      website: 'http://spam.example',
    });
    const check = await client.get('/services/fly-tipping/check');
    const submission = check.dom.querySelector('input[name="submission"]')!.getAttribute('value')!;
    const sent = await client.follow(await client.post('/services/fly-tipping/check', { submission }));
    assert.equal(sent.heading, 'Request sent');
    assert.equal(sent.dom.querySelector('.govuk-panel__body'), null, 'no reference');
    assert.equal((await casesOf('robot@example.com')).length, 0);
  });

  it('sends a resident with no journey under way to the start page, and has no journey for a staff-only service', async () => {
    const client = server.client();
    assert.equal((await client.get('/services/fly-tipping/details')).location, '/services/fly-tipping');
    assert.equal((await client.get('/services/fly-tipping/check')).location, '/services/fly-tipping');
    assert.equal((await client.get('/services/fraud-referrals/start')).status, 404);
    assert.equal((await client.get('/services/no-such-service/start')).status, 404);
    await client.get('/services/fly-tipping/start');
    assert.equal((await client.get('/services/fly-tipping/questions/nope')).status, 404);
  });

  it('refuses a form without its CSRF token', async () => {
    const client = server.client();
    await client.follow(await client.get('/services/fly-tipping/start'));
    const refused = await client.post('/services/fly-tipping/questions/what', { answer: 'bags' }, { csrf: false });
    assert.equal(refused.status, 403);
  });

  it('is written in Welsh, the council’s questions and choices too', async () => {
    await server.db
      .updateTable('service_questions')
      .set({ label_cy: 'Beth sydd wedi’i adael?' })
      .where('code', '=', 'what')
      .execute();
    const client = server.client();
    await client.get('/?lang=cy');
    const page = await client.follow(await client.get('/services/fly-tipping/start'));
    assert.equal(page.dom.querySelector('html')?.getAttribute('lang'), 'cy');
    assert.equal(page.dom.querySelector('legend h1')?.text.trim(), 'Beth sydd wedi’i adael?');
    assert.equal(page.dom.querySelector('.govuk-button')?.text.trim(), 'Parhau');
    const missing = await client.post('/services/fly-tipping/questions/what', {});
    assert.equal(missing.errorSummary.length, 1);
    assert.notEqual(missing.errorSummary[0], 'Answer this question', 'the error is in Welsh too');
  });

  it('holds back an address that sends request after request', async () => {
    const client = server.client();
    await client.follow(await client.get('/services/fly-tipping/start'));
    const answers = [];
    for (let sent = 0; sent < 11; sent++)
      answers.push((await client.post('/services/fly-tipping/check', { submission: 'x' })).status);
    assert.deepEqual(answers.slice(0, 10), Array(10).fill(303));
    assert.equal(answers[10], 429);
  });

  it('is written in Urdu, right to left, with the council’s own words marked as English', async () => {
    const client = server.client();
    await client.get('/?lang=ur');
    const page = await client.follow(await client.get('/services/fly-tipping/start'));
    assert.equal(page.dom.querySelector('html')?.getAttribute('dir'), 'rtl');
    assert.equal(page.dom.querySelector('html')?.getAttribute('lang'), 'ur');
    assert.equal(page.dom.querySelector('legend span[lang="en"]')?.text, 'What has been dumped?');
    assert.equal(page.dom.querySelector('.govuk-button')?.text.trim(), 'جاری رکھیں');
    const missing = await client.post('/services/fly-tipping/questions/what', {});
    assert.deepEqual(missing.errorSummary, ['اس سوال کا جواب دیں']);
  });
});

describe('an online request with a photo', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
    const councilId = (await findFirstCouncil(server.db))!.id;
    const teamId = await insertTeam(server.db, { organisationId: councilId, code: 'streets', name: 'Street Scene' });
    await aService(server.db, {
      councilId,
      teamId,
      code: 'graffiti',
      name: 'Graffiti',
      slaWorkingDays: 5,
      questions: [{ code: 'photo', label: 'A photo of the graffiti', kind: 'file', required: true }],
    });
  });
  after(() => server.close());

  it('takes the file on its own page, refuses one that is not allowed, and attaches it to the case sent', async () => {
    const client = server.client();
    const page = await client.follow(await client.get('/services/graffiti/start'));
    assert.equal(page.dom.querySelector('form')?.getAttribute('enctype'), 'multipart/form-data');

    const none = await client.postMultipart('/services/graffiti/questions/photo', []);
    assert.equal(none.status, 400);
    assert.deepEqual(none.errorSummary, ['Answer this question']);
    const program = await client.postMultipart('/services/graffiti/questions/photo', [
      ['answer', { content: anExe(), fileName: 'photo.exe' }],
    ]);
    assert.equal(program.status, 400);
    assert.match(program.errorSummary[0]!, /must be a PDF, Word/);

    const photo = await client.postMultipart('/services/graffiti/questions/photo', [
      ['answer', { content: aPng(), fileName: 'wall.png' }],
    ]);
    assert.equal(photo.location, '/services/graffiti/details');
    const back = await client.get('/services/graffiti/questions/photo');
    assert.match(back.html, /You have added wall\.png/);
    await client.post('/services/graffiti/details', { description: 'Tags on the underpass' });
    await client.post('/services/graffiti/contact', { givenName: 'Ifan', familyName: 'Jones', email: 'ifan@example.com' });
    const check = await client.get('/services/graffiti/check');
    assert.match(check.html, /wall\.png/);
    const submission = check.dom.querySelector('input[name="submission"]')!.getAttribute('value')!;
    await client.post('/services/graffiti/check', { submission });

    const attached = await server.db
      .selectFrom('case_attachments as a')
      .innerJoin('cases as c', 'c.id', 'a.case_id')
      .select(['a.file_name', 'a.content_type', 'a.visibility'])
      .where('c.description', '=', 'Tags on the underpass')
      .execute();
    assert.deepEqual(attached, [{ file_name: 'wall.png', content_type: 'image/png', visibility: 'internal' }]);
  });
});

describe('an online request with the council’s map (ONEDOOR_MAP_TILES)', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({
      env: { ONEDOOR_MAP_TILES: 'https://tiles.example.org/{z}/{x}/{y}.png', ONEDOOR_MAP_ATTRIBUTION: '© Example mappers' },
    });
    await aPotholesServiceOnTheMap(server.db);
  });
  after(() => server.close());

  it('offers the map to scripts (hidden without them) centred on the council’s area, with its tiles allowed by the CSP', async () => {
    const client = server.client();
    const page = await client.follow(await client.get('/services/potholes/start'));
    const map = page.dom.querySelector('[data-module="onedoor-map"]')!;
    assert.equal(map.getAttribute('hidden'), '', 'hidden until the script shows it');
    assert.equal(map.getAttribute('data-tiles'), 'https://tiles.example.org/{z}/{x}/{y}.png');
    assert.equal(Number(map.getAttribute('data-lat')).toFixed(4), '52.8604');
    assert.ok(page.dom.querySelector('script[type="module"][src^="/assets/map-"]'));
    assert.match(page.headers.get('content-security-policy')!, /img-src 'self' data: https:\/\/tiles\.example\.org/);
  });

  it('takes the place in the ring, in the council’s area, as coordinates with the nearest address to describe it', async () => {
    const client = server.client();
    await client.follow(await client.get('/services/potholes/start'));
    const outside = await client.post('/services/potholes/questions/where', { action: 'pin', lat: '51.5', long: '-0.12' });
    assert.equal(outside.status, 400);
    assert.deepEqual(outside.errorSummary, ['Put the ring on a place in the council’s area, or enter a postcode']);
    const nonsense = await client.post('/services/potholes/questions/where', { action: 'pin', lat: 'north', long: '' });
    assert.equal(nonsense.status, 400);

    const pinned = await client.post('/services/potholes/questions/where', { action: 'pin', lat: '52.8606', long: '-3.0540' });
    assert.equal(pinned.location, '/services/potholes/details', 'no address to choose');
    const detailed = await client.post('/services/potholes/details', { description: 'Deep hole by the kerb' });
    assert.equal(detailed.location, '/services/potholes/contact');
    const contact = await client.post('/services/potholes/contact', {
      givenName: 'Rhys',
      familyName: 'Owen',
      phone: '07911 123456',
    });
    assert.equal(contact.location, '/services/potholes/check', contact.errorSummary.join());
    const check = await client.get('/services/potholes/check');
    assert.match(check.html, /The place put on the map, near 1 Bailey Head, Oswestry, SY11 1PZ/);
    const again = await client.get('/services/potholes/questions/where');
    const map = again.dom.querySelector('[data-module="onedoor-map"]')!;
    assert.equal(map.getAttribute('data-lat'), '52.8606', 'the map opens on the place chosen');

    const submission = check.dom.querySelector('input[name="submission"]')!.getAttribute('value')!;
    await client.post('/services/potholes/check', { submission });
    const raised = await server.db
      .selectFrom('cases')
      .select(['location_lat', 'location_long', 'uprn', 'ward', 'answers'])
      .where('description', '=', 'Deep hole by the kerb')
      .executeTakeFirstOrThrow();
    assert.deepEqual(raised, {
      location_lat: 52.8606,
      location_long: -3.054,
      uprn: null,
      ward: 'Castle',
      answers: { where: { lat: 52.8606, long: -3.054 } },
    });
  });
});
