import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../src/config/policy.js';
import { humanDuration, nextUpdateDue, reminderInterval } from '../../src/incidents/cadence.js';
import { incidentChannelName, slugify } from '../../src/incidents/channel-name.js';
import { postmortemDueAt } from '../../src/incidents/postmortem.js';
import { answersFrom, suggestSeverity, tagsFrom } from '../../src/incidents/triage.js';
import { HOUR, MINUTE } from '../../src/time/clock.js';

describe('severity triage', () => {
  it.each([
    [[], 'dev', 3, 'production is not affected'],
    [['critical_flow'], 'dev', 2, 'a critical flow is broken outside production'],
    [['production'], 'dev', 1, 'production is degraded with no workaround'],
    [[], 'prod', 1, 'production is degraded with no workaround'],
    [['production', 'workaround'], 'prod', 2, 'production is degraded and a workaround exists'],
    [['production', 'critical_flow', 'workaround'], 'prod', 1, 'a critical flow is broken in production, but a workaround exists'],
    [['production', 'critical_flow'], 'prod', 0, 'a critical flow is broken in production with no workaround'],
    [['data_security', 'workaround'], 'local', 0, 'possible data exposure or security problem'],
  ])('ticked %j in %s suggests rank %i (%s)', (ticked, environment, rank, reason) => {
    expect(suggestSeverity(answersFrom(ticked, environment))).toEqual({ rank, reason });
  });

  it('tags data and security only when that question is ticked', () => {
    expect(tagsFrom(answersFrom(['data_security'], 'prod'))).toEqual(['data', 'security']);
    expect(tagsFrom(answersFrom(['production', 'critical_flow'], 'prod'))).toEqual([]);
  });
});

describe('update cadence', () => {
  const { reminders } = defaultPolicy();
  const t0 = Date.parse('2026-11-20T10:00:00Z');

  it.each([
    ['P0', 'investigating', 15],
    ['P0', 'mitigating', 15],
    ['P0', 'monitoring', 30],
    ['P1', 'investigating', 15],
    ['P1', 'monitoring', 30],
    ['P2', 'investigating', 60],
    ['P2', 'monitoring', 60],
  ] as const)('%s while %s: every %i min', (severity, status, minutes) => {
    expect(reminderInterval(reminders[severity], status)).toBe(minutes * MINUTE);
    expect(nextUpdateDue(reminders[severity], status, t0)).toBe(t0 + minutes * MINUTE);
  });

  it('no reminder once resolved, nor for a severity without a cadence (P3)', () => {
    expect(nextUpdateDue(reminders.P0, 'resolved', t0)).toBeNull();
    expect(nextUpdateDue(reminders.P3, 'investigating', t0)).toBeNull();
  });

  it('an update at minute 14 moves the next reminder to minute 29', () => {
    expect(nextUpdateDue(reminders.P1, 'investigating', t0 + 14 * MINUTE)).toBe(t0 + 29 * MINUTE);
  });

  it('says durations the way people do', () => {
    expect(humanDuration(14 * MINUTE + 20_000)).toBe('14 min');
    expect(humanDuration(HOUR)).toBe('1 h');
    expect(humanDuration(HOUR + 5 * MINUTE)).toBe('1 h 5 min');
  });
});

describe('postmortem due dates', () => {
  const london = { zone: 'Europe/London', days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' };
  const newYork = { ...london, zone: 'America/New_York' };

  it.each([
    // Thursday 15:00 -> Friday is day 1, Monday day 2.
    ['Thursday afternoon', london, '2026-11-19T15:00:00Z', '2026-11-23T15:00:00Z'],
    // Friday evening, after hours: counting starts Monday 09:00, so Wednesday 09:00.
    ['Friday evening', london, '2026-11-20T19:30:00Z', '2026-11-25T09:00:00Z'],
    // Saturday: the weekend does not count.
    ['Saturday', london, '2026-11-21T11:00:00Z', '2026-11-25T09:00:00Z'],
    // London leaves summer time on Sunday 2026-10-25: Friday 15:00 BST (14:00Z) -> Tuesday 15:00 GMT (15:00Z).
    ['across the end of summer time in London', london, '2026-10-23T14:00:00Z', '2026-10-27T15:00:00Z'],
    // New York starts DST on Sunday 2026-03-08: Thursday 15:00 EST (20:00Z) -> Monday 15:00 EDT (19:00Z).
    ['across the start of DST in New York', newYork, '2026-03-05T20:00:00Z', '2026-03-09T19:00:00Z'],
  ])('2 business days after %s', (_, hours, resolved, due) => {
    expect(new Date(postmortemDueAt(Date.parse(resolved), { kind: 'business_days', days: 2 }, hours)).toISOString()).toBe(
      new Date(due).toISOString(),
    );
  });

  it('a wall-clock duration (24 h for P0) ignores weekends', () => {
    const friday = Date.parse('2026-11-20T17:00:00Z');
    expect(postmortemDueAt(friday, { kind: 'wall', ms: 24 * HOUR }, london)).toBe(friday + 24 * HOUR);
  });
});

describe('incident channel names', () => {
  const at = Date.parse('2026-11-20T23:30:00Z');

  it('inc-<date in the team zone>-<slug>, -2 when taken', () => {
    expect(incidentChannelName('Checkout returns 500s!', at, 'UTC')).toBe('inc-20261120-checkout-returns-500s');
    // Already the 21st in Sydney.
    expect(incidentChannelName('Checkout returns 500s!', at, 'Australia/Sydney')).toBe('inc-20261121-checkout-returns-500s');
    expect(incidentChannelName('Checkout', at, 'UTC', 2)).toBe('inc-20261120-checkout-2');
  });

  it('keeps within Slack rules: lowercase ascii, hyphens, at most 80 characters', () => {
    expect(slugify('Café DOWN — über alles')).toBe('cafe-down-uber-alles');
    expect(slugify('🔥🔥')).toBe('incident');
    const long = incidentChannelName('a very long title '.repeat(10), at, 'UTC', 3);
    expect(long.length).toBeLessThanOrEqual(80);
    expect(long).toMatch(/^inc-20261120-[a-z0-9-]+[a-z0-9]-3$/);
  });
});
