/**
 * The first page first: a page DM overtakes every Slack call waiting in the process (edits, channel lines, Home
 * publishes), across lanes, and does not wait for the calls already on their way to a slow Slack either.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { migrateStore, openStore, type Store } from '../../src/db/connection.js';
import { outbox } from '../../src/db/schema.js';
import { Engine } from '../../src/engine/engine.js';
import { OutboxDrainer, PRIORITY, type SlackCaller } from '../../src/engine/outbox.js';
import { SlackStandIn } from '../../src/playground/slack-stand-in.js';
import { createOutboxClient, webApiCaller } from '../../src/slack/web-api-caller.js';
import { FakeClock } from '../../src/time/clock.js';
import { captureLogs, tempDbPath, TEST_SECRETS } from '../support/common.js';
import { engineFixture } from '../support/engine-fixture.js';

/** Slack answering slowly: every call but a page's waits at the gate until the test opens it. */
class SlowSlack implements SlackCaller {
  private open = false;
  private readonly waiting: Array<() => void> = [];
  held = 0;
  constructor(private readonly inner: SlackCaller) {}
  async call(method: string, args: Record<string, unknown>) {
    const isPage = method === 'chat.postMessage' && String(args.text).startsWith('PAGE');
    if (!this.open && !isPage) {
      this.held += 1;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    return this.inner.call(method, args);
  }
  hold(): void {
    this.open = false;
  }
  release(): void {
    this.open = true;
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}

let close: (() => Promise<void>) | null = null;
afterEach(async () => {
  await close?.();
  close = null;
});

async function setUp(): Promise<{ store: Store; engine: Engine; drainer: OutboxDrainer; standIn: SlackStandIn; slack: SlowSlack }> {
  const standIn = await new SlackStandIn().start();
  for (const id of ['C1', 'C2', 'C0ALERTS']) standIn.addChannel(id);
  for (let i = 0; i < 20; i += 1) standIn.addUser({ id: `U0P${i}` });
  standIn.addUser({ id: 'U0ONCALL' });
  const temp = tempDbPath();
  const store = openStore(temp.path);
  migrateStore(store);
  const clock = new FakeClock('2026-11-20T10:00:00Z');
  const { logger } = captureLogs();
  const slack = new SlowSlack(webApiCaller(createOutboxClient(TEST_SECRETS.botToken, standIn.url)));
  const drainer = new OutboxDrainer({ db: store.db, clock, caller: slack, logger });
  const engine = new Engine({ db: store.db, clock, logger, drainer });
  close = async () => {
    slack.release();
    await engine.stop();
    await drainer.drain().catch(() => undefined);
    store.close();
    await standIn.stop();
    temp.cleanup();
  };
  return { store, engine, drainer, standIn, slack };
}

describe('the first page first', () => {
  it('a page DM reaches Slack before the edits, channel lines and Home publishes queued before it, while others are on their way', async () => {
    const { store, engine, drainer, standIn, slack } = await setUp();
    // The alerts channel's messages of earlier groups, delivered: the storm edits them.
    slack.release();
    engine.transact((tx) => {
      for (let g = 0; g < 10; g += 1)
        tx.enqueue({
          method: 'chat.postMessage',
          args: { channel: 'C0ALERTS', text: `group ${g}` },
          priority: PRIORITY.notice,
          ref: `g:${g}`,
        });
    });
    await drainer.drain();
    const before = standIn.delivered().length;

    // Slack turns slow; a storm queues edits, channel lines and Home publishes, each burst in its own transaction.
    slack.hold();
    for (let burst = 0; burst < 5; burst += 1)
      engine.transact((tx) => {
        for (let g = 0; g < 10; g += 1)
          tx.enqueue({
            method: 'chat.update',
            args: { text: `group ${g}: ${burst + 2} alerts` },
            priority: PRIORITY.cosmetic,
            targetRef: `g:${g}`,
          });
        for (const channel of ['C1', 'C2'])
          tx.enqueue({ method: 'chat.postMessage', args: { channel, text: `line ${burst}` }, priority: PRIORITY.notice });
        for (let u = 0; u < 4; u += 1) {
          const user = `U0P${burst * 4 + u}`;
          tx.enqueue({
            method: 'views.publish',
            args: { user_id: user, view: { type: 'home', blocks: [] } },
            priority: PRIORITY.cosmetic,
            lane: `home:${user}`,
          });
        }
      });
    const queued = store.db
      .select()
      .from(outbox)
      .all()
      .filter((r) => r.status === 'pending').length;
    expect(queued).toBe(5 * (10 + 2 + 4));
    // The drain is under way: every ordinary slot holds a call that Slack has not answered yet.
    for (let i = 0; i < 400 && slack.held < 8; i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(slack.held).toBe(8);

    // The first alert of a new group: its page.
    engine.transact((tx) =>
      tx.enqueue({ method: 'chat.postMessage', args: { channel: 'U0ONCALL', text: 'PAGE: checkout is down' }, priority: PRIORITY.page }),
    );
    for (let i = 0; i < 400 && !standIn.delivered().slice(before).length; i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
    // The calls on their way are still unanswered, and the page went all the same.
    expect(slack.held).toBe(8);
    const first = standIn.delivered().slice(before);
    expect(first.map((c) => [c.method, c.args.channel, c.args.text])).toEqual([['chat.postMessage', 'U0ONCALL', 'PAGE: checkout is down']]);

    slack.release();
    await drainer.drain();
    const after = standIn.delivered().slice(before);
    expect(after).toHaveLength(1 + queued);
    expect(after[0]?.args.text).toBe('PAGE: checkout is down');
    expect(
      store.db
        .select()
        .from(outbox)
        .all()
        .every((r) => r.status === 'sent'),
    ).toBe(true);
  });

  it('a page queued behind a backlog goes first when the drain picks it up, ahead of every lane queued earlier', async () => {
    const { engine, drainer, standIn, slack } = await setUp();
    slack.release();
    // Queued while the drain is busy with nothing: a transaction of cosmetic and notice calls, then the page.
    engine.transact((tx) => {
      for (let u = 0; u < 20; u += 1)
        tx.enqueue({
          method: 'views.publish',
          args: { user_id: `U0P${u}`, view: { type: 'home', blocks: [] } },
          priority: PRIORITY.cosmetic,
          lane: `home:U0P${u}`,
        });
      for (const channel of ['C1', 'C2', 'C0ALERTS'])
        tx.enqueue({ method: 'chat.postMessage', args: { channel, text: 'a channel line' }, priority: PRIORITY.notice });
      tx.enqueue({
        method: 'chat.postMessage',
        args: { channel: 'U0ONCALL', text: 'PAGE: the first of a group' },
        priority: PRIORITY.page,
      });
    });
    await drainer.drain();
    const calls = standIn.delivered();
    expect(calls).toHaveLength(24);
    expect(calls[0]?.args.text).toBe('PAGE: the first of a group');
  });
});

describe('a page and other posts to one channel Slack paces', () => {
  it('the pages go first (other posts there wait for them), and nothing is sent there before Retry-After', async () => {
    const fx = await engineFixture();
    close = () => fx.close();
    fx.standIn.useClock(() => fx.clock.now());
    fx.standIn.enforceRateLimits();
    fx.standIn.addUser({ id: 'U0BOB' });
    // Eight pages to one person, and eight replies under earlier DMs (cosmetic), all at once.
    fx.engine.transact((tx) => {
      for (let i = 0; i < 8; i += 1)
        tx.enqueue({ method: 'chat.postMessage', args: { channel: 'U0BOB', text: `PAGE ${i}` }, priority: PRIORITY.page });
      for (let i = 0; i < 8; i += 1)
        tx.enqueue({
          method: 'chat.postMessage',
          args: { channel: 'U0BOB', text: `reply ${i}` },
          priority: PRIORITY.cosmetic,
          // Each in a lane of its own (one per group, as the channel's lines are): lanes do not pace a channel.
          lane: `alert-group-replies:U0BOB:${i}`,
        });
    });
    await fx.drainer.drain();
    for (let s = 0; s < 60; s += 1) await fx.advance(1_000);
    const delivered = fx.standIn.delivered('chat.postMessage').map((c) => String(c.args.text));
    expect(delivered).toHaveLength(16);
    // Every page before any reply.
    expect(delivered.slice(0, 8).every((text) => text.startsWith('PAGE'))).toBe(true);
    // Slack takes 5 posts per 5 s in a channel: 16 posts need three more windows after the first burst. The channel
    // is left alone until each Retry-After, so each window costs at most one refused call.
    const refused = fx.standIn.attempts('chat.postMessage').filter((c) => !c.ok).length;
    expect(refused).toBeLessThanOrEqual(3);
  });
});
