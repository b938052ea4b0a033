import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CASE_STATUSES } from '../../cases/lifecycle.ts';
import {
  UPDATE_STATUSES,
  caseStatusAfterPostedUpdate,
  caseStatusesFor,
  isUpdateStatus,
  requestStatusOf,
  updateStatusOf,
} from './status.ts';

describe('Open311 statuses', () => {
  it('shows each case status as one of mySociety’s update statuses, and the same in lower case for a request', () => {
    assert.deepEqual(
      CASE_STATUSES.map((status) => updateStatusOf(status)),
      ['OPEN', 'IN_PROGRESS', 'INVESTIGATING', 'FIXED', 'CLOSED'],
    );
    for (const status of CASE_STATUSES) {
      assert.ok(UPDATE_STATUSES.includes(updateStatusOf(status)));
      assert.equal(requestStatusOf(status), updateStatusOf(status).toLowerCase());
    }
  });

  it('reads the GET requests status filter: open, closed, other request statuses, any case, comma separated', () => {
    assert.deepEqual(caseStatusesFor('open'), ['submitted', 'in_progress', 'awaiting_customer']);
    assert.deepEqual(caseStatusesFor('closed'), ['resolved', 'closed']);
    assert.deepEqual(caseStatusesFor('FIXED'), ['resolved']);
    assert.deepEqual(caseStatusesFor('in_progress, closed'), ['in_progress', 'resolved', 'closed']);
    assert.deepEqual(caseStatusesFor('duplicate'), []);
    assert.equal(caseStatusesFor('shut'), undefined);
    assert.equal(caseStatusesFor('reopen'), undefined);
  });

  it('reopens only a resolved or closed case, and only for REOPEN or OPEN', () => {
    assert.equal(caseStatusAfterPostedUpdate('closed', 'REOPEN'), 'in_progress');
    assert.equal(caseStatusAfterPostedUpdate('resolved', 'OPEN'), 'in_progress');
    assert.equal(caseStatusAfterPostedUpdate('in_progress', 'REOPEN'), undefined);
    assert.equal(caseStatusAfterPostedUpdate('submitted', 'OPEN'), undefined);
    assert.equal(caseStatusAfterPostedUpdate('in_progress', 'FIXED'), undefined);
    assert.equal(caseStatusAfterPostedUpdate('closed', 'CLOSED'), undefined);
  });

  it('knows the update statuses and nothing else', () => {
    assert.ok(isUpdateStatus('NOT_COUNCILS_RESPONSIBILITY'));
    assert.ok(!isUpdateStatus('open'));
    assert.ok(!isUpdateStatus(undefined));
  });
});
