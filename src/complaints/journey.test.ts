import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { firstUnanswered, stepAfter, stepsOf, type ComplaintDraft } from './journey.ts';

const contact = { givenName: 'Bethan', familyName: 'Jones', email: 'bethan@example.org' };
const answered = (more: Partial<ComplaintDraft> = {}): ComplaintDraft => ({
  id: 'draft',
  kind: 'complaint',
  service: 'bins',
  description: 'Missed again',
  outcomeWanted: 'Collect it',
  adjustments: { needed: 'no' },
  contact,
  ...more,
});

describe('the make a complaint journey', () => {
  it('asks a complaint the outcome wanted, and a compliment or comment not', () => {
    assert.deepEqual(stepsOf({ id: 'draft', kind: 'complaint' }, false), [
      'kind',
      'service',
      'what-happened',
      'outcome',
      'adjustments',
      'contact',
      'check',
    ]);
    assert.ok(!stepsOf({ id: 'draft', kind: 'compliment' }, false).includes('outcome'));
    assert.ok(!stepsOf({ id: 'draft', kind: 'comment' }, false).includes('outcome'));
  });

  it('does not ask a signed-in resident for contact details', () => {
    assert.ok(!stepsOf({ id: 'draft', kind: 'complaint' }, true).includes('contact'));
  });

  it('goes from page to page in order, and to check your answers at the end', () => {
    const draft: ComplaintDraft = { id: 'draft', kind: 'complaint' };
    const steps = stepsOf(draft, false);
    assert.equal(stepAfter(steps, 'kind', draft, false), 'service');
    assert.equal(firstUnanswered(steps, draft), 'service');
    assert.equal(stepAfter(stepsOf(answered(), false), 'adjustments', answered(), false), 'contact');
    assert.equal(firstUnanswered(stepsOf(answered(), false), answered()), 'check');
  });

  it('returns a change to check your answers, unless the change opened a page still to answer', () => {
    const complete = answered();
    assert.equal(stepAfter(stepsOf(complete, false), 'service', complete, true), 'check');
    // A comment changed to a complaint now needs the outcome wanted.
    const nowAComplaint = answered({ outcomeWanted: undefined });
    assert.equal(stepAfter(stepsOf(nowAComplaint, false), 'kind', nowAComplaint, true), 'outcome');
  });

  it('never skips a page left unanswered', () => {
    const skipped = answered({ description: undefined });
    assert.equal(stepAfter(stepsOf(skipped, false), 'adjustments', skipped, false), 'what-happened');
  });
});
