/** The policy's `grouping` key, globally and per integration: defaults, overrides, and clear errors. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_GROUPING, groupingFor } from '../../src/config/policy.js';
import { MINUTE } from '../../src/time/clock.js';
import { parse, problems } from './policy-support.js';

const integration = (extra = '') => `integrations: { prom: { format: alertmanager, routes: [{ rotation: web }]${extra} } }`;

describe('grouping in the policy', () => {
  it('by default: service and alert name within 5 minutes', () => {
    const policy = parse(integration());
    expect(policy.grouping).toEqual({ by: ['service', 'alertname'], windowMs: 5 * MINUTE });
    expect(groupingFor(policy, policy.integrations.prom!)).toEqual(DEFAULT_GROUPING);
  });

  it('globally, and per integration key by key (the integration wins where it says something)', () => {
    const policy = parse('grouping: { by: [service], window: 10m }', integration(', grouping: { window: 2m }'));
    expect(policy.grouping).toEqual({ by: ['service'], windowMs: 10 * MINUTE });
    expect(groupingFor(policy, policy.integrations.prom!)).toEqual({ by: ['service'], windowMs: 2 * MINUTE });
    const byLabel = parse(integration(', grouping: { by: [labels.cluster, alertname] }'));
    expect(groupingFor(byLabel, byLabel.integrations.prom!)).toEqual({ by: ['labels.cluster', 'alertname'], windowMs: 5 * MINUTE });
  });

  it.each([
    [
      'grouping: { by: [service, team] }',
      'oncall.policy.yml:2 grouping.by[1]: expected one of service, alertname, severity, summary or labels.<name> (one of the alert\'s labels, e.g. labels.cluster), got "team"',
    ],
    [
      'grouping: { by: [labels.] }',
      'oncall.policy.yml:2 grouping.by[0]: expected one of service, alertname, severity, summary or labels.<name> (one of the alert\'s labels, e.g. labels.cluster), got "labels."',
    ],
    ['grouping: { window: soon }', 'oncall.policy.yml:2 grouping.window: expected a duration like "15m", got "soon"'],
    ['grouping: { by: service }', 'oncall.policy.yml:2 grouping.by: expected a list, got "service"'],
    ['grouping: { windw: 5m }', 'oncall.policy.yml:2 grouping.windw: unknown key "windw" (did you mean "window"?)'],
  ])('%s is refused: %s', (line, problem) => {
    expect(problems(line)).toEqual([problem]);
  });

  it('per integration, an unknown field is named where it stands', () => {
    expect(problems(integration(', grouping: { by: [host] }'))[0]).toMatch(
      /^oncall\.policy\.yml:2 integrations\.prom\.grouping\.by\[0\]: expected one of service, alertname, severity, summary or labels\.<name>/,
    );
  });
});
