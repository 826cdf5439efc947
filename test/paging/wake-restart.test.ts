/**
 * A process killed between "call requested" (the outbox row claimed, the request sent) and "call recorded" (the
 * row marked sent) leaves the row pending with `sending_at` set. Twilio has no idempotency key, so the next
 * process looks up what Twilio placed to that number since the claim (GET Calls.json / Messages.json) before
 * sending again: a call that went out is not placed twice, a call that never left is placed once.
 *
 * The kill is played as in test/engine/in-flight.test.ts: the row is put back as the dead process left it.
 */
import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { outbox, wakeCalls } from '../../src/db/schema.js';
import { NtfyStandIn } from '../../src/playground/ntfy-stand-in.js';
import { TwilioStandIn } from '../../src/playground/twilio-stand-in.js';
import { FakeClock, MINUTE, SECOND } from '../../src/time/clock.js';
import { tempDbPath } from '../support/common.js';
import { TestApp } from '../support/harness.js';
import { pagingPolicy, WED_0300 } from '../support/paging-scenario.js';
import { providerEnv, verifyWays, ALICE_PHONE } from '../support/providers.js';

const TOPIC = 'alice_wake_0123456789abcdef';

let db: ReturnType<typeof tempDbPath>;
let clock: FakeClock;
let twilio: TwilioStandIn;
let ntfy: NtfyStandIn;
let bot: TestApp | null = null;

afterEach(async () => {
  await bot?.close();
  bot = null;
  await twilio?.stop();
  await ntfy?.stop();
  db?.cleanup();
});

/** Calls at 3 min, texts at 4 min, pushes at 5 min (P0). */
const policy = () =>
  pagingPolicy(['wake: { P0: [{ after: 0, via: slack }, { after: 3m, via: voice }, { after: 4m, via: sms }, { after: 5m, via: push }] }']);

async function boot(twilioUrl = twilio.url): Promise<TestApp> {
  bot = await TestApp.start({
    dbPath: db.path,
    clock,
    policy: policy(),
    rateLimits: false,
    env: { ...providerEnv({ twilio, ntfy }), TWILIO_API_URL: twilioUrl },
  });
  return bot;
}

async function first(): Promise<TestApp> {
  db = tempDbPath();
  clock = new FakeClock(WED_0300);
  twilio = await new TwilioStandIn({ now: () => clock.now() }).start();
  ntfy = await new NtfyStandIn({ now: () => clock.now() }).start();
  const t = await boot();
  verifyWays(t, 'U0ALICE', { voice: ALICE_PHONE, sms: ALICE_PHONE, push: TOPIC });
  await t.command('/oncall', 'page --severity P0 checkout down', 'U0DAN');
  return t;
}

async function minutes(t: TestApp, n: number): Promise<void> {
  for (let i = 0; i < n; i += 1) await t.advance(MINUTE);
  await t.app.drainer.drain();
}

const rowOf = (t: TestApp, method: string) => t.store.db.select().from(outbox).where(eq(outbox.method, method)).get()!;

/** Puts the row back as a process killed while its request was out leaves it: pending, claimed at `claimedAt`. */
function dieMidCall(t: TestApp, method: string, claimedAt: number): void {
  t.store.db
    .update(outbox)
    .set({ status: 'pending', sentAt: null, attempts: 0, sendingAt: claimedAt })
    .where(eq(outbox.method, method))
    .run();
}

/** The next process on the same file, a few seconds later: it reconciles what was in flight on its first drain. */
async function restart(t: TestApp, between?: (next: TestApp) => void): Promise<TestApp> {
  await t.close({ keepDb: true });
  bot = null;
  clock.advance(5 * SECOND);
  const next = await boot();
  between?.(next);
  await next.app.drainer.drain();
  return next;
}

