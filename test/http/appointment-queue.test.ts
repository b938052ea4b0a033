// The kiosk, the queue, the waiting area's screen and the face-to-face figures over real HTTP,
// without JavaScript: checking in twice is one arrival with one ticket; nothing matching says so
// plainly and the same whoever is asked about; a walk-in gets a W ticket; two advisors calling at
// the same moment get two different people, and calling when nobody waits says so; the screen
// shows tickets and counters and no names; the figures page and its CSV (no formulas) open to team
// leaders and analysts; partner agencies' people and those not at the desks are refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { aBookableService, type BookableFixture } from '../support/appointments.ts';
import { aPartnerAgency, aStaffMember, type BuiltStaffMember } from '../support/builders.ts';
import { aCounter, anAppointment, aResident } from '../support/queue.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { findFirstCouncil } from '../../src/organisations/repo.ts';
import { todayInLondon } from '../../src/platform/forms.ts';
import { addCalendarDays, startOfLondonDay } from '../../src/services/calendar.ts';

const TICKET = /Your ticket number is ([AW]\d{3}), please take a seat/;
/** Slots all day, so that an appointment "today" exists whatever the hour the tests run at. */
const ALL_DAY: [number, string, string][] = [1, 2, 3, 4, 5, 6, 7].map((day) => [day, '00:00', '23:30']);

