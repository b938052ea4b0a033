import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Open311Refusal } from './fields.ts';
import { caseLocationOf, postedPlace } from './location.ts';

/** The refusal `act` throws: a 400 whose words match `words`. */
function assertRefused(act: () => unknown, words: RegExp): void {
  assert.throws(act, (error: unknown) => {
    assert.ok(error instanceof Open311Refusal);
    assert.equal(error.status, 400);
    assert.match(error.description, words);
    return true;
  });
}

describe('where an Open311 request says it is', () => {
  it('reads a point, a property (address_id first, then attribute[uprn]) and an address in words', () => {
    assert.deepEqual(postedPlace({ lat: '52.8604', long: '-3.0537' }, {}), { point: { lat: 52.8604, long: -3.0537 } });
    assert.deepEqual(postedPlace({ address_id: ' 400001 ' }, { uprn: '400002' }), { uprn: 400_001 });
    assert.deepEqual(postedPlace({}, { uprn: ' 400002 ' }), { uprn: 400_002 });
    assert.deepEqual(postedPlace({ address_string: '  Outside the library ' }, {}), { addressString: 'Outside the library' });
  });

  it('refuses a request that names no place, or only half a point', () => {
    assertRefused(() => postedPlace({ description: 'Bags' }, {}), /A location is required/);
    assertRefused(() => postedPlace({ lat: '', long: '  ' }, { uprn: ' ' }), /A location is required/);
    assertRefused(() => postedPlace({ lat: '52.86' }, {}), /lat and long must be given together/);
    assertRefused(() => postedPlace({ long: '-3.05', address_id: '400001' }, {}), /together/);
  });

  it('refuses a point off the globe, a number it cannot read, or a UPRN that is not one', () => {
    assertRefused(() => postedPlace({ lat: '90.5', long: '0' }, {}), /^lat must be a number from -90 to 90/);
    assertRefused(() => postedPlace({ lat: '0', long: '-180.1' }, {}), /^long must be a number from -180 to 180/);
    assertRefused(() => postedPlace({ lat: '1e2', long: '0' }, {}), /^lat /);
    assertRefused(() => postedPlace({ address_id: '12-34' }, {}), /^address_id must be a UPRN/);
    assertRefused(() => postedPlace({ address_id: '0' }, {}), /^address_id must be a UPRN/);
    assertRefused(() => postedPlace({ address_id: '1234567890123' }, {}), /^address_id must be a UPRN/);
    assertRefused(() => postedPlace({ lat: '52', long: '-3' }, { uprn: 'flat 2' }), /^attribute\[uprn\] must be a UPRN/);
  });

  it('refuses an address in words longer than 1000 characters', () => {
    assert.equal(postedPlace({ address_string: 'a'.repeat(1000) }, {}).addressString?.length, 1000);
    assertRefused(() => postedPlace({ address_string: 'a'.repeat(1001) }, {}), /address_string must be at most 1000/);
  });
});

describe('where an Open311 request’s case is raised', () => {
  const point = { lat: 52.8604, long: -3.0537 };

  it('is the property the resident chose when the gazetteer has it on the map, even with a point beside it', () => {
    assert.deepEqual(caseLocationOf({ uprn: 400_001, point }, true), { uprn: 400_001 });
    assert.deepEqual(caseLocationOf({ uprn: 400_001 }, true), { uprn: 400_001 });
  });

  it('falls back to the point when the gazetteer cannot place the property', () => {
    assert.deepEqual(caseLocationOf({ uprn: 999_999, point }, false), point);
    assert.deepEqual(caseLocationOf({ point, addressString: 'By the bench' }, false), point);
  });

  it('refuses a property the gazetteer cannot place with no point to fall back on', () => {
    assertRefused(
      () => caseLocationOf({ uprn: 999_999 }, false),
      /address_id 999999 is not a property in the council’s gazetteer/,
    );
    assertRefused(() => caseLocationOf({ uprn: 999_999, addressString: 'By the bench' }, false), /gazetteer/);
  });

  it('places a request with only an address in words nowhere', () => {
    assert.equal(caseLocationOf({ addressString: 'Outside the library' }, false), undefined);
  });
});
