/**
 * A bot nobody can reach from outside (Socket Mode, no PUBLIC_URL) still reaches people, through the real app:
 * the Socket Mode stand-in, the Slack, ntfy and Twilio stand-ins and the fake clock. The push's Acknowledge
 * button publishes the signed token to the page's reply topic, which the bot follows outbound (ntfy's JSON
 * stream); the call is read out inline and says where to acknowledge.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ackTokenSecret } from '../../src/config/env.js';
import { pages } from '../../src/db/schema.js';
import { replyTopic } from '../../src/paging/ack-reply.js';
import { makeAckToken } from '../../src/paging/ack-token.js';
import type { NtfyStandIn } from '../../src/playground/ntfy-stand-in.js';
import type { TwilioStandIn } from '../../src/playground/twilio-stand-in.js';
import { HOUR, MINUTE } from '../../src/time/clock.js';
import type { TestApp } from '../support/harness.js';
import { pagingPolicy, WED_0300 } from '../support/paging-scenario.js';
import { startWithProviders, stopProviders, verifyWays, ALICE_PHONE, ALICE_TOPIC } from '../support/providers.js';

let t: TestApp;
let twilio: TwilioStandIn;
let ntfy: NtfyStandIn;
afterEach(stopProviders);

async function started(): Promise<TestApp> {
  ({ t, twilio, ntfy } = await startWithProviders({ at: WED_0300, policy: pagingPolicy(), socketMode: true }));
  for (const id of ['U0ALICE', 'U0BOB', 'U0DAN']) t.standIn.addUser({ id });
  verifyWays(t, 'U0ALICE', { voice: ALICE_PHONE, push: ALICE_TOPIC });
  return t;
}

/** A page raised over the socket by Dan; its id. */
async function page(summary: string): Promise<number> {
  await t.socket!.slashCommand({ command: '/oncall', text: `page --severity P0 ${summary}`, userId: 'U0DAN' });
  await t.settled();
  await t.tick();
  await t.app.drainer.drain();
  return Math.max(
    ...t.store.db
      .select()
      .from(pages)
      .all()
      .map((p) => p.id),
  );
}

async function minutes(n: number): Promise<void> {
  for (let i = 0; i < n; i += 1) {
    await t.advance(MINUTE);
    await t.app.drainer.drain();
  }
}

const statusOf = (id: number) =>
  t.store.db
    .select()
    .from(pages)
    .all()
    .find((p) => p.id === id)!;

/** Waits for the bot to read what ntfy streams to it (lines arrive over a socket: there is no instant to wait for). */
async function until(what: string, done: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !done(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!done()) throw new Error(`never happened: ${what}`);
}

const publish = (topic: string, body: string) => fetch(`${ntfy.url}/${topic}`, { method: 'POST', body });

