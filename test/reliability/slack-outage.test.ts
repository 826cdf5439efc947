import { afterEach, describe, expect, it } from 'vitest';
import { outbox } from '../../src/db/schema.js';
import { PAGE_ACTIONS } from '../../src/paging/page-blocks.js';
import { FakeClock, MINUTE, SECOND } from '../../src/time/clock.js';
import { TestApp } from '../support/harness.js';
import { blockActionPayload } from '../support/signed-requests.js';
import type { RecordedCall } from '../../src/playground/slack-stand-in.js';
import { EXAMPLE_POLICY } from '../support/fixtures.js';

/**
 * Slack answers 500 for five minutes, then 429 with Retry-After for two more, while pages keep being raised and
 * acknowledged. Nothing may be dropped, one channel's messages must arrive in the order they were decided,
 * and /metrics must show the backlog while it lasts.
 */

const POLICY = EXAMPLE_POLICY;
// A Friday afternoon: Bob is primary of backend; P1 pages DM at once.
const NOW = Date.parse('2026-11-20T14:00:00Z');

let t: TestApp;
afterEach(async () => t?.close());

function outboxIdOf(call: RecordedCall): number | null {
  const metadata = call.args.metadata as { event_payload?: { outbox_id?: unknown } } | undefined;
  return typeof metadata?.event_payload?.outbox_id === 'number' ? metadata.event_payload.outbox_id : null;
}

async function metric(name: string): Promise<number> {
  const text = await (await t.get('/metrics')).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1]);
}

describe('Slack outage', () => {
  it('keeps every message through 500s and 429s, delivers each once, in order per channel, and shows the backlog', async () => {
    t = await TestApp.start({ policy: POLICY, clock: new FakeClock(NOW) });
    let raised = 0;
    const raise = async () => {
      raised += 1;
      const answer = await t.command('/oncall', `page backend --severity P1 checkout errors wave ${raised}`, 'U0ALICE');
      expect(answer.status).toBe(200);
    };
    const pageIds = () =>
      t.store.db
        .select()
        .from(outbox)
        .all()
        .filter((r) => r.method === 'chat.postMessage').length;

    // Bolt learns the bot's identity (auth.test) on the first request; it has, long before an outage.
    expect((await t.command('/oncall', 'who', 'U0ALICE')).status).toBe(200);

    // Five minutes of 500s: pages keep coming, and some are acknowledged while Slack is down.
    t.standIn.failAll({ status: 500 });
    const backlog: number[] = [];
    for (let minute = 0; minute < 5; minute += 1) {
      await raise();
      await raise();
      for (let s = 0; s < 6; s += 1) await t.advance(10 * SECOND);
      backlog.push(await metric('oncall_outbox_depth'));
    }
    const acked = await t.interact(blockActionPayload('U0BOB', PAGE_ACTIONS.ack, '1'));
    expect(acked.status).toBe(200);
    expect(t.standIn.delivered('chat.postMessage')).toHaveLength(0);
    expect(backlog.every((depth, i) => i === 0 || depth >= backlog[i - 1]!)).toBe(true);
    expect(backlog[4]).toBeGreaterThanOrEqual(pageIds());
    expect(await metric('oncall_outbox_oldest_undelivered_seconds')).toBeGreaterThanOrEqual(4 * 60);
    const errorsDuring500s = t.standIn.attempts('chat.postMessage').length;
    expect(errorsDuring500s).toBeGreaterThan(0);

    // Two minutes of rate limiting: Retry-After 30 s is honoured (no call to the method inside the window).
    t.standIn.failAll({ status: 429, retryAfter: 30 });
    await raise();
    const attemptsAt429 = t.standIn.attempts('chat.postMessage').length;
    await t.advance(61 * SECOND); // the 500 back-off (at most a minute) runs out: one try meets the 429
    const firstLimited = t.standIn.attempts('chat.postMessage').length;
    expect(firstLimited).toBeGreaterThan(attemptsAt429);
    for (let s = 0; s < 2; s += 1) await t.advance(10 * SECOND);
    expect(t.standIn.attempts('chat.postMessage').length).toBe(firstLimited);
    await t.advance(11 * SECOND);
    expect(t.standIn.attempts('chat.postMessage').length).toBeGreaterThan(firstLimited);
    expect(await metric('oncall_outbox_depth')).toBeGreaterThan(0);

    // Slack is back: within a couple of minutes everything is delivered.
    t.standIn.clearFaults();
    for (let s = 0; s < 18 && (await metric('oncall_outbox_depth')) > 0; s += 1) await t.advance(10 * SECOND);
    expect(await metric('oncall_outbox_depth')).toBe(0);
    expect(await metric('oncall_outbox_oldest_undelivered_seconds')).toBe(0);

    const rows = t.store.db.select().from(outbox).all();
    expect(rows.filter((r) => r.status !== 'sent')).toEqual([]);
    const posts = t.standIn.delivered('chat.postMessage');
    const postRows = rows.filter((r) => r.method === 'chat.postMessage').map((r) => r.id);
    // Each post arrived once.
    expect(posts.map(outboxIdOf).sort((a, b) => a! - b!)).toEqual(postRows);
    // In each channel, in the order decided (outbox ids rise with the decisions).
    const byChannel = new Map<string, number[]>();
    for (const call of posts)
      byChannel.set(String(call.args.channel), [...(byChannel.get(String(call.args.channel)) ?? []), outboxIdOf(call)!]);
    for (const [channel, ids] of byChannel) expect(ids, `order in ${channel}`).toEqual([...ids].sort((a, b) => a - b));
    expect(byChannel.get('U0BOB')?.length).toBe(raised);
    // The acknowledgement made during the outage edited the page's messages after they were posted.
    const firstPagePost = posts.find((c) => c.args.channel === 'U0BOB')!;
    const edit = t.standIn.delivered('chat.update').find((c) => c.args.ts === firstPagePost.response.ts);
    expect(edit?.seq).toBeGreaterThan(firstPagePost.seq);
    expect(String(edit?.args.text)).toContain('Acknowledged by <@U0BOB>');
  });
});
