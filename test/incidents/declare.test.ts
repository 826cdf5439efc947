import { afterEach, describe, expect, it } from 'vitest';
import { incidents, pages } from '../../src/db/schema.js';
import { FakeClock, MINUTE } from '../../src/time/clock.js';
import { TestApp } from '../support/harness.js';
import { declare, NOW, POLICY, submitDeclare, texts, tickTriage } from './incident-support.js';

let t: TestApp;
afterEach(async () => t?.close());

async function start() {
  t = await TestApp.start({ policy: POLICY, clock: new FakeClock(NOW) });
  for (const id of ['U0ALICE', 'U0BOB', 'U0CAROL', 'U0DAN']) t.standIn.addUser({ id });
}

type Block = { type: string; block_id?: string; element?: Record<string, unknown>; elements?: Array<{ text: string }> };

describe('/incident declare', () => {
  it('opens the triage modal, suggests a severity from the answers, and declaring creates the channel, card, announcement, page and notifications', async () => {
    await start();
    const answer = await t.command('/incident', 'declare Checkout returns 500s', 'U0ALICE', { channelId: 'C0GENERAL' });
    expect(answer.status).toBe(200);
    expect(answer.text).toBe(''); // the modal is the answer
    const [opened] = t.standIn.take('views.open');
    const view = opened!.args.view as { callback_id: string; private_metadata: string; blocks: Block[] };
    expect(view.callback_id).toBe('incident.declare');
    expect(view.blocks.find((b) => b.block_id === 'title')!.element!.initial_value).toBe('Checkout returns 500s');
    expect(view.blocks.find((b) => b.block_id === 'environment')!.element!.options).toHaveLength(4);
    // No severity is preselected before any triage answer.
    expect(view.blocks.find((b) => b.block_id === 'severity')!.element!.initial_option).toBeUndefined();

    await tickTriage(t, 'U0ALICE', ['production', 'critical_flow'], 'prod', view.private_metadata);
    const updated = (await t.standIn.waitFor('views.update')).args as { view_id: string; hash: string; view: { blocks: Block[] } };
    expect(updated.view_id).toBe('V0VIEW');
    expect(updated.hash).toBe('hash-1');
    expect(updated.view.blocks.find((b) => b.block_id === 'suggestion')!.elements![0]!.text).toBe(
      'Suggested severity: *P0* (a critical flow is broken in production with no workaround). The choice below is yours.',
    );
    expect(updated.view.blocks.find((b) => b.block_id === 'severity:P0')!.element!.initial_option).toEqual({
      text: { type: 'plain_text', text: 'P0 critical' },
      value: 'P0',
    });

    const card = await declare(t, { severity: 'P0', triage: ['production', 'critical_flow'] });
    await t.app.drainer.drain();
    expect(t.standIn.take('conversations.create').map((c) => c.args.name)).toEqual(['inc-20261120-checkout-returns-500s']);
    expect(card.args.channel).toBe('C0INC1');
    expect(String(card.args.text)).toMatch(
      /^\[P0\] Checkout returns 500s\nStatus: Investigating\nImpact: EU customers cannot pay\nStarted: <!date\^1795169700\^.*>\nCommander: <@U0ALICE>\nNext update: <!date\^1795170600\^/,
    );
    expect(t.standIn.take('conversations.invite').map((c) => c.args)).toEqual([{ channel: 'C0INC1', users: 'U0ALICE,U0BOB' }]);
    expect(texts(t.standIn.take('chat.postMessage', (a) => a.channel === 'C0INCIDENTS'))).toEqual([
      ':rotating_light: [P0] Checkout returns 500s declared by <@U0ALICE>, commander <@U0ALICE>. Impact: EU customers cannot pay. Join <#C0INC1>.',
    ]);
    // The page goes to the primary; the lead is told (P0); the CTO is not (no data or security).
    const [dm] = t.standIn.take('chat.postMessage', (a) => a.channel === 'U0BOB');
    expect(String(dm!.args.text)).toBe(':rotating_light: Page [P0] Checkout returns 500s (backend), from incident #1');
    expect(texts(t.standIn.take('chat.postMessage', (a) => a.channel === 'U0LEAD'))).toEqual([
      ':information_source: FYI [P0] Checkout returns 500s (incident #1) in <#C0INC1> was declared by <@U0ALICE>. Commander: <@U0ALICE>. No action needed unless you are asked.',
    ]);
    expect(texts(t.standIn.take('chat.postMessage', (a) => a.channel === 'C0ALERTS'))).toEqual([
      expect.stringContaining('paging <@U0BOB>'),
    ]);
    // The playbook's checklist follows the card (test/playbooks covers it).
    expect(texts(t.standIn.take('chat.postMessage', (a) => a.channel === 'C0INC1'))).toEqual([
      ':ballot_box_with_check: Triage checklist for incident #1: 0 of 7 done',
    ]);
    expect(t.standIn.unasserted()).toEqual([]);
    const row = t.store.db.select().from(incidents).get()!;
    expect(row).toMatchObject({
      severity: 'P0',
      status: 'investigating',
      service: 'checkout',
      environment: 'prod',
      commander: 'U0ALICE',
      channelId: 'C0INC1',
      rotation: 'backend',
      tags: [],
    });
  });

  it('data or security widens the notifications to leadership', async () => {
    await start();
    await declare(t, { severity: 'P0', triage: ['data_security'], title: 'Tokens visible in logs' });
    await t.app.drainer.drain();
    expect(texts(t.standIn.take('chat.postMessage', (a) => a.channel === 'U0CTO'))).toEqual([
      expect.stringContaining('FYI [P0] Tokens visible in logs (incident #1)'),
    ]);
    expect(t.store.db.select().from(incidents).get()!.tags).toEqual(['data', 'security']);
  });

  it('falls back to a thread in the incidents channel when Slack will not let the app create a channel, and says so', async () => {
    await start();
    t.standIn.failNext('conversations.create', { error: 'restricted_action' });
    const card = await declare(t, { severity: 'P1' });
    await t.app.drainer.drain();
    expect(card.args.channel).toBe('C0INCIDENTS');
    expect(card.args.thread_ts).toBeUndefined();
    const cardTs = String(card.response.ts);
    const [note] = t.standIn.take(
      'chat.postMessage',
      (a) => a.channel === 'C0INCIDENTS' && String(a.text).includes('could not create a channel'),
    );
    expect(note!.args.thread_ts).toBe(cardTs);
    expect(String(note!.args.text)).toContain('Slack said `restricted_action`');
    expect(t.store.db.select().from(incidents).get()!.channelId).toBeNull();
    expect(t.standIn.take('conversations.invite')).toEqual([]);

    // In the incidents channel, commands name the incident; what they post goes into the thread.
    const answer = (await t.command('/incident', 'update #1 rolled back 1.42', 'U0ALICE', { channelId: 'C0INCIDENTS' })).json() as {
      text: string;
    };
    expect(answer.text).toMatch(/^Update posted; the next one is due <!date\^/);
    await t.app.drainer.drain();
    const [update] = t.standIn.take('chat.postMessage', (a) => String(a.text).startsWith(':memo:'));
    expect(update!.args).toMatchObject({ channel: 'C0INCIDENTS', thread_ts: cardTs });
  });

  it('a taken channel name gets -2', async () => {
    await start();
    await declare(t, { severity: 'P2' });
    t.clock.advance(MINUTE);
    await declare(t, { severity: 'P2' });
    expect(
      t.standIn
        .take('conversations.create')
        .filter((c) => c.ok)
        .map((c) => c.args.name),
    ).toEqual(['inc-20261120-checkout-returns-500s', 'inc-20261120-checkout-returns-500s-2']);
  });

  it('shows every problem of the form on its field and writes nothing', async () => {
    await start();
    const answer = await submitDeclare(t, 'U0ALICE', { title: 'x', impact: ' ', environment: 'staging' });
    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual({
      response_action: 'errors',
      errors: {
        title: 'A title of at least 3 characters, e.g. "Checkout returns 500s".',
        environment: 'Choose one of local, dev, showcase, prod.',
        impact: 'Say who is affected and how, e.g. "all EU users cannot pay".',
        severity: 'Choose a severity.',
      },
    });
    expect(t.store.db.select().from(incidents).all()).toEqual([]);
    expect(t.store.db.select().from(pages).all()).toEqual([]);
    expect(t.standIn.attempts('conversations.create')).toEqual([]);
  });
});

