import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isCaseReference, isTrackingToken, newCaseReference, newTrackingToken, normaliseCaseReference } from './reference.ts';

describe('case references', () => {
  it('are always ODR- and two groups of four Crockford characters', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 5, maxLength: 5 }), (bytes) => {
        const reference = newCaseReference(() => Buffer.from(bytes));
        assert.ok(isCaseReference(reference), reference);
        assert.doesNotMatch(reference.slice(4), /[ILOU]/);
      }),
    );
  });

  it('differ for different random bits (all 40 are used)', () => {
    const zero = newCaseReference(() => Buffer.alloc(5));
    const one = newCaseReference(() => Buffer.from([0, 0, 0, 0, 1]));
    const top = newCaseReference(() => Buffer.from([0x80, 0, 0, 0, 0]));
    assert.equal(zero, 'ODR-0000-0000');
    assert.equal(one, 'ODR-0000-0001');
    assert.equal(top, 'ODR-G000-0000');
  });

  it('are recognised however a person types them', () => {
    assert.equal(normaliseCaseReference('odr 7k4m 2q9p'), 'ODR-7K4M-2Q9P');
    assert.equal(normaliseCaseReference('7K4M2Q9P'), 'ODR-7K4M-2Q9P');
    assert.equal(normaliseCaseReference('ODR-7K4M-2Q9O'), 'ODR-7K4M-2Q90');
    assert.equal(normaliseCaseReference('ODR-7K4M-2QIL'), 'ODR-7K4M-2Q11');
    assert.equal(normaliseCaseReference('ODR-7K4M-2Q9'), undefined);
    assert.equal(normaliseCaseReference('ODR-7K4M-2Q9U'), undefined);
    assert.equal(normaliseCaseReference('smith'), undefined);
  });

  it('round-trips every reference through the normaliser', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 5, maxLength: 5 }), (bytes) => {
        const reference = newCaseReference(() => Buffer.from(bytes));
        assert.equal(normaliseCaseReference(reference.toLowerCase().replaceAll('-', ' ')), reference);
      }),
    );
  });
});

describe('tracking tokens', () => {
  it('are 43 URL-safe characters and never repeat', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => newTrackingToken()));
    assert.equal(tokens.size, 1000);
    for (const token of tokens) assert.ok(isTrackingToken(token));
    assert.ok(!isTrackingToken('ODR-7K4M-2Q9P'));
  });
});
