/**
 * Keys 4, 5 and 6 on a wake call (and the same digits by SMS), and "acknowledge from anywhere, seen everywhere"
 * (issue #21), through the real app, the Slack stand-in and the Twilio stand-in: a P0 at 03:00, Alice called at
 * 03:03. What a key does is said back; an acknowledgement anywhere ends the calls still ringing (Twilio's
 * `POST Calls/{sid}.json Status=completed`) and nothing more goes out; the page keeps how it was acknowledged.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { outbox, pages, wakeCalls } from '../../src/db/schema.js';
import { PAGE_ACTIONS } from '../../src/paging/page-blocks.js';
import { endIfPageClosed } from '../../src/paging/page-call-end-caller.js';
import type { TwilioStandIn } from '../../src/playground/twilio-stand-in.js';
import { MINUTE } from '../../src/time/clock.js';
import type { TestApp } from '../support/harness.js';
import { pagingPolicy, WED_0300, timerRows, commandPage } from '../support/paging-scenario.js';
import { startWithProviders, stopProviders, TWILIO_FROM, verifyWays } from '../support/providers.js';
import { blockActionPayload } from '../support/signed-requests.js';

const ALICE = '+447700900123';
const EVE = '+447700900555';

let t: TestApp;
let twilio: TwilioStandIn;
afterEach(stopProviders);

/** A P0 raised at 03:00; Alice (primary) is called at 03:03, a text would follow at 03:10. */
async function calledAt0303(): Promise<{ id: number; sid: string }> {
  ({ t, twilio } = await startWithProviders({
    at: WED_0300,
    providers: ['twilio'],
    policy: pagingPolicy(['wake: { P0: [{ after: 0, via: slack }, { after: 3m, via: voice }, { after: 10m, via: sms }] }']),
  }));
  verifyWays(t, 'U0ALICE', { voice: ALICE, sms: ALICE });
  const id = await commandPage(t, '--severity P0 checkout down');
  // The DM is delivered before the clock moves: Slack answered, so no 60-second fallback (page-fallback.ts).
  await t.app.drainer.drain();
  for (let i = 0; i < 3; i += 1) await t.advance(MINUTE);
  await t.app.drainer.drain();
  expect(twilio.calls.map((c) => c.to)).toEqual([ALICE]);
  t.standIn.take('chat.postMessage');
  return { id, sid: twilio.calls[0]!.sid };
}

const pageRow = () => t.store.db.select().from(pages).get()!;
const publicUrl = () => t.baseUrl.replace('127.0.0.1', 'localhost');
const press = (userId: string, action: string, id: number) =>
  t.interact(blockActionPayload(userId, action, String(id), { channel: { id: `D${userId}` } }));
/** A key arriving for `userId`'s call on page `id`, signed as Twilio signs it (a key pressed just as the page changed). */
const keyFor = (id: number, userId: string, digits: string, sid = 'CA00000000000000000000000000000abc') =>
  twilio.post(`${publicUrl()}/twilio/gather?page=${id}&user=${userId}`, { CallSid: sid, CallStatus: 'in-progress', Digits: digits });
const editsTo = (channel: string) =>
  t.standIn
    .take('chat.update')
    .filter((u) => u.args.channel === channel)
    .map((u) => String(u.args.text));

