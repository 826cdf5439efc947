import { writeFileSync } from 'node:fs';

/** One comparable figure: a measurement against a baseline taken in the same run on the same machine. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  baseline: number;
  ratio: number;
  better: 'higher' | 'lower';
}

export function result(name: string, value: number, baseline: number, unit: string, better: 'higher' | 'lower'): BenchResult {
  return { name, value: round(value), unit, baseline: round(baseline), ratio: round(value / baseline), better };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

export function printAndSave(results: BenchResult[], path: string): void {
  print(results);
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\nwritten to ${path}\n`);
}

/** The results as a table on stdout. */
export function print(results: BenchResult[]): void {
  const header = ['benchmark', 'value', 'baseline', 'unit', 'ratio', 'better'];
  const rows = results.map((r) => [r.name, String(r.value), String(r.baseline), r.unit, r.ratio.toFixed(3), r.better]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  process.stdout.write(`${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(line).join('\n')}\n`);
}
