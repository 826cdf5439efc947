import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { timers } from '../../src/db/schema.js';
import { timerKind, TimerPayloadError } from '../../src/engine/timer-registry.js';
import { scheduleTimer } from '../../src/engine/timers.js';
import { PAGE_TIMERS } from '../../src/paging/page-timers.js';
import { SECOND } from '../../src/time/clock.js';
import { engineFixture, type EngineFixture } from '../support/engine-fixture.js';

let fx: EngineFixture;
afterEach(async () => fx?.close());

const PING = timerKind('test.typed', z.object({ thingId: z.number().int().positive(), note: z.string() }));

describe('typed timer kinds', () => {
  it('a timer set with a fitting payload fires with that payload, parsed', async () => {
    fx = await engineFixture();
    const seen: Array<{ thingId: number; note: string }> = [];
    fx.engine.on(PING, (timer) => seen.push(timer.payload));
    const T = fx.clock.now() + SECOND;
    fx.engine.transact((tx) => tx.schedule(PING.spec({ subject: 'thing:1', dueAt: T, payload: { thingId: 1, note: 'hi' } })));
    fx.clock.set(T);
    await fx.engine.tick();
    expect(seen).toEqual([{ thingId: 1, note: 'hi' }]);
  });

  it('refuses a bad payload when the timer is set, through spec and through tx.schedule, and writes nothing', async () => {
    fx = await engineFixture();
    fx.engine.on(PING, () => undefined);
    expect(() => PING.spec({ subject: 'thing:1', dueAt: 1, payload: { thingId: -1, note: 'x' } })).toThrow(TimerPayloadError);
    expect(() =>
      fx.engine.transact((tx) => {
        tx.schedule({ kind: 'test.typed', subject: 'thing:1', dueAt: fx.clock.now() + SECOND, payload: { thingId: 'one' } });
      }),
    ).toThrow(/timer "test.typed" refused: its payload does not fit/);
    expect(fx.store.db.select().from(timers).all()).toEqual([]);
  });

  it('refuses a bad stored payload when the timer is read: the handler never sees it, the timer waits with the reason', async () => {
    fx = await engineFixture();
    const seen: unknown[] = [];
    fx.engine.on(PING, (timer) => seen.push(timer.payload));
    const T = fx.clock.now() + SECOND;
    // A row written around the engine (an older shape, or by hand).
    scheduleTimer(fx.store.db, fx.clock.now(), { kind: 'test.typed', subject: 'thing:1', dueAt: T, payload: { thingId: 1 } });
    fx.clock.set(T);
    await fx.engine.tick();
    expect(seen).toEqual([]);
    const [row] = fx.store.db.select().from(timers).all();
    expect(row).toMatchObject({ kind: 'test.typed', attempts: 1 });
    expect(row!.lastError).toMatch(/timer "test.typed" cannot fire: its stored payload does not fit/);
    expect(row!.dueAt).toBeGreaterThan(T);
  });

  it.each([
    ['page.step', PAGE_TIMERS.step, { pageId: 1, stepIndex: 0, loop: 0 }, { pageId: 1, stepIndex: -1, loop: 0 }],
    ['page.exhaust', PAGE_TIMERS.exhaust, { pageId: 3 }, { pageId: 0 }],
    ['page.ack_sla', PAGE_TIMERS.ackSla, { pageId: 3 }, {}],
    ['page.notify', PAGE_TIMERS.notify, { pageId: 3, rule: 2 }, { pageId: 3, rule: 1.5 }],
  ])('%s: a fitting payload passes, a bad one is refused both ways', (kind, timer, good, bad) => {
    expect(timer.kind).toBe(kind);
    expect(timer.spec({ subject: 'page:1', dueAt: 1, payload: good as never }).payload).toEqual(good);
    expect(() => timer.spec({ subject: 'page:1', dueAt: 1, payload: bad as never })).toThrow(TimerPayloadError);
    const due = { id: 1, kind, subject: 'page:1', key: null, dueAt: 1, attempts: 0 };
    expect(timer.read({ ...due, payload: good }).payload).toEqual(good);
    expect(() => timer.read({ ...due, payload: bad })).toThrow(/cannot fire/);
  });
});
