import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { shippedBankHolidays } from './bankHolidays.ts';
import {
  addCalendarDays,
  addWorkingDays,
  isWorkingDay,
  lastDueDay,
  londonDate,
  slaState,
  SLA_STATES,
  startOfLondonDay,
  workingDaysBetween,
  type ClosedDays,
} from './calendar.ts';

const BANK_HOLIDAYS: ClosedDays = new Set(shippedBankHolidays().holidays.map((holiday) => holiday.date));
const NONE: ClosedDays = new Set();
const at = (iso: string) => new Date(iso);

const londonClock = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hourCycle: 'h23',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
const londonTimeOf = (instant: Date) => londonClock.format(instant);

describe('working days', () => {
  it('are Monday to Friday', () => {
    assert.deepEqual(
      ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29'].map((date) =>
        isWorkingDay(date, NONE),
      ),
      [true, true, true, true, true, false, false],
    );
  });

  it('leave out bank holidays and closure days', () => {
    assert.equal(isWorkingDay('2026-12-25', BANK_HOLIDAYS), false, 'Christmas Day');
    assert.equal(isWorkingDay('2026-12-28', BANK_HOLIDAYS), false, 'Boxing Day, moved to the Monday');
    assert.equal(isWorkingDay('2026-12-29', BANK_HOLIDAYS), true);
    assert.equal(isWorkingDay('2026-12-29', new Set(['2026-12-29'])), false);
  });

  it('refuse what is not a date', () => {
    assert.throws(() => isWorkingDay('2026-02-30', NONE), RangeError);
    assert.throws(() => isWorkingDay('29/12/2026', NONE), RangeError);
  });
});

describe('London midnight', () => {
  it('is midnight UTC in winter and 23:00 UTC the day before in summer', () => {
    assert.equal(startOfLondonDay('2026-01-15').toISOString(), '2026-01-15T00:00:00.000Z');
    assert.equal(startOfLondonDay('2026-07-15').toISOString(), '2026-07-14T23:00:00.000Z');
  });

  it('is right on the days the clocks change (they change at 01:00 UTC)', () => {
    assert.equal(startOfLondonDay('2026-03-29').toISOString(), '2026-03-29T00:00:00.000Z', 'clocks go forward that night');
    assert.equal(startOfLondonDay('2026-03-30').toISOString(), '2026-03-29T23:00:00.000Z');
    assert.equal(startOfLondonDay('2026-10-25').toISOString(), '2026-10-24T23:00:00.000Z', 'clocks go back that night');
    assert.equal(startOfLondonDay('2026-10-26').toISOString(), '2026-10-26T00:00:00.000Z');
  });

  it('reads 00:00:00 on a London clock and begins the day it names, every day from 2018 to 2030', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 13 * 366 }), (offset) => {
        const date = addCalendarDays('2018-01-01', offset);
        const start = startOfLondonDay(date);
        assert.equal(londonTimeOf(start), '00:00:00');
        assert.equal(londonDate(start), date);
        assert.equal(londonDate(new Date(start.getTime() - 1)), addCalendarDays(date, -1));
      }),
      { numRuns: 500 },
    );
  });
});

