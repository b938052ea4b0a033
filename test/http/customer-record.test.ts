// The pages that maintain a customer's record, from outside over real HTTP: details and needs,
// contact details, moving address by postcode, vulnerability flags, consent to share, and merging
// a duplicate. Each valid form saves with its audit record; each invalid one answers 400 with the
// GOV.UK error summary and saves nothing; people who may not change records cannot.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { upsertProperties } from '../../src/gazetteer/repo.ts';
import { findFirstCouncil } from '../../src/organisations/repo.ts';
import { systemActor } from '../../src/platform/actor.ts';
import type { CustomerInput } from '../../src/customers/service.ts';
import { aPartnerAgency, aStaffMember } from '../support/builders.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { Page, WebClient } from '../support/web.ts';

describe('the pages that maintain a customer record', () => {
  let server: TestServer;
  let councilId: string;
  let partnerId: string;
  let advisor: WebClient;

  before(async () => {
    server = await startTestServer();
    councilId = (await findFirstCouncil(server.db))!.id;
    partnerId = await aPartnerAgency(server.db, 'west-police', 'West Police');
    advisor = await server.signedIn(await aStaffMember(server.db, { roles: ['advisor'], name: 'Ceri Advisor' }));
    await upsertProperties(server.db, councilId, [
      { uprn: 30001, line1: '2 Church Street', town: 'Oswestry', postcode: 'SY11 2SP', ward: 'Oswestry Town' },
      { uprn: 30002, line1: '4 Church Street', town: 'Oswestry', postcode: 'SY11 2SP', ward: 'Oswestry Town' },
    ]);
  });
  after(() => server.close());

  async function aCustomer(input: CustomerInput = {}): Promise<string> {
    const created = await server.services.customers.create(
      systemActor('test'),
      {
        givenName: 'Gwen',
        familyName: 'Pritchard',
        dateOfBirth: '1958-04-12',
        address: { line1: '9 Willow Street', town: 'Oswestry', postcode: 'SY11 1AJ' },
        ...input,
      },
      { confirmedNew: true, councilId },
    );
    assert.ok(created.created);
    return created.id;
  }

  async function customerRow(id: string) {
    return await server.db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  }

  async function auditActions(id: string): Promise<string[]> {
    const rows = await server.db
      .selectFrom('audit_events')
      .select('action')
      .where('record_id', '=', id)
      .where('action', '!=', 'customer.view')
      .orderBy('id')
      .execute();
    return rows.map((row) => row.action);
  }

  /** A refused form: 400 (or `status`), "Error:" in the title, and a summary linking to fields on the page. */
  function assertRefused(page: Page, errors: string[], status = 400): void {
    assert.equal(page.status, status, page.errorSummary.join('; '));
    assert.match(page.dom.querySelector('title')?.text ?? '', /^Error: /);
    assert.deepEqual(page.errorSummary, errors);
    for (const link of page.dom.querySelectorAll('.govuk-error-summary__list a')) {
      const href = link.getAttribute('href') ?? '';
      assert.ok(page.dom.querySelector(href), `the page has the field ${href}`);
    }
  }

  /** Saved: back to the single view, which says what was done. */
  async function assertSaved(page: Page, id: string, message: string): Promise<void> {
    assert.equal(page.status, 303, page.errorSummary.join('; '));
    assert.equal(page.location, `/staff/customers/${id}`);
    const view = await advisor.follow(page);
    assert.match(view.dom.querySelector('.govuk-notification-banner')?.text ?? '', new RegExp(message));
  }

  describe('details and needs', () => {
    it('saves the name, date of birth, language, contact preference, needs with an interpreter, and adjustments', async () => {
      const id = await aCustomer();
      const form = await advisor.get(`/staff/customers/${id}/details`);
      assert.equal(form.status, 200);
      assert.equal(form.heading, 'Change customer details');
      assert.equal(form.dom.querySelector('#customer-name')?.text.trim(), 'Gwen Pritchard');
      assert.equal(form.dom.querySelector('#dateOfBirth-year')?.getAttribute('value'), '1958');
      assert.ok(form.dom.querySelector('#preferredLanguage option[value="pl"]'), 'Polish is offered');
      assert.ok(form.dom.querySelector('#interpreterLanguage'), 'the interpreter language is on the page without JavaScript');

      const saved = await advisor.post(`/staff/customers/${id}/details`, {
        title: 'Mrs',
        givenName: 'Gwen',
        familyName: 'Morgan',
        'dateOfBirth-day': '12',
        'dateOfBirth-month': '4',
        'dateOfBirth-year': '1958',
        preferredLanguage: 'pl',
        preferredContactMethod: 'sms',
        needs: ['interpreter', 'large_print'],
        interpreterLanguage: 'Polish',
        adjustments: 'Call after 10am',
      });
      await assertSaved(saved, id, 'Customer details saved');
      const row = await customerRow(id);
      assert.deepEqual(
        {
          title: row.title,
          family: row.family_name,
          born: row.date_of_birth,
          language: row.preferred_language,
          method: row.preferred_contact_method,
          needs: [...row.needs].sort(),
          interpreter: row.interpreter_language,
          adjustments: row.adjustments,
        },
        {
          title: 'Mrs',
          family: 'Morgan',
          born: '1958-04-12',
          language: 'pl',
          method: 'sms',
          needs: ['interpreter', 'large_print'],
          interpreter: 'Polish',
          adjustments: 'Call after 10am',
        },
      );
      const previous = await server.db
        .selectFrom('customer_previous_names')
        .select('family_name')
        .where('customer_id', '=', id)
        .execute();
      assert.deepEqual(
        previous.map((name) => name.family_name),
        ['Pritchard'],
      );
      assert.deepEqual(await auditActions(id), ['customer.create', 'customer.update']);
    });

    it('refuses a future date of birth, a missing name and an interpreter without a language, and saves nothing', async () => {
      const id = await aCustomer();
      const before = await customerRow(id);
      const refused = await advisor.post(`/staff/customers/${id}/details`, {
        givenName: '',
        familyName: 'Pritchard',
        'dateOfBirth-day': '1',
        'dateOfBirth-month': '1',
        'dateOfBirth-year': '2999',
        preferredLanguage: 'en',
        needs: ['interpreter'],
        interpreterLanguage: '',
      });
      assertRefused(refused, [
        'Enter the customer’s first name',
        'Date of birth must be in the past',
        'Enter the language to interpret',
      ]);
      assert.equal(refused.dom.querySelector('.govuk-error-summary__list a')?.getAttribute('href'), '#givenName');
      assert.equal(refused.dom.querySelectorAll('.govuk-error-summary__list a')[1]?.getAttribute('href'), '#dateOfBirth-day');
      assert.equal(refused.dom.querySelector('#dateOfBirth-year')?.getAttribute('value'), '2999', 'what was typed is kept');
      assert.ok(refused.dom.querySelector('#needs:checked, input[value="interpreter"][checked]'));
      const impossible = await advisor.post(`/staff/customers/${id}/details`, {
        givenName: 'Gwen',
        familyName: 'Pritchard',
        'dateOfBirth-day': '31',
        'dateOfBirth-month': '2',
        'dateOfBirth-year': '1990',
        preferredLanguage: 'en',
      });
      assertRefused(impossible, ['Date of birth must be a real date']);
      assert.deepEqual(await customerRow(id), before);
      assert.deepEqual(await auditActions(id), ['customer.create']);
    });

    it('shows the pages in Welsh', async () => {
      const id = await aCustomer();
      const welsh = await server.signedIn(await aStaffMember(server.db, { roles: ['advisor'] }));
      await welsh.get(`/staff/customers/${id}/details?lang=cy`);
      const page = await welsh.get(`/staff/customers/${id}/details`);
      assert.equal(page.heading, 'Newid manylion y cwsmer');
      assert.equal(page.dom.querySelector('label[for="dateOfBirth-day"]')?.text.trim(), 'Diwrnod');
      assert.ok(page.dom.querySelector('#needs [value="interpreter"], input[value="interpreter"]'));
      assert.match(page.html, /Dehonglydd iaith lafar/);
    });
  });

  describe('contact details', () => {
    it('adds a phone number written any way, shows it in national format, and removes it', async () => {
      const id = await aCustomer();
      await advisor.get(`/staff/customers/${id}/contact-details`);
      const added = await advisor.post(`/staff/customers/${id}/contact-details`, {
        action: 'add-phone',
        phone: '+44 (0)1691 123456',
        phonePrimary: 'yes',
      });
      await assertSaved(added, id, 'Phone number added');
      const phone = await server.db
        .selectFrom('customer_phones')
        .select(['id', 'number', 'is_primary'])
        .where('customer_id', '=', id)
        .executeTakeFirstOrThrow();
      assert.deepEqual({ number: phone.number, primary: phone.is_primary }, { number: '+441691123456', primary: true });
      const page = await advisor.get(`/staff/customers/${id}/contact-details`);
      assert.match(page.dom.querySelector('#phones')?.text ?? '', /01691 123456/);

      const removed = await advisor.post(`/staff/customers/${id}/contact-details`, {
        action: 'remove',
        kind: 'phone',
        pointId: phone.id,
      });
      await assertSaved(removed, id, 'Phone number removed');
      assert.equal(
        (await server.db.selectFrom('customer_phones').select('id').where('customer_id', '=', id).execute()).length,
        0,
      );
      assert.deepEqual(await auditActions(id), ['customer.create', 'customer.phone.add', 'customer.phone.remove']);
    });

    it('adds an email address as the main one', async () => {
      const id = await aCustomer({ email: 'gwen@example.org' });
      await advisor.get(`/staff/customers/${id}/contact-details`);
      const added = await advisor.post(`/staff/customers/${id}/contact-details`, {
        action: 'add-email',
        email: 'gwen.new@example.org',
        emailPrimary: 'yes',
      });
      await assertSaved(added, id, 'Email address added');
      const emails = await server.db
        .selectFrom('customer_emails')
        .select(['email', 'is_primary'])
        .where('customer_id', '=', id)
        .orderBy('email')
        .execute();
      assert.deepEqual(emails, [
        { email: 'gwen.new@example.org', is_primary: true },
        { email: 'gwen@example.org', is_primary: false },
      ]);
      assert.deepEqual(await auditActions(id), ['customer.create', 'customer.email.add']);
    });

    it('refuses a phone number that is not one and an email address without an @, and saves nothing', async () => {
      const id = await aCustomer();
      await advisor.get(`/staff/customers/${id}/contact-details`);
      const phone = await advisor.post(`/staff/customers/${id}/contact-details`, { action: 'add-phone', phone: '12345' });
      assertRefused(phone, ['Enter a phone number, like 01691 123456 or 07700 900123']);
      assert.equal(phone.dom.querySelector('#phone')?.getAttribute('value'), '12345');
      const email = await advisor.post(`/staff/customers/${id}/contact-details`, {
        action: 'add-email',
        email: 'gwen.example.org',
      });
      assertRefused(email, ['Enter an email address in the correct format, like name@example.com']);
      assert.equal(
        (await server.db.selectFrom('customer_phones').select('id').where('customer_id', '=', id).execute()).length,
        0,
      );
      assert.equal(
        (await server.db.selectFrom('customer_emails').select('id').where('customer_id', '=', id).execute()).length,
        0,
      );
      assert.deepEqual(await auditActions(id), ['customer.create']);
    });
  });

  describe('moving address', () => {
    it('finds the addresses at a postcode without JavaScript, and moves the customer to the one chosen', async () => {
      const id = await aCustomer();
      const start = await advisor.get(`/staff/customers/${id}/address`);
      assert.equal(start.heading, 'Change address');
      const found = await advisor.post(`/staff/customers/${id}/address`, { action: 'find', postcode: 'sy112sp' });
      assert.equal(found.status, 200);
      const options = found.dom.querySelectorAll('#uprn option').map((option) => option.text.trim());
      assert.deepEqual(options, [
        '2 addresses found',
        '2 Church Street, Oswestry, SY11 2SP',
        '4 Church Street, Oswestry, SY11 2SP',
        'The address is not listed',
      ]);

      const moved = await advisor.post(`/staff/customers/${id}/address`, {
        action: 'choose',
        postcode: 'SY11 2SP',
        uprn: '30002',
        'movedOn-day': '3',
        'movedOn-month': '2',
        'movedOn-year': '2025',
      });
      await assertSaved(moved, id, 'Address changed');
      const addresses = await server.db
        .selectFrom('customer_addresses')
        .select(['uprn', 'address_line1', 'is_current', 'moved_out_on'])
        .where('customer_id', '=', id)
        .orderBy('is_current')
        .execute();
      assert.deepEqual(addresses, [
        { uprn: null, address_line1: '9 Willow Street', is_current: false, moved_out_on: '2025-02-03' },
        { uprn: 30002, address_line1: '4 Church Street', is_current: true, moved_out_on: null },
      ]);
      const page = await advisor.get(`/staff/customers/${id}/address`);
      assert.match(page.dom.querySelector('#past-addresses')?.text ?? '', /9 Willow Street/);
      assert.deepEqual(await auditActions(id), ['customer.create', 'customer.address.move']);
    });

    it('takes an address that is not listed, typed in by hand', async () => {
      const id = await aCustomer();
      await advisor.get(`/staff/customers/${id}/address`);
      const manual = await advisor.post(`/staff/customers/${id}/address`, {
        action: 'choose',
        postcode: 'SY11 2SP',
        uprn: 'manual',
        'movedOn-day': '',
        'movedOn-month': '',
        'movedOn-year': '',
      });
      assert.equal(manual.status, 200);
      assert.equal(manual.dom.querySelector('#postcode')?.getAttribute('value'), 'SY11 2SP');
      assert.ok(manual.dom.querySelector('#line1'));

      const missing = await advisor.post(`/staff/customers/${id}/address`, {
        action: 'manual',
        line1: '',
        town: 'Oswestry',
        postcode: 'SY11 2SP',
        'movedOn-day': '1',
        'movedOn-month': '13',
        'movedOn-year': '2025',
      });
      assertRefused(missing, [
        'Enter address line 1, typically the building and street',
        'The date they moved in must be a real date',
      ]);
      assert.deepEqual(await auditActions(id), ['customer.create']);

      const saved = await advisor.post(`/staff/customers/${id}/address`, {
        action: 'manual',
        line1: 'Flat 2, 6 Church Street',
        town: 'Oswestry',
        postcode: 'sy11 2sp',
        'movedOn-day': '1',
        'movedOn-month': '3',
        'movedOn-year': '2025',
      });
      await assertSaved(saved, id, 'Address changed');
      const current = await server.db
        .selectFrom('customer_addresses')
        .select(['uprn', 'address_line1', 'postcode'])
        .where('customer_id', '=', id)
        .where('is_current', '=', true)
        .executeTakeFirstOrThrow();
      assert.deepEqual(current, { uprn: null, address_line1: 'Flat 2, 6 Church Street', postcode: 'SY11 2SP' });
    });

    it('says when a postcode is not one, and goes to typing the address when nothing is known there', async () => {
      const id = await aCustomer();
      await advisor.get(`/staff/customers/${id}/address`);
      const wrong = await advisor.post(`/staff/customers/${id}/address`, { action: 'find', postcode: 'NOT A POSTCODE' });
      assertRefused(wrong, ['Enter a real postcode, like SY11 2AB']);
      const empty = await advisor.post(`/staff/customers/${id}/address`, { action: 'find', postcode: '' });
      assertRefused(empty, ['Enter a postcode']);
      const unknown = await advisor.post(`/staff/customers/${id}/address`, { action: 'find', postcode: 'SY10 7AA' });
      assert.equal(unknown.status, 200);
      assert.match(unknown.html, /No addresses were found at SY10 7AA/);
      assert.ok(unknown.dom.querySelector('#line1'));
      const notChosen = await advisor.post(`/staff/customers/${id}/address`, {
        action: 'choose',
        postcode: 'SY11 2SP',
        uprn: '',
        'movedOn-day': '1',
        'movedOn-month': '3',
        'movedOn-year': '2999',
      });
      assertRefused(notChosen, [
        'Select the address, or select ‘The address is not listed’',
        'The date they moved in must be today or in the past',
      ]);
      assert.deepEqual(await auditActions(id), ['customer.create']);
    });
  });

  describe('vulnerability flags', () => {
    it('adds a flag with its reason, details and review date', async () => {
      const id = await aCustomer();
      await advisor.get(`/staff/customers/${id}/flags/new`);
      const saved = await advisor.post(`/staff/customers/${id}/flags/new`, {
        reason: 'bereavement',
        details: 'Husband died last month',
        'reviewOn-day': '1',
        'reviewOn-month': '6',
        'reviewOn-year': '2099',
      });
      await assertSaved(saved, id, 'Vulnerability flag added');
      const flag = await server.db
        .selectFrom('customer_flags')
        .select(['reason', 'details', 'review_on'])
        .where('customer_id', '=', id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(flag, { reason: 'bereavement', details: 'Husband died last month', review_on: '2099-06-01' });
      const page = await advisor.get(`/staff/customers/${id}/details`);
      assert.match(page.dom.querySelector('#vulnerability-flags')?.text ?? '', /Bereavement/);
      assert.deepEqual(await auditActions(id), ['customer.create', 'customer.flag.add']);
    });

    it('refuses a flag without a reason or with a review date in the past', async () => {
      const id = await aCustomer();
      await advisor.get(`/staff/customers/${id}/flags/new`);
      const refused = await advisor.post(`/staff/customers/${id}/flags/new`, {
        'reviewOn-day': '1',
        'reviewOn-month': '6',
        'reviewOn-year': '2001',
      });
      assertRefused(refused, ['Select why the customer is vulnerable', 'Review date must be today or in the future']);
      const noDate = await advisor.post(`/staff/customers/${id}/flags/new`, { reason: 'other' });
      assertRefused(noDate, ['Enter the review date']);
      assert.equal((await server.db.selectFrom('customer_flags').select('id').where('customer_id', '=', id).execute()).length, 0);
      assert.deepEqual(await auditActions(id), ['customer.create']);
    });
  });

  describe('consent to share', () => {
    it('offers the council’s partner organisations to an advisor and records what the customer agreed to share', async () => {
      const id = await aCustomer();
      const form = await advisor.get(`/staff/customers/${id}/consents/new`);
      assert.equal(form.status, 200);
      assert.deepEqual(
        form.dom.querySelectorAll('#organisationId option').map((option) => option.text.trim()),
        ['Select a partner organisation', 'West Police'],
      );
      const saved = await advisor.post(`/staff/customers/${id}/consents/new`, {
        organisationId: partnerId,
        shares: ['contact_details', 'needs'],
        purpose: 'Referral to victim support',
        'givenOn-day': '2',
        'givenOn-month': '1',
        'givenOn-year': '2025',
      });
      await assertSaved(saved, id, 'Consent to share recorded');
      const consent = await server.db
        .selectFrom('customer_consents')
        .select(['organisation_id', 'shares', 'purpose', 'given_on'])
        .where('customer_id', '=', id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(consent, {
        organisation_id: partnerId,
        shares: ['contact_details', 'needs'],
        purpose: 'Referral to victim support',
        given_on: '2025-01-02',
      });
      assert.deepEqual(await auditActions(id), ['customer.create', 'customer.consent.add']);
    });

    it('refuses consent without a partner or anything to share, and with a date to come', async () => {
      const id = await aCustomer();
      await advisor.get(`/staff/customers/${id}/consents/new`);
      const refused = await advisor.post(`/staff/customers/${id}/consents/new`, {
        organisationId: '',
        'givenOn-day': '2',
        'givenOn-month': '1',
        'givenOn-year': '2999',
      });
      assertRefused(refused, [
        'Select the partner organisation',
        'Select what may be shared',
        'The date consent was given must be today or in the past',
      ]);
      const elsewhere = await advisor.post(`/staff/customers/${id}/consents/new`, {
        organisationId: councilId,
        shares: ['history'],
        'givenOn-day': '2',
        'givenOn-month': '1',
        'givenOn-year': '2025',
      });
      assertRefused(elsewhere, ['Select the partner organisation']);
      assert.equal(
        (await server.db.selectFrom('customer_consents').select('id').where('customer_id', '=', id).execute()).length,
        0,
      );
    });
  });

  describe('merging a duplicate', () => {
    it('finds the duplicate, compares the two records side by side, and merges it into this one', async () => {
      const keep = await aCustomer({ givenName: 'Eirlys', familyName: 'Vaughan', dateOfBirth: '1949-11-30' });
      const duplicate = await aCustomer({
        givenName: 'Eirlys',
        familyName: 'Vaughn',
        dateOfBirth: '1949-11-30',
        phone: '07812 345678',
      });
      await server.services.customers.addNote(systemActor('test'), duplicate, 'Called about bins');

      const search = await advisor.get(`/staff/customers/${keep}/merge?q=${encodeURIComponent('Eirlys Vaughn')}`);
      assert.equal(search.status, 200);
      const links = search.dom.querySelectorAll('#merge-results a').map((link) => link.getAttribute('href'));
      assert.ok(links.includes(`/staff/customers/${keep}/merge/${duplicate}`), `the duplicate is offered: ${links.join(', ')}`);
      assert.ok(!links.includes(`/staff/customers/${keep}/merge/${keep}`), 'not the record itself');

      const compare = await advisor.get(`/staff/customers/${keep}/merge/${duplicate}`);
      assert.equal(compare.status, 200);
      assert.match(compare.dom.querySelector('#kept-record')?.text ?? '', /Eirlys Vaughan/);
      assert.match(compare.dom.querySelector('#merged-record')?.text ?? '', /Eirlys Vaughn[\s\S]*07812 345678/);
      assert.match(compare.dom.querySelector('.govuk-warning-text')?.text ?? '', /cannot be undone/);

      const merged = await advisor.post(`/staff/customers/${keep}/merge/${duplicate}`, {});
      await assertSaved(merged, keep, 'Records merged');
      assert.equal((await customerRow(duplicate)).merged_into, keep);
      const notes = await server.db
        .selectFrom('customer_notes')
        .select('customer_id')
        .where('body', '=', 'Called about bins')
        .execute();
      assert.deepEqual(notes, [{ customer_id: keep }]);
      assert.deepEqual(await auditActions(duplicate), ['customer.create', 'customer.note.add', 'customer.merge']);

      // The old record's pages lead to the record that remains.
      const old = await advisor.get(`/staff/customers/${duplicate}/details`);
      assert.equal(old.status, 303);
      assert.equal(old.location, `/staff/customers/${keep}/details`);
    });

    it('refuses to merge a record with itself or with one already merged, saying so, and changes nothing', async () => {
      const keep = await aCustomer({ givenName: 'Tomos', familyName: 'Rees' });
      const other = await aCustomer({ givenName: 'Tomos', familyName: 'Rhys' });
      const third = await aCustomer({ givenName: 'Tom', familyName: 'Rees' });
      await server.services.customers.merge(systemActor('test'), third, other);

      const self = await advisor.get(`/staff/customers/${keep}/merge/${keep}`);
      assertRefused(self, ['A record cannot be merged with itself. Nothing was changed'], 409);
      assert.equal(self.dom.querySelector('form[method="post"] .govuk-button--warning'), null, 'no merge button');
      const selfPost = await advisor.post(`/staff/customers/${keep}/merge/${keep}`, {});
      assertRefused(selfPost, ['A record cannot be merged with itself. Nothing was changed'], 409);

      const already = await advisor.get(`/staff/customers/${keep}/merge/${other}`);
      assertRefused(already, ['That record has already been merged into another record. Nothing was changed'], 409);
      await advisor.get(`/staff/customers/${keep}/merge`);
      const alreadyPost = await advisor.post(`/staff/customers/${keep}/merge/${other}`, {});
      assertRefused(alreadyPost, ['That record has already been merged into another record. Nothing was changed'], 409);

      assert.equal((await customerRow(keep)).merged_into, null);
      assert.equal((await customerRow(other)).merged_into, third);
      assert.deepEqual(await auditActions(keep), ['customer.create']);
    });
  });

  describe('who may change a record', () => {
    it('hides the pages from a performance analyst and an unconnected partner worker (404)', async () => {
      const id = await aCustomer();
      const analyst = await server.signedIn(await aStaffMember(server.db, { roles: ['performance_analyst'] }));
      const partner = await server.signedIn(
        await aStaffMember(server.db, { roles: ['partner_worker'], organisation: 'west-police' }),
      );
      for (const client of [analyst, partner]) {
        for (const path of ['details', 'contact-details', 'address', 'flags/new', 'consents/new', 'merge']) {
          const page = await client.get(`/staff/customers/${id}/${path}`);
          assert.equal(page.status, 404, path);
        }
        // With a form's token in hand, so that it is the record that refuses them, not CSRF.
        const account = await client.get('/staff/change-password');
        assert.ok(account.dom.querySelector('input[name="_csrf"]'), 'the change-password page has a form');
        const post = await client.post(`/staff/customers/${id}/flags/new`, {
          reason: 'other',
          'reviewOn-day': '1',
          'reviewOn-month': '1',
          'reviewOn-year': '2099',
        });
        assert.equal(post.status, 404);
      }
      assert.deepEqual(await auditActions(id), ['customer.create']);
    });

    it('lets a partner worker the customer shares with read, but not change (403); an officer may not merge', async () => {
      const id = await aCustomer();
      await server.services.customers.addConsent(systemActor('test'), id, {
        organisationId: partnerId,
        shares: ['contact_details', 'needs'],
        givenOn: '2025-01-01',
      });
      const partner = await server.signedIn(
        await aStaffMember(server.db, { roles: ['partner_worker'], organisation: 'west-police' }),
      );
      const page = await partner.get(`/staff/customers/${id}/details`);
      assert.equal(page.status, 403);
      const post = await partner.post(`/staff/customers/${id}/contact-details`, { action: 'add-phone', phone: '01691 123456' });
      assert.equal(post.status, 403);

      const officer = await server.signedIn(await aStaffMember(server.db, { roles: ['officer'] }));
      assert.equal((await officer.get(`/staff/customers/${id}/details`)).status, 200);
      assert.equal((await officer.get(`/staff/customers/${id}/merge`)).status, 403);
      assert.deepEqual(await auditActions(id), ['customer.create', 'customer.consent.add']);
    });

    it('refuses a change sent without the form’s CSRF token', async () => {
      const id = await aCustomer();
      await advisor.get(`/staff/customers/${id}/flags/new`);
      const forged = await advisor.post(
        `/staff/customers/${id}/flags/new`,
        { reason: 'other', 'reviewOn-day': '1', 'reviewOn-month': '1', 'reviewOn-year': '2099' },
        { csrf: false },
      );
      assert.equal(forged.status, 403);
      const merged = await advisor.post(`/staff/customers/${id}/merge/${await aCustomer()}`, {}, { csrf: false });
      assert.equal(merged.status, 403);
      assert.deepEqual(await auditActions(id), ['customer.create']);
    });
  });
});
