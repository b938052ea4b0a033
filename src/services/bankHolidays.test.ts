import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  BankHolidayFileError,
  parseBankHolidays,
  readBankHolidaysFile,
  shippedBankHolidays,
  usualNameKey,
  USUAL_NAME_KEYS,
} from './bankHolidays.ts';
import { addCalendarDays } from './calendar.ts';

/** Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm). */
function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const weekday = (date: string) => new Date(`${date}T12:00:00Z`).getUTCDay();

describe('the shipped bank holidays of England and Wales', () => {
  const { division, holidays } = shippedBankHolidays();
  const titleOn = new Map(holidays.map((holiday) => [holiday.date, holiday.title]));
  const years = Array.from({ length: 11 }, (_, index) => 2018 + index);

  it('cover 2018 to 2028, on weekdays only, in date order', () => {
    assert.equal(division, 'england-and-wales');
    assert.deepEqual([...new Set(holidays.map((holiday) => Number(holiday.date.slice(0, 4))))], years);
    assert.deepEqual(
      holidays.filter((holiday) => [0, 6].includes(weekday(holiday.date))),
      [],
    );
    assert.deepEqual(
      holidays.map((holiday) => holiday.date),
      holidays.map((holiday) => holiday.date).sort(),
    );
  });

  it('put Good Friday and Easter Monday around Easter Sunday each year', () => {
    for (const year of years) {
      assert.equal(titleOn.get(addCalendarDays(easterSunday(year), -2)), 'Good Friday', `${year}`);
      assert.equal(titleOn.get(addCalendarDays(easterSunday(year), 1)), 'Easter Monday', `${year}`);
    }
  });

  it('have eight a year, and the extra days of 2022 and 2023', () => {
    const count = (year: number) => holidays.filter((holiday) => holiday.date.startsWith(`${year}`)).length;
    assert.deepEqual(
      years.map(count),
      years.map((year) => (year === 2022 ? 10 : year === 2023 ? 9 : 8)),
    );
  });

  it('move the days that moved', () => {
    assert.equal(titleOn.get('2020-05-08'), 'Early May bank holiday (VE day)');
    assert.equal(titleOn.get('2020-05-04'), undefined);
    assert.equal(titleOn.get('2022-06-02'), 'Spring bank holiday');
    assert.equal(titleOn.get('2022-06-03'), 'Platinum Jubilee bank holiday');
    assert.equal(titleOn.get('2022-05-30'), undefined);
    assert.equal(titleOn.get('2022-09-19'), 'Bank Holiday for the State Funeral of Queen Elizabeth II');
    assert.equal(titleOn.get('2023-05-08'), 'Bank holiday for the coronation of King Charles III');
  });

  it('give substitute days when Christmas, Boxing Day or New Year’s Day fall at a weekend', () => {
    assert.equal(titleOn.get('2020-12-28'), 'Boxing Day');
    assert.equal(titleOn.get('2021-12-27'), 'Christmas Day');
    assert.equal(titleOn.get('2021-12-28'), 'Boxing Day');
    assert.equal(titleOn.get('2022-01-03'), 'New Year’s Day');
    assert.equal(titleOn.get('2022-12-26'), 'Boxing Day');
    assert.equal(titleOn.get('2022-12-27'), 'Christmas Day');
    assert.equal(titleOn.get('2023-01-02'), 'New Year’s Day');
    assert.equal(titleOn.get('2026-12-28'), 'Boxing Day');
    assert.equal(titleOn.get('2027-12-27'), 'Christmas Day');
    assert.equal(titleOn.get('2027-12-28'), 'Boxing Day');
    assert.equal(titleOn.get('2028-01-03'), 'New Year’s Day');
  });

  it('name the usual days so that pages can say them in Welsh', () => {
    const keys = new Set(holidays.map((holiday) => usualNameKey(holiday.title)).filter(Boolean));
    assert.deepEqual([...keys].sort(), [...USUAL_NAME_KEYS].sort());
    assert.equal(usualNameKey("New Year's Day"), 'newYearsDay', 'a straight apostrophe too');
    assert.equal(usualNameKey('Platinum Jubilee bank holiday'), undefined);
  });
});

