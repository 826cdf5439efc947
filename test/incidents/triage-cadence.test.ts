/**
 * Incident statuses and the update cadence, pinned beyond incident-rules.test.ts: the status words people
 * type, the labels shown, every reminder kind in every status, and how durations are said.
 */
import { describe, expect, it } from 'vitest';
import type { Reminder } from '../../src/config/policy.js';
import {
  humanDuration,
  INCIDENT_STATUSES,
  nextUpdateDue,
  parseStatus,
  reminderInterval,
  STATUS_LABELS,
} from '../../src/incidents/cadence.js';
import { answersFrom, suggestSeverity, TRIAGE_QUESTIONS } from '../../src/incidents/triage.js';
import { HOUR, MINUTE } from '../../src/time/clock.js';

describe('incident statuses', () => {
  it('are four, in the order an incident goes through them, each with its label', () => {
    expect(INCIDENT_STATUSES).toEqual(['investigating', 'mitigating', 'monitoring', 'resolved']);
    expect(STATUS_LABELS).toEqual({
      investigating: 'Investigating',
      mitigating: 'Mitigating',
      monitoring: 'Monitoring',
      resolved: 'Resolved',
    });
  });

  it.each([
    ['investigating', 'investigating'],
    ['Mitigating', 'mitigating'],
    ['MONITORING', 'monitoring'],
    ['resolved', 'resolved'],
    ['resolve', null],
    ['', null],
    [undefined, null],
    ['done', null],
  ] as const)('parseStatus(%j) is %j', (word, expected) => {
    expect(parseStatus(word)).toBe(expected);
  });
});

describe('reminder intervals', () => {
  const cadence: Reminder = { kind: 'until_monitoring', untilMonitoringMs: 15 * MINUTE, thenMs: 45 * MINUTE };
  const every: Reminder = { kind: 'every', everyMs: 20 * MINUTE };
  const t0 = Date.UTC(2026, 10, 20, 10);

  it.each([
    ['investigating', 15, 20],
    ['mitigating', 15, 20],
    ['monitoring', 45, 20],
    ['resolved', null, null],
  ] as const)('while %s: until-monitoring %s min, every %s min', (status, untilMonitoring, everyMin) => {
    expect(reminderInterval(cadence, status)).toBe(untilMonitoring === null ? null : untilMonitoring * MINUTE);
    expect(reminderInterval(every, status)).toBe(everyMin === null ? null : everyMin * MINUTE);
    expect(nextUpdateDue(cadence, status, t0)).toBe(untilMonitoring === null ? null : t0 + untilMonitoring * MINUTE);
    expect(reminderInterval(undefined, status)).toBeNull();
    expect(nextUpdateDue(undefined, status, t0)).toBeNull();
  });
});

describe('humanDuration', () => {
  it.each([
    // Under a minute in seconds, as reports say it (time/duration-words.ts); it was "0 min" here.
    [0, '1 s'],
    [-5 * MINUTE, '1 s'],
    [29_999, '30 s'],
    [30_000, '1 min'],
    [59 * MINUTE, '59 min'],
    [59 * MINUTE + 31_000, '1 h'],
    [HOUR, '1 h'],
    [HOUR + MINUTE, '1 h 1 min'],
    [2 * HOUR + 59 * MINUTE, '2 h 59 min'],
    [26 * HOUR, '26 h'],
  ])('%i ms is %j', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});

describe('triage, all sixteen answers', () => {
  it('data exposure always ranks 0; otherwise production, a critical flow and no workaround each push it up', () => {
    const ids = TRIAGE_QUESTIONS.map((q) => q.id);
    expect(ids).toEqual(['production', 'critical_flow', 'data_security', 'workaround']);
    for (let mask = 0; mask < 16; mask += 1) {
      const ticked = ids.filter((_, i) => mask & (1 << i));
      const a = answersFrom(ticked, null);
      const { rank } = suggestSeverity(a);
      const expected = a.data_security ? 0 : a.production ? (a.critical_flow ? 0 : 1) + (a.workaround ? 1 : 0) : a.critical_flow ? 2 : 3;
      expect(rank, ticked.join(',')).toBe(expected);
    }
  });

  it('choosing the prod environment answers "production" too; other environments do not', () => {
    expect(answersFrom([], 'prod').production).toBe(true);
    expect(answersFrom([], 'staging').production).toBe(false);
    expect(answersFrom([], null)).toEqual({ production: false, critical_flow: false, data_security: false, workaround: false });
  });
});
