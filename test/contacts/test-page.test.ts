/**
 * `/oncall test-page` through the real app, the Slack, Twilio and ntfy stand-ins and the fake clock: Slack's DM
 * first, then push, text and call a minute apart until the person acknowledges from any of them; the requester
 * is told which way woke them and how long it took, the Home shows it, and no page is ever made.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ContactMessage, ContactSender } from '../../src/contacts/contact-sender.js';
import { CONTACT_TEST_ACK_ACTION } from '../../src/contacts/contact-test.js';
import { twilioSignature } from '../../src/contacts/twilio-signature.js';
import { contactTests, outbox, pages } from '../../src/db/schema.js';
import type { NtfyStandIn } from '../../src/playground/ntfy-stand-in.js';
import type { TwilioStandIn } from '../../src/playground/twilio-stand-in.js';
import { MINUTE, SECOND } from '../../src/time/clock.js';
import { tempDbPath } from '../support/common.js';
import { TestApp } from '../support/harness.js';
import { SlackStandIn } from '../../src/playground/slack-stand-in.js';
import { blockActionPayload } from '../support/signed-requests.js';
import { pagingPolicy, WED_0300, timerRows } from '../support/paging-scenario.js';
import { startApp, startStandIns, startWithProviders, stopProviders, verifyWays, ALICE_TOPIC, ALICE_PHONE } from '../support/providers.js';

let t: TestApp;
let twilio: TwilioStandIn;
let ntfy: NtfyStandIn;
afterEach(stopProviders);

async function started(): Promise<TestApp> {
  ({ t, twilio, ntfy } = await startWithProviders({ at: WED_0300, policy: pagingPolicy() }));
  return t;
}

const say = async (text: string, user = 'U0ALICE') => ((await t.command('/oncall', text, user)).json() as { text: string }).text;
const testRow = () => t.store.db.select().from(contactTests).get()!;
const dmsTo = (user: string) => t.standIn.take('chat.postMessage', (a) => a.channel === user).map((c) => String(c.args.text));

/** Moves the clock and delivers what the ticker decided. */
async function advance(ms: number): Promise<void> {
  await t.advance(ms);
  await t.app.drainer.drain();
}

