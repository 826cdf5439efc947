/**
 * The five teams' policies (../shared/seeds/), each written as a policy file in our own words beside this test,
 * run through the simulator (the unchanged bot on a fake clock against its stand-in). Each expected timeline
 * was checked against the seed's sentences, quoted above it. Lines about other timers (handoff reminders,
 * shift changes) are left out: only what the page did.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createOncallApp } from '../../src/app.js';
import { loadPolicyFile } from '../../src/config/policy.js';
import { resolveSimulation } from '../../src/playground/simulator-args.js';
import { formatWall, partyText, timelineLines } from '../../src/playground/simulator-timeline.js';
import { simulate } from '../../src/playground/simulator.js';
import { captureLogs } from '../support/common.js';

const policyOf = (name: string) => loadPolicyFile(fileURLToPath(new URL(`./${name}.policy.yml`, import.meta.url)));

/** "time | what | who" for each line about the page, in the policy's zone. */
async function timeline(
  name: string,
  severity: string,
  at: string,
  ackAfter?: string,
  ackBy?: string,
  groups?: string[],
): Promise<string[]> {
  const policy = policyOf(name);
  const request = resolveSimulation({ severity, at, ackAfter, ackBy, groups }, policy, 0);
  if (!request.ok) throw new Error(request.problem.message);
  const logs = captureLogs();
  const record = await simulate({ createApp: createOncallApp, policy, logger: logs.logger }, request.value);
  expect(logs.lines.filter((l) => /"level":(40|50|60)/.test(l))).toEqual([]);
  return timelineLines(record, policy)
    .filter((l) => !l.why.startsWith('not this page') && l.what !== 'page #1 raised' && l.what !== 'edit')
    .map((l) => [formatWall(l.at, request.value.zone), l.what, partyText(policy, l.who)].filter(Boolean).join(' | '));
}

describe('seed 000: dev and showcase problems are handled during working hours', () => {
  it('a P2 at Saturday 03:00 waits for Monday 09:00, asks the primary in the team channel, the backup 4 business hours later', async () => {
    expect(await timeline('000-support', 'P2', '2026-11-28 03:00')).toEqual([
      'Sat 28 Nov 03:00 | post | #C0ALERTS (alerts, product alerts)',
      'Mon 30 Nov 09:00 | chat message | #C0PRODUCT (product channel)',
      'Mon 30 Nov 09:30 | ack SLA passed',
      'Mon 30 Nov 13:00 | chat message | #C0PRODUCT (product channel)',
      'Mon 30 Nov 17:00 | post | #C0ALERTS (alerts, product alerts)',
      'Mon 30 Nov 17:00 | end',
    ]);
  });
});

describe('seed 001: SEV-0..SEV-3', () => {
  it('"SEV-2: notify secondary if persistent >30-60 minutes": at any hour, written with steps only (no preset night hold)', async () => {
    expect(await timeline('001-sev', 'SEV2', '2026-11-28 03:00')).toEqual([
      'Sat 28 Nov 03:00 | DM (page) | U0BEA',
      'Sat 28 Nov 03:00 | channel post | #C0ALERTS (alerts, automation alerts)',
      'Sat 28 Nov 03:30 | ack SLA passed',
      'Sat 28 Nov 03:45 | DM (page) | U0CAL',
      'Sat 28 Nov 03:45 | channel post | #C0ALERTS (alerts, automation alerts)',
      'Sat 28 Nov 04:30 | post | #C0ALERTS (alerts, automation alerts)',
      'Sat 28 Nov 04:30 | end',
    ]);
  });

  it('"SEV-3: log as a task": one message in the team channel, nobody paged', async () => {
    expect(await timeline('001-sev', 'SEV3', '2026-11-28 03:00')).toEqual([
      'Sat 28 Nov 03:00 | task logged | #C0AUTOMATION (automation channel)',
      'Sat 28 Nov 03:00 | end',
    ]);
  });

  it('"not stabilized within 15 minutes: escalate to Engineering secondary"; leadership aware of SEV-1', async () => {
    expect(await timeline('001-sev', 'SEV1', '2026-11-28 03:00', '5m')).toEqual([
      'Sat 28 Nov 03:00 | DM (page) | U0BEA',
      'Sat 28 Nov 03:00 | channel post | #C0ALERTS (alerts, automation alerts)',
      'Sat 28 Nov 03:00 | DM (FYI) | U0LEADER (leadership)',
      'Sat 28 Nov 03:05 | presses Acknowledge | U0BEA',
      'Sat 28 Nov 03:20 | DM (page) | U0CAL',
      'Sat 28 Nov 03:20 | channel post | #C0ALERTS (alerts, automation alerts)',
      'Sat 28 Nov 03:20 | end',
    ]);
  });
});

