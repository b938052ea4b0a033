// The indicators' arithmetic on figures worked out by hand, the edge cases (nothing to divide by
// is "not known"; a contact without a reason is not avoidable), and Red/Amber/Green at its edges.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  caseIndicators,
  complaintIndicators,
  contactIndicators,
  percentOf,
  ragCounts,
  ragOf,
  type ContactRow,
  type Measured,
} from './indicators.ts';

const byCode = (measured: Measured[], code: string) => measured.find((indicator) => indicator.code === code)!;
/** A roll-up line: `contacts` contacts that took `minutes` between them. */
const row = (channel: string, outcome: string, contacts: number, minutes: number, avoidableReason = ''): ContactRow => ({
  channel,
  outcome,
  avoidableReason,
  contacts,
  handlingSeconds: minutes * 60,
});

describe('the contact indicators', () => {
  // 10 contacts: phone 6 (4 resolved, 1 case raised chasing progress, 1 abandoned), web 3 (2 resolved,
  // 1 signposted as a repeat), email 1 (transferred, logged with no reason).
  const rows = [
    row('phone', 'resolved_first_contact', 4, 80),
    row('phone', 'case_raised', 1, 10, 'chasing_progress'),
    row('phone', 'abandoned', 1, 2),
    row('web', 'resolved_first_contact', 2, 0),
    row('web', 'signposted', 1, 0, 'repeat'),
    row('email', 'transferred', 1, 6),
  ];
  const measured = contactIndicators(rows);

  it('counts first-contact resolution among the answered contacts, overall and by channel', () => {
    // Answered: 9 (all but the abandoned call); resolved at first contact: 6.
    const fcr = byCode(measured, 'first_contact_resolution');
    assert.deepEqual([fcr.value, fcr.numerator, fcr.denominator], [66.7, 6, 9]);
    assert.deepEqual(
      fcr.breakdown.map((part) => [part.key, part.value, part.numerator, part.denominator]),
      [
        ['phone', 80, 4, 5],
        ['web', 66.7, 2, 3],
        ['email', 0, 0, 1],
      ],
    );
  });

  it('counts avoidable contact by reason, a contact without a reason as not avoidable', () => {
    const avoidable = byCode(measured, 'avoidable_contact');
    assert.deepEqual([avoidable.value, avoidable.numerator, avoidable.denominator], [22.2, 2, 9]);
    const reasons = Object.fromEntries(avoidable.breakdown.map((part) => [part.key, part.numerator]));
    assert.deepEqual(reasons, {
      chasing_progress: 1,
      repeat: 1,
      wrong_place: 0,
      unclear_information: 0,
      service_not_delivered: 0,
    });
  });

  it('gives the digital share and the channel mix of all contacts, abandoned included', () => {
    const digital = byCode(measured, 'digital_share');
    // Web 3 and email 1 of 10.
    assert.deepEqual([digital.value, digital.numerator, digital.denominator], [40, 4, 10]);
    assert.deepEqual(
      digital.breakdown.map((part) => [part.key, part.value]),
      [
        ['phone', 60],
        ['web', 30],
        ['email', 10],
      ],
    );
    assert.equal(byCode(measured, 'abandoned_contacts').value, 10);
  });

  it('averages the handling time of the answered contacts, in minutes', () => {
    // 80 + 10 + 0 + 0 + 6 = 96 minutes over 9 answered contacts (the abandoned call's 2 left out).
    assert.equal(byCode(measured, 'average_handling_time').value, 10.7);
  });

  it('says "not known" for every contact indicator when there were no contacts', () => {
    for (const indicator of contactIndicators([])) assert.equal(indicator.value, null, indicator.code);
  });

  it('says "not known" for resolution when every contact was abandoned, but 100% abandoned', () => {
    const abandoned = contactIndicators([row('phone', 'abandoned', 3, 1)]);
    assert.equal(byCode(abandoned, 'first_contact_resolution').value, null);
    assert.equal(byCode(abandoned, 'abandoned_contacts').value, 100);
  });
});

