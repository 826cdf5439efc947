/**
 * Alert groups through the real app: signed Alertmanager webhooks in, the Slack stand-in records what goes out.
 * A storm of 1,000 distinct alerts in 20 groups is 20 pages and at most 20 group messages (the rest in the channel's
 * digest line while the channel is busy: paging/page-digest.ts), edited at most every 10 s;
 * a resolve storm closes the groups and resolves the pages; the page's acknowledgement acknowledges its group.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { findGroup, membersOf } from '../../src/alerts/alert-group-store.js';
import { alertGroups, alerts, pages } from '../../src/db/schema.js';
import { deliveredMessage, outboxStats } from '../../src/engine/outbox.js';
import { alertGroupRef } from '../../src/alerts/alert-refs.js';
import { PAGE_ACTIONS } from '../../src/paging/page-blocks.js';
import { FakeClock, MINUTE, SECOND } from '../../src/time/clock.js';
import { EXAMPLE_POLICY, INTEGRATION_SECRETS } from '../support/fixtures.js';
import { TestApp } from '../support/harness.js';
import { blockActionPayload } from '../support/signed-requests.js';

// Friday 03:15 UTC: Bob is primary (see webhooks.test.ts); an Alertmanager "error" is P1, which pages at night.
const NOW = Date.parse('2026-11-20T03:15:00Z');
const BEARER = { authorization: `Bearer ${INTEGRATION_SECRETS.ALERTMANAGER_TOKEN}` };

let t: TestApp;
afterEach(async () => t?.close());

async function start() {
  t = await TestApp.start({ policy: EXAMPLE_POLICY, clock: new FakeClock(NOW), secrets: INTEGRATION_SECRETS });
  for (const id of ['U0ALICE', 'U0BOB', 'U0CAROL', 'U0DAN']) t.standIn.addUser({ id });
}

interface StormAlert {
  group: number;
  instance: number;
}

/** One Alertmanager notification: alerts of one Alertmanager group (alertname Storm<g>), as Alertmanager sends them. */
function payload(alertsIn: readonly StormAlert[], status: 'firing' | 'resolved', groupStatus = status): string {
  const group = alertsIn[0]!.group;
  return JSON.stringify({
    version: '4',
    groupKey: `{}:{alertname="Storm${group}"}`,
    status: groupStatus,
    commonLabels: { alertname: `Storm${group}`, service: 'api' },
    alerts: alertsIn.map((a) => ({
      status,
      labels: { alertname: `Storm${a.group}`, service: 'api', severity: 'error', instance: `api-${a.instance}` },
      annotations: { summary: `Storm${a.group} on api-${a.instance}` },
      fingerprint: `fp-${a.group}-${a.instance}`,
    })),
  });
}

const GROUPS = 20;
const PER_GROUP = 50;
const PER_REQUEST = 10;

/** 1,000 distinct alerts, 20 groups of 50, in 100 requests of 10 spread over 10 s, the groups interleaved. */
function stormRequests(): StormAlert[][] {
  const requests: StormAlert[][] = [];
  for (let batch = 0; batch < PER_GROUP / PER_REQUEST; batch += 1)
    for (let group = 0; group < GROUPS; group += 1)
      requests.push(Array.from({ length: PER_REQUEST }, (_, i) => ({ group, instance: batch * PER_REQUEST + i })));
  return requests;
}

/**
 * Lets the outbox deliver everything, a second at a time: the stand-in answers like Slack, about one post a
 * second per channel, so a storm's 20 channel posts take about 20 s of (fake) time.
 */
async function deliverAll(): Promise<void> {
  for (let s = 0; s < 300 && outboxStats(t.store.db).pending > 0; s += 1) await t.advance(SECOND);
  expect(outboxStats(t.store.db).pending).toBe(0);
}

async function send(body: string): Promise<void> {
  const answer = await t.post('/webhooks/prometheus', body, BEARER);
  expect(answer.status).toBe(202);
}

