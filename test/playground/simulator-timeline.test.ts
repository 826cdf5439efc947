import { describe, expect, it } from 'vitest';
import { formatDuration, formatOffset, formatWall, plainText, stepRule } from '../../src/playground/simulator-timeline.js';
import { defaultPolicy } from '../../src/config/policy.js';

describe('timeline words (pure)', () => {
  it.each([
    [45 * 60_000, '45m'],
    [90 * 60_000, '1h30m'],
    [4 * 3_600_000, '4h'],
    [2 * 86_400_000, '2d'],
    [30_000, '30s'],
  ])('formatDuration(%d) = %s', (ms, text) => expect(formatDuration(ms)).toBe(text));

  it('wall times and offsets come from the zone, across the London clock change', () => {
    expect(formatWall(Date.parse('2026-03-29T00:30:00Z'), 'Europe/London', true)).toBe('Sun 29 Mar 2026 00:30');
    expect(formatWall(Date.parse('2026-03-29T01:30:00Z'), 'Europe/London')).toBe('Sun 29 Mar 02:30');
    // Fall back in New York: 01:55 EDT, then five minutes later 01:00 EST; each shown with its offset. Outside that hour, no offset.
    expect(formatWall(Date.parse('2026-11-01T05:55:00Z'), 'America/New_York')).toBe('Sun 1 Nov 01:55 UTC-04:00');
    expect(formatWall(Date.parse('2026-11-01T06:00:00Z'), 'America/New_York')).toBe('Sun 1 Nov 01:00 UTC-05:00');
    expect(formatWall(Date.parse('2026-11-01T07:00:00Z'), 'America/New_York')).toBe('Sun 1 Nov 02:00');
    expect(formatWall(Date.parse('2026-11-01T04:59:00Z'), 'America/New_York')).toBe('Sun 1 Nov 00:59');
    expect(formatOffset('Europe/London', Date.parse('2026-03-29T01:30:00Z'))).toBe('UTC+01:00');
    expect(formatOffset('America/New_York', Date.parse('2026-11-28T08:00:00Z'))).toBe('UTC-05:00');
  });

  it('plainText turns Slack markup into what a terminal shows', () => {
    expect(
      plainText(
        ':white_check_mark: Acknowledged by <@U0DAN> at <!date^1795837800^{date_short_pretty} {time}|28 Nov 2026, 03:50 UTC> in <#C0ALERTS|alerts>, <!subteam^S0ONCALL>',
      ),
    ).toBe('Acknowledged by @U0DAN at 28 Nov 2026, 03:50 UTC in #alerts, @S0ONCALL');
  });

  it('stepRule names the step, the round, the target and the wait, from the chain', () => {
    const p2 = defaultPolicy().escalation.default!.P2!;
    expect(stepRule(p2, 'P2', 1, 0)).toBe(
      'P2 step 2 of 2: secondary, 4h of business hours after step 1 (chat only; quiet at night: only in business hours)',
    );
    const p0 = defaultPolicy().escalation.default!.P0!;
    expect(stepRule(p0, 'P0', 0, 1)).toBe('P0 step 1 of 4, round 2 of 2: primary, the chain starts again');
    expect(stepRule(null, 'P3', 0, 0)).toBe(
      "P3 step 1 (no chain for P3 in the policy: the bot's fallback, the primary once in business hours)",
    );
  });
});
