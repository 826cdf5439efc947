/**
 * Waking a person beyond Slack, through the real app: signed requests, the Slack stand-in, the Twilio and ntfy
 * stand-ins and the fake clock. A P0 at 03:00 that nobody acknowledges: Slack DM, push at 1 min, call at 3 min
 * for the primary, then the secondary per the chain; the push's Acknowledge button acknowledges the page.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ContactSender } from '../../src/contacts/contact-sender.js';
import { outbox, pages } from '../../src/db/schema.js';
import type { NtfyStandIn } from '../../src/playground/ntfy-stand-in.js';
import type { TwilioStandIn } from '../../src/playground/twilio-stand-in.js';
import { MINUTE } from '../../src/time/clock.js';
import { PAGE_ACTIONS } from '../../src/paging/page-blocks.js';
import type { TestApp } from '../support/harness.js';
import { blockActionPayload } from '../support/signed-requests.js';
import { pagingPolicy, WED_0300, timerRows, commandPage } from '../support/paging-scenario.js';
import { startApp, startStandIns, startWithProviders, stopProviders, verifyWays, ALICE_PHONE, ALICE_TOPIC } from '../support/providers.js';

const BOB_TOPIC = 'oncall-b0bb0bb0bb0bb0bb0bb0bb0b';

let t: TestApp;
let twilio: TwilioStandIn;
let ntfy: NtfyStandIn;
afterEach(stopProviders);

async function started(extraPolicy: string[] = [], at = WED_0300): Promise<TestApp> {
  ({ t, twilio, ntfy } = await startWithProviders({ at, policy: pagingPolicy(extraPolicy) }));
  return t;
}

/** The outbox row of the wake call. */
const callRow = () =>
  t.store.db
    .select()
    .from(outbox)
    .all()
    .find((r) => r.method === 'twilio.calls.create');

async function page(severity = 'P0'): Promise<number> {
  const id = await commandPage(t, `--severity ${severity} checkout down`);
  await t.tick();
  await t.app.drainer.drain();
  return id;
}

/**
 * Minute by minute from the page: every Slack page DM, push and call, as "minute how to-whom" lines.
 * Slack DMs are those starting with :rotating_light: to a user id.
 */
async function reachedOver(minutes: number, start = WED_0300, from = 0): Promise<string[]> {
  const lines: string[] = [];
  let pushes = ntfy.publishes.length;
  let calls = twilio.calls.length;
  let texts = twilio.messages.length;
  const collect = () => {
    const minute = Math.round((t.clock.now() - start) / MINUTE);
    for (const c of t.standIn.take('chat.postMessage')) {
      if (String(c.args.channel).startsWith('U') && String(c.args.text).startsWith(':rotating_light:'))
        lines.push(`${minute} slack ${String(c.args.channel)}`);
    }
    for (const p of ntfy.publishes.slice(pushes)) lines.push(`${minute} push ${p.message.topic}`);
    for (const c of twilio.calls.slice(calls)) lines.push(`${minute} call ${c.to}`);
    for (const m of twilio.messages.slice(texts)) lines.push(`${minute} sms ${m.to}`);
    pushes = ntfy.publishes.length;
    calls = twilio.calls.length;
    texts = twilio.messages.length;
  };
  collect();
  for (let i = from; i < minutes; i += 1) {
    await t.advance(MINUTE);
    await t.app.drainer.drain();
    collect();
  }
  return lines;
}

