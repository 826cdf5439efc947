/**
 * How late a wake call leaves, against a Slack DM, with 1,000 pages open: from the start of the ticker round in
 * which the step falls due to the stand-in receiving the request (Twilio's POST Calls.json; Slack's
 * chat.postMessage), in real milliseconds, through the real app (TestApp: real SQLite, HTTP to both stand-ins).
 *
 * Each round raises one P0 page for Alice (primary, phone verified): its call falls due 3 min later (the wake
 * step), its DM to Bob 15 min later (the escalation step); the page is then acknowledged and the call ended
 * (status callback), so the next round's call is not covered by one in flight. The 1,000 open P1 pages reached
 * Alice too; their own steps are pushed past the run, so only the measured steps fall due.
 */
import { like, sql } from 'drizzle-orm';
import { performance } from 'node:perf_hooks';
import { issueCode, saveContacts, verifyCode } from '../src/contacts/contact-store.js';
import { timers } from '../src/db/schema.js';
import { TwilioStandIn } from '../src/playground/twilio-stand-in.js';
import { DAY, FakeClock, MINUTE } from '../src/time/clock.js';
import { scriptedRandomness } from '../test/contacts/contact-support.js';
import { TestApp } from '../test/support/harness.js';
import { pagingPolicy } from '../test/support/paging-scenario.js';
import { result, type BenchResult } from './results.js';

const OPEN_PAGES = 1_000;
const ROUNDS = 30;
const ROUND_MS = 20 * MINUTE;
const T0 = Date.parse('2026-01-07T01:00:00Z'); // Wednesday: Alice primary, Bob secondary all night

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Ticks until `arrived` returns the stand-in's receipt time; the latency is from the tick's start. */
async function timeStep(t: TestApp, arrived: () => number | undefined): Promise<number> {
  const start = performance.now();
  await t.app.engine.tick();
  await t.app.drainer.drain();
  const at = arrived();
  if (at === undefined) throw new Error('the step fell due but the stand-in received nothing');
  return at - start;
}

/** Moves the timers of these subjects past the run: still stored, never due while measuring. */
function putOff(t: TestApp, subject: string): void {
  t.store.db
    .update(timers)
    .set({ dueAt: sql`${timers.dueAt} + ${365 * DAY}` })
    .where(like(timers.subject, subject))
    .run();
}

async function measure(): Promise<{ call: number[]; dm: number[] }> {
  const clock = new FakeClock(T0);
  const twilio = await new TwilioStandIn({ now: () => clock.now() }).start();
  const t = await TestApp.start({
    policy: pagingPolicy(['wake: { P0: [{ after: 0, via: slack }, { after: 3m, via: voice }], P1: [{ after: 0, via: slack }] }']),
    clock,
    rateLimits: false,
    env: {
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      TWILIO_FROM_NUMBER: '+15017122661',
      TWILIO_API_URL: twilio.url,
    },
  });
  const { db } = t.store;
  try {
    saveContacts(db, 'U0ALICE', { voice: '+447700900123', sms: null, push: null, email: null }, T0);
    verifyCode(db, 'U0ALICE', issueCode(db, 'U0ALICE', 'phone', T0, scriptedRandomness([1, 2, 3], [424242]))!.code, T0, 'phone');
    t.app.engine.transact((tx) => {
      for (let i = 0; i < OPEN_PAGES; i += 1)
        t.app.pager.create(tx, { rotation: 'backend', severity: 'P1', summary: `open ${i}`, source: 'alert' });
    });
    await t.app.drainer.drain();
    // Still pending, never due in the run: the engine must not pay for them.
    putOff(t, 'page:%');
    t.standIn.take('chat.postMessage');

    const call: number[] = [];
    const dm: number[] = [];
    for (let round = 0; round <= ROUNDS; round += 1) {
      const raisedAt = T0 + MINUTE + round * ROUND_MS;
      clock.set(raisedAt);
      const id = t.app.engine.transact((tx) =>
        t.app.pager.create(tx, { rotation: 'backend', severity: 'P0', summary: `measured ${round}`, source: 'alert' }),
      ).id;
      await t.app.drainer.drain();
      t.standIn.take('chat.postMessage');

      clock.set(raisedAt + 3 * MINUTE);
      const calls = twilio.calls.length;
      const callLag = await timeStep(t, () => twilio.calls[calls]?.receivedAt);

      // The ack SLA mark (5 min) fires in a round of its own, so the DM's round has only the step.
      clock.set(raisedAt + 5 * MINUTE);
      await t.app.engine.tick();
      await t.app.drainer.drain();
      t.standIn.take('chat.postMessage');

      clock.set(raisedAt + 15 * MINUTE);
      const dmLag = await timeStep(t, () => t.standIn.take('chat.postMessage', (a) => a.channel === 'U0BOB')[0]?.receivedAt);

      // Round 0 warms up; then the page is acknowledged and its call ended, so the next call is not covered.
      if (round > 0) {
        call.push(callLag);
        dm.push(dmLag);
      }
      t.app.engine.transact((tx) => t.app.pager.resolve(tx, id, 'U0BOB'));
      putOff(t, `page:${id}`); // its notify rules' timers (2 h) would fire, doing nothing, in a later measured round
      await twilio.finish(twilio.calls[calls]!.sid, 'completed');
      await t.app.drainer.drain();
      t.standIn.take('chat.postMessage');
      t.standIn.take('chat.update');
    }
    return { call, dm };
  } finally {
    await t.close();
    await twilio.stop();
  }
}

export async function benchWakeCall(): Promise<BenchResult[]> {
  const { call, dm } = await measure();
  return [
    result(
      `wake call lag p99 (due -> Calls.json), ${OPEN_PAGES} open, vs Slack DM`,
      percentile(call, 99),
      percentile(dm, 99),
      'ms',
      'lower',
    ),
    result(
      `wake call lag p50 (due -> Calls.json), ${OPEN_PAGES} open, vs Slack DM`,
      percentile(call, 50),
      percentile(dm, 50),
      'ms',
      'lower',
    ),
  ];
}
