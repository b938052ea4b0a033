import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isUniqueViolation } from './database.ts';

describe('a refusal for repeating a row', () => {
  const refusal = { code: '23505', constraint: 'cases_submission_key_idx' };

  it('is PostgreSQL’s unique violation, under the index named when one is', () => {
    assert.equal(isUniqueViolation(refusal), true);
    assert.equal(isUniqueViolation(refusal, 'cases_submission_key_idx'), true);
    assert.equal(isUniqueViolation(refusal, 'cases_reference_key'), false);
  });

  it('is no other error', () => {
    for (const error of [{ code: '23503' }, new Error('23505'), null, undefined, 'duplicate'])
      assert.equal(isUniqueViolation(error), false, String(error));
  });
});
