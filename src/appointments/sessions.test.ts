import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkSession, inWeekOrder, overlaps, timeOfDay, type Session } from './sessions.ts';

const E = 'appointments.sites.errors';
const monday = (opens: string, closes: string, place: string | null = null): Session => ({ weekday: 1, opens, closes, place });

/** The fields and messages of a refused session, or the session taken. */
const judged = (...args: Parameters<typeof checkSession>) => {
  const result = checkSession(...args);
  return result.ok ? result.session : result.errors.map(({ field, message }) => `${field}: ${message.replace(`${E}.`, '')}`);
};

describe('a time of day', () => {
  it('is read as people type it, and written HH:MM', () => {
    assert.deepEqual(['9:30', '09:30', '0930', '9.30', '17:05', '09:30:00', '00:00', '23:55'].map(timeOfDay), [
      '09:30',
      '09:30',
      '09:30',
      '09:30',
      '17:05',
      '09:30',
      '00:00',
      '23:55',
    ]);
  });

  it('is not a time when it is not one', () => {
    assert.deepEqual(
      ['', '24:00', '12:60', 'nine', '9', '9:3', '9am', '-1:00', '12:00:30'].map(timeOfDay),
      Array(9).fill(undefined),
    );
  });
});

describe('a one-stop shop’s opening hours', () => {
  it('are taken when the times are on the five minutes and it closes after it opens', () => {
    assert.deepEqual(judged('one_stop_shop', { weekday: '1', opens: '9:00', closes: '17:00' }, []), monday('09:00', '17:00'));
    assert.deepEqual(judged('one_stop_shop', { weekday: 7, opens: '10:05', closes: '10:10' }, []), {
      weekday: 7,
      opens: '10:05',
      closes: '10:10',
      place: null,
    });
  });

  it('need a weekday, and times that are times', () => {
    assert.deepEqual(judged('one_stop_shop', { weekday: '8', opens: '', closes: 'noon' }, []), [
      'weekday: weekdayMissing',
      'opens: opensMissing',
      'closes: closesInvalid',
    ]);
    assert.deepEqual(judged('one_stop_shop', { weekday: '0', opens: '25:00', closes: '' }, []), [
      'weekday: weekdayMissing',
      'opens: opensInvalid',
      'closes: closesMissing',
    ]);
  });

  it('start and end on the five minutes', () => {
    assert.deepEqual(judged('one_stop_shop', { weekday: 1, opens: '09:02', closes: '17:03' }, []), [
      'opens: timeNotOnFive',
      'closes: timeNotOnFive',
    ]);
  });

  it('close after they open', () => {
    assert.deepEqual(judged('one_stop_shop', { weekday: 1, opens: '17:00', closes: '09:00' }, []), ['closes: closesBeforeOpens']);
    assert.deepEqual(judged('one_stop_shop', { weekday: 1, opens: '09:00', closes: '09:00' }, []), ['closes: closesBeforeOpens']);
  });

  it('have no place: that is for the bus', () => {
    assert.deepEqual(judged('one_stop_shop', { weekday: 1, opens: '09:00', closes: '12:00', place: 'Market Square' }, []), [
      'place: placeNotForShop',
    ]);
    assert.deepEqual(
      judged('one_stop_shop', { weekday: 1, opens: '09:00', closes: '12:00', place: '  ' }, []),
      monday('09:00', '12:00'),
    );
  });

  it('do not overlap another session that day, but may begin as it ends, and say which they overlap', () => {
    const week = [monday('09:00', '12:30'), { ...monday('13:30', '17:00'), weekday: 2 as const }];
    const clash = checkSession('one_stop_shop', { weekday: 1, opens: '12:00', closes: '16:00' }, week);
    assert.equal(clash.ok, false);
    assert.deepEqual(!clash.ok && clash.errors, [
      { field: 'opens', message: `${E}.sessionOverlaps`, params: { opens: '09:00', closes: '12:30' } },
    ]);
    assert.deepEqual(judged('one_stop_shop', { weekday: 1, opens: '08:00', closes: '17:00' }, week), ['opens: sessionOverlaps']);
    assert.deepEqual(judged('one_stop_shop', { weekday: 1, opens: '12:30', closes: '16:00' }, week), monday('12:30', '16:00'));
    assert.deepEqual(judged('one_stop_shop', { weekday: 1, opens: '07:00', closes: '09:00' }, week), monday('07:00', '09:00'));
    // Tuesday's afternoon is another day's.
    assert.deepEqual(judged('one_stop_shop', { weekday: 1, opens: '13:30', closes: '17:00' }, week), monday('13:30', '17:00'));
  });
});