describe('wake: a P0 at 03:00 reaches a person, not just Slack', () => {
  it('nobody acknowledges: Slack DM, push at 1 min, call at 3 min for the primary; then the secondary per the chain', async () => {
    await started();
    verifyWays(t, 'U0ALICE', { push: ALICE_TOPIC, voice: ALICE_PHONE });
    verifyWays(t, 'U0BOB', { push: BOB_TOPIC });
    await page();
    expect(await reachedOver(20)).toEqual([
      '0 slack U0ALICE',
      `1 push ${ALICE_TOPIC}`,
      `3 call ${ALICE_PHONE}`,
      '15 slack U0BOB',
      `16 push ${BOB_TOPIC}`,
    ]);
    // The push: priority 5 for the most severe, a title with severity and summary, a click link, and Acknowledge.
    const push = ntfy.messagesOn(ALICE_TOPIC)[0]!;
    expect(push).toMatchObject({ title: '[P0] checkout down', priority: 5 });
    expect(push.click).toMatch(/^https:\/\/slack\.com\/app_redirect\?channel=/);
    expect(push.actions).toEqual([
      expect.objectContaining({
        action: 'http',
        label: 'Acknowledge',
        method: 'POST',
        url: expect.stringMatching(
          new RegExp(`^${t.baseUrl.replace('127.0.0.1', 'localhost').replace(/[.]/g, '\\.')}/ack/v1\\.1\\.U0ALICE\\.`),
        ),
      }),
    ]);
    // The call fetches its TwiML from the bot.
    expect(twilio.calls[0]!.url).toMatch(/\/twilio\/voice\?page=1&user=U0ALICE$/);
    // Personal data stays in the contacts table: not in the outbox's rows, not in any log line.
    const rows = JSON.stringify(t.store.db.select().from(outbox).all());
    const logs = t.logs.lines.join('\n');
    for (const secret of [ALICE_PHONE, ALICE_TOPIC, BOB_TOPIC]) {
      expect(rows).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
    expect(rows).toContain('"method":"twilio.calls.create"');
  });

  it('Acknowledge on the push acknowledges the page as that person, edits the Slack DM, and no call goes out after', async () => {
    await started();
    verifyWays(t, 'U0ALICE', { push: ALICE_TOPIC, voice: ALICE_PHONE });
    const id = await page();
    expect(await reachedOver(2)).toEqual(['0 slack U0ALICE', `1 push ${ALICE_TOPIC}`]);
    const push = ntfy.messagesOn(ALICE_TOPIC)[0]!;
    const pressed = (await ntfy.press(push.id, 'Acknowledge')) as { status: number; body: string };
    expect(pressed.status).toBe(200);
    expect(pressed.body).toContain(`Acknowledged page #${id}`);
    expect(t.store.db.select().from(pages).get()).toMatchObject({
      status: 'acknowledged',
      ackedBy: 'U0ALICE',
      ackedAt: WED_0300 + 2 * MINUTE,
    });
    await t.app.drainer.drain();
    const edits = t.standIn.take('chat.update');
    expect(edits.map((e) => e.args.channel)).toContain('U0ALICE');
    expect(edits.every((e) => String(e.args.text).includes(':white_check_mark: Acknowledged by <@U0ALICE>'))).toBe(true);
    expect(timerRows(t).filter((r) => r.subject === `page:${id}` && r.kind === 'page.wake')).toEqual([]);
    expect(await reachedOver(30, WED_0300, 2)).toEqual([]);
    expect(twilio.calls).toEqual([]);

    // The same link again: already used, refused, nothing changes.
    const again = (await ntfy.press(push.id, 'Acknowledge')) as { status: number; body: string };
    expect(again.status).toBe(403);
    expect(again.body).toContain(`This link was already used: you acknowledged page #${id}.`);
    expect(t.store.db.select().from(pages).get()).toMatchObject({ ackedAt: WED_0300 + 2 * MINUTE });
  });

  it('a GET of the link only shows a confirmation page with a POST form; a forged or altered token is 403 and changes nothing', async () => {
    await started();
    verifyWays(t, 'U0ALICE', { push: ALICE_TOPIC });
    const id = await page();
    await reachedOver(1);
    const link = ntfy.messagesOn(ALICE_TOPIC)[0]!.actions![0]!.url!;
    const path = new URL(link).pathname;
    const shown = await t.get(path);
    expect(shown.status).toBe(200);
    const text = await shown.text();
    expect(text).toContain(`Acknowledge page #${id}?`);
    expect(text).toContain('<form method="post" action="?via=link">');
    expect(t.store.db.select().from(pages).get()!.status).toBe('open');

    const token = path.split('/').pop()!;
    const cases: Array<[string, string, RegExp]> = [
      ['a wrong signature', `${token.slice(0, -4)}AAAA`, /not made by this on-call bot/],
      ['another person named', token.replace('.U0ALICE.', '.U0BOB.'), /not made by this on-call bot/],
      ['another page named', token.replace(`v1.${id}.`, `v1.${id + 1}.`), /not made by this on-call bot/],
      ['a made-up token', 'hello', /incomplete or was changed/],
    ];
    for (const [, forged, why] of cases) {
      const answer = await fetch(`${t.baseUrl}/ack/${forged}`, { method: 'POST' });
      expect(answer.status).toBe(403);
      expect(await answer.text()).toMatch(why);
    }
    expect(t.store.db.select().from(pages).get()!.status).toBe('open');
    // Nothing of a token in the logs.
    expect(t.logs.lines.join('\n')).not.toContain(token.split('.').pop()!);
  });

  it('an expired link is 403; a link of a resolved page is 403', async () => {
    await started();
    verifyWays(t, 'U0ALICE', { push: ALICE_TOPIC });
    const id = await page();
    await reachedOver(1);
    const path = new URL(ntfy.messagesOn(ALICE_TOPIC)[0]!.actions![0]!.url!).pathname;
    t.clock.advance(24 * 60 * MINUTE);
    const expired = await fetch(`${t.baseUrl}${path}`, { method: 'POST' });
    expect(expired.status).toBe(403);
    expect(await expired.text()).toMatch(/has expired/);
    t.clock.set(WED_0300 + 2 * MINUTE);
    expect((await t.interact(blockActionPayload('U0BOB', PAGE_ACTIONS.resolve, String(id), { channel: { id: 'DU0BOB' } }))).status).toBe(
      200,
    );
    expect(t.store.db.select().from(pages).get()).toMatchObject({ status: 'resolved', resolvedBy: 'U0BOB' });
    const closed = await fetch(`${t.baseUrl}${path}`, { method: 'POST' });
    expect(closed.status).toBe(403);
    expect(await closed.text()).toMatch(/already resolved; this link no longer works/);
    expect(t.store.db.select().from(pages).get()).toMatchObject({ status: 'resolved', resolvedBy: 'U0BOB', ackedBy: 'U0BOB' });
  });

  it('someone with no verified method gets only Slack', async () => {
    await started();
    verifyWays(t, 'U0BOB', { push: BOB_TOPIC, voice: '+447700900999' });
    await page();
    expect(await reachedOver(10)).toEqual(['0 slack U0ALICE']);
    // Not tried and refused: never planned (no wake timer, no provider call queued).
    expect(
      t.store.db
        .select()
        .from(outbox)
        .all()
        .filter((r) => !r.method.startsWith('chat.')),
    ).toEqual([]);
  });

  it.each([
    ['a chat-only P2', 'P2'],
    ['a task P3', 'P3'],
  ])('%s never pushes or calls, whatever the wake rules say', async (_name, severity) => {
    // Wednesday 10:00: business hours, so the quiet-at-night P2 is not held.
    await started(
      ['wake: { P2: [{ after: 1m, via: push }, { after: 2m, via: voice }], P3: [{ after: 1m, via: push }] }'],
      Date.parse('2026-01-07T10:00:00Z'),
    );
    verifyWays(t, 'U0ALICE', { push: ALICE_TOPIC, voice: ALICE_PHONE });
    await page(severity);
    await reachedOver(10, Date.parse('2026-01-07T10:00:00Z'));
    expect(ntfy.publishes).toEqual([]);
    expect(twilio.calls).toEqual([]);
  });
});

describe('wake: provider calls go through the outbox', () => {
  it('a provider outage (5xx, timeout) is retried until it is delivered, once; a 4xx is given up, logged masked, and the next way still goes out', async () => {
    // ntfy wants a token this bot does not have: every push is refused with a 4xx.
    const standIns = await startStandIns({ at: WED_0300, ntfyToken: 'tk_not-the-bots-token-00000000' });
    ({ twilio, ntfy } = standIns);
    const real = standIns.sender();
    // Twilio is down for the first two tries of the call.
    let outage = 2;
    const attempts: string[] = [];
    const sender: ContactSender = {
      canSend: (kind) => real.canSend(kind),
      async send(message) {
        attempts.push(message.kind);
        if (message.kind === 'voice' && outage-- > 0) return { ok: false, transient: true, reason: 'Twilio refused it (HTTP 503)' };
        return real.send(message);
      },
    };
    t = await startApp(standIns, { policy: pagingPolicy(), contactSender: sender, providerEnv: false });
    verifyWays(t, 'U0ALICE', { push: ALICE_TOPIC, voice: ALICE_PHONE });
    await page();
    await reachedOver(3);
    // The push was refused (ntfy 403): given up at once, not retried.
    const rows = t.store.db.select().from(outbox).all();
    expect(rows.find((r) => r.method === 'ntfy.publish')).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: 'ntfy refused it (HTTP 403, error 40301)',
    });
    expect(ntfy.publishes).toEqual([]);
    // The call: failed twice with 503, retried with backoff (1 s, 2 s), then delivered once.
    for (let i = 0; i < 5; i += 1) await t.advance(1_000);
    expect(twilio.calls.map((c) => c.to)).toEqual([ALICE_PHONE]);
    expect(attempts).toEqual(['push', 'voice', 'voice', 'voice']);
    expect(callRow()).toMatchObject({ status: 'sent', attempts: 3 });
    const logs = t.logs.lines.join('\n');
    expect(logs).toContain('ntfy refused it (HTTP 403, error 40301)');
    expect(logs).not.toContain(ALICE_TOPIC);
    expect(logs).not.toContain(ALICE_PHONE);
  });

  it('a page acknowledged while its call waits in the outbox (Twilio was down): the call is never placed', async () => {
    const standIns = await startStandIns({ at: WED_0300, providers: ['twilio'] });
    ({ twilio } = standIns);
    const real = standIns.sender();
    let down = true;
    const sender: ContactSender = {
      canSend: (kind) => real.canSend(kind),
      send: async (m) => (down ? { ok: false, transient: true, reason: 'could not reach Twilio (TimeoutError)' } : real.send(m)),
    };
    t = await startApp(standIns, { policy: pagingPolicy(), contactSender: sender, providerEnv: false });
    verifyWays(t, 'U0ALICE', { voice: ALICE_PHONE });
    const id = await page();
    await reachedOver(3);
    expect(callRow()).toMatchObject({ status: 'pending', lastError: 'could not reach Twilio (TimeoutError)' });
    t.app.engine.transact((tx) => t.app.pager.acknowledge(tx, id, 'U0ALICE'));
    down = false;
    for (let i = 0; i < 5; i += 1) await t.advance(2_000);
    expect(twilio.calls).toEqual([]);
    expect(callRow()).toMatchObject({ status: 'failed', lastError: 'not sent: the page was acknowledged first' });
  });
});