describe('seed 002: Sovren', () => {
  it('"P0: page primary immediately, secondary at 15 min, lead notified at declaration; P0 at 2 h without mitigation: CTO"', async () => {
    expect(await timeline('002-sovren', 'P0', '2026-11-28 03:00')).toEqual([
      'Sat 28 Nov 03:00 | DM (page) | U0ENGC',
      'Sat 28 Nov 03:00 | channel post | #C0ALERTS (alerts, sovren alerts)',
      'Sat 28 Nov 03:00 | DM (FYI) | U0LEAD (engineering_lead)',
      'Sat 28 Nov 03:15 | ack SLA passed',
      'Sat 28 Nov 03:15 | DM (page) | U0ENGD',
      'Sat 28 Nov 03:15 | channel post | #C0ALERTS (alerts, sovren alerts)',
      'Sat 28 Nov 03:30 | DM (page) | U0LEAD (engineering_lead)',
      'Sat 28 Nov 03:30 | channel post | #C0ALERTS (alerts, sovren alerts)',
      'Sat 28 Nov 03:45 | post | #C0ALERTS (alerts, sovren alerts)',
      'Sat 28 Nov 05:00 | DM (page) | U0CTO (cto)',
      'Sat 28 Nov 05:00 | channel post | #C0ALERTS (alerts, sovren alerts)',
      'Sat 28 Nov 05:00 | end',
    ]);
  });

  it('"P2: Slack message to primary; no acknowledgment within 4 hours during business hours: secondary; no overnight pages"', async () => {
    expect(await timeline('002-sovren', 'P2', '2026-11-28 03:00')).toEqual([
      'Sat 28 Nov 03:00 | post | #C0ALERTS (alerts, sovren alerts)',
      'Mon 30 Nov 09:00 | chat message | #C0ALERTS (alerts, sovren alerts)',
      // The 4 business hours count from Monday 09:00, when someone was told: no breach over the weekend.
      'Mon 30 Nov 13:00 | ack SLA passed',
      'Mon 30 Nov 13:00 | chat message | #C0ALERTS (alerts, sovren alerts)',
      'Mon 30 Nov 17:00 | post | #C0ALERTS (alerts, sovren alerts)',
      'Mon 30 Nov 17:00 | end',
    ]);
  });
});

describe('seed 003: ContextInject', () => {
  it('"P1: auto-notify CTO + all engineers immediately"; primary, secondary, lead, CTO 15 min apart, two loops', async () => {
    expect(await timeline('003-contextinject', 'P1', '2026-11-28 03:00')).toEqual([
      'Sat 28 Nov 03:00 | DM (page) | U0ENGA',
      'Sat 28 Nov 03:00 | channel post | #C0ALERTS (alerts, platform alerts)',
      'Sat 28 Nov 03:00 | DM (FYI) | U0CTO (cto)',
      // The group S0ALLENG is mentioned where the page is followed (its members get DMs once Slack has listed them).
      'Sat 28 Nov 03:00 | post | #C0ALERTS (alerts, platform alerts)',
      'Sat 28 Nov 03:05 | ack SLA passed',
      ...['03', '04'].flatMap((h) => [
        `Sat 28 Nov ${h}:15 | DM (page) | U0ENGB`,
        `Sat 28 Nov ${h}:15 | channel post | #C0ALERTS (alerts, platform alerts)`,
        `Sat 28 Nov ${h}:30 | DM (page) | U0LEAD (engineering_lead)`,
        `Sat 28 Nov ${h}:30 | channel post | #C0ALERTS (alerts, platform alerts)`,
        `Sat 28 Nov ${h}:45 | DM (page) | U0CTO (cto)`,
        `Sat 28 Nov ${h}:45 | channel post | #C0ALERTS (alerts, platform alerts)`,
        // "CTO (phone call)": the step's via: voice; the simulated CTO verified no phone, so the channel says Slack only.
        `Sat 28 Nov ${h}:45 | post | #C0ALERTS (alerts, platform alerts)`,
        ...(h === '03'
          ? ['Sat 28 Nov 04:00 | DM (page) | U0ENGA', 'Sat 28 Nov 04:00 | channel post | #C0ALERTS (alerts, platform alerts)']
          : []),
      ]),
      'Sat 28 Nov 05:00 | post | #C0ALERTS (alerts, platform alerts)',
      'Sat 28 Nov 05:00 | end',
    ]);
  });

  it('"P4: next business day": a task in the team channel, its target the next business day', async () => {
    expect(await timeline('003-contextinject', 'P4', '2026-11-28 03:00')).toEqual([
      'Sat 28 Nov 03:00 | task logged | #C0ENGINEERING (platform channel)',
      'Tue 1 Dec 09:00 | ack SLA passed',
      'Tue 1 Dec 09:00 | end',
    ]);
  });
});

