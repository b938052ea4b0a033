// The closure days page over real HTTP: an administrator adds a day (a GOV.UK date input and a
// reason) and removes one; bad dates, past days and a day already closed are refused with an
// error summary and nothing saved; team leaders only read; nobody touches another organisation's.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findFirstCouncil } from '../../src/organisations/repo.ts';
import { systemActor } from '../../src/platform/actor.ts';
import { todayInLondon } from '../../src/platform/forms.ts';
import { addCalendarDays } from '../../src/services/calendar.ts';
import { aPartnerAgency, aStaffMember } from '../support/builders.ts';
import { ADMIN, startTestServer, type TestServer } from '../support/server.ts';
import type { WebClient } from '../support/web.ts';

const PAGE = '/staff/admin/closures';

/** The three boxes of the date input for an ISO date. */
const dateFields = (date: string) => ({
  'date-day': String(Number(date.slice(8, 10))),
  'date-month': String(Number(date.slice(5, 7))),
  'date-year': date.slice(0, 4),
});

describe('the closure days page', () => {
  let server: TestServer;
  let admin: WebClient;
  let councilId: string;
  // Dates relative to the day the test runs, as the page judges them.
  const today = todayInLondon();
  const inAMonth = addCalendarDays(today, 30);

  before(async () => {
    server = await startTestServer();
    admin = await server.signedIn(ADMIN);
    councilId = (await findFirstCouncil(server.db))!.id;
  });
  after(() => server.close());

  const closuresOf = async (organisationId: string) =>
    await server.db
      .selectFrom('organisation_closures')
      .select(['id', 'date', 'reason'])
      .where('organisation_id', '=', organisationId)
      .orderBy('date')
      .execute();

  it('adds a closure day and lists it, with the bank holidays of the next 12 months beneath', async () => {
    const page = await admin.get(PAGE);
    assert.equal(page.status, 200);
    assert.equal(page.heading, 'Closure days');
    assert.ok(page.dom.querySelector('input[name="date-day"]'), 'a GOV.UK date input');
    // The shipped bank holidays between today and a year from now (none once the shipped years have passed).
    const yearAhead = await server.db
      .selectFrom('bank_holidays')
      .select('date')
      .where('division', '=', 'england-and-wales')
      .where('date', '>=', today)
      .where('date', '<', addCalendarDays(today, 365))
      .execute();
    const holidayRows = page.dom.querySelectorAll('table').filter((table) => table.text.includes('Bank holiday'));
    assert.equal(holidayRows.at(-1)?.querySelectorAll('tbody tr').length ?? 0, yearAhead.length, 'the year’s bank holidays');

    const added = await admin.post(PAGE, { ...dateFields(inAMonth), reason: 'Staff training day' });
    assert.equal(added.status, 303, added.errorSummary.join('; '));
    assert.equal(added.location, PAGE);
    const after = await admin.follow(added);
    assert.ok(after.html.includes('The closure day has been added.'));
    const upcoming = after.dom.querySelector('table')!;
    assert.ok(upcoming.text.includes('Staff training day'));
    assert.ok(upcoming.querySelector(`form[action^="${PAGE}/"] button`), 'with a button to remove it');
    assert.deepEqual(
      (await closuresOf(councilId)).map(({ date, reason }) => ({ date, reason })),
      [{ date: inAMonth, reason: 'Staff training day' }],
    );
  });

  it('refuses a date that is not a date, says so in the error summary, and saves nothing', async () => {
    const before = await closuresOf(councilId);
    await admin.get(PAGE);
    const page = await admin.post(PAGE, { 'date-day': '31', 'date-month': '2', 'date-year': '2027', reason: 'Not a day' });
    assert.equal(page.status, 400);
    assert.match(page.dom.querySelector('title')?.text ?? '', /^Error:/);
    assert.deepEqual(page.errorSummary, ['The date of the closure must be a real date']);
    assert.equal(page.dom.querySelector('.govuk-error-summary a')?.getAttribute('href'), '#date-day');
    assert.equal(page.dom.querySelector('input[name="date-day"]')?.getAttribute('value'), '31', 'what was typed is kept');
    assert.equal(page.dom.querySelector('input[name="reason"]')?.getAttribute('value'), 'Not a day');

    const incomplete = await admin.post(PAGE, { 'date-day': '4', 'date-month': '', 'date-year': '2027', reason: '' });
    assert.equal(incomplete.status, 400);
    assert.deepEqual(incomplete.errorSummary, [
      'The date of the closure must include a day, month and year',
      'Enter the reason for the closure',
    ]);
    assert.deepEqual(await closuresOf(councilId), before);
  });

  it('refuses a day in the past and a day already closed', async () => {
    const before = await closuresOf(councilId);
    await admin.get(PAGE);
    const past = await admin.post(PAGE, { ...dateFields(addCalendarDays(today, -7)), reason: 'Last week' });
    assert.equal(past.status, 400);
    assert.deepEqual(past.errorSummary, ['The date of the closure must be today or in the future']);
    const twice = await admin.post(PAGE, { ...dateFields(inAMonth), reason: 'Again' });
    assert.equal(twice.status, 400);
    assert.deepEqual(twice.errorSummary, ['There is already a closure on that date']);
    assert.deepEqual(await closuresOf(councilId), before);
  });

  it('removes a closure day', async () => {
    const date = addCalendarDays(today, 45);
    const { id } = await server.services.calendar.addClosure(systemActor('test'), {
      organisationId: councilId,
      date,
      reason: 'Moving offices',
    });
    await admin.get(PAGE);
    const removed = await admin.post(`${PAGE}/${id}/remove`, {});
    assert.equal(removed.status, 303);
    const after = await admin.follow(removed);
    assert.ok(after.html.includes('The closure day has been removed.'));
    assert.ok(!after.html.includes('Moving offices'));
    assert.equal(
      (await closuresOf(councilId)).find((closure) => closure.id === id),
      undefined,
    );
  });

  it('refuses to remove a closure without the form’s CSRF token', async () => {
    const [closure] = await closuresOf(councilId);
    const page = await admin.post(`${PAGE}/${closure!.id}/remove`, { _csrf: 'forged' });
    assert.equal(page.status, 403);
    assert.ok((await closuresOf(councilId)).some((row) => row.id === closure!.id));
  });

  it('does not let an administrator remove another organisation’s closure day', async () => {
    const partnerId = await aPartnerAgency(server.db, 'closures-police', 'Closures Police');
    const { id } = await server.services.calendar.addClosure(systemActor('test'), {
      organisationId: partnerId,
      date: inAMonth,
      reason: 'Police open day',
    });
    const list = await admin.get(PAGE);
    assert.ok(!list.html.includes('Police open day'));
    const refused = await admin.post(`${PAGE}/${id}/remove`, {});
    assert.equal(refused.status, 404);
    assert.equal((await closuresOf(partnerId)).length, 1);

    const partnerAdmin = await server.signedIn(
      await aStaffMember(server.db, { roles: ['admin'], organisation: 'closures-police' }),
    );
    const own = await partnerAdmin.get(PAGE);
    assert.ok(own.html.includes('Police open day'));
    assert.ok(!own.html.includes('Staff training day'), 'not the council’s');
  });

  it('lets team leaders read the closure days but not change them', async () => {
    const teamLeader = await server.signedIn(await aStaffMember(server.db, { roles: ['team_leader'] }));
    const page = await teamLeader.get(PAGE);
    assert.equal(page.status, 200);
    assert.ok(page.html.includes('Staff training day'));
    assert.equal(page.dom.querySelector('input[name="reason"]'), null, 'no form to add one');
    assert.equal(page.dom.querySelector(`form[action^="${PAGE}/"]`), null, 'no buttons to remove one');
    await teamLeader.get('/staff/change-password'); // a page with a form, for its CSRF token
    const refused = await teamLeader.post(PAGE, { ...dateFields(addCalendarDays(today, 60)), reason: 'Team away day' });
    assert.equal(refused.status, 403);
    const [closure] = await closuresOf(councilId);
    assert.equal((await teamLeader.post(`${PAGE}/${closure!.id}/remove`, {})).status, 403);
    assert.equal((await closuresOf(councilId)).length, 1);
  });

  it('is not open to other roles', async () => {
    const others = await server.signedIn(
      await aStaffMember(server.db, { roles: ['advisor', 'officer', 'complaints_officer', 'performance_analyst', 'dpo'] }),
    );
    assert.equal((await others.get(PAGE)).status, 403);
    await others.get('/staff/change-password');
    const refused = await others.post(PAGE, { ...dateFields(addCalendarDays(today, 61)), reason: 'Sneaky' });
    assert.equal(refused.status, 403);
    const [closure] = await closuresOf(councilId);
    assert.equal((await others.post(`${PAGE}/${closure!.id}/remove`, {})).status, 403);
    assert.equal((await closuresOf(councilId)).length, 1);
  });

  it('speaks Welsh', async () => {
    const page = await admin.follow(await admin.get(`${PAGE}?lang=cy`));
    assert.equal(page.status, 200);
    assert.equal(page.heading, 'Diwrnodau cau');
    const refused = await admin.post(PAGE, { 'date-day': '', 'date-month': '', 'date-year': '', reason: 'Dim' });
    assert.deepEqual(refused.errorSummary, ['Rhowch ddyddiad y cau']);
    await admin.follow(await admin.get(`${PAGE}?lang=en`));
  });
});
