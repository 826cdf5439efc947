import { writeFileSync } from 'node:fs';

/** A figure's target from the issue it answers: a bound on the ratio to its baseline, or on the value itself. */
export interface Target {
  on: 'ratio' | 'value';
  max?: number;
  min?: number;
}

/** One comparable figure: a measurement against a baseline taken in the same run on the same machine. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  baseline: number;
  ratio: number;
  better: 'higher' | 'lower';
  /** The target, when there is one, as words ("≤1.2×", "≤150 MB"), and whether this run met it. */
  target?: string;
  met?: boolean;
}

export function result(
  name: string,
  value: number,
  baseline: number,
  unit: string,
  better: 'higher' | 'lower',
  target?: Target,
): BenchResult {
  const figures = { name, value: round(value), unit, baseline: round(baseline), ratio: round(value / baseline), better };
  return target ? { ...figures, ...judge(target, value, value / baseline, unit) } : figures;
}

function judge(target: Target, value: number, ratio: number, unit: string): { target: string; met: boolean } {
  const measured = target.on === 'ratio' ? ratio : value;
  const words = (sign: string, bound: number) => (target.on === 'ratio' ? `${sign}${bound}×` : `${sign}${bound} ${unit}`);
  const parts: string[] = [];
  let met = true;
  if (target.min !== undefined) {
    parts.push(words('≥', target.min));
    met &&= measured >= target.min;
  }
  if (target.max !== undefined) {
    parts.push(words('≤', target.max));
    met &&= measured <= target.max;
  }
  return { target: parts.join(' and '), met };
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
  const header = ['benchmark', 'value', 'baseline', 'unit', 'ratio', 'better', 'target', 'met'];
  const rows = results.map((r) => [
    r.name,
    String(r.value),
    String(r.baseline),
    r.unit,
    r.ratio.toFixed(3),
    r.better,
    r.target ?? '',
    r.met === undefined ? '' : r.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  process.stdout.write(`${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(line).join('\n')}\n`);
}
