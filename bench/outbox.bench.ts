import { performance } from 'node:perf_hooks';
import { PRIORITY } from '../src/engine/outbox.js';
import { createOutboxClient } from '../src/slack/web-api-caller.js';
import { engineFixture } from '../test/support/engine-fixture.js';
import { TEST_SECRETS } from '../test/support/common.js';
import { result, type BenchResult } from './results.js';

const MESSAGES = 2_000;

/**
 * Messages per second through the outbox (enqueue in a transaction, drain, store ts) against a loop of bare
 * WebClient calls to the same stand-in: the ratio is what durability costs (or wins, with lanes in parallel).
 */
export async function benchOutbox(): Promise<BenchResult[]> {
  const fx = await engineFixture();
  try {
    const client = createOutboxClient(TEST_SECRETS.botToken, fx.standIn.url);
    // The stand-in is strict: the bot must be in a channel to post there.
    for (const channel of ['CWARM', ...Array.from({ length: 20 }, (_, i) => `C${i}`)]) fx.standIn.addChannel(channel);
    // Warm both paths so connection set-up is not measured.
    for (let i = 0; i < 50; i += 1) await client.chat.postMessage({ channel: 'CWARM', text: 'warm' });

    const bareStart = performance.now();
    for (let i = 0; i < MESSAGES; i += 1) await client.chat.postMessage({ channel: `C${i % 20}`, text: `bare ${i}` });
    const bareSeconds = (performance.now() - bareStart) / 1000;

    const outboxStart = performance.now();
    fx.engine.transact((tx) => {
      for (let i = 0; i < MESSAGES; i += 1) {
        tx.enqueue({
          method: 'chat.postMessage',
          args: { channel: `C${i % 20}`, text: `outbox ${i}` },
          priority: PRIORITY.page,
          ref: `m:${i}`,
        });
      }
    });
    await fx.drainer.drain();
    const outboxSeconds = (performance.now() - outboxStart) / 1000;
    const delivered = fx.standIn.delivered('chat.postMessage').filter((c) => String(c.args.text).startsWith('outbox ')).length;
    if (delivered !== MESSAGES) throw new Error(`outbox delivered ${delivered} of ${MESSAGES}`);

    return [result('outbox delivery (20 channels)', MESSAGES / outboxSeconds, MESSAGES / bareSeconds, 'messages/s', 'higher')];
  } finally {
    await fx.close();
  }
}
