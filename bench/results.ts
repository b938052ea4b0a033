// The shape of bench/results/latest.json (CONTRACT.md), and writing it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface BenchResult {
  name: string;
  size: string;
  value: number;
  unit: string;
  /** What the figure is compared with, measured in the same run on the same machine. */
  baseline: string;
  baselineValue: number | null;
  /** value / baselineValue: how many times the baseline OneDoor takes (lower is better). */
  ratio: number | null;
}

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.availableParallelism()} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}`;
}

export function writeResults(directory: string, results: BenchResult[]): string {
  const file = path.join(directory, 'latest.json');
  fs.mkdirSync(directory, { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify({ machine: machine(), date: new Date().toISOString(), results }, null, 2)}\n`);
  return file;
}

export function printTable(results: BenchResult[]): void {
  const rows = results.map((result) => [
    result.name,
    result.size,
    `${result.value} ${result.unit}`,
    result.baselineValue === null ? '–' : `${result.baselineValue} ${result.unit} (${result.baseline})`,
    result.ratio === null ? '–' : `${result.ratio}×`,
  ]);
  const header = ['benchmark', 'size', 'OneDoor', 'baseline', 'ratio'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ');
  console.log(line(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(line(row));
}
