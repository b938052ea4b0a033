// A test reporter that prints, at the end of a run, the test files that took longest: the sum of
// each file's top-level tests and suites, which run one after another inside the file. CI's log
// then says where a run's minutes went without timing each file again by hand.
import path from 'node:path';

// Plain JavaScript: Node loads a reporter before tsx's hooks, so it cannot be TypeScript.

const SHOWN = 15;
const SUPPORT = `${path.sep}test${path.sep}support${path.sep}`;

/**
 * @param {AsyncIterable<{ type: string, data: { nesting?: number, file?: string, name?: string, details?: { duration_ms?: number } } }>} source
 * @returns {AsyncGenerator<string>}
 */
export default async function* slowestFiles(source) {
  /** @type {Map<string, number>} */
  const byFile = new Map();
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { nesting, file, name, details } = event.data;
    if (nesting !== 0 || !file) continue;
    // A suite declared by a helper (browserSuite) names the helper's file: name the suite instead.
    const key = path.relative(process.cwd(), file) + (file.includes(SUPPORT) ? `: ${name}` : '');
    byFile.set(key, (byFile.get(key) ?? 0) + (details?.duration_ms ?? 0));
  }
  const slowest = [...byFile].sort(([, a], [, b]) => b - a).slice(0, SHOWN);
  const total = [...byFile.values()].reduce((sum, duration) => sum + duration, 0);
  yield `\n# the ${slowest.length} slowest of ${byFile.size} test files and browser suites (seconds; all files ${(total / 1000).toFixed(0)} s)\n`;
  for (const [file, duration] of slowest) {
    yield `#   ${(duration / 1000).toFixed(1).padStart(7)}  ${file}\n`;
  }
}