describe('a wake call interrupted by a crash', () => {
  it('the call went out, the answer was never recorded: after the restart there is still exactly one call', async () => {
    let t = await first();
    await minutes(t, 3);
    expect(twilio.calls).toHaveLength(1);
    const claimedAt = rowOf(t, 'twilio.calls.create').sentAt!;
    t = await restart(t, (next) => {
      dieMidCall(next, 'twilio.calls.create', claimedAt);
      // Killed before Twilio's answer (the sid) was written, too.
      next.store.db.update(wakeCalls).set({ sid: null }).run();
    });
    expect(twilio.calls).toHaveLength(1);
    expect(rowOf(t, 'twilio.calls.create')).toMatchObject({ status: 'sent', sendingAt: null });
    // The call found is the one in flight: its sid is recorded, so the status callback and key 4 find it.
    expect(t.store.db.select({ sid: wakeCalls.sid }).from(wakeCalls).all()).toEqual([{ sid: twilio.calls[0]!.sid }]);
    expect(twilio.requests.filter((r) => r.startsWith('GET'))).toEqual([`GET /2010-04-01/Accounts/${twilio.accountSid}/Calls.json -> 200`]);
    expect(t.logs.lines.join('\n')).not.toContain(ALICE_PHONE);
  });

  it('the sid was recorded but not the row: no lookup needed, still one call', async () => {
    let t = await first();
    await minutes(t, 3);
    const claimedAt = rowOf(t, 'twilio.calls.create').sentAt!;
    t = await restart(t, (next) => dieMidCall(next, 'twilio.calls.create', claimedAt));
    expect(twilio.calls).toHaveLength(1);
    expect(rowOf(t, 'twilio.calls.create').status).toBe('sent');
  });

  it('the process died before the request left: after the restart the call is placed, once', async () => {
    // Twilio unreachable at first: the call's row waits in the outbox (pending); then the process dies claiming it.
    db = tempDbPath();
    clock = new FakeClock(WED_0300);
    twilio = await new TwilioStandIn({ now: () => clock.now() }).start();
    ntfy = await new NtfyStandIn({ now: () => clock.now() }).start();
    const realUrl = twilio.url;
    await twilio.stop();
    let t = await boot(realUrl);
    verifyWays(t, 'U0ALICE', { voice: ALICE_PHONE });
    await t.command('/oncall', 'page --severity P0 checkout down', 'U0DAN');
    await minutes(t, 3);
    expect(rowOf(t, 'twilio.calls.create')).toMatchObject({ status: 'pending', sendingAt: null });
    const claimedAt = clock.now();
    // The same stand-in address again, up now, with no call recorded.
    twilio = await new TwilioStandIn({ now: () => clock.now() }).start();
    await t.close({ keepDb: true });
    bot = null;
    clock.advance(5 * SECOND);
    bot = t = await boot(twilio.url);
    t.store.db
      .update(outbox)
      .set({ sendingAt: claimedAt, nextAttemptAt: claimedAt })
      .where(and(eq(outbox.method, 'twilio.calls.create'), eq(outbox.status, 'pending')))
      .run();
    await t.app.drainer.drain();
    expect(twilio.calls.map((c) => c.to)).toEqual([ALICE_PHONE]);
    expect(rowOf(t, 'twilio.calls.create')).toMatchObject({ status: 'sent', sendingAt: null });
    await minutes(t, 1);
    expect(twilio.calls).toHaveLength(1);
  });
});

describe('when Twilio cannot be asked', () => {
  it('the interrupted call is placed again (a call twice beats a call lost), and the warning names no number', async () => {
    let t = await first();
    await minutes(t, 3);
    const claimedAt = rowOf(t, 'twilio.calls.create').sentAt!;
    twilio.failLists(503);
    t = await restart(t, (next) => {
      dieMidCall(next, 'twilio.calls.create', claimedAt);
      next.store.db.update(wakeCalls).set({ sid: null }).run();
    });
    expect(twilio.calls).toHaveLength(2);
    const logs = t.logs.lines.join('\n');
    expect(logs).toContain('could not check whether an interrupted call arrived; sending it again');
    expect(logs).toContain('HTTP 503');
    expect(logs).not.toContain(ALICE_PHONE);
    expect(logs).not.toContain(ALICE_PHONE.slice(1));
  });
});

describe('a wake text or push interrupted by a crash', () => {
  it('a text that went out is not sent again; one that never left is sent once', async () => {
    let t = await first();
    await minutes(t, 4);
    expect(twilio.messages).toHaveLength(1);
    const claimedAt = rowOf(t, 'twilio.messages.create').sentAt!;
    t = await restart(t, (next) => dieMidCall(next, 'twilio.messages.create', claimedAt));
    expect(twilio.messages).toHaveLength(1);
    expect(rowOf(t, 'twilio.messages.create').status).toBe('sent');

    // Now as if it had never left: Twilio has no text naming the page since the claim.
    twilio.messages.length = 0;
    t = await restart(t, (next) => dieMidCall(next, 'twilio.messages.create', clock.now()));
    expect(twilio.messages.map((m) => m.body)).toEqual([expect.stringContaining('Reply 4 1 to acknowledge.')]);
  });

  it('a push that went out is found in the topic (ntfy poll since the claim) and not sent again', async () => {
    let t = await first();
    await minutes(t, 5);
    expect(ntfy.publishes).toHaveLength(1);
    const claimedAt = rowOf(t, 'ntfy.publish').sentAt!;
    t = await restart(t, (next) => dieMidCall(next, 'ntfy.publish', claimedAt));
    expect(ntfy.publishes).toHaveLength(1);
    expect(rowOf(t, 'ntfy.publish').status).toBe('sent');
  });
});
