// Setting up appointments over real HTTP: an administrator adds a one-stop shop, its opening
// hours, a closure day and a counter, and makes a catalogue service take appointments there, which
// makes its slots. Bad input comes back with the GOV.UK error summary and saves nothing; people
// who are not the council's administrators are refused, and another council's site is not found.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findFirstCouncil, insertOrganisation } from '../../src/organisations/repo.ts';
import { todayInLondon } from '../../src/platform/forms.ts';
import { addCalendarDays } from '../../src/services/calendar.ts';
import { aPartnerAgency, aService, aStaffMember, aTeam } from '../support/builders.ts';
import { ADMIN, startTestServer, type TestServer } from '../support/server.ts';
import type { WebClient } from '../support/web.ts';

const SITES = '/staff/appointments/sites';
const SERVICES = '/staff/appointments/services';

/** The three boxes of the closure's date input for an ISO date. */
const closureDate = (date: string) => ({
  'closure-date-day': String(Number(date.slice(8, 10))),
  'closure-date-month': String(Number(date.slice(5, 7))),
  'closure-date-year': date.slice(0, 4),
});

const shop = {
  kind: 'one_stop_shop',
  name: 'Oswestry one-stop shop',
  nameCy: 'Siop un stop Croesoswallt',
  addressLine1: '1 Bailey Head',
  town: 'Oswestry',
  postcode: 'sy11 1pz',
  noShowGraceMinutes: '15',
};

