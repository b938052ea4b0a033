// The face-to-face figures: the pure part (percentages, "not known", the period, the CSV that no
// spreadsheet runs as a formula) on its own, and the SQL part on PostgreSQL over a day worked out
// by hand — every number below is counted in the comments beside the rows that make it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { aBookableService, type BookableFixture } from '../../test/support/appointments.ts';
import { freshDatabase, type TestDatabase } from '../../test/support/database.ts';
import { anAppointment, aResident, aSignedInActor } from '../../test/support/queue.ts';
import type { Db } from '../db/database.ts';
import { findFirstCouncil, insertOrganisation } from '../organisations/repo.ts';
import { Invalid, NotAllowed } from '../platform/errors.ts';
import {
  appointmentFigures,
  checkedPeriod,
  combineFigures,
  createAppointmentFiguresService,
  csvCell,
  figuresAsCsv,
  monthToDate,
  percentOf,
  type AppointmentRow,
  type FiguresLine,
  type WalkInRow,
} from './figures.ts';

const period = { from: '2027-03-02', to: '2027-03-03' };

describe('the face-to-face figures, worked out', () => {
  it('gives a percentage to one decimal place, and null when there is nothing to divide by', () => {
    assert.equal(percentOf(2, 3), 66.7);
    assert.equal(percentOf(0, 4), 0);
    assert.equal(percentOf(0, 0), null);
  });

  it('accepts a real period of up to three years, and names the field that is wrong', () => {
    assert.deepEqual(checkedPeriod({ from: ' 2027-03-01 ', to: '2027-04-01' }), { from: '2027-03-01', to: '2027-04-01' });
    const problems = (input: { from?: string; to?: string }) => {
      try {
        checkedPeriod(input);
        return [];
      } catch (error) {
        return (error as Invalid).errors.map((each) => `${each.field}: ${each.message.split('.').pop()}`);
      }
    };
    assert.deepEqual(problems({ from: '2027-02-30', to: '' }), ['from: fromInvalid', 'to: toInvalid']);
    assert.deepEqual(problems({ from: '2027-03-02', to: '2027-03-01' }), ['to: toBeforeFrom']);
    assert.deepEqual(problems({ from: '2027-03-02', to: '2031-03-02' }), ['to: tooLong']);
    assert.deepEqual(monthToDate(new Date('2027-03-31T23:30:00Z')), { from: '2027-04-01', to: '2027-04-02' }, 'London is on BST');
  });

  it('turns the rows into lines, with "not known" where nothing was due or called', () => {
    const appointments: AppointmentRow[] = [
      { dimension: 'all', id: null, name: null, name_cy: null, due: 4, no_shows: 1, measured: 3, within_target: 2 },
      {
        dimension: 'site',
        id: 's1',
        name: 'Castle Street',
        name_cy: 'Stryd y Castell',
        due: 4,
        no_shows: 1,
        measured: 3,
        within_target: 2,
      },
      {
        dimension: 'service',
        id: 'v1',
        name: 'Register a birth',
        name_cy: null,
        due: 4,
        no_shows: 1,
        measured: 3,
        within_target: 2,
      },
    ];
    const walkIns: WalkInRow[] = [
      { dimension: 'all', id: null, name: null, name_cy: null, called: 2, average_wait: 12.345, p90_wait: 18.44 },
      { dimension: 'site', id: 's2', name: 'Bus', name_cy: null, called: 2, average_wait: 12.345, p90_wait: 18.44 },
      { dimension: 'service', id: null, name: null, name_cy: null, called: 2, average_wait: 12.345, p90_wait: 18.44 },
    ];
    const figures = combineFigures(period, appointments, walkIns);
    assert.deepEqual(figures.total, {
      id: null,
      name: null,
      nameCy: null,
      appointmentsDue: 4,
      noShows: 1,
      noShowRate: 25,
      seenMeasured: 3,
      seenWithinTarget: 2,
      percentSeenWithinTarget: 66.7,
      walkInsCalled: 2,
      averageWalkInWait: 12.3,
      ninetiethPercentileWalkInWait: 18.4,
    } satisfies FiguresLine);
    assert.deepEqual(
      figures.bySite.map((line) => [line.name, line.percentSeenWithinTarget, line.averageWalkInWait]),
      [
        ['Bus', null, 12.3],
        ['Castle Street', 66.7, null],
      ],
    );
    assert.deepEqual(
      figures.byService.map((line) => [line.name, line.noShowRate, line.walkInsCalled]),
      [
        ['Register a birth', 25, 0],
        [null, null, 2],
      ],
      'walk-ins who named no service come last',
    );
    const empty = combineFigures(period, [], []);
    assert.equal(empty.total.noShowRate, null);
    assert.equal(empty.total.ninetiethPercentileWalkInWait, null);
  });

  it('writes a CSV whose cells no spreadsheet runs as a formula', () => {
    assert.equal(csvCell('=HYPERLINK("http://evil.example")'), `"'=HYPERLINK(""http://evil.example"")"`);
    assert.equal(csvCell('+44 1743'), "'+44 1743");
    assert.equal(csvCell('-1'), "'-1");
    assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(csvCell('Castle Street, Shrewsbury'), '"Castle Street, Shrewsbury"');
    assert.equal(csvCell(null), '');
    const line = (name: string): AppointmentRow => ({
      dimension: 'site',
      id: 's1',
      name,
      name_cy: null,
      due: 2,
      no_shows: 0,
      measured: 0,
      within_target: 0,
    });
    const csv = figuresAsCsv(combineFigures(period, [line('=cmd|calc')], []));
    const rows = csv.trimEnd().split('\r\n');
    assert.equal(
      rows[0],
      'breakdown,name,appointments_due,no_shows,no_show_rate_percent,seen_measured,seen_within_10_minutes,percent_seen_within_10_minutes,walk_ins_called,average_walk_in_wait_minutes,p90_walk_in_wait_minutes',
    );
    assert.equal(rows[1], 'period,2027-03-02 to 2027-03-02,0,0,,0,0,,0,,');
    assert.equal(rows[2], "site,'=cmd|calc,2,0,0.0,0,0,,0,,");
  });
});

