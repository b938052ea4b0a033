// Logging a contact from the staff desktop, from outside over real HTTP: the form, what it
// writes, the error summary, the redirects, and who may use it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { findFirstCouncil } from '../../src/organisations/repo.ts';
import { aPartnerAgency, aStaffMember } from '../support/builders.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { Page, WebClient } from '../support/web.ts';

describe('logging a contact from the staff desktop', () => {
  let server: TestServer;
  let councilId: string;
  let advisorId: string;
  let advisor: WebClient;
  let janeId: string;
  let mergedId: string;
  let townHallId: string;
  let libraryId: string;
  let policeId: string;

  before(async () => {
    server = await startTestServer();
    councilId = (await findFirstCouncil(server.db))!.id;
    policeId = await aPartnerAgency(server.db, 'police', 'Borough Police');
    const person = await aStaffMember(server.db, { roles: ['advisor'], name: 'Alex Advisor' });
    advisorId = person.id;
    advisor = await server.signedIn(person);
    janeId = await aCustomer('Jane', 'Smith');
    mergedId = await aCustomer('Janet', 'Smith', janeId);
    townHallId = await aSite('town-hall', 'Town Hall');
    libraryId = await aSite('library', 'Central Library');
  });
  after(() => server.close());

  async function aCustomer(givenName: string, familyName: string, mergedInto?: string): Promise<string> {
    const row = await server.db
      .insertInto('customers')
      .values({
        council_id: councilId,
        kind: 'person',
        given_name: givenName,
        family_name: familyName,
        ...(mergedInto ? { merged_into: mergedInto, merged_at: new Date() } : {}),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async function aSite(code: string, name: string): Promise<string> {
    const row = await server.db
      .insertInto('sites')
      .values({ organisation_id: councilId, code, name, kind: 'one_stop_shop' })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async function contactCount(): Promise<number> {
    const row = await server.db
      .selectNoFrom(sql<number>`(select count(*)::int from contacts)`.as('count'))
      .executeTakeFirstOrThrow();
    return row.count;
  }

  async function latestContact() {
    return await server.db.selectFrom('contacts').selectAll().orderBy('created_at', 'desc').limit(1).executeTakeFirstOrThrow();
  }

  /** The form's own fields as the page gave them (the hidden start, the customer), plus `fields`. */
  function formOf(page: Page, fields: Record<string, string>): Record<string, string> {
    const hidden: Record<string, string> = {};
    for (const input of page.dom.querySelectorAll('form[action="/staff/contacts"] input[type="hidden"]')) {
      const name = input.getAttribute('name');
      if (name && name !== '_csrf') hidden[name] = input.getAttribute('value') ?? '';
    }
    return { ...hidden, ...fields };
  }

  const selectedValue = (page: Page, name: string) =>
    page.dom.querySelector(`select[name="${name}"] option[selected]`)?.getAttribute('value') ?? '';

  it('offers an anonymous contact form with every channel and outcome, and a start time from the server', async () => {
    const page = await advisor.get('/staff/contacts/new');
    assert.equal(page.status, 200);
    assert.equal(page.heading, 'Log a contact');
    assert.match(page.dom.querySelector('#contact-with')?.text ?? '', /Anonymous contact/);
    const startedAt = page.dom.querySelector('input[name="startedAt"]')?.getAttribute('value') ?? '';
    assert.ok(!Number.isNaN(Date.parse(startedAt)), `startedAt "${startedAt}" is a time`);
    assert.equal(page.dom.querySelectorAll('input[name="channel"]').length, 9);
    assert.equal(page.dom.querySelectorAll('input[name="outcome"]').length, 5);
    assert.match(page.dom.querySelector('label[for="channel-6"]')?.text ?? '', /Mobile bus/);
    // The partner list is in the page, under "signposted", for browsers without JavaScript too.
    assert.ok(page.dom.querySelector('.govuk-radios__conditional select[name="signpostedTo"]'));
    assert.ok(page.dom.querySelector(`select[name="signpostedTo"] option[value="${policeId}"]`));
    // The timer is hidden until the script starts it, and is not read out every second.
    const timer = page.dom.querySelector('[data-contact-timer]');
    assert.ok(timer?.hasAttribute('hidden'));
    assert.equal(page.dom.querySelector('[role="timer"]')?.getAttribute('aria-live'), 'off');
    assert.ok(page.dom.querySelectorAll('.moj-primary-navigation__link').some((link) => link.text.trim() === 'Log a contact'));
  });

  it('logs an anonymous phone call and comes back to a fresh form saying so', async () => {
    const before = await contactCount();
    const form = await advisor.get('/staff/contacts/new');
    const posted = await advisor.post(
      '/staff/contacts',
      formOf(form, { channel: 'phone', outcome: 'resolved_first_contact', serviceCode: 'missed-bin', notes: 'Bin missed' }),
    );
    assert.equal(posted.status, 303);
    assert.equal(posted.location, '/staff/contacts/new');
    assert.equal(await contactCount(), before + 1);
    const row = await latestContact();
    assert.equal(row.customer_id, null);
    assert.equal(row.channel, 'phone');
    assert.equal(row.service_code, 'missed-bin');
    assert.equal(row.notes, 'Bin missed');
    assert.equal(row.recorded_by, advisorId);
    assert.equal(row.council_id, councilId);
    assert.ok(row.ended_at.getTime() >= row.started_at.getTime());
    const next = await advisor.follow(posted);
    assert.match(next.dom.querySelector('.govuk-notification-banner')?.text ?? '', /Contact logged/);
  });

  it('shows who the contact is with, and after logging goes to that customer’s page', async () => {
    const form = await advisor.get(`/staff/contacts/new?customer=${janeId}`);
    assert.equal(form.status, 200);
    assert.match(form.dom.querySelector('#contact-with')?.text ?? '', /Contact with Jane Smith/);
    const posted = await advisor.post('/staff/contacts', formOf(form, { channel: 'email', outcome: 'case_raised' }));
    assert.equal(posted.status, 303);
    assert.equal(posted.location, `/staff/customers/${janeId}`);
    const row = await latestContact();
    assert.equal(row.customer_id, janeId);
    assert.equal(row.outcome, 'case_raised');
  });

  it('answers 404 for a customer merged into another, or no customer at all', async () => {
    assert.equal((await advisor.get(`/staff/contacts/new?customer=${mergedId}`)).status, 404);
    assert.equal((await advisor.get('/staff/contacts/new?customer=nobody')).status, 404);
    const form = await advisor.get('/staff/contacts/new');
    const before = await contactCount();
    const posted = await advisor.post(
      '/staff/contacts',
      formOf(form, { customerId: mergedId, channel: 'phone', outcome: 'resolved_first_contact' }),
    );
    assert.equal(posted.status, 404);
    assert.equal(await contactCount(), before);
  });

  it('shows what is missing in an error summary, keeping what was typed, and writes nothing', async () => {
    const before = await contactCount();
    const form = await advisor.get(`/staff/contacts/new?customer=${janeId}`);
    const startedAt = form.dom.querySelector('input[name="startedAt"]')?.getAttribute('value');
    const page = await advisor.post(
      '/staff/contacts',
      formOf(form, { serviceCode: 'council-tax', notes: 'Asked about <b>bands</b>' }),
    );
    assert.equal(page.status, 400);
    assert.deepEqual(page.errorSummary, ['Select how they got in touch', 'Select the outcome']);
    assert.match(page.dom.querySelector('title')?.text ?? '', /^Error: Log a contact/);
    assert.equal(page.dom.querySelector('.govuk-error-summary a')?.getAttribute('href'), '#channel');
    assert.equal(page.dom.querySelector('input[name="serviceCode"]')?.getAttribute('value'), 'council-tax');
    assert.equal(page.dom.querySelector('textarea[name="notes"]')?.text, 'Asked about <b>bands</b>');
    assert.match(page.dom.querySelector('#contact-with')?.text ?? '', /Jane Smith/);
    // The contact's clock keeps running from when the page was first drawn.
    assert.equal(page.dom.querySelector('input[name="startedAt"]')?.getAttribute('value'), startedAt);
    assert.equal(await contactCount(), before);
  });

  it('asks for the site of a face-to-face visit and for the partner of a signposting', async () => {
    const before = await contactCount();
    const form = await advisor.get('/staff/contacts/new');
    const page = await advisor.post('/staff/contacts', formOf(form, { channel: 'face_to_face', outcome: 'signposted' }));
    assert.equal(page.status, 400);
    assert.deepEqual(page.errorSummary, [
      'Select the partner organisation you signposted them to',
      'Select the site where the contact happened',
    ]);
    assert.ok(page.dom.querySelector('input[name="outcome"][value="signposted"]')?.hasAttribute('checked'));
    assert.equal(await contactCount(), before);

    const done = await advisor.post(
      '/staff/contacts',
      formOf(page, { channel: 'face_to_face', outcome: 'signposted', signpostedTo: policeId, siteId: libraryId }),
    );
    assert.equal(done.status, 303);
    const row = await latestContact();
    assert.equal(row.signposted_to, policeId);
    assert.equal(row.site_id, libraryId);
  });

  it('offers the site of the last contact again on the next form', async () => {
    const first = await advisor.get('/staff/contacts/new');
    const posted = await advisor.post(
      '/staff/contacts',
      formOf(first, { channel: 'kiosk', outcome: 'resolved_first_contact', siteId: townHallId }),
    );
    assert.equal(posted.status, 303);
    const next = await advisor.follow(posted);
    assert.equal(selectedValue(next, 'siteId'), townHallId);
    // Another person's session remembers nothing.
    const other = await server.signedIn(await aStaffMember(server.db, { roles: ['officer'] }));
    assert.equal(selectedValue(await other.get('/staff/contacts/new'), 'siteId'), '');
  });

  it('refuses a start time in the future, and starts the clock again', async () => {
    const before = await contactCount();
    const form = await advisor.get('/staff/contacts/new');
    const tomorrow = new Date(Date.now() + 24 * 3_600_000).toISOString();
    const page = await advisor.post(
      '/staff/contacts',
      formOf(form, { channel: 'phone', outcome: 'abandoned', startedAt: tomorrow }),
    );
    assert.equal(page.status, 400);
    assert.ok(page.errorSummary.includes('A contact cannot start in the future'), page.errorSummary.join('; '));
    assert.notEqual(page.dom.querySelector('input[name="startedAt"]')?.getAttribute('value'), tomorrow);
    assert.equal(page.dom.querySelector('input[name="outcome"][value="abandoned"]')?.hasAttribute('checked'), true);
    assert.equal(await contactCount(), before);
  });

  it('refuses a post without the form’s CSRF token', async () => {
    const before = await contactCount();
    const form = await advisor.get('/staff/contacts/new');
    const page = await advisor.post('/staff/contacts', formOf(form, { channel: 'phone', outcome: 'abandoned' }), {
      csrf: false,
    });
    assert.equal(page.status, 403);
    assert.equal(await contactCount(), before);
  });

  it('lets a partner agency’s worker log an anonymous contact for the council', async () => {
    const worker = await server.signedIn(await aStaffMember(server.db, { roles: ['partner_worker'], organisation: 'police' }));
    const form = await worker.get('/staff/contacts/new');
    assert.equal(form.status, 200);
    const posted = await worker.post('/staff/contacts', formOf(form, { channel: 'phone', outcome: 'transferred' }));
    assert.equal(posted.status, 303);
    assert.equal((await latestContact()).council_id, councilId);
  });

  for (const role of ['performance_analyst', 'dpo'] as const) {
    it(`keeps the ${role.replace('_', ' ')} from logging contacts`, async () => {
      const before = await contactCount();
      const person = await server.signedIn(await aStaffMember(server.db, { roles: [role] }));
      const home = await person.get('/staff');
      assert.ok(!home.dom.querySelectorAll('.moj-primary-navigation__link').some((link) => link.text.includes('Log a contact')));
      assert.equal((await person.get('/staff/contacts/new')).status, 403);
      // A page of their own gives a good CSRF token: the refusal is the policy's, not the token's.
      await person.get('/staff/change-password');
      const posted = await person.post('/staff/contacts', {
        channel: 'phone',
        outcome: 'resolved_first_contact',
        startedAt: new Date().toISOString(),
      });
      assert.equal(posted.status, 403);
      assert.equal(posted.heading, 'You do not have permission to see this page');
      assert.equal(await contactCount(), before);
    });
  }

  it('sends someone signed out to sign in', async () => {
    const page = await server.client().get('/staff/contacts/new');
    assert.equal(page.status, 303);
    assert.match(page.location ?? '', /^\/staff\/sign-in/);
  });

  it('speaks Welsh', async () => {
    const reader = await server.signedIn(await aStaffMember(server.db, { roles: ['advisor'] }));
    const page = await reader.follow(await reader.get('/staff/contacts/new?lang=cy'));
    assert.equal(page.heading, 'Cofnodi cyswllt');
    assert.match(page.dom.querySelector('label[for="channel"]')?.text ?? '', /Ffôn/);
  });
});
