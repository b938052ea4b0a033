import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CASE_STATUSES, isReopening, nextStatuses, refusalOfTransition } from './lifecycle.ts';

describe('case lifecycle', () => {
  it('allows exactly the moves a case worker makes', () => {
    const allowed = CASE_STATUSES.flatMap((from) => nextStatuses(from).map((to) => `${from}->${to}`));
    assert.deepEqual(allowed.sort(), [
      'awaiting_customer->in_progress',
      'awaiting_customer->resolved',
      'closed->in_progress',
      'in_progress->awaiting_customer',
      'in_progress->resolved',
      'resolved->closed',
      'resolved->in_progress',
      'submitted->awaiting_customer',
      'submitted->in_progress',
      'submitted->resolved',
    ]);
  });

  it('gives a reason for every move it refuses, and none for one it allows', () => {
    for (const from of CASE_STATUSES) {
      for (const to of CASE_STATUSES) {
        const reason = refusalOfTransition(from, to);
        assert.equal(reason === undefined, nextStatuses(from).includes(to), `${from} -> ${to}`);
        if (reason) assert.match(reason, /^cases\.errors\./);
      }
    }
  });

  it('says why: nothing goes back to submitted, only a resolved case closes, reopening goes to in progress', () => {
    assert.equal(refusalOfTransition('in_progress', 'submitted'), 'cases.errors.cannotReturnToSubmitted');
    assert.equal(refusalOfTransition('in_progress', 'closed'), 'cases.errors.closeOnlyResolved');
    assert.equal(refusalOfTransition('closed', 'resolved'), 'cases.errors.reopenToInProgress');
    assert.equal(refusalOfTransition('resolved', 'resolved'), 'cases.errors.alreadyInStatus');
  });

  it('calls a move out of resolved or closed a reopening', () => {
    assert.ok(isReopening('resolved', 'in_progress'));
    assert.ok(isReopening('closed', 'in_progress'));
    assert.ok(!isReopening('awaiting_customer', 'in_progress'));
  });
});
