/**
 * An acknowledgement through the signed link (/ack/<token>) is kept with how it came: a push's Acknowledge
 * button (a bare POST), the confirmation page's form (`?via=link`), or an e-mail's link (`?via=email`). It ends
 * the call ringing meanwhile (the Twilio stand-in receives Status=completed for its sid) and nothing more goes out.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { pages } from '../../src/db/schema.js';
import type { NtfyStandIn } from '../../src/playground/ntfy-stand-in.js';
import type { TwilioStandIn } from '../../src/playground/twilio-stand-in.js';
import { MINUTE } from '../../src/time/clock.js';
import type { TestApp } from '../support/harness.js';
import { pagingPolicy, WED_0300, commandPage } from '../support/paging-scenario.js';
import { startWithProviders, stopProviders, ALICE_PHONE, ALICE_TOPIC } from '../support/providers.js';

let t: TestApp;
let twilio: TwilioStandIn;
let ntfy: NtfyStandIn;
afterEach(stopProviders);

/** A P0 at 03:00: Alice is pushed at 03:01 and called at 03:03 (the call still ringing). Returns the push's link path. */
async function pushedAndCalled(): Promise<{ id: number; path: string; pushId: string; sid: string }> {
  ({ t, twilio, ntfy } = await startWithProviders({
    at: WED_0300,
    policy: pagingPolicy([
      'wake: { P0: [{ after: 0, via: slack }, { after: 1m, via: push }, { after: 3m, via: voice }, { after: 10m, via: sms }] }',
    ]),
    verified: { U0ALICE: { voice: ALICE_PHONE, sms: ALICE_PHONE, push: ALICE_TOPIC } },
  }));
  const id = await commandPage(t, '--severity P0 checkout down');
  // The DM is delivered before the clock moves: Slack answered, so no 60-second fallback (page-fallback.ts).
  await t.app.drainer.drain();
  for (let i = 0; i < 3; i += 1) {
    await t.advance(MINUTE);
    await t.app.drainer.drain();
  }
  const push = ntfy.messagesOn(ALICE_TOPIC)[0]!;
  expect(twilio.calls.map((c) => c.to)).toEqual([ALICE_PHONE]);
  t.standIn.take('chat.postMessage');
  return {
    id,
    path: new URL(push.actions![0]!.url!).pathname,
    pushId: push.id,
    sid: twilio.calls[0]!.sid,
  };
}

const pageRow = () => t.store.db.select().from(pages).get()!;
const dmEdit = () =>
  t.standIn
    .take('chat.update')
    .filter((u) => u.args.channel === 'U0ALICE')
    .map((u) => String(u.args.text))[0];

describe('acknowledged through the signed link', () => {
  it("the push's Acknowledge button: 'via push notification'; the ringing call is ended; no text or call follows", async () => {
    const { id, pushId, sid } = await pushedAndCalled();
    const pressed = (await ntfy.press(pushId, 'Acknowledge')) as { status: number };
    expect(pressed.status).toBe(200);
    expect(pageRow()).toMatchObject({ status: 'acknowledged', ackedBy: 'U0ALICE', ackedVia: 'push' });
    await t.app.drainer.drain();
    expect(twilio.updates.map((u) => [u.sid, u.status, u.answer])).toEqual([[sid, 'completed', 200]]);
    expect(dmEdit()).toContain('Acknowledged by <@U0ALICE> via push notification at');
    for (let i = 0; i < 15; i += 1) await t.advance(MINUTE);
    await t.app.drainer.drain();
    expect(twilio.messages).toEqual([]);
    expect(twilio.calls).toHaveLength(1);
    expect(ntfy.messagesOn(ALICE_TOPIC)).toHaveLength(1);
    expect(pageRow().id).toBe(id);
  });

  it.each([
    ['the confirmation page opened from a push or a chat', '', 'link', 'acknowledge link'],
    ["an e-mail's link", '?via=email', 'email', 'e-mail link'],
  ])('%s: its form says how, and the page keeps it', async (_name, query, via, words) => {
    const { path, sid } = await pushedAndCalled();
    const shown = await (await t.get(`${path}${query}`)).text();
    const action = /<form method="post" action="([^"]*)">/.exec(shown)?.[1];
    expect(action).toBe(`?via=${via}`);
    expect(pageRow().status).toBe('open');
    const posted = await fetch(`${t.baseUrl}${path}${action}`, { method: 'POST' });
    expect(posted.status).toBe(200);
    expect(pageRow()).toMatchObject({ status: 'acknowledged', ackedVia: via });
    await t.app.drainer.drain();
    expect(dmEdit()).toContain(`Acknowledged by <@U0ALICE> via ${words} at`);
    expect(twilio.updates.map((u) => u.sid)).toEqual([sid]);
  });
});
