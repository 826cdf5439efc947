/**
 * The playground's storm button, through its endpoint on the real bot: 200 distinct alerts reach the real
 * webhook, and what a person then sees is one alert group per group of alerts, one message for each in #alerts,
 * one page each, and the P0 group's incident (the demo policy says `declare_incident: [P0]`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { membersOf } from '../../src/alerts/alert-group-store.js';
import { alertGroups, alerts, incidents, pageMessages, pages } from '../../src/db/schema.js';
import { outboxStats } from '../../src/engine/outbox.js';
import { DEMO_CHANNELS, DEMO_PEOPLE, demoPolicy, demoSecrets, STORM, stormAlerts } from '../../src/playground/demo-workspace.js';
import { playgroundRoutes } from '../../src/playground/playground-routes.js';
import { SlackStandIn } from '../../src/playground/slack-stand-in.js';
import { FakeClock, SECOND } from '../../src/time/clock.js';
import { captureLogs, TEST_SECRETS } from '../support/common.js';
import { TestApp } from '../support/harness.js';

// A Wednesday afternoon in the demo's second week: Ben is the backend primary, Chloe the web primary.
const NOW = Date.parse('2026-11-18T14:00:00Z');

let t: TestApp;
let slack: SlackStandIn;
afterEach(async () => {
  await t?.close();
  await slack?.stop();
});

async function started(): Promise<void> {
  const clock = new FakeClock(NOW);
  const policy = demoPolicy('2026-11-09');
  const secrets = demoSecrets();
  slack = await new SlackStandIn().start();
  for (const person of DEMO_PEOPLE) slack.addUser({ id: person.id });
  const routes = playgroundRoutes({
    standIn: slack,
    signingSecret: TEST_SECRETS.signingSecret,
    botUrl: () => t.baseUrl,
    people: DEMO_PEOPLE,
    channels: new Map(Object.entries(DEMO_CHANNELS)),
    policy,
    samples: () => [],
    storm: (n) => stormAlerts(policy, secrets, n),
    clock,
    logger: captureLogs().logger,
    pageFolder: new URL('../../src/playground/page/', import.meta.url),
  });
  t = await TestApp.start({ policy, clock, standIn: slack, secrets, extraRoutes: routes });
}

async function deliverAll(): Promise<void> {
  for (let s = 0; s < 300 && outboxStats(t.store.db).pending > 0; s += 1) await t.advance(SECOND);
  expect(outboxStats(t.store.db).pending).toBe(0);
}

const pressStorm = async () => {
  const response = await t.post('/playground/api/storm', '{}');
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('the playground storm button', () => {
  it('sends 200 alerts through the webhook: 5 groups, 5 messages in #alerts, 5 pages, the P0 group declares its incident', async () => {
    await started();
    const state = (await (await t.get('/playground/api/state?user=U0ANA&conv=C0ALERTS')).json()) as { storm: boolean };
    expect(state.storm).toBe(true);

    const pressed = await pressStorm();
    expect(pressed).toEqual({ status: 200, body: { ok: true, requests: 20, alerts: STORM.alerts, groups: 5 } });
    await deliverAll();

    expect(t.store.db.select().from(alerts).all()).toHaveLength(STORM.alerts);
    const groups = t.store.db.select().from(alertGroups).all();
    expect(groups).toHaveLength(5);
    for (const group of groups) {
      // Every alert in its group: 40 each, all of the group's service and alert name, all on the group's page.
      const members = membersOf(t.store.db, group.id);
      expect(members).toHaveLength(STORM.alerts / 5);
      expect(group.count).toBe(STORM.alerts / 5);
      expect(new Set(members.map((m) => `${m.service}/${m.labels.alertname}`)).size).toBe(1);
      expect(members.every((m) => m.pageId === group.pageId && group.pageId !== null)).toBe(true);
    }
    expect(Object.fromEntries(groups.map((g) => [`${g.service}/${g.summary.split(' (')[0]}`, [g.rotation, g.severity]]))).toEqual({
      'payments/payments cannot get a database connection': ['backend', 'P0'],
      'api/api cannot get a database connection': ['backend', 'P1'],
      'checkout/5xx above 5% on checkout': ['backend', 'P1'],
      'api/p99 latency over 2 s on api': ['backend', 'P1'],
      'web/5xx above 5% on web': ['web', 'P1'],
    });

    // One page per group, each a DM to its rotation's primary; one message per group in #alerts.
    const allPages = t.store.db.select().from(pages).all();
    expect(allPages).toHaveLength(5);
    const dmsOf = (user: string) =>
      t.store.db
        .select()
        .from(pageMessages)
        .all()
        .filter((m) => m.userId === user && m.stepIndex === 0);
    expect(new Set(dmsOf('U0BEN').map((m) => m.pageId)).size).toBe(4);
    expect(new Set(dmsOf('U0CHLOE').map((m) => m.pageId)).size).toBe(1);
    const groupPosts = slack
      .delivered('chat.postMessage')
      .filter((c) => c.args.channel === 'C0ALERTS' && /\(alert #\d+\)$/.test(String(c.args.text)));
    expect(groupPosts).toHaveLength(5);

    // The P0 group declared one incident, without a second page.
    const declared = t.store.db.select().from(incidents).all();
    expect(declared).toHaveLength(1);
    expect(groups.find((g) => g.severity === 'P0')?.incidentId).toBe(declared[0]!.id);

    // The group messages catch up with the counts within 10 s.
    await t.advance(10 * SECOND);
    await deliverAll();
    const edits = slack.delivered('chat.update').filter((c) => c.args.channel === 'C0ALERTS');
    for (const group of groups) {
      const last = edits.filter((e) => String(e.args.text).endsWith(`(alert group #${group.id})`)).at(-1);
      expect(String(last?.args.text)).toContain(`${STORM.alerts / 5} alerts`);
    }

    // A second press is 200 new alerts; within the window they join the same groups: no new page.
    expect((await pressStorm()).body).toMatchObject({ ok: true, alerts: STORM.alerts });
    await deliverAll();
    expect(t.store.db.select().from(alerts).all()).toHaveLength(2 * STORM.alerts);
    expect(t.store.db.select().from(alertGroups).all()).toHaveLength(5);
    expect(t.store.db.select().from(pages).all()).toHaveLength(5);
  });

  it('is 200 distinct alerts in 20 requests, new at each press; none for a policy without an Alertmanager prometheus', () => {
    const policy = demoPolicy('2026-11-09');
    const fingerprints = (n: number) =>
      stormAlerts(policy, demoSecrets(), n).flatMap((r) =>
        (JSON.parse(r.body) as { alerts: Array<{ fingerprint: string }> }).alerts.map((a) => a.fingerprint),
      );
    expect(new Set(fingerprints(1)).size).toBe(STORM.alerts);
    expect(new Set([...fingerprints(1), ...fingerprints(2)]).size).toBe(2 * STORM.alerts);
    const { prometheus: _, ...others } = policy.integrations;
    expect(stormAlerts({ ...policy, integrations: others }, demoSecrets(), 1)).toEqual([]);
  });
});
