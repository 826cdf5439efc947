/**
 * The outbox against Slack's rate limits as Slack applies them (the stand-in's tiers, on the fake clock): a burst
 * in one channel is slowed to Slack's pace, every message still arrives once and in order, and a page to someone
 * else is not held up behind it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PRIORITY } from '../../src/engine/outbox.js';
import { POST_MESSAGE_BURST, TIER_PER_MINUTE } from '../../src/playground/slack-limits.js';
import { SECOND } from '../../src/time/clock.js';
import { engineFixture, type EngineFixture } from '../support/engine-fixture.js';

let fx: EngineFixture;
afterEach(async () => fx?.close());

async function strictFixture() {
  fx = await engineFixture();
  fx.standIn.useClock(() => fx.clock.now());
  fx.standIn.enforceRateLimits();
  return fx;
}

describe('Slack rate limits by tier', () => {
  it('an alert burst in one channel: the first few go at once, the rest after Retry-After, each once and in order; a page DM goes at once', async () => {
    await strictFixture();
    fx.engine.transact((tx) => {
      for (let i = 1; i <= 8; i += 1)
        tx.enqueue({ method: 'chat.postMessage', args: { channel: 'C0ALERTS', text: `alert ${i}` }, priority: PRIORITY.notice });
    });
    await fx.drainer.drain();
    const delivered = () => fx.standIn.delivered('chat.postMessage').map((c) => String(c.args.text));
    expect(delivered()).toEqual(Array.from({ length: POST_MESSAGE_BURST }, (_, i) => `alert ${i + 1}`));
    expect(fx.standIn.attempts('chat.postMessage').some((c) => c.status === 429)).toBe(true);
    // The page comes after Slack said "slow down" for #alerts: Slack's limit is that channel's, not the DM's.
    fx.engine.transact((tx) =>
      tx.enqueue({ method: 'chat.postMessage', args: { channel: 'U0ALICE', text: 'PAGE: checkout down' }, priority: PRIORITY.page }),
    );
    await fx.drainer.drain();
    expect(delivered()).toContain('PAGE: checkout down');

    for (let s = 0; s < 30 && delivered().length < 9; s += 1) await fx.advance(SECOND);
    expect(delivered().filter((t) => t.startsWith('alert'))).toEqual(Array.from({ length: 8 }, (_, i) => `alert ${i + 1}`));
  });

  it("edits over chat.update's tier (50 a minute) wait their turn; a page posted meanwhile is not held up", async () => {
    await strictFixture();
    const cards = TIER_PER_MINUTE[3] + 10;
    fx.engine.transact((tx) => {
      for (let i = 0; i < cards; i += 1)
        tx.enqueue({
          method: 'chat.update',
          args: { channel: 'C0ALERTS', ts: `1767600000.${String(i).padStart(6, '0')}`, text: `count ${i}` },
          priority: PRIORITY.cosmetic,
        });
    });
    await fx.drainer.drain();
    expect(fx.standIn.delivered('chat.update')).toHaveLength(TIER_PER_MINUTE[3]);
    fx.engine.transact((tx) =>
      tx.enqueue({ method: 'chat.postMessage', args: { channel: 'U0BOB', text: 'PAGE: payments down' }, priority: PRIORITY.page }),
    );
    await fx.drainer.drain();
    expect(fx.standIn.delivered('chat.postMessage').map((c) => c.args.text)).toEqual(['PAGE: payments down']);
    for (let s = 0; s < 90 && fx.standIn.delivered('chat.update').length < cards; s += 1) await fx.advance(SECOND);
    expect(fx.standIn.delivered('chat.update')).toHaveLength(cards);
  });
});
