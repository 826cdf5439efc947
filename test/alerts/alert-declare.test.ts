/**
 * A group whose integration says `declare_incident` declares one incident, once: the decision as a table, then
 * through the real app (signed Alertmanager webhooks in, the Slack stand-in records what goes out).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decideDeclare, type DeclareFact } from '../../src/alerts/alert-declare.js';
import { alertGroups, incidentEvents, incidents, pages } from '../../src/db/schema.js';
import { outboxStats } from '../../src/engine/outbox.js';
import type { Policy } from '../../src/config/policy.js';
import { FakeClock, SECOND } from '../../src/time/clock.js';
import { EXAMPLE_POLICY, INTEGRATION_SECRETS } from '../support/fixtures.js';
import { TestApp } from '../support/harness.js';
import { blockActionPayload } from '../support/signed-requests.js';
import { PAGE_ACTIONS } from '../../src/paging/page-blocks.js';

const base: DeclareFact = { rule: ['P0'], severity: 'P0', status: 'firing', silenced: false, incidentId: null, declarer: 'U0BOB' };

describe('decideDeclare', () => {
  it.each<[string, Partial<DeclareFact>, ReturnType<typeof decideDeclare>]>([
    ['a P0 group, the rule lists P0', {}, { kind: 'declare', declaredBy: 'U0BOB' }],
    ['a P1 group, the rule lists P0 only', { severity: 'P1' }, { kind: 'none', why: 'not-asked' }],
    ['the rule lists P0 and P1: a P1 group', { rule: ['P0', 'P1'], severity: 'P1' }, { kind: 'declare', declaredBy: 'U0BOB' }],
    ['true: every severity', { rule: true, severity: 'P3' }, { kind: 'declare', declaredBy: 'U0BOB' }],
    ['false: none', { rule: false }, { kind: 'none', why: 'not-asked' }],
    ['left out: none', { rule: undefined }, { kind: 'none', why: 'not-asked' }],
    ['declared already: never twice', { incidentId: 7 }, { kind: 'none', why: 'already-declared' }],
    ['declared already, at another severity', { incidentId: 7, severity: 'P1', rule: true }, { kind: 'none', why: 'already-declared' }],
    ['acknowledged: still open, declares', { status: 'acknowledged' }, { kind: 'declare', declaredBy: 'U0BOB' }],
    ['closed', { status: 'resolved' }, { kind: 'none', why: 'closed' }],
    ['silenced: pages nobody, declares nothing', { silenced: true }, { kind: 'none', why: 'silenced' }],
    ['nobody on call to declare it', { declarer: null }, { kind: 'none', why: 'nobody-on-call' }],
  ])('%s', (_, change, decision) => {
    expect(decideDeclare({ ...base, ...change })).toEqual(decision);
  });
});

// Friday 03:15 UTC: Bob is primary (see webhooks.test.ts). Alertmanager "critical" is P0, "error" P1.
const NOW = Date.parse('2026-11-20T03:15:00Z');
const BEARER = { authorization: `Bearer ${INTEGRATION_SECRETS.ALERTMANAGER_TOKEN}` };

let t: TestApp;
afterEach(async () => t?.close());

function policyDeclaring(rule: true | string[]): Policy {
  const prometheus = EXAMPLE_POLICY.integrations.prometheus!;
  return { ...EXAMPLE_POLICY, integrations: { ...EXAMPLE_POLICY.integrations, prometheus: { ...prometheus, declare_incident: rule } } };
}

async function start(rule: true | string[] = ['P0']) {
  t = await TestApp.start({ policy: policyDeclaring(rule), clock: new FakeClock(NOW), secrets: INTEGRATION_SECRETS });
  for (const id of ['U0ALICE', 'U0BOB', 'U0CAROL', 'U0DAN']) t.standIn.addUser({ id });
}

/** One Alertmanager notification of `DbDown` alerts on these instances at this severity word. */
function payload(instances: number[], severity: 'critical' | 'error', status: 'firing' | 'resolved' = 'firing'): string {
  return JSON.stringify({
    version: '4',
    groupKey: '{}:{alertname="DbDown"}',
    status,
    commonLabels: { alertname: 'DbDown', service: 'api' },
    alerts: instances.map((i) => ({
      status,
      labels: { alertname: 'DbDown', service: 'api', severity, instance: `db-${i}` },
      annotations: { summary: `DbDown on db-${i}` },
      fingerprint: `fp-db-${i}-${severity}`,
    })),
  });
}

async function send(body: string): Promise<void> {
  const answer = await t.post('/webhooks/prometheus', body, BEARER);
  expect(answer.status).toBe(202);
}

async function deliverAll(): Promise<void> {
  for (let s = 0; s < 120 && outboxStats(t.store.db).pending > 0; s += 1) await t.advance(SECOND);
  expect(outboxStats(t.store.db).pending).toBe(0);
}

