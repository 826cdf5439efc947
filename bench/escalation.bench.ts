import { performance } from 'node:perf_hooks';
import { migrateStore, openStore } from '../src/db/connection.js';
import { Engine } from '../src/engine/engine.js';
import { OutboxDrainer, type SlackCaller } from '../src/engine/outbox.js';
import { PageService } from '../src/paging/page-service.js';
import { FakeClock, MINUTE } from '../src/time/clock.js';
import { captureLogs, tempDbPath } from '../test/support/common.js';
import { pagingPolicy } from '../test/support/paging-scenario.js';
import { result, type BenchResult } from './results.js';

const MEASURED = 10;
const ROUNDS = 25; // the last round's steps are due at 39 min, before any background step (45 min)

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * How late an escalation step fires, in real milliseconds from the start of the ticker round to the commit
 * of its decision. The same 10 steps are due in each round; what changes is how many other escalations are
 * pending (due later): the engine's cost must follow what is due, not what is stored.
 */
async function lagWithPending(pending: number): Promise<number[]> {
  const db = tempDbPath();
  const store = openStore(db.path);
  migrateStore(store);
  const start = Date.parse('2026-01-07T03:00:00Z');
  const clock = new FakeClock(start);
  const { logger } = captureLogs();
  const caller: SlackCaller = { call: async (_m, args) => ({ kind: 'ok', channel: String(args.channel ?? 'C'), ts: '1.1' }) };
  const drainer = new OutboxDrainer({ db: store.db, clock, caller, logger });
  const engine = new Engine({ db: store.db, clock, logger, drainer });
  const pager = new PageService(pagingPolicy());
  let roundStart = 0;
  let measuring = false;
  const lags: number[] = [];
  const originalRegister = engine.register.bind(engine);
  engine.register = (kind, handler) =>
    originalRegister(kind, (timer, tx) => {
      handler(timer, tx);
      if (measuring && kind === 'page.step') lags.push(performance.now() - roundStart);
    });
  pager.register(engine);

  // Background: escalations pending but not due in the measured window (P1 steps come 45 min later).
  engine.transact((tx) => {
    for (let i = 0; i < pending - MEASURED; i += 1)
      pager.create(tx, { rotation: 'backend', severity: 'P1', summary: `background ${i}`, source: 'alert' });
  });
  await drainer.drain();
  try {
    // Each round: ten P0 pages raised together, a minute apart from the previous round; their second step is due 15 min later.
    for (let round = 0; round < ROUNDS; round += 1) {
      clock.set(start + round * MINUTE);
      engine.transact((tx) => {
        for (let i = 0; i < MEASURED; i += 1)
          pager.create(tx, { rotation: 'backend', severity: 'P0', summary: `measured ${round}.${i}`, source: 'alert' });
      });
    }
    await drainer.drain();
    for (let round = 0; round < ROUNDS; round += 1) {
      clock.set(start + round * MINUTE + 15 * MINUTE);
      roundStart = performance.now();
      measuring = true;
      await engine.tick();
      measuring = false;
    }
    return lags;
  } finally {
    await engine.stop();
    store.close();
    db.cleanup();
  }
}

export async function benchEscalation(): Promise<BenchResult[]> {
  await lagWithPending(10); // warm up
  const small = await lagWithPending(10);
  const large = await lagWithPending(10_000);
  return [
    result('escalation lag p50, 10k pending vs 10', percentile(large, 50), percentile(small, 50), 'ms', 'lower'),
    result('escalation lag p99, 10k pending vs 10', percentile(large, 99), percentile(small, 99), 'ms', 'lower'),
  ];
}
