/** The integration's `declare_incident`: true, false or a list of severities; anything else is refused clearly. */
import { describe, expect, it } from 'vitest';
import { policyJsonSchema } from '../../src/config/policy-json-schema.js';
import { parse, problems } from './policy-support.js';

const integration = (extra: string) => `integrations: { prom: { format: alertmanager, routes: [{ rotation: web }], ${extra} } }`;

describe('declare_incident in the policy', () => {
  it.each([
    ['declare_incident: true', true],
    ['declare_incident: false', false],
    ['declare_incident: [P0]', ['P0']],
    ['declare_incident: [P0, P1]', ['P0', 'P1']],
  ])('%s is read as it is written', (line, value) => {
    expect(parse(integration(line)).integrations.prom!.declare_incident).toEqual(value);
  });

  it('left out, nothing declares', () => {
    expect(parse(integration('grouping: { window: 5m }')).integrations.prom!.declare_incident).toBeUndefined();
  });

  it.each([
    [
      'declare_incident: yes please',
      'oncall.policy.yml:2 integrations.prom.declare_incident: expected true, false or a list of severities such as [P0] (the groups at those severities declare an incident), got "yes please"',
    ],
    [
      'declare_incident: []',
      'oncall.policy.yml:2 integrations.prom.declare_incident: list at least one severity (such as [P0]), or write false',
    ],
    [
      'declare_incident: [P0, SEV1]',
      'oncall.policy.yml:2 integrations.prom.declare_incident[1]: unknown severity "SEV1" for preset p0-p3 (expected one of P0, P1, P2, P3)',
    ],
  ])('%s is refused: %s', (line, problem) => {
    expect(problems(integration(line))).toEqual([problem]);
  });

  it('the JSON schema offers it on an integration: true/false or a list of severities', () => {
    const integrations = (
      policyJsonSchema().properties as Record<string, { additionalProperties: { properties: Record<string, unknown> } }>
    ).integrations!;
    const declare = integrations.additionalProperties.properties.declare_incident as { anyOf: Array<{ type: string }> };
    expect(declare.anyOf.map((a) => a.type).sort()).toEqual(['array', 'boolean']);
  });
});
