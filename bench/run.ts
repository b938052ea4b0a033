// `npm run bench` (quick) and `npm run bench -- --full`: every benchmark, printed as a table and
// written to bench/results/latest.json. Figures are compared with baselines measured in the same
// run; nothing here asserts a time. `--only=startup`, `--only=customers`, `--only=cases`,
// `--only=queue`, `--only=portal`, `--only=appointments`, `--only=performance` or `--only=generate` runs one of them; `--customers=N` and `--cases=N` change how
// many customers or open cases are loaded, and `--connections=N` how many connections drive the
// load.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchAppointments } from './appointments.ts';
import { benchCaseIntake } from './cases.ts';
import { benchCustomers } from './customers.ts';
import { benchGenerate, sizeFromArguments } from './generate.ts';
import { benchPerformance } from './performance.ts';
import { benchPortal } from './portal.ts';
import { benchQueue } from './queue.ts';
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

if (!only || only === 'cases') {
  results.push(...(await benchCaseIntake({ seconds: full ? 60 : 20, connections: Number(option('connections') ?? 10) })));
}
if (!only || only === 'queue') {
  results.push(
    ...(await benchQueue({
      openCases: Number(option('cases') ?? (full ? 200_000 : 20_000)),
      seconds: full ? 20 : 5,
      connections: Number(option('connections') ?? 1),
      sqlIterations: full ? 300 : 100,
    })),
  );
}

if (!only || only === 'portal') {
  results.push(...(await benchPortal({ seconds: full ? 20 : 10, connections: Number(option('connections') ?? 10) })));
}

if (!only || only === 'appointments') {
  results.push(
    ...(await benchAppointments({
      sites: full ? 12 : 6,
      services: full ? 20 : 10,
      searches: full ? 1_000 : 300,
      seconds: full ? 20 : 10,
      connections: Number(option('connections') ?? 10),
    })),
  );
}

if (!only || only === 'performance') {
  results.push(
    ...(await benchPerformance({
      contacts: Number(option('performance-contacts') ?? (full ? 10_000_000 : 1_000_000)),
      cases: Number(option('performance-cases') ?? (full ? 2_000_000 : 200_000)),
      rounds: full ? 100 : 50,
      scanRounds: full ? 3 : 5,
      inserts: 500,
    })),
  );
}

// Only on request: the data generator (bench/generate.ts) with its own flags (--customers, --contacts, ...).
if (only === 'generate') results.push(...(await benchGenerate(sizeFromArguments(process.argv))));

printTable(results);
const file = writeResults(path.join(path.dirname(fileURLToPath(import.meta.url)), 'results'), results);
console.log(`Written to ${path.relative(process.cwd(), file)}`);
process.exit(0);
