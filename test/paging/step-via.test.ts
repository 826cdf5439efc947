/**
 * A step's via through the real app (seed 003: "CTO (phone call)"): `{ after: 2m, page: cto, via: voice }` calls
 * the CTO at once when the step comes, besides the Slack DM, through the Twilio stand-in; a CTO who verified no
 * phone gets the DM alone and the alerts channel says the method is not verified (no number anywhere).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TwilioStandIn } from '../../src/playground/twilio-stand-in.js';
import { MINUTE } from '../../src/time/clock.js';
import type { TestApp } from '../support/harness.js';
import { pagingPolicy, WED_0300 } from '../support/paging-scenario.js';
import { startWithProviders, stopProviders, verifyWays, ALICE_PHONE } from '../support/providers.js';

const CTO_PHONE = '+447700900999';

let t: TestApp;
let twilio: TwilioStandIn;
afterEach(stopProviders);

async function started(): Promise<void> {
  ({ t, twilio } = await startWithProviders({
    at: WED_0300,
    providers: ['twilio'],
    // The severity's own wake rules call nobody, so every call is the step's via.
    policy: pagingPolicy([
      'escalation:',
      '  default:',
      '    P0: { loops: 1, steps: [{ page: primary }, { after: 2m, page: cto, via: voice }] }',
      'wake: { P0: [{ via: slack }] }',
    ]),
  }));
}

/** Minute by minute: Slack page DMs, calls, and the channel's notes about via, as "minute what" lines. */
async function over(minutes: number): Promise<string[]> {
  const lines: string[] = [];
  let calls = 0;
  for (let minute = 0; minute <= minutes; minute += 1) {
    if (minute > 0) await t.advance(MINUTE);
    await t.app.drainer.drain();
    for (const c of t.standIn.take('chat.postMessage')) {
      const text = String(c.args.text);
      if (text.startsWith(':rotating_light:') && String(c.args.channel).startsWith('U'))
        lines.push(`${minute} slack ${String(c.args.channel)}`);
      if (text.includes('also reaches by')) lines.push(`${minute} ${String(c.args.channel)}: ${text}`);
    }
    for (const c of twilio.calls.slice(calls)) lines.push(`${minute} call ${c.to}`);
    calls = twilio.calls.length;
  }
  return lines;
}

describe("an escalation step's via", () => {
  it('calls the CTO at once when their step comes, besides the DM; the primary, whose step names no via, is not called', async () => {
    await started();
    verifyWays(t, 'U0CTO', { voice: CTO_PHONE });
    verifyWays(t, 'U0ALICE', { voice: ALICE_PHONE });
    await t.command('/oncall', 'page --severity P0 checkout down', 'U0DAN');
    expect(await over(4)).toEqual(['0 slack U0ALICE', '2 slack U0CTO', `2 call ${CTO_PHONE}`]);
  });

  it('a CTO who verified no phone gets the DM alone, and the alerts channel says voice is not verified', async () => {
    await started();
    await t.command('/oncall', 'page --severity P0 checkout down', 'U0DAN');
    expect(await over(4)).toEqual([
      '0 slack U0ALICE',
      '2 slack U0CTO',
      '2 C0ALERTS: :information_source: [P0] checkout down (#1): step 2 also reaches by voice, which <@U0CTO> has not verified: Slack only.',
    ]);
    expect(t.logs.lines.join('\n')).not.toContain(CTO_PHONE);
  });
});
