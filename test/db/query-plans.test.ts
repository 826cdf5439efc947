/**
 * Cost flat as history grows, checked without a clock: every statement the bot prepares while it runs a
 * night (alerts arriving, pages climbing and acknowledged, a ✅ reaction, Home opened, the usual commands) is
 * planned by SQLite with EXPLAIN QUERY PLAN, and none may read a whole table that grows with history.
 * A table scan costs what the history costs; an index search costs what the current state costs.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { pages } from '../../src/db/schema.js';
import { PAGE_ACTIONS } from '../../src/paging/page-blocks.js';
import { FakeClock, MINUTE } from '../../src/time/clock.js';
import { EXAMPLE_POLICY, INTEGRATION_SECRETS, fixtureText } from '../support/fixtures.js';
import { TestApp } from '../support/harness.js';
import { blockActionPayload } from '../support/signed-requests.js';

/** Tables that only grow (a row per alert, page, message, incident, override); the rest hold current state. */
const GROWING = [
  'alerts',
  'alert_groups',
  'pages',
  'page_messages',
  'slack_messages',
  'outbox',
  'timers',
  'incidents',
  'incident_events',
  'overrides',
  'handoffs',
  'swap_requests',
];
/** "SCAN pages" or "SCAN pages USING INDEX x" (every entry of an index is a scan too); a covering search is fine. */
const FULL_READ = new RegExp(`^SCAN (${GROWING.join('|')})\\b`);

interface Planned {
  sql: string;
  plan: string[];
}

const prepared = new Map<string, Planned>();
const original = Database.prototype.prepare;

function watchStatements(): void {
  Database.prototype.prepare = function prepare(this: Database.Database, source: string) {
    const statement = original.call(this, source);
    if (!prepared.has(source) && /^\s*(select|update|delete|insert|with)\b/i.test(source)) {
      // Unbound parameters plan as NULL; the plan depends on the shape of the statement, not on the values.
      const parameters = (source.match(/\?/g) ?? []).length;
      const explain = original.call(this, `EXPLAIN QUERY PLAN ${source}`) as unknown as {
        all(...values: unknown[]): Array<{ detail: string }>;
      };
      const plan = explain.all(...Array<null>(parameters).fill(null)).map((row) => row.detail);
      prepared.set(source, { sql: source, plan });
    }
    return statement;
  } as typeof original;
}

let t: TestApp;
afterEach(async () => {
  Database.prototype.prepare = original;
  await t?.close();
});

describe('query plans', () => {
  it('a night of alerts, pages, acknowledgements, reactions, Home, commands, a report and a handoff reads no growing table whole', async () => {
    const now = Date.parse('2026-11-20T03:15:00Z');
    // From before the start: the outbox and the engine prepare their statements once, when they are built.
    // Only what the bot prepares is watched: the test's own reads below come after the workload.
    watchStatements();
    t = await TestApp.start({ policy: EXAMPLE_POLICY, clock: new FakeClock(now), secrets: INTEGRATION_SECRETS });
    for (const id of ['U0ALICE', 'U0BOB', 'U0CAROL', 'U0DAN']) t.standIn.addUser({ id });

    const firing = fixtureText('alertmanager/firing.json');
    expect(
      (await t.post('/webhooks/prometheus', firing, { authorization: `Bearer ${INTEGRATION_SECRETS.ALERTMANAGER_TOKEN}` })).status,
    ).toBe(202);
    const raised = (await t.command('/oncall', 'page backend --severity P1 checkout is down', 'U0DAN')).json() as { text: string };
    expect(raised.text).toMatch(/page #\d+/);
    for (let minute = 0; minute < 20; minute += 1) await t.advance(MINUTE);
    await t.app.drainer.drain();
    const dm = t.standIn
      .delivered('chat.postMessage')
      .find((c) => String(c.args.channel).startsWith('U0') && String(c.args.text).includes('checkout is down'));
    expect(dm).toBeDefined();
    const pageId = Number(/page #(\d+)/.exec(raised.text)![1]);
    expect(
      (
        await t.interact(
          blockActionPayload(String(dm!.args.channel), PAGE_ACTIONS.ack, String(pageId), {
            channel: { id: `D${String(dm!.args.channel)}` },
          }),
        )
      ).status,
    ).toBe(200);
    // A ✅ on the alert's channel post acknowledges its page.
    const post = t.standIn.delivered('chat.postMessage').find((c) => String(c.args.channel).startsWith('C') && c.response.ts);
    if (post)
      await t.event({
        type: 'reaction_added',
        user: 'U0BOB',
        reaction: 'white_check_mark',
        item: { type: 'message', channel: String(post.args.channel), ts: String(post.response.ts) },
        event_ts: '1795000000.000200',
      });
    await t.event({ type: 'app_home_opened', user: 'U0BOB', channel: 'DU0BOB', tab: 'home', event_ts: '1795000000.000300' });
    for (const text of ['who', 'pages', 'alerts', 'schedule backend', 'next backend', 'report week backend', 'report month'])
      expect((await t.command('/oncall', text, 'U0BOB')).status).toBe(200);
    // The handoff form, prefilled from the shift's incidents, alerts and pages.
    for (const text of ['backend', 'history backend'])
      expect((await t.command('/handoff', text, 'U0BOB', { channelId: 'C0BACKEND' })).status).toBe(200);
    const resolved = fixtureText('alertmanager/resolved.json');
    expect(
      (await t.post('/webhooks/prometheus', resolved, { authorization: `Bearer ${INTEGRATION_SECRETS.ALERTMANAGER_TOKEN}` })).status,
    ).toBe(202);
    for (let minute = 0; minute < 5; minute += 1) await t.advance(MINUTE);
    await t.settled();
    Database.prototype.prepare = original;

    expect(t.store.db.select().from(pages).all().length).toBeGreaterThanOrEqual(2);
    expect(prepared.size).toBeGreaterThan(20);
    // The workload reached each growing table it is meant to check.
    const read = (table: string) => [...prepared.keys()].some((sql) => new RegExp(`^select .* from "${table}" where`, 'i').test(sql));
    expect(
      [
        'alerts',
        'alert_groups',
        'pages',
        'page_messages',
        'slack_messages',
        'outbox',
        'timers',
        'incidents',
        'overrides',
        'handoffs',
      ].filter((table) => !read(table)),
    ).toEqual([]);
    const fullReads = [...prepared.values()]
      .filter((p) => p.plan.some((line) => FULL_READ.test(line)))
      .map((p) => `${p.plan.filter((l) => FULL_READ.test(l)).join('; ')} <- ${p.sql}`);
    expect(fullReads).toEqual([]);
  });
});
