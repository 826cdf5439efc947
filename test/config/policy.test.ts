import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseDuration, parsePolicyDuration } from '../../src/config/duration.js';
import { defaultPolicy, loadPolicyFile, parsePolicyText, PolicyError } from '../../src/config/policy.js';
import { HOUR, MINUTE, SECOND } from '../../src/time/clock.js';

const EXAMPLE = fileURLToPath(new URL('../../../shared/policy.example.yml', import.meta.url));

function errorOf(text: string): string {
  try {
    parsePolicyText(text, 'oncall.policy.yml');
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    return (error as Error).message;
  }
  throw new Error('expected the policy to be refused');
}

describe('durations', () => {
  it.each([
    ['30s', 30 * SECOND],
    ['15m', 15 * MINUTE],
    ['4h', 4 * HOUR],
    ['2d', 48 * HOUR],
    ['1w', 168 * HOUR],
    ['1h30m', 90 * MINUTE],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it('reads business durations', () => {
    expect(parsePolicyDuration('2 business days')).toEqual({ kind: 'business_days', days: 2 });
    expect(parsePolicyDuration('4 business hours')).toEqual({ kind: 'business_hours', ms: 4 * HOUR });
    expect(parsePolicyDuration('24h')).toEqual({ kind: 'wall', ms: 24 * HOUR });
  });

  it('refuses words and zero', () => {
    expect(() => parseDuration('fifteen')).toThrow('expected a duration like "15m", got "fifteen"');
    expect(() => parseDuration('0m')).toThrow('expected a duration longer than zero');
  });
});

describe('policy file', () => {
  it('loads the shared example as it is', () => {
    const policy = loadPolicyFile(EXAMPLE);
    expect(policy.timezone).toBe('Europe/London');
    expect(policy.rotations.backend?.members).toEqual(['U0ALICE', 'U0BOB', 'U0CAROL', 'U0DAN']);
    expect(policy.rotations.backend?.shift).toEqual({ everyMs: 168 * HOUR, handoffWeekday: 1, handoffTime: '09:00', timezone: 'UTC', start: '2026-01-05' });
    const p1 = policy.escalation.default!.P1!;
    expect(p1.loops).toBe(2);
    expect(p1.steps.map((s) => [s.afterMs, s.page])).toEqual([[0, 'primary'], [45 * MINUTE, 'secondary'], [15 * MINUTE, 'engineering_lead']]);
    expect(policy.escalation.default!.P2).toMatchObject({ chatOnly: true, quietAtNight: true });
    expect(policy.escalation.default!.P2!.steps[1]).toEqual({ afterMs: 4 * HOUR, page: 'secondary', businessHours: true });
    expect(policy.postmortem.due).toEqual({ P0: { kind: 'wall', ms: 24 * HOUR }, P1: { kind: 'business_days', days: 2 } });
    expect(Object.keys(policy.integrations)).toEqual(['prometheus', 'sentry', 'uptime', 'grafana', 'pagerduty', 'jobs']);
    expect(policy.handoffTemplates['custom-short']).toEqual([
      { label: 'Current status', hint: undefined, required: true, multiline: true },
      { label: 'Open risks', hint: undefined, required: false, multiline: true },
    ]);
  });

  it('fills DESIGN.md defaults when the file says nothing', () => {
    const policy = defaultPolicy();
    expect(policy.severities.map((s) => s.id)).toEqual(['P0', 'P1', 'P2', 'P3']);
    expect(policy.ackSlaMs).toEqual({ P0: 5 * MINUTE, P1: 15 * MINUTE, P2: 30 * MINUTE, P3: null });
    expect(policy.escalation.default!.P0!.steps.map((s) => [s.afterMs, s.page])).toEqual([
      [0, 'primary'],
      [15 * MINUTE, 'secondary'],
      [15 * MINUTE, 'engineering_lead'],
      [15 * MINUTE, 'cto'],
    ]);
    expect(policy.escalation.default!.P0!.loops).toBe(2);
    expect(policy.escalation.default!.P1!.steps[1]!.afterMs).toBe(45 * MINUTE);
    expect(policy.escalation.default!.P2).toMatchObject({ chatOnly: true, quietAtNight: true });
    expect(policy.escalation.default!.P3).toBeUndefined();
    expect(policy.reminders).toEqual({
      P0: { kind: 'until_monitoring', untilMonitoringMs: 15 * MINUTE, thenMs: 30 * MINUTE },
      P1: { kind: 'until_monitoring', untilMonitoringMs: 15 * MINUTE, thenMs: 30 * MINUTE },
      P2: { kind: 'every', everyMs: 60 * MINUTE },
    });
    expect(policy.postmortem.required).toEqual(['P0', 'P1']);
    expect(policy.businessHours).toEqual({ zone: 'UTC', days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' });
    expect(policy.notify.map((n) => `${n.when} ${n.severity} ${n.who}`)).toEqual([
      'declared P0 engineering_lead',
      'declared P0 cto',
      'unresolved P1 engineering_lead',
      'unmitigated P0 cto',
    ]);
  });

  it('names the severities of the sev0-sev3 and p1-p4 presets', () => {
    expect(Object.keys(parsePolicyText('preset: sev0-sev3', 'x.yml').escalation.default!)).toEqual(['SEV0', 'SEV1', 'SEV2']);
    expect(parsePolicyText('preset: p1-p4', 'x.yml').ackSlaMs.P1).toBe(5 * MINUTE);
  });

  it('points at the file, line and path of a bad duration', () => {
    const text = [
      'timezone: UTC',
      'escalation:',
      '  default:',
      '    P1:',
      '      steps:',
      '        - { page: primary }',
      '        - { after: fifteen, page: secondary }',
    ].join('\n');
    expect(errorOf(text)).toBe(
      'The policy file oncall.policy.yml has 1 problem:\noncall.policy.yml:7 escalation.default.P1.steps[1].after: expected a duration like "15m", got "fifteen"',
    );
  });

  it('reports every problem at once: unknown key, bad zone, missing escalation policy', () => {
    const text = [
      'timezone: Mars/Olympus',
      'rotations:',
      '  web:',
      '    members: [U0ALICE]',
      '    escalation: nightly',
      'escalation:',
      '  default:',
      '    P0:',
      '      steps:',
      '        - { page: primary, afer: 15m }',
    ].join('\n');
    const message = errorOf(text);
    expect(message).toContain('The policy file oncall.policy.yml has 2 problems:');
    expect(message).toContain('oncall.policy.yml:1 timezone: expected an IANA time zone such as "Europe/London" or "UTC", got "Mars/Olympus"');
    expect(message).toContain('oncall.policy.yml:10 escalation.default.P0.steps[0].afer: unknown key "afer"');
  });

  it('checks references once the shape is right', () => {
    const text = ['rotations:', '  web:', '    members: [U0ALICE]', '    escalation: nightly', 'escalation:', '  default:', '    P9:', '      steps: [{ page: oncall_boss }]'].join('\n');
    const message = errorOf(text);
    expect(message).toContain('oncall.policy.yml:4 rotations.web.escalation: no escalation policy named "nightly" (defined: default)');
    expect(message).toContain('oncall.policy.yml:7 escalation.default.P9: unknown severity "P9" for preset p0-p3 (expected one of P0, P1, P2, P3)');
    expect(message).toContain('escalation.default.P9.steps[0].page: "oncall_boss" is not primary, secondary, a role under people');
  });

  it('reports YAML syntax errors with their line', () => {
    expect(errorOf('timezone: UTC\nrotations:\n  web: [unclosed\n')).toMatch(/^The policy file oncall.policy.yml has 1 problem:\noncall.policy.yml:\d+ YAML syntax: /);
  });

  it('says how to fix a missing file', () => {
    expect(() => loadPolicyFile('/nonexistent/oncall.policy.yml')).toThrow(
      'Cannot read the policy file "/nonexistent/oncall.policy.yml": set POLICY_PATH to your policy file, or copy policy.example.yml there and edit it.',
    );
  });
});