describe('keys on a wake call', () => {
  it('4 acknowledges as the person called; the page keeps "via phone call" and its DM says so; the call is not ended under her', async () => {
    const { id, sid } = await calledAt0303();
    const said = await twilio.answer(sid);
    expect(said).toContain('Press 4 to acknowledge, 5 to escalate, 6 to resolve.');
    const pressed = await twilio.pressDigits(sid, '4', said);
    expect(pressed.body).toContain(`<Say>Page ${id} is acknowledged. Thank you. Goodbye.</Say><Hangup/>`);
    expect(pageRow()).toMatchObject({ status: 'acknowledged', ackedBy: 'U0ALICE', ackedVia: 'voice', ackedAt: WED_0300 + 3 * MINUTE });
    await t.app.drainer.drain();
    const [edit] = editsTo('U0ALICE');
    expect(edit).toContain('Acknowledged by <@U0ALICE> via phone call at <!date^');
    // She hears the confirmation: the call she pressed 4 on is not ended by the bot.
    expect(twilio.updates).toEqual([]);
  });

  it('5 escalates to the next step now (Bob is paged) and says so; the page stays open', async () => {
    const { id, sid } = await calledAt0303();
    const said = await twilio.answer(sid);
    const pressed = await twilio.pressDigits(sid, '5', said);
    expect(pressed.body).toContain(`<Say>Page ${id} escalated to step 2 now (secondary). Thank you. Goodbye.</Say><Hangup/>`);
    await t.app.drainer.drain();
    const dms = t.standIn.take('chat.postMessage').filter((m) => String(m.args.channel).startsWith('U'));
    expect(dms.map((m) => [m.args.channel, String(m.args.text).startsWith(':rotating_light:')])).toEqual([['U0BOB', true]]);
    expect(pageRow()).toMatchObject({ status: 'open', stepIndex: 1, ackedBy: null });
  });

  it('6 resolves; the page keeps "via phone call" for the resolution and the acknowledgement it implies', async () => {
    const { id, sid } = await calledAt0303();
    const said = await twilio.answer(sid);
    const pressed = await twilio.pressDigits(sid, '6', said);
    expect(pressed.body).toContain(`<Say>Page ${id} is resolved. Thank you. Goodbye.</Say><Hangup/>`);
    expect(pageRow()).toMatchObject({ status: 'resolved', resolvedBy: 'U0ALICE', resolvedVia: 'voice', ackedVia: 'voice' });
    await t.app.drainer.drain();
    expect(editsTo('U0ALICE')[0]).toContain('Resolved by <@U0ALICE> via phone call at');
    expect(twilio.updates).toEqual([]);
  });

  it('another key is said back and the keys offered once more; a right key then works', async () => {
    const { id, sid } = await calledAt0303();
    const first = await twilio.pressDigits(sid, '7', await twilio.answer(sid));
    expect(first.body).toContain('<Say>I did not understand the key 7. Press 4 to acknowledge, 5 to escalate, 6 to resolve.</Say>');
    expect(first.body).toMatch(/<Gather numDigits="1" action="[^"]*retry=1"/);
    expect(pageRow().status).toBe('open');
    const second = await twilio.pressDigits(sid, '4', first.body);
    expect(second.body).toContain(`Page ${id} is acknowledged.`);
    expect(pageRow()).toMatchObject({ status: 'acknowledged', ackedVia: 'voice' });
  });

  it('a second wrong key ends the call with nothing done, and says where to answer', async () => {
    const { id, sid } = await calledAt0303();
    const first = await twilio.pressDigits(sid, '*', await twilio.answer(sid));
    const second = await twilio.pressDigits(sid, '0', first.body);
    expect(second.body).toContain(
      `<Say>I did not understand the key 0 either. Nothing was done about page ${id}. Answer it in Slack. Goodbye.</Say><Hangup/>`,
    );
    expect(second.body).not.toContain('<Gather');
    expect(pageRow()).toMatchObject({ status: 'open', ackedBy: null });
  });

  it('a key for a page already resolved says so for each key, and changes nothing', async () => {
    const { id } = await calledAt0303();
    expect((await press('U0BOB', PAGE_ACTIONS.resolve, id)).status).toBe(200);
    const before = pageRow();
    expect(before).toMatchObject({ status: 'resolved', resolvedBy: 'U0BOB', resolvedVia: 'button' });
    for (const key of ['4', '6']) {
      const answer = await keyFor(id, 'U0ALICE', key);
      expect(answer.body).toContain(`Page ${id} was already resolved by a teammate at`);
      expect(answer.body).toContain('<Hangup/>');
    }
    expect((await keyFor(id, 'U0ALICE', '5')).body).toContain(`Page ${id} is already resolved; there is nothing to escalate. Goodbye.`);
    expect(pageRow()).toEqual(before);
  });

  it('a key from someone the page is not theirs is refused with who may act, and changes nothing', async () => {
    const { id } = await calledAt0303();
    for (const key of ['4', '5', '6']) {
      const answer = await keyFor(id, 'U0EVE', key);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatch(new RegExp(`Only .* can (acknowledge|escalate|resolve) page ${id}\\.`));
    }
    expect(pageRow()).toMatchObject({ status: 'open', ackedBy: null, stepIndex: 0 });
  });
});

