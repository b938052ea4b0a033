// Booking an appointment online, over real HTTP, as a browser without JavaScript sends it: the
// start page, one thing per page (where only when more than one place offers the service), contact
// details or a signed-in account, check your answers, and the confirmation with the reference and
// the private link. Every wrong answer gives the GOV.UK error summary linked to its field and books
// nothing; booking twice books once; a time taken meanwhile sends the resident back to choose
// another, losing nothing. The private link shows the appointment, cancels it and changes its time.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { refreshSlots } from '../../src/appointments/slots.ts';
import { findFirstCouncil } from '../../src/organisations/repo.ts';
import { systemActor } from '../../src/platform/actor.ts';
import { londonDate } from '../../src/services/calendar.ts';
import { lookUp, loadMessages, messageKeys } from '../../src/platform/i18n.ts';
import { aBookableService, type BookableFixture } from '../support/appointments.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { Page, WebClient } from '../support/web.ts';

/** A page's summary list rows as [key, value] texts. */
const rowsOf = (page: Page) =>
  page.dom
    .querySelectorAll('.govuk-summary-list__row')
    .map((row) => [
      row.querySelector('.govuk-summary-list__key')!.text.trim(),
      row.querySelector('.govuk-summary-list__value')!.text.trim().replace(/\s+/g, ' '),
    ]);

const valuesOf = (page: Page, name: string) =>
  page.dom.querySelectorAll(`input[name="${name}"]`).map((input) => input.getAttribute('value')!);
const submissionOf = (page: Page) => page.dom.querySelector('input[name="submission"]')!.getAttribute('value')!;
const linkOf = (page: Page, text: string) =>
  page.dom
    .querySelectorAll('main a')
    .find((link) => link.text.trim() === text)
    ?.getAttribute('href');
const mainText = (page: Page) => page.dom.querySelector('main')!.text.replace(/\s+/g, ' ');