describe('the appointment set-up pages', () => {
  let server: TestServer;
  let admin: WebClient;
  let councilId: string;
  let serviceId: string;
  let shopId: string;
  const today = todayInLondon();

  before(async () => {
    server = await startTestServer();
    admin = await server.signedIn(ADMIN);
    councilId = (await findFirstCouncil(server.db))!.id;
    const team = await aTeam(server.db, { organisationId: councilId, code: 'registrars', name: 'Registrars' });
    serviceId = await aService(server.db, {
      councilId,
      teamId: team,
      code: 'register-a-birth',
      name: 'Register a birth',
      slaWorkingDays: 5,
    });
  });
  after(() => server.close());

  const count = async (table: 'sites' | 'site_hours' | 'site_closures' | 'site_counters' | 'appointment_services') =>
    Number(
      (
        await server.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('is reached from the staff desktop’s navigation by an administrator', async () => {
    const home = await admin.get('/staff');
    const link = home.dom.querySelectorAll('nav a').find((a) => a.text.trim() === 'Appointment set-up');
    assert.equal(link?.getAttribute('href'), SITES);
    const page = await admin.get(SITES);
    assert.equal(page.status, 200);
    assert.equal(page.heading, 'Sites');
    assert.ok(page.html.includes('There are no sites yet.'));
  });

  it('refuses a site with no kind, no name and a bad postcode, saying so, and saves nothing', async () => {
    await admin.get(`${SITES}/new`);
    const page = await admin.post(SITES, { ...shop, kind: '', name: ' ', postcode: 'SY99 ZZZ', noShowGraceMinutes: '200' });
    assert.equal(page.status, 400);
    assert.match(page.dom.querySelector('title')?.text ?? '', /^Error:/);
    assert.deepEqual(page.errorSummary, [
      'Select what kind of site it is',
      'Enter the name of the site',
      'Enter a real postcode, like SY11 1PZ',
      'Enter a whole number of minutes from 5 to 120',
    ]);
    assert.deepEqual(
      page.dom.querySelectorAll('.govuk-error-summary a').map((a) => a.getAttribute('href')),
      ['#kind', '#name', '#postcode', '#noShowGraceMinutes'],
    );
    assert.equal(page.dom.querySelector('input[name="postcode"]')?.getAttribute('value'), 'SY99 ZZZ', 'what was typed is kept');
    assert.equal(await count('sites'), 0);
  });

  it('adds a one-stop shop, its opening hours, a closure day and a counter', async () => {
    const created = await admin.post(SITES, shop);
    assert.equal(created.status, 303, created.errorSummary.join('; '));
    shopId = created.location!.split('/').pop()!;
    const page = await admin.follow(created);
    assert.equal(page.heading, 'Oswestry one-stop shop');
    assert.ok(page.html.includes('The site has been added.'));
    assert.ok(page.html.includes('1 Bailey Head, Oswestry, SY11 1PZ'));

    const hours = await admin.post(`${SITES}/${shopId}/sessions`, { weekday: '1', opens: '9:00', closes: '12:30' });
    assert.equal(hours.status, 303, hours.errorSummary.join('; '));
    assert.equal(hours.location, `${SITES}/${shopId}#sessions`);
    const afternoon = await admin.post(`${SITES}/${shopId}/sessions`, { weekday: '1', opens: '13:30', closes: '16:00' });
    assert.equal(afternoon.status, 303);
    const withHours = await admin.follow(afternoon);
    const rows = withHours.dom.querySelectorAll('#sessions ~ table tbody tr').map((row) =>
      row
        .querySelectorAll('td')
        .slice(0, 3)
        .map((cell) => cell.text.trim()),
    );
    assert.deepEqual(rows.slice(0, 2), [
      ['Monday', '09:00', '12:30'],
      ['Monday', '13:30', '16:00'],
    ]);

    const closure = addCalendarDays(today, 10);
    const closed = await admin.post(`${SITES}/${shopId}/closures`, { ...closureDate(closure), reason: 'Staff training' });
    assert.equal(closed.status, 303, closed.errorSummary.join('; '));
    assert.ok((await admin.follow(closed)).html.includes('Staff training'));

    const counter = await admin.post(`${SITES}/${shopId}/counters`, { name: 'Desk 1' });
    assert.equal(counter.status, 303);
    const withCounter = await admin.follow(counter);
    assert.ok(withCounter.html.includes('The counter has been added.'));
    assert.deepEqual(
      await server.db.selectFrom('site_closures').select(['date', 'reason']).where('site_id', '=', shopId).execute(),
      [{ date: closure, reason: 'Staff training' }],
    );
    const audit = await server.db
      .selectFrom('audit_events')
      .select('action')
      .where('record_id', '=', shopId)
      .orderBy('id')
      .execute();
    assert.deepEqual(
      audit.map((row) => row.action),
      ['site.create', 'site.session.add', 'site.session.add', 'site.closure.add', 'site.counter.add'],
    );
  });

  it('refuses overlapping hours, times off the five minutes, a past closure and a counter’s name twice, saving nothing', async () => {
    const before = await Promise.all([count('site_hours'), count('site_closures'), count('site_counters')]);
    await admin.get(`${SITES}/${shopId}`);
    const overlap = await admin.post(`${SITES}/${shopId}/sessions`, { weekday: '1', opens: '12:00', closes: '14:00' });
    assert.equal(overlap.status, 400);
    assert.deepEqual(overlap.errorSummary, ['This overlaps the session from 09:00 to 12:30 that day']);
    assert.equal(overlap.dom.querySelector('.govuk-error-summary a')?.getAttribute('href'), '#session-opens');
    assert.equal(overlap.dom.querySelector('#session-opens')?.getAttribute('value'), '12:00');

    const times = await admin.post(`${SITES}/${shopId}/sessions`, { weekday: '', opens: '09:03', closes: '08:00' });
    assert.deepEqual(times.errorSummary, ['Select a day', 'Enter a time in steps of 5 minutes, like 09:05']);

    const backwards = await admin.post(`${SITES}/${shopId}/sessions`, { weekday: '2', opens: '17:00', closes: '09:00' });
    assert.deepEqual(backwards.errorSummary, ['The closing time must be after the opening time']);

    const past = await admin.post(`${SITES}/${shopId}/closures`, {
      ...closureDate(addCalendarDays(today, -1)),
      reason: 'Yesterday',
    });
    assert.equal(past.status, 400);
    assert.deepEqual(past.errorSummary, ['The date of the closure must be today or in the future']);
    assert.equal(past.dom.querySelector('.govuk-error-summary a')?.getAttribute('href'), '#closure-date-day');
    const notADate = await admin.post(`${SITES}/${shopId}/closures`, {
      'closure-date-day': '31',
      'closure-date-month': '2',
      'closure-date-year': '',
      reason: '',
    });
    assert.deepEqual(notADate.errorSummary, [
      'The date of the closure must include a day, month and year',
      'Enter the reason for the closure',
    ]);

    const twice = await admin.post(`${SITES}/${shopId}/counters`, { name: 'desk 1' });
    assert.equal(twice.status, 400);
    assert.deepEqual(twice.errorSummary, ['There is already a counter with that name at this site']);
    assert.equal(twice.dom.querySelector('.govuk-error-summary a')?.getAttribute('href'), '#counter-name');

    assert.deepEqual(await Promise.all([count('site_hours'), count('site_closures'), count('site_counters')]), before);
  });

  it('keeps the bus’s timetable of stops, each with its place', async () => {
    await admin.get(`${SITES}/new`);
    const created = await admin.post(SITES, { kind: 'mobile_bus', name: 'The council bus', noShowGraceMinutes: '10' });
    assert.equal(created.status, 303, created.errorSummary.join('; '));
    const busPage = await admin.follow(created);
    assert.equal(busPage.dom.querySelector('#sessions')?.text.trim(), 'Timetable of stops');
    const busId = created.location!.split('/').pop()!;
    const noPlace = await admin.post(`${SITES}/${busId}/sessions`, { weekday: '3', opens: '10:00', closes: '12:00' });
    assert.deepEqual(noPlace.errorSummary, ['Enter where the bus stops']);
    const stop = await admin.post(`${SITES}/${busId}/sessions`, {
      weekday: '3',
      opens: '10:00',
      closes: '12:00',
      place: 'Market Square, Ellesmere',
    });
    assert.equal(stop.status, 303);
    assert.ok((await admin.follow(stop)).html.includes('Market Square, Ellesmere'));
  });

  it('changes a site’s details and renames and takes a counter out of use', async () => {
    await admin.get(`${SITES}/${shopId}/edit`);
    const refused = await admin.post(`${SITES}/${shopId}/edit`, { ...shop, addressLine1: '', active: 'yes' });
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.errorSummary, ['Enter the building and street of the one-stop shop']);
    const changed = await admin.post(`${SITES}/${shopId}/edit`, {
      ...shop,
      name: 'Oswestry Library one-stop shop',
      active: 'yes',
    });
    assert.equal(changed.status, 303);
    assert.equal((await admin.follow(changed)).heading, 'Oswestry Library one-stop shop');

    const [counter] = await server.db.selectFrom('site_counters').select('id').where('site_id', '=', shopId).execute();
    const form = await admin.get(`${SITES}/${shopId}/counters/${counter!.id}`);
    assert.equal(form.heading, 'Rename Desk 1');
    const renamed = await admin.post(`${SITES}/${shopId}/counters/${counter!.id}`, { name: 'Interview room' });
    assert.equal(renamed.status, 303);
    await admin.follow(renamed);
    const off = await admin.post(`${SITES}/${shopId}/counters/${counter!.id}/deactivate`, {});
    assert.equal(off.status, 303);
    assert.ok((await admin.follow(off)).html.includes('Not in use'));
    assert.deepEqual(
      await server.db.selectFrom('site_counters').select(['name', 'active']).where('site_id', '=', shopId).execute(),
      [{ name: 'Interview room', active: false }],
    );
  });

  it('makes a catalogue service take appointments at the shop, which makes its slots', async () => {
    const list = await admin.get(SERVICES);
    assert.equal(list.heading, 'Services that take appointments');
    assert.ok(list.dom.querySelector(`#serviceId option[value="${serviceId}"]`), 'offered to set up');
    const nothingChosen = await admin.get(`${SERVICES}/set-up?serviceId=`);
    assert.equal(nothingChosen.status, 400);
    assert.deepEqual(nothingChosen.errorSummary, ['Select a service']);
    const chosen = await admin.get(`${SERVICES}/set-up?serviceId=${serviceId}`);
    assert.equal(chosen.location, `${SERVICES}/${serviceId}`);
    const form = await admin.follow(chosen);
    assert.equal(form.heading, 'Appointments for Register a birth');

    const bad = await admin.post(`${SERVICES}/${serviceId}`, {
      durationMinutes: '7',
      capacity: '0',
      horizonDays: '400',
      active: 'yes',
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.errorSummary, [
      'Enter a length from 5 to 240 minutes, in steps of 5',
      'Enter how many people a slot holds, from 1 to 50',
      'Enter how many days ahead people can book, from 1 to 366',
      'Select at least one site',
    ]);
    assert.equal(bad.dom.querySelectorAll('.govuk-error-summary a').at(-1)?.getAttribute('href'), '#siteIds-0');
    assert.equal(await count('appointment_services'), 0);

    const saved = await admin.post(`${SERVICES}/${serviceId}`, {
      durationMinutes: '30',
      capacity: '2',
      horizonDays: '14',
      siteIds: [shopId],
      active: 'yes',
    });
    assert.equal(saved.status, 303, saved.errorSummary.join('; '));
    const after = await admin.follow(saved);
    assert.ok(after.html.includes('The appointment settings have been saved.'));
    const row = after.dom.querySelectorAll('tbody tr').find((tr) => tr.text.includes('Register a birth'));
    assert.ok(row?.text.includes('30 minutes'));
    assert.ok(row?.text.includes('Oswestry Library one-stop shop'));
    assert.ok(row?.text.includes('Any advisor'));
    const sitePage = await admin.get(`${SITES}/${shopId}`);
    assert.deepEqual(
      sitePage.dom.querySelectorAll('#services + ul a').map((a) => a.text.trim()),
      ['Register a birth'],
      'the site lists what can be booked there',
    );

    const slots = await server.db
      .selectFrom('appointment_slots')
      .select(['starts_at', 'capacity'])
      .where('site_id', '=', shopId)
      .where('service_id', '=', serviceId)
      .execute();
    assert.ok(slots.length > 0, 'slots on the coming Mondays');
    assert.ok(slots.every((slot) => slot.capacity === 2));
    const closure = addCalendarDays(today, 10);
    const londonDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' });
    assert.ok(!slots.some((slot) => londonDay.format(slot.starts_at) === closure), 'none on the closure day');
  });

  it('refuses people who are not the council’s administrators', async () => {
    const before = await Promise.all([count('sites'), count('site_hours'), count('appointment_services')]);
    const others = await server.signedIn(
      await aStaffMember(server.db, { roles: ['advisor', 'officer', 'team_leader', 'performance_analyst', 'dpo'] }),
    );
    const home = await others.get('/staff');
    assert.ok(!home.dom.querySelectorAll('nav a').some((a) => a.getAttribute('href') === SITES), 'no link to it');
    for (const path of [SITES, `${SITES}/new`, `${SITES}/${shopId}`, SERVICES, `${SERVICES}/${serviceId}`])
      assert.equal((await others.get(path)).status, 403, path);
    await others.get('/staff/change-password'); // a page with a form, for its CSRF token
    assert.equal((await others.post(SITES, { ...shop, name: 'Sneaky shop' })).status, 403);
    assert.equal(
      (await others.post(`${SITES}/${shopId}/sessions`, { weekday: '2', opens: '09:00', closes: '10:00' })).status,
      403,
    );
    assert.equal(
      (
        await others.post(`${SERVICES}/${serviceId}`, {
          durationMinutes: '60',
          capacity: '1',
          horizonDays: '7',
          siteIds: [shopId],
        })
      ).status,
      403,
    );

    await aPartnerAgency(server.db, 'police', 'West Marches Police');
    const partnerAdmin = await server.signedIn(await aStaffMember(server.db, { roles: ['admin'], organisation: 'police' }));
    assert.equal((await partnerAdmin.get(SITES)).status, 403);
    assert.deepEqual(await Promise.all([count('sites'), count('site_hours'), count('appointment_services')]), before);
  });

  it('does not show or change another council’s site', async () => {
    await insertOrganisation(server.db, { code: 'county', name: 'County Council', kind: 'council', councilId: null });
    const countyAdmin = await server.signedIn(await aStaffMember(server.db, { roles: ['admin'], organisation: 'county' }));
    const list = await countyAdmin.get(SITES);
    assert.equal(list.status, 200);
    assert.ok(!list.html.includes('Oswestry'));
    assert.equal((await countyAdmin.get(`${SITES}/${shopId}`)).status, 404);
    assert.equal((await countyAdmin.get(`${SERVICES}/${serviceId}`)).status, 404);
    const hours = await server.db.selectFrom('site_hours').select('id').where('site_id', '=', shopId).execute();
    await countyAdmin.get(`${SITES}/new`); // a page with a form, for its CSRF token
    assert.equal((await countyAdmin.post(`${SITES}/${shopId}/sessions/${hours[0]!.id}/remove`, {})).status, 404);
    assert.equal((await countyAdmin.post(`${SITES}/${shopId}/edit`, { ...shop, name: 'Ours now' })).status, 404);
    assert.equal(
      (await server.db.selectFrom('site_hours').select('id').where('site_id', '=', shopId).execute()).length,
      hours.length,
    );
  });

  it('refuses a form without its CSRF token', async () => {
    const before = await count('site_hours');
    const page = await admin.post(`${SITES}/${shopId}/sessions`, {
      _csrf: 'forged',
      weekday: '5',
      opens: '09:00',
      closes: '10:00',
    });
    assert.equal(page.status, 403);
    assert.equal(await count('site_hours'), before);
  });

  it('speaks Welsh', async () => {
    const page = await admin.follow(await admin.get(`${SITES}/${shopId}?lang=cy`));
    assert.equal(page.status, 200);
    assert.ok(page.html.includes('Oriau agor'));
    const refused = await admin.post(`${SITES}/${shopId}/sessions`, { weekday: '', opens: '09:00', closes: '10:00' });
    assert.deepEqual(refused.errorSummary, ['Dewiswch ddiwrnod']);
    await admin.follow(await admin.get(`${SITES}?lang=en`));
  });
});
