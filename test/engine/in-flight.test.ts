import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { outbox, slackMessages } from '../../src/db/schema.js';
import { PRIORITY, type OutgoingCall } from '../../src/engine/outbox.js';
import { FakeClock, SECOND } from '../../src/time/clock.js';
import { engineFixture, type EngineFixture } from '../support/engine-fixture.js';
import { SlackStandIn } from '../../src/playground/slack-stand-in.js';

/**
 * A process killed while a call is out leaves its row pending with `sending_at` set. The next process asks
 * Slack (by the row id every post carries) whether the post arrived before sending it again.
 */

let fixtures: EngineFixture[] = [];
let standIn: SlackStandIn;
afterEach(async () => {
  for (const fx of fixtures) await fx.close({ keepStandIn: true }).catch(() => undefined);
  fixtures = [];
  await standIn?.stop();
});

function post(channel: string, text: string, extra: Partial<OutgoingCall> = {}): OutgoingCall {
  return { method: 'chat.postMessage', args: { channel, text }, priority: PRIORITY.page, ...extra };
}

async function start(dbPath?: string, clock = new FakeClock('2026-01-05T09:00:00Z')) {
  standIn ??= await new SlackStandIn({ now: () => clock.now() }).start();
  const fx = await engineFixture({ dbPath, clock, standIn });
  fixtures.push(fx);
  return fx;
}

/**
 * What the row looks like if the process died after Slack received the call and before the answer was recorded
 * (set on the new process's store before its first drain: the old one is gone).
 */
function dieMidCall(fx: EngineFixture, id: number, ref?: string): void {
  fx.store.db.update(outbox).set({ status: 'pending', sentAt: null, sendingAt: fx.clock.now() }).where(eq(outbox.id, id)).run();
  if (ref) fx.store.db.delete(slackMessages).where(eq(slackMessages.ref, ref)).run();
}

async function restart(fx: EngineFixture): Promise<EngineFixture> {
  await fx.close({ keepDb: true, keepStandIn: true });
  fixtures = fixtures.filter((f) => f !== fx);
  fx.clock.advance(3 * SECOND);
  return start(fx.dbPath, fx.clock);
}

describe('posts interrupted by a crash', () => {
  afterEach(() => {
    standIn = undefined as unknown as SlackStandIn;
  });

  it('a post Slack already has is recorded as sent with its ts, not posted again, and later edits find it', async () => {
    const first = await start();
    const id = first.engine.transact((tx) => tx.enqueue(post('C1', 'page #7 for alice', { ref: 'card:7' })));
    await first.drainer.drain();
    const [delivered] = standIn.delivered('chat.postMessage');
    expect(delivered!.args.metadata).toEqual({ event_type: 'oncall_outbox', event_payload: { outbox_id: id } });

    const second = await restart(first);
    dieMidCall(second, id, 'card:7');
    second.engine.transact((tx) =>
      tx.enqueue({ method: 'chat.update', args: { text: 'acknowledged' }, priority: PRIORITY.notice, targetRef: 'card:7' }),
    );
    await second.drainer.drain();

    expect(standIn.delivered('chat.postMessage')).toHaveLength(1);
    const row = second.store.db.select().from(outbox).where(eq(outbox.id, id)).get();
    expect(row).toMatchObject({ status: 'sent', sendingAt: null });
    const [update] = standIn.delivered('chat.update');
    expect(update!.args).toMatchObject({ channel: 'C1', ts: delivered!.response.ts, text: 'acknowledged' });
  });

  it('a post Slack never received is sent once', async () => {
    const first = await start();
    // Slack refuses everything, so the row is still pending; then the crash leaves it marked in flight.
    standIn.failAll({ status: 503 });
    const id = first.engine.transact((tx) => tx.enqueue(post('C1', 'page #8 for bob')));
    await first.drainer.drain();
    standIn.clearFaults();

    const second = await restart(first);
    dieMidCall(second, id);
    await second.drainer.drain();
    expect(standIn.delivered('chat.postMessage').map((c) => c.args.text)).toEqual(['page #8 for bob']);
    expect(second.store.db.select().from(outbox).where(eq(outbox.id, id)).get()).toMatchObject({ status: 'sent', sendingAt: null });
  });

  it('a DM addressed by user id is looked for in the DM conversation, and remembered under its id for edits', async () => {
    const first = await start();
    const id = first.engine.transact((tx) => tx.enqueue(post('U0BOB', 'page #9', { ref: 'dm:9' })));
    await first.drainer.drain();

    const second = await restart(first);
    dieMidCall(second, id, 'dm:9');
    await second.drainer.drain();
    expect(standIn.delivered('chat.postMessage')).toHaveLength(1);
    expect(standIn.delivered('conversations.open').map((c) => c.args.users)).toEqual(['U0BOB']);
    const remembered = second.store.db.select().from(slackMessages).where(eq(slackMessages.ref, 'dm:9')).get();
    expect(remembered?.channel).toBe('DU0BOB');
  });

  it('a thread reply is looked for in its thread', async () => {
    const first = await start();
    first.engine.transact((tx) => tx.enqueue(post('C1', 'card', { ref: 'card:1', priority: PRIORITY.notice })));
    await first.drainer.drain();
    const id = first.engine.transact((tx) => tx.enqueue(post('C1', 'update in thread', { threadRef: 'card:1' })));
    await first.drainer.drain();

    const second = await restart(first);
    dieMidCall(second, id);
    await second.drainer.drain();
    expect(standIn.delivered('chat.postMessage').map((c) => c.args.text)).toEqual(['card', 'update in thread']);
    expect(standIn.delivered('conversations.replies')).toHaveLength(1);
  });

  it('when Slack cannot be asked, the post is sent again (a page twice beats a page lost) and the reason is logged', async () => {
    const first = await start();
    const id = first.engine.transact((tx) => tx.enqueue(post('C1', 'page #10')));
    await first.drainer.drain();
    standIn.failNext('conversations.history', { status: 500 });

    const second = await restart(first);
    dieMidCall(second, id);
    await second.drainer.drain();
    expect(standIn.delivered('chat.postMessage').map((c) => c.args.text)).toEqual(['page #10', 'page #10']);
    expect(second.logs.join('')).toContain('could not check whether an interrupted post arrived');
  });

  it('an interrupted edit is simply sent again: an edit twice changes nothing', async () => {
    const first = await start();
    first.engine.transact((tx) => tx.enqueue(post('C1', 'card', { ref: 'card:2' })));
    await first.drainer.drain();
    const id = first.engine.transact((tx) =>
      tx.enqueue({ method: 'chat.update', args: { text: 'edited' }, priority: PRIORITY.notice, targetRef: 'card:2' }),
    );
    await first.drainer.drain();

    const second = await restart(first);
    dieMidCall(second, id);
    await second.drainer.drain();
    expect(standIn.delivered('chat.update')).toHaveLength(2);
    expect(standIn.delivered('conversations.history')).toHaveLength(0);
  });
});