describe('without a public URL (Socket Mode), a P0 at 03:00 still reaches a person', () => {
  it('the push acknowledges through its reply topic, the Slack DM is edited, the call is read out inline', async () => {
    await started();
    expect(t.app.ackStream).not.toBeNull();
    const id = await page('checkout down');
    const topic = replyTopic(ackTokenSecret(t.app.options.env), id);
    await minutes(1);
    // The push: its Acknowledge button publishes the signed token to the page's reply topic on the same ntfy.
    const push = ntfy.messagesOn(ALICE_TOPIC)[0]!;
    expect(push).toMatchObject({ title: '[P0] checkout down', priority: 5 });
    expect(push.actions).toEqual([
      {
        id: 'a1',
        action: 'http',
        label: 'Acknowledge',
        url: `${ntfy.url}/${topic}`,
        method: 'POST',
        body: expect.stringMatching(new RegExp(`^v1\\.${id}\\.U0ALICE\\.\\d+\\.[A-Za-z0-9_-]{43}$`)),
        clear: true,
      },
    ]);
    expect(topic).toMatch(/^oncall-ack-[0-9a-f]{32}$/);
    // The bot follows that topic outbound, asking for what it may have missed.
    const stream = await ntfy.waitForStream((s) => s.topics.includes(topic));
    expect(stream.since).toBe(String(Math.floor((WED_0300 + MINUTE - 24 * HOUR) / 1000)));

    await minutes(2);
    // The call: inline TwiML, no Url and no status callback (nothing can reach the bot), read twice.
    expect(twilio.calls).toHaveLength(1);
    const call = twilio.calls[0]!;
    expect(call).toMatchObject({ to: ALICE_PHONE, url: null, statusCallback: null });
    const said =
      'P0 page 1 for backend: checkout down. Open for 3 minutes. Acknowledge in Slack or in the push notification; key presses need a public address.';
    expect(call.twiml).toBe(`<Response><Say>${said}</Say><Pause length="1"/><Say>${said}</Say></Response>`);

    // Alice taps Acknowledge on her lock screen: the ntfy app publishes the token; the bot reads it and acknowledges.
    const pressed = (await ntfy.press(push.id, 'Acknowledge')) as { status: number };
    expect(pressed.status).toBe(200);
    await until('the page is acknowledged', () => statusOf(id).status === 'acknowledged');
    expect(statusOf(id)).toMatchObject({ ackedBy: 'U0ALICE', ackedVia: 'push', ackedAt: WED_0300 + 3 * MINUTE });
    await t.app.drainer.drain();
    const edits = t.standIn.take('chat.update');
    expect(edits.map((e) => e.args.channel)).toContain('U0ALICE');
    expect(edits.every((e) => String(e.args.text).includes(':white_check_mark: Acknowledged by <@U0ALICE>'))).toBe(true);
    // The call still ringing is ended.
    expect(twilio.updates).toEqual([expect.objectContaining({ sid: call.sid, status: 'completed', answer: 200 })]);
    // The closed page's topic is no longer followed.
    await until('the stream follows nothing', () => ntfy.streams().length === 0);

    // The same button again: its topic is not followed any more and the page stays as it was.
    await ntfy.press(push.id, 'Acknowledge');
    await minutes(1);
    expect(statusOf(id)).toMatchObject({ status: 'acknowledged', ackedAt: WED_0300 + 3 * MINUTE });
    // No token, topic or number in the log.
    const logs = t.logs.lines.join('\n');
    for (const secret of [push.actions![0]!.body!.split('.').pop()!, topic, ALICE_TOPIC, ALICE_PHONE]) expect(logs).not.toContain(secret);
    expect(logs).toContain('page acknowledged by a push reply');
  });

  it('a forged, garbage, moved or replayed body on a followed reply topic changes nothing; the right token still works', async () => {
    await started();
    const first = await page('checkout down');
    await minutes(1);
    const second = await page('payments down');
    await minutes(1);
    const secret = ackTokenSecret(t.app.options.env);
    const topic = replyTopic(secret, second);
    await ntfy.waitForStream((s) => s.topics.includes(topic) && s.topics.includes(replyTopic(secret, first)));
    const pushes = ntfy.messagesOn(ALICE_TOPIC);
    const firstToken = pushes[0]!.actions![0]!.body!;
    const token = pushes[1]!.actions![0]!.body!;
    const bobs = makeAckToken('another secret entirely', { pageId: second, userId: 'U0BOB', expiresAt: WED_0300 + HOUR });
    const bodies = [
      'hello', // garbage
      `${token.slice(0, -4)}AAAA`, // a wrong signature
      token.replace('.U0ALICE.', '.U0BOB.'), // moved to another person
      bobs, // signed with another key
      firstToken, // a valid token, but for the first page: bound to its own topic
    ];
    const handled = t.app.ackStream!.handled;
    for (const body of bodies) expect((await publish(topic, body)).status).toBe(200);
    await t.app.ackStream!.handledAtLeast(handled + bodies.length);
    expect([statusOf(first).status, statusOf(second).status]).toEqual(['open', 'open']);
    const ignored = t.logs.lines.filter((l) => l.includes('push reply ignored'));
    expect(ignored).toHaveLength(bodies.length);
    for (const body of bodies) expect(ignored.join('\n')).not.toContain(body);

    // The right one acknowledges the second page only; the same body again (a replay) changes nothing more.
    await publish(topic, token);
    await until('the second page is acknowledged', () => statusOf(second).status === 'acknowledged');
    expect(statusOf(second)).toMatchObject({ ackedBy: 'U0ALICE', ackedVia: 'push' });
    expect(statusOf(first).status).toBe('open');
    // The first page is still followed, on a stream without the second's topic.
    await ntfy.waitForStream((s) => !s.topics.includes(topic) && s.topics.includes(replyTopic(secret, first)));
    const before = t.app.ackStream!.handled;
    await publish(replyTopic(secret, first), token);
    await t.app.ackStream!.handledAtLeast(before + 1);
    expect(statusOf(first).status).toBe('open');
    expect(statusOf(second).ackedAt).toBe(WED_0300 + 2 * MINUTE);
  });

  it('the stream is reopened after ntfy drops it, and a reply published meanwhile is still read (since=)', async () => {
    await started();
    const id = await page('checkout down');
    await minutes(1);
    const topic = replyTopic(ackTokenSecret(t.app.options.env), id);
    await ntfy.waitForStream((s) => s.topics.includes(topic));
    const opened = ntfy.subscriptions.length;
    const token = ntfy.messagesOn(ALICE_TOPIC)[0]!.actions![0]!.body!;
    ntfy.dropStreams();
    // Published while nobody follows the topic: only a reconnect's `since` can bring it.
    expect(ntfy.streams()).toEqual([]);
    await publish(topic, token);
    await ntfy.waitForStream((s) => s.topics.includes(topic));
    expect(ntfy.subscriptions.length).toBe(opened + 1);
    // The reply was in before the new stream opened (the bot waits a second before reconnecting).
    const requests = ntfy.requests.filter((r) => r.startsWith(`POST /${topic}`) || r.startsWith('GET /'));
    expect(requests.slice(-2)).toEqual([`POST /${topic} -> 200`, `GET /${topic}/json -> 200`]);
    await until('the page is acknowledged', () => statusOf(id).status === 'acknowledged');
    expect(statusOf(id)).toMatchObject({ ackedBy: 'U0ALICE', ackedVia: 'push' });
  });
});

