import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { msToLondonMidnight } from './wait.ts';

const MINUTE = 60_000;

describe('the time to London’s next midnight', () => {
  it('counts to midnight GMT in winter and to 23:00 UTC (midnight BST) in summer', () => {
    assert.equal(msToLondonMidnight(new Date('2026-12-06T23:58:30Z')), 1.5 * MINUTE);
    assert.equal(msToLondonMidnight(new Date('2026-07-01T22:58:00Z')), 2 * MINUTE);
  });

  it('gives a whole day just after midnight, not nothing', () => {
    assert.equal(msToLondonMidnight(new Date('2026-12-07T00:00:00Z')), 24 * 60 * MINUTE);
    assert.equal(msToLondonMidnight(new Date('2026-07-01T23:00:30Z')), 24 * 60 * MINUTE - 0.5 * MINUTE);
  });
});
