import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Invalid } from '../platform/errors.ts';
import {
  checkedReportPeriod,
  financialYearOf,
  fourMonthPeriodOf,
  reportAsCsv,
  reportingPeriods,
  type PeriodReport,
} from './report.ts';
import { windows1252 } from './reportPdf.ts';
import type { IndicatorLine } from './service.ts';

const fieldErrors = (asked: { from?: string; to?: string }) => {
  try {
    checkedReportPeriod(asked);
  } catch (error) {
    assert.ok(error instanceof Invalid);
    return error.errors.map((each) => `${each.field}: ${each.message}`);
  }
  return [];
};

describe('the report’s periods', () => {
  it('puts a day in the financial year that starts on the 1 April before it', () => {
    assert.equal(financialYearOf('2026-03-31'), 2025);
    assert.equal(financialYearOf('2026-04-01'), 2026);
    assert.equal(financialYearOf('2026-12-31'), 2026);
  });

  it('divides the financial year into April to July, August to November and December to March', () => {
    assert.deepEqual(reportingPeriods(2026), [
      { key: 'april_to_july', period: { from: '2026-04-01', lastDay: '2026-07-31' } },
      { key: 'august_to_november', period: { from: '2026-08-01', lastDay: '2026-11-30' } },
      { key: 'december_to_march', period: { from: '2026-12-01', lastDay: '2027-03-31' } },
      { key: 'whole_year', period: { from: '2026-04-01', lastDay: '2027-03-31' } },
    ]);
    assert.deepEqual(fourMonthPeriodOf('2026-12-06'), { from: '2026-12-01', lastDay: '2027-03-31' });
    assert.deepEqual(fourMonthPeriodOf('2027-02-28'), { from: '2026-12-01', lastDay: '2027-03-31' });
    assert.deepEqual(fourMonthPeriodOf('2026-07-31'), { from: '2026-04-01', lastDay: '2026-07-31' });
  });

  it('takes a period of one day, whose first day is its last', () => {
    assert.deepEqual(checkedReportPeriod({ from: '2026-06-01', to: '2026-06-01' }), {
      from: '2026-06-01',
      lastDay: '2026-06-01',
    });
  });

  it('refuses dates that are not real, a last day before the first, and a period too long', () => {
    assert.deepEqual(fieldErrors({ from: '2026-02-30', to: '2026-03-01' }), ['from: performance.report.errors.fromInvalid']);
    assert.deepEqual(fieldErrors({ from: 'soon', to: 'later' }), [
      'from: performance.report.errors.fromInvalid',
      'to: performance.report.errors.toInvalid',
    ]);
    assert.deepEqual(fieldErrors({ from: '2026-06-02', to: '2026-06-01' }), ['to: performance.report.errors.toBeforeFrom']);
    assert.deepEqual(fieldErrors({ from: '2020-01-01', to: '2026-01-01' }), ['to: performance.report.errors.tooLong']);
  });
});

const line = (overrides: Partial<IndicatorLine>): IndicatorLine => ({
  code: 'first_contact_resolution',
  kind: 'computed',
  name: null,
  unit: 'percent',
  direction: 'higher',
  value: 75,
  numerator: 3,
  denominator: 4,
  breakdown: [],
  target: 80,
  tolerance: 5,
  benchmark: 85,
  previousActual: 70,
  estimatedOutturn: null,
  owner: 'Customer services',
  comment: null,
  rag: 'amber',
  evidence: null,
  note: null,
  ...overrides,
});

describe('the report as CSV', () => {
  const report: PeriodReport = {
    council: { name: 'Borough Council', nameCy: null },
    period: { from: '2026-04-01', lastDay: '2026-07-31' },
    running: false,
    counts: { red: 0, amber: 1, green: 0, not_known: 1 },
    items: [
      line({}),
      line({
        code: 'tenant_satisfaction',
        kind: 'manual',
        name: '=cmd|" /C calc"!A0',
        unit: 'score',
        value: null,
        target: null,
        tolerance: null,
        benchmark: null,
        previousActual: null,
        owner: '@housing',
        comment: 'Survey, late',
        rag: 'not_known',
      }),
    ],
    contactsByMonth: [],
    actions: [
      {
        id: 'a',
        title: '+Call back faster',
        indicator: 'first_contact_resolution',
        progress: 'Trained 12 advisors',
        issues: '',
        owner: '-Team',
        dueOn: '2026-09-30',
        status: 'on_track',
      },
    ],
  };

  it('writes the indicator table and the action tracker, every typed cell safe from spreadsheet formulas', () => {
    const csv = reportAsCsv(report, (code) => `Name of ${code}`);
    assert.ok(csv.startsWith('\uFEFF'));
    const lines = csv.slice(1).split('\r\n');
    assert.equal(lines[0], 'period_from,period_last_day,running');
    assert.equal(lines[1], '2026-04-01,2026-07-31,no');
    assert.equal(
      lines[3],
      'indicator,name,kind,unit,better,benchmark,previous_actual,target,tolerance,actual,estimated_outturn,rag,owner,comment',
    );
    assert.equal(
      lines[4],
      'first_contact_resolution,Name of first_contact_resolution,computed,percent,higher,85,70,80,5,75,,amber,Customer services,',
    );
    assert.equal(
      lines[5],
      `tenant_satisfaction,"'=cmd|"" /C calc""!A0",manual,score,higher,,,,,,,not_known,'@housing,"Survey, late"`,
    );
    assert.equal(lines[7], 'action,indicator,progress,issues,who,by_when,status');
    assert.equal(lines[8], "'+Call back faster,first_contact_resolution,Trained 12 advisors,,'-Team,2026-09-30,on_track");
  });
});

describe('the PDF’s text without a Unicode font', () => {
  it('keeps what Windows-1252 has and drops the accents it lacks', () => {
    assert.equal(windows1252('Cyngor Sir Ynys Môn – “adroddiad”'), 'Cyngor Sir Ynys Môn – “adroddiad”');
    assert.equal(windows1252('dŵr a thŷ'), 'dwr a thy');
    assert.equal(windows1252('✓'), '?');
  });
});
