import { afterEach, describe, expect, it } from 'vitest';
import { pages } from '../../src/db/schema.js';
import { PAGE_ACTIONS } from '../../src/paging/page-blocks.js';
import { FakeClock, MINUTE } from '../../src/time/clock.js';
import { tempDbPath } from '../support/common.js';
import { TestApp } from '../support/harness.js';
import { dmTimeline, pagingPolicy, runMinutes, P0_CHAIN_TWICE, timerRows, commandPage } from '../support/paging-scenario.js';
import { blockActionPayload } from '../support/signed-requests.js';
import { SlackStandIn } from '../../src/playground/slack-stand-in.js';

let t: TestApp;
afterEach(async () => t?.close());

const T0 = Date.parse('2026-01-07T03:00:00Z');

async function startWithPage(severity = 'P0'): Promise<number> {
  t = await TestApp.start({ policy: pagingPolicy(), clock: new FakeClock(T0) });
  const id = await commandPage(t, `--severity ${severity} checkout down`);
  await t.tick();
  return id;
}

const press = (userId: string, action: string, id: number) =>
  t.interact(blockActionPayload(userId, action, String(id), { channel: { id: `D${userId}` } }));
const pageRow = () => t.store.db.select().from(pages).get()!;

describe('acknowledge, escalate now, resolve', () => {
  it.each([
    ['right after the first page', 0, ['0 U0ALICE']],
    ['between steps (minute 20)', 20, ['0 U0ALICE', '15 U0BOB']],
    ['after the last step of the last round', 119, P0_CHAIN_TWICE],
    ['after the chain ran out (still honoured)', 130, P0_CHAIN_TWICE],
  ])('acknowledged %s: no further step, every message edited in place, time to ack stored', async (_name, minute, expected) => {
    const id = await startWithPage();
    const before = await runMinutes(t, T0, minute);
    expect((await press('U0ALICE', PAGE_ACTIONS.ack, id)).status).toBe(200);
    await t.tick();
    const edits = t.standIn.take('chat.update');
    const posted = before.filter((r) => r.text.startsWith(':rotating_light:'));
    expect(edits).toHaveLength(posted.length);
    expect(edits.every((e) => String(e.args.text).includes(':white_check_mark: Acknowledged by <@U0ALICE>'))).toBe(true);
    const after = await runMinutes(t, T0 + minute * MINUTE, 150);
    expect(dmTimeline([...before, ...after])).toEqual(expected);
    expect(after.filter((r) => r.text.startsWith(':rotating_light:') || r.text.startsWith(':warning:'))).toEqual([]);
    expect(pageRow()).toMatchObject({ status: 'acknowledged', ackedBy: 'U0ALICE', ackedAt: T0 + minute * MINUTE });
    expect(timerRows(t).filter((r) => r.kind === 'page.step' || r.kind === 'page.exhaust')).toEqual([]);
  });

  it('a double click: the second press is told who acknowledged, nothing is edited twice', async () => {
    const id = await startWithPage();
    await press('U0ALICE', PAGE_ACTIONS.ack, id);
    await press('U0ALICE', PAGE_ACTIONS.ack, id);
    const told = await t.standIn.waitFor('chat.postEphemeral');
    expect(told.args.text).toMatch(/^Page #1 was already acknowledged by <@U0ALICE> at <!date\^/);
    await t.tick();
    expect(t.standIn.take('chat.update')).toHaveLength(2); // Alice's DM and the channel line, once each
  });

  it('two people at the same moment: one wins, the other is told', async () => {
    const id = await startWithPage();
    await runMinutes(t, T0, 16);
    const [a, b] = await Promise.all([press('U0ALICE', PAGE_ACTIONS.ack, id), press('U0BOB', PAGE_ACTIONS.ack, id)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const told = await t.standIn.waitFor('chat.postEphemeral');
    const winner = pageRow().ackedBy;
    expect(['U0ALICE', 'U0BOB']).toContain(winner);
    expect(told.args.user).not.toBe(winner);
    expect(told.args.text).toContain(`already acknowledged by <@${winner}>`);
  });

  it('an acknowledge in the same second as the escalation timer: ack first means no next step', async () => {
    const id = await startWithPage();
    await runMinutes(t, T0, 14);
    t.clock.set(T0 + 15 * MINUTE);
    await press('U0ALICE', PAGE_ACTIONS.ack, id);
    await t.tick();
    expect(t.standIn.take('chat.postMessage', (a) => a.channel === 'U0BOB')).toEqual([]);
  });

  it('the escalation timer first in that second: Bob is paged, then the ack edits his message too', async () => {
    const id = await startWithPage();
    await runMinutes(t, T0, 14);
    t.clock.set(T0 + 15 * MINUTE);
    await t.tick();
    expect(t.standIn.take('chat.postMessage', (a) => a.channel === 'U0BOB')).toHaveLength(1);
    await press('U0ALICE', PAGE_ACTIONS.ack, id);
    await t.tick();
    expect(
      t.standIn
        .take('chat.update')
        .map((c) => c.args.channel)
        .sort(),
    ).toEqual(['C0ALERTS', 'C0ALERTS', 'U0ALICE', 'U0BOB']);
  });

  it('Escalate now pages the next step at once and the chain continues from there', async () => {
    const id = await startWithPage();
    await runMinutes(t, T0, 3);
    await press('U0ALICE', PAGE_ACTIONS.escalate, id);
    const received = await runMinutes(t, T0 + 3 * MINUTE, 20);
    expect(dmTimeline(received)).toEqual(['0 U0BOB', '15 U0LEAD']);
  });

  it('Resolve closes the page: timers gone, messages edited, later steps never come', async () => {
    const id = await startWithPage();
    await runMinutes(t, T0, 2);
    await press('U0BOB', PAGE_ACTIONS.resolve, id);
    await t.tick();
    expect(t.standIn.take('chat.update').every((c) => String(c.args.text).includes('Resolved by <@U0BOB>'))).toBe(true);
    expect(dmTimeline(await runMinutes(t, T0 + 2 * MINUTE, 130))).toEqual([]);
    expect(pageRow()).toMatchObject({ status: 'resolved', resolvedBy: 'U0BOB', ackedBy: 'U0BOB' });
    expect(timerRows(t).filter((r) => r.subject === 'page:1')).toEqual([]);
  });

  it('someone outside the rotation cannot acknowledge, and is told who can', async () => {
    const id = await startWithPage();
    await press('U0STRANGER', PAGE_ACTIONS.ack, id);
    const told = await t.standIn.waitFor('chat.postEphemeral');
    expect(told.args.text).toBe(
      'Only members of *backend* (<@U0ALICE>, <@U0BOB>, <@U0CAROL>, <@U0DAN>), someone page #1 reached, the engineering_lead (<@U0LEAD>) or the cto (<@U0CTO>) can acknowledge page #1.',
    );
    expect(pageRow().status).toBe('open');
  });

  it('/oncall pages lists time to ack and breaches', async () => {
    const id = await startWithPage();
    await runMinutes(t, T0, 7);
    await press('U0ALICE', PAGE_ACTIONS.ack, id);
    const answer = (await t.command('/oncall', 'pages today')).json() as { text: string };
    expect(answer.text).toContain('#1 [P0] checkout down · backend');
    expect(answer.text).toContain('acknowledged · acked by <@U0ALICE> via Slack button in 7 min · :warning: ack SLA breached');
    expect(((await t.command('/oncall', 'pages open')).json() as { text: string }).text).toBe('No open pages.');
  });

  it.each([
    ['page --severity P9 x y z', '"P9" is not a severity; use one of P0, P1, P2, P3.'],
    ['page hi', 'Say what is wrong, so the person woken up knows where to start.'],
  ])('/oncall %s explains what is wrong', async (text, expected) => {
    t = await TestApp.start({ policy: pagingPolicy(), clock: new FakeClock(T0) });
    const answer = (await t.command('/oncall', text)).json() as { text: string };
    expect(answer.text).toContain(expected);
    expect(answer.text).toContain('Usage: `/oncall page [rotation] [--severity P1] <message>`');
  });
});

describe('pages survive restarts and Slack trouble', () => {
  it.each([7, 15, 29, 44, 61])('restart at minute %i: each later step fires once, at its time, no repeats', async (stopAt) => {
    const db = tempDbPath();
    const standIn = await new SlackStandIn().start();
    const clock = new FakeClock(T0);
    try {
      const first = await TestApp.start({ policy: pagingPolicy(), dbPath: db.path, standIn, clock });
      await first.command('/oncall', 'page --severity P0 checkout down', 'U0DAN');
      t = first;
      const before = await runMinutes(first, T0, stopAt);
      await first.close({ keepDb: true });
      const second = await TestApp.start({ policy: pagingPolicy(), dbPath: db.path, standIn, clock });
      t = second;
      const after = await runMinutes(second, T0, 125 - stopAt);
      expect(dmTimeline([...before, ...after])).toEqual(P0_CHAIN_TWICE);
    } finally {
      await t.close();
      await standIn.stop();
      db.cleanup();
      t = undefined as unknown as TestApp;
    }
  });

  it('429 and 500 on the page DMs: each page is delivered once, and the chain keeps its own time', async () => {
    t = await TestApp.start({ policy: pagingPolicy(), clock: new FakeClock(T0) });
    t.standIn.failNext('chat.postMessage', { status: 429, retryAfter: 120 });
    t.standIn.failNext('chat.postMessage', { status: 500 }, 3);
    await t.command('/oncall', 'page --severity P0 checkout down', 'U0DAN');
    const received = await runMinutes(t, T0, 20);
    const alice = received.filter((r) => r.to === 'U0ALICE' && r.text.startsWith(':rotating_light:'));
    expect(alice).toHaveLength(1);
    expect(alice[0]!.minute).toBeGreaterThanOrEqual(2); // held back by Retry-After: 120 s
    // Bob's step was due at minute 15 counted from the page, not from Alice's late delivery.
    expect(dmTimeline(received).filter((l) => l.endsWith('U0BOB'))).toEqual(['15 U0BOB']);
    expect(t.standIn.attempts('chat.postMessage').filter((c) => c.args.channel === 'U0ALICE' && c.ok)).toHaveLength(1);
  });
});
