import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkGazetteerRow, type GAZETTEER_COLUMNS } from './gazetteer.ts';

function row(values: Partial<Record<(typeof GAZETTEER_COLUMNS)[number], string>>) {
  return {
    uprn: '100071234567',
    address_line1: '12 Church Street',
    address_line2: '',
    town: 'Oswestry',
    postcode: 'SY11 2AB',
    lat: '52.8565',
    long: '-3.0574',
    ward: 'Oswestry East',
    ...values,
  };
}

function problemsOf(values: Parameters<typeof row>[0]): string[] {
  const check = checkGazetteerRow(row(values));
  assert.ok('problems' in check, 'the row is rejected');
  return check.problems;
}

describe('checking a gazetteer row', () => {
  it('accepts a full row, normalising the postcode', () => {
    assert.deepEqual(checkGazetteerRow(row({ postcode: 'sy112ab' })), {
      value: {
        uprn: 100071234567,
        line1: '12 Church Street',
        line2: null,
        town: 'Oswestry',
        postcode: 'SY11 2AB',
        latitude: 52.8565,
        longitude: -3.0574,
        ward: 'Oswestry East',
      },
    });
  });

  it('accepts a row without position or ward', () => {
    const check = checkGazetteerRow(row({ lat: '', long: '', ward: '' }));
    assert.ok('value' in check);
    assert.equal(check.value.latitude, null);
    assert.equal(check.value.ward, null);
  });

  it('rejects a missing or malformed UPRN', () => {
    assert.deepEqual(problemsOf({ uprn: '' }), ['UPRN is missing']);
    assert.deepEqual(problemsOf({ uprn: '12a' }), ["UPRN '12a' is not a number of 1 to 12 digits"]);
    assert.deepEqual(problemsOf({ uprn: '1234567890123' }), ["UPRN '1234567890123' is not a number of 1 to 12 digits"]);
    assert.deepEqual(problemsOf({ uprn: '0' }), ["UPRN '0' is not a number of 1 to 12 digits"]);
    assert.deepEqual(problemsOf({ uprn: '-5' }), ["UPRN '-5' is not a number of 1 to 12 digits"]);
  });

  it('rejects a missing first line or town, and values too long to keep', () => {
    assert.deepEqual(problemsOf({ address_line1: '' }), ['address line 1 is missing']);
    assert.deepEqual(problemsOf({ town: '' }), ['town is missing']);
    assert.deepEqual(problemsOf({ address_line1: 'x'.repeat(201) }), ['address line 1 is longer than 200 characters']);
    assert.deepEqual(problemsOf({ address_line2: 'x'.repeat(201) }), ['address line 2 is longer than 200 characters']);
    assert.deepEqual(problemsOf({ town: 'x'.repeat(101) }), ['town is longer than 100 characters']);
    assert.deepEqual(problemsOf({ ward: 'x'.repeat(101) }), ['ward is longer than 100 characters']);
  });

  it('rejects a missing or invalid postcode', () => {
    assert.deepEqual(problemsOf({ postcode: '' }), ['postcode is missing']);
    assert.deepEqual(problemsOf({ postcode: 'SY11' }), ["postcode 'SY11' is not a UK postcode"]);
    assert.deepEqual(problemsOf({ postcode: 'NOT A CODE' }), ["postcode 'NOT A CODE' is not a UK postcode"]);
  });

  it('rejects positions that are not numbers, out of range, or half given', () => {
    assert.deepEqual(problemsOf({ lat: 'north' }), ["latitude 'north' is not a number"]);
    assert.deepEqual(problemsOf({ lat: '91' }), ["latitude '91' is not between -90 and 90"]);
    assert.deepEqual(problemsOf({ long: '-180.5' }), ["longitude '-180.5' is not between -180 and 180"]);
    assert.deepEqual(problemsOf({ long: '' }), ['latitude is given without longitude']);
    assert.deepEqual(problemsOf({ lat: '' }), ['longitude is given without latitude']);
  });

  it('reports every problem of a row at once', () => {
    assert.deepEqual(problemsOf({ uprn: 'x', town: '', postcode: 'nope' }), [
      "UPRN 'x' is not a number of 1 to 12 digits",
      'town is missing',
      "postcode 'nope' is not a UK postcode",
    ]);
  });
});
