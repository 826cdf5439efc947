/**
 * A person's own wake rules through the real app: `/oncall contact also sms P0 now` is stored, shown in Home,
 * and a P0 page then texts them at once and calls earlier than the policy, on top of the policy's steps.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { outbox } from '../../src/db/schema.js';
import type { NtfyStandIn } from '../../src/playground/ntfy-stand-in.js';
import type { TwilioStandIn } from '../../src/playground/twilio-stand-in.js';
import { MINUTE } from '../../src/time/clock.js';
import type { TestApp } from '../support/harness.js';
import { pagingPolicy, WED_0300 } from '../support/paging-scenario.js';
import { startWithProviders, stopProviders, ALICE_TOPIC, ALICE_PHONE } from '../support/providers.js';

let t: TestApp;
let twilio: TwilioStandIn;
let ntfy: NtfyStandIn;
afterEach(stopProviders);

async function started(): Promise<void> {
  ({ t, twilio, ntfy } = await startWithProviders({
    at: WED_0300,
    policy: pagingPolicy(['wake: { P0: [{ after: 0, via: slack }, { after: 1m, via: push }, { after: 3m, via: voice }] }']),
    verified: { U0ALICE: { voice: ALICE_PHONE, sms: ALICE_PHONE, push: ALICE_TOPIC } },
  }));
}

const say = async (text: string, user = 'U0ALICE') => ((await t.command('/oncall', text, user)).json() as { text: string }).text;

/** Minute by minute: every page DM, push, call and text, as "minute way" lines. */
async function reachedOver(minutes: number): Promise<string[]> {
  const lines: string[] = [];
  let seen = { pushes: 0, calls: 0, texts: 0 };
  const collect = () => {
    const minute = Math.round((t.clock.now() - WED_0300) / MINUTE);
    for (const c of t.standIn.take('chat.postMessage'))
      if (c.args.channel === 'U0ALICE' && String(c.args.text).startsWith(':rotating_light:')) lines.push(`${minute} slack`);
    for (const _ of twilio.messages.slice(seen.texts)) lines.push(`${minute} sms`);
    for (const _ of ntfy.publishes.slice(seen.pushes)) lines.push(`${minute} push`);
    for (const _ of twilio.calls.slice(seen.calls)) lines.push(`${minute} call`);
    seen = { pushes: ntfy.publishes.length, calls: twilio.calls.length, texts: twilio.messages.length };
  };
  await t.tick();
  await t.app.drainer.drain();
  collect();
  for (let i = 0; i < minutes; i += 1) {
    await t.advance(MINUTE);
    await t.app.drainer.drain();
    collect();
  }
  return lines;
}

describe('personal wake rules', () => {
  it('"also text me at once for P0" and an earlier call add to the policy: the page texts at 0 and calls at 1m', async () => {
    await started();
    expect(await say('contact also sms P0 now')).toContain('Saved: P0: text message at once');
    expect(await say('contact also call P0 after 1m')).toContain('Saved: P0: phone call after 1m');
    // Never later than the policy.
    expect(await say('contact also push P0 after 5m')).toContain('The policy already uses push after 1m for P0');
    await say('page --severity P0 checkout down', 'U0DAN');
    expect(await reachedOver(5)).toEqual(['0 slack', '0 sms', '1 push', '1 call']);
    // The outbox names the way, never the number.
    expect(JSON.stringify(t.store.db.select().from(outbox).all())).not.toContain(ALICE_PHONE);
  });

  it('listed, shown in Home, and removed', async () => {
    await started();
    await say('contact also sms P0 now');
    expect(await say('contact rules')).toContain('• P0: text message at once');
    expect(await say('contact show')).toContain('*Your own rules*: P0: text message at once');
    expect(await say('contact <@U0ALICE>', 'U0LEAD')).toContain('*Their own rules*: P0: text message at once');
    await t.event({ type: 'app_home_opened', user: 'U0ALICE', channel: 'DU0ALICE', tab: 'home', event_ts: '1.1' });
    await t.settled();
    await t.app.drainer.drain();
    expect(JSON.stringify(t.standIn.home('U0ALICE')?.view)).toContain('*Your own rules*: P0: text message at once');
    expect(await say('contact drop text P0')).toContain('Removed your rule for text message on P0');
    expect(await say('contact drop text P0')).toContain('You have no rule for text message on P0');
    expect(await say('contact drop fax P0')).toContain('"fax" is not a way to reach you');
    await say('page --severity P0 checkout down', 'U0DAN');
    expect(await reachedOver(1)).toEqual(['0 slack', '1 push']);
  });

  it('wrong input says what was wrong and how to write it', async () => {
    await started();
    expect(await say('contact also sms P7 now')).toMatch(
      /"P7" is not a severity; use one of P0, P1, P2, P3\. Usage: `\/oncall contact also/,
    );
    expect(await say('contact also sms P2 now')).toContain('P2 never pages anyone');
  });
});
