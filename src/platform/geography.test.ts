import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { boundingBox } from './geography.ts';

/** The great-circle distance, for checking the box against. */
function metresBetween(a: { lat: number; long: number }, b: { lat: number; long: number }): number {
  const radians = (degrees: number) => (degrees * Math.PI) / 180;
  const h =
    Math.sin(radians(b.lat - a.lat) / 2) ** 2 +
    Math.cos(radians(a.lat)) * Math.cos(radians(b.lat)) * Math.sin(radians(b.long - a.long) / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(h));
}

describe('a bounding box around a point', () => {
  it('holds every place within the distance, in any direction, at British latitudes', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 49.9, max: 60.9, noNaN: true }),
        fc.double({ min: -8, max: 1.8, noNaN: true }),
        fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }),
        fc.integer({ min: 10, max: 500 }),
        (lat, long, bearing, metres) => {
          // A place just inside the distance, on the bearing.
          const inside = metres * 0.99;
          const place = {
            lat: lat + (inside * Math.cos(bearing)) / 111_320,
            long: long + (inside * Math.sin(bearing)) / (111_320 * Math.cos((lat * Math.PI) / 180)),
          };
          assert.ok(metresBetween({ lat, long }, place) <= metres * 1.01);
          const box = boundingBox({ lat, long }, metres);
          assert.ok(place.lat >= box.minLat && place.lat <= box.maxLat);
          assert.ok(place.long >= box.minLong && place.long <= box.maxLong);
        },
      ),
    );
  });

  it('is wider in degrees of longitude than of latitude away from the equator', () => {
    const box = boundingBox({ lat: 52.86, long: -3.05 }, 50);
    assert.ok(box.maxLong - box.minLong > box.maxLat - box.minLat);
    assert.ok(Math.abs((box.maxLat - box.minLat) / 2 - 50 / 111_320) < 1e-12);
  });
});
