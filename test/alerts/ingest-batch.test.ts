/**
 * Concurrent webhook requests are ingested in one transaction (one commit for all that arrived in one turn), each
 * answered only after that commit; one request that fails is refused alone, the others are stored all the same.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { IngestResult } from '../../src/alerts/alert-service.js';
import { batchEndsAfter, INGEST_BATCH_MAX, IngestBatcher } from '../../src/alerts/webhook-route.js';
import { PRIORITY } from '../../src/engine/outbox.js';
import type { EngineTx } from '../../src/engine/engine.js';
import { pendingTimerKeys } from '../../src/engine/timers.js';
import { engineFixture, type EngineFixture } from '../support/engine-fixture.js';

let fx: EngineFixture;
afterEach(async () => fx?.close());

const none: IngestResult = { created: 0, repeated: 0, resolved: 0, acknowledged: 0, ignored: 0 };

/** An ingest that writes one keyed timer (a stand-in for the alert rows) and notes which transaction it ran in. */
function writer(key: string, seen: EngineTx[]) {
  return (tx: EngineTx): IngestResult => {
    seen.push(tx);
    tx.schedule({ kind: 'test.batch', subject: 'batch', key, dueAt: tx.now + 60_000 });
    return { ...none, created: 1 };
  };
}

describe('webhook ingest batching', () => {
  it('commits the requests of one turn in one transaction and answers each after it', async () => {
    fx = await engineFixture();
    const batcher = new IngestBatcher(fx.engine);
    const seen: EngineTx[] = [];
    const answers = await Promise.all(['a', 'b', 'c'].map((key) => batcher.submit(writer(key, seen))));
    expect(answers.map((a) => a.created)).toEqual([1, 1, 1]);
    expect(new Set(seen).size).toBe(1);
    expect([...pendingTimerKeys(fx.store.db, 'batch', 'test.batch')].sort()).toEqual(['a', 'b', 'c']);
  });

  it('refuses only the request that fails; the others of its batch are stored', async () => {
    fx = await engineFixture();
    const batcher = new IngestBatcher(fx.engine);
    const seen: EngineTx[] = [];
    const failing = (tx: EngineTx): IngestResult => {
      tx.schedule({ kind: 'test.batch', subject: 'batch', key: 'bad', dueAt: tx.now + 60_000 });
      throw new Error('this alert cannot be stored');
    };
    const answers = await Promise.allSettled([
      batcher.submit(writer('a', seen)),
      batcher.submit(failing),
      batcher.submit(writer('c', seen)),
    ]);
    expect(answers.map((a) => a.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect([...pendingTimerKeys(fx.store.db, 'batch', 'test.batch')].sort()).toEqual(['a', 'c']);
  });

  it.each([
    { taken: 1, openedPage: false, max: 32, ends: false },
    { taken: 1, openedPage: true, max: 32, ends: true },
    { taken: 31, openedPage: false, max: 32, ends: false },
    { taken: 32, openedPage: false, max: 32, ends: true },
    { taken: 5, openedPage: false, max: 5, ends: true },
  ])('a batch of $taken (page opened: $openedPage, at most $max) ends: $ends', ({ taken, openedPage, max, ends }) => {
    expect(batchEndsAfter(taken, openedPage, max)).toBe(ends);
  });

  it('commits at once after a request that opened a page; the requests after it follow in the next transaction', async () => {
    fx = await engineFixture();
    const batcher = new IngestBatcher(fx.engine);
    const seen: EngineTx[] = [];
    const paging = (tx: EngineTx): IngestResult => {
      seen.push(tx);
      tx.enqueue({ method: 'chat.postMessage', args: { channel: 'D0ONCALL', text: 'page' }, priority: PRIORITY.page });
      return { ...none, created: 1 };
    };
    const answers = await Promise.all([
      batcher.submit(writer('a', seen)),
      batcher.submit(paging),
      batcher.submit(writer('c', seen)),
      batcher.submit(writer('d', seen)),
    ]);
    expect(answers.map((a) => a.created)).toEqual([1, 1, 1, 1]);
    // a and the page in one transaction, c and d in the next
    expect(seen[0]).toBe(seen[1]);
    expect(seen[2]).toBe(seen[3]);
    expect(seen[1]).not.toBe(seen[2]);
    expect([...pendingTimerKeys(fx.store.db, 'batch', 'test.batch')].sort()).toEqual(['a', 'c', 'd']);
  });

  it('a storm of requests is committed in batches of at most INGEST_BATCH_MAX, every one stored', async () => {
    fx = await engineFixture();
    const batcher = new IngestBatcher(fx.engine);
    const seen: EngineTx[] = [];
    const total = INGEST_BATCH_MAX * 2 + 5;
    const keys = Array.from({ length: total }, (_, i) => `k${i}`);
    await Promise.all(keys.map((key) => batcher.submit(writer(key, seen))));
    const sizes = [...new Set(seen)].map((tx) => seen.filter((s) => s === tx).length);
    expect(sizes).toEqual([INGEST_BATCH_MAX, INGEST_BATCH_MAX, 5]);
    expect(pendingTimerKeys(fx.store.db, 'batch', 'test.batch').size).toBe(total);
  });
});
