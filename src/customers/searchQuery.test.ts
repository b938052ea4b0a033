import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { newCaseReference } from '../cases/reference.ts';
import { isEmptyQuery, parseSearchQuery } from './searchQuery.ts';

describe('reading the one search box', () => {
  it('recognises a phone number however it is written', () => {
    for (const typed of ['01691 654321', '01691654321', '+44 1691 654321', '(01691) 654 321', '0044 1691 654321']) {
      assert.equal(parseSearchQuery(typed).phone, '+441691654321', typed);
    }
  });

  it('recognises a postcode with or without its space, and keeps the name beside it', () => {
    assert.deepEqual(parseSearchQuery('Jones SY11 2AB'), { nameWords: ['jones'], postcode: 'SY112AB' });
    assert.deepEqual(parseSearchQuery('sy112ab jones'), { nameWords: ['jones'], postcode: 'SY112AB' });
  });

  it('recognises an email, a date of birth in UK or ISO form, a UPRN and a case reference', () => {
    assert.equal(parseSearchQuery('Someone@Example.org').email, 'someone@example.org');
    assert.equal(parseSearchQuery('14/3/1961').dateOfBirth, '1961-03-14');
    assert.equal(parseSearchQuery('1961-03-14').dateOfBirth, '1961-03-14');
    assert.equal(parseSearchQuery('31/02/1961').dateOfBirth, undefined);
    assert.equal(parseSearchQuery('100071234567').uprn, 100071234567);
    assert.equal(parseSearchQuery('odr-7k4m-2q9p').caseReference, 'ODR-7K4M-2Q9P');
  });

  it('recognises a case reference however it is typed, before its digits can pass for a phone number or a UPRN', () => {
    for (const typed of ['ODR-7K4M-2Q9P', 'odr7k4m2q9p', 'ODR 7K4M 2Q9P', 'odr-7k4m 2q9p', '  ODR-7K4M-2Q9P ']) {
      assert.deepEqual(parseSearchQuery(typed), { nameWords: [], caseReference: 'ODR-7K4M-2Q9P' }, typed);
    }
    // O for 0 and I or L for 1, as a reference read out on the phone is often written down.
    assert.equal(parseSearchQuery('ODR-7K4M-2QOI').caseReference, 'ODR-7K4M-2Q01');
    assert.deepEqual(parseSearchQuery('ODR-1234-5678'), { nameWords: [], caseReference: 'ODR-1234-5678' });
    assert.deepEqual(parseSearchQuery('Jones odr-7k4m-2q9p'), { nameWords: ['jones'], caseReference: 'ODR-7K4M-2Q9P' });
  });

  it('takes no name or word without the ODR prefix for a case reference', () => {
    for (const typed of ['Johnston', 'Ross-Kerr', '7K4M-2Q9P', 'ODR-7K4M-2Q9', 'ODR-7K4M-2Q9PX', 'ODR-7K4U-2Q9P']) {
      assert.equal(parseSearchQuery(typed).caseReference, undefined, typed);
    }
  });

  it('treats words with a number as an address, and several plain words as a name that may be a street', () => {
    assert.deepEqual(parseSearchQuery('12 Church Street'), { nameWords: [], addressText: '12 church street' });
    assert.deepEqual(parseSearchQuery('Siân  ap Rhys'), { nameWords: ['siân', 'ap', 'rhys'], addressText: 'siân ap rhys' });
    assert.deepEqual(parseSearchQuery("O'Brien"), { nameWords: ["o'brien"] });
  });

  it('keeps an outward code on its own as a filter for the name', () => {
    assert.deepEqual(parseSearchQuery('smith SY11'), { nameWords: ['smith'], outcode: 'SY11' });
  });

  it('says when there is nothing to search for', () => {
    assert.equal(isEmptyQuery(parseSearchQuery('   ')), true);
    assert.equal(isEmptyQuery(parseSearchQuery('!!!')), true);
    assert.equal(isEmptyQuery(parseSearchQuery('jo')), false);
  });

  it('never fails, whatever is typed', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (typed) => {
        const query = parseSearchQuery(typed);
        assert.ok(query.nameWords.length <= 4);
      }),
    );
  });

  it('finds every case reference whatever its case and the spaces or dashes typed in it', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 5, maxLength: 5 }),
        fc.array(fc.constantFrom('', ' ', '-', ' - '), { minLength: 2, maxLength: 2 }),
        fc.boolean(),
        (bytes, [first, second], lower) => {
          const reference = newCaseReference(() => Buffer.from(bytes));
          const typed = `ODR${first}${reference.slice(4, 8)}${second}${reference.slice(9)}`;
          const query = parseSearchQuery(lower ? typed.toLowerCase() : typed);
          assert.equal(query.caseReference, reference, typed);
          assert.equal(query.phone, undefined);
          assert.equal(query.uprn, undefined);
        },
      ),
    );
  });

  it('finds the same phone number whatever separators are typed between its digits', () => {
    const digits = '01743252525'.split('');
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('', ' ', '-'), { minLength: digits.length, maxLength: digits.length }),
        (separators) => {
          const typed = digits.map((digit, i) => (i === 0 ? digit : separators[i] + digit)).join('');
          assert.equal(parseSearchQuery(typed).phone, '+441743252525', typed);
        },
      ),
    );
  });
});