describe('the case indicators', () => {
  const today = '2026-12-06';
  const open = [
    { day: '2026-12-04', open: 2 }, // 2 days old
    { day: '2026-11-28', open: 1 }, // 8
    { day: '2026-11-10', open: 1 }, // 26
  ];
  const measured = caseIndicators({ resolved: 8, resolvedInTime: 6, satisfactionAnswers: 4, satisfied: 3 }, open, today);

  it('counts cases resolved within their standard and satisfaction given in the period', () => {
    assert.equal(byCode(measured, 'cases_within_sla').value, 75);
    assert.equal(byCode(measured, 'customer_satisfaction').value, 75);
  });

  it('gives the backlog now, by age band, and its average age', () => {
    const backlog = byCode(measured, 'open_backlog');
    assert.equal(backlog.value, 4);
    assert.deepEqual(
      backlog.breakdown.map((part) => [part.key, part.numerator]),
      [
        ['0_to_5_days', 2],
        ['6_to_10_days', 1],
        ['11_to_20_days', 0],
        ['over_20_days', 1],
      ],
    );
    // (2×2 + 8 + 26) / 4 = 9.5 days.
    assert.equal(byCode(measured, 'open_backlog_age').value, 9.5);
  });

  it('has a backlog of 0 and an age not known when nothing is open, and SLA not known when nothing was resolved', () => {
    const empty = caseIndicators({ resolved: 0, resolvedInTime: 0, satisfactionAnswers: 0, satisfied: 0 }, [], today);
    assert.equal(byCode(empty, 'open_backlog').value, 0);
    assert.equal(byCode(empty, 'open_backlog_age').value, null);
    assert.equal(byCode(empty, 'cases_within_sla').value, null);
  });
});

describe('the complaint indicators', () => {
  it('combines the stages and keeps each', () => {
    const measured = complaintIndicators({
      stages: { 1: { answered: 4, respondedInTime: 3, justified: 2 }, 2: { answered: 2, respondedInTime: 2, justified: 2 } },
      satisfaction: { answered: 3, satisfied: 2 },
    });
    const inTime = byCode(measured, 'complaints_responded_in_time');
    assert.deepEqual([inTime.value, inTime.numerator, inTime.denominator], [83.3, 5, 6]);
    assert.deepEqual(
      inTime.breakdown.map((part) => [part.key, part.value]),
      [
        ['stage_1', 75],
        ['stage_2', 100],
      ],
    );
    assert.equal(byCode(measured, 'complaints_justified').value, 66.7);
    assert.equal(byCode(measured, 'complaint_handling_satisfaction').value, 66.7);
  });
});

describe('Red, Amber, Green', () => {
  const higher = { target: 80, tolerance: 5, direction: 'higher' as const };
  const lower = { target: 10, tolerance: 2, direction: 'lower' as const };

  it('is green at the target, amber within the tolerance, red beyond it', () => {
    assert.equal(ragOf(80, higher), 'green');
    assert.equal(ragOf(91, higher), 'green');
    assert.equal(ragOf(79.9, higher), 'amber');
    assert.equal(ragOf(75, higher), 'amber');
    assert.equal(ragOf(74.9, higher), 'red');
    assert.equal(ragOf(10, lower), 'green');
    assert.equal(ragOf(12, lower), 'amber');
    assert.equal(ragOf(12.1, lower), 'red');
  });

  it('is not known without a value or a target, and red at any shortfall without a tolerance', () => {
    assert.equal(ragOf(null, higher), 'not_known');
    assert.equal(ragOf(50, { ...higher, target: null }), 'not_known');
    assert.equal(ragOf(79.9, { ...higher, tolerance: null }), 'red');
  });

  it('counts the statuses for the summary', () => {
    assert.deepEqual(ragCounts(['green', 'red', 'green', 'not_known']), { green: 2, amber: 0, red: 1, not_known: 1 });
  });

  it('rounds percentages to one place and divides nothing by nothing as not known', () => {
    assert.equal(percentOf(1, 3), 33.3);
    assert.equal(percentOf(0, 0), null);
  });
});