const timeline = (incidentId: number) =>
  t.store.db
    .select()
    .from(incidentEvents)
    .all()
    .filter((e) => e.incidentId === incidentId);

describe('a group that declares an incident', () => {
  it('a P0 group declares one incident, linked both ways; later alerts go into its timeline; a retry declares nothing more', async () => {
    await start();
    await send(payload([1, 2, 3], 'critical'));
    await deliverAll();

    const [group] = t.store.db.select().from(alertGroups).all();
    const declared = t.store.db.select().from(incidents).all();
    expect(declared).toHaveLength(1);
    const incident = declared[0]!;
    expect(group).toMatchObject({ severity: 'P0', count: 3, incidentId: incident.id });
    expect(incident).toMatchObject({ severity: 'P0', service: 'api', rotation: 'backend', declaredBy: 'U0BOB', channelId: null });
    // One page: the group's. The incident says it is paged already rather than paging Bob a second time.
    expect(t.store.db.select().from(pages).all()).toHaveLength(1);
    expect(timeline(incident.id).map((e) => e.text)).toContainEqual(expect.stringMatching(/paged already \(page #\d+, alert group #1\)/));
    // The incident (a thread of the incidents channel) lists the group's alerts when declared (the first, which
    // started the group, in the same transaction); the two after it joined the incident's timeline.
    const listed = t.standIn.delivered('chat.postMessage').find((c) => /Declared from alert group #1/.test(String(c.args.text)));
    expect(listed?.args.channel).toBe('C0INCIDENTS');
    expect(listed?.args.thread_ts).toBeDefined();
    expect(String(listed?.args.text)).toContain('DbDown on db-1 (api) · alert #1');
    const joined = timeline(incident.id).filter((e) => e.kind === 'alert' && / joined alert group #1: /.test(e.text));
    expect(joined.map((e) => e.text.split(': ').at(-1))).toEqual(['DbDown on db-2', 'DbDown on db-3']);
    // The group's message links the incident (at its next edit).
    await t.advance(10 * SECOND);
    await deliverAll();
    const edit = t.standIn
      .delivered('chat.update')
      .filter((c) => c.args.channel === 'C0ALERTS')
      .at(-1);
    expect(JSON.stringify(edit?.args.blocks)).toContain(`declared incident #${incident.id}`);

    // A later alert of the group joins the incident's timeline; the webhook's retry (the same payload) declares nothing.
    await send(payload([4], 'critical'));
    await send(payload([4], 'critical'));
    await send(payload([1, 2, 3], 'critical'));
    await deliverAll();
    expect(t.store.db.select().from(incidents).all()).toHaveLength(1);
    expect(t.store.db.select().from(pages).all()).toHaveLength(1);
    expect(timeline(incident.id).filter((e) => e.kind === 'alert' && /joined alert group #1: DbDown on db-4$/.test(e.text))).toHaveLength(
      1,
    );

    // `/oncall alerts` names the incident; acknowledging the group's page goes into the incident's timeline.
    const open = (await t.command('/oncall', 'alerts', 'U0BOB')).json() as { text: string };
    expect(open.text).toMatch(new RegExp(`page #1 open · incident #${incident.id}$`, 'm'));
    await t.interact(blockActionPayload('U0BOB', PAGE_ACTIONS.ack, '1', { channel: { id: 'DU0BOB' } }));
    await t.settled();
    expect(timeline(incident.id).map((e) => e.text)).toContain('Page #1 of alert group #1 acknowledged by <@U0BOB> via Slack button');
  });

  it('a P1 group declares nothing until a P0 member raises it; then once', async () => {
    await start();
    await send(payload([1, 2], 'error'));
    await deliverAll();
    expect(t.store.db.select().from(incidents).all()).toHaveLength(0);

    await send(payload([3], 'critical'));
    await send(payload([5], 'critical'));
    await deliverAll();
    const declared = t.store.db.select().from(incidents).all();
    expect(declared).toHaveLength(1);
    expect(declared[0]!.severity).toBe('P0');
    const groups = t.store.db.select().from(alertGroups).all();
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ severity: 'P0', count: 4, incidentId: declared[0]!.id });
    expect(t.store.db.select().from(pages).all()).toHaveLength(1);
  });

  it('an integration without declare_incident declares nothing, even at P0', async () => {
    t = await TestApp.start({ policy: EXAMPLE_POLICY, clock: new FakeClock(NOW), secrets: INTEGRATION_SECRETS });
    for (const id of ['U0ALICE', 'U0BOB', 'U0CAROL', 'U0DAN']) t.standIn.addUser({ id });
    await send(payload([1], 'critical'));
    await deliverAll();
    expect(t.store.db.select().from(incidents).all()).toHaveLength(0);
    expect(t.store.db.select().from(alertGroups).all()[0]!.incidentId).toBeNull();
  });
});
