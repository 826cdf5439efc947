/**
 * Memory as history grows: the bot's resident memory after the same hour of work on a database holding a year
 * of closed history (scripts/seed-history.ts) against an empty one, each in a process of its own.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { migrateStore, openStore } from '../src/db/connection.js';
import { historyCounts, seedHistory } from '../scripts/seed-history.js';
import { tempDbPath } from '../test/support/common.js';
import { result, type BenchResult } from './results.js';

const CHILD = fileURLToPath(new URL('./memory-child.ts', import.meta.url));

function residentAfterWork(dbPath: string): { rss: number; heapUsed: number } {
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', CHILD, dbPath], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').at(-1)!) as { rss: number; heapUsed: number };
}

export function benchMemory(): BenchResult[] {
  const scale = Number(process.env.BENCH_HISTORY_SCALE ?? '1');
  const seeded = tempDbPath();
  const empty = tempDbPath();
  try {
    const store = openStore(seeded.path);
    migrateStore(store);
    seedHistory(store, historyCounts(scale), Date.parse('2027-01-06T03:00:00Z'), ['backend']);
    store.close();
    const baseline = residentAfterWork(empty.path);
    const history = residentAfterWork(seeded.path);
    const label = `${Math.round(1_000_000 * scale).toLocaleString('en')} past alerts`;
    return [
      result(`resident memory after an hour's work, ${label} vs none`, history.rss / 2 ** 20, baseline.rss / 2 ** 20, 'MiB', 'lower'),
      result(`heap in use after an hour's work, ${label} vs none`, history.heapUsed / 2 ** 20, baseline.heapUsed / 2 ** 20, 'MiB', 'lower'),
    ];
  } finally {
    seeded.cleanup();
    empty.cleanup();
  }
}