const groupPosts = () =>
  t.standIn.delivered('chat.postMessage').filter((c) => c.args.channel === 'C0ALERTS' && /\(alert #\d+\)$/.test(String(c.args.text)));
const channelEdits = () => t.standIn.delivered('chat.update').filter((c) => c.args.channel === 'C0ALERTS');

/** Each alert's status, in the order they arrived. */
const alertStatuses = () =>
  t.store.db
    .select()
    .from(alerts)
    .all()
    .map((a) => a.status);

describe('alert groups', () => {
  it('a storm of 1,000 distinct alerts in 20 groups: 20 pages, a group message each or its page in the digest line, edits coalesced; a resolve storm closes them all', async () => {
    await start();
    const requests = stormRequests();
    for (const [i, request] of requests.entries()) {
      await send(payload(request, 'firing'));
      t.clock.advance(100);
      if (i % 10 === 9) await t.tick();
    }
    await deliverAll();

    const groups = t.store.db.select().from(alertGroups).all();
    expect(groups).toHaveLength(GROUPS);
    expect(t.store.db.select().from(alerts).all()).toHaveLength(GROUPS * PER_GROUP);
    expect(t.store.db.select().from(pages).all()).toHaveLength(GROUPS);
    // Every alert is findable in its group, and each group holds exactly its own 50.
    for (const group of groups) {
      expect(group).toMatchObject({ status: 'firing', count: PER_GROUP, openCount: PER_GROUP, severity: 'P1' });
      const members = membersOf(t.store.db, group.id);
      const name = members[0]!.labels.alertname;
      expect(members.map((m) => m.dedupKey).sort()).toEqual(
        Array.from({ length: PER_GROUP }, (_, i) => `fp-${name!.slice('Storm'.length)}-${i}`).sort(),
      );
      expect(members.every((m) => m.pageId === group.pageId && m.labels.alertname === name)).toBe(true);
    }
    // At most one message per group in the channel: while the channel has more posts waiting than Slack sends in
    // ~10 s, a new group's page is in the channel's digest line instead (page-digest.ts). Every page is findable.
    const posted = groupPosts();
    expect(posted.length).toBeGreaterThan(0);
    expect(posted.length).toBeLessThanOrEqual(GROUPS);
    const channelText = t.standIn
      .delivered('chat.postMessage')
      .concat(t.standIn.delivered('chat.update'))
      .filter((c) => c.args.channel === 'C0ALERTS')
      .map((c) => JSON.stringify(c.args))
      .join('\n');
    for (const page of t.store.db.select().from(pages).all()) expect(channelText).toContain(`(#${page.id}`);
    // Bob: a page DM each for the first 3 (policy `digest.after`, default 3), with one reply under it with the
    // count; the other 17 pages in one digest DM.
    const dms = t.standIn.delivered('chat.postMessage').filter((c) => c.args.channel === 'U0BOB');
    expect(dms.filter((c) => c.args.thread_ts === undefined)).toHaveLength(3 + 1);
    expect(dms.filter((c) => c.args.thread_ts !== undefined)).toHaveLength(3);

    // The edits caught up, coalesced: the storm lasted 10 s, so each group's message was edited at most about
    // twice (once per 10 s), however many of its alerts arrived.
    await t.advance(10 * SECOND);
    await deliverAll();
    const edits = channelEdits();
    // The groups with a message of their own (the others' pages are in the digest line).
    const withMessage = groups.filter((g) => deliveredMessage(t.store.db, alertGroupRef(g.id)) !== null);
    expect(withMessage).toHaveLength(posted.length);
    expect(edits.length).toBeGreaterThanOrEqual(withMessage.length);
    expect(edits.length).toBeLessThanOrEqual(GROUPS * 3);
    for (const group of withMessage) {
      const last = edits.filter((e) => String(e.args.text).endsWith(`(alert group #${group.id})`)).at(-1);
      expect(last, `group #${group.id}'s message`).toBeDefined();
      expect(String(last!.args.text)).toContain(`: ${PER_GROUP} alerts`);
    }
    const replyEdits = t.standIn.delivered('chat.update').filter((c) => String(c.args.channel).startsWith('D'));
    expect(replyEdits.length).toBeLessThanOrEqual(GROUPS * 3);

    // `/oncall alerts` lists the 20 open groups with their count and page.
    const listed = (await t.command('/oncall', 'alerts', 'U0BOB')).json() as { text: string };
    expect(listed.text.split('\n').filter((l) => l.includes(`${PER_GROUP} alerts (${PER_GROUP} firing)`))).toHaveLength(GROUPS);
    expect(listed.text).toMatch(/page #\d+ open/);

    // The resolve storm: Alertmanager sends every group resolved.
    const before = channelEdits().length;
    for (const [i, request] of requests.entries()) {
      await send(payload(request, 'resolved'));
      t.clock.advance(100);
      if (i % 10 === 9) await t.tick();
    }
    await t.advance(10 * SECOND);
    await deliverAll();
    expect(
      t.store.db
        .select()
        .from(alertGroups)
        .all()
        .every((g) => g.status === 'resolved' && g.openCount === 0),
    ).toBe(true);
    expect(
      t.store.db
        .select()
        .from(alerts)
        .all()
        .every((a) => a.status === 'resolved'),
    ).toBe(true);
    expect(
      t.store.db
        .select()
        .from(pages)
        .all()
        .every((p) => p.status === 'resolved'),
    ).toBe(true);
    const closing = channelEdits().slice(before);
    expect(closing.length).toBeLessThanOrEqual(GROUPS * 3);
    for (const group of withMessage) {
      const last = closing.filter((e) => String(e.args.text).endsWith(`(alert group #${group.id})`)).at(-1);
      expect(String(last!.args.text)).toMatch(/^:large_green_circle: \[P1\] .*: 50 alerts/);
    }
    expect(((await t.command('/oncall', 'alerts', 'U0BOB')).json() as { text: string }).text).toBe(
      'No open alert groups: nothing is firing.',
    );
  }, 180_000);

  it('edits are coalesced by the 10 s timer: 49 alerts joining a delivered group over 10 s, the outbox draining after each, are 1 or 2 edits', async () => {
    await start();
    await send(payload([{ group: 3, instance: 0 }], 'firing'));
    await deliverAll();
    expect(groupPosts()).toHaveLength(1);
    for (let instance = 1; instance < PER_GROUP; instance += 1) {
      t.clock.advance(200);
      await send(payload([{ group: 3, instance }], 'firing'));
      await t.tick();
    }
    await t.advance(10 * SECOND);
    await deliverAll();
    const edits = channelEdits();
    expect(edits.length).toBeGreaterThanOrEqual(1);
    expect(edits.length).toBeLessThanOrEqual(2);
    expect(String(edits.at(-1)!.args.text)).toBe(`:red_circle: [P1] Storm3 on api-0: ${PER_GROUP} alerts (alert group #1)`);
    // The page's DM got one reply that says so, edited as the message is.
    const replies = t.standIn.delivered('chat.postMessage').filter((c) => c.args.channel === 'U0BOB' && c.args.thread_ts !== undefined);
    expect(replies).toHaveLength(1);
    expect(t.standIn.delivered('chat.update').filter((c) => String(c.args.channel).startsWith('D')).length).toBeLessThanOrEqual(2);
  });

  it("Alertmanager's group resolve closes the alerts its payload left out (truncated), and the group with them", async () => {
    await start();
    const three = [0, 1, 2].map((instance) => ({ group: 7, instance }));
    await send(payload(three, 'firing'));
    await t.tick();
    // Alertmanager says the group resolved but lists only the first alert (max_alerts: 1).
    await send(payload(three.slice(0, 1), 'resolved', 'resolved'));
    await t.tick();
    expect(alertStatuses()).toEqual(['resolved', 'resolved', 'resolved']);
    expect(findGroup(t.store.db, 1)).toMatchObject({ status: 'resolved', openCount: 0 });
    expect(t.store.db.select().from(pages).get()).toMatchObject({ status: 'resolved' });
  });

  it("acknowledging the group's page acknowledges the group; later alerts alike join it without a page of their own", async () => {
    await start();
    await send(payload([{ group: 1, instance: 0 }], 'firing'));
    await t.tick();
    const answer = await t.interact(blockActionPayload('U0BOB', PAGE_ACTIONS.ack, '1', { channel: { id: 'DU0BOB' } }));
    expect(answer.status).toBe(200);
    expect(findGroup(t.store.db, 1)).toMatchObject({ status: 'acknowledged' });
    expect(t.store.db.select().from(alerts).get()).toMatchObject({ status: 'acknowledged' });
    await t.tick();
    expect(channelEdits().at(-1)?.args.text).toMatch(/^:large_orange_circle: /);

    t.clock.advance(MINUTE);
    await send(payload([{ group: 1, instance: 1 }], 'firing'));
    await t.advance(10 * SECOND);
    expect(t.store.db.select().from(pages).all()).toHaveLength(1);
    expect(findGroup(t.store.db, 1)).toMatchObject({ status: 'acknowledged', count: 2 });
    expect(String(channelEdits().at(-1)?.args.text)).toMatch(/^:large_orange_circle: \[P1\] Storm1 on api-0: 2 alerts/);
  });

  it(':white_check_mark: on the group message acknowledges the group, every alert in it, and its page', async () => {
    await start();
    await send(
      payload(
        [0, 1, 2].map((instance) => ({ group: 4, instance })),
        'firing',
      ),
    );
    await deliverAll();
    const [post] = groupPosts();
    await t.event({
      type: 'reaction_added',
      user: 'U0BOB',
      reaction: 'white_check_mark',
      item: { type: 'message', channel: 'C0ALERTS', ts: post!.response.ts },
      event_ts: '1.2',
    });
    await t.settled();
    expect(findGroup(t.store.db, 1)).toMatchObject({ status: 'acknowledged', count: 3 });
    expect(alertStatuses()).toEqual(['acknowledged', 'acknowledged', 'acknowledged']);
    expect(t.store.db.select().from(pages).get()).toMatchObject({ status: 'acknowledged', ackedBy: 'U0BOB' });
    const listed = (await t.command('/oncall', 'alerts', 'U0BOB')).json() as { text: string };
    expect(listed.text).toContain('3 alerts (3 firing)');
    expect(listed.text).toContain('page #1 acknowledged by <@U0BOB>');
  });

  it('alerts for a silenced service group without a page; `/oncall alerts` says so, and refuses arguments', async () => {
    await start();
    await t.command('/oncall', 'silence api 1h planned restart', 'U0ALICE');
    await send(
      payload(
        [0, 1].map((instance) => ({ group: 5, instance })),
        'firing',
      ),
    );
    await t.tick();
    expect(t.store.db.select().from(pages).all()).toEqual([]);
    expect(findGroup(t.store.db, 1)).toMatchObject({ count: 2, pageId: null, silenceId: 1 });
    const listed = (await t.command('/oncall', 'alerts', 'U0BOB')).json() as { text: string };
    expect(listed.text).toMatch(
      /^\*Open alert groups\*\n#1 \[P1\] Storm5 on api-0 · api · prometheus · 2 alerts \(2 firing\) · first <!date\^/,
    );
    expect(listed.text).toContain('silenced, no page');
    expect(((await t.command('/oncall', 'alerts open', 'U0BOB')).json() as { text: string }).text).toBe(
      '`/oncall alerts` takes no arguments (got "open"): it lists every open alert group.',
    );
  });

  it('a page resolved by hand closes its group: the next alert alike starts a new group with a new page', async () => {
    await start();
    await send(payload([{ group: 1, instance: 0 }], 'firing'));
    await t.tick();
    await t.interact(blockActionPayload('U0BOB', PAGE_ACTIONS.resolve, '1', { channel: { id: 'DU0BOB' } }));
    expect(findGroup(t.store.db, 1)).toMatchObject({ status: 'resolved' });
    t.clock.advance(MINUTE);
    await send(payload([{ group: 1, instance: 1 }], 'firing'));
    await t.tick();
    expect(
      t.store.db
        .select()
        .from(alertGroups)
        .all()
        .map((g) => [g.id, g.status, g.count]),
    ).toEqual([
      [1, 'resolved', 1],
      [2, 'firing', 1],
    ]);
    expect(t.store.db.select().from(pages).all()).toHaveLength(2);
  });

  it('outside the window, the same alert name is a new group and a new page; a P0 joining a P1 group raises it and its page', async () => {
    await start();
    await send(payload([{ group: 1, instance: 0 }], 'firing'));
    t.clock.advance(5 * MINUTE); // exactly the window: a new group
    await send(payload([{ group: 1, instance: 1 }], 'firing'));
    await t.tick();
    expect(t.store.db.select().from(pages).all()).toHaveLength(2);

    const critical = JSON.parse(payload([{ group: 1, instance: 2 }], 'firing')) as { alerts: Array<{ labels: Record<string, string> }> };
    critical.alerts[0]!.labels.severity = 'critical';
    t.clock.advance(MINUTE);
    await send(JSON.stringify(critical));
    await t.tick();
    expect(findGroup(t.store.db, 2)).toMatchObject({ severity: 'P0', count: 2 });
    expect(
      t.store.db
        .select()
        .from(pages)
        .all()
        .map((p) => p.severity),
    ).toEqual(['P1', 'P0']);
  });
});