describe('the due date of a service standard in working days', () => {
  const due = (receivedAt: string, days: number, closed: ClosedDays = BANK_HOLIDAYS) => {
    const { dueAt, dueSoonAt } = addWorkingDays(at(receivedAt), days, closed);
    return { dueAt: dueAt.toISOString(), dueSoonAt: dueSoonAt.toISOString() };
  };

  it('does not count the day of receipt: a request on Monday with 1 day is due by the end of Tuesday', () => {
    assert.deepEqual(due('2026-11-23T09:30:00Z', 1), {
      dueSoonAt: '2026-11-24T00:00:00.000Z',
      dueAt: '2026-11-25T00:00:00.000Z',
    });
  });

  it('runs over the weekend: Friday afternoon with 1 day is due by the end of Monday', () => {
    assert.deepEqual(due('2026-11-27T16:45:00Z', 1), {
      dueSoonAt: '2026-11-30T00:00:00.000Z',
      dueAt: '2026-12-01T00:00:00.000Z',
    });
  });

  it('counts a request received at a weekend from Monday: Saturday with 1 day is due by the end of Tuesday', () => {
    assert.deepEqual(due('2026-11-28T10:00:00Z', 1), due('2026-11-30T08:00:00Z', 1));
    assert.equal(due('2026-11-28T10:00:00Z', 1).dueAt, '2026-12-02T00:00:00.000Z');
  });

  it('skips Christmas: Thursday 24 December 2026 with 2 days is due by the end of Wednesday 30 December', () => {
    // 25 December is a Friday; Boxing Day, a Saturday, is moved to Monday 28 December. The first
    // working day after the 24th is Tuesday the 29th; the second, Wednesday the 30th.
    assert.deepEqual(due('2026-12-24T10:00:00Z', 1), {
      dueSoonAt: '2026-12-29T00:00:00.000Z',
      dueAt: '2026-12-30T00:00:00.000Z',
    });
    assert.deepEqual(due('2026-12-24T10:00:00Z', 2), {
      dueSoonAt: '2026-12-30T00:00:00.000Z',
      dueAt: '2026-12-31T00:00:00.000Z',
    });
    // What residents and staff are told: the last day, not the midnight that ends it.
    assert.equal(lastDueDay(new Date('2026-12-31T00:00:00.000Z')), '2026-12-30');
    // In summer the midnight that ends 30 June in London is 23:00 on the 30th in UTC.
    assert.equal(lastDueDay(new Date('2026-06-30T23:00:00.000Z')), '2026-06-30');
  });

  it('skips an organisation’s closure days as it does bank holidays', () => {
    // Closed from the 29th to the 31st; 1 January is New Year's Day: the 2nd working day is Tuesday 5 January.
    const closed = new Set([...BANK_HOLIDAYS, '2026-12-29', '2026-12-30', '2026-12-31']);
    assert.equal(due('2026-12-24T10:00:00Z', 2, closed).dueAt, '2027-01-06T00:00:00.000Z');
  });

  it('counts a request received on a bank holiday from the next working day', () => {
    assert.deepEqual(due('2026-12-25T11:00:00Z', 1), due('2026-12-29T11:00:00Z', 1));
  });

  it('takes the day of receipt in London: 00:30 on a summer Tuesday is Tuesday, though it is Monday in UTC', () => {
    // Monday 1 June 2026, 23:30 UTC is 00:30 on Tuesday 2 June in London.
    assert.deepEqual(due('2026-06-01T23:30:00Z', 1), {
      dueSoonAt: '2026-06-02T23:00:00.000Z',
      dueAt: '2026-06-03T23:00:00.000Z',
    });
  });

  it('ends at London midnight when the clocks go forward or back in between', () => {
    // Friday 27 March 2026 (GMT) with 1 day: Monday 30 March, after the clocks went forward.
    assert.deepEqual(due('2026-03-27T10:00:00Z', 1), {
      dueSoonAt: '2026-03-29T23:00:00.000Z',
      dueAt: '2026-03-30T23:00:00.000Z',
    });
    // Friday 23 October 2026 (BST) with 1 day: Monday 26 October, after the clocks went back.
    assert.deepEqual(due('2026-10-23T10:00:00Z', 1), {
      dueSoonAt: '2026-10-26T00:00:00.000Z',
      dueAt: '2026-10-27T00:00:00.000Z',
    });
  });

  it('with 0 days is due by the end of the day of receipt', () => {
    assert.deepEqual(due('2026-11-23T09:30:00Z', 0), {
      dueSoonAt: '2026-11-23T00:00:00.000Z',
      dueAt: '2026-11-24T00:00:00.000Z',
    });
  });

  it('refuses a number of days that is not a whole number from 0', () => {
    for (const days of [-1, 1.5, Number.NaN, 100_000]) {
      assert.throws(() => addWorkingDays(at('2026-11-23T09:30:00Z'), days, NONE), RangeError, String(days));
    }
    assert.throws(() => addWorkingDays(new Date(Number.NaN), 1, NONE), RangeError);
  });
});

