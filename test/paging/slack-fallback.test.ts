/**
 * Paging does not depend on Slack, through the real app: the Slack stand-in answers 500 for two minutes while a
 * P0 fires at 03:00. After 60 s with the DM undelivered, the person is reached at once by every other way they
 * verified (push and call through the ntfy and Twilio stand-ins), the page records it and /metrics counts it;
 * when Slack answers again the DM arrives and shows the page as it is by then.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { pages } from '../../src/db/schema.js';
import { PAGE_ACTIONS } from '../../src/paging/page-blocks.js';
import type { NtfyStandIn } from '../../src/playground/ntfy-stand-in.js';
import type { Fault, RecordedCall } from '../../src/playground/slack-stand-in.js';
import type { TwilioStandIn } from '../../src/playground/twilio-stand-in.js';
import { MINUTE, SECOND } from '../../src/time/clock.js';
import type { TestApp } from '../support/harness.js';
import { pagingPolicy, WED_0300, timerRows, commandPage } from '../support/paging-scenario.js';
import { startWithProviders, stopProviders, ALICE_PHONE, ALICE_TOPIC } from '../support/providers.js';

// Wednesday 03:00 UTC (Alice is backend's primary that week); 10:00 is within business hours.
const T10 = Date.parse('2026-01-07T10:00:00Z');

let t: TestApp;
let twilio: TwilioStandIn;
let ntfy: NtfyStandIn;
afterEach(stopProviders);

async function started(at = WED_0300): Promise<TestApp> {
  // Alice verified push and her phone; Bolt learned the bot's identity (auth.test) before any outage.
  ({ t, twilio, ntfy } = await startWithProviders({
    at,
    policy: pagingPolicy(),
    verified: { U0ALICE: { push: ALICE_TOPIC, voice: ALICE_PHONE } },
  }));
  expect((await t.command('/oncall', 'who', 'U0DAN')).status).toBe(200);
  return t;
}

async function page(severity: string): Promise<number> {
  const id = await commandPage(t, `--severity ${severity} checkout down`);
  await t.tick();
  return id;
}

async function fallbacks(): Promise<number> {
  const text = await (await t.get('/metrics')).text();
  const line = text.split('\n').find((l) => l.startsWith('oncall_page_slack_fallbacks_total '));
  return Number(line?.split(' ')[1]);
}

/** Moves the clock to `ms` after `start`, ten seconds at a time (each a ticker round: timers, then the outbox). */
async function until(ms: number, start = WED_0300): Promise<void> {
  while (t.clock.now() < start + ms) await t.advance(Math.min(10 * SECOND, start + ms - t.clock.now()));
  await t.app.drainer.drain();
}

const reachedAlice = () => ({
  pushes: ntfy.messagesOn(ALICE_TOPIC).length,
  calls: twilio.calls.filter((c) => c.to === ALICE_PHONE).length,
});
const dmsTo = (user: string) => t.standIn.delivered('chat.postMessage').filter((c) => c.args.channel === user);
const pageRow = () => t.store.db.select().from(pages).get()!;
const hasAckButton = (call: RecordedCall) => JSON.stringify(call.args.blocks ?? []).includes(PAGE_ACTIONS.ack);

