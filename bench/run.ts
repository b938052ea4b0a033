// `npm run bench` (quick) and `npm run bench -- --full`: every benchmark, printed as a table and
// written to bench/results/latest.json. Figures are compared with baselines measured in the same
// run; nothing here asserts a time. `--only=startup` or `--only=customers` runs one of them;
// `--customers=N` changes how many customers the customers benchmark loads.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchCustomers } from './customers.ts';
import { printTable, writeResults, type BenchResult } from './results.ts';
import { benchStartup } from './startup.ts';

const full = process.argv.includes('--full');
const option = (name: string) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
const only = option('only');
const results: BenchResult[] = [];

console.log(`OneDoor benchmarks (${full ? 'full' : 'quick'} run)`);
if (!only || only === 'startup') results.push(...(await benchStartup(full ? 5 : 3)));
if (!only || only === 'customers') {
  results.push(
    ...(await benchCustomers({
      customers: Number(option('customers') ?? (full ? 1_000_000 : 100_000)),
      queries: full ? 1_000 : 300,
      viewIterations: full ? 300 : 100,
    })),
  );
}

printTable(results);
const file = writeResults(path.join(path.dirname(fileURLToPath(import.meta.url)), 'results'), results);
console.log(`Written to ${path.relative(process.cwd(), file)}`);
process.exit(0);