describe('the due date, for any request', () => {
  // Any instant from 2018 to 2028, where the shipped bank holidays are known.
  const anInstant = fc
    .date({ min: at('2018-01-01T00:00:00Z'), max: at('2028-10-31T23:59:59Z'), noInvalidDate: true })
    .map((date) => new Date(date.getTime()));
  const someDays = fc.integer({ min: 0, max: 60 });
  // Bank holidays plus up to 40 closure days of one organisation.
  const closedDays = fc
    .uniqueArray(fc.integer({ min: 0, max: 11 * 366 }), { maxLength: 40 })
    .map((offsets) => new Set([...BANK_HOLIDAYS, ...offsets.map((offset) => addCalendarDays('2018-01-01', offset))]));

  it('falls due at the end of a working day, at London midnight', () => {
    fc.assert(
      fc.property(anInstant, someDays, closedDays, (receivedAt, days, closed) => {
        const { dueAt, dueSoonAt } = addWorkingDays(receivedAt, days, closed);
        const lastDay = londonDate(dueSoonAt);
        assert.ok(isWorkingDay(lastDay, closed), `${lastDay} is a working day`);
        assert.equal(londonTimeOf(dueSoonAt), '00:00:00');
        assert.equal(londonTimeOf(dueAt), '00:00:00');
        assert.equal(dueSoonAt.getTime(), startOfLondonDay(lastDay).getTime());
        assert.equal(dueAt.getTime(), startOfLondonDay(addCalendarDays(lastDay, 1)).getTime());
        // 23, 24 or 25 hours: the last day is one calendar day, whatever the clocks do.
        assert.ok([23, 24, 25].includes((dueAt.getTime() - dueSoonAt.getTime()) / 3_600_000));
      }),
      { numRuns: 300 },
    );
  });

  it('counts back to the same number of working days', () => {
    fc.assert(
      fc.property(anInstant, someDays, closedDays, (receivedAt, days, closed) => {
        const { dueAt, dueSoonAt } = addWorkingDays(receivedAt, days, closed);
        assert.equal(workingDaysBetween(receivedAt, dueSoonAt, closed), days);
        assert.equal(workingDaysBetween(receivedAt, new Date(dueAt.getTime() - 1), closed), days);
      }),
      { numRuns: 300 },
    );
  });

  it('treats a request received on a day off as received at any time of the next working day', () => {
    fc.assert(
      fc.property(anInstant, someDays, closedDays, fc.integer({ min: 0, max: 86_399_999 }), (receivedAt, days, closed, ms) => {
        const day = londonDate(receivedAt);
        fc.pre(!isWorkingDay(day, closed));
        let next = addCalendarDays(day, 1);
        while (!isWorkingDay(next, closed)) next = addCalendarDays(next, 1);
        const sometimeThatDay = new Date(
          Math.min(startOfLondonDay(next).getTime() + ms, startOfLondonDay(addCalendarDays(next, 1)).getTime() - 1),
        );
        assert.deepEqual(addWorkingDays(receivedAt, days, closed), addWorkingDays(sometimeThatDay, days, closed));
      }),
      { numRuns: 300 },
    );
  });

  it('is later than the request for at least 1 day, and never earlier for more days or a later request', () => {
    fc.assert(
      fc.property(anInstant, anInstant, someDays, closedDays, (first, second, days, closed) => {
        const [earlier, later] = first <= second ? [first, second] : [second, first];
        const one = addWorkingDays(earlier, days, closed);
        if (days > 0) assert.ok(one.dueSoonAt > earlier);
        assert.ok(addWorkingDays(earlier, days + 1, closed).dueAt > one.dueAt);
        assert.ok(addWorkingDays(later, days, closed).dueAt >= one.dueAt);
      }),
      { numRuns: 300 },
    );
  });
});

describe('working days between two times', () => {
  it('counts the working days after the day of receipt up to and including the day of the second', () => {
    const closed = BANK_HOLIDAYS;
    assert.equal(workingDaysBetween(at('2026-11-23T09:00:00Z'), at('2026-11-23T17:00:00Z'), closed), 0, 'the same day');
    assert.equal(workingDaysBetween(at('2026-11-23T09:00:00Z'), at('2026-11-24T08:00:00Z'), closed), 1);
    assert.equal(workingDaysBetween(at('2026-11-27T16:00:00Z'), at('2026-11-30T10:00:00Z'), closed), 1, 'Friday to Monday');
    assert.equal(workingDaysBetween(at('2026-12-24T10:00:00Z'), at('2027-01-04T10:00:00Z'), closed), 4, 'over Christmas');
  });

  it('is 0 when the second time is not after the first', () => {
    assert.equal(workingDaysBetween(at('2026-11-25T09:00:00Z'), at('2026-11-20T09:00:00Z'), NONE), 0);
  });
});

describe('the state of a case against its SLA', () => {
  const dueSoonAt = at('2026-11-24T00:00:00Z');
  const dueAt = at('2026-11-25T00:00:00Z');

  it('is on track before its last day, due soon on it, and overdue from its end', () => {
    assert.equal(slaState(dueAt, dueSoonAt, at('2026-11-23T23:59:59Z')), 'on_track');
    assert.equal(slaState(dueAt, dueSoonAt, dueSoonAt), 'due_soon');
    assert.equal(slaState(dueAt, dueSoonAt, at('2026-11-24T23:59:59Z')), 'due_soon');
    assert.equal(slaState(dueAt, dueSoonAt, dueAt), 'overdue');
  });

  it('judges a closed case at the time it was closed, however late it is now', () => {
    const now = at('2027-03-01T12:00:00Z');
    assert.equal(slaState(dueAt, dueSoonAt, now, at('2026-11-23T15:00:00Z')), 'on_track');
    assert.equal(slaState(dueAt, dueSoonAt, now, at('2026-11-24T15:00:00Z')), 'due_soon');
    assert.equal(slaState(dueAt, dueSoonAt, now, at('2026-11-25T15:00:00Z')), 'overdue');
    assert.equal(slaState(dueAt, dueSoonAt, now, null), 'overdue');
  });

  it('is one of the SLA states', () => {
    assert.deepEqual([...SLA_STATES], ['on_track', 'due_soon', 'overdue']);
  });
});