describe('seed 003 grown: "expand to a 2-week rotation with 4 engineers", the secondary offset by 1 week', () => {
  // Shift 23 (Mon 23 Nov .. Mon 7 Dec) is Eng D's; the secondary hands off on Mon 30 Nov, from Eng A to Eng B.
  const firstSteps = async (at: string) =>
    (await timeline('003-contextinject-grown', 'P1', at)).filter((l) => l.includes('| DM (page) |')).slice(0, 2);

  it('in the first week of a shift the chain climbs from the primary to the secondary who started the week before', async () => {
    expect(await firstSteps('2026-11-28 03:00')).toEqual([
      'Sat 28 Nov 03:00 | DM (page) | U0ENGD',
      'Sat 28 Nov 03:15 | DM (page) | U0ENGA',
    ]);
  });

  it('in the second week the same primary is backed by the next secondary', async () => {
    expect(await firstSteps('2026-12-02 03:00')).toEqual(['Wed 2 Dec 03:00 | DM (page) | U0ENGD', 'Wed 2 Dec 03:15 | DM (page) | U0ENGB']);
  });
});

describe('seed 004: Jovie', () => {
  it('"acknowledge P0 within 5 minutes; backup: any available engineering owner in #alerts-critical"', async () => {
    expect(await timeline('004-jovie', 'P0', '2026-11-28 03:00')).toEqual([
      'Sat 28 Nov 03:00 | DM (page) | U0TIM (engineering_lead, cto)',
      'Sat 28 Nov 03:00 | channel post | #C0CRITICAL (alerts, launch alerts)',
      'Sat 28 Nov 03:05 | ack SLA passed',
      'Sat 28 Nov 03:05 | channel post | #C0CRITICAL (alerts, launch alerts)',
      'Sat 28 Nov 03:10 | DM (page) | U0TIM (engineering_lead, cto)',
      'Sat 28 Nov 03:10 | channel post | #C0CRITICAL (alerts, launch alerts)',
      'Sat 28 Nov 03:15 | channel post | #C0CRITICAL (alerts, launch alerts)',
      'Sat 28 Nov 03:20 | post | #C0CRITICAL (alerts, launch alerts)',
      'Sat 28 Nov 05:00 | DM (FYI) | U0TIM (engineering_lead, cto)',
      'Sat 28 Nov 05:00 | end',
    ]);
  });

  it("dry run with the group's members given (--group): each is paged at 03:05, and one of them acknowledges", async () => {
    const lines = await timeline('004-jovie', 'P0', '2026-11-28 03:00', '7m', '@U0AMY', ['S0ENGOWNERS=@U0AMY,@U0BO']);
    expect(lines.slice(0, 6)).toEqual([
      'Sat 28 Nov 03:00 | DM (page) | U0TIM (engineering_lead, cto)',
      'Sat 28 Nov 03:00 | channel post | #C0CRITICAL (alerts, launch alerts)',
      'Sat 28 Nov 03:05 | ack SLA passed',
      'Sat 28 Nov 03:05 | DM (page) | U0AMY',
      'Sat 28 Nov 03:05 | DM (page) | U0BO',
      'Sat 28 Nov 03:05 | channel post | #C0CRITICAL (alerts, launch alerts)',
    ]);
    expect(lines.filter((l) => /acknowledg/i.test(l))).toEqual([expect.stringMatching(/^Sat 28 Nov 03:07 \| .*acknowledg.* \| U0AMY/i)]);
    expect(lines.filter((l) => l.startsWith('Sat 28 Nov 03:1'))).toEqual([]);
  });
});

describe('the simulator acts for any paged person (--ack-by)', () => {
  it('seed 002: the CTO acknowledges a P0 at 20 min; the 2 h "without mitigation" rule does not page the one who holds it', async () => {
    const lines = await timeline('002-sovren', 'P0', '2026-11-28 03:00', '20m', 'cto');
    expect(lines).toContain('Sat 28 Nov 03:20 | presses Acknowledge | U0CTO (cto)');
    expect(lines.filter((l) => l.includes('DM (page) | U0CTO'))).toEqual([]);
    expect(lines.at(-1)).toBe('Sat 28 Nov 05:00 | end');
  });

  it('seed 001: someone the SEV-1 never reached and who holds no role is refused, and the chain goes on', async () => {
    const lines = await timeline('001-sev', 'SEV1', '2026-11-28 03:00', '5m', '@U0OUTSIDER');
    expect(lines).toContain('Sat 28 Nov 03:05 | presses Acknowledge | U0OUTSIDER');
    expect(lines).toContain('Sat 28 Nov 03:15 | DM (page) | U0CAL');
  });
});
