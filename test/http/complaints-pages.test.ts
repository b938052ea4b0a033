// The staff desktop's complaint pages over real HTTP: a complaint is recorded for a customer (a
// bad form is refused with the error summary and saves nothing), appears in the list with what
// is due next, and is taken through the Code's stages by the complaints officers: acknowledged,
// answered, escalated and answered again by someone else, extended within the limit, with
// remedies and learning. Steps the Code refuses come back as the page with the reason. Advisors
// may record a complaint but not read one; a partner agency's people see nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { todayInLondon } from '../../src/platform/forms.ts';
import { lastDueDay } from '../../src/services/calendar.ts';
import { aMissedBinComplainant, aPartnerAgency, aStaffMember, type BuiltStaffMember } from '../support/builders.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { WebClient } from '../support/web.ts';

const REFERENCE = /CMP-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}/;
const shortDate = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', dateStyle: 'medium' });
const longDate = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', dateStyle: 'long' });

describe('the complaint pages', () => {
  let server: TestServer;
  let customerId: string;
  let advisor: BuiltStaffMember;
  let officer: BuiltStaffMember;
  let reviewer: BuiltStaffMember;
  let partner: BuiltStaffMember;

  before(async () => {
    server = await startTestServer();
    const db = server.db;
    customerId = await aMissedBinComplainant(server, { givenName: 'Bethan', familyName: 'Morgan', email: 'bethan@example.org' });
    advisor = await aStaffMember(db, { roles: ['advisor'], name: 'Alys Advisor' });
    officer = await aStaffMember(db, { roles: ['complaints_officer'], name: 'Carys Complaints' });
    reviewer = await aStaffMember(db, { roles: ['complaints_officer'], name: 'Rhys Reviewer' });
    await aPartnerAgency(db, 'police', 'West Marches Police');
    partner = await aStaffMember(db, { roles: ['partner_worker'], organisation: 'police' });
  });
  after(() => server.close());

  const complaintForm = (fields: Record<string, string> = {}) => ({
    customerId,
    kind: 'complaint',
    channel: 'phone',
    serviceCode: 'missed-bin',
    category: 'delay',
    description: 'My bin has been missed three weeks running.',
    outcomeWanted: 'Collect it and say sorry',
    adjustments: 'Large print letters',
    ombudsmanScheme: 'lgsco',
    ...fields,
  });

  async function countComplaints(): Promise<number> {
    const row = await server.db
      .selectFrom('complaints')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Records a complaint as `client` and returns its reference. */
  async function recordOne(client: WebClient, fields: Record<string, string> = {}): Promise<string> {
    await client.get(`/staff/complaints/new?customer=${customerId}`);
    const recorded = await client.post('/staff/complaints/new', complaintForm(fields));
    assert.equal(recorded.status, 303, recorded.errorSummary.join('; '));
    return REFERENCE.exec(recorded.location ?? '')![0];
  }

  async function stageDates(reference: string, stage: 1 | 2) {
    return await server.db
      .selectFrom('complaint_stages as st')
      .innerJoin('complaints as c', 'c.id', 'st.complaint_id')
      .select(['st.acknowledge_by', 'st.respond_by', 'st.extended_to'])
      .where('c.reference', '=', reference)
      .where('st.stage', '=', stage)
      .executeTakeFirstOrThrow();
  }

  it('refuses a complaint with a missing description and a date in the future, and saves nothing', async () => {
    const client = await server.signedIn(officer);
    const form = await client.get(`/staff/complaints/new?customer=${customerId}`);
    assert.equal(form.status, 200);
    assert.equal(form.heading, 'Record a complaint, compliment or comment');
    assert.match(form.html, /For Bethan Morgan/);
    assert.match(form.html, /<option value="missed-bin">Report a missed bin – Waste and Recycling<\/option>/);
    const [year, month, day] = todayInLondon().split('-');
    assert.match(
      form.html,
      new RegExp(`name="receivedAt-year" type="text" value="${year}"`),
      'the date received is today unless changed',
    );
    assert.match(form.html, new RegExp(`name="receivedAt-month" type="text" value="${Number(month)}"`));
    assert.match(form.html, new RegExp(`name="receivedAt-day" type="text" value="${Number(day)}"`));

    const refused = await client.post(
      '/staff/complaints/new',
      complaintForm({
        description: '  ',
        'receivedAt-day': '1',
        'receivedAt-month': '1',
        'receivedAt-year': String(Number(year) + 1),
      }),
    );
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.errorSummary, ['Enter what the complaint is about', 'The date must be today or in the past']);
    assert.match(refused.html, /href="#description"/);
    assert.match(refused.html, /href="#receivedAt-day"/);
    assert.match(refused.html, /<title>Error: /);
    assert.match(refused.html, /Collect it and say sorry/, 'what was typed is kept');

    const impossible = await client.post(
      '/staff/complaints/new',
      complaintForm({ 'receivedAt-day': '31', 'receivedAt-month': '2', 'receivedAt-year': year! }),
    );
    assert.equal(impossible.status, 400);
    assert.deepEqual(impossible.errorSummary, ['Enter a real date']);
    const unchosen = await client.post('/staff/complaints/new', complaintForm({ kind: '', channel: '' }));
    assert.deepEqual(unchosen.errorSummary, [
      'Select whether this is a complaint, a compliment or a comment',
      'Select how it reached us',
    ]);
    assert.equal(await countComplaints(), 0);
  });

  it('records a complaint and lists it with the day its acknowledgement is due', async () => {
    const client = await server.signedIn(officer);
    await client.get(`/staff/complaints/new?customer=${customerId}`);
    const recorded = await client.post(
      '/staff/complaints/new',
      complaintForm({ description: 'They said <script>alert(1)</script> on the phone' }),
    );
    assert.equal(recorded.status, 303);
    assert.match(recorded.location ?? '', /^\/staff\/complaints\/CMP-/);
    const reference = REFERENCE.exec(recorded.location!)![0];
    const dates = await stageDates(reference, 1);

    const page = await client.follow(recorded);
    assert.equal(page.status, 200);
    const banner = page.dom.querySelector('.govuk-notification-banner')!.text;
    assert.match(banner, new RegExp(`Complaint ${reference} recorded`));
    assert.match(banner, new RegExp(`Acknowledge it by ${longDate.format(new Date(lastDueDay(dates.acknowledge_by)))}`));
    assert.match(page.dom.querySelector('#next-deadline')!.text, /Acknowledge Stage 1 by/);
    assert.match(page.html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/, 'what residents said is escaped');
    assert.doesNotMatch(page.html, /<script>alert/);
    assert.match(page.html, new RegExp(`href="/staff/customers/${customerId}">Bethan Morgan</a>`));
    assert.match(page.dom.querySelector('#summary')!.text, /Large print letters/);

    const list = await client.get('/staff/complaints');
    assert.equal(list.status, 200);
    const row = list.dom.querySelectorAll('#complaints tbody tr').find((each) => each.text.includes(reference));
    assert.ok(row, 'the list shows it');
    assert.match(row.text, /Bethan Morgan/);
    assert.match(row.text, /Report a missed bin/);
    assert.match(row.text, /Waste and Recycling/);
    assert.match(row.text, /Stage 1/);
    assert.match(row.text, /Acknowledgement due/);
    assert.match(row.text, new RegExp(shortDate.format(new Date(lastDueDay(dates.acknowledge_by)))));
    assert.match(row.innerHTML, new RegExp(`href="/staff/complaints/${reference}"`));

    const customerRecord = await client.get(`/staff/customers/${customerId}`);
    const listed = customerRecord.dom
      .querySelectorAll('#complaints ~ table tbody tr')
      .find((each) => each.text.includes(reference));
    assert.ok(listed, 'the customer’s record lists the complaint');
    assert.match(listed.text, new RegExp(longDate.format(new Date(lastDueDay(dates.acknowledge_by)))), 'with its due day');

    const compliments = await client.get('/staff/complaints?kind=compliment&status=open');
    assert.equal(compliments.status, 200);
    assert.doesNotMatch(compliments.html, new RegExp(reference), 'the filter narrows the list');
    assert.match(compliments.html, /<option value="compliment" selected>/);

    const welsh = await client.follow(await client.get(`/staff/complaints/${reference}?lang=cy`));
    assert.equal(welsh.status, 200);
    assert.equal(welsh.heading, `Cwyn ${reference}`);
    assert.match(welsh.dom.querySelector('#next-deadline')!.text, /Cydnabod Cam 1 erbyn/);
    assert.match(welsh.html, /Y camau nesaf/);
  });

  it('acknowledges a complaint, refuses an answer without an outcome, and records the answer', async () => {
    const client = await server.signedIn(officer);
    const reference = await recordOne(client);
    let page = await client.get(`/staff/complaints/${reference}`);
    assert.ok(page.dom.querySelector('#acknowledge-section'));
    assert.equal(page.dom.querySelector('#respond-section'), null, 'it is answered once acknowledged');

    const acknowledged = await client.post(`/staff/complaints/${reference}/acknowledge`, {});
    assert.equal(acknowledged.status, 303);
    page = await client.follow(acknowledged);
    assert.match(page.dom.querySelector('.govuk-notification-banner')!.text, /Acknowledged/);
    const dates = await stageDates(reference, 1);
    assert.match(
      page.dom.querySelector('#next-deadline')!.text,
      new RegExp(`Answer Stage 1 by ${longDate.format(new Date(lastDueDay(dates.respond_by)))}`),
    );
    assert.equal(page.dom.querySelector('#acknowledge-section'), null, 'it cannot be acknowledged twice');

    const noOutcome = await client.post(`/staff/complaints/${reference}/respond`, { response: 'We are sorry: it is collected.' });
    assert.equal(noOutcome.status, 400);
    assert.deepEqual(noOutcome.errorSummary, ['Select the outcome']);
    assert.match(noOutcome.html, /href="#respond-outcome"/);
    assert.match(noOutcome.html, /We are sorry: it is collected\./, 'the answer typed is kept');

    const answered = await client.post(`/staff/complaints/${reference}/respond`, {
      outcome: 'upheld',
      findings: 'serviceFailure',
      response: 'We are sorry: it is collected.',
    });
    assert.equal(answered.status, 303);
    page = await client.follow(answered);
    const stageOne = page.dom.querySelector('#stage-1')!.nextElementSibling!.text;
    assert.match(stageOne, /Upheld/);
    assert.match(stageOne, /Service failure/);
    assert.match(stageOne, /Answered in time\s*Yes/);
    assert.match(stageOne, /Carys Complaints/);
    assert.equal(page.dom.querySelector('#next-deadline'), null, 'nothing is due once answered');
    assert.ok(page.dom.querySelector('#escalate-section'));
    assert.ok(page.dom.querySelector('#close-section'));
    const timeline = page.dom.querySelectorAll('.moj-timeline__title').map((title) => title.text.trim());
    assert.deepEqual(timeline.slice(0, 2), ['Stage 1 answered: Upheld', 'Stage 1 acknowledged'], 'newest first');
  });

  it('does not let whoever answered stage 1 answer stage 2', async () => {
    const client = await server.signedIn(officer);
    const reference = await recordOne(client);
    await client.post(`/staff/complaints/${reference}/acknowledge`, {});
    await client.get(`/staff/complaints/${reference}`);
    await client.post(`/staff/complaints/${reference}/respond`, { outcome: 'not_upheld', response: 'We found no fault.' });
    await client.get(`/staff/complaints/${reference}`);
    const escalated = await client.post(`/staff/complaints/${reference}/escalate`, { reason: 'They disagree' });
    assert.equal(escalated.status, 303);
    await client.get(`/staff/complaints/${reference}`);
    await client.post(`/staff/complaints/${reference}/acknowledge`, {});

    const page = await client.get(`/staff/complaints/${reference}`);
    assert.match(page.dom.querySelector('#next-deadline')!.text, /Answer Stage 2 by/);
    assert.match(
      page.dom.querySelector('#respond-section')!.text,
      /Stage 2 must be answered by someone who did not answer stage 1/,
      'the page says why instead of offering the form',
    );
    const handlers = page.dom.querySelectorAll('#assign-handlerId option').map((option) => option.text.trim());
    assert.ok(handlers.includes('Rhys Reviewer'));
    assert.ok(!handlers.includes('Carys Complaints'), 'nor may they be made its handler');

    const refused = await client.post(`/staff/complaints/${reference}/respond`, {
      outcome: 'upheld',
      response: 'On review, upheld.',
    });
    assert.equal(refused.status, 409);
    assert.deepEqual(refused.errorSummary, ['Stage 2 must be answered by someone who did not answer stage 1']);
    assert.match(refused.html, /href="#respond-section"/);

    const other = await server.signedIn(reviewer);
    await other.get(`/staff/complaints/${reference}`);
    const answered = await other.post(`/staff/complaints/${reference}/respond`, {
      outcome: 'upheld',
      response: 'On review, upheld.',
    });
    assert.equal(answered.status, 303);
    const after = await other.follow(answered);
    assert.match(after.dom.querySelector('#stage-2')!.nextElementSibling!.text, /Rhys Reviewer/);
  });

  it('refuses an extension of more than 10 working days at stage 1, and grants a shorter one once', async () => {
    const client = await server.signedIn(officer);
    const reference = await recordOne(client);
    let page = await client.get(`/staff/complaints/${reference}`);
    assert.equal(page.dom.querySelector('#extend-section'), null, 'the answer’s deadline runs from the acknowledgement');
    await client.post(`/staff/complaints/${reference}/acknowledge`, {});
    page = await client.get(`/staff/complaints/${reference}`);
    assert.ok(page.dom.querySelector('#extend-section'));
    const tooLong = await client.post(`/staff/complaints/${reference}/extend`, {
      days: '15',
      reason: 'Waiting for the crew’s report',
    });
    assert.equal(tooLong.status, 409);
    assert.deepEqual(tooLong.errorSummary, ['An extension can be no more than 10 working days at stage 1, or 20 at stage 2']);
    assert.match(tooLong.html, /href="#extend-days"/);
    assert.match(tooLong.html, /value="15"/);

    const noReason = await client.post(`/staff/complaints/${reference}/extend`, { days: '5', reason: '' });
    assert.equal(noReason.status, 400);
    assert.deepEqual(noReason.errorSummary, ['Enter why the answer will take longer']);

    const extended = await client.post(`/staff/complaints/${reference}/extend`, {
      days: '5',
      reason: 'Waiting for the crew’s report',
    });
    assert.equal(extended.status, 303);
    page = await client.follow(extended);
    const dates = await stageDates(reference, 1);
    const stageOne = page.dom.querySelector('#stage-1')!.nextElementSibling!.text;
    assert.match(
      stageOne,
      new RegExp(`Extended to\\s*${longDate.format(new Date(lastDueDay(dates.extended_to!)))} \\(by 5 working days\\)`),
    );
    assert.match(stageOne, /Waiting for the crew’s report/);
    assert.equal(page.dom.querySelector('#extend-section'), null, 'a stage is extended once');
  });

  it('adds remedies and learning actions, and marks a learning action done', async () => {
    const client = await server.signedIn(officer);
    const reference = await recordOne(client);
    await client.get(`/staff/complaints/${reference}`);

    const badAmount = await client.post(`/staff/complaints/${reference}/remedy`, {
      kind: 'payment',
      description: 'For the trouble',
      amount: 'fifty',
    });
    assert.equal(badAmount.status, 400);
    assert.deepEqual(badAmount.errorSummary, ['Enter the payment in pounds and pence, like 50.00']);
    assert.match(badAmount.html, /href="#remedy-amount"/);
    const paid = await client.post(`/staff/complaints/${reference}/remedy`, {
      kind: 'payment',
      description: 'For the trouble',
      amount: '50.00',
    });
    assert.equal(paid.status, 303);
    let page = await client.follow(paid);
    assert.match(page.dom.querySelector('#remedies')!.nextElementSibling!.text, /£50\.00/);
    const stored = await server.db.selectFrom('complaint_remedies').select('amount_pence').executeTakeFirstOrThrow();
    assert.equal(stored.amount_pence, 5000);

    const noDate = await client.post(`/staff/complaints/${reference}/learning`, {
      description: 'Check the crew’s route sheets weekly',
      ownerId: reviewer.id,
    });
    assert.equal(noDate.status, 400);
    assert.deepEqual(noDate.errorSummary, ['Enter a real date']);
    assert.match(noDate.html, /href="#learning-dueOn-day"/);

    const [year] = todayInLondon().split('-');
    const added = await client.post(`/staff/complaints/${reference}/learning`, {
      description: 'Check the crew’s route sheets weekly',
      ownerId: reviewer.id,
      'dueOn-day': '30',
      'dueOn-month': '6',
      'dueOn-year': String(Number(year) + 1),
    });
    assert.equal(added.status, 303);
    page = await client.follow(added);
    const learning = page.dom.querySelector('#learning')!.nextElementSibling!;
    assert.match(learning.text, /Check the crew’s route sheets weekly/);
    assert.match(learning.text, /Rhys Reviewer/);
    assert.match(learning.text, new RegExp(`30 Jun ${Number(year) + 1}`));
    const actionId = learning.querySelector('input[name="learningAction"]')!.getAttribute('value')!;

    const done = await client.post(`/staff/complaints/${reference}/learning-done`, { learningAction: actionId });
    assert.equal(done.status, 303);
    page = await client.follow(done);
    assert.match(page.dom.querySelector('#learning')!.nextElementSibling!.text, /Done /);
    assert.equal(page.dom.querySelector('input[name="learningAction"]'), null);
    assert.equal((await client.post(`/staff/complaints/${reference}/learning-done`, { learningAction: actionId })).status, 404);
  });

  it('lets an advisor record a complaint from a customer’s record but not open it', async () => {
    const client = await server.signedIn(advisor);
    const record = await client.get(`/staff/customers/${customerId}`);
    assert.match(record.html, new RegExp(`href="/staff/complaints/new\\?customer=${customerId}"`));
    const form = await client.get(`/staff/complaints/new?customer=${customerId}`);
    assert.equal(form.status, 200);
    const recorded = await client.post(
      '/staff/complaints/new',
      complaintForm({ kind: 'compliment', description: 'The crew were kind' }),
    );
    assert.equal(recorded.status, 303);
    assert.equal(recorded.location, `/staff/customers/${customerId}`, 'they go back to the customer');
    const back = await client.follow(recorded);
    const banner = back.dom.querySelector('.govuk-notification-banner')!.text;
    assert.match(banner, /Compliment CMP-.{4}-.{4} recorded and passed to the team/);
    const reference = REFERENCE.exec(banner)![0];

    assert.equal((await client.get(`/staff/complaints/${reference}`)).status, 404);
    assert.equal((await client.get('/staff/complaints')).status, 403);
    assert.doesNotMatch(
      (await client.get(`/staff/customers/${customerId}`)).html,
      new RegExp(reference),
      'nor see it on the record',
    );
    assert.equal((await client.post(`/staff/complaints/${reference}/close`, {})).status, 404);
  });

  it('shows a partner agency’s worker nothing', async () => {
    const officerClient = await server.signedIn(officer);
    const reference = await recordOne(officerClient);
    const client = await server.signedIn(partner);
    assert.equal((await client.get('/staff/complaints')).status, 403);
    assert.equal((await client.get('/staff/complaints/new')).status, 403);
    assert.equal((await client.get(`/staff/complaints/${reference}`)).status, 404);
    assert.equal((await client.get('/staff/complaints/CMP-0000-0000')).status, 404);
  });
});
