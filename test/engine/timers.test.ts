import { afterEach, describe, expect, it } from 'vitest';
import { timers } from '../../src/db/schema.js';
import { migrateStore, openStore } from '../../src/db/connection.js';
import { Engine } from '../../src/engine/engine.js';
import { OutboxDrainer, PRIORITY, type SlackCaller } from '../../src/engine/outbox.js';
import { FakeClock, SECOND } from '../../src/time/clock.js';
import { captureLogs, tempDbPath } from '../support/common.js';
import { engineFixture, type EngineFixture } from '../support/engine-fixture.js';

let fx: EngineFixture;
afterEach(async () => fx?.close());

describe('durable timers', () => {
  it('does not fire a timer at T-1 s and fires it exactly once at T', async () => {
    fx = await engineFixture();
    const fired: number[] = [];
    fx.engine.register('test.ping', (timer, tx) => {
      fired.push(tx.now);
      expect(timer.payload).toEqual({ n: 1 });
    });
    const T = fx.clock.now() + 10 * SECOND;
    fx.engine.transact((tx) => tx.schedule({ kind: 'test.ping', subject: 'thing:1', dueAt: T, payload: { n: 1 } }));

    fx.clock.set(T - SECOND);
    await fx.engine.tick();
    expect(fired).toEqual([]);

    fx.clock.set(T);
    await fx.engine.tick();
    expect(fired).toEqual([T]);

    fx.clock.advance(5 * SECOND);
    await fx.engine.tick();
    await fx.engine.tick();
    expect(fired).toEqual([T]);
    expect(fx.store.db.select().from(timers).all()).toEqual([]);
  });

  it('fires 1,000 timers due at once, each once', async () => {
    fx = await engineFixture();
    const counts = new Map<string, number>();
    fx.engine.register('test.bulk', (timer) => counts.set(timer.subject, (counts.get(timer.subject) ?? 0) + 1));
    const T = fx.clock.now() + SECOND;
    fx.engine.transact((tx) => {
      for (let i = 0; i < 1000; i += 1) tx.schedule({ kind: 'test.bulk', subject: `s:${i}`, dueAt: T });
    });
    fx.clock.set(T);
    await fx.engine.tick();
    await fx.engine.tick();
    expect(counts.size).toBe(1000);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });

  it('keeps one timer per idempotency key and cancels by subject', async () => {
    fx = await engineFixture();
    const fired: string[] = [];
    fx.engine.register('test.keyed', (timer) => fired.push(timer.subject));
    const T = fx.clock.now() + SECOND;
    const added = fx.engine.transact((tx) => [
      tx.schedule({ kind: 'test.keyed', subject: 'a', dueAt: T, key: 'boundary:a:1' }),
      tx.schedule({ kind: 'test.keyed', subject: 'a', dueAt: T, key: 'boundary:a:1' }),
      tx.schedule({ kind: 'test.keyed', subject: 'b', dueAt: T }),
    ]);
    expect(added).toEqual([true, false, true]);
    expect(fx.engine.transact((tx) => tx.cancel('b'))).toBe(1);
    await fx.advance(SECOND);
    expect(fired).toEqual(['a']);
  });

  it('rolls back a failing decision, keeps its timer and retries it later', async () => {
    fx = await engineFixture();
    let calls = 0;
    fx.engine.register('test.flaky', (_timer, tx) => {
      calls += 1;
      tx.enqueue({ method: 'chat.postMessage', args: { channel: 'C1', text: 'from flaky' }, priority: PRIORITY.notice });
      if (calls === 1) throw new Error('database hiccup');
    });
    fx.engine.transact((tx) => tx.schedule({ kind: 'test.flaky', subject: 'f', dueAt: fx.clock.now() }));
    await fx.engine.tick();
    expect(calls).toBe(1);
    expect(fx.standIn.delivered('chat.postMessage')).toHaveLength(0);
    expect(fx.logs.join('')).toContain('database hiccup');

    await fx.advance(SECOND);
    expect(calls).toBe(2);
    expect(fx.standIn.delivered('chat.postMessage')).toHaveLength(1);
  });

  it('enqueues Slack calls in the same transaction as the timer decision, and delivers them right away', async () => {
    fx = await engineFixture();
    fx.engine.register('test.notify', (timer, tx) => {
      tx.enqueue({ method: 'chat.postMessage', args: { channel: 'C1', text: `due ${timer.subject}` }, priority: PRIORITY.page });
    });
    fx.engine.transact((tx) => tx.schedule({ kind: 'test.notify', subject: 'x', dueAt: fx.clock.now() + SECOND }));
    await fx.advance(SECOND);
    expect(fx.standIn.delivered('chat.postMessage').map((c) => c.args.text)).toEqual(['due x']);
  });

  it('fires due escalation-priority timers before a burst of bookkeeping due earlier', async () => {
    fx = await engineFixture();
    const order: string[] = [];
    fx.engine.register('test.bookkeeping', (timer) => order.push(timer.subject));
    fx.engine.register('test.page', (timer) => order.push(timer.subject));
    const T = fx.clock.now();
    fx.engine.transact((tx) => {
      for (let i = 0; i < 3; i += 1) tx.schedule({ kind: 'test.bookkeeping', subject: `sla${i}`, dueAt: T - 10 * SECOND });
      tx.schedule({ kind: 'test.page', subject: 'step', dueAt: T, priority: 0 });
    });
    await fx.engine.tick();
    expect(order).toEqual(['step', 'sla0', 'sla1', 'sla2']);
  });
});

describe('the every-second beat', () => {
  it('fires due timers while the outbox is still busy with a call Slack never answers', async () => {
    const clock = new FakeClock('2026-01-05T09:00:00Z');
    const temp = tempDbPath();
    const store = openStore(temp.path);
    migrateStore(store);
    const { logger } = captureLogs();
    let release: () => void = () => undefined;
    const hanging: SlackCaller = { call: () => new Promise((resolve) => (release = () => resolve({ kind: 'ok' }))) };
    const drainer = new OutboxDrainer({ db: store.db, clock, caller: hanging, logger });
    const engine = new Engine({ db: store.db, clock, logger, drainer });
    const fired: string[] = [];
    engine.register('test.step', (timer) => fired.push(timer.subject));
    try {
      engine.transact((tx) =>
        tx.enqueue({ method: 'chat.postMessage', args: { channel: 'C1', text: 'backlog' }, priority: PRIORITY.notice }),
      );
      engine.transact((tx) => tx.schedule({ kind: 'test.step', subject: 'page:1', dueAt: clock.now() + SECOND }));
      clock.advance(SECOND);
      await engine.beat();
      expect(fired).toEqual(['page:1']);
      expect(engine.lastTickAt).toBe(clock.now());
    } finally {
      release();
      await drainer.drain();
      store.close();
      temp.cleanup();
    }
  });
});