// Tuesday 2 March 2027 (GMT: London's clock is UTC's), at 11:35. Two one-stop shops open 09:00 to 12:30 with
// a slot every half hour: the registrars' (Register a birth) and council tax's (Council Tax).
describe('the face-to-face figures on PostgreSQL', () => {
  let database: TestDatabase;
  let db: Db;
  let councilId: string;
  let registrars: BookableFixture;
  let councilTax: BookableFixture;
  const at = (time: string, day = '2027-03-02') => new Date(`${day}T${time}:00Z`);
  const NOW = at('11:35');
  let ticket = 0;

  before(async () => {
    database = await freshDatabase();
    db = database.db;
    councilId =
      (await findFirstCouncil(db))?.id ??
      (await insertOrganisation(db, { code: 'borough', name: 'Borough Council', kind: 'council', councilId: null }));
    const bookedAt = at('08:00', '2027-03-01');
    const mornings: [number, string, string][] = [1, 2, 3, 4, 5, 6, 7].map((day) => [day, '09:00', '12:30']);
    registrars = await aBookableService(db, { councilId, sessions: mornings, now: bookedAt, name: 'Register a birth' });
    councilTax = await aBookableService(db, { councilId, sessions: mornings, now: bookedAt, name: 'Council Tax' });
    const customerId = await aResident(db, councilId, { givenName: 'Bethan', familyName: 'Morgan' });

    /** An appointment at `time`, then what became of it. */
    async function appointment(
      fixture: BookableFixture,
      time: string,
      outcome:
        { status: 'booked' | 'no_show' | 'cancelled' } | { arrived: string; called?: string; seen?: string; left?: boolean },
    ) {
      const { id } = await anAppointment(db, fixture, { customerId, startsAt: at(time), bookedAt });
      if ('status' in outcome) {
        if (outcome.status !== 'booked')
          await db
            .updateTable('appointments')
            .set({ status: outcome.status, cancelled_at: outcome.status === 'cancelled' ? bookedAt : null })
            .where('id', '=', id)
            .execute();
        return;
      }
      await db.updateTable('appointments').set({ status: 'arrived' }).where('id', '=', id).execute();
      await visit(fixture, { appointmentId: id, serviceId: fixture.serviceId, ...outcome });
    }

    async function visit(
      fixture: BookableFixture,
      value: {
        appointmentId?: string;
        serviceId: string | null;
        arrived: string;
        called?: string;
        seen?: string;
        left?: boolean;
        day?: string;
      },
    ) {
      ticket += 1;
      const day = value.day ?? '2027-03-02';
      await db
        .insertInto('visits')
        .values({
          council_id: councilId,
          site_id: fixture.siteId,
          appointment_id: value.appointmentId ?? null,
          customer_id: null,
          service_id: value.serviceId,
          business_date: day,
          ticket: `${value.appointmentId ? 'A' : 'W'}${String(ticket).padStart(3, '0')}`,
          arrived_via: 'kiosk',
          arrived_at: at(value.arrived, day),
          status: value.left ? 'left' : value.seen ? 'seen' : value.called ? 'called' : 'waiting',
          called_at: value.called ? at(value.called, day) : null,
          seen_at: value.seen ? at(value.seen, day) : null,
        })
        .execute();
    }

    // The registrars' appointments: due 5 (not the cancelled one), 1 did not come; measured 3, 2 in time.
    await appointment(registrars, '09:00', { arrived: '08:55', called: '09:04', seen: '09:06' }); // seen by 09:10: in time
    await appointment(registrars, '09:30', { arrived: '09:35', called: '09:44' }); // late, so by 09:45; called 09:44: in time
    await appointment(registrars, '10:00', { arrived: '09:50', called: '10:12', seen: '10:15' }); // by 10:10: late
    await appointment(registrars, '10:30', { status: 'no_show' });
    await appointment(registrars, '11:00', { status: 'cancelled' }); // not counted at all
    await appointment(registrars, '11:30', { arrived: '11:20', called: '11:31', left: true }); // called, did not come: not measured
    // Council tax's: due 3 (not the one at 12:00, after now), 1 did not come; measured 1, none in time.
    await appointment(councilTax, '09:00', { arrived: '09:10' }); // never called; its 10 minutes ended 09:20
    await appointment(councilTax, '09:30', { status: 'no_show' });
    await appointment(councilTax, '11:30', { arrived: '11:25' }); // waiting; its 10 minutes run to 11:40, after now
    await appointment(councilTax, '12:00', { status: 'booked' }); // not yet due

    // Walk-ins called (minutes from arrival to call). Registrars' site: 5, 20 and 12; council tax's: 45 and 3.
    await visit(registrars, { serviceId: registrars.serviceId, arrived: '09:00', called: '09:05' });
    await visit(registrars, { serviceId: null, arrived: '09:10', called: '09:30' });
    await visit(registrars, { serviceId: registrars.serviceId, arrived: '09:20', called: '09:32' });
    await visit(registrars, { serviceId: null, arrived: '09:40' }); // not called yet: not counted
    await visit(councilTax, { serviceId: councilTax.serviceId, arrived: '10:00', called: '10:45' });
    await visit(councilTax, { serviceId: null, arrived: '10:00', called: '10:03', left: true });
    // The day before: outside the period.
    await visit(registrars, { serviceId: null, arrived: '09:00', called: '10:40', day: '2027-03-01' });
  });
  after(() => database.drop());

  const summary = (line: FiguresLine) => ({
    due: line.appointmentsDue,
    noShows: line.noShows,
    noShowRate: line.noShowRate,
    measured: line.seenMeasured,
    within: line.seenWithinTarget,
    percent: line.percentSeenWithinTarget,
    walkIns: line.walkInsCalled,
    average: line.averageWalkInWait,
    p90: line.ninetiethPercentileWalkInWait,
  });

  it('counts the day in all, by site and by service', async () => {
    const figures = await appointmentFigures(db, councilId, period, NOW);
    // All: due 8, 2 did not come (25%); 2 of 4 in time (50%). Walk-ins 3, 5, 12, 20, 45:
    // average 17; 90th percentile at 0.9 × 4 = 3.6 places along, 20 + 0.6 × (45 − 20) = 35.
    assert.deepEqual(summary(figures.total), {
      due: 8,
      noShows: 2,
      noShowRate: 25,
      measured: 4,
      within: 2,
      percent: 50,
      walkIns: 5,
      average: 17,
      p90: 35,
    });
    const bySite = Object.fromEntries(figures.bySite.map((line) => [line.id, summary(line)]));
    // Registrars' site: walk-ins 5, 12, 20: average 12.3; 90th percentile 12 + 0.8 × 8 = 18.4.
    assert.deepEqual(bySite[registrars.siteId], {
      due: 5,
      noShows: 1,
      noShowRate: 20,
      measured: 3,
      within: 2,
      percent: 66.7,
      walkIns: 3,
      average: 12.3,
      p90: 18.4,
    });
    // Council tax's site: walk-ins 3 and 45: average 24; 90th percentile 3 + 0.9 × 42 = 40.8.
    assert.deepEqual(bySite[councilTax.siteId], {
      due: 3,
      noShows: 1,
      noShowRate: 33.3,
      measured: 1,
      within: 0,
      percent: 0,
      walkIns: 2,
      average: 24,
      p90: 40.8,
    });
    const byService = Object.fromEntries(figures.byService.map((line) => [line.id ?? 'none', summary(line)]));
    // Register a birth: walk-ins 5 and 12: average 8.5, 90th percentile 5 + 0.9 × 7 = 11.3.
    assert.deepEqual(byService[registrars.serviceId], { ...bySite[registrars.siteId], walkIns: 2, average: 8.5, p90: 11.3 });
    // Council Tax: one walk-in, 45.
    assert.deepEqual(byService[councilTax.serviceId], { ...bySite[councilTax.siteId], walkIns: 1, average: 45, p90: 45 });
    // No service named: walk-ins 20 and 3: average 11.5, 90th percentile 3 + 0.9 × 17 = 18.3; no appointments.
    assert.deepEqual(byService.none, {
      due: 0,
      noShows: 0,
      noShowRate: null,
      measured: 0,
      within: 0,
      percent: null,
      walkIns: 2,
      average: 11.5,
      p90: 18.3,
    });
    assert.equal(figures.bySite.find((line) => line.id === registrars.siteId)?.name?.startsWith('Castle Street'), true);
    assert.equal(figures.byService.find((line) => line.id === councilTax.serviceId)?.name, 'Council Tax');
  });

  it('judges the ten minutes of one still waiting once they are over', async () => {
    // At 11:41 the person waiting since 11:25 for 11:30 has missed them: 2 of 5 in time.
    const later = await appointmentFigures(db, councilId, period, at('11:41'));
    assert.deepEqual([later.total.seenWithinTarget, later.total.seenMeasured, later.total.percentSeenWithinTarget], [2, 5, 40]);
  });

  it('counts only the period asked, and only the council’s', async () => {
    const dayBefore = await appointmentFigures(db, councilId, { from: '2027-03-01', to: '2027-03-02' }, NOW);
    assert.deepEqual(summary(dayBefore.total), {
      due: 0,
      noShows: 0,
      noShowRate: null,
      measured: 0,
      within: 0,
      percent: null,
      walkIns: 1,
      average: 100,
      p90: 100,
    });
    const twoDays = await appointmentFigures(db, councilId, { from: '2027-03-01', to: '2027-03-03' }, NOW);
    assert.equal(twoDays.total.walkInsCalled, 6);
    const otherCouncil = await insertOrganisation(db, { code: 'other', name: 'Other Council', kind: 'council', councilId: null });
    const none = await appointmentFigures(db, otherCouncil, period, NOW);
    assert.deepEqual([none.total.appointmentsDue, none.total.walkInsCalled, none.bySite, none.byService], [0, 0, [], []]);
    await assert.rejects(appointmentFigures(db, councilId, { from: '2027-03-03', to: '2027-03-02' }), Invalid);
  });

  it('shows the figures to team leaders and performance analysts only', async () => {
    const service = createAppointmentFiguresService(db, { now: () => NOW });
    const analyst = (await aSignedInActor(db, ['performance_analyst'])).actor;
    const advisor = (await aSignedInActor(db, ['advisor'])).actor;
    assert.equal((await service.figures(analyst, period)).total.appointmentsDue, 8);
    await assert.rejects(service.figures(advisor, period), NotAllowed);
    const csv = await service.csv(analyst, period);
    assert.equal(csv.fileName, 'appointment-figures-2027-03-02-to-2027-03-02.csv');
    assert.ok(csv.content.startsWith('\uFEFFbreakdown,name,'));
  });
});
