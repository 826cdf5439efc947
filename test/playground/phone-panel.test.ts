/**
 * The playground's phone panel, through its own endpoints on the real bot: per person, the calls, texts and pushes
 * the Twilio and ntfy stand-ins recorded for their numbers and topics; "Press 4" picks up a call and presses 4 in
 * its <Gather> (signed as Twilio signs), "Tap Acknowledge" presses a push's action as the ntfy app does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { contactsOf, type DesiredContacts } from '../../src/contacts/contact-store.js';
import { contactTests, pages } from '../../src/db/schema.js';
import type { NtfyStandIn } from '../../src/playground/ntfy-stand-in.js';
import { PhonePanel, type PhoneView } from '../../src/playground/phone-panel.js';
import { playgroundRoutes } from '../../src/playground/playground-routes.js';
import { SlackStandIn } from '../../src/playground/slack-stand-in.js';
import type { TwilioStandIn } from '../../src/playground/twilio-stand-in.js';
import { MINUTE } from '../../src/time/clock.js';
import { captureLogs, TEST_SECRETS } from '../support/common.js';
import type { TestApp } from '../support/harness.js';
import { pagingPolicy, WED_0300 } from '../support/paging-scenario.js';
import { startApp, startStandIns, stopProviders, verifyWays, ALICE_PHONE, ALICE_TOPIC } from '../support/providers.js';

let t: TestApp;
let twilio: TwilioStandIn;
let ntfy: NtfyStandIn;
let slack: SlackStandIn;
afterEach(async () => {
  await stopProviders();
  await slack?.stop();
});

async function started(methods: Partial<DesiredContacts>): Promise<void> {
  const policy = pagingPolicy();
  const standIns = await startStandIns({ at: WED_0300 });
  const { clock } = standIns;
  ({ twilio, ntfy } = standIns);
  slack = await new SlackStandIn().start();
  const routes = playgroundRoutes({
    standIn: slack,
    signingSecret: TEST_SECRETS.signingSecret,
    botUrl: () => t.baseUrl,
    people: ['U0ALICE', 'U0BOB', 'U0DAN'].map((id) => ({ id, name: id, tz: 'UTC' })),
    channels: new Map(),
    policy,
    samples: () => [],
    clock,
    logger: captureLogs().logger,
    pageFolder: new URL('../../src/playground/page/', import.meta.url),
    phone: new PhonePanel({ twilio, ntfy, contacts: (userId) => contactsOf(t.store.db, userId) }),
  });
  t = await startApp(standIns, { policy, standIn: slack, extraRoutes: routes });
  verifyWays(t, 'U0ALICE', methods);
}

const phoneOf = async (user: string) => {
  const response = await t.get(`/playground/api/phone?user=${user}`);
  return { status: response.status, body: (await response.json()) as PhoneView & { error?: string } };
};
const press = async (action: string, body: Record<string, string>) => {
  const response = await t.post(`/playground/api/${action}`, JSON.stringify(body));
  return { status: response.status, body: (await response.json()) as { ok: boolean; said?: string; error?: string } };
};
async function advance(ms: number): Promise<void> {
  await t.advance(ms);
  await t.app.drainer.drain();
}

describe('playground phone panel', () => {
  it("shows a P0's push and call on the person's phone; Press 4 acknowledges the page", async () => {
    await started({ push: ALICE_TOPIC, voice: ALICE_PHONE });
    await t.command('/oncall', 'page --severity P0 checkout down', 'U0DAN');
    await t.app.drainer.drain(); // the DM delivered: Slack answered, no 60-second fallback
    for (let i = 0; i < 3; i += 1) await advance(MINUTE);
    const alice = await phoneOf('U0ALICE');
    expect(alice.status).toBe(200);
    expect(alice.body.contacts.map((c) => [c.kind, c.value, c.verified])).toEqual([
      ['voice', ALICE_PHONE, true],
      ['push', ALICE_TOPIC, true],
    ]);
    expect(alice.body.items.map((i) => [i.type, i.to])).toEqual([
      ['call', ALICE_PHONE],
      ['push', ALICE_TOPIC],
    ]);
    expect(alice.body.items[0]).toMatchObject({ status: 'queued', canPress4: true });
    expect(alice.body.items[1]).toMatchObject({ title: '[P0] checkout down', priority: 5, canAcknowledge: true });
    // Someone else's phone shows none of it.
    expect((await phoneOf('U0BOB')).body).toEqual({ contacts: [], items: [] });

    const pressed = await press('press4', { user: 'U0ALICE', sid: alice.body.items[0]!.id });
    expect(pressed.body).toMatchObject({ ok: true, said: expect.stringContaining('Page 1 is acknowledged.') });
    expect(t.store.db.select().from(pages).get()).toMatchObject({ status: 'acknowledged', ackedBy: 'U0ALICE' });
    expect((await phoneOf('U0ALICE')).body.items[0]).toMatchObject({ status: 'in-progress' });
  });

  it("shows a test page's push and text; Tap Acknowledge ends the test as reached by push", async () => {
    await started({ push: ALICE_TOPIC, sms: ALICE_PHONE });
    await t.command('/oncall', 'test-page', 'U0ALICE');
    await advance(MINUTE);
    await advance(MINUTE);
    const items = (await phoneOf('U0ALICE')).body.items;
    expect(items.map((i) => i.type)).toEqual(['text', 'push']);
    expect(items[0]).toMatchObject({
      body: expect.stringMatching(/^Test page #1 from the on-call bot: nothing is wrong\. .*\/ack-test\//),
    });
    const tapped = await press('acknowledge', { user: 'U0ALICE', id: items[1]!.id });
    expect(tapped.body).toMatchObject({ ok: true, said: expect.stringContaining('reached by push after 2m') });
    expect(t.store.db.select().from(contactTests).get()).toMatchObject({ status: 'acknowledged', ackedVia: 'push' });
  });

  it("refuses what is not on the person's phone, and says why", async () => {
    await started({ push: ALICE_TOPIC, voice: ALICE_PHONE });
    await t.command('/oncall', 'page --severity P0 checkout down', 'U0DAN');
    await t.app.drainer.drain(); // the DM delivered: Slack answered, no 60-second fallback
    for (let i = 0; i < 3; i += 1) await advance(MINUTE);
    const [call, push] = (await phoneOf('U0ALICE')).body.items;
    expect(await press('press4', { user: 'U0BOB', sid: call!.id })).toMatchObject({
      status: 400,
      body: { error: `no call "${call!.id}" to this person's phone` },
    });
    expect(await press('acknowledge', { user: 'U0BOB', id: push!.id })).toMatchObject({
      status: 400,
      body: { error: `no push "${push!.id}" on this person's topic` },
    });
    expect(await press('acknowledge', { user: 'U0ALICE', id: 'nope' })).toMatchObject({ status: 400 });
    expect(await phoneOf('U0NOBODY')).toMatchObject({ status: 400, body: { error: expect.stringContaining('"U0NOBODY" is nobody') } });
    await twilio.finish(call!.id, 'no-answer');
    expect(await press('press4', { user: 'U0ALICE', sid: call!.id })).toMatchObject({
      status: 400,
      body: { error: 'that call has ended (no-answer); nothing to press' },
    });
    expect(t.store.db.select().from(pages).get()?.status).toBe('open');
  });
});