describe('booking an appointment online', () => {
  let server: TestServer;
  let councilId: string;
  /** Offered at one place only: where is not asked. */
  let birth: BookableFixture;
  /** Offered at a one-stop shop and on the bus. */
  let notice: BookableFixture;
  let busId: string;

  before(async () => {
    server = await startTestServer();
    councilId = (await findFirstCouncil(server.db))!.id;
    const now = new Date();
    birth = await aBookableService(server.db, { councilId, now, code: 'register-birth', name: 'Register a birth' });
    await server.db.updateTable('services').set({ name_cy: 'Cofrestru genedigaeth' }).where('id', '=', birth.serviceId).execute();
    notice = await aBookableService(server.db, {
      councilId,
      now,
      code: 'give-notice',
      name: 'Give notice of marriage',
      capacity: 2,
    });
    // The bus offers giving notice too, at a stop of its timetable.
    const bus = await server.db
      .insertInto('sites')
      .values({ organisation_id: councilId, code: 'bus', name: 'Customer services bus', kind: 'mobile_bus' })
      .returning('id')
      .executeTakeFirstOrThrow();
    busId = bus.id;
    await server.db
      .insertInto('site_hours')
      .values(
        [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
          site_id: busId,
          weekday,
          opens: '09:00',
          closes: '17:00',
          place: 'Market Square',
        })),
      )
      .execute();
    await server.db.insertInto('appointment_service_sites').values({ service_id: notice.serviceId, site_id: busId }).execute();
    await refreshSlots(server.db, { councilId, serviceId: notice.serviceId, now });
  });
  after(() => server.close());

  const appointmentsOf = (email: string) =>
    server.db
      .selectFrom('appointments as a')
      .innerJoin('customer_emails as e', 'e.customer_id', 'a.customer_id')
      .select([
        'a.id',
        'a.reference',
        'a.status',
        'a.channel',
        'a.notes',
        'a.slot_id',
        'a.site_id',
        'a.starts_at',
        'a.customer_id',
      ])
      .where('e.email', '=', email)
      .execute();

  /** Answers every page up to check your answers, checking where each leads; the slot chosen too. */
  async function answerUpToCheck(
    client: WebClient,
    email: string,
    options: { service?: string; site?: string; notes?: string; contact?: boolean } = {},
  ): Promise<{ check: Page; slot: string; day: string }> {
    const start = await client.get('/appointments/start');
    assert.equal(start.status, 303);
    assert.equal(start.location, '/appointments/service');
    await client.get(start.location!);
    const service = options.service ?? 'register-birth';
    const chosen = await client.post('/appointments/service', { service });
    assert.equal(chosen.status, 303, chosen.errorSummary.join('; '));
    if (options.site) {
      assert.equal(chosen.location, '/appointments/site');
      await client.get('/appointments/site');
      const where = await client.post('/appointments/site', { site: options.site });
      assert.equal(where.location, '/appointments/day');
    } else assert.equal(chosen.location, '/appointments/day', 'one place: where is not asked');
    // The first day with more than one free time: a test may take one and need another, whatever
    // the time of day it runs at (late in the afternoon, today has few times left).
    const dayPage = await client.get('/appointments/day');
    let day = '';
    let slot = '';
    for (const candidate of valuesOf(dayPage, 'day')) {
      assert.equal((await client.post('/appointments/day', { day: candidate })).location, '/appointments/time');
      const times = valuesOf(await client.get('/appointments/time'), 'slot');
      if (times.length < 2) continue;
      [day, slot] = [candidate, times[0]!];
      break;
    }
    assert.ok(day, 'a day with free times is offered');
    assert.equal((await client.post('/appointments/time', { slot })).location, '/appointments/notes');
    await client.get('/appointments/notes');
    const noted = await client.post('/appointments/notes', { notes: options.notes ?? 'I need a Polish interpreter.' });
    if (options.contact === false) assert.equal(noted.location, '/appointments/check');
    else {
      assert.equal(noted.location, '/appointments/contact');
      await client.get('/appointments/contact');
      const contact = await client.post('/appointments/contact', { givenName: 'Rhian', familyName: 'Morgan', email, phone: '' });
      assert.equal(contact.location, '/appointments/check', contact.errorSummary.join('; '));
    }
    return { check: await client.get('/appointments/check'), slot, day };
  }

  it('has a start page saying what can be booked, what to bring and the other ways to book, linked from every portal page', async () => {
    const client = server.client();
    const home = await client.get('/');
    assert.equal(home.dom.querySelector('footer a[href="/appointments"]')?.text.trim(), 'Book an appointment');
    const start = await client.get('/appointments');
    assert.equal(start.status, 200);
    assert.equal(start.heading, 'Book an appointment');
    const text = mainText(start);
    for (const said of [
      /Register a birth/,
      /Give notice of marriage/,
      /original documents/,
      /by phone/,
      /in person/,
      /interpreter/,
    ])
      assert.match(text, said);
    assert.equal(start.dom.querySelector('a.govuk-button--start')?.getAttribute('href'), '/appointments/start');
  });

  it('books a time page by page, to a reference and the private link, and records it from the web with a new customer', async () => {
    const client = server.client();
    const { check, slot } = await answerUpToCheck(client, 'rhian@example.com');
    assert.equal(check.status, 200);
    assert.equal(check.heading, 'Check your answers before booking');
    assert.equal(check.dom.querySelector('.govuk-caption-l')?.text.trim(), 'Book an appointment');
    const rows = rowsOf(check);
    assert.deepEqual(
      rows.map(([key]) => key),
      ['Service', 'Where', 'Date', 'Time', 'Anything we should know', 'Name', 'Email address'],
    );
    assert.equal(rows[0]![1], 'Register a birth');
    assert.match(rows[1]![1]!, /^Castle Street one-stop shop/);
    assert.match(rows[3]![1]!, /^\d\d:\d\d$/);
    assert.equal(rows[4]![1], 'I need a Polish interpreter.');
    assert.equal(check.dom.querySelector('.govuk-back-link')?.getAttribute('href'), '/appointments/contact');
    const changeLinks = check.dom.querySelectorAll('.govuk-summary-list__actions a').map((link) => link.getAttribute('href'));
    assert.deepEqual(changeLinks, [
      '/appointments/service?change=1',
      '/appointments/day?change=1',
      '/appointments/time?change=1',
      '/appointments/notes?change=1',
      '/appointments/contact?change=1',
      '/appointments/contact?change=1',
    ]);

    const submission = submissionOf(check);
    const booked = await client.post('/appointments/check', { submission });
    assert.equal(booked.status, 303);
    assert.equal(booked.location, '/appointments/confirmation');
    const confirmation = await client.follow(booked);
    assert.equal(confirmation.heading, 'Appointment booked');
    assert.equal(confirmation.headers.get('cache-control'), 'no-store');
    const reference = confirmation.dom.querySelector('.govuk-panel__body strong')!.text.trim();
    assert.match(reference, /^APT-/);
    const text = mainText(confirmation);
    assert.match(text, /What to bring/);
    assert.match(text, new RegExp(`Time ${rows[3]![1]}`));
    const manageUrl = confirmation.dom.querySelector('main a[href*="/appointments/manage/"]')!.getAttribute('href')!;

    const [recorded, ...others] = await appointmentsOf('rhian@example.com');
    assert.equal(others.length, 0);
    assert.deepEqual(
      [recorded!.reference, recorded!.status, recorded!.channel, recorded!.notes, recorded!.slot_id],
      [reference, 'booked', 'web', 'I need a Polish interpreter.', slot],
    );
    const customer = await server.db
      .selectFrom('customers')
      .select(['given_name', 'family_name', 'preferred_language'])
      .where('id', '=', recorded!.customer_id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(customer, { given_name: 'Rhian', family_name: 'Morgan', preferred_language: 'en' });
    const told = await server.db
      .selectFrom('notifications')
      .select(['recipient', 'event', 'personalisation'])
      .where('record_id', '=', reference)
      .execute();
    assert.deepEqual(
      told.map((message) => [message.recipient, message.event]),
      [['rhian@example.com', 'appointment.booked']],
    );
    assert.equal((told[0]!.personalisation as Record<string, string>).manageUrl, manageUrl, 'the email carries the same link');

    // Back, and book again: the same confirmation, no second appointment.
    const again = await client.post('/appointments/check', { submission });
    assert.equal(again.location, '/appointments/confirmation');
    assert.equal((await client.get('/appointments/check')).location, '/appointments/confirmation');
    assert.equal((await appointmentsOf('rhian@example.com')).length, 1);
  });

  it('books once when the same answers are sent three times at once (a double click)', async () => {
    const client = server.client();
    const { check } = await answerUpToCheck(client, 'double@example.com');
    const submission = submissionOf(check);
    const answers = await Promise.all([1, 2, 3].map(() => client.post('/appointments/check', { submission })));
    assert.deepEqual(
      answers.map((page) => page.location),
      Array(3).fill('/appointments/confirmation'),
    );
    assert.equal((await appointmentsOf('double@example.com')).length, 1);
    const customers = await server.db
      .selectFrom('customer_emails')
      .select('customer_id')
      .where('email', '=', 'double@example.com')
      .execute();
    assert.equal(customers.length, 1, 'one customer record, not one per click');
    assert.equal((await client.get('/appointments/confirmation')).status, 200);
  });

  it('asks where when two places offer the service, showing the bus’s stop, and books on the bus', async () => {
    const client = server.client();
    await client.follow(await client.get('/appointments/start'));
    await client.post('/appointments/service', { service: 'give-notice' });
    const where = await client.get('/appointments/site');
    assert.equal(where.heading, 'Where would you like to go?');
    assert.deepEqual(valuesOf(where, 'site').sort(), [notice.siteId, busId].sort());
    assert.match(mainText(where), /The customer services bus, which stops at: Market Square/);
    assert.equal(where.dom.querySelector('.govuk-back-link')?.getAttribute('href'), '/appointments/service');
    const noPlace = await client.post('/appointments/site', { site: birth.siteId });
    assert.equal(noPlace.status, 400);
    assert.deepEqual(noPlace.errorSummary, ['Select where you would like to go']);
    assert.equal(noPlace.dom.querySelector('.govuk-error-summary a')?.getAttribute('href'), '#site');
    assert.ok(noPlace.dom.getElementById('site'));

    const onTheBus = server.client();
    const { check } = await answerUpToCheck(onTheBus, 'bus@example.com', { service: 'give-notice', site: busId });
    assert.match(rowsOf(check)[1]![1]!, /^Customer services bus, Market Square$/);
    assert.equal(check.dom.querySelector('a[href="/appointments/site?change=1"]')?.text.includes('Change'), true);
    const time = await onTheBus.get('/appointments/time');
    assert.match(mainText(time), /2 places left\. Where: Market Square/, 'two places in each slot, at the stop');
    await onTheBus.get('/appointments/check');
    await onTheBus.post('/appointments/check', { submission: submissionOf(check) });
    const [recorded] = await appointmentsOf('bus@example.com');
    assert.equal(recorded!.site_id, busId);
  });

  it('gives each wrong answer in the error summary, linked to its field, keeps what was typed, and books nothing', async () => {
    const client = server.client();
    await client.follow(await client.get('/appointments/start'));

    const noService = await client.post('/appointments/service', { service: 'fraud-referrals' });
    assert.equal(noService.status, 400);
    assert.deepEqual(noService.errorSummary, ['Select what you need an appointment for']);
    assert.equal(noService.dom.querySelector('.govuk-error-summary a')?.getAttribute('href'), '#service');
    assert.ok(noService.dom.getElementById('service'), 'the link leads to the first radio');
    assert.match(noService.dom.querySelector('title')!.text, /^Error: What do you need an appointment for\?/);
    assert.equal((await client.get('/appointments/day')).location, '/appointments/service', 'no day before a service');
    await client.post('/appointments/service', { service: 'register-birth' });

    const noDay = await client.post('/appointments/day', {});
    assert.equal(noDay.status, 400);
    assert.deepEqual(noDay.errorSummary, ['Select a day']);
    assert.equal(noDay.dom.querySelector('.govuk-error-summary a')?.getAttribute('href'), '#day');
    assert.ok(noDay.dom.getElementById('day'));
    for (const day of ['2020-01-01', 'tomorrow', '2026-02-30'])
      assert.deepEqual((await client.post('/appointments/day', { day })).errorSummary, ['Select a day'], day);
    assert.equal((await client.get('/appointments/time')).location, '/appointments/day', 'no time before a day');
    const day = valuesOf(await client.get('/appointments/day'), 'day')[0]!;
    await client.post('/appointments/day', { day });

    const noTime = await client.post('/appointments/time', {});
    assert.deepEqual(noTime.errorSummary, ['Select a time']);
    assert.equal(noTime.dom.querySelector('.govuk-error-summary a')?.getAttribute('href'), '#slot');
    assert.ok(noTime.dom.getElementById('slot'));
    const otherService = valuesOf(await client.get('/appointments/time'), 'slot')[0]!;
    const unknown = await client.post('/appointments/time', { slot: randomUUID() });
    assert.deepEqual(unknown.errorSummary, ['That time is no longer free. Select another time']);
    await client.post('/appointments/time', { slot: otherService });

    const long = 'x'.repeat(1001);
    const tooLong = await client.post('/appointments/notes', { notes: long });
    assert.deepEqual(tooLong.errorSummary, ['What you tell us must be 1,000 characters or fewer']);
    assert.equal(tooLong.dom.querySelector('.govuk-error-summary a')?.getAttribute('href'), '#notes');
    assert.equal(tooLong.dom.querySelector('textarea#notes')?.text, long, 'what was typed is kept');
    assert.equal((await client.post('/appointments/notes', { notes: '  ' })).location, '/appointments/contact');

    const contact = await client.get('/appointments/contact');
    assert.equal(contact.heading, 'Your contact details');
    assert.match(contact.html, /with a private link to change or cancel the appointment/);
    assert.ok(contact.dom.querySelector('input[name="website"]'), 'the honeypot is there');
    assert.equal(
      contact.dom.querySelector('main a[href^="/account/sign-in"]')?.getAttribute('href'),
      '/account/sign-in?returnTo=%2Fappointments%2Fstart',
    );
    const noWayToReach = await client.post('/appointments/contact', { givenName: '', familyName: 'Jones' });
    assert.deepEqual(noWayToReach.errorSummary, [
      'Enter your first name',
      'Enter an email address or a phone number, so that we can tell you about progress',
    ]);
    assert.equal(noWayToReach.dom.getElementById('familyName')?.getAttribute('value'), 'Jones');
    assert.equal((await client.get('/appointments/check')).location, '/appointments/contact', 'not past a page to answer');

    const check = await client.post('/appointments/check', { submission: 'forged' });
    assert.equal(check.location, '/appointments', 'not the journey’s own submission');
    const refused = await client.post('/appointments/notes', { notes: 'x' }, { csrf: false });
    assert.equal(refused.status, 403);
    assert.equal(
      (await server.db.selectFrom('appointments').select('id').where('notes', '=', 'x').execute()).length,
      0,
      'nothing booked',
    );
  });

  it('sends the resident back to choose another time, losing nothing, when theirs is taken before they book', async () => {
    const client = server.client();
    const { check, slot, day } = await answerUpToCheck(client, 'taken@example.com', { notes: 'Step-free access, please.' });
    // Someone else books the last place in that slot by phone meanwhile.
    await server.services.appointments.book(
      systemActor('portal'),
      { slotId: slot, channel: 'phone' },
      {
        council: councilId,
        submission: { key: randomUUID(), newCustomer: { givenName: 'Other', familyName: 'Person', email: 'other@example.com' } },
      },
    );
    const refused = await client.post('/appointments/check', { submission: submissionOf(check) });
    assert.equal(refused.status, 303);
    assert.equal(refused.location, '/appointments/time?change=1');
    const time = await client.follow(refused);
    assert.deepEqual(time.errorSummary, ['That time has just been taken: choose another']);
    assert.equal(time.dom.querySelector('.govuk-error-summary a')?.getAttribute('href'), '#slot');
    assert.match(time.dom.querySelector('title')!.text, /^Error: /);
    assert.ok(!valuesOf(time, 'slot').includes(slot), 'the time taken is no longer offered');
    assert.equal(time.dom.querySelector('.govuk-back-link')?.getAttribute('href'), '/appointments/day?change=1');
    assert.equal((await appointmentsOf('taken@example.com')).length, 0);

    const another = valuesOf(time, 'slot')[0]!;
    const chosen = await client.post('/appointments/time?change=1', { slot: another });
    assert.equal(chosen.location, '/appointments/check');
    const again = await client.get('/appointments/check');
    assert.equal(again.errorSummary.length, 0);
    assert.match(again.html, /Step-free access, please\./, 'the other answers are kept');
    assert.match(again.html, /Rhian Morgan/);
    await client.post('/appointments/check', { submission: submissionOf(again) });
    const [recorded] = await appointmentsOf('taken@example.com');
    assert.equal(recorded!.slot_id, another);
    assert.ok(day);
  });

  it('says so on check your answers when the time chosen has gone since', async () => {
    const client = server.client();
    const { slot } = await answerUpToCheck(client, 'gone@example.com');
    await server.services.appointments.book(
      systemActor('portal'),
      { slotId: slot, channel: 'phone' },
      {
        council: councilId,
        submission: { key: randomUUID(), newCustomer: { givenName: 'Early', familyName: 'Bird', email: 'early@example.com' } },
      },
    );
    const check = await client.get('/appointments/check');
    assert.equal(check.location, '/appointments/time?change=1');
    assert.deepEqual((await client.follow(check)).errorSummary, ['That time is no longer free. Select another time']);
  });

  it('pages through the days a week at a time', async () => {
    const client = server.client();
    await client.follow(await client.get('/appointments/start'));
    await client.post('/appointments/service', { service: 'register-birth' });
    const thisWeek = await client.get('/appointments/day');
    assert.equal(thisWeek.heading, 'Which day would you like?');
    assert.equal(thisWeek.dom.querySelector('.govuk-pagination__prev'), null, 'nothing before today');
    const later = thisWeek.dom.querySelector('.govuk-pagination__next a')!.getAttribute('href')!;
    assert.match(later, /^\/appointments\/day\?from=\d{4}-\d\d-\d\d$/);
    const nextWeek = await client.get(later);
    const days = valuesOf(nextWeek, 'day');
    assert.equal(days.length, 7, 'a week of days, every one with free times');
    assert.ok(days.every((day) => day >= later.slice(-10)));
    assert.equal(
      nextWeek.dom.querySelector('.govuk-pagination__prev a')?.getAttribute('href'),
      `/appointments/day?from=${londonDate(new Date())}`,
    );
    // The day chosen in a later week is shown again there.
    await client.post('/appointments/day', { day: days[2]!, week: later.slice(-10) });
    const back = await client.get('/appointments/day');
    assert.equal(back.dom.querySelector('input[name="day"][checked]')?.getAttribute('value'), days[2]);
  });

  it('skips contact details for a signed-in resident and books on their record', async () => {
    const email = 'signed-in@example.com';
    const password = 'a long enough password for tests';
    await server.services.residentAccounts.register({ name: 'Nia Evans', email, password, language: 'en', ip: '127.0.0.1' });
    await server.db.updateTable('resident_accounts').set({ confirmed_at: new Date() }).where('email', '=', email).execute();
    const client = server.client();
    await client.get('/account/sign-in');
    assert.equal((await client.post('/account/sign-in', { email, password })).status, 303);
    const { check } = await answerUpToCheck(client, email, { contact: false });
    assert.match(check.html, /Nia Evans/);
    assert.equal(check.dom.querySelector('a[href="/appointments/contact?change=1"]'), null);
    await client.post('/appointments/check', { submission: submissionOf(check) });
    const account = await server.db
      .selectFrom('resident_accounts')
      .select('customer_id')
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    const [recorded] = await appointmentsOf(email);
    assert.equal(recorded!.customer_id, account.customer_id);
  });

  it('answers as if booked, keeping nothing, when the honeypot is filled in', async () => {
    const client = server.client();
    await answerUpToCheck(client, 'robot@example.com');
    await client.get('/appointments/contact');
    await client.post('/appointments/contact', {
      givenName: 'Robot',
      familyName: 'Script',
      email: 'robot@example.com',
      website: 'http://spam.example',
    });
    const check = await client.get('/appointments/check');
    const booked = await client.follow(await client.post('/appointments/check', { submission: submissionOf(check) }));
    assert.equal(booked.heading, 'Appointment booked');
    assert.equal(booked.dom.querySelector('.govuk-panel__body'), null, 'no reference');
    assert.equal((await appointmentsOf('robot@example.com')).length, 0);
  });

  describe('the private link', () => {
    /** Books a time and returns the private link's path and the appointment. */
    async function book(email: string) {
      const client = server.client();
      const { check } = await answerUpToCheck(client, email, { service: 'give-notice', site: notice.siteId });
      const confirmation = await client.follow(await client.post('/appointments/check', { submission: submissionOf(check) }));
      const href = confirmation.dom.querySelector('main a[href*="/appointments/manage/"]')!.getAttribute('href')!;
      const [recorded] = await appointmentsOf(email);
      return { client: server.client(), path: new URL(href).pathname, recorded: recorded! };
    }

    it('shows the appointment, never cached, indexed or passed on', async () => {
      const { client, path, recorded } = await book('view@example.com');
      const page = await client.get(path);
      assert.equal(page.status, 200);
      assert.equal(page.heading, 'Your appointment');
      assert.equal(page.headers.get('cache-control'), 'no-store');
      assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(page.headers.get('x-robots-tag'), 'noindex');
      assert.deepEqual(rowsOf(page)[0], ['Reference', recorded.reference]);
      assert.match(mainText(page), /Give notice of marriage/);
      assert.equal(linkOf(page, 'Change the time'), `${path}/day`);
      assert.equal(linkOf(page, 'Cancel this appointment'), `${path}/cancel`);
    });

    it('cancels after a yes, keeps it after a no, and then shows it cancelled without the actions', async () => {
      const { client, path, recorded } = await book('cancel@example.com');
      const ask = await client.get(`${path}/cancel`);
      assert.equal(ask.heading, 'Are you sure you want to cancel this appointment?');
      assert.equal(ask.dom.querySelector('.govuk-back-link')?.getAttribute('href'), path);
      const unanswered = await client.post(`${path}/cancel`, {});
      assert.equal(unanswered.status, 400);
      assert.deepEqual(unanswered.errorSummary, ['Select yes if you want to cancel this appointment']);
      assert.equal(unanswered.dom.querySelector('.govuk-error-summary a')?.getAttribute('href'), '#confirm');
      assert.ok(unanswered.dom.getElementById('confirm'));
      assert.equal((await client.post(`${path}/cancel`, { confirm: 'no' })).location, path);
      assert.equal((await appointmentsOf('cancel@example.com'))[0]!.status, 'booked');

      const placesTaken = async () =>
        (
          await server.db
            .selectFrom('appointment_slots')
            .select('booked')
            .where('id', '=', recorded.slot_id)
            .executeTakeFirstOrThrow()
        ).booked;
      const takenBefore = await placesTaken();
      const cancelled = await client.post(`${path}/cancel`, { confirm: 'yes' });
      assert.equal(cancelled.location, `${path}/cancelled`);
      const done = await client.follow(cancelled);
      assert.equal(done.heading, 'Appointment cancelled');
      assert.equal((await appointmentsOf('cancel@example.com'))[0]!.status, 'cancelled');
      assert.equal(await placesTaken(), takenBefore - 1, 'the place is free again');
      const told = await server.db
        .selectFrom('notifications')
        .select('event')
        .where('record_id', '=', recorded.reference)
        .execute();
      assert.deepEqual(told.map((message) => message.event).sort(), ['appointment.booked', 'appointment.cancelled']);

      const page = await client.get(path);
      assert.match(mainText(page), /This appointment has been cancelled\./);
      assert.equal(linkOf(page, 'Cancel this appointment'), undefined);
      assert.equal(linkOf(page, 'Change the time'), undefined);
      assert.equal((await client.get(`${path}/cancel`)).location, path, 'nothing more to cancel');
      assert.equal((await client.post(`${path}/cancel`, { confirm: 'yes' })).location, path);
      assert.equal((await client.get(`${path}/day`)).location, path);
    });

    it('changes the time to another day and time of the same service at the same place', async () => {
      const { client, path, recorded } = await book('change@example.com');
      const dayPage = await client.get(`${path}/day`);
      assert.equal(dayPage.heading, 'Which day would you like?');
      assert.equal(dayPage.dom.querySelector('.govuk-caption-l')?.text.trim(), 'Change your appointment');
      assert.match(mainText(dayPage), /Your appointment is booked for/);
      assert.deepEqual((await client.post(`${path}/day`, {})).errorSummary, ['Select a day']);
      const day = valuesOf(dayPage, 'day').at(-1)!;
      const toTime = await client.post(`${path}/day`, { day });
      assert.equal(toTime.location, `${path}/time?day=${day}`);
      const timePage = await client.follow(toTime);
      assert.equal(timePage.dom.querySelector('.govuk-button')?.text.trim(), 'Change appointment');
      assert.deepEqual((await client.post(`${path}/time?day=${day}`, {})).errorSummary, ['Select a time']);
      const slot = valuesOf(timePage, 'slot').at(-1)!;
      const changed = await client.post(`${path}/time?day=${day}`, { slot });
      assert.equal(changed.location, `${path}/changed`);
      const done = await client.follow(changed);
      assert.equal(done.heading, 'Appointment changed');
      const [now] = await appointmentsOf('change@example.com');
      assert.equal(now!.slot_id, slot);
      assert.equal(now!.site_id, recorded.site_id);
      assert.equal(now!.status, 'booked');
      const told = await server.db
        .selectFrom('notifications')
        .select('event')
        .where('record_id', '=', recorded.reference)
        .execute();
      assert.ok(told.some((message) => message.event === 'appointment.changed'));
    });

    it('refuses a time taken meanwhile with a clear message, changing nothing', async () => {
      const { client, path, recorded } = await book('change-taken@example.com');
      const dayPage = await client.get(`${path}/day`);
      const day = valuesOf(dayPage, 'day').at(-1)!;
      const timePage = await client.follow(await client.post(`${path}/day`, { day }));
      const slot = valuesOf(timePage, 'slot')[0]!;
      // Both places in the slot go to others first.
      for (const name of ['First', 'Second'])
        await server.services.appointments.book(
          systemActor('portal'),
          { slotId: slot, channel: 'phone' },
          {
            council: councilId,
            submission: {
              key: randomUUID(),
              newCustomer: { givenName: name, familyName: 'Caller', email: `${name.toLowerCase()}@example.com` },
            },
          },
        );
      const refused = await client.post(`${path}/time?day=${day}`, { slot });
      assert.equal(refused.status, 400);
      assert.deepEqual(refused.errorSummary, ['That time is no longer free. Select another time']);
      assert.ok(!valuesOf(refused, 'slot').includes(slot));
      assert.equal((await appointmentsOf('change-taken@example.com'))[0]!.slot_id, recorded.slot_id);
    });

    it('shows a past appointment without the actions', async () => {
      const { client, path, recorded } = await book('past@example.com');
      await server.db
        .updateTable('appointments')
        .set({ starts_at: new Date(Date.now() - 3_600_000), ends_at: new Date(Date.now() - 1_800_000) })
        .where('id', '=', recorded.id)
        .execute();
      const page = await client.get(path);
      assert.equal(page.status, 200);
      assert.match(mainText(page), /has passed/);
      assert.equal(linkOf(page, 'Cancel this appointment'), undefined);
      assert.equal((await client.get(`${path}/cancel`)).location, path);
    });

    it('answers a wrong link with the plain page not found', async () => {
      const client = server.client();
      for (const token of ['nope', 'A'.repeat(43), 'A'.repeat(44)]) {
        const page = await client.get(`/appointments/manage/${token}`);
        assert.equal(page.status, 404, token);
        assert.equal(page.heading, 'Page not found');
        assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
      }
      assert.equal((await client.get(`/appointments/manage/${'B'.repeat(43)}/cancel`)).status, 404);
      await client.get('/account/sign-in'); // for a CSRF token: the form is refused for its link, not for that
      assert.equal((await client.post(`/appointments/manage/${'B'.repeat(43)}/cancel`, { confirm: 'yes' })).status, 404);
    });
  });

  it('is written in Welsh, the council’s service names too', async () => {
    const client = server.client();
    await client.get('/?lang=cy');
    const start = await client.get('/appointments');
    assert.equal(start.dom.querySelector('html')?.getAttribute('lang'), 'cy');
    assert.equal(start.heading, 'Trefnu apwyntiad');
    assert.match(mainText(start), /Cofrestru genedigaeth/);
    const service = await client.follow(await client.get('/appointments/start'));
    assert.equal(service.heading, 'Ar gyfer beth mae angen apwyntiad arnoch?');
    assert.equal(service.dom.querySelector('.govuk-button')?.text.trim(), 'Parhau');
    const missing = await client.post('/appointments/service', {});
    assert.deepEqual(missing.errorSummary, ['Dewiswch ar gyfer beth mae angen apwyntiad arnoch']);
    await client.post('/appointments/service', { service: 'register-birth' });
    const day = await client.get('/appointments/day');
    assert.equal(day.heading, 'Pa ddiwrnod hoffech chi?');
    assert.match(mainText(day), /Dydd (Llun|Mawrth|Mercher|Iau|Gwener|Sadwrn|Sul)/);
  });

  it('is written in Urdu, right to left, with the council’s own words marked as English', async () => {
    const client = server.client();
    await client.get('/?lang=ur');
    const start = await client.get('/appointments');
    assert.equal(start.dom.querySelector('html')?.getAttribute('dir'), 'rtl');
    assert.equal(start.heading, 'ملاقات کا وقت طے کریں');
    const service = await client.follow(await client.get('/appointments/start'));
    assert.equal(service.dom.querySelector('label span[lang="en"]')?.text, 'Give notice of marriage');
  });

  it('holds back an address that books again and again', async () => {
    const client = server.client();
    await client.follow(await client.get('/appointments/start'));
    const answers = [];
    for (let sent = 0; sent < 11; sent++) answers.push((await client.post('/appointments/check', { submission: 'x' })).status);
    assert.deepEqual(answers.slice(0, 10), Array(10).fill(303));
    assert.equal(answers[10], 429);
  });

  it('has every message of its pages in English, Welsh and Urdu', () => {
    const messages = loadMessages();
    const keysOf = (language: 'en' | 'cy' | 'ur') =>
      messageKeys(lookUp(messages[language], 'appointments.portal') as Parameters<typeof messageKeys>[0]).sort();
    assert.ok(keysOf('en').length > 80);
    assert.deepEqual(keysOf('cy'), keysOf('en'));
    assert.deepEqual(keysOf('ur'), keysOf('en'));
  });
});