describe('/incident commands', () => {
  it.each([
    [
      'update the database is back',
      "This channel is not an incident's channel. Run it in the incident's channel, or name the incident: `/incident update #12 <text>`.",
    ],
    ['timeline', 'name the incident: `/incident timeline #12`'],
    ['update #7 hello', 'There is no incident #7. `/incident list` shows the open ones.'],
  ])('outside an incident channel, /incident %s says what to do', async (text, expected) => {
    await start();
    const answer = (await t.command('/incident', text, 'U0ALICE', { channelId: 'C0GENERAL' })).json() as { text: string };
    expect(answer.text).toContain(expected);
  });

  it.each([
    [
      'status',
      'Which status? Use one of Investigating, Mitigating, Monitoring, Resolved: `/incident status mitigating rolled back the deploy`.',
    ],
    ['status fixed', '"fixed" is not a status.'],
    ['status resolved', 'Resolving needs the verification checklist: use `/incident resolve`.'],
    ['severity P9', '"P9" is not a severity. Use one of P0, P1, P2, P3: `/incident severity P0`.'],
    ['commander dana', 'Name the new commander with an @-mention: `/incident commander @dana`.'],
    ['role <@U0CAROL> chef', '"chef" is not a role here. Roles: commander, support ops lead, comms.'],
    ['update', 'Say what changed: `/incident update <text>`'],
    ['postmortem', 'Usage: `/incident postmortem done <link>`'],
  ])('inside the incident channel, /incident %s explains what is wrong', async (text, expected) => {
    await start();
    await declare(t, { severity: 'P1' });
    const answer = (await t.command('/incident', text, 'U0ALICE', { channelId: 'C0INC1' })).json() as { text: string };
    expect(answer.text).toContain(expected);
  });

  it('refuses changes from someone with no part in the incident, and says who may', async () => {
    await start();
    await declare(t, { severity: 'P1' });
    const answer = (await t.command('/incident', 'status monitoring', 'U0STRANGER', { channelId: 'C0INC1' })).json() as { text: string };
    expect(answer.text).toBe(
      'Only the commander (<@U0ALICE>), members of *backend* (<@U0ALICE>, <@U0BOB>, <@U0CAROL>, <@U0DAN>), the engineering_lead (<@U0LEAD>), the cto (<@U0CTO>) or the support_ops_lead (<@U0SUPP>) can change the status of incident #1.',
    );
    expect(t.store.db.select().from(incidents).get()!.status).toBe('investigating');
  });

  it('list shows open incidents anywhere; the gate is ready only with no unresolved P0', async () => {
    await start();
    expect(((await t.command('/incident', 'gate')).json() as { text: string }).text).toBe(
      ':large_green_circle: Ready: 0 unresolved P0 incidents.',
    );
    await declare(t, { severity: 'P0', title: 'Payments failing' });
    await declare(t, { severity: 'P2', title: 'Slow dashboard' });
    const list = ((await t.command('/incident', 'list')).json() as { text: string }).text;
    expect(list).toMatch(
      /^\*Open incidents \(2\)\*\n• #1 \[P0\] Payments failing: Investigating, commander <@U0ALICE>, since <!date.*>, <#C0INC1>\n• #2 \[P2\] Slow dashboard/,
    );
    const gate = ((await t.command('/incident', 'gate')).json() as { text: string }).text;
    expect(gate).toMatch(
      /^:no_entry: Not ready: 1 unresolved P0 incident\. Pause launch outreach until it is zero\.\n• #1 \[P0\] Payments failing/,
    );
  });
});
