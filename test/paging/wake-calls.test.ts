/**
 * At most one call per person in flight, through the real app and the Twilio stand-in: a voice wake that falls
 * due while the person's call is ringing places no second call; the call, when answered, reads every open page
 * of the person ("You have 3 open pages") and key 4 acknowledges all of those it named.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { pages, wakeCalls } from '../../src/db/schema.js';
import type { TwilioStandIn } from '../../src/playground/twilio-stand-in.js';
import { MINUTE, SECOND } from '../../src/time/clock.js';
import type { TestApp } from '../support/harness.js';
import { pagingPolicy, WED_0300, commandPage } from '../support/paging-scenario.js';
import { startWithProviders, stopProviders, ALICE_PHONE } from '../support/providers.js';

let t: TestApp;
let twilio: TwilioStandIn;
afterEach(stopProviders);

/** The bot, with Alice's phone verified for calls; the default P0 wake calls at 3 min. */
async function start(...policyLines: string[]): Promise<void> {
  ({ t, twilio } = await startWithProviders({
    at: WED_0300,
    providers: ['twilio'],
    policy: pagingPolicy(policyLines),
    verified: { U0ALICE: { voice: ALICE_PHONE } },
  }));
}

async function page(summary: string): Promise<number> {
  const id = await commandPage(t, `--severity P0 ${summary}`);
  await t.app.drainer.drain(); // the DM delivered: Slack answered, no 60-second fallback
  return id;
}

/** Moves the clock to `minutes` after WED_0300, a minute at a time, delivering what falls due. */
async function until(minutes: number): Promise<void> {
  while (t.clock.now() + MINUTE <= WED_0300 + minutes * MINUTE) await t.advance(MINUTE);
  await t.app.drainer.drain();
}

const status = (id: number) =>
  t.store.db
    .select()
    .from(pages)
    .all()
    .find((p) => p.id === id)!.status;

describe('one call per person in flight', () => {
  it('three open pages: one call, which says so and reads each; key 4 acknowledges all three', async () => {
    await start();
    const first = await page('checkout down');
    await until(1);
    const second = await page('payments slow');
    const third = await page('queue stuck');
    await until(3);
    expect(twilio.calls).toHaveLength(1);
    // The other two pages' calls fall due at 4 min, while the first call still rings: no second call.
    await until(4);
    expect(twilio.calls).toHaveLength(1);
    const { sid } = twilio.calls[0]!;
    const said = await twilio.answer(sid);
    expect(said).toContain(
      `You have 3 open pages. P0 page ${first} for backend: checkout down. Open for 4 minutes. ` +
        `P0 page ${second} for backend: payments slow. Open for 3 minutes. P0 page ${third} for backend: queue stuck. ` +
        `Open for 3 minutes. Press 4 to acknowledge all 3, or 5 to escalate, 6 to resolve page ${first}.`,
    );
    const pressed = await twilio.pressDigits(sid, '4', said);
    expect(pressed.body).toContain('All 3 pages are acknowledged.');
    expect([first, second, third].map(status)).toEqual(['acknowledged', 'acknowledged', 'acknowledged']);
    await twilio.finish(sid, 'completed');
    await until(20);
    expect(twilio.calls).toHaveLength(1);
  });

  it('a call that ended (its status callback came) no longer covers: the next page due calls again', async () => {
    await start();
    await page('checkout down');
    await until(1);
    await page('payments slow');
    await until(3);
    expect(twilio.calls).toHaveLength(1);
    t.clock.advance(30 * SECOND);
    await twilio.finish(twilio.calls[0]!.sid, 'busy');
    await until(5); // the second page's call fell due at 4 min
    expect(twilio.calls.map((c) => c.to)).toEqual([ALICE_PHONE, ALICE_PHONE]);
    expect(
      t.store.db
        .select()
        .from(wakeCalls)
        .all()
        .map((c) => [c.sid, c.endStatus]),
    ).toEqual([
      [twilio.calls[0]!.sid, 'busy'],
      [twilio.calls[1]!.sid, null],
    ]);
  });

  it('a call whose status callback never came stops covering after 2 minutes', async () => {
    await start();
    await page('checkout down');
    await until(2);
    await page('payments slow'); // its call falls due at 5 min, 2 min after the first was placed
    await until(4);
    expect(twilio.calls).toHaveLength(1);
    await until(5);
    expect(twilio.calls).toHaveLength(2);
  });

  it("a call answered after a second page was raised reads both, and covers the second page's call", async () => {
    await start();
    await page('checkout down');
    await until(1);
    t.clock.advance(30 * SECOND);
    await page('payments slow'); // raised at 1:30, its call falls due at 4:30
    await until(3.5);
    const { sid } = twilio.calls[0]!;
    // Picked up at 3:30: it reads both open pages, so the second page's call at 4:30 is covered.
    expect(await twilio.answer(sid)).toContain('You have 2 open pages.');
    await until(4.5);
    expect(twilio.calls).toHaveLength(1);
    await twilio.finish(sid, 'completed');
  });

  it('a page raised while the person is on the phone was not read out: its call waits for that call to end', async () => {
    // Calls at once (as a step with `via: voice` does), so a second page can fall due during the first call.
    await start('wake: { P0: [{ after: 0, via: slack }, { after: 0, via: voice }] }');
    const first = await page('checkout down');
    await t.tick();
    await t.app.drainer.drain();
    const { sid } = twilio.calls[0]!;
    t.clock.advance(10 * SECOND);
    expect(await twilio.answer(sid)).not.toContain('open pages'); // picked up at 0:10: one page
    t.clock.advance(20 * SECOND);
    const second = await page('payments slow'); // raised at 0:30 while the person listens
    await t.tick();
    await t.app.drainer.drain();
    expect(twilio.calls).toHaveLength(1);
    t.clock.advance(20 * SECOND);
    await twilio.finish(sid, 'completed'); // hung up at 0:50, nothing pressed
    await until(2);
    expect(twilio.calls).toHaveLength(2);
    const said = await twilio.answer(twilio.calls[1]!.sid);
    expect(said).toContain(`You have 2 open pages. P0 page ${second} for backend: payments slow.`);
    expect(said).toContain(`P0 page ${first} for backend: checkout down.`);
  });

  it('key 4 on a call about one page acknowledges that page only, as before', async () => {
    await start();
    const only = await page('checkout down');
    await until(3);
    const said = await twilio.answer(twilio.calls[0]!.sid);
    expect(said).not.toContain('open pages');
    expect((await twilio.pressDigits(twilio.calls[0]!.sid, '4', said)).body).toContain(`Page ${only} is acknowledged.`);
  });
});