describe('Slack down for 2 minutes while a P0 fires at 03:00', () => {
  it('after 60 s the push and the call go out at once; /metrics counts 1; Slack back at +2 min, the DM arrives', async () => {
    await started();
    t.standIn.failAll({ status: 500 });
    const id = await page('P0');

    // Slack has a minute: nothing else yet (the policy's own push is due at 1 min, its call at 3 min).
    await until(50 * SECOND);
    expect(reachedAlice()).toEqual({ pushes: 0, calls: 0 });
    expect(await fallbacks()).toBe(0);

    await until(60 * SECOND);
    expect(dmsTo('U0ALICE')).toEqual([]);
    expect(reachedAlice()).toEqual({ pushes: 1, calls: 1 });
    expect(await fallbacks()).toBe(1);
    expect(pageRow()).toMatchObject({ id, status: 'open', slackFallbackAt: WED_0300 + 60 * SECOND, slackFallbackVia: 'push,voice' });
    // The push's link cannot go to a Slack message that does not exist: it opens the acknowledge page.
    expect(ntfy.messagesOn(ALICE_TOPIC)[0]!.click).toMatch(/\/ack\//);

    // Slack is back at +2 min: the backlog is delivered, the DM first, then the notice in the alerts channel.
    await until(2 * MINUTE);
    t.standIn.clearFaults();
    await until(5 * MINUTE);
    const [dm, ...more] = dmsTo('U0ALICE');
    expect(more).toEqual([]);
    expect(String(dm!.args.text)).toContain('checkout down');
    // Nobody acknowledged: the DM is the live page, with its Acknowledge button.
    expect(hasAckButton(dm!)).toBe(true);
    const notice = t.standIn.delivered('chat.postMessage').find((c) => String(c.args.text).includes('Slack did not deliver'));
    expect(notice?.args.channel).toBe('C0ALERTS');
    expect(notice?.args.text).toBe(
      `:satellite_antenna: [P0] checkout down (#${id}): Slack did not deliver within 60 s: reached <@U0ALICE> by push and phone call.`,
    );
    expect(notice!.seq).toBeGreaterThan(dm!.seq);
    // The call was made once: the policy's own 3-minute call was replaced by the one at 60 s, not repeated.
    expect(reachedAlice()).toEqual({ pushes: 1, calls: 1 });
    expect(await fallbacks()).toBe(1);
    // No number or topic anywhere Slack or the logs see.
    const seen = JSON.stringify(t.standIn.delivered().map((c) => c.args)) + t.logs.lines.join('\n');
    expect(seen).not.toContain(ALICE_PHONE);
    expect(seen).not.toContain(ALICE_TOPIC);
  });

  it('acknowledged by phone during the outage: when Slack returns, the DM ends acknowledged, with no live Acknowledge button', async () => {
    await started();
    t.standIn.failAll({ status: 500 });
    const id = await page('P0');
    await until(60 * SECOND);
    const call = twilio.calls.find((c) => c.to === ALICE_PHONE)!;
    const said = await twilio.answer(call.sid);
    expect((await twilio.pressDigits(call.sid, '4', said)).body).toContain(`Page ${id} is acknowledged.`);
    expect(pageRow()).toMatchObject({ status: 'acknowledged', ackedBy: 'U0ALICE' });
    // Nothing of the page waits any more (the chain, the wake steps, the Slack check).
    expect(timerRows(t).filter((r) => r.subject === `page:${id}` && r.kind !== 'page.notify')).toEqual([]);

    await until(2 * MINUTE);
    t.standIn.clearFaults();
    await until(5 * MINUTE);
    const [dm, ...more] = dmsTo('U0ALICE');
    expect(more).toEqual([]);
    // The DM is edited into its final state right after it posts.
    const edits = t.standIn.delivered('chat.update').filter((c) => c.args.ts === dm!.response.ts);
    expect(edits.length).toBeGreaterThan(0);
    const last = edits.at(-1)!;
    expect(last.seq).toBeGreaterThan(dm!.seq);
    expect(String(last.args.text)).toContain(':white_check_mark: Acknowledged by <@U0ALICE>');
    expect(hasAckButton(last)).toBe(false);
    expect(await fallbacks()).toBe(1);
    expect(twilio.calls).toHaveLength(1);
  });
});

describe('other ways Slack fails to deliver', () => {
  it.each<[string, Fault]>([
    ['invalid_auth (retried: the DM arrives once Slack takes the token again)', { error: 'invalid_auth' }],
    ['a 429 asking to wait 5 minutes', { status: 429, retryAfter: 300 }],
  ])('%s: push and call at 60 s, counted once', async (_name, fault) => {
    await started();
    t.standIn.failAll(fault);
    await page('P0');
    await until(50 * SECOND);
    expect(reachedAlice()).toEqual({ pushes: 0, calls: 0 });
    await until(60 * SECOND);
    expect(dmsTo('U0ALICE')).toEqual([]);
    expect(reachedAlice()).toEqual({ pushes: 1, calls: 1 });
    expect(await fallbacks()).toBe(1);
    await until(4 * MINUTE);
    expect(reachedAlice()).toEqual({ pushes: 1, calls: 1 });
    expect(await fallbacks()).toBe(1);
    // Slack takes the token again (or the long wait is over): the DM that waited is delivered, once.
    t.standIn.clearFaults();
    await until(10 * MINUTE);
    expect(dmsTo('U0ALICE')).toHaveLength(1);
  });
});

describe('no fallback', () => {
  it('a page whose DM was delivered never falls back: the policy’s own push at 1 min and call at 3 min, nothing at once', async () => {
    await started();
    await page('P0');
    await until(60 * SECOND);
    expect(dmsTo('U0ALICE')).toHaveLength(1);
    expect(reachedAlice()).toEqual({ pushes: 1, calls: 0 });
    await until(3 * MINUTE);
    expect(reachedAlice()).toEqual({ pushes: 1, calls: 1 });
    expect(await fallbacks()).toBe(0);
    expect(pageRow()).toMatchObject({ slackFallbackAt: null, slackFallbackVia: null });
    expect(t.standIn.delivered('chat.postMessage').some((c) => String(c.args.text).includes('Slack did not deliver'))).toBe(false);
  });

  it.each([
    ['a task severity (P3) at 03:00', 'P3', WED_0300],
    ['a chat-only severity (P2) in business hours', 'P2', T10],
  ])('%s never falls back while Slack is down', async (_name, severity, at) => {
    await started(at);
    t.standIn.failAll({ status: 500 });
    await page(severity);
    await until(3 * MINUTE, at);
    expect(reachedAlice()).toEqual({ pushes: 0, calls: 0 });
    expect(await fallbacks()).toBe(0);
    expect(pageRow()).toMatchObject({ status: 'open', slackFallbackAt: null });
    expect(timerRows(t).filter((r) => r.kind === 'page.slack_check')).toEqual([]);
  });
});
