// Load from a process of its own: `runLoad` starts bench/loadClient.ts (autocannon, every
// response's latency recorded) so that the load generator does not share an event loop with the
// server it measures, and reads back its one line of JSON. `percentiles` is how every benchmark
// here reads p50/p95/p99 from a list of times.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface LoadSettings {
  url: string;
  connections: number;
  seconds: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
}

export interface LoadResult extends Percentiles {
  /** Responses received. */
  requests: number;
  /** How many responses had each status code. */
  statuses: Record<string, number>;
  /** Requests that got no response (connection errors and timeouts). */
  errors: number;
  /** How long the load ran, in seconds. */
  seconds: number;
}

/** The nearest-rank percentiles of `values` (milliseconds, in any order). */
export function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (percentile: number) => sorted[Math.max(0, Math.ceil((percentile / 100) * sorted.length) - 1)] ?? 0;
  return { p50: at(50), p95: at(95), p99: at(99) };
}

/** Responses with a 2xx status. */
export function succeeded(result: LoadResult): number {
  return Object.entries(result.statuses)
    .filter(([status]) => status.startsWith('2'))
    .reduce((sum, [, count]) => sum + count, 0);
}

/** Runs bench/loadClient.ts in a process of its own with `settings`. */
export function runLoad(settings: LoadSettings): Promise<LoadResult> {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'loadClient.ts');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(settings)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`the load client exited with ${code}`));
      resolve(JSON.parse(output.trim().split('\n').at(-1)!) as LoadResult);
    });
  });
}
