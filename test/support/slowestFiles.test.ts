// The reporter that ends a run with its slowest test files, fed events as Node's runner gives them.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import slowestFiles, { type TestEvent } from './slowestFiles.js';

const root = process.cwd();
const at = (file: string) => path.join(root, file);
const ended = (file: string, name: string, seconds: number, nesting = 0, type = 'test:pass'): TestEvent => ({
  type,
  data: { file: at(file), name, nesting, details: { duration_ms: seconds * 1000 } },
});

async function report(events: TestEvent[]): Promise<string[]> {
  async function* source() {
    yield* events;
  }
  const lines: string[] = [];
  for await (const chunk of slowestFiles(source())) lines.push(chunk);
  return lines.join('').trim().split('\n');
}

describe('the slowest test files', () => {
  it('adds up each file’s top-level tests, failed ones too, and lists the slowest first', async () => {
    const lines = await report([
      ended('src/a.test.ts', 'first', 2),
      ended('src/a.test.ts', 'second', 3, 0, 'test:fail'),
      ended('src/a.test.ts', 'inside second', 3, 1),
      ended('test/http/b.test.ts', 'only', 7),
      { type: 'test:diagnostic', data: { file: at('src/a.test.ts'), name: 'noise', nesting: 0, details: {} } },
    ]);
    assert.deepEqual(lines, [
      '# the 2 slowest of 2 test files and browser suites (seconds; all files 12 s)',
      `#       7.0  ${path.join('test', 'http', 'b.test.ts')}`,
      `#       5.0  ${path.join('src', 'a.test.ts')}`,
    ]);
  });

  it('names a suite declared in a test/support helper by the suite, not the helper’s file', async () => {
    const lines = await report([
      ended('test/support/browser.ts', 'booking in a browser', 60),
      ended('test/support/browser.ts', 'tracking in a browser', 20),
    ]);
    assert.deepEqual(lines.slice(1), [
      `#      60.0  ${path.join('test', 'support', 'browser.ts')}: booking in a browser`,
      `#      20.0  ${path.join('test', 'support', 'browser.ts')}: tracking in a browser`,
    ]);
  });

  it('lists fifteen at most', async () => {
    const lines = await report(Array.from({ length: 20 }, (_, index) => ended(`src/f${index}.test.ts`, 'a test', index + 1)));
    assert.equal(lines.length, 16);
    assert.match(lines[0]!, /^# the 15 slowest of 20 /);
    assert.match(lines[1]!, /20\.0 {2}src.f19\.test\.ts$/);
  });
});