describe('acknowledged elsewhere while the call is in flight', () => {
  it('the Slack button ends the call (Status=completed for its sid), cancels the text still to come, and the page says "via Slack button"', async () => {
    const { id, sid } = await calledAt0303();
    expect(t.store.db.select().from(wakeCalls).all()).toMatchObject([{ pageId: id, userId: 'U0ALICE', sid, endedAt: null }]);
    expect((await press('U0ALICE', PAGE_ACTIONS.ack, id)).status).toBe(200);
    expect(pageRow()).toMatchObject({ status: 'acknowledged', ackedBy: 'U0ALICE', ackedVia: 'button' });
    expect(timerRows(t).filter((r) => r.subject === `page:${id}` && r.kind === 'page.wake')).toEqual([]);
    await t.app.drainer.drain();
    expect(twilio.updates).toEqual([{ sid, status: 'completed', at: WED_0300 + 3 * MINUTE, answer: 200 }]);
    expect(twilio.calls[0]!.status).toBe('completed');
    // The call's status callback came back: it is no longer in flight.
    await twilio.settled();
    expect(t.store.db.select().from(wakeCalls).get()).toMatchObject({ sid, endedAt: WED_0300 + 3 * MINUTE, endStatus: 'completed' });
    expect(editsTo('U0ALICE')[0]).toContain('Acknowledged by <@U0ALICE> via Slack button at');
    // Nothing more goes out: no text at 03:10, no second call, no step 2 for Bob, no second end.
    for (let i = 0; i < 20; i += 1) await t.advance(MINUTE);
    await t.app.drainer.drain();
    expect(twilio.messages).toEqual([]);
    expect(twilio.calls).toHaveLength(1);
    expect(twilio.updates).toHaveLength(1);
    expect(t.standIn.take('chat.postMessage').filter((m) => String(m.args.text).startsWith(':rotating_light:'))).toEqual([]);
  });

  it('an SMS reply acknowledges ("via text message") and ends the call ringing meanwhile', async () => {
    const { id, sid } = await calledAt0303();
    const reply = await twilio.incomingSms(`${publicUrl()}/twilio/sms`, ALICE, TWILIO_FROM, `4 ${id}`);
    expect(reply.body).toContain(`<Message>Page ${id} is acknowledged.</Message>`);
    expect(pageRow()).toMatchObject({ status: 'acknowledged', ackedVia: 'sms' });
    await t.app.drainer.drain();
    expect(twilio.updates.map((u) => [u.sid, u.status, u.answer])).toEqual([[sid, 'completed', 200]]);
    expect(editsTo('U0ALICE')[0]).toContain('Acknowledged by <@U0ALICE> via text message at');
  });

  it("a call whose sid comes back after the page closed is ended at once; an unknown sid is Twilio's 404, given up", async () => {
    const { id } = await calledAt0303();
    await press('U0ALICE', PAGE_ACTIONS.ack, id);
    await t.app.drainer.drain();
    const late = 'CA00000000000000000000000000000fff';
    endIfPageClosed(t.store.db, t.clock.now(), { pageId: id, userId: 'U0ALICE', sid: late });
    await t.app.drainer.drain();
    expect(twilio.updates.at(-1)).toEqual({ sid: late, status: 'completed', at: WED_0300 + 3 * MINUTE, answer: 404 });
    const row = t.store.db
      .select()
      .from(outbox)
      .all()
      .find((r) => r.method === 'twilio.calls.update' && (r.args as { sid?: string }).sid === late);
    expect(row).toMatchObject({ status: 'failed' });
    expect(row?.lastError).toContain('Twilio refused it (HTTP 404, error 20404)');
  });
});

describe('SMS replies 5 and 6', () => {
  it('"5 <page>" escalates and "6 <page>" resolves, each said back; a closed page and a page not theirs are refused', async () => {
    const { id } = await calledAt0303();
    verifyWays(t, 'U0EVE', { voice: EVE, sms: EVE });
    const sms = (from: string, body: string) => twilio.incomingSms(`${publicUrl()}/twilio/sms`, from, TWILIO_FROM, body);
    expect((await sms(EVE, `4 ${id}`)).body).toMatch(new RegExp(`<Message>Only .* can acknowledge page #${id}\\.</Message>`));
    expect((await sms(EVE, `6 ${id}`)).body).toMatch(new RegExp(`Only .* can resolve page #${id}\\.`));
    expect(pageRow()).toMatchObject({ status: 'open', stepIndex: 0 });
    expect((await sms(ALICE, `5 ${id}`)).body).toContain(`<Message>Page #${id} escalated to step 2 now (secondary).</Message>`);
    expect(pageRow()).toMatchObject({ status: 'open', stepIndex: 1 });
    expect((await sms(ALICE, `6 ${id}`)).body).toContain(`<Message>Page ${id} is resolved.</Message>`);
    expect(pageRow()).toMatchObject({ status: 'resolved', resolvedBy: 'U0ALICE', resolvedVia: 'sms' });
    expect((await sms(ALICE, `5 ${id}`)).body).toContain(`Page #${id} is already resolved; there is nothing to escalate.`);
    expect((await sms(ALICE, `6 ${id}`)).body).toContain(`Page #${id} was already resolved by a teammate at`);
    expect(t.logs.lines.join('\n')).not.toContain(ALICE);
    expect(t.logs.lines.join('\n')).not.toContain(EVE);
  });
});
