/**
 * Digests through the real app: signed Alertmanager webhooks in, the Slack stand-in (with Slack's rate limits)
 * records what goes out. A storm of 1,000 distinct alerts in 200 groups is 200 pages for Bob: 3 DMs of their own
 * (policy `digest.after`, default 3) and one digest DM edited in place that lists the other 197; the alerts
 * channel is posted at Slack's pace, what cannot go out in ~10 s folded into a digest line; every page findable;
 * "Acknowledge all" acknowledges each page the digest lists, and refuses someone who may not act on them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { pageMessages, pages } from '../../src/db/schema.js';
import { outboxStats } from '../../src/engine/outbox.js';
import { PAGE_ACTIONS } from '../../src/paging/page-blocks.js';
import { parseDigestRef } from '../../src/paging/page-refs.js';
import { FakeClock, MINUTE, SECOND } from '../../src/time/clock.js';
import { EXAMPLE_POLICY, INTEGRATION_SECRETS } from '../support/fixtures.js';
import { TestApp } from '../support/harness.js';
import { blockActionPayload } from '../support/signed-requests.js';

// Friday 03:15 UTC: Bob is primary (see alerts/webhooks.test.ts); an Alertmanager "error" is P1, which pages at night.
const NOW = Date.parse('2026-11-20T03:15:00Z');
const BEARER = { authorization: `Bearer ${INTEGRATION_SECRETS.ALERTMANAGER_TOKEN}` };
const GROUPS = 200;
const PER_GROUP = 5;

let t: TestApp;
afterEach(async () => t?.close());

async function start() {
  t = await TestApp.start({ policy: EXAMPLE_POLICY, clock: new FakeClock(NOW), secrets: INTEGRATION_SECRETS });
  for (const id of ['U0ALICE', 'U0BOB', 'U0CAROL', 'U0DAN', 'U0ZED']) t.standIn.addUser({ id });
}

/** One Alertmanager notification: the alerts of one group (alertname Storm<g>), each a distinct instance. */
function payload(group: number, instances: readonly number[]): string {
  return JSON.stringify({
    version: '4',
    groupKey: `{}:{alertname="Storm${group}"}`,
    status: 'firing',
    commonLabels: { alertname: `Storm${group}`, service: 'api' },
    alerts: instances.map((i) => ({
      status: 'firing',
      labels: { alertname: `Storm${group}`, service: 'api', severity: 'error', instance: `api-${i}` },
      annotations: { summary: `Storm${group} on api-${i}` },
      fingerprint: `fp-${group}-${i}`,
    })),
  });
}

async function send(body: string): Promise<void> {
  const answer = await t.post('/webhooks/prometheus', body, BEARER);
  expect(answer.status).toBe(202);
}

const posts = (channel: string) => t.standIn.delivered('chat.postMessage').filter((c) => c.args.channel === channel);
const topLevel = (channel: string) => posts(channel).filter((c) => c.args.thread_ts === undefined);

/** The alerts channel's posts so far, sampled on the fake clock: [instant, how many]. */
const samples: Array<[number, number]> = [];
const sample = () => samples.push([t.clock.now(), posts('C0ALERTS').length]);

async function deliverAll(): Promise<void> {
  for (let s = 0; s < 600 && outboxStats(t.store.db).pending > 0; s += 1) {
    await t.advance(SECOND);
    sample();
  }
  expect(outboxStats(t.store.db).pending).toBe(0);
}

/** The last text (with blocks) Slack holds for a message: its post, or its latest edit. */
function lastVersion(channel: string, ts: string): string {
  const edits = t.standIn.delivered('chat.update').filter((c) => c.args.channel === channel && c.args.ts === ts);
  const post = t.standIn.delivered('chat.postMessage').find((c) => c.response.ts === ts);
  return JSON.stringify((edits.at(-1) ?? post)?.args ?? {});
}

