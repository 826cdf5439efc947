/**
 * Cost flat as history grows: the same work on a database holding a year of closed history (scripts/
 * seed-history.ts: 1,000,000 alerts, 250,000 pages, 1,000,000 delivered outbox rows, 100,000 incidents at
 * scale 1) against an empty one, in the same run. BENCH_HISTORY_SCALE=0.1 makes it quicker to try.
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadPolicyFile } from '../src/config/policy.js';
import { migrateStore, openStore } from '../src/db/connection.js';
import { FakeClock, MINUTE } from '../src/time/clock.js';
import { fixture } from '../test/support/fixtures.js';
import { TestApp } from '../test/support/harness.js';
import { historyCounts, seedHistory } from '../scripts/seed-history.js';
import { tempDbPath } from '../test/support/common.js';
import { result, type BenchResult } from './results.js';

const POLICY_PATH = fileURLToPath(new URL('../../shared/policy.example.yml', import.meta.url));
const TOKEN = 'bench-alertmanager-token-0123';
const NOW = Date.parse('2027-01-06T03:00:00Z');
const ALERTS = 150;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

interface Run {
  /** Milliseconds from sending a new alert to its 202 (the alert stored, its page decided and queued). */
  ingest: number[];
  /** Milliseconds of each ticker round in the hour after, as the open pages climb their chains. */
  rounds: number[];
}

async function workload(dbPath: string): Promise<Run> {
  const t = await TestApp.start({
    dbPath,
    policy: loadPolicyFile(POLICY_PATH),
    clock: new FakeClock(NOW),
    secrets: { ALERTMANAGER_TOKEN: TOKEN },
  });
  const template = fixture('alertmanager/firing.json') as { alerts: Array<Record<string, unknown>> };
  try {
    const ingest: number[] = [];
    for (let i = 0; i < ALERTS; i += 1) {
      const alert = {
        ...template.alerts[0],
        fingerprint: `now-${i}`,
        labels: { alertname: `Now${i}`, service: `svc-${i % 40}`, severity: 'critical' },
        annotations: { summary: `fresh alert ${i}` },
      };
      const start = performance.now();
      const response = await fetch(`${t.baseUrl}/webhooks/prometheus`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ ...template, alerts: [alert] }),
      });
      await response.arrayBuffer();
      ingest.push(performance.now() - start);
      if (response.status !== 202) throw new Error(`webhook answered ${response.status}`);
    }
    const rounds: number[] = [];
    for (let minute = 0; minute < 60; minute += 1) {
      t.clock.advance(MINUTE);
      const start = performance.now();
      await t.app.engine.tick();
      rounds.push(performance.now() - start);
    }
    return { ingest, rounds };
  } finally {
    await t.close();
  }
}

export async function benchHistory(): Promise<BenchResult[]> {
  const scale = Number(process.env.BENCH_HISTORY_SCALE ?? '1');
  const seeded = tempDbPath();
  const store = openStore(seeded.path);
  migrateStore(store);
  seedHistory(store, historyCounts(scale), NOW, ['backend']);
  store.close();
  const empty = tempDbPath();
  const copy = tempDbPath();
  try {
    // Warm up on a throwaway copy of the empty database, then measure each once on a fresh file.
    await workload(empty.path);
    const baseline = await workload(copy.path);
    const history = await workload(seeded.path);
    const label = `${Math.round(1_000_000 * scale).toLocaleString('en')} past alerts and outbox rows`;
    return [
      result(
        `alert ingest and page creation p50, ${label} vs none`,
        percentile(history.ingest, 50),
        percentile(baseline.ingest, 50),
        'ms',
        'lower',
        { on: 'ratio', max: 1.2 },
      ),
      result(
        `alert ingest and page creation p99, ${label} vs none`,
        percentile(history.ingest, 99),
        percentile(baseline.ingest, 99),
        'ms',
        'lower',
        { on: 'ratio', max: 1.2 },
      ),
      // Most minutes have nothing due: the slowest rounds are the ones that escalate, and the sum is the hour's cost.
      result(
        `ticker rounds for an hour of ${ALERTS} open pages (sum), ${label} vs none`,
        sum(history.rounds),
        sum(baseline.rounds),
        'ms',
        'lower',
        { on: 'ratio', max: 1.2 },
      ),
      result(
        `slowest ticker round (escalation steps due), ${label} vs none`,
        Math.max(...history.rounds),
        Math.max(...baseline.rounds),
        'ms',
        'lower',
        { on: 'ratio', max: 1.2 },
      ),
    ];
  } finally {
    for (const db of [seeded, empty, copy]) db.cleanup();
  }
}