describe('the bus’s timetable', () => {
  it('says where each stop is', () => {
    assert.deepEqual(
      judged('mobile_bus', { weekday: '3', opens: '10:00', closes: '12:00', place: ' Market Square, Whitchurch ' }, []),
      { weekday: 3, opens: '10:00', closes: '12:00', place: 'Market Square, Whitchurch' },
    );
    assert.deepEqual(judged('mobile_bus', { weekday: '3', opens: '10:00', closes: '12:00' }, []), ['place: placeMissing']);
    assert.deepEqual(judged('mobile_bus', { weekday: '3', opens: '10:00', closes: '12:00', place: 'x'.repeat(201) }, []), [
      'place: placeTooLong',
    ]);
  });

  it('has one stop at a time', () => {
    const stops = [{ weekday: 3 as const, opens: '10:00', closes: '12:00', place: 'Market Square' }];
    assert.deepEqual(judged('mobile_bus', { weekday: 3, opens: '11:55', closes: '14:00', place: 'Library car park' }, stops), [
      'opens: sessionOverlaps',
    ]);
    assert.equal(
      checkSession('mobile_bus', { weekday: 3, opens: '12:00', closes: '14:00', place: 'Library car park' }, stops).ok,
      true,
    );
  });
});

describe('overlapping sessions', () => {
  const session = fc
    .record({ weekday: fc.constantFrom(1, 2), start: fc.integer({ min: 0, max: 286 }), length: fc.integer({ min: 1, max: 40 }) })
    .map(({ weekday, start, length }) => {
      const time = (step: number) => {
        const minutes = Math.min(step, 287) * 5;
        return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
      };
      return { weekday: weekday as 1 | 2, opens: time(start), closes: time(start + length), place: null };
    })
    .filter((s) => s.opens < s.closes);

  it('is symmetric, and a session overlaps itself', () => {
    fc.assert(
      fc.property(session, session, (a, b) => {
        assert.equal(overlaps(a, b), overlaps(b, a));
        assert.ok(overlaps(a, a));
      }),
    );
  });

  it('is exactly sharing a five-minute step of the same day', () => {
    const steps = (s: Session) => {
      const set = new Set<string>();
      for (let m = Number(s.opens.slice(0, 2)) * 60 + Number(s.opens.slice(3)); ; m += 5) {
        if (m >= Number(s.closes.slice(0, 2)) * 60 + Number(s.closes.slice(3))) break;
        set.add(`${s.weekday}-${m}`);
      }
      return set;
    };
    fc.assert(
      fc.property(session, session, (a, b) => {
        const shared = [...steps(a)].some((step) => steps(b).has(step));
        assert.equal(overlaps(a, b), shared);
      }),
    );
  });

  it('are listed Monday first, earliest first', () => {
    assert.deepEqual(
      inWeekOrder([
        { weekday: 2, opens: '09:00' },
        { weekday: 1, opens: '13:00' },
        { weekday: 1, opens: '09:00' },
      ]),
      [
        { weekday: 1, opens: '09:00' },
        { weekday: 1, opens: '13:00' },
        { weekday: 2, opens: '09:00' },
      ],
    );
  });
});
