import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { normalisePostcode } from '../customers/contactPoints.ts';
import { buildDemoGazetteer, DEMO_UPRN_BASE, hasReferencePostcodes } from './gazetteer.ts';

// The reference postcodes are read where they lie (../shared/data), never copied into the repository.
const withReferenceData = { skip: hasReferencePostcodes() ? false : 'the reference postcodes are not on this machine' };

describe('the demo gazetteer', () => {
  const gazetteer = buildDemoGazetteer();

  it('is built from the reference postcodes, the same every time', withReferenceData, () => {
    assert.equal(gazetteer.source, 'reference');
    assert.deepEqual(buildDemoGazetteer(), gazetteer);
  });

  it(
    'has about 20,000 addresses with unique synthetic UPRNs, on normal postcodes, with a town, a ward and a position',
    withReferenceData,
    () => {
      const { properties } = gazetteer;
      assert.ok(properties.length >= 18_000 && properties.length <= 20_000, `${properties.length}`);
      assert.equal(new Set(properties.map((property) => property.uprn)).size, properties.length);
      const towns: Record<string, string> = {
        SY10: 'Oswestry',
        SY11: 'Oswestry',
        SY12: 'Ellesmere',
        SY1: 'Shrewsbury',
        SY21: 'Welshpool',
      };
      for (const property of properties) {
        assert.ok(property.uprn > DEMO_UPRN_BASE && property.uprn <= 999_999_999_999);
        assert.equal(normalisePostcode(property.postcode), property.postcode);
        const expected = towns[property.postcode.split(' ')[0]!];
        if (expected) assert.equal(property.town, expected, property.postcode);
        assert.ok(property.ward && property.latitude && property.longitude);
        assert.ok(Math.abs(property.latitude - 52.8) < 0.5 && Math.abs(property.longitude + 3) < 0.8);
      }
    },
  );

  it('places the addresses at one postcode within a few metres of one another', () => {
    const latitudes = new Map<string, number[]>();
    for (const property of gazetteer.properties) {
      latitudes.set(property.postcode, [...(latitudes.get(property.postcode) ?? []), property.latitude!]);
    }
    for (const [postcode, values] of latitudes) {
      assert.ok(Math.max(...values) - Math.min(...values) < 0.0002, postcode);
    }
  });

  it('falls back to a few hundred addresses when the reference data is not there', () => {
    const fallback = buildDemoGazetteer({ dataDir: path.join('/nonexistent', 'reference') });
    assert.equal(fallback.source, 'fallback');
    assert.ok(fallback.properties.length >= 200 && fallback.properties.length <= 500);
    assert.ok(fallback.properties.every((property) => normalisePostcode(property.postcode) === property.postcode));
  });
});
