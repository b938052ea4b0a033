// `onedoor import bank-holidays FILE.json` from outside: the real command as a child process
// against a database of its own, on small files in GOV.UK's format written for each case.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Division } from '../../src/services/bankHolidays.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';
import { cleanUp, linesOf, newDataDir, runOneDoor } from './support.ts';

const SLOW = { timeout: 300_000 };

const event = (date: string, title: string, notes = '') => ({ title, date, notes, bunting: true });

describe('onedoor import bank-holidays', () => {
  let database: TestDatabase;
  let env: Record<string, string>;
  let directory: string;
  before(async () => {
    database = await freshDatabase();
    directory = newDataDir('bank-holidays');
    env = { DATABASE_URL: database.url, DATA_DIR: directory };
  });
  after(async () => {
    await database.drop();
    await cleanUp();
  });

  function aFile(name: string, content: unknown): string {
    const file = path.join(directory, name);
    fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    return file;
  }

  const holidays = async (division: Division, from: string, to: string) =>
    await database.db
      .selectFrom('bank_holidays')
      .select(['date', 'title'])
      .where('division', '=', division)
      .where('date', '>=', from)
      .where('date', '<=', to)
      .orderBy('date')
      .execute();

  it('takes GOV.UK’s whole file, replaces each division’s days over its span, and reports the counts', SLOW, async () => {
    const file = aFile('bank-holidays.json', {
      'england-and-wales': {
        division: 'england-and-wales',
        events: [
          event('2028-12-25', 'Christmas Day'), // as shipped
          event('2028-12-26', 'Boxing Day'), // as shipped
          event('2028-12-27', 'Bank holiday for a royal wedding'), // new
          event('2029-01-01', 'New Year’s Day'), // new
        ],
      },
      scotland: {
        division: 'scotland',
        events: [event('2029-01-01', 'New Year’s Day'), event('2029-01-02', '2nd January')],
      },
      'northern-ireland': {
        division: 'northern-ireland',
        events: [event('2029-03-19', 'St Patrick’s Day', 'Substitute day')],
      },
    });
    const outcome = await runOneDoor(['import', 'bank-holidays', file], { env });
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.deepEqual(linesOf(outcome.stdout), [
      'england-and-wales (2028-12-25 to 2029-01-01): 2 added, 0 changed, 0 removed, 2 unchanged',
      'scotland (2029-01-01 to 2029-01-02): 2 added, 0 changed, 0 removed, 0 unchanged',
      'northern-ireland (2029-03-19 to 2029-03-19): 1 added, 0 changed, 0 removed, 0 unchanged',
    ]);
    assert.deepEqual(await holidays('england-and-wales', '2028-12-01', '2029-12-31'), [
      { date: '2028-12-25', title: 'Christmas Day' },
      { date: '2028-12-26', title: 'Boxing Day' },
      { date: '2028-12-27', title: 'Bank holiday for a royal wedding' },
      { date: '2029-01-01', title: 'New Year’s Day' },
    ]);
    assert.equal((await holidays('scotland', '2029-01-01', '2029-12-31')).length, 2);
    const audit = await database.db
      .selectFrom('audit_events')
      .select(['actor_label', 'details'])
      .where('action', '=', 'bank_holidays.import')
      .execute();
    assert.deepEqual(
      audit.map((event) => event.actor_label),
      ['cli', 'cli', 'cli'],
    );
  });

  it('takes one division’s object, and removes a day the file no longer lists within its span', SLOW, async () => {
    // The royal wedding is cancelled; Boxing Day is renamed.
    const file = aFile('england-and-wales.json', {
      division: 'england-and-wales',
      events: [
        event('2028-12-25', 'Christmas Day'),
        event('2028-12-26', 'Boxing Day (St Stephen’s Day)'),
        event('2029-01-01', 'New Year’s Day'),
      ],
    });
    const outcome = await runOneDoor(['import', 'bank-holidays', file], { env });
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.deepEqual(linesOf(outcome.stdout), [
      'england-and-wales (2028-12-25 to 2029-01-01): 0 added, 1 changed, 1 removed, 2 unchanged',
    ]);
    assert.deepEqual(await holidays('england-and-wales', '2028-12-01', '2029-12-31'), [
      { date: '2028-12-25', title: 'Christmas Day' },
      { date: '2028-12-26', title: 'Boxing Day (St Stephen’s Day)' },
      { date: '2029-01-01', title: 'New Year’s Day' },
    ]);
    assert.equal((await holidays('england-and-wales', '2018-01-01', '2028-12-24')).length, 89, 'earlier years untouched');
  });

  it(
    'refuses, with exit 2 and nothing changed, a file with any bad event, what is not JSON, and a missing file',
    SLOW,
    async () => {
      const before = await holidays('england-and-wales', '2018-01-01', '2030-12-31');
      // Refusals change nothing, so the five run side by side.
      const [bad, wales, notJson, missing, usage] = await Promise.all([
        runOneDoor(
          [
            'import',
            'bank-holidays',
            aFile('bad.json', {
              division: 'england-and-wales',
              events: [event('2029-04-02', 'Easter Monday'), event('2029-02-30', 'Leap day'), { date: '2029-05-07' }],
            }),
          ],
          { env },
        ),
        runOneDoor(['import', 'bank-holidays', aFile('wales.json', { wales: { division: 'wales', events: [] } })], { env }),
        runOneDoor(['import', 'bank-holidays', aFile('holidays.csv', 'date,title\n2029-04-02,Easter Monday\n')], { env }),
        runOneDoor(['import', 'bank-holidays', path.join(directory, 'absent.json')], { env }),
        runOneDoor(['import', 'bank-holidays'], { env }),
      ]);
      assert.equal(bad.code, 2);
      assert.deepEqual(linesOf(bad.stderr), [
        `onedoor: ${path.join(directory, 'bad.json')} is not GOV.UK's bank holidays:`,
        'onedoor: the division.events[1]: date "2029-02-30" is not a date (YYYY-MM-DD)',
        'onedoor: the division.events[2]: title is missing',
      ]);

      assert.equal(wales.code, 2);
      assert.match(wales.stderr, /unknown division "wales"/);

      assert.equal(notJson.code, 2);
      assert.match(notJson.stderr, /the file is not JSON/);

      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /^onedoor: cannot read .*absent\.json: there is no such file/);

      assert.equal(usage.code, 2);
      assert.match(usage.stderr, /usage: onedoor import bank-holidays FILE\.json/);

      assert.deepEqual(await holidays('england-and-wales', '2018-01-01', '2030-12-31'), before);
    },
  );

  it('is in the help', SLOW, async () => {
    const outcome = await runOneDoor(['--help']);
    assert.match(outcome.stdout, /^ +import bank-holidays FILE\.json/m);
  });
});
