/**
 * Retention: delivered outbox rows older than the policy's window go, in batches of 500 per transaction; rows
 * still pending, recent rows, and the messages' places in Slack (slack_messages) stay.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parsePolicyText } from '../../src/config/policy.js';
import { migrateStore, openStore, type Store } from '../../src/db/connection.js';
import { outbox, slackMessages, timers } from '../../src/db/schema.js';
import { deleteDeliveredBefore } from '../../src/engine/outbox.js';
import { RETENTION_BATCH } from '../../src/engine/retention.js';
import { DAY, FakeClock, HOUR } from '../../src/time/clock.js';
import { tempDbPath } from '../support/common.js';
import { TestApp } from '../support/harness.js';

const NOW = Date.parse('2026-11-20T03:00:00Z');

function addRows(store: Store, count: number, status: 'sent' | 'failed' | 'pending', at: number): void {
  const insert = store.sqlite.prepare(
    `insert into outbox (priority, method, args, lane, status, attempts, next_attempt_at, created_at, sent_at) values (1, 'chat.postMessage', '{"channel":"C0X","text":"x"}', 'channel:C0X', ?, 1, ?, ?, ?)`,
  );
  store.sqlite.transaction(() => {
    // A pending row waits for a retry far ahead, so the drainer leaves it pending while the test looks.
    for (let i = 0; i < count; i += 1)
      insert.run(status, status === 'pending' ? NOW + 10 * DAY : at, at, status === 'sent' ? at + 100 : null);
  })();
}

/** Rows of a status written before NOW (what the test put there, not what the running bot sends meanwhile). */
const count = (store: Store, status: string) =>
  store.db
    .select()
    .from(outbox)
    .all()
    .filter((r) => r.status === status && r.createdAt < NOW).length;

describe('deleteDeliveredBefore', () => {
  const temp = tempDbPath();
  let store: Store;
  afterEach(() => {
    store?.close();
    temp.cleanup();
  });

  it('deletes at most a batch of what was delivered or given up before the date, never what is pending', () => {
    store = openStore(temp.path);
    migrateStore(store);
    addRows(store, 1_200, 'sent', NOW - 40 * DAY);
    addRows(store, 7, 'failed', NOW - 40 * DAY);
    addRows(store, 3, 'pending', NOW - 40 * DAY);
    addRows(store, 5, 'sent', NOW - DAY);
    const before = NOW - 30 * DAY;
    expect([
      deleteDeliveredBefore(store.db, before, 500),
      deleteDeliveredBefore(store.db, before, 500),
      deleteDeliveredBefore(store.db, before, 500),
    ]).toEqual([500, 500, 207]);
    expect(deleteDeliveredBefore(store.db, before, 500)).toBe(0);
    expect([count(store, 'sent'), count(store, 'failed'), count(store, 'pending')]).toEqual([5, 0, 3]);
  });
});

describe('the retention timer, in the running bot', () => {
  let t: TestApp;
  afterEach(async () => t?.close());

  it('an hour after start, old delivered rows are gone in batches, one per ticker round, recent ones and the places in Slack stay; then it looks again hourly', async () => {
    const policy = parsePolicyText('retention: 30d\nrotations:\n  backend: { members: [U0ALICE] }', 'oncall.policy.yml');
    t = await TestApp.start({ policy, clock: new FakeClock(NOW) });
    addRows(t.store, 2 * RETENTION_BATCH + 10, 'sent', NOW - 31 * DAY);
    addRows(t.store, 4, 'sent', NOW - 29 * DAY);
    addRows(t.store, 2, 'pending', NOW - 31 * DAY);
    t.store.sqlite
      .prepare(
        `insert into slack_messages (ref, channel, ts, created_at, updated_at) values ('page:1:dm:U0ALICE', 'DU0ALICE', '1.1', ?, ?)`,
      )
      .run(NOW - 31 * DAY, NOW - 31 * DAY);
    await t.advance(HOUR - 1);
    expect(count(t.store, 'sent')).toBe(2 * RETENTION_BATCH + 14);
    // One batch per ticker round: the round that finds the timer due deletes 500 and leaves the rest to the next.
    await t.advance(1);
    expect(count(t.store, 'sent')).toBe(RETENTION_BATCH + 14);
    for (let i = 0; i < 5; i += 1) await t.advance(1_000);
    expect([count(t.store, 'sent'), count(t.store, 'pending')]).toEqual([4, 2]);
    expect(
      t.store.db
        .select()
        .from(slackMessages)
        .all()
        .map((m) => m.ref),
    ).toEqual(['page:1:dm:U0ALICE']);
    const next = t.store.db
      .select()
      .from(timers)
      .all()
      .filter((r) => r.kind === 'engine.retention');
    expect(next).toHaveLength(1);
    expect(next[0]!.dueAt).toBeGreaterThan(t.clock.now() + HOUR - 10_000);
  });

  it('keeps the default month when the policy says nothing, and refuses a retention that is no duration', () => {
    expect(parsePolicyText('preset: p0-p3', 'oncall.policy.yml').retentionMs).toBe(30 * DAY);
    expect(() => parsePolicyText('retention: forever', 'oncall.policy.yml')).toThrow('retention: expected a duration');
  });
});
