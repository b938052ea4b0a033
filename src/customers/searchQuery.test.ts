import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
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
