import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Open311Refusal, dateOf, textOf, urlsOf } from './fields.ts';

function assertRefused(act: () => unknown, words: RegExp): void {
  assert.throws(
    act,
    (error: unknown) => error instanceof Open311Refusal && error.status === 400 && words.test(error.description),
  );
}

describe('an Open311 request’s parameters', () => {
  it('reads a field’s text trimmed, the first of a repeated one, and nothing for empty or a file', () => {
    assert.equal(textOf({ description: '  Bags  ' }, 'description'), 'Bags');
    assert.equal(textOf({ description: ['First', 'Second'] }, 'description'), 'First');
    assert.equal(textOf({ description: '   ' }, 'description'), undefined);
    assert.equal(textOf({ media: { filename: 'a.png' } }, 'media'), undefined);
    assert.equal(textOf({}, 'description'), undefined);
  });

  it('reads W3C dates and times, and refuses anything else naming the parameter', () => {
    assert.equal(dateOf({ start_date: '2026-01-31T09:30:00Z' }, 'start_date')?.toISOString(), '2026-01-31T09:30:00.000Z');
    assert.equal(dateOf({ start_date: '2026-01-31T09:30:00+0100' }, 'start_date')?.toISOString(), '2026-01-31T08:30:00.000Z');
    assert.equal(dateOf({ start_date: '2026-01-31' }, 'start_date')?.toISOString(), '2026-01-31T00:00:00.000Z');
    assert.equal(dateOf({}, 'start_date'), undefined);
    assertRefused(() => dateOf({ end_date: 'yesterday' }, 'end_date'), /^end_date must be a W3C date/);
    assertRefused(() => dateOf({ end_date: '31/01/2026' }, 'end_date'), /^end_date/);
    assertRefused(() => dateOf({ end_date: '2026-02-30T00:00:00Z' }, 'end_date'), /^end_date must be a W3C date/);
    assertRefused(() => dateOf({ end_date: '2026-13-01' }, 'end_date'), /^end_date/);
  });

  it('reads media URLs as name or name[], keeps ten, and refuses any that is not http or https', () => {
    assert.deepEqual(
      urlsOf({ media_url: 'https://fms.example/1.jpg', 'media_url[]': ['http://fms.example/2.jpg'] }, 'media_url'),
      ['https://fms.example/1.jpg', 'http://fms.example/2.jpg'],
    );
    const many = Array.from({ length: 12 }, (_, index) => `https://fms.example/${index}.jpg`);
    assert.equal(urlsOf({ 'media_url[]': many }, 'media_url').length, 10);
    assertRefused(() => urlsOf({ media_url: 'javascript:alert(1)' }, 'media_url'), /^media_url must be an http or https URL/);
    assertRefused(() => urlsOf({ media_url: `https://fms.example/${'a'.repeat(2000)}` }, 'media_url'), /^media_url/);
  });
});