describe('/oncall test-page', () => {
  it('Slack first, then push, text and call a minute apart; the push acknowledges it and stops the rest', async () => {
    await started();
    verifyWays(t, 'U0ALICE', { push: ALICE_TOPIC, sms: ALICE_PHONE, voice: ALICE_PHONE });
    const answer = await say('test-page');
    expect(answer).toContain('Test page #1 for you is on its way: Slack, then push, then text message, then phone call');
    await t.app.drainer.drain();
    const dm = t.standIn.take('chat.postMessage', (a) => a.channel === 'U0ALICE');
    expect(dm).toHaveLength(1);
    expect(JSON.stringify(dm[0]!.args.blocks)).toContain(CONTACT_TEST_ACK_ACTION);
    expect(ntfy.publishes).toHaveLength(0);

    await advance(MINUTE);
    expect(ntfy.publishes.map((p) => p.message.topic)).toEqual([ALICE_TOPIC]);
    expect(twilio.messages).toHaveLength(0);
    await advance(MINUTE);
    expect(twilio.messages.map((m) => m.to)).toEqual([ALICE_PHONE]);
    expect(twilio.messages[0]!.body).toMatch(/\/ack-test\/t1\.1\.U0ALICE\.sms\./);

    // The push's Acknowledge button, as the ntfy app presses it, 10 s later.
    t.clock.advance(10 * SECOND);
    const pressed = await ntfy.press(ntfy.publishes[0]!.message.id, 'Acknowledge');
    expect(pressed).toMatchObject({ status: 200 });
    expect(testRow()).toMatchObject({ status: 'acknowledged', ackedVia: 'push', endedAt: WED_0300 + 2 * MINUTE + 10 * SECOND });
    await t.app.drainer.drain();
    expect(dmsTo('U0ALICE').join('\n')).toContain('Test page #1 for you: reached by push after 2m 10s');
    expect(t.standIn.take('chat.update').map((u) => String(u.args.text))).toContain('Test page #1: reached by push after 2m 10s.');

    // The call never goes out; no timer is left; no page was made.
    await advance(5 * MINUTE);
    expect(twilio.calls).toHaveLength(0);
    expect(timerRows(t).filter((r) => r.subject.startsWith('contact-test:'))).toEqual([]);
    expect(t.store.db.select().from(pages).all()).toEqual([]);

    // Home: "Last test: reached by push after 2m 10s, <date>".
    await t.event({ type: 'app_home_opened', user: 'U0ALICE', channel: 'DU0ALICE', tab: 'home', event_ts: '1.1' });
    await t.settled();
    await t.app.drainer.drain();
    expect(JSON.stringify(t.standIn.home('U0ALICE')?.view)).toContain('*Last test*: reached by push after 2m 10s');
    expect(t.logs.lines.join('\n')).not.toContain(ALICE_PHONE);
    expect(t.logs.lines.join('\n')).not.toContain(ALICE_TOPIC);
    // Nor a test's acknowledge link, nor the number or topic in the outbox's rows.
    expect(t.logs.lines.join('\n')).not.toMatch(/t1\.1\.U0ALICE\./);
    const rows = JSON.stringify(t.store.db.select().from(outbox).all());
    expect(rows).not.toContain(ALICE_PHONE);
    expect(rows).not.toContain(ALICE_TOPIC);
    expect(rows).not.toContain('/ack-test/');
  });

  it('pressing any key on the call acknowledges it as woken by the call', async () => {
    await started();
    verifyWays(t, 'U0ALICE', { voice: ALICE_PHONE });
    await say('test-page');
    await advance(MINUTE);
    expect(twilio.calls.map((c) => c.to)).toEqual([ALICE_PHONE]);
    const said = await twilio.answer(twilio.calls[0]!.sid);
    expect(said).toContain('<Gather numDigits="1"');
    expect(said).toContain('Press any key');
    const pressed = await twilio.pressDigits(twilio.calls[0]!.sid, '7', said);
    expect(pressed.body).toContain('Test page 1 is acknowledged: reached by phone call after 1m');
    expect(testRow()).toMatchObject({ status: 'acknowledged', ackedVia: 'voice' });
  });

  it('the Slack button acknowledges it; nobody else can', async () => {
    await started();
    verifyWays(t, 'U0ALICE', { push: ALICE_TOPIC });
    await say('test-page');
    await t.app.drainer.drain();
    await t.interact(blockActionPayload('U0BOB', CONTACT_TEST_ACK_ACTION, '1', { channel: { id: 'DU0ALICE' } }));
    await t.settled();
    expect(testRow().status).toBe('running');
    expect(t.standIn.take('chat.postEphemeral').map((c) => String(c.args.text))).toEqual([
      'Test page #1 is for <@U0ALICE>; only they can acknowledge it.',
    ]);
    t.clock.advance(20 * SECOND);
    await t.interact(blockActionPayload('U0ALICE', CONTACT_TEST_ACK_ACTION, '1', { channel: { id: 'DU0ALICE' } }));
    await t.settled();
    expect(testRow()).toMatchObject({ status: 'acknowledged', ackedVia: 'slack' });
    await advance(MINUTE);
    expect(ntfy.publishes).toHaveLength(0);
  });

  it('nobody acknowledges: it gives up 5 minutes after the last way and says so', async () => {
    await started();
    verifyWays(t, 'U0ALICE', { push: ALICE_TOPIC });
    await say('test-page');
    await advance(MINUTE);
    expect(ntfy.publishes).toHaveLength(1);
    for (let i = 0; i < 4; i += 1) await advance(MINUTE);
    expect(testRow().status).toBe('running');
    await advance(MINUTE);
    expect(testRow()).toMatchObject({ status: 'unanswered', ackedVia: null });
    expect(dmsTo('U0ALICE').join('\n')).toContain('not acknowledged (tried Slack, push) after 6m');
    // Acknowledging late changes nothing and says why.
    const late = await ntfy.press(ntfy.publishes[0]!.message.id, 'Acknowledge');
    expect(late).toMatchObject({ status: 403 });
    expect((late as { body: string }).body).toContain('already over');
    // Opening the link after it is over says so, with no button.
    const opened = await fetch(ntfy.publishes[0]!.message.actions![0]!.url!);
    expect(opened.status).toBe(403);
    expect(await opened.text()).toContain('Test page #1 is already over: not acknowledged (tried Slack, push) after 6m.');
  });

  it('an admin may test someone else and is told the outcome; anyone else is refused with who may', async () => {
    await started();
    verifyWays(t, 'U0ALICE', { push: ALICE_TOPIC });
    expect(await say('test-page <@U0ALICE>', 'U0BOB')).toContain('Only the on-call admins');
    expect(t.store.db.select().from(contactTests).all()).toEqual([]);
    expect(await say('test-page <@U0ALICE>', 'U0LEAD')).toContain('Test page #1 for <@U0ALICE> is on its way');
    await advance(MINUTE);
    await ntfy.press(ntfy.publishes[0]!.message.id, 'Acknowledge');
    await t.app.drainer.drain();
    expect(dmsTo('U0LEAD').join('\n')).toContain('Test page #1 for <@U0ALICE>: reached by push after 1m');
  });

  it('someone with no verified way beyond Slack is told how to add one; a second test while one runs is refused', async () => {
    await started();
    expect(await say('test-page')).toContain('You have no verified way beyond Slack to test');
    expect(await say('test-page')).toContain('`/oncall contact`');
    expect(await say('test-page <@U0BOB>', 'U0LEAD')).toContain('<@U0BOB> has no verified way beyond Slack');
    expect(await say('test-page tomorrow')).toContain('"tomorrow" is not someone to test. Usage: `/oncall test-page`');
    verifyWays(t, 'U0ALICE', { push: ALICE_TOPIC });
    await say('test-page');
    expect(await say('test-page')).toContain('A test page for you is already running');
  });

  it('refuses forged, expired and unsigned links and callbacks, changing nothing', async () => {
    await started();
    verifyWays(t, 'U0ALICE', { push: ALICE_TOPIC, voice: ALICE_PHONE });
    await say('test-page');
    await advance(MINUTE);
    const link = ntfy.publishes[0]!.message.actions![0]!.url!;
    const token = link.split('/ack-test/')[1]!;
    const forged = `${token.slice(0, -4)}AAAA`;
    expect((await fetch(`${t.baseUrl}/ack-test/${forged}`, { method: 'POST' })).status).toBe(403);
    expect((await fetch(`${t.baseUrl}/ack-test/not-a-token`, { method: 'POST' })).status).toBe(403);
    // A page's acknowledge route does not take a test's link.
    expect((await fetch(`${t.baseUrl}/ack/${token}`, { method: 'POST' })).status).toBe(403);
    // GET only shows a button.
    const shown = await fetch(`${t.baseUrl}/ack-test/${token}`);
    expect(shown.status).toBe(200);
    expect(await shown.text()).toContain('<form method="post">');
    // The call's key press without Twilio's signature, or signed with another token.
    await advance(MINUTE);
    const callUrl = twilio.calls[0]!.url!;
    const gather = callUrl.replace(/\/voice$/, '/gather');
    const path = new URL(gather).pathname;
    const params = { CallSid: twilio.calls[0]!.sid, Digits: '1' };
    const unsigned = await fetch(`${t.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    });
    expect(unsigned.status).toBe(403);
    const wrong = await fetch(`${t.baseUrl}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature('other-token', gather, params),
      },
      body: new URLSearchParams(params).toString(),
    });
    expect(wrong.status).toBe(403);
    expect(testRow().status).toBe('running');
    // An hour later the link has expired.
    t.clock.advance(61 * MINUTE);
    const expired = await fetch(`${t.baseUrl}/ack-test/${token}`, { method: 'POST' });
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('expired');
  });

  it('a restart mid-test loses nothing: the push still goes out once at its minute, and acknowledging it ends the test', async () => {
    const db = tempDbPath();
    const slack = await new SlackStandIn().start();
    try {
      const standIns = await startStandIns({ at: WED_0300 });
      ({ twilio, ntfy } = standIns);
      const { clock, env } = standIns;
      const options = { policy: pagingPolicy(), clock, env, dbPath: db.path, standIn: slack };
      t = await TestApp.start(options);
      verifyWays(t, 'U0ALICE', { push: ALICE_TOPIC });
      await say('test-page');
      await t.app.drainer.drain();
      await t.close({ keepDb: true });
      clock.advance(30 * SECOND);
      t = await TestApp.start(options);
      await advance(30 * SECOND);
      expect(ntfy.publishes).toHaveLength(1);
      await advance(MINUTE);
      expect(ntfy.publishes).toHaveLength(1);
      await ntfy.press(ntfy.publishes[0]!.message.id, 'Acknowledge');
      await t.app.drainer.drain();
      expect(testRow()).toMatchObject({ status: 'acknowledged', ackedVia: 'push' });
      expect(slack.take('chat.update').map((u) => String(u.args.text))).toContain('Test page #1: reached by push after 2m.');
    } finally {
      await t.close();
      await slack.stop();
      db.cleanup();
    }
  });

  it('a busy call moves to the next way at once: the e-mail goes now, and its link acknowledges the test', async () => {
    const standIns = await startStandIns({ at: WED_0300 });
    ({ twilio, ntfy } = standIns);
    // E-mail through a recording sender (SMTP is another part's); the rest through the real providers' stand-ins.
    const real = standIns.sender();
    const emails: ContactMessage[] = [];
    const contactSender: ContactSender = {
      canSend: (kind) => kind === 'email' || real.canSend(kind),
      send: async (message) => {
        if (message.kind !== 'email') return real.send(message);
        emails.push(message);
        return { ok: true, id: 'mail-1' };
      },
    };
    t = await startApp(standIns, { policy: pagingPolicy(), contactSender });
    verifyWays(t, 'U0ALICE', { voice: ALICE_PHONE, email: 'alice@example.com' });
    expect(await say('test-page')).toContain('Slack, then phone call, then e-mail');
    await advance(MINUTE);
    expect(twilio.calls).toHaveLength(1);
    t.clock.advance(20 * SECOND);
    const ended = await twilio.finish(twilio.calls[0]!.sid, 'busy');
    expect(ended?.status).toBe(200);
    await t.app.drainer.drain();
    expect(emails.map((e) => e.to)).toEqual(['alice@example.com']);
    // Not again at its own minute.
    await advance(MINUTE);
    expect(emails).toHaveLength(1);
    const link = /(http\S+\/ack-test\/\S+)$/.exec(emails[0]!.text)![1]!;
    expect(link).toMatch(/\/ack-test\/t1\.1\.U0ALICE\.email\./);
    expect((await fetch(link, { method: 'POST' })).status).toBe(200);
    expect(testRow()).toMatchObject({ status: 'acknowledged', ackedVia: 'email' });
  });
});
