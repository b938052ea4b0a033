// Finding and adding customers, and the single view, from outside over real HTTP.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { upsertProperties } from '../../src/gazetteer/repo.ts';
import { findFirstCouncil } from '../../src/organisations/repo.ts';
import { systemActor } from '../../src/platform/actor.ts';
import { aPartnerAgency, aStaffMember } from '../support/builders.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { WebClient } from '../support/web.ts';

describe('the customer pages', () => {
  let server: TestServer;
  let advisor: WebClient;
  let councilId: string;

  before(async () => {
    server = await startTestServer();
    councilId = (await findFirstCouncil(server.db))!.id;
    advisor = await server.signedIn(await aStaffMember(server.db, { roles: ['advisor'] }));
    await upsertProperties(server.db, councilId, [
      { uprn: 10001, line1: '1 Church Street', town: 'Oswestry', postcode: 'SY11 2SP', ward: 'Oswestry South' },
      { uprn: 10002, line1: '2 Church Street', town: 'Oswestry', postcode: 'SY11 2SP', ward: 'Oswestry South' },
    ]);
  });
  after(() => server.close());

  async function customerCount(): Promise<number> {
    const row = await server.db
      .selectFrom('customers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  it('refuses a new customer with bad details, saying what to fix, and saves nothing', async () => {
    await advisor.get('/staff/customers/new');
    const before = await customerCount();
    const page = await advisor.post('/staff/customers', {
      kind: 'person',
      givenName: 'Bethan',
      familyName: '',
      'dateOfBirth-day': '31',
      'dateOfBirth-month': '2',
      'dateOfBirth-year': '1990',
      email: 'bethan@',
      phone: '0123',
      preferredLanguage: 'cy',
      line1: '5 Bailey Street',
      town: 'Oswestry',
      postcode: 'SY11 ZZZ',
    });
    assert.equal(page.status, 400);
    assert.deepEqual(page.errorSummary, [
      'Enter the customer’s last name',
      'Date of birth must be a real date, for example 27 3 1961',
      'Enter an email address in the correct format, like name@example.com',
      'Enter a UK phone number, like 01691 654321 or 07911 123456',
      'Enter a full UK postcode, like SY11 1AA',
    ]);
    assert.match(page.html, /<title>Error: /);
    assert.equal(page.dom.querySelector('a[href="#dateOfBirth-day"]') !== null, true);
    assert.equal(page.dom.querySelector('#givenName')?.getAttribute('value'), 'Bethan');
    assert.equal(await customerCount(), before);
  });

  it('finds addresses at a postcode without JavaScript and saves the customer at the one picked', async () => {
    await advisor.get('/staff/customers/new');
    const lookedUp = await advisor.post('/staff/customers', {
      action: 'find-address',
      kind: 'person',
      givenName: 'Eleri',
      familyName: 'Vaughan',
      lookupPostcode: 'sy112sp',
    });
    assert.equal(lookedUp.status, 200);
    const options = lookedUp.dom.querySelectorAll('#uprn option').map((option) => option.text.trim());
    assert.deepEqual(options.slice(1), ['1 Church Street, Oswestry, SY11 2SP', '2 Church Street, Oswestry, SY11 2SP']);
    assert.equal(lookedUp.dom.querySelector('#givenName')?.getAttribute('value'), 'Eleri');

    const saved = await advisor.post('/staff/customers', {
      kind: 'person',
      givenName: 'Eleri',
      familyName: 'Vaughan',
      phone: '07911 123456',
      preferredLanguage: 'cy',
      uprn: '10002',
    });
    assert.equal(saved.status, 303);
    const record = await advisor.follow(saved);
    assert.equal(record.heading, 'Eleri Vaughan');
    assert.match(record.html, /2 Church Street, Oswestry, SY11 2SP/);
    assert.match(record.html, /Oswestry South ward/);
    assert.match(record.html, /07911 123456/);
    const address = await server.db.selectFrom('customer_addresses').select('uprn').where('uprn', '=', 10002).executeTakeFirst();
    assert.equal(address?.uprn, 10002);
  });

  it('shows likely duplicates before saving, and saves only when the advisor confirms', async () => {
    await server.services.customers.create(
      systemActor('test'),
      { givenName: 'Huw', familyName: 'Edwards', phone: '01691 111222' },
      { confirmedNew: true, councilId },
    );
    await advisor.get('/staff/customers/new');
    const before = await customerCount();
    const offered = await advisor.post('/staff/customers', {
      kind: 'person',
      givenName: 'Hugh',
      familyName: 'Edwards',
      phone: '01691111222',
    });
    assert.equal(offered.status, 200);
    assert.match(offered.dom.querySelector('#duplicates')!.text, /Huw Edwards/);
    assert.equal(await customerCount(), before);
    const confirmed = await advisor.post('/staff/customers', {
      kind: 'person',
      givenName: 'Hugh',
      familyName: 'Edwards',
      phone: '01691111222',
      confirmedNew: 'yes',
    });
    assert.equal(confirmed.status, 303);
    assert.equal(await customerCount(), before + 1);
  });

  it('searches from one box and says why each customer matched', async () => {
    await server.services.customers.create(
      systemActor('test'),
      {
        givenName: 'Gwenllian',
        familyName: 'Pryce',
        email: 'gwen.pryce@example.org',
        address: { line1: '7 Willow Street', town: 'Oswestry', postcode: 'SY11 1AJ' },
      },
      { confirmedNew: true, councilId },
    );
    const page = await advisor.get('/staff/customers?q=gwenlian%20price');
    assert.equal(page.status, 200);
    const first = page.dom.querySelector('.onedoor-results__item');
    assert.match(first!.text, /Gwenllian Pryce/);
    assert.match(first!.text, /similar name/);
    const byEmail = await advisor.get('/staff/customers?q=GWEN.PRYCE%40example.org');
    assert.match(byEmail.dom.querySelector('.onedoor-results__item')!.text, /email/);
    const nothing = await advisor.get('/staff/customers?q=zzzzqqq');
    assert.match(nothing.html, /0 customers found/);
  });

  it('shows the single view with flags, writes the view to the audit trail, and keeps notes on the timeline', async () => {
    const result = await server.services.customers.create(
      systemActor('test'),
      { givenName: 'Alun', familyName: 'Jenkins' },
      { confirmedNew: true, councilId },
    );
    assert.ok(result.created);
    await server.services.customers.addFlag(systemActor('test'), result.id, {
      reason: 'bereavement',
      details: 'Wife died in October',
      reviewOn: '2027-02-01',
    });

    const page = await advisor.get(`/staff/customers/${result.id}`);
    assert.equal(page.status, 200);
    assert.match(page.dom.querySelector('.moj-identity-bar')!.text, /Alun Jenkins/);
    assert.match(page.dom.querySelector('#flags')!.text, /Bereavement/);
    const views = await server.db
      .selectFrom('audit_events')
      .select('id')
      .where('action', '=', 'customer.view')
      .where('record_id', '=', result.id)
      .execute();
    assert.equal(views.length, 1);

    const empty = await advisor.post(`/staff/customers/${result.id}/notes`, { note: '  ' });
    assert.equal(empty.status, 400);
    assert.deepEqual(empty.errorSummary, ['Enter the note']);
    const added = await advisor.post(`/staff/customers/${result.id}/notes`, { note: 'Asked about <b>bins</b>' });
    assert.equal(added.status, 303);
    const after = await advisor.follow(added);
    assert.match(after.dom.querySelector('.moj-timeline')!.text, /Asked about <b>bins<\/b>/);
    assert.equal(after.dom.querySelector('.moj-timeline b'), null);
  });

  it('tells people who may not see a record that it does not exist, and keeps analysts out', async () => {
    const result = await server.services.customers.create(
      systemActor('test'),
      { givenName: 'Nia', familyName: 'Powell' },
      { confirmedNew: true, councilId },
    );
    assert.ok(result.created);
    await aPartnerAgency(server.db, 'probation', 'Probation Service');
    const partner = await server.signedIn(
      await aStaffMember(server.db, { roles: ['partner_worker'], organisation: 'probation' }),
    );
    assert.equal((await partner.get(`/staff/customers/${result.id}`)).status, 404);
    assert.equal((await partner.get('/staff/customers/not-a-uuid')).status, 404);
    const analyst = await server.signedIn(await aStaffMember(server.db, { roles: ['performance_analyst'] }));
    assert.equal((await analyst.get('/staff/customers?q=powell')).status, 403);
    assert.equal((await analyst.get(`/staff/customers/${result.id}`)).status, 404);
  });

  it('shows a vulnerable customer’s flags while a contact with them is logged', async () => {
    const result = await server.services.customers.create(
      systemActor('test'),
      { givenName: 'Iolo', familyName: 'Price' },
      { confirmedNew: true, councilId },
    );
    assert.ok(result.created);
    await server.services.customers.addFlag(systemActor('test'), result.id, { reason: 'domestic_abuse', reviewOn: '2027-04-30' });
    const page = await advisor.get(`/staff/contacts/new?customer=${result.id}`);
    assert.equal(page.status, 200);
    assert.match(page.dom.querySelector('.contact-flag')!.text, /Vulnerable customer: Domestic abuse/);
    assert.match(page.dom.querySelector('.contact-flag')!.text, /Review by 30 April 2027/);
  });

  it('refuses a form posted without its CSRF token', async () => {
    await advisor.get('/staff/customers/new');
    const page = await advisor.post('/staff/customers', { kind: 'person', givenName: 'A', familyName: 'B' }, { csrf: false });
    assert.equal(page.status, 403);
  });
});
