import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KyselyPlugin } from 'kysely';
import { aPartnerAgency, aStaffMember } from '../../test/support/builders.ts';
import { freshDatabase, type TestDatabase } from '../../test/support/database.ts';
import type { Db } from '../db/database.ts';
import { insertOrganisation } from '../organisations/repo.ts';
import { systemActor, type StaffActor } from '../platform/actor.ts';
import { createAuthService } from '../platform/auth/service.ts';
import { Conflict, Invalid, NotAllowed, NotFound } from '../platform/errors.ts';
import { shippedBankHolidays } from './bankHolidays.ts';
import { addCalendarDays, addWorkingDays, isWorkingDay } from './calendar.ts';
import { createCalendarService, type CalendarService } from './calendarService.ts';

const system = systemActor('test');
// The service's "today" in these tests: Monday 23 November 2026, in the afternoon.
const NOW = new Date('2026-11-23T15:00:00Z');

describe('the calendar service', () => {
  let database: TestDatabase;
  let db: Db;
  let calendar: CalendarService;
  let councilId: string;
  let policeId: string;
  let otherCouncilId: string;
  let admin: StaffActor;
  let teamLeader: StaffActor;
  let advisor: StaffActor;
  let policeAdmin: StaffActor;
  let otherAdmin: StaffActor;

  before(async () => {
    database = await freshDatabase();
    db = database.db;
    calendar = createCalendarService(db, { now: () => NOW });
    councilId = await insertOrganisation(db, { code: 'borough', name: 'Borough Council', kind: 'council', councilId: null });
    otherCouncilId = await insertOrganisation(db, { code: 'county', name: 'County Council', kind: 'council', councilId: null });
    policeId = await aPartnerAgency(db, 'police', 'Borough Police');
    admin = await actorFor((await aStaffMember(db, { roles: ['admin'] })).id);
    teamLeader = await actorFor((await aStaffMember(db, { roles: ['team_leader'] })).id);
    advisor = await actorFor((await aStaffMember(db, { roles: ['advisor', 'officer', 'dpo'] })).id);
    policeAdmin = await actorFor((await aStaffMember(db, { roles: ['admin'], organisation: 'police' })).id);
    otherAdmin = await actorFor((await aStaffMember(db, { roles: ['admin'], organisation: 'county' })).id);
  });
  after(() => database.drop());

  async function actorFor(userId: string): Promise<StaffActor> {
    const staff = await createAuthService(db).signedInStaff(userId, '192.0.2.1');
    assert.ok(staff);
    return staff.actor;
  }

  const iso = (dates: { dueAt: Date; dueSoonAt: Date }) => ({
    dueSoonAt: dates.dueSoonAt.toISOString(),
    dueAt: dates.dueAt.toISOString(),
  });
  const auditOf = async (id: string) =>
    await db
      .selectFrom('audit_events')
      .select(['action', 'actor_label', 'organisation_id', 'changes'])
      .where('record_id', '=', id)
      .orderBy('id')
      .execute();

  describe('SLA dates', () => {
    const christmasEve = new Date('2026-12-24T10:00:00Z');

    it('count the shipped bank holidays: Christmas Eve 2026 with 1 working day is due by the end of Tuesday 29 December', async () => {
      assert.deepEqual(iso(await calendar.slaDates(councilId, christmasEve, 1)), {
        dueSoonAt: '2026-12-29T00:00:00.000Z',
        dueAt: '2026-12-30T00:00:00.000Z',
      });
      assert.equal((await calendar.slaDates(councilId, christmasEve, 2)).dueAt.toISOString(), '2026-12-31T00:00:00.000Z');
    });

    it('count the organisation’s closure days, and not another organisation’s', async () => {
      await calendar.addClosure(system, { organisationId: otherCouncilId, date: '2026-12-29', reason: 'County training day' });
      assert.equal((await calendar.slaDates(councilId, christmasEve, 1)).dueAt.toISOString(), '2026-12-30T00:00:00.000Z');

      await calendar.addClosure(admin, { date: '2026-12-29', reason: 'Christmas closure' });
      assert.deepEqual(iso(await calendar.slaDates(councilId, christmasEve, 1)), {
        dueSoonAt: '2026-12-30T00:00:00.000Z',
        dueAt: '2026-12-31T00:00:00.000Z',
      });
      assert.equal((await calendar.slaDates(otherCouncilId, christmasEve, 1)).dueAt.toISOString(), '2026-12-31T00:00:00.000Z');
    });

    it('give a partner agency its own closure days, not its council’s', async () => {
      // The council closes on the 29th (above); the police do not, but close on the 30th.
      assert.equal((await calendar.slaDates(policeId, christmasEve, 1)).dueAt.toISOString(), '2026-12-30T00:00:00.000Z');
      await calendar.addClosure(policeAdmin, { date: '2026-12-30', reason: 'Station refit' });
      assert.equal((await calendar.slaDates(policeId, christmasEve, 2)).dueAt.toISOString(), '2027-01-01T00:00:00.000Z');
    });

    it('refuse an SLA that is not a whole number of working days, before reading anything', async () => {
      await assert.rejects(calendar.slaDates(councilId, christmasEve, -1), RangeError);
      await assert.rejects(calendar.slaDates(councilId, christmasEve, 2.5), RangeError);
    });

    it('read the calendar in one query', async () => {
      let queries = 0;
      // Called once for each query run (transformQuery also sees each subquery as it is built).
      const counter: KyselyPlugin = {
        transformQuery: (args) => args.node,
        transformResult: async (args) => {
          queries += 1;
          return args.result;
        },
      };
      const counted = createCalendarService(db.withPlugin(counter), { now: () => NOW });
      await counted.slaDates(councilId, christmasEve, 10);
      assert.equal(queries, 1);
    });

    it('look further ahead when closure days run past the first window', async () => {
      // Closed every weekday of January and February 2027: a request on 4 January counts from Monday
      // 1 March, and its 20 working days (Good Friday and Easter Monday among them) end on 31 March.
      const startsAt = '2027-01-04';
      const closed: string[] = [];
      for (let date = startsAt; date < '2027-03-01'; date = addCalendarDays(date, 1)) {
        if (isWorkingDay(date, new Set())) closed.push(date);
      }
      const organisationId = await insertOrganisation(db, {
        code: 'shut',
        name: 'Shut Council',
        kind: 'council',
        councilId: null,
      });
      await db
        .insertInto('organisation_closures')
        .values(closed.map((date) => ({ organisation_id: organisationId, date, reason: 'Closed for the winter' })))
        .execute();
      const receivedAt = new Date('2027-01-04T09:00:00Z');
      const expected = addWorkingDays(
        receivedAt,
        20,
        new Set([...shippedBankHolidays().holidays.map((holiday) => holiday.date), ...closed]),
      );
      const dates = await calendar.slaDates(organisationId, receivedAt, 20);
      assert.deepEqual(iso(dates), iso(expected));
      assert.equal(dates.dueAt.toISOString(), '2027-03-31T23:00:00.000Z', 'the end of Wednesday 31 March, in BST');
    });
  });

  describe('closure days', () => {
    it('are added by the organisation’s administrators, with an audit record', async () => {
      const { id } = await calendar.addClosure(admin, { date: ' 2027-01-04 ', reason: '  Stocktake  ' });
      const row = await db.selectFrom('organisation_closures').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.deepEqual(
        { organisationId: row.organisation_id, date: row.date, reason: row.reason, createdBy: row.created_by },
        { organisationId: councilId, date: '2027-01-04', reason: 'Stocktake', createdBy: admin.id },
      );
      assert.deepEqual(await auditOf(id), [
        {
          action: 'closure.add',
          actor_label: admin.email,
          organisation_id: councilId,
          changes: { date: { from: null, to: '2027-01-04' }, reason: { from: null, to: 'Stocktake' } },
        },
      ]);
    });

    it('may be today but not a past day, a day more than 3 years ahead, or a day already closed', async () => {
      await calendar.addClosure(admin, { date: '2026-11-23', reason: 'Today' });
      const refusal = async (date: string, reason = 'Closed') => {
        try {
          await calendar.addClosure(admin, { date, reason });
        } catch (error) {
          assert.ok(error instanceof Invalid, String(error));
          return error.errors.map((problem) => `${problem.field}: ${problem.message}`);
        }
        assert.fail(`${date} was accepted`);
      };
      assert.deepEqual(await refusal('2026-11-20'), ['date: calendar.errors.datePast']);
      assert.deepEqual(await refusal('2030-01-01'), ['date: calendar.errors.dateTooFar']);
      assert.deepEqual(await refusal('2027-02-29'), ['date: calendar.errors.dateInvalid']);
      assert.deepEqual(await refusal('', ''), ['date: calendar.errors.dateMissing', 'reason: calendar.errors.reasonMissing']);
      assert.deepEqual(await refusal('2027-01-05', 'x'.repeat(201)), ['reason: calendar.errors.reasonTooLong']);
      assert.deepEqual(await refusal('2027-01-04'), ['date: calendar.errors.dateTaken']);
    });

    it('are listed coming ones first, soonest first, then past ones, latest first', async () => {
      const organisationId = await insertOrganisation(db, {
        code: 'list',
        name: 'List Council',
        kind: 'council',
        councilId: null,
      });
      await db
        .insertInto('organisation_closures')
        .values(
          ['2026-06-01', '2027-06-01', '2026-11-23', '2025-12-24', '2026-12-31'].map((date) => ({
            organisation_id: organisationId,
            date,
            reason: `Closed ${date}`,
          })),
        )
        .execute();
      const closures = await calendar.closures(system, organisationId);
      assert.deepEqual(
        closures.map((closure) => [closure.date, closure.upcoming]),
        [
          ['2026-11-23', true],
          ['2026-12-31', true],
          ['2027-06-01', true],
          ['2026-06-01', false],
          ['2025-12-24', false],
        ],
      );
    });

    it('may be read by team leaders but changed only by administrators, each in their own organisation', async () => {
      const closures = await calendar.closures(teamLeader);
      assert.ok(closures.some((closure) => closure.reason === 'Stocktake'));
      await assert.rejects(calendar.addClosure(teamLeader, { date: '2027-01-06', reason: 'Nope' }), NotAllowed);
      await assert.rejects(calendar.closures(advisor), NotAllowed);
      await assert.rejects(
        calendar.addClosure(admin, { organisationId: policeId, date: '2027-01-06', reason: 'Nope' }),
        NotAllowed,
      );
      const policeClosures = await calendar.closures(policeAdmin);
      assert.deepEqual(
        policeClosures.map((closure) => closure.reason),
        ['Station refit'],
      );
    });

    it('are removed by the organisation’s administrators, with an audit record, but not by anyone else', async () => {
      const { id } = await calendar.addClosure(admin, { date: '2027-02-01', reason: 'Moving offices' });
      await assert.rejects(calendar.removeClosure(otherAdmin, id), NotFound);
      await assert.rejects(calendar.removeClosure(policeAdmin, id), NotFound);
      await assert.rejects(calendar.removeClosure(teamLeader, id), NotAllowed);
      await assert.rejects(calendar.removeClosure(admin, 'not-an-id'), NotFound);
      await calendar.removeClosure(admin, id);
      assert.equal(await db.selectFrom('organisation_closures').select('id').where('id', '=', id).executeTakeFirst(), undefined);
      assert.deepEqual(
        (await auditOf(id)).map((event) => [event.action, event.changes]),
        [
          ['closure.add', { date: { from: null, to: '2027-02-01' }, reason: { from: null, to: 'Moving offices' } }],
          ['closure.remove', { date: { from: '2027-02-01', to: null }, reason: { from: 'Moving offices', to: null } }],
        ],
      );
      await assert.rejects(calendar.removeClosure(admin, id), NotFound);
    });

    it('stay once passed: a past closure day is history', async () => {
      const past = await db
        .insertInto('organisation_closures')
        .values({ organisation_id: councilId, date: '2026-11-20', reason: 'Last Friday' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await assert.rejects(calendar.removeClosure(admin, past.id), (error: unknown) => {
        assert.ok(error instanceof Conflict);
        assert.equal(error.reason, 'calendar.errors.closurePassed');
        return true;
      });
    });
  });

  describe('bank holidays', () => {
    it('lists the next 12 months’ with the names pages can translate', async () => {
      const holidays = await calendar.upcomingBankHolidays(12);
      assert.deepEqual(
        holidays.map((holiday) => [holiday.date, holiday.nameKey]),
        [
          ['2026-12-25', 'christmasDay'],
          ['2026-12-28', 'boxingDay'],
          ['2027-01-01', 'newYearsDay'],
          ['2027-03-26', 'goodFriday'],
          ['2027-03-29', 'easterMonday'],
          ['2027-05-03', 'earlyMay'],
          ['2027-05-31', 'spring'],
          ['2027-08-30', 'summer'],
        ],
      );
    });

    it('are replaced over the span a file covers, reporting what changed, in one audited transaction', async () => {
      const rows = () =>
        db.selectFrom('bank_holidays').select(['division', 'date', 'title']).orderBy('date').orderBy('division').execute();
      const before = await rows();
      const results = await calendar.importBankHolidays(system, [
        {
          division: 'england-and-wales',
          holidays: [
            { date: '2027-12-27', title: 'Christmas Day' }, // unchanged
            { date: '2027-12-28', title: 'Boxing Day (moved)' }, // changed; 2028-01-03 (New Year) removed below
            { date: '2028-01-04', title: 'New Year’s Day' }, // added
          ],
        },
        { division: 'scotland', holidays: [{ date: '2028-01-04', title: '2nd January' }] },
      ]);
      assert.deepEqual(results, [
        { division: 'england-and-wales', from: '2027-12-27', to: '2028-01-04', added: 1, changed: 1, removed: 1, unchanged: 1 },
        { division: 'scotland', from: '2028-01-04', to: '2028-01-04', added: 1, changed: 0, removed: 0, unchanged: 0 },
      ]);
      const after = await rows();
      const changed = after.filter((row) => !before.some((old) => JSON.stringify(old) === JSON.stringify(row)));
      const gone = before.filter((old) => !after.some((row) => JSON.stringify(old) === JSON.stringify(row)));
      assert.deepEqual(changed, [
        { division: 'england-and-wales', date: '2027-12-28', title: 'Boxing Day (moved)' },
        { division: 'england-and-wales', date: '2028-01-04', title: 'New Year’s Day' },
        { division: 'scotland', date: '2028-01-04', title: '2nd January' },
      ]);
      assert.deepEqual(gone, [
        { division: 'england-and-wales', date: '2027-12-28', title: 'Boxing Day' },
        { division: 'england-and-wales', date: '2028-01-03', title: 'New Year’s Day' },
      ]);
      const audit = await db
        .selectFrom('audit_events')
        .select(['actor_label', 'details'])
        .where('action', '=', 'bank_holidays.import')
        .orderBy('id')
        .execute();
      assert.deepEqual(
        audit.map((event) => event.details),
        results,
      );
      // Put the shipped days back for the other tests.
      await calendar.importBankHolidays(system, [shippedBankHolidays()]);
    });

    it('are imported by OneDoor itself, not by a person', async () => {
      await assert.rejects(calendar.importBankHolidays(admin, [shippedBankHolidays()]), NotAllowed);
    });
  });
});
