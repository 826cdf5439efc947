/**
 * The long inputs issue #22 names, each driven through the bot against the strict stand-in (which refuses what
 * Slack refuses): a 10,000-character impact, a checklist of 30 items, a rotation of 60 people in Home, an incident
 * with 500 timeline entries, a week of 200 noisy alerts, and a page with the longest summary acknowledged.
 * Every one must post something Slack accepts, and say where the rest is when it cuts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Policy } from '../../src/config/policy.js';
import { PAGE_ACTIONS } from '../../src/paging/page-blocks.js';
import { PLAYBOOK_ACTIONS } from '../../src/playbooks/playbook-blocks.js';
import { LIMITS } from '../../src/playground/slack-limits.js';
import { FakeClock, MINUTE } from '../../src/time/clock.js';
import { TestApp } from '../support/harness.js';
import { EXAMPLE_POLICY, INTEGRATION_SECRETS } from '../support/fixtures.js';
import { blockActionPayload } from '../support/signed-requests.js';
import { declare, NOW, POLICY, submitResolve } from '../incidents/incident-support.js';
import { openHome } from '../home/home-support.js';

let t: TestApp;
afterEach(async () => t?.close());

const POSTING = new Set([
  'chat.postMessage',
  'chat.update',
  'chat.postEphemeral',
  'views.open',
  'views.update',
  'views.push',
  'views.publish',
]);

/**
 * Every call that shows something was accepted (a 429 is not a refusal of the content: the outbox sends it again
 * after Retry-After), and no message's text was long enough for Slack to cut it unseen.
 */
function expectAllAccepted(): void {
  const refused = t.standIn.calls
    .filter((c) => POSTING.has(c.method) && !c.ok && c.status !== 429)
    .map((c) => `${c.method}: ${JSON.stringify(c.response)}`);
  expect(refused).toEqual([]);
  const tooLong = t.standIn.calls
    .filter((c) => typeof c.args.text === 'string' && c.args.text.length > LIMITS.messageText)
    .map((c) => `${c.method} ${String(c.args.text).length}`);
  expect(tooLong).toEqual([]);
}

async function start(policy: Policy = POLICY, now: number | string = NOW, secrets?: Record<string, string>) {
  t = await TestApp.start({ policy, clock: new FakeClock(now), ...(secrets ? { secrets } : {}) });
  for (const id of ['U0ALICE', 'U0BOB', 'U0CAROL', 'U0DAN']) t.standIn.addUser({ id });
}

type Block = {
  type: string;
  block_id?: string;
  text?: { text: string };
  fields?: Array<{ text: string }>;
  elements?: Array<{ type: string; options?: Array<{ value: string }> }>;
};

