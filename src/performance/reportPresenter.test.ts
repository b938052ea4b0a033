import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTranslator, loadMessages } from '../platform/i18n.ts';
import { formatsFor, monthsOf, periodLinks } from './reportPresenter.ts';

const messages = loadMessages();
const en = createTranslator(messages, 'en');
const cy = createTranslator(messages, 'cy');

describe('the report in the reader’s words', () => {
  it('counts every month a period touches, across the turn of the year', () => {
    assert.deepEqual(monthsOf({ from: '2026-12-15', lastDay: '2027-02-01' }), ['2026-12', '2027-01', '2027-02']);
    assert.deepEqual(monthsOf({ from: '2026-06-01', lastDay: '2026-06-01' }), ['2026-06']);
  });

  it('links the financial year’s four-monthly periods, the one shown marked, and the years either side that have begun', () => {
    const links = periodLinks(en, 'en', { from: '2026-08-01', lastDay: '2026-11-30' }, '2027-05-01');
    assert.equal(links.heading, 'Reporting periods in the financial year 2026 to 2027');
    assert.deepEqual(
      links.links.map((link) => [link.text, link.href, link.current]),
      [
        ['April to July 2026', '/staff/performance?from=2026-04-01&to=2026-07-31', false],
        ['August to November 2026', '/staff/performance?from=2026-08-01&to=2026-11-30', true],
        ['December 2026 to March 2027', '/staff/performance?from=2026-12-01&to=2027-03-31', false],
        ['The whole year, April 2026 to March 2027', '/staff/performance?from=2026-04-01&to=2027-03-31', false],
      ],
    );
    assert.deepEqual(
      links.others.map((link) => link.text),
      ['The previous financial year, 2025 to 2026', 'The next financial year, 2027 to 2028'],
    );
    // No link to a year that has not begun.
    assert.equal(periodLinks(en, 'en', { from: '2026-08-01', lastDay: '2026-11-30' }, '2026-12-06').others.length, 1);
    assert.equal(
      periodLinks(cy, 'cy', { from: '2026-04-01', lastDay: '2026-07-31' }, '2026-12-06').links[0]!.text,
      'Ebrill – Gorffennaf 2026',
    );
  });

  it('writes each value in its unit, and nothing for a value not given', () => {
    const f = formatsFor(en, 'en');
    assert.equal(f.value('percent', 62.5), '62.5%');
    assert.equal(f.value('percent', 40), '40.0%');
    assert.equal(f.value('minutes', 5), '5.0 minutes');
    assert.equal(f.value('days', 5.5), '5.5 days');
    assert.equal(f.value('number', 1234), '1,234');
    assert.equal(f.value('score', 4.25), '4.25');
    assert.equal(f.value('percent', null), null);
    assert.equal(formatsFor(cy, 'cy').value('minutes', 5), '5.0 munud');
  });
});