describe('calls without a public URL', () => {
  it("a second page's call is not covered by one that will not read it: it waits for the first to be over", async () => {
    await started();
    await page('checkout down');
    await minutes(1);
    await page('payments down');
    await minutes(3);
    // Minute 4: page 2's call falls due while page 1's (placed at minute 3, its end never heard) is in flight.
    expect(twilio.calls.map((c) => c.twiml?.match(/page (\d+) for/)?.[1])).toEqual(['1']);
    await minutes(6);
    expect(twilio.calls.map((c) => c.twiml?.match(/page (\d+) for/)?.[1])).toEqual(['1', '2']);
    expect(twilio.calls[1]!.createdAt).toBeGreaterThanOrEqual(twilio.calls[0]!.createdAt + 2 * MINUTE);
  });
});

describe('with a public URL, or in HTTP mode, nothing changes', () => {
  it('Socket Mode with PUBLIC_URL: the push POSTs the link, no reply stream', async () => {
    ({ t, ntfy } = await startWithProviders({
      at: WED_0300,
      providers: ['ntfy'],
      policy: pagingPolicy(),
      socketMode: true,
      env: { PUBLIC_URL: 'https://oncall.example.com' },
    }));
    expect(t.app.ackStream).toBeNull();
  });

  it('HTTP mode without PUBLIC_URL: links point at this host as before, no reply stream', async () => {
    ({ t, ntfy } = await startWithProviders({ at: WED_0300, providers: ['ntfy'], policy: pagingPolicy() }));
    expect(t.app.ackStream).toBeNull();
  });
});
