/**
 * A wake call through the real app and the Twilio stand-in: the call fetches its TwiML from /twilio/voice,
 * key 4 in its <Gather> acknowledges the page as the person called; unsigned or mis-signed callbacks are 403.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { twilioSignature } from '../../src/contacts/twilio-signature.js';
import { pages } from '../../src/db/schema.js';
import type { TwilioStandIn } from '../../src/playground/twilio-stand-in.js';
import { MINUTE } from '../../src/time/clock.js';
import type { TestApp } from '../support/harness.js';
import { pagingPolicy, WED_0300, timerRows, commandPage } from '../support/paging-scenario.js';
import { startWithProviders, stopProviders, TWILIO_FROM, ALICE_PHONE } from '../support/providers.js';

let t: TestApp;
let twilio: TwilioStandIn;
afterEach(stopProviders);

async function calledAtMinute3(): Promise<{ id: number; sid: string }> {
  ({ t, twilio } = await startWithProviders({
    at: WED_0300,
    providers: ['twilio'],
    policy: pagingPolicy(),
    verified: { U0ALICE: { voice: ALICE_PHONE } },
  }));
  const id = await commandPage(t, '--severity P0 checkout down');
  await t.tick(); // the DM delivered before the clock jumps (else the Slack fallback calls at 60 s)
  for (let i = 0; i < 3; i += 1) await t.advance(MINUTE);
  await t.app.drainer.drain();
  expect(twilio.calls.map((c) => c.to)).toEqual([ALICE_PHONE]);
  return { id, sid: twilio.calls[0]!.sid };
}

const pageRow = () => t.store.db.select().from(pages).get()!;

describe('wake: a call', () => {
  it('reads the page in a Gather; pressing 4 acknowledges it as the person called and edits the Slack DM', async () => {
    const { id, sid } = await calledAtMinute3();
    const said = await twilio.answer(sid);
    expect(said).toContain('<Gather numDigits="1"');
    expect(said).toContain(
      `P0 page ${id} for backend: checkout down. Open for 3 minutes. Press 4 to acknowledge, 5 to escalate, 6 to resolve.`,
    );
    t.standIn.take('chat.update');
    const pressed = await twilio.pressDigits(sid, '4', said);
    expect(pressed.status).toBe(200);
    expect(pressed.body).toContain(`Page ${id} is acknowledged.`);
    expect(pageRow()).toMatchObject({ status: 'acknowledged', ackedBy: 'U0ALICE', ackedAt: WED_0300 + 3 * MINUTE });
    await t.app.drainer.drain();
    expect(t.standIn.take('chat.update').map((u) => u.args.channel)).toContain('U0ALICE');
    expect(timerRows(t).filter((r) => r.subject === `page:${id}` && r.kind !== 'page.notify')).toEqual([]);
    // The bot never logged the number.
    expect(t.logs.lines.join('\n')).not.toContain(ALICE_PHONE);
  });

  it('another key does nothing but say so, and offers the keys again', async () => {
    const { sid } = await calledAtMinute3();
    const said = await twilio.answer(sid);
    const pressed = await twilio.pressDigits(sid, '7', said);
    expect(pressed.body).toContain('I did not understand the key 7. Press 4 to acknowledge, 5 to escalate, 6 to resolve.');
    expect(pageRow().status).toBe('open');
  });

  it.each([
    ['no signature', undefined],
    ['a signature with another auth token', 'other'],
    ['a signature over other parameters', 'params'],
  ])('a callback with %s is 403 and changes nothing', async (_name, how) => {
    const { id } = await calledAtMinute3();
    const path = `/twilio/gather?page=${id}&user=U0ALICE`;
    const params = { CallSid: 'CA00000000000000000000000000000001', Digits: '4' };
    const url = `${t.baseUrl.replace('127.0.0.1', 'localhost')}${path}`;
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (how === 'other') headers['x-twilio-signature'] = twilioSignature('not-the-auth-token-000000000000', url, params);
    if (how === 'params') headers['x-twilio-signature'] = twilioSignature(twilio.authToken, url, { ...params, Digits: '5' });
    const answer = await fetch(`${t.baseUrl}${path}`, { method: 'POST', headers, body: new URLSearchParams(params).toString() });
    expect(answer.status).toBe(403);
    expect(pageRow().status).toBe('open');
    const voice = await fetch(`${t.baseUrl}/twilio/voice?page=${id}&user=U0ALICE`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    expect(voice.status).toBe(403);
  });
});

describe('wake: a call that is not answered', () => {
  it('no answer: the next way (SMS at 10 min in this policy) goes out at once, and not again at its time', async () => {
    ({ t, twilio } = await startWithProviders({
      at: WED_0300,
      providers: ['twilio'],
      policy: pagingPolicy(['wake: { P0: [{ after: 0, via: slack }, { after: 3m, via: voice }, { after: 10m, via: sms }] }']),
      verified: { U0ALICE: { voice: ALICE_PHONE, sms: ALICE_PHONE } },
    }));
    await t.command('/oncall', 'page --severity P0 checkout down', 'U0DAN');
    // The DM is delivered before the clock jumps: a DM still on its way after 60 s would send every way at once.
    await t.tick();
    for (let i = 0; i < 3; i += 1) await t.advance(MINUTE);
    await t.app.drainer.drain();
    const call = twilio.calls[0]!;
    expect(call.statusCallback).toMatch(/\/twilio\/status\?page=1&user=U0ALICE&step=0&loop=0$/);
    expect(twilio.messages).toEqual([]);
    t.clock.advance(40_000);
    const hook = await twilio.finish(call.sid, 'no-answer');
    expect(hook?.status).toBe(200);
    await t.tick();
    await t.app.drainer.drain();
    expect(twilio.messages.map((m) => [m.to, Math.round((m.createdAt - WED_0300) / 1000)])).toEqual([[ALICE_PHONE, 220]]);
    expect(twilio.messages[0]!.body).toContain('Reply 4 1 to acknowledge.');
    for (let i = 0; i < 10; i += 1) await t.advance(MINUTE);
    await t.app.drainer.drain();
    expect(twilio.messages).toHaveLength(1);
    expect(twilio.calls).toHaveLength(1);
  });
});

describe('wake: an SMS reply', () => {
  async function texted(): Promise<number> {
    ({ t, twilio } = await startWithProviders({
      at: WED_0300,
      providers: ['twilio'],
      policy: pagingPolicy(['wake: { P0: [{ after: 0, via: slack }, { after: 1m, via: sms }] }']),
      verified: { U0ALICE: { sms: ALICE_PHONE } },
    }));
    const id = await commandPage(t, '--severity P0 checkout down');
    await t.tick(); // the DM delivered before the clock jumps
    await t.advance(MINUTE);
    await t.app.drainer.drain();
    expect(twilio.messages.map((m) => m.to)).toEqual([ALICE_PHONE]);
    return id;
  }
  const smsUrl = () => `${t.baseUrl.replace('127.0.0.1', 'localhost')}/twilio/sms`;

  it('"4 <page>" from the verified number acknowledges the page as its owner; again, it says who already did', async () => {
    const id = await texted();
    const body = /Reply (4 \d+) to acknowledge/.exec(twilio.messages[0]!.body)![1]!;
    const reply = await twilio.incomingSms(smsUrl(), ALICE_PHONE, TWILIO_FROM, body);
    expect(reply.status).toBe(200);
    expect(reply.body).toContain(`<Message>Page ${id} is acknowledged.</Message>`);
    expect(pageRow()).toMatchObject({ status: 'acknowledged', ackedBy: 'U0ALICE' });
    await t.app.drainer.drain();
    expect(t.standIn.take('chat.update').map((u) => u.args.channel)).toContain('U0ALICE');
    const again = await twilio.incomingSms(smsUrl(), ALICE_PHONE, TWILIO_FROM, body);
    expect(again.body).toContain(`Page #${id} was already acknowledged by a teammate`);
    expect(t.logs.lines.join('\n')).not.toContain(ALICE_PHONE);
  });

  it.each([
    ['an unknown number', '+447700900999', '4 1', 'This number is not verified'],
    ['an unknown page', ALICE_PHONE, '4 99', 'There is no page 99.'],
    ['anything else', ALICE_PHONE, 'ok', 'Reply with a digit and the page number: 4 to acknowledge, 5 to escalate, 6 to resolve'],
  ])('%s gets a reply that says so, and nothing changes', async (_name, from, text, expected) => {
    await texted();
    const reply = await twilio.incomingSms(smsUrl(), from, TWILIO_FROM, text);
    expect(reply.status).toBe(200);
    expect(reply.body).toContain(expected);
    expect(pageRow().status).toBe('open');
  });

  it('an unsigned text is 403 and changes nothing', async () => {
    await texted();
    const answer = await fetch(`${t.baseUrl}/twilio/sms`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ From: ALICE_PHONE, Body: '4 1' }).toString(),
    });
    expect(answer.status).toBe(403);
    expect(pageRow().status).toBe('open');
  });
});
