// `npm run bench` (quick) and `npm run bench -- --full`: every benchmark, printed as a table and
// written to bench/results/latest.json. Figures are compared with baselines measured in the same
// run; nothing here asserts a time.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { printTable, writeResults, type BenchResult } from './results.ts';
import { benchStartup } from './startup.ts';

const full = process.argv.includes('--full');
const results: BenchResult[] = [];

console.log(`OneDoor benchmarks (${full ? 'full' : 'quick'} run)`);
results.push(...(await benchStartup(full ? 5 : 3)));

printTable(results);
const file = writeResults(path.join(path.dirname(fileURLToPath(import.meta.url)), 'results'), results);
console.log(`Written to ${path.relative(process.cwd(), file)}`);
process.exit(0);
