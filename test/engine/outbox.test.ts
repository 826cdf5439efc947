import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { outbox, slackMessages } from '../../src/db/schema.js';
import { PRIORITY, type OutgoingCall } from '../../src/engine/outbox.js';
import { SECOND } from '../../src/time/clock.js';
import { engineFixture, type EngineFixture } from '../support/engine-fixture.js';

let fx: EngineFixture;
afterEach(async () => fx?.close());

function post(channel: string, text: string, extra: Partial<OutgoingCall> = {}): OutgoingCall {
  return { method: 'chat.postMessage', args: { channel, text }, priority: PRIORITY.page, ...extra };
}

function rows() {
  return fx.store.db.select().from(outbox).all();
}

describe('outbox', () => {
  it('waits out a 429 Retry-After of 2 s and then delivers exactly one message', async () => {
    fx = await engineFixture();
    fx.standIn.failNext('chat.postMessage', { status: 429, retryAfter: 2 });
    fx.engine.transact((tx) => tx.enqueue(post('C1', 'page alice')));
    await fx.drainer.drain();
    expect(fx.standIn.attempts('chat.postMessage')).toHaveLength(1);
    expect(fx.standIn.delivered('chat.postMessage')).toHaveLength(0);

    await fx.advance(1999);
    expect(fx.standIn.attempts('chat.postMessage')).toHaveLength(1);

    await fx.advance(1);
    expect(fx.standIn.delivered('chat.postMessage').map((c) => c.args.text)).toEqual(['page alice']);
    await fx.advance(10 * SECOND);
    expect(fx.standIn.attempts('chat.postMessage')).toHaveLength(2);
    expect(rows()[0]).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('retries three 500s and then delivers exactly one message', async () => {
    fx = await engineFixture();
    fx.standIn.failNext('chat.postMessage', { status: 500 }, 3);
    fx.engine.transact((tx) => tx.enqueue(post('C1', 'page bob')));
    for (let i = 0; i < 10; i += 1) await fx.advance(10 * SECOND);
    expect(fx.standIn.attempts('chat.postMessage')).toHaveLength(4);
    expect(fx.standIn.delivered('chat.postMessage')).toHaveLength(1);
    expect(rows()[0]).toMatchObject({ status: 'sent', attempts: 4 });
  });

  it('records channel_not_found as failed with the reason, logs it, and does not retry', async () => {
    fx = await engineFixture();
    fx.standIn.failNext('chat.postMessage', { error: 'channel_not_found' });
    fx.engine.transact((tx) => tx.enqueue(post('C404', 'nobody home')));
    await fx.drainer.drain();
    for (let i = 0; i < 5; i += 1) await fx.advance(60 * SECOND);
    expect(fx.standIn.attempts('chat.postMessage')).toHaveLength(1);
    expect(rows()[0]).toMatchObject({ status: 'failed', lastError: 'channel_not_found' });
    expect(fx.logs.join('')).toContain('channel_not_found');
  });

  it('stores the ts of a delivered message so a later update edits it in place', async () => {
    fx = await engineFixture();
    fx.engine.transact((tx) => {
      tx.enqueue(post('C1', 'status: investigating', { ref: 'card:1' }));
      tx.enqueue({ method: 'chat.update', args: { text: 'status: mitigating' }, priority: PRIORITY.cosmetic, targetRef: 'card:1' });
    });
    await fx.drainer.drain();
    const [posted] = fx.standIn.delivered('chat.postMessage');
    const [updated] = fx.standIn.delivered('chat.update');
    expect(updated?.args).toMatchObject({ channel: 'C1', ts: posted?.response.ts, text: 'status: mitigating' });
    expect(fx.store.db.select().from(slackMessages).where(eq(slackMessages.ref, 'card:1')).get()).toMatchObject({
      channel: 'C1',
      ts: posted?.response.ts,
    });
  });

  it('fails an edit whose message was never delivered instead of waiting forever', async () => {
    fx = await engineFixture();
    fx.standIn.failNext('chat.postMessage', { error: 'not_in_channel' });
    fx.engine.transact((tx) => {
      tx.enqueue(post('C1', 'card', { ref: 'card:2' }));
      tx.enqueue({ method: 'chat.update', args: { text: 'edit' }, priority: PRIORITY.cosmetic, targetRef: 'card:2' });
    });
    await fx.drainer.drain();
    await fx.advance(SECOND);
    expect(fx.standIn.attempts('chat.update')).toHaveLength(0);
    expect(rows().map((r) => r.status)).toEqual(['failed', 'failed']);
  });

  it('a thread reply waits for its parent and carries its ts; if the parent never made it, the reply goes top level', async () => {
    fx = await engineFixture();
    fx.standIn.failNext('chat.postMessage', { status: 503 });
    fx.engine.transact((tx) => {
      tx.enqueue(post('C1', 'card', { ref: 'card:4' }));
      tx.enqueue(post('C1', 'reply', { threadRef: 'card:4' }));
    });
    await fx.drainer.drain();
    expect(fx.standIn.delivered('chat.postMessage')).toEqual([]);
    await fx.advance(2 * SECOND);
    const [card, reply] = fx.standIn.delivered('chat.postMessage');
    expect(card!.args.text).toBe('card');
    expect(reply!.args).toMatchObject({ text: 'reply', thread_ts: card!.response.ts });

    fx.standIn.failNext('chat.postMessage', { error: 'not_in_channel' });
    fx.engine.transact((tx) => {
      tx.enqueue(post('C2', 'lost card', { ref: 'card:5' }));
      tx.enqueue(post('C2', 'orphan', { threadRef: 'card:5' }));
    });
    await fx.drainer.drain();
    const orphan = fx.standIn.delivered('chat.postMessage').find((c) => c.args.text === 'orphan')!;
    expect(orphan.args.thread_ts).toBeUndefined();
  });

  it('keeps one channel in order through a retry', async () => {
    fx = await engineFixture();
    fx.standIn.failNext('chat.postMessage', { status: 503 });
    fx.engine.transact((tx) => {
      for (let i = 1; i <= 5; i += 1) tx.enqueue(post('C1', `m${i}`));
    });
    for (let i = 0; i < 5; i += 1) await fx.advance(2 * SECOND);
    expect(fx.standIn.delivered('chat.postMessage').map((c) => c.args.text)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
  });

  it('does not let a rate limit on chat.update hold up a page', async () => {
    fx = await engineFixture();
    fx.engine.transact((tx) => tx.enqueue(post('C1', 'card', { ref: 'card:3' })));
    await fx.drainer.drain();
    fx.standIn.failNext('chat.update', { status: 429, retryAfter: 30 }, 5);
    fx.engine.transact((tx) => {
      for (let i = 0; i < 5; i += 1) {
        tx.enqueue({ method: 'chat.update', args: { text: `count ${i}` }, priority: PRIORITY.cosmetic, targetRef: 'card:3' });
      }
      tx.enqueue(post('D0ALICE', 'PAGE: checkout down'));
    });
    await fx.drainer.drain();
    expect(fx.standIn.delivered('chat.postMessage').map((c) => c.args.text)).toContain('PAGE: checkout down');
    expect(fx.standIn.attempts('chat.update')).toHaveLength(1);
  });

  it('sends pages before cosmetic edits when both are due', async () => {
    fx = await engineFixture({ concurrency: 1 });
    fx.engine.transact((tx) => {
      tx.enqueue({ method: 'chat.postMessage', args: { channel: 'C9', text: 'cosmetic' }, priority: PRIORITY.cosmetic });
      tx.enqueue({ method: 'chat.postMessage', args: { channel: 'C8', text: 'notice' }, priority: PRIORITY.notice });
      tx.enqueue(post('D1', 'page'));
    });
    await fx.drainer.drain();
    expect(fx.standIn.delivered('chat.postMessage').map((c) => c.args.text)).toEqual(['page', 'notice', 'cosmetic']);
  });

  it('does not let edits waiting behind a busy channel crowd out other lanes', async () => {
    fx = await engineFixture();
    fx.engine.transact((tx) => {
      // Fifty posts queue in one channel; forty edits wait for the later ones; then a message for elsewhere.
      for (let i = 1; i <= 50; i += 1) tx.enqueue(post('C1', `alert ${i}`, { ref: `alert:${i}`, priority: PRIORITY.notice }));
      for (let i = 11; i <= 50; i += 1)
        tx.enqueue({ method: 'chat.update', args: { text: `alert ${i} resolved` }, priority: PRIORITY.notice, targetRef: `alert:${i}` });
      tx.enqueue(post('C2', 'handoff reminder', { priority: PRIORITY.notice }));
    });
    await fx.drainer.drain();
    const posts = fx.standIn.delivered('chat.postMessage');
    const reminder = posts.findIndex((c) => c.args.text === 'handoff reminder');
    // One post per pass can leave a single channel's lane; the other lane must not wait for all of them.
    expect(reminder).toBeGreaterThanOrEqual(0);
    expect(reminder).toBeLessThan(3);
    expect(fx.standIn.delivered('chat.update')).toHaveLength(40);
    expect(rows().every((r) => r.status === 'sent')).toBe(true);
  });
});
