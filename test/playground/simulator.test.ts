/**
 * Transcripts of the simulator: the unchanged bot on a fake clock against its own stand-in. The policy is the
 * built-in preset's chains (DESIGN.md's table) with one rotation added, since the preset alone has nobody to
 * page: backend, weekly from Monday 2026-01-05 09:00 UTC, Alice, Bob, Carol, Dan. In the week of Saturday
 * 2026-11-28 (shift 46) Carol is primary and Dan secondary; from Monday 2026-11-30 09:00 Dan and Alice.
 */
import { describe, expect, it } from 'vitest';
import { createOncallApp } from '../../src/app.js';
import { parsePolicyText, type Policy } from '../../src/config/policy.js';
import { resolveSimulation } from '../../src/playground/simulator-args.js';
import { formatWall, partyText, renderText, timelineLines } from '../../src/playground/simulator-timeline.js';
import { simulate, type SimulationRecord } from '../../src/playground/simulator.js';
import { captureLogs } from '../support/common.js';
import { pagingPolicy } from '../support/paging-scenario.js';

const ZONE = 'Europe/London';

async function run(
  policy: Policy,
  severity: string,
  at: string,
  ackAfter?: string,
  horizonMs?: number,
): Promise<{ record: SimulationRecord; lines: string[] }> {
  const request = resolveSimulation({ severity, at, zone: ZONE, ackAfter }, policy, 0);
  if (!request.ok) throw new Error(request.problem.message);
  const logs = captureLogs();
  const record = await simulate({ createApp: createOncallApp, policy, logger: logs.logger, horizonMs }, request.value);
  // The simulated bot had nothing to warn about.
  expect(logs.lines.filter((l) => /"level":(40|50|60)/.test(l))).toEqual([]);
  const lines = timelineLines(record, policy).map((l) =>
    [formatWall(l.at, ZONE), l.what, partyText(policy, l.who), l.why].filter(Boolean).join(' | '),
  );
  return { record, lines };
}

const ALERTS = '#C0ALERTS (alerts, backend alerts)';

