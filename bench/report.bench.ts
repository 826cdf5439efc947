/**
 * `/oncall report month` over the large database (issue #24): the command as Slack sends it to the running bot,
 * with 200 people in 50 rotations (scripts/large-policy.ts) and a year of closed history (scripts/seed-history.ts:
 * 1,000,000 alerts, 250,000 pages, 100,000 incidents at scale 1), against the same command on an empty database.
 * The command gathers the month's rows, turns them into figures and words and answers in its ack (the weekly
 * post adds the chart; the command does not draw one). Target: under 1 s of work. The work is also timed apart
 * from the HTTP round trip (gatherReport + renderReport, what the command runs).
 */
import { performance } from 'node:perf_hooks';
import { parsePolicyText } from '../src/config/policy.js';
import { migrateStore, openStore } from '../src/db/connection.js';
import { gatherReport, renderReport } from '../src/reports/report-service.js';
import { FakeClock } from '../src/time/clock.js';
import { TestApp } from '../test/support/harness.js';
import { historyCounts, seedHistory } from '../scripts/seed-history.js';
import { LARGE_PEOPLE, LARGE_ROTATIONS, largePerson, largePolicyText } from '../scripts/large-policy.js';
import { tempDbPath } from '../test/support/common.js';
import { result, type BenchResult } from './results.js';

const NOW = Date.parse('2027-01-06T03:00:00Z');
const RUNS = 5;
export const REPORT_TARGET_MS = 1_000;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

interface Timings {
  /** The command's HTTP round trip, its answer in the ack (ms). */
  command: number[];
  /** gatherReport + renderReport in this process (ms). */
  work: number[];
  /** The same, in CPU time (user + system, ms): what a loaded machine inflates least. */
  cpu: number[];
  pages: number;
}

async function reportMonth(dbPath: string): Promise<Timings> {
  const policy = parsePolicyText(largePolicyText(), 'large-policy.yml');
  // A long ack budget: the answer always comes in the ack, so the round trip is the whole of the work.
  const t = await TestApp.start({ dbPath, policy, clock: new FakeClock(NOW), commandAckBudgetMs: 60_000, env: { LOG_LEVEL: 'info' } });
  try {
    const timings: Timings = { command: [], work: [], cpu: [], pages: 0 };
    for (let run = 0; run <= RUNS; run += 1) {
      const start = performance.now();
      const answer = await t.command('/oncall', 'report month', largePerson(0));
      const elapsed = performance.now() - start;
      const text = String((answer.json() as { text?: unknown }).text);
      if (answer.status !== 200 || !text.includes('On-call report')) throw new Error(`report month answered ${answer.status}: ${text}`);
      const workStart = performance.now();
      const cpuStart = process.cpuUsage();
      const figures = gatherReport(t.store.db, policy, 'month', t.clock.now(), null);
      renderReport(figures);
      const cpu = process.cpuUsage(cpuStart);
      const work = performance.now() - workStart;
      timings.pages = figures.pagesBySeverity.reduce((sum, [, n]) => sum + n, 0);
      // The first of each is a warm-up (statements prepared, pages of the file read into the cache).
      if (run === 0) continue;
      timings.command.push(elapsed);
      timings.work.push(work);
      timings.cpu.push((cpu.user + cpu.system) / 1000);
    }
    return timings;
  } finally {
    await t.close();
  }
}

export async function benchReport(): Promise<BenchResult[]> {
  const scale = Number(process.env.BENCH_HISTORY_SCALE ?? '1');
  const seeded = tempDbPath();
  const empty = tempDbPath();
  try {
    const store = openStore(seeded.path);
    migrateStore(store);
    seedHistory(
      store,
      historyCounts(scale),
      NOW,
      LARGE_ROTATIONS,
      Array.from({ length: LARGE_PEOPLE }, (_, i) => largePerson(i)),
    );
    store.close();
    const baseline = await reportMonth(empty.path);
    const history = await reportMonth(seeded.path);
    process.stderr.write(
      `report month: ${history.pages} pages in the month; command ${history.command.map((ms) => ms.toFixed(0)).join(', ')} ms; work ${history.work.map((ms) => ms.toFixed(0)).join(', ')} ms; CPU ${history.cpu.map((ms) => ms.toFixed(0)).join(', ')} ms\n`,
    );
    const label = `a year of history (${Math.round(1_000_000 * scale).toLocaleString('en')} alerts), 50 rotations`;
    return [
      result(
        `/oncall report month, command round trip (median), ${label}, vs the target`,
        median(history.command),
        REPORT_TARGET_MS,
        'ms',
        'lower',
        {
          on: 'value',
          max: REPORT_TARGET_MS,
        },
      ),
      result(
        `/oncall report month, command round trip (median), ${label}, vs an empty database`,
        median(history.command),
        median(baseline.command),
        'ms',
        'lower',
      ),
      result(
        `/oncall report month, gather and render (median), ${label}, vs the target`,
        median(history.work),
        REPORT_TARGET_MS,
        'ms',
        'lower',
        {
          on: 'value',
          max: REPORT_TARGET_MS,
        },
      ),
      result(
        `/oncall report month, gather and render in CPU time (median), ${label}, vs the target`,
        median(history.cpu),
        REPORT_TARGET_MS,
        'ms',
        'lower',
        {
          on: 'value',
          max: REPORT_TARGET_MS,
        },
      ),
    ];
  } finally {
    seeded.cleanup();
    empty.cleanup();
  }
}
