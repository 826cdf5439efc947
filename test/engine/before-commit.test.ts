/**
 * EngineTx.beforeCommit: work registered under a key runs once, at the end of the transaction's body and still
 * inside it, keys in the order first registered; a rollback runs nothing and keeps none of its writes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { outbox, timers } from '../../src/db/schema.js';
import type { EngineTx } from '../../src/engine/engine.js';
import { PRIORITY } from '../../src/engine/outbox.js';
import { SECOND } from '../../src/time/clock.js';
import { engineFixture, type EngineFixture } from '../support/engine-fixture.js';

let fx: EngineFixture;
afterEach(async () => fx?.close());

type Step = (tx: EngineTx, log: string[]) => void;
const hook =
  (key: string, name = key): Step =>
  (tx, log) =>
    tx.beforeCommit(key, () => log.push(name));
/** A hook under `key` that, when it runs, registers `then` (another hook, or the same key again). */
const hookThen =
  (key: string, then: Step): Step =>
  (tx, log) =>
    tx.beforeCommit(key, (end) => {
      log.push(key);
      then(end, log);
    });
const say =
  (what: string): Step =>
  (_tx, log) =>
    log.push(what);

const CASES: Array<[string, Step[], string[]]> = [
  ['no hook: the body alone', [say('body')], ['body']],
  ['one hook runs after the whole body', [hook('a'), say('body')], ['body', 'a']],
  ['a key registered three times runs once', [hook('a'), say('one'), hook('a'), say('two'), hook('a')], ['one', 'two', 'a']],
  ['keys run in the order first registered', [hook('b'), hook('a'), hook('b'), hook('c'), hook('a')], ['b', 'a', 'c']],
  ['the first function registered for a key is the one run', [hook('a', 'first'), hook('a', 'second')], ['first']],
  ['a hook that registers a new key: it runs after the others', [hookThen('a', hook('c')), hook('b')], ['a', 'b', 'c']],
  ['a hook that registers a key still waiting: that key still runs once', [hookThen('a', hook('b', 'b again')), hook('b')], ['a', 'b']],
  [
    'a hook that registers a key that already ran: it runs once more, last',
    [hook('a'), hookThen('b', hook('a', 'a again'))],
    ['a', 'b', 'a again'],
  ],
];

describe('EngineTx.beforeCommit', () => {
  it.each(CASES)('%s', async (_name, steps, expected) => {
    fx = await engineFixture();
    const log: string[] = [];
    fx.engine.transact((tx) => {
      for (const step of steps) step(tx, log);
    });
    expect(log).toEqual(expected);
    // Nothing is left over for the next transaction.
    fx.engine.transact(() => undefined);
    expect(log).toEqual(expected);
  });

  it('runs inside the transaction: what the hook writes commits with the body, and it sees the body’s writes', async () => {
    fx = await engineFixture();
    const seen: number[] = [];
    const result = fx.engine.transact((tx) => {
      tx.beforeCommit('note', (end) => {
        seen.push(end.db.select().from(timers).all().length);
        end.enqueue({ method: 'chat.postMessage', args: { channel: 'C1', text: 'once' }, priority: PRIORITY.cosmetic });
      });
      tx.schedule({ kind: 'test.later', subject: 'thing:1', dueAt: tx.now + SECOND });
      return 'done';
    });
    expect(result).toBe('done');
    expect(seen).toEqual([1]);
    expect(
      fx.store.db
        .select()
        .from(outbox)
        .all()
        .map((r) => r.args),
    ).toEqual([{ channel: 'C1', text: 'once' }]);
    await fx.drainer.drain();
    expect(fx.standIn.delivered('chat.postMessage').map((c) => c.args.text)).toEqual(['once']);
  });

  it('a body that throws runs no hook and writes nothing', async () => {
    fx = await engineFixture();
    const log: string[] = [];
    expect(() =>
      fx.engine.transact((tx) => {
        hook('a')(tx, log);
        tx.schedule({ kind: 'test.later', subject: 'thing:1', dueAt: tx.now + SECOND });
        throw new Error('refused');
      }),
    ).toThrow('refused');
    expect(log).toEqual([]);
    expect(fx.store.db.select().from(timers).all()).toEqual([]);
    // The dropped hook does not run in the next transaction either.
    fx.engine.transact(() => undefined);
    expect(log).toEqual([]);
  });

  it('a hook that throws rolls back the body and the hooks before it', async () => {
    fx = await engineFixture();
    expect(() =>
      fx.engine.transact((tx) => {
        tx.schedule({ kind: 'test.later', subject: 'thing:1', dueAt: tx.now + SECOND });
        tx.beforeCommit('a', (end) => end.enqueue({ method: 'chat.postMessage', args: { channel: 'C1', text: 'a' }, priority: 2 }));
        tx.beforeCommit('b', () => {
          throw new Error('hook failed');
        });
      }),
    ).toThrow('hook failed');
    expect(fx.store.db.select().from(timers).all()).toEqual([]);
    expect(fx.store.db.select().from(outbox).all()).toEqual([]);
  });

  it('a hook that keeps registering itself is stopped, and its transaction rolled back', async () => {
    fx = await engineFixture();
    const again = (tx: EngineTx): void => {
      tx.enqueue({ method: 'chat.postMessage', args: { channel: 'C1', text: 'again' }, priority: 2 });
      tx.beforeCommit('loop', again);
    };
    expect(() => fx.engine.transact((tx) => tx.beforeCommit('loop', again))).toThrow(/keep registering each other \(last: "loop"\)/);
    expect(fx.store.db.select().from(outbox).all()).toEqual([]);
  });

  it('runs once at the end of a timer handler’s transaction too', async () => {
    fx = await engineFixture();
    const log: string[] = [];
    fx.engine.register('test.twice', (timer, tx) => {
      hook('after')(tx, log);
      log.push(`fired ${timer.subject}`);
      hook('after')(tx, log);
    });
    fx.engine.transact((tx) => tx.schedule({ kind: 'test.twice', subject: 'thing:1', dueAt: tx.now + SECOND }));
    await fx.advance(SECOND);
    expect(log).toEqual(['fired thing:1', 'after']);
  });

  it('a timer handler’s failing hook rolls the firing back: the timer is kept for a retry', async () => {
    fx = await engineFixture();
    fx.engine.register('test.fails', (_timer, tx) =>
      tx.beforeCommit('boom', () => {
        throw new Error('hook failed');
      }),
    );
    fx.engine.transact((tx) => tx.schedule({ kind: 'test.fails', subject: 'thing:1', dueAt: tx.now + SECOND }));
    await fx.advance(SECOND);
    expect(fx.store.db.select().from(timers).all()).toMatchObject([{ kind: 'test.fails', attempts: 1 }]);
  });
});