describe('simulator transcripts against the preset chains', () => {
  it('P0 on Saturday 03:00: primary, secondary, lead, CTO 15 min apart, twice; the lead told at once, the CTO at 2 h', async () => {
    const policy = pagingPolicy();
    const { lines, record } = await run(policy, 'P0', '2026-11-28 03:00');
    const step = (n: number, round: number, target: string, wait: string) => `P0 step ${n} of 4, round ${round} of 2: ${target}, ${wait}`;
    expect(lines).toEqual([
      'Sat 28 Nov 03:00 | page #1 raised | P0 on rotation backend (`/oncall page backend --severity P0`)',
      `Sat 28 Nov 03:00 | DM (page) | U0CAROL | ${step(1, 1, 'primary', 'at once')}`,
      `Sat 28 Nov 03:00 | channel post | ${ALERTS} | ${step(1, 1, 'primary', 'at once')}`,
      'Sat 28 Nov 03:00 | DM (FYI) | U0LEAD (engineering_lead) | notify rule: tell engineering_lead when a P0 is raised',
      'Sat 28 Nov 03:05 | ack SLA passed | nobody acknowledged within the P0 ack SLA of 5m (a breach in `/oncall pages` and reports; no message)',
      `Sat 28 Nov 03:15 | DM (page) | U0DAN | ${step(2, 1, 'secondary', '15m after step 1')}`,
      `Sat 28 Nov 03:15 | channel post | ${ALERTS} | ${step(2, 1, 'secondary', '15m after step 1')}`,
      `Sat 28 Nov 03:30 | DM (page) | U0LEAD (engineering_lead) | ${step(3, 1, 'engineering_lead', '15m after step 2')}`,
      `Sat 28 Nov 03:30 | channel post | ${ALERTS} | ${step(3, 1, 'engineering_lead', '15m after step 2')}`,
      `Sat 28 Nov 03:45 | DM (page) | U0CTO (cto) | ${step(4, 1, 'cto', '15m after step 3')}`,
      `Sat 28 Nov 03:45 | channel post | ${ALERTS} | ${step(4, 1, 'cto', '15m after step 3')}`,
      `Sat 28 Nov 04:00 | DM (page) | U0CAROL | ${step(1, 2, 'primary', 'the chain starts again')}`,
      `Sat 28 Nov 04:00 | channel post | ${ALERTS} | ${step(1, 2, 'primary', 'the chain starts again')}`,
      `Sat 28 Nov 04:15 | DM (page) | U0DAN | ${step(2, 2, 'secondary', '15m after step 1')}`,
      `Sat 28 Nov 04:15 | channel post | ${ALERTS} | ${step(2, 2, 'secondary', '15m after step 1')}`,
      `Sat 28 Nov 04:30 | DM (page) | U0LEAD (engineering_lead) | ${step(3, 2, 'engineering_lead', '15m after step 2')}`,
      `Sat 28 Nov 04:30 | channel post | ${ALERTS} | ${step(3, 2, 'engineering_lead', '15m after step 2')}`,
      `Sat 28 Nov 04:45 | DM (page) | U0CTO (cto) | ${step(4, 2, 'cto', '15m after step 3')}`,
      `Sat 28 Nov 04:45 | channel post | ${ALERTS} | ${step(4, 2, 'cto', '15m after step 3')}`,
      `Sat 28 Nov 05:00 | post | ${ALERTS} | the P0 chain ran 2 rounds with nobody acknowledging`,
      'Sat 28 Nov 05:00 | DM (FYI) | U0CTO (cto) | notify rule: tell cto when a P0 is still unmitigated after 2h',
      'Sat 28 Nov 05:00 | end | the chain is exhausted; page #1 stays open (anyone can still acknowledge it) and nothing more is due',
    ]);
    // The lines are the bot's own messages: the stand-in received exactly these, DMs carrying the page.
    expect(
      record.messages.filter((m) => m.channel.startsWith('U0') && m.text.startsWith(':rotating_light:')).map((m) => m.channel),
    ).toEqual(['U0CAROL', 'U0DAN', 'U0LEAD', 'U0CTO', 'U0CAROL', 'U0DAN', 'U0LEAD', 'U0CTO']);
    expect(record.page).toMatchObject({ status: 'open', exhaustedAt: record.request.at + 120 * 60_000 });
  });

  it('P1 on Saturday 03:00: the secondary only at 45 min, then 15 min steps; the lead told at 1 h', async () => {
    const policy = pagingPolicy();
    const { lines } = await run(policy, 'P1', '2026-11-28 03:00');
    const dms = lines.filter((l) => l.includes('| DM (page) |'));
    expect(dms).toEqual([
      'Sat 28 Nov 03:00 | DM (page) | U0CAROL | P1 step 1 of 4, round 1 of 2: primary, at once',
      'Sat 28 Nov 03:45 | DM (page) | U0DAN | P1 step 2 of 4, round 1 of 2: secondary, 45m after step 1',
      'Sat 28 Nov 04:00 | DM (page) | U0LEAD (engineering_lead) | P1 step 3 of 4, round 1 of 2: engineering_lead, 15m after step 2',
      'Sat 28 Nov 04:15 | DM (page) | U0CTO (cto) | P1 step 4 of 4, round 1 of 2: cto, 15m after step 3',
      'Sat 28 Nov 04:30 | DM (page) | U0CAROL | P1 step 1 of 4, round 2 of 2: primary, the chain starts again',
      'Sat 28 Nov 05:15 | DM (page) | U0DAN | P1 step 2 of 4, round 2 of 2: secondary, 45m after step 1',
      'Sat 28 Nov 05:30 | DM (page) | U0LEAD (engineering_lead) | P1 step 3 of 4, round 2 of 2: engineering_lead, 15m after step 2',
      'Sat 28 Nov 05:45 | DM (page) | U0CTO (cto) | P1 step 4 of 4, round 2 of 2: cto, 15m after step 3',
    ]);
    expect(lines.filter((l) => !l.includes('| DM (page) |') && !l.includes('| channel post |'))).toEqual([
      'Sat 28 Nov 03:00 | page #1 raised | P1 on rotation backend (`/oncall page backend --severity P1`)',
      'Sat 28 Nov 03:15 | ack SLA passed | nobody acknowledged within the P1 ack SLA of 15m (a breach in `/oncall pages` and reports; no message)',
      `Sat 28 Nov 06:00 | post | ${ALERTS} | the P1 chain ran 2 rounds with nobody acknowledging`,
      'Sat 28 Nov 06:00 | end | the chain is exhausted; page #1 stays open (anyone can still acknowledge it) and nothing more is due',
    ]);
    // Every page DM has its channel line at the same minute.
    expect(lines.filter((l) => l.includes('| channel post |')).map((l) => l.slice(0, 16))).toEqual(dms.map((l) => l.slice(0, 16)));
  });

  it('P2 on Saturday 03:00 (night, weekend): only a channel notice until Monday 09:00, then the new primary, the secondary 4 business hours later', async () => {
    const policy = pagingPolicy();
    const { lines, record } = await run(policy, 'P2', '2026-11-28 03:00');
    const flags = '(chat only; quiet at night: only in business hours)';
    expect(lines).toEqual([
      'Sat 28 Nov 03:00 | page #1 raised | P2 on rotation backend (`/oncall page backend --severity P2`)',
      `Sat 28 Nov 03:00 | post | ${ALERTS} | the P2 chain is quiet at night: held until business hours`,
      'Mon 30 Nov 08:00 | DM | U0CAROL | not this page: handoff.prompt timer',
      // Chat-only: one plain message in the channel naming the primary, no siren DM (seed 002's "Slack message to primary").
      `Mon 30 Nov 09:00 | chat message | ${ALERTS} | P2 step 1 of 2: primary, at once ${flags}`,
      // The ack SLA counts from when the first person is told (seed 002), not from 03:00 while nobody knew.
      'Mon 30 Nov 09:30 | ack SLA passed | nobody acknowledged within the P2 ack SLA of 30m (a breach in `/oncall pages` and reports; no message)',
      'Mon 30 Nov 11:00 | DM | U0DAN | not this page: handoff.unconfirmed timer',
      `Mon 30 Nov 13:00 | chat message | ${ALERTS} | P2 step 2 of 2: secondary, 4h of business hours after step 1 ${flags}`,
      'Mon 30 Nov 13:00 | DM | U0LEAD (engineering_lead) | not this page: handoff.unconfirmed timer',
      `Mon 30 Nov 17:00 | post | ${ALERTS} | the P2 chain ran 1 round with nobody acknowledging`,
      'Mon 30 Nov 17:00 | end | the chain is exhausted; page #1 stays open (anyone can still acknowledge it) and nothing more is due',
    ]);
    const notice = record.messages.find((m) => m.text.startsWith(':zzz:'))!;
    expect(notice.text).toContain('will notify the on-call at <!date^1796029200^');
    expect(record.pageMessages.filter((m) => m.userId !== null).map((m) => m.userId)).toEqual(['U0DAN', 'U0ALICE']);
  });

  it('--ack-after 50m: the last person paged acknowledges, the chain stops, every page message is edited; the lead is still told at 1 h', async () => {
    const policy = pagingPolicy();
    const { lines, record } = await run(policy, 'P1', '2026-11-28 03:00', '50m');
    expect(lines).toEqual([
      'Sat 28 Nov 03:00 | page #1 raised | P1 on rotation backend (`/oncall page backend --severity P1`)',
      'Sat 28 Nov 03:00 | DM (page) | U0CAROL | P1 step 1 of 4, round 1 of 2: primary, at once',
      `Sat 28 Nov 03:00 | channel post | ${ALERTS} | P1 step 1 of 4, round 1 of 2: primary, at once`,
      'Sat 28 Nov 03:15 | ack SLA passed | nobody acknowledged within the P1 ack SLA of 15m (a breach in `/oncall pages` and reports; no message)',
      'Sat 28 Nov 03:45 | DM (page) | U0DAN | P1 step 2 of 4, round 1 of 2: secondary, 45m after step 1',
      `Sat 28 Nov 03:45 | channel post | ${ALERTS} | P1 step 2 of 4, round 1 of 2: secondary, 45m after step 1`,
      'Sat 28 Nov 03:50 | presses Acknowledge | U0DAN | the last person paged, 50m after the page',
      'Sat 28 Nov 03:50 | edit | U0CAROL | page acknowledged: its DM of step 1 now says so',
      `Sat 28 Nov 03:50 | edit | ${ALERTS} | page acknowledged: its channel post of step 1 now says so`,
      'Sat 28 Nov 03:50 | edit | U0DAN | page acknowledged: its DM of step 2 now says so',
      `Sat 28 Nov 03:50 | edit | ${ALERTS} | page acknowledged: its channel post of step 2 now says so`,
      'Sat 28 Nov 04:00 | DM (FYI) | U0LEAD (engineering_lead) | notify rule: tell engineering_lead when a P1 is still unresolved after 1h',
      'Sat 28 Nov 04:00 | end | page #1 acknowledged by U0DAN; nothing more is due',
    ]);
    expect(record.page).toMatchObject({
      status: 'acknowledged',
      ackedBy: 'U0DAN',
      ackedAt: record.request.at + 50 * 60_000,
      exhaustedAt: null,
    });
    expect(
      record.messages
        .filter((m) => m.method === 'chat.update')
        .every((m) => m.text.includes(':white_check_mark: Acknowledged by <@U0DAN>')),
    ).toBe(true);
  });

  it('a night P2 acknowledged after 30m never reaches anyone: a rotation member acknowledges it before the morning', async () => {
    const policy = pagingPolicy();
    const { lines, record } = await run(policy, 'P2', '2026-11-28 03:00', '30m');
    expect(lines.filter((l) => l.includes('DM (page)'))).toEqual([]);
    expect(lines).toContain(
      'Sat 28 Nov 03:30 | presses Acknowledge | U0ALICE | a member of backend (nobody had been paged yet), 30m after the page',
    );
    expect(lines.at(-1)).toBe('Sat 28 Nov 03:30 | end | page #1 acknowledged by U0ALICE; nothing more is due');
    expect(record.page?.status).toBe('acknowledged');
  });

  it('the terminal rendering: a header with the zone and offset, aligned columns, what the bot said, who was paged', async () => {
    const policy = pagingPolicy();
    const { record } = await run(policy, 'P1', '2026-11-28 03:00', '50m');
    const text = renderText(record, policy, 'paging.yml');
    const rows = text.split('\n');
    expect(rows[0]).toBe(
      'Dry run: a P1 page on rotation backend, raised Sat 28 Nov 2026 03:00 Europe/London (UTC+00:00); the last person paged presses Acknowledge after 50m.',
    );
    expect(rows).toContain(
      'Sat 28 Nov 03:45  DM (page)            U0DAN                               P1 step 2 of 4, round 1 of 2: secondary, 45m after step 1',
    );
    expect(text).toContain(
      '| "[P1] Simulated P1 page (dry run): :white_check_mark: Acknowledged by @U0DAN via Slack button at 28 Nov 2026, 03:50 UTC (after the ack SLA), 50 min after it s..."',
    );
    expect(rows.at(-1)).toBe('Paged: U0CAROL at Sat 28 Nov 03:00, U0DAN at Sat 28 Nov 03:45.');
  });

  it('times are typed and shown in the zone asked for: 03:00 in New York is 08:00 UTC', async () => {
    const policy = pagingPolicy();
    const request = resolveSimulation({ severity: 'P1', at: '2026-11-28 03:00', zone: 'America/New_York' }, policy, 0);
    if (!request.ok) throw new Error(request.problem.message);
    const record = await simulate({ createApp: createOncallApp, policy, logger: captureLogs().logger }, request.value);
    expect(record.page?.createdAt).toBe(Date.UTC(2026, 10, 28, 8, 0));
    expect(renderText(record, policy, 'paging.yml')).toContain('Sat 28 Nov 03:45  DM (page)');
  });

  it('a step whose target is nobody (no lead or CTO under people) is skipped at once; with no channel, the end of the chain is told to whoever raised the page', async () => {
    const policy = parsePolicyText(
      [
        'rotations:',
        '  backend:',
        '    members: [U0ALICE, U0BOB, U0CAROL, U0DAN]',
        '    shift: { every: 1w, handoff: "mon 09:00", timezone: UTC, start: "2026-01-05" }',
      ].join('\n'),
      'nobody.yml',
    );
    const { lines } = await run(policy, 'P1', '2026-11-28 03:00');
    expect(lines.filter((l) => !l.includes('ack SLA'))).toEqual([
      'Sat 28 Nov 03:00 | page #1 raised | P1 on rotation backend (`/oncall page backend --severity P1`)',
      'Sat 28 Nov 03:00 | DM (page) | U0CAROL | P1 step 1 of 4, round 1 of 2: primary, at once',
      'Sat 28 Nov 03:45 | DM (page) | U0DAN | P1 step 2 of 4, round 1 of 2: secondary, 45m after step 1',
      // Steps 3 and 4 name roles the policy leaves unset: skipped at once, so round 2 starts at 04:00.
      'Sat 28 Nov 04:00 | DM (page) | U0CAROL | P1 step 1 of 4, round 2 of 2: primary, the chain starts again',
      'Sat 28 Nov 04:45 | DM (page) | U0DAN | P1 step 2 of 4, round 2 of 2: secondary, 45m after step 1',
      'Sat 28 Nov 05:00 | DM | U0SIMULATION (the simulation) | the P1 chain ran 2 rounds with nobody acknowledging',
      'Sat 28 Nov 05:00 | end | the chain is exhausted; page #1 stays open (anyone can still acknowledge it) and nothing more is due',
    ]);
  });

  it('a page still climbing at the horizon: the simulation says where it stopped', async () => {
    const { lines, record } = await run(pagingPolicy(), 'P1', '2026-11-28 03:00', undefined, 50 * 60_000);
    expect(record.end.reason).toBe('horizon');
    expect(lines.at(-1)).toBe('Sat 28 Nov 03:50 | simulation stops | page #1 is still open 50m after it was raised');
    expect(lines.filter((l) => l.includes('DM (page)')).map((l) => l.slice(11, 16))).toEqual(['03:00', '03:45']);
  });
});