describe('digests', () => {
  it('a storm of 200 groups: 3 DMs and one digest for Bob, the channel at Slack pace with a digest line, every page findable; Acknowledge all', async () => {
    await start();
    samples.length = 0;
    for (let g = 0; g < GROUPS; g += 1) {
      await send(payload(g, [0, 1, 2, 3, 4]));
      t.clock.advance(50);
      if (g % 20 === 19) {
        await t.tick();
        sample();
      }
    }
    await deliverAll();
    // Edits paced past a burst (one every 2 s): let the last one out.
    await t.advance(10 * SECOND);
    await deliverAll();

    const all = t.store.db.select().from(pages).all();
    expect(all).toHaveLength(GROUPS);

    // Bob: 3 DMs of their own and one digest (N + 1 messages), the digest edited in place, not once per page.
    const bobs = topLevel('U0BOB');
    expect(bobs.length).toBe(3 + 1);
    const digestPost = bobs.find((c) => String(c.args.text).includes('more page'))!;
    expect(digestPost).toBeDefined();
    const digestEdits = t.standIn.delivered('chat.update').filter((c) => c.args.ts === digestPost.response.ts);
    expect(digestEdits.length).toBeGreaterThan(0);
    expect(digestEdits.length).toBeLessThan(20);
    // Every page reached Bob: in a DM of its own or in the digest, whose last version lists it.
    const digestText = lastVersion(String(digestPost.response.channel), String(digestPost.response.ts));
    expect(digestText).toContain(`${GROUPS - 3} more pages`);
    const singles = bobs.filter((c) => c !== digestPost).map((c) => JSON.stringify(c.args));
    for (const page of all) {
      const inSingle = singles.some((s) => s.includes(`page #${page.id}`));
      const inDigest = digestText.includes(`(#${page.id})`);
      expect(inSingle !== inDigest, `page #${page.id}: in a DM of its own or in the digest, once`).toBe(true);
    }
    // ...and each keeps its own rows: a message row for Bob per page, the digest's or its own DM's.
    const bobRows = t.store.db
      .select()
      .from(pageMessages)
      .all()
      .filter((m) => m.userId === 'U0BOB');
    expect(new Set(bobRows.map((m) => m.pageId)).size).toBe(GROUPS);
    const digestRef = bobRows.find((m) => parseDigestRef(m.ref))!.ref;

    // The alerts channel: at Slack's pace (never more than 65 posts in any minute), a handful of lines and
    // group posts, then one digest line; every page is in its own line or in the digest line.
    for (const [at, count] of samples) {
      const minuteAgo = samples.filter(([when]) => when <= at - MINUTE).at(-1)?.[1] ?? 0;
      expect(count - minuteAgo).toBeLessThanOrEqual(65);
    }
    const channelPosts = topLevel('C0ALERTS');
    expect(channelPosts.length).toBeLessThanOrEqual(30);
    const channelDigests = channelPosts.filter((c) => /^:rotating_light: \+\d+ more pages? in the last minute/.test(String(c.args.text)));
    expect(channelDigests.length).toBeGreaterThanOrEqual(1);
    const channelText = [
      ...channelPosts.map((c) => JSON.stringify(c.args)),
      ...channelDigests.map((c) => lastVersion(String(c.response.channel), String(c.response.ts))),
    ].join('\n');
    for (const page of all) expect(channelText, `page #${page.id} in the alerts channel`).toContain(`#${page.id}`);

    // Someone who may not act on these pages presses Acknowledge all: each refused, said so, nothing changes.
    const refused = await t.interact(blockActionPayload('U0ZED', PAGE_ACTIONS.ackAll, digestRef, { channel: { id: 'DU0ZED' } }));
    expect(refused.status).toBe(200);
    const told = await t.standIn.waitFor('chat.postEphemeral');
    expect(told.args.user).toBe('U0ZED');
    expect(String(told.args.text)).toMatch(/^Not acknowledged \(197\):\n.*acknowledge page #\d+/);
    expect(
      t.store.db
        .select()
        .from(pages)
        .all()
        .filter((p) => p.status === 'open'),
    ).toHaveLength(GROUPS);

    // Bob presses it: each page the digest lists is acknowledged, as Bob; his three single pages stay open.
    await t.interact(blockActionPayload('U0BOB', PAGE_ACTIONS.ackAll, digestRef, { channel: { id: 'DU0BOB' } }));
    const answer = await t.standIn.waitFor('chat.postEphemeral');
    expect(answer.args.user).toBe('U0BOB');
    expect(String(answer.args.text)).toMatch(/^You acknowledged 197 pages: #\d+/);
    const after = t.store.db.select().from(pages).all();
    expect(after.filter((p) => p.status === 'acknowledged' && p.ackedBy === 'U0BOB' && p.ackedVia === 'button')).toHaveLength(197);
    expect(after.filter((p) => p.status === 'open')).toHaveLength(3);
    // The digest is drawn anew, its pages struck through (not replaced by one page's end).
    await t.advance(10 * SECOND);
    await deliverAll();
    const redrawn = lastVersion(String(digestPost.response.channel), String(digestPost.response.ts));
    expect(redrawn).toContain('(0 open)');
    expect(redrawn).toContain('~ acknowledged');

    // Pressed again: nothing left to do, and it says so.
    await t.interact(blockActionPayload('U0BOB', PAGE_ACTIONS.ackAll, digestRef, { channel: { id: 'DU0BOB' } }));
    expect(String((await t.standIn.waitFor('chat.postEphemeral')).args.text)).toBe(
      'Every page in this digest was already acknowledged or resolved.',
    );

    // A minute later, under the threshold: a new page is a DM of its own again.
    await t.advance(MINUTE);
    const before = topLevel('U0BOB').length;
    await send(payload(GROUPS + 1, [0]));
    await deliverAll();
    const newest = topLevel('U0BOB').slice(before);
    expect(newest).toHaveLength(1);
    expect(String(newest[0]!.args.text)).toMatch(/^:rotating_light: Page \[P1\] Storm201 on api-0/);
  }, 300_000);
});