describe('the kiosk, the queue and the screen', () => {
  let server: TestServer;
  let councilId: string;
  let registrars: BookableFixture;
  let other: BookableFixture;
  let deskOne: string;
  let advisor: BuiltStaffMember;
  let secondAdvisor: BuiltStaffMember;
  let teamLeader: BuiltStaffMember;
  let officer: BuiltStaffMember;
  let analyst: BuiltStaffMember;
  let partner: BuiltStaffMember;
  const today = todayInLondon();
  const startOfToday = startOfLondonDay(today);

  before(async () => {
    server = await startTestServer();
    const db = server.db;
    councilId = (await findFirstCouncil(db))!.id;
    // The tests book today, whatever day that is: a bank holiday would close the sites.
    await db.deleteFrom('bank_holidays').where('date', '=', today).execute();
    registrars = await aBookableService(db, { councilId, sessions: ALL_DAY, now: startOfToday, name: 'Register a birth' });
    other = await aBookableService(db, { councilId, sessions: ALL_DAY, now: startOfToday, name: 'Council Tax' });
    deskOne = await aCounter(db, registrars.siteId, 'Desk 1');
    await aCounter(db, registrars.siteId, 'Desk 2');
    advisor = await aStaffMember(db, { roles: ['advisor'], name: 'Alys Advisor' });
    secondAdvisor = await aStaffMember(db, { roles: ['advisor'], name: 'Owain Advisor' });
    teamLeader = await aStaffMember(db, { roles: ['team_leader'], name: 'Tomos Leader' });
    officer = await aStaffMember(db, { roles: ['officer'], name: 'Olwen Officer' });
    analyst = await aStaffMember(db, { roles: ['performance_analyst'], name: 'Anwen Analyst' });
    await aPartnerAgency(db, 'police', 'West Marches Police');
    partner = await aStaffMember(db, { roles: ['partner_worker'], organisation: 'police' });
  });
  after(() => server.close());

  /** A resident's appointment today at the registrars', in the slot `minutes` after midnight (slots start after it). */
  async function appointmentToday(person: { givenName: string; familyName: string; dateOfBirth: string }, minutes: number) {
    const customerId = await aResident(server.db, councilId, person);
    const startsAt = new Date(startOfToday.getTime() + minutes * 60_000);
    return await anAppointment(server.db, registrars, { customerId, startsAt, bookedAt: startOfToday });
  }

  async function emptyQueue() {
    await server.db.updateTable('visits').set({ status: 'finished', finished_at: new Date(), called_at: new Date() }).execute();
  }

  const visitsOf = (appointmentId: string) =>
    server.db.selectFrom('visits').selectAll().where('appointment_id', '=', appointmentId).execute();

  it('checks in by booking reference without JavaScript, once, however often the person tries', async () => {
    const booked = await appointmentToday({ givenName: 'Bethan', familyName: 'Morgan', dateOfBirth: '1985-03-27' }, 30);
    const kiosk = server.client();
    const start = await kiosk.get(`/kiosk/${registrars.siteId}`);
    assert.equal(start.status, 200);
    assert.equal(start.heading, 'Check in for your appointment');
    assert.doesNotMatch(start.html, /<meta[^>]+http-equiv="refresh"/i);
    assert.ok(start.dom.querySelector('input#reference'), 'a box for the reference');
    assert.ok(start.dom.querySelector('a#walk-in[href$="/walk-in"]'), 'a way in without an appointment');

    const typed = booked.reference.toLowerCase().replaceAll('-', ' ');
    const first = await kiosk.post(`/kiosk/${registrars.siteId}`, { by: 'reference', reference: typed });
    assert.equal(first.status, 200);
    const ticket = TICKET.exec(first.dom.text)?.[1];
    assert.match(ticket ?? '', /^A\d{3}$/);
    assert.equal(first.dom.querySelector('#ticket-number')?.text, ticket);
    assert.equal(first.headers.get('cache-control'), 'no-store');

    await kiosk.get(`/kiosk/${registrars.siteId}`);
    const second = await kiosk.post(`/kiosk/${registrars.siteId}`, { by: 'reference', reference: booked.reference });
    assert.equal(TICKET.exec(second.dom.text)?.[1], ticket, 'the same ticket again');
    const visits = await visitsOf(booked.id);
    assert.equal(visits.length, 1);
    assert.equal(visits[0]!.ticket, ticket);
    const appointment = await server.db
      .selectFrom('appointments')
      .select('status')
      .where('id', '=', booked.id)
      .executeTakeFirstOrThrow();
    assert.equal(appointment.status, 'arrived');
  });

  it('checks in by family name and date of birth, and says the same plain thing for anyone it cannot find', async () => {
    await appointmentToday({ givenName: 'Dafydd', familyName: 'Jenkins', dateOfBirth: '1970-01-05' }, 60);
    const kiosk = server.client();
    const form = await kiosk.get(`/kiosk/${registrars.siteId}?by=name`);
    assert.ok(form.dom.querySelector('input#familyName'));
    assert.ok(form.dom.querySelector('input#dateOfBirth-day'));
    const dob = (day: string) => ({ 'dateOfBirth-day': day, 'dateOfBirth-month': '1', 'dateOfBirth-year': '1970' });

    const wrongDate = await kiosk.post(`/kiosk/${registrars.siteId}`, { by: 'name', familyName: 'Jenkins', ...dob('6') });
    const nobody = await kiosk.post(`/kiosk/${registrars.siteId}`, { by: 'name', familyName: 'Nobody-Here', ...dob('5') });
    for (const page of [wrongDate, nobody]) {
      assert.equal(page.status, 200);
      assert.match(page.dom.querySelector('#not-found')?.text ?? '', /We could not find your appointment/);
      assert.doesNotMatch(page.dom.text, /Jenkins|Dafydd|Nobody-Here/, 'nothing typed is said back');
    }
    assert.equal(
      wrongDate.dom.querySelector('#not-found')?.text,
      nobody.dom.querySelector('#not-found')?.text,
      'the same words whether or not the person exists',
    );

    const found = await kiosk.post(`/kiosk/${registrars.siteId}`, { by: 'name', familyName: ' jenkins ', ...dob('05') });
    assert.match(found.dom.text, TICKET);
  });

  it('refuses what cannot be a reference or a date with the error summary', async () => {
    const kiosk = server.client();
    await kiosk.get(`/kiosk/${registrars.siteId}`);
    const refused = await kiosk.post(`/kiosk/${registrars.siteId}`, { by: 'reference', reference: 'hello' });
    assert.equal(refused.status, 400);
    assert.match(refused.html, /<title>Error: /);
    assert.deepEqual(refused.errorSummary, [
      'Enter your booking reference as it is on your confirmation, for example APT-7K4M-2Q9P',
    ]);
    assert.match(refused.html, /href="#reference"/);
    const noDate = await kiosk.post(`/kiosk/${registrars.siteId}`, { by: 'name', familyName: '', 'dateOfBirth-day': '31' });
    assert.deepEqual(noDate.errorSummary, [
      'Enter your last name',
      'Enter your date of birth as a real date, for example 27 3 1985',
    ]);
    assert.match(noDate.html, /href="#dateOfBirth-day"/);
  });

  it('gives a walk-in ticket to someone without an appointment', async () => {
    const kiosk = server.client();
    const page = await kiosk.get(`/kiosk/${registrars.siteId}/walk-in`);
    assert.equal(page.status, 200);
    assert.equal(page.heading.includes('What do you need help with?'), true);
    const choices = page.dom.querySelectorAll('input[name="serviceId"]').map((input) => input.getAttribute('value'));
    assert.deepEqual(choices, [registrars.serviceId, 'something-else']);
    const unchosen = await kiosk.post(`/kiosk/${registrars.siteId}/walk-in`, {});
    assert.equal(unchosen.status, 400);
    assert.deepEqual(unchosen.errorSummary, ['Select what you need help with']);
    const ticket = await kiosk.post(`/kiosk/${registrars.siteId}/walk-in`, { serviceId: registrars.serviceId });
    assert.match(TICKET.exec(ticket.dom.text)?.[1] ?? '', /^W\d{3}$/);
    const elsewhere = await kiosk.post(`/kiosk/${registrars.siteId}/walk-in`, { serviceId: other.serviceId });
    assert.equal(elsewhere.status, 400, 'a service the site does not give');
  });

  it('answers "not found" for a site that does not exist or is closed', async () => {
    const kiosk = server.client();
    assert.equal((await kiosk.get('/kiosk/not-a-site')).status, 404);
    assert.equal((await kiosk.get('/kiosk/00000000-0000-4000-8000-000000000000')).status, 404);
    assert.equal((await kiosk.get('/display/00000000-0000-4000-8000-000000000000')).status, 404);
    await server.db.updateTable('sites').set({ active: false }).where('id', '=', other.siteId).execute();
    try {
      assert.equal((await kiosk.get(`/kiosk/${other.siteId}`)).status, 404);
    } finally {
      await server.db.updateTable('sites').set({ active: true }).where('id', '=', other.siteId).execute();
    }
  });

  it('takes the next person back to a fresh form when the kiosk’s form expired while it stood idle', async () => {
    const kiosk = server.client();
    await kiosk.get(`/kiosk/${registrars.siteId}`);
    const stale = await kiosk.post(`/kiosk/${registrars.siteId}`, {
      by: 'reference',
      reference: 'APT-0000-0000',
      _csrf: 'expired',
    });
    assert.equal(stale.status, 303);
    assert.equal(stale.location, `/kiosk/${registrars.siteId}?expired=1`);
    const fresh = await kiosk.follow(stale);
    assert.equal(fresh.status, 200);
    assert.match(fresh.dom.querySelector('#expired')?.text ?? '', /took too long/);
    assert.ok(fresh.dom.querySelector('input[name="_csrf"]'));
    // Anywhere else, an expired form is still the form-expired page.
    const other = await server.client().post('/staff/sign-in', { email: 'a@b.example', password: 'x', _csrf: 'expired' });
    assert.equal(other.status, 403);
  });

  it('holds back a script posting to the kiosk', async () => {
    const kiosk = server.client();
    await kiosk.get(`/kiosk/${other.siteId}`);
    let status = 0;
    for (let attempt = 0; attempt < 31 && status !== 429; attempt++) {
      status = (await kiosk.post(`/kiosk/${other.siteId}`, { by: 'reference', reference: 'APT-0000-0000' })).status;
    }
    assert.equal(status, 429);
  });

  it('says plainly when nobody is waiting to be called', async () => {
    await emptyQueue();
    const client = await server.signedIn(advisor);
    const sites = await client.get('/staff/appointments/queue');
    assert.equal(sites.status, 200);
    assert.ok(sites.dom.querySelector(`a[href="/staff/appointments/queue/${registrars.siteId}"]`));
    assert.ok(sites.dom.querySelector('a[href="/staff/appointments/queue"]'), 'the navigation has the queue');
    const page = await client.get(`/staff/appointments/queue/${registrars.siteId}`);
    assert.equal(page.status, 200);
    assert.match(page.dom.querySelector('#nobody-waiting')?.text ?? '', /Nobody is waiting/);
    const called = await client.post(`/staff/appointments/queue/${registrars.siteId}/call-next`, { counterId: deskOne });
    assert.equal(called.status, 303);
    const after = await client.follow(called);
    assert.match(after.dom.querySelector('#queue-notice')?.text ?? '', /Nobody is waiting for you to call/);
    const noCounter = await client.post(`/staff/appointments/queue/${registrars.siteId}/call-next`, { counterId: '' });
    assert.equal(noCounter.status, 400);
    assert.deepEqual(noCounter.errorSummary, ['Choose your counter']);
  });

  it('gives two advisors calling at the same moment two different people', async () => {
    await emptyQueue();
    const reception = await server.signedIn(teamLeader);
    await reception.get(`/staff/appointments/queue/${registrars.siteId}`);
    for (let each = 0; each < 2; each++) {
      const given = await reception.post(`/staff/appointments/queue/${registrars.siteId}/walk-in`, {
        serviceId: registrars.serviceId,
      });
      assert.equal(given.status, 303);
    }
    const waiting = await reception.get(`/staff/appointments/queue/${registrars.siteId}`);
    assert.equal(waiting.dom.querySelectorAll('#waiting tbody tr').length, 2);
    assert.match(waiting.dom.querySelector('#waiting')?.text ?? '', /Register a birth/);

    const first = await server.signedIn(advisor);
    const second = await server.signedIn(secondAdvisor);
    await Promise.all([first, second].map((client) => client.get(`/staff/appointments/queue/${registrars.siteId}`)));
    const desks = await server.db
      .selectFrom('site_counters')
      .select(['id', 'name'])
      .where('site_id', '=', registrars.siteId)
      .execute();
    const calls = await Promise.all(
      [first, second].map((client, index) =>
        client.post(`/staff/appointments/queue/${registrars.siteId}/call-next`, { counterId: desks[index]!.id }),
      ),
    );
    assert.deepEqual(
      calls.map((call) => call.status),
      [303, 303],
    );
    const called = await server.db
      .selectFrom('visits')
      .select(['ticket', 'called_by'])
      .where('site_id', '=', registrars.siteId)
      .where('status', '=', 'called')
      .execute();
    assert.equal(called.length, 2);
    assert.equal(new Set(called.map((visit) => visit.ticket)).size, 2);
    assert.deepEqual(new Set(called.map((visit) => visit.called_by)), new Set([advisor.id, secondAdvisor.id]));
    const firstPage = await first.follow(calls[0]!);
    assert.match(firstPage.dom.querySelector('#queue-notice')?.text ?? '', /Ticket W\d{3} called to Desk/);
    assert.equal(firstPage.dom.querySelectorAll('[id^="with-me-"]').length, 1);
  });

  it('checks in at reception, then calls, sees and finishes the person, and the screen shows no name', async () => {
    await emptyQueue();
    const booked = await appointmentToday({ givenName: 'Siân', familyName: 'Preifat', dateOfBirth: '1980-02-02' }, 90);
    const client = await server.signedIn(advisor);
    const page = await client.get(`/staff/appointments/queue/${registrars.siteId}`);
    assert.ok(page.dom.querySelector(`#check-in-${booked.reference}`), 'today’s appointment to check in');
    const checkedIn = await client.post(`/staff/appointments/queue/${registrars.siteId}/check-in`, { appointmentId: booked.id });
    const after = await client.follow(checkedIn);
    const ticket = /Checked in: ticket (A\d{3})/.exec(after.dom.querySelector('#queue-notice')?.text ?? '')?.[1];
    assert.ok(ticket);
    const again = await client.follow(
      await client.post(`/staff/appointments/queue/${registrars.siteId}/check-in`, { appointmentId: booked.id }),
    );
    assert.match(again.dom.querySelector('#queue-notice')?.text ?? '', new RegExp(`Already checked in: ticket ${ticket}`));
    assert.equal((await visitsOf(booked.id)).length, 1);
    assert.match(again.dom.querySelector(`#waiting-${ticket}`)?.text ?? '', /Siân Preifat/);

    const called = await client.follow(
      await client.post(`/staff/appointments/queue/${registrars.siteId}/call-next`, { counterId: deskOne }),
    );
    assert.match(called.dom.querySelector('#queue-notice')?.text ?? '', new RegExp(`Ticket ${ticket} called to Desk 1`));
    const [visit] = await visitsOf(booked.id);
    for (const step of ['seen', 'finished'] as const) {
      const done = await client.post(`/staff/appointments/queue/${registrars.siteId}/visits/${visit!.id}/${step}`, {});
      assert.equal(done.status, 303);
      await client.follow(done);
    }
    const finished = (await visitsOf(booked.id))[0]!;
    assert.equal(finished.status, 'finished');
    assert.ok(finished.seen_at && finished.finished_at);

    const screen = await server.client().get(`/display/${registrars.siteId}`);
    assert.equal(screen.status, 200);
    assert.doesNotMatch(screen.html, /<meta[^>]+http-equiv="refresh"/i);
    assert.doesNotMatch(screen.dom.text, /Siân|Preifat|Morgan|Jenkins/);
    assert.match(
      screen.dom.querySelector('[aria-live="polite"]')?.text ?? '',
      new RegExp(`Ticket ${ticket}, please go to Desk 1`),
    );
    assert.ok(screen.dom.querySelector(`a#refresh[href="/display/${registrars.siteId}"]`), 'a refresh link without JavaScript');
    assert.ok(screen.dom.querySelector('script[src*="queue-display"]'), 'the polling script, from the assets');
    assert.equal(screen.dom.querySelectorAll('script:not([src])').length, 1, 'no inline script but GOV.UK’s, with its nonce');
    const json = await fetch(`${server.url}/display/${registrars.siteId}.json`);
    assert.equal(json.status, 200);
    assert.match(json.headers.get('content-type') ?? '', /^application\/json/);
    const body = (await json.json()) as { calls: { ticket: string; counter: string }[] };
    assert.deepEqual(body.calls[0] && { ticket: body.calls[0].ticket, counter: body.calls[0].counter }, {
      ticket,
      counter: 'Desk 1',
    });
    assert.doesNotMatch(JSON.stringify(body), /Siân|Preifat/);
  });

  it('refuses the queue to those not at the desks and to partner agencies', async () => {
    for (const person of [officer, analyst, partner]) {
      const client = await server.signedIn(person);
      assert.equal((await client.get(`/staff/appointments/queue/${registrars.siteId}`)).status, 403, person.email);
      assert.equal((await client.get('/staff/appointments/queue')).status, 403, person.email);
      const home = await client.get('/staff');
      assert.equal(home.dom.querySelector('a[href="/staff/appointments/queue"]'), null);
    }
    const client = await server.signedIn(partner);
    await client.get('/staff');
    const posted = await client.post(`/staff/appointments/queue/${registrars.siteId}/call-next`, { counterId: deskOne });
    assert.equal(posted.status, 403);
    const anonymous = await server.client().get(`/staff/appointments/queue/${registrars.siteId}`);
    assert.equal(anonymous.status, 303);
  });

  it('shows the figures and their CSV to team leaders and analysts, with no formula in the file', async () => {
    await server.db
      .updateTable('sites')
      .set({ name: '=HYPERLINK("http://evil.example")' })
      .where('id', '=', registrars.siteId)
      .execute();
    const from = today;
    const to = addCalendarDays(today, 1);
    for (const person of [teamLeader, analyst]) {
      const client = await server.signedIn(person);
      const page = await client.get(`/staff/appointments/figures?from=${from}&to=${to}`);
      assert.equal(page.status, 200, person.email);
      assert.equal(page.heading, 'Face-to-face figures');
      assert.ok(page.dom.querySelector('#figures-total'));
      assert.ok(page.dom.querySelector('#figures-by-site'));
      assert.ok(page.dom.querySelector('#figures-by-service'));
      assert.ok(page.dom.querySelector('a[href="/staff/appointments/figures"]'), 'the navigation has the figures');
      assert.equal(
        page.dom.querySelector('#download-csv')?.getAttribute('href'),
        `/staff/appointments/figures.csv?from=${from}&to=${to}`,
      );
    }
    const client = await server.signedIn(analyst);
    const download = await client.get(`/staff/appointments/figures.csv?from=${from}&to=${to}`);
    assert.equal(download.status, 200);
    assert.match(download.headers.get('content-type') ?? '', /^text\/csv; charset=utf-8/);
    assert.match(download.headers.get('content-disposition') ?? '', /^attachment; filename="appointment-figures-.*\.csv"/);
    assert.match(download.html, /^breakdown,name,/);
    const bytes = await fetch(`${server.url}/staff/appointments/figures.csv?from=${from}&to=${to}`, {
      headers: { cookie: client.cookieHeader(), 'x-forwarded-for': client.address! },
    });
    assert.deepEqual([...new Uint8Array(await bytes.arrayBuffer()).slice(0, 3)], [0xef, 0xbb, 0xbf], 'a byte order mark first');
    assert.match(download.html, /\r\nsite,"'=HYPERLINK\(""http:\/\/evil\.example""\)",/);
    assert.doesNotMatch(download.html, /\r\nsite,=/);
    const walkIns = /\r\nperiod,[^,]+,\d+,\d+,[^,]*,\d+,\d+,[^,]*,(\d+),/.exec(download.html)?.[1];
    assert.ok(Number(walkIns) >= 3, 'the walk-ins called today are counted');

    const wrong = await client.get('/staff/appointments/figures?from-day=31&from-month=2&from-year=2027&to=2027-03-01');
    assert.equal(wrong.status, 400);
    assert.deepEqual(wrong.errorSummary, ['Enter a real date for the start of the period, for example 1 4 2026']);
    assert.match(wrong.html, /href="#from-day"/);

    for (const person of [advisor, partner]) {
      const refused = await server.signedIn(person);
      assert.equal((await refused.get(`/staff/appointments/figures?from=${from}&to=${to}`)).status, 403);
      assert.equal((await refused.get(`/staff/appointments/figures.csv?from=${from}&to=${to}`)).status, 403);
    }
  });
});