describe('reading GOV.UK’s bank holidays file', () => {
  const event = (date: string, title = 'Bank holiday') => ({ title, date, notes: '', bunting: true });
  const problemsOf = (document: unknown): string[] => {
    try {
      parseBankHolidays(document);
    } catch (error) {
      assert.ok(error instanceof BankHolidayFileError);
      return error.problems;
    }
    assert.fail('expected the document to be refused');
  };

  it('takes the whole file, with all three divisions', () => {
    const divisions = parseBankHolidays({
      'england-and-wales': { division: 'england-and-wales', events: [event('2029-01-01', ' New Year’s Day ')] },
      scotland: { division: 'scotland', events: [event('2029-01-02', '2nd January'), event('2029-01-01', 'New Year’s Day')] },
      'northern-ireland': { division: 'northern-ireland', events: [event('2029-03-17', 'St Patrick’s Day')] },
    });
    assert.deepEqual(divisions, [
      { division: 'england-and-wales', holidays: [{ date: '2029-01-01', title: 'New Year’s Day' }] },
      {
        division: 'scotland',
        holidays: [
          { date: '2029-01-01', title: 'New Year’s Day' },
          { date: '2029-01-02', title: '2nd January' },
        ],
      },
      { division: 'northern-ireland', holidays: [{ date: '2029-03-17', title: 'St Patrick’s Day' }] },
    ]);
  });

  it('takes one division’s object', () => {
    assert.deepEqual(parseBankHolidays({ division: 'scotland', events: [event('2029-11-30', 'St Andrew’s Day')] }), [
      { division: 'scotland', holidays: [{ date: '2029-11-30', title: 'St Andrew’s Day' }] },
    ]);
  });

  it('lists every problem, with where it is', () => {
    assert.deepEqual(
      problemsOf({
        'england-and-wales': {
          division: 'england-and-wales',
          events: [event('2029-02-30'), { date: '2029-05-07' }, event('2029-05-28'), event('2029-05-28'), 'Christmas'],
        },
        wales: { division: 'england-and-wales', events: [] },
        scotland: { division: 'england-and-wales', events: [event('2029-01-01')] },
      }),
      [
        'unknown division "wales" (divisions: england-and-wales, scotland, northern-ireland)',
        'england-and-wales.events[0]: date "2029-02-30" is not a date (YYYY-MM-DD)',
        'england-and-wales.events[1]: title is missing',
        'england-and-wales.events[3]: 2029-05-28 is listed twice',
        'england-and-wales.events[4] is not an event ({"title", "date", ...})',
        'scotland: says it is the division "england-and-wales"',
      ],
    );
  });

  it('refuses what is not bank holidays at all', () => {
    assert.match(problemsOf([])[0]!, /not a JSON object/);
    assert.match(problemsOf({})[0]!, /no divisions/);
    assert.match(problemsOf({ division: 'wales', events: [] })[0]!, /division "wales" is not one of/);
    assert.match(problemsOf({ division: 'scotland', events: {} })[0]!, /events is not a list/);
    assert.match(problemsOf({ division: 'scotland', events: [] })[0]!, /events is empty/);
    assert.match(problemsOf({ division: 'scotland', events: [event('2029-01-01', 'x'.repeat(201))] })[0]!, /longer than 200/);
  });

  it('reads a file, and says plainly when it is not JSON', () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'onedoor-bank-holidays-'));
    try {
      const good = path.join(directory, 'good.json');
      fs.writeFileSync(
        good,
        `\uFEFF${JSON.stringify({ division: 'scotland', events: [event('2029-08-06', 'Summer bank holiday')] })}`,
      );
      assert.equal(readBankHolidaysFile(good)[0]?.holidays.length, 1);
      const bad = path.join(directory, 'bad.json');
      fs.writeFileSync(bad, '{"division": ');
      assert.throws(
        () => readBankHolidaysFile(bad),
        (error: unknown) => {
          assert.ok(error instanceof BankHolidayFileError);
          assert.match(error.message, /^the file is not JSON/);
          return true;
        },
      );
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });
});
