import { performance } from 'node:perf_hooks';
import { parsePolicyText, type RotationPolicy } from '../src/config/policy.js';
import { migrateStore, openStore } from '../src/db/connection.js';
import { activeOverrides, insertOverride } from '../src/schedules/override-store.js';
import { whoIsOnCall, type Override } from '../src/schedules/rotation.js';
import { tempDbPath } from '../test/support/common.js';
import { HOUR } from '../src/time/clock.js';
import { result, type BenchResult } from './results.js';

/** 200 members in 50 rotations; `who` for every rotation, with 10,000 overrides against none. */
function setup() {
  const zones = ['UTC', 'America/New_York', 'Europe/London', 'Australia/Sydney'];
  const lines = ['rotations:'];
  for (let r = 0; r < 50; r += 1) {
    const members = Array.from({ length: 8 }, (_, i) => `U${String((r * 4 + i) % 200).padStart(4, '0')}`);
    lines.push(
      `  r${r}:`,
      `    members: [${members.join(', ')}]`,
      `    shift: { every: 1w, handoff: "mon 09:00", timezone: ${zones[r % 4]}, start: "2026-01-05" }`,
    );
  }
  const rotations = Object.values(parsePolicyText(lines.join('\n'), 'bench.yml').rotations);
  const base = Date.parse('2026-01-05T00:00:00Z');
  const overrides: Override[] = Array.from({ length: 10_000 }, (_, i) => ({
    id: i + 1,
    rotation: `r${i % 50}`,
    role: i % 3 === 0 ? 'secondary' : 'primary',
    userId: `U${String(i % 200).padStart(4, '0')}`,
    startsAt: base + (i % 2000) * 4 * HOUR,
    endsAt: base + (i % 2000) * 4 * HOUR + 6 * HOUR,
    reason: 'override',
    createdAt: i,
  }));
  return { rotations, overrides };
}

function callsPerSecond(rotations: RotationPolicy[], overrides: Override[]): number {
  const instants = Array.from({ length: 200 }, (_, i) => Date.parse('2026-01-05T00:00:00Z') + i * 37 * HOUR);
  let sink = 0;
  const start = performance.now();
  let calls = 0;
  while (performance.now() - start < 1500) {
    for (const t of instants) {
      for (const r of rotations) sink += whoIsOnCall(r, overrides, t).shiftIndex;
      calls += 1;
    }
  }
  if (sink === Number.MIN_VALUE) process.stdout.write('');
  return calls / ((performance.now() - start) / 1000);
}

export function benchWho(): BenchResult[] {
  const { rotations, overrides } = setup();
  callsPerSecond(rotations, []); // warm up the JIT on both paths
  const baseline = callsPerSecond(rotations, []);
  const withOverrides = callsPerSecond(rotations, overrides);
  return [result('who for 50 rotations, 10k overrides vs none', withOverrides, baseline, 'calls/s', 'higher', { on: 'ratio', min: 0.8 })];
}

/**
 * What a page step pays: read the overrides still in force from SQLite, then answer `who` for each rotation.
 * A year of past overrides (10,000, all over) against none: the live-end index keeps them out of the read.
 */
function storeCallsPerSecond(pastOverrides: number): { run: () => number; close: () => void } {
  const { rotations } = setup();
  const db = tempDbPath();
  const store = openStore(db.path);
  migrateStore(store);
  const now = Date.parse('2027-01-06T03:00:00Z');
  store.db.transaction((tx) => {
    for (let i = 0; i < pastOverrides; i += 1) {
      const startsAt = now - 365 * 24 * HOUR + i * 45 * 60_000;
      insertOverride(tx, startsAt, {
        rotation: `r${i % 50}`,
        role: 'primary',
        userId: 'U0001',
        startsAt,
        endsAt: Math.min(startsAt + 4 * HOUR, now - HOUR),
        reason: 'override',
        createdBy: 'U0001',
      });
    }
  });
  let calls = 0;
  let sink = 0;
  const close = () => {
    store.close();
    db.cleanup();
  };
  const run = () => {
    const start = performance.now();
    const first = calls;
    while (performance.now() - start < 400) {
      const live = activeOverrides(store.db, now + calls);
      for (const r of rotations) sink += whoIsOnCall(r, live, now + calls).shiftIndex;
      calls += 1;
    }
    if (sink === Number.MIN_VALUE) process.stdout.write('');
    return (calls - first) / ((performance.now() - start) / 1000);
  };
  return { run, close };
}

export function benchWhoFromStore(): BenchResult[] {
  const none = storeCallsPerSecond(0);
  const history = storeCallsPerSecond(10_000);
  none.run();
  history.run(); // warm up both
  // Interleaved, best of five each: a noisy neighbour slows one window, not one side.
  let baseline = 0;
  let withHistory = 0;
  for (let round = 0; round < 5; round += 1) {
    baseline = Math.max(baseline, none.run());
    withHistory = Math.max(withHistory, history.run());
  }
  none.close();
  history.close();
  return [result('who from the store, 10k past overrides vs none', withHistory, baseline, 'calls/s', 'higher', { on: 'ratio', min: 0.8 })];
}
