/**
 * Calls drawn at send time (OutgoingCall.draw): the drawer registered under the call's name gives its content when
 * it leaves, from the state then, not when it was queued. A post queued once carries what changed while it waited;
 * an edit of it, likewise; the drawer's key never reaches Slack.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { outbox } from '../../src/db/schema.js';
import { editsOf, messageLane, PRIORITY, postUnder } from '../../src/engine/outbox.js';
import { engineFixture, type EngineFixture } from '../support/engine-fixture.js';

let fx: EngineFixture;
afterEach(async () => fx?.close());

describe('outbox: drawn at send time', () => {
  it('a post and its edit carry what the drawer says when each leaves; the state of each is seen by ref', async () => {
    fx = await engineFixture();
    const lines: string[] = ['first'];
    fx.drainer.drawWith('list', (key) => ({ text: `${key}: ${lines.join(', ')}` }));
    fx.engine.transact((tx) =>
      tx.enqueue({
        method: 'chat.postMessage',
        args: { channel: 'C1', text: 'as queued' },
        priority: PRIORITY.page,
        ref: 'digest:1',
        draw: { with: 'list', key: 'digest 1' },
        // In the lane of its edits: they follow it, and are told apart from it.
        lane: messageLane('digest:1'),
      }),
    );
    expect(editsOf(fx.store.db, 'digest:1', 0)).toEqual([]);
    expect(postUnder(fx.store.db, 'digest:1')).toMatchObject({ state: 'queued' });
    lines.push('second');
    await fx.drainer.drain();
    const [posted] = fx.standIn.delivered('chat.postMessage');
    expect(posted!.args.text).toBe('digest 1: first, second');
    expect(posted!.args).not.toHaveProperty('oncall_draw');
    expect(postUnder(fx.store.db, 'digest:1')).toMatchObject({ state: 'done' });
    // The row says what was sent (and is drawn again if it is ever sent again).
    expect(fx.store.db.select().from(outbox).get()!.args).toMatchObject({ text: 'digest 1: first, second', oncall_draw: { with: 'list' } });

    fx.engine.transact((tx) =>
      tx.enqueue({
        method: 'chat.update',
        args: { text: 'as queued' },
        priority: PRIORITY.page,
        targetRef: 'digest:1',
        supersedes: true,
        draw: { with: 'list', key: 'digest 1' },
      }),
    );
    expect(editsOf(fx.store.db, 'digest:1', 0).map((e) => e.state)).toEqual(['queued']);
    lines.push('third');
    await fx.drainer.drain();
    const [edited] = fx.standIn.delivered('chat.update');
    expect(edited!.args).toMatchObject({ text: 'digest 1: first, second, third', channel: 'C1', ts: posted!.response.ts });
    expect(editsOf(fx.store.db, 'digest:1', 0).map((e) => e.state)).toEqual(['done']);
  });

  it('nothing drawn (or no drawer): the call goes as it was queued', async () => {
    fx = await engineFixture();
    fx.drainer.drawWith('nothing', () => null);
    fx.engine.transact((tx) => {
      tx.enqueue({
        method: 'chat.postMessage',
        args: { channel: 'C1', text: 'a' },
        priority: PRIORITY.page,
        draw: { with: 'nothing', key: 'k' },
      });
      tx.enqueue({
        method: 'chat.postMessage',
        args: { channel: 'C2', text: 'b' },
        priority: PRIORITY.page,
        draw: { with: 'unknown', key: 'k' },
      });
    });
    await fx.drainer.drain();
    const sent = fx.standIn.delivered('chat.postMessage');
    expect(sent.map((c) => c.args.text).sort()).toEqual(['a', 'b']);
    for (const c of sent) expect(c.args).not.toHaveProperty('oncall_draw');
  });
});