describe('long inputs against the strict stand-in', () => {
  it('an impact of 10,000 characters: the form takes 2,000 (Slack holds it to max_length); 10,000 anyway makes a valid card (cut with …), announcement, reminders and edits', async () => {
    await start();
    await t.command('/incident', 'declare Checkout down', 'U0ALICE');
    const form = (await t.standIn.waitFor('views.open')).args.view as {
      blocks: Array<{ block_id?: string; element?: { max_length?: number } }>;
    };
    expect(form.blocks.find((b) => b.block_id === 'impact')!.element!.max_length).toBe(2000);

    const impact = `${'EU customers cannot pay; '.repeat(400).slice(0, 9_999)}.`;
    const card = await declare(t, { severity: 'P1', impact });
    const impactBlock = (card.args.blocks as Block[]).find((b) => b.text?.text.startsWith('*Impact*'));
    expect(impactBlock!.text!.text.length).toBe(LIMITS.sectionText);
    // Cut with a visible … and a word on where the whole text is.
    expect(impactBlock!.text!.text.endsWith('… _(cut to fit Slack: the declaration message has the whole impact)_')).toBe(true);
    await t.app.drainer.drain();
    const announced = t.standIn
      .delivered('chat.postMessage')
      .find((c) => String(c.args.text).startsWith(':rotating_light:') && String(c.args.text).includes('declared by'));
    expect(String(announced!.args.text).includes(impact)).toBe(true);
    // Reminders at 15 and 30 min; an update and the resolution (as long as its form takes) edit the card.
    for (let minute = 0; minute < 31; minute += 1) await t.advance(MINUTE);
    await t.app.drainer.drain();
    expect(
      t.standIn.delivered('chat.postMessage').filter((c) => String(c.args.text).startsWith(':alarm_clock:')).length,
    ).toBeGreaterThanOrEqual(2);
    expect((await t.command('/incident', `update ${'still rolling back; '.repeat(100)}`, 'U0ALICE', { channelId: 'C0INC1' })).status).toBe(
      200,
    );
    expect((await submitResolve(t, 'U0ALICE', 1, [0, 1, 2], 'r'.repeat(3000))).text).toBe('');
    await t.app.drainer.drain();
    expect(t.standIn.delivered('chat.update').some((c) => String(c.args.text).includes('Status: Resolved'))).toBe(true);
    expect(t.standIn.delivered('chat.postMessage').some((c) => String(c.args.text).startsWith(':page_facing_up:'))).toBe(true);
    expectAllAccepted();
  });

  it('a checklist of 30 items: posted in three groups of 10, and the last item can be ticked', async () => {
    const items = Array.from({ length: 30 }, (_, n) => `Checklist step ${n + 1}: look at the dashboard of region ${n + 1}`);
    await start({ ...POLICY, playbooks: { ...POLICY.playbooks, checklist: items } });
    await declare(t, { severity: 'P1' });
    await t.app.drainer.drain();
    const [posted] = t.standIn.take('chat.postMessage', (a) => String(a.text).startsWith(':ballot_box_with_check:'));
    const groups = (posted!.args.blocks as Block[]).filter((b) => (b.elements ?? []).some((e) => e.type === 'checkboxes'));
    expect(groups.map((g) => g.elements![0]!.options!.length)).toEqual([10, 10, 10]);
    for (const [g, n] of [
      [0, 0],
      [1, 15],
      [2, 29],
    ] as const) {
      const answer = await t.interact(
        blockActionPayload('U0ALICE', PLAYBOOK_ACTIONS.checklist, '', {
          channel: { id: 'C0INC1' },
          actions: [
            {
              type: 'checkboxes',
              action_id: PLAYBOOK_ACTIONS.checklist,
              block_id: groups[g]!.block_id,
              selected_options: [{ value: String(n) }],
              action_ts: '1',
            },
          ],
        }),
      );
      expect(answer.status).toBe(200);
    }
    await t.app.drainer.drain();
    const edits = t.standIn.take('chat.update', (a) => String(a.text).startsWith(':ballot_box_with_check:'));
    expect(edits.at(-1)!.args.text).toBe(':ballot_box_with_check: Triage checklist for incident #1: 3 of 30 done');
    expectAllAccepted();
  });

  it('a rotation of 60 people: a member opens Home and it is published within the limits', async () => {
    const members = Array.from({ length: 60 }, (_, n) => `U0M${String(n).padStart(3, '0')}`);
    const policy: Policy = {
      ...EXAMPLE_POLICY,
      rotations: { ...EXAMPLE_POLICY.rotations, backend: { ...EXAMPLE_POLICY.rotations.backend!, members } },
    };
    t = await TestApp.start({ policy, clock: new FakeClock('2026-11-20T14:00:00Z') });
    for (const id of members) t.standIn.addUser({ id });
    const home = await openHome(t, members[59]!);
    expect(home.blocks.length).toBeLessThanOrEqual(LIMITS.viewBlocks);
    expect(home.text).toContain('backend');
    expectAllAccepted();
  });

  // Heavy (thousands of requests through the real app): a budget for a busy CI machine, not a speed target.
  it('an incident with 500 timeline entries: the timeline answer, the postmortem draft and the card are valid and say where the rest is', {
    timeout: 60_000,
  }, async () => {
    await start();
    await declare(t, { severity: 'P1' });
    for (let n = 1; n <= 500; n += 1) {
      const answer = await t.command(
        '/incident',
        `update step ${n}: ${'checked the pods and the queue depth again '.repeat(2)}`,
        'U0ALICE',
        { channelId: 'C0INC1' },
      );
      expect(answer.status).toBe(200);
      // Two seconds apart: Slack takes about one message a second in a channel.
      await t.advance(2_000);
    }
    const timeline = await t.command('/incident', 'timeline', 'U0ALICE', { channelId: 'C0INC1' });
    const text = (timeline.json() as { text: string }).text;
    expect(text.length).toBeLessThanOrEqual(LIMITS.messageText);
    expect(text).toContain('step 500:');
    expect(text).toMatch(/…\d+ earlier entries not shown/);
    expect((await submitResolve(t, 'U0ALICE', 1, [0, 1, 2], 'Rolled back.')).text).toBe('');
    await t.app.drainer.drain();
    const draft = t.standIn.delivered('chat.postMessage').find((c) => String(c.args.text).startsWith(':page_facing_up:'));
    expect(draft).toBeDefined();
    expect(String(draft!.args.text)).toContain('When it is written: `/incident postmortem done <link>`.');
    expect(String(draft!.args.text)).toMatch(/…\d+ earlier entries not shown/);
    expectAllAccepted();
  });

  it('a week of 200 noisy alerts: `/oncall report week` answers within the limits, the noisiest summarised', async () => {
    await start(EXAMPLE_POLICY, '2026-11-20T14:00:00Z', INTEGRATION_SECRETS);
    for (let n = 1; n <= 200; n += 1) {
      const body = JSON.stringify({
        version: '4',
        status: 'firing',
        receiver: 'oncall',
        groupKey: `{}:{alertname="Noisy${n}"}`,
        alerts: [
          {
            status: 'firing',
            labels: { alertname: `Noisy${n}`, severity: 'warning', service: 'checkout' },
            annotations: { summary: `Noisy alert ${n}: ${'the queue depth of the checkout workers is above its threshold '.repeat(6)}` },
            startsAt: '2026-11-20T13:00:00Z',
            fingerprint: `fp${n}`,
          },
        ],
      });
      expect(
        (await t.post('/webhooks/prometheus', body, { authorization: `Bearer ${INTEGRATION_SECRETS.ALERTMANAGER_TOKEN}` })).status,
      ).toBe(202);
      await t.advance(2_000);
    }
    await t.app.drainer.drain();
    const text = ((await t.command('/oncall', 'report week', 'U0CAROL')).json() as { text: string }).text;
    // The noisiest five, each summary clipped at the source (200 characters, with …), not 200 lines.
    const noisiest = text
      .split('*Noisiest alerts*\n')[1]!
      .split('\n')
      .filter((l) => /^\d+\. /.test(l));
    expect(noisiest).toHaveLength(5);
    expect(noisiest.every((l) => l.startsWith(`${noisiest.indexOf(l) + 1}. Noisy alert `) && l.includes('…'))).toBe(true);
    expect(text.length).toBeLessThanOrEqual(4000);
    expectAllAccepted();
  });

  it('a page with the longest summary `/oncall page` takes, acknowledged: its closed message is valid', async () => {
    await start(EXAMPLE_POLICY, '2026-11-20T14:00:00Z');
    const summary = `checkout ${'and payments are failing for every region '.repeat(10)}`.slice(0, 300);
    const raised = (await t.command('/oncall', `page backend --severity P1 ${summary}`, 'U0ALICE')).json() as { text: string };
    const id = /page #(\d+)/.exec(raised.text)![1]!;
    await t.app.drainer.drain();
    await t.advance(14 * MINUTE);
    expect((await t.interact(blockActionPayload('U0BOB', PAGE_ACTIONS.ack, id))).status).toBe(200);
    await t.app.drainer.drain();
    const closed = t.standIn.delivered('chat.update').filter((c) => String(c.args.text).includes('Acknowledged by'));
    expect(closed.length).toBeGreaterThan(0);
    expectAllAccepted();
  });
});
