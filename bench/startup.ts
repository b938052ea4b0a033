// Time from `onedoor start` to /readyz 200, first start (empty DATA_DIR: initdb, migrations,
// demo council) and a later start, against the baseline of the bare embedded PostgreSQL doing
// the same (initdb and start, or start) on the same machine in the same run.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startEmbeddedPostgres } from '../src/db/embedded.ts';
import { PROJECT_ROOT } from '../src/platform/assets.ts';
import type { BenchResult } from './results.ts';

async function waitForReady(url: string, child: ReturnType<typeof spawn>): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`onedoor exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Starts OneDoor on `dataDir`, returns ms to ready and the server's resident memory, then stops it. */
async function timeOneDoorStart(dataDir: string): Promise<{ ms: number; rssMb: number }> {
  const port = await freePort();
  const began = performance.now();
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin/onedoor.js'), 'start'], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn', DATABASE_URL: '' },
    stdio: 'ignore',
  });
  await waitForReady(`http://127.0.0.1:${port}`, child);
  const ms = performance.now() - began;
  const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const rssMb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  return { ms, rssMb };
}

async function timeBarePostgres(dataDir: string): Promise<number> {
  const began = performance.now();
  const postgres = await startEmbeddedPostgres(dataDir, () => undefined);
  const ms = performance.now() - began;
  await postgres.stop();
  return ms;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function benchStartup(rounds: number): Promise<BenchResult[]> {
  const first: number[] = [];
  const later: number[] = [];
  const bareFirst: number[] = [];
  const bareLater: number[] = [];
  const rss: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const oneDoorDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onedoor-bench-'));
    const bareDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onedoor-bench-bare-'));
    try {
      first.push((await timeOneDoorStart(oneDoorDir)).ms);
      const restart = await timeOneDoorStart(oneDoorDir);
      later.push(restart.ms);
      rss.push(restart.rssMb);
      bareFirst.push(await timeBarePostgres(bareDir));
      bareLater.push(await timeBarePostgres(bareDir));
    } finally {
      fs.rmSync(oneDoorDir, { recursive: true, force: true });
      fs.rmSync(bareDir, { recursive: true, force: true });
    }
  }
  const result = (name: string, value: number, baseline: string, baselineValue: number, unit = 'ms'): BenchResult => ({
    name,
    size: `${rounds} rounds, median`,
    value: Math.round(value),
    unit,
    baseline,
    baselineValue: Math.round(baselineValue),
    ratio: Number((value / baselineValue).toFixed(2)),
  });
  return [
    result(
      'start to ready, first start (initdb, migrations, demo council)',
      median(first),
      'embedded PostgreSQL initdb + start',
      median(bareFirst),
    ),
    result('start to ready, later start', median(later), 'embedded PostgreSQL start', median(bareLater)),
    {
      name: 'server memory after start (RSS)',
      size: `${rounds} rounds, median`,
      value: Math.round(median(rss)),
      unit: 'MB',
      baseline: 'none',
      baselineValue: null,
      ratio: null,
    },
  ];
}
