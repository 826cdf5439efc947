/**
 * `npm run policy -- explain` and `/oncall policy`: every value of the running policy with where it came from.
 * The values must be what the bot runs (the resolved Policy), the origins what resolvePolicy's rules make of the
 * file: a chain that writes steps is taken whole, one that writes only loops or a flag keeps the rest from
 * default's same severity (default's from the preset), a named policy starts as a copy of default.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { defaultPolicy, formatPath, pageTargetText, parsePolicyText, PolicyError, resolvePolicy } from '../../src/config/policy.js';
import {
  explainPolicy,
  explainPolicyText,
  formatMs,
  originText,
  renderExplanation,
  type PolicyExplanation,
} from '../../src/config/policy-explain.js';

const EXAMPLE_PATH = fileURLToPath(new URL('../../../shared/policy.example.yml', import.meta.url));
const EXAMPLE = readFileSync(EXAMPLE_PATH, 'utf8');

const lines = (...l: string[]) => l.join('\n');

/** The 1-based line of the first line of `text` that contains `needle` (so the test follows the example if it grows). */
function lineWith(text: string, needle: string): number {
  const index = text.split('\n').findIndex((l) => l.includes(needle));
  if (index < 0) throw new Error(`no line with ${needle}`);
  return index + 1;
}

/** `path` -> "value  ← origin (note)" for one value. */
function entry(explanation: PolicyExplanation, path: string): { value: string; origin: string; note: string | undefined } {
  const found = explanation.values.find((v) => formatPath(v.path) === path);
  if (!found) throw new Error(`no value ${path}; have ${explanation.values.map((v) => formatPath(v.path)).join(', ')}`);
  return { value: found.value, origin: originText(found.origin), note: found.note };
}

describe('the shared example, explained', () => {
  const explained = explainPolicyText(EXAMPLE, EXAMPLE_PATH);
  const at = (needle: string) => `policy.example.yml:${lineWith(EXAMPLE, needle)}`;

  it('names the file it explains and says what the arrows mean', () => {
    expect(explained.source).toEqual({ kind: 'file', fileName: EXAMPLE_PATH });
    const text = renderExplanation(explained);
    expect(text.split('\n')[0]).toBe(
      `The policy in ${EXAMPLE_PATH}, as the bot runs it. After each value (←): the file and line that wrote it, the preset it was inherited from, or the built-in default.`,
    );
    expect(text.split('\n')[1]).toMatch(/^\d+ values: \d+ from policy\.example\.yml, \d+ from preset p0-p3, \d+ built-in defaults\.$/);
  });

  it('gives what the file writes its own line', () => {
    expect(entry(explained, 'preset')).toMatchObject({ value: 'p0-p3', origin: at('preset: p0-p3') });
    expect(entry(explained, 'timezone')).toMatchObject({ value: 'Europe/London', origin: at('timezone: Europe/London') });
    expect(entry(explained, 'business_hours.days')).toMatchObject({ value: 'mon, tue, wed, thu, fri', origin: at('business_hours:') });
    expect(entry(explained, 'people.cto')).toMatchObject({ value: 'U0CTO', origin: at('cto: U0CTO') });
    expect(entry(explained, 'channels.alerts')).toMatchObject({ value: 'C0ALERTS', origin: at('alerts: C0ALERTS') });
    expect(entry(explained, 'rotations.backend.members')).toMatchObject({
      value: 'U0ALICE, U0BOB, U0CAROL, U0DAN',
      origin: at('members: [U0ALICE'),
    });
    expect(entry(explained, 'rotations.backend.shift.every')).toMatchObject({ value: '1w', origin: at('shift: { every: 1w') });
    expect(entry(explained, 'rotations.backend.shift.handoff')).toMatchObject({ value: 'mon 09:00', origin: at('shift: { every: 1w') });
    expect(entry(explained, 'rotations.backend.handoff_template')).toMatchObject({
      value: 'sovren',
      origin: at('handoff_template: sovren'),
    });
    expect(entry(explained, 'escalation.default.P1.steps[1].after')).toMatchObject({ value: '45m', origin: at('P1: { loops: 2') });
    expect(entry(explained, 'escalation.default.P2.quiet_at_night')).toMatchObject({ value: 'true', origin: at('P2: { chat_only') });
    expect(entry(explained, 'escalation.default.P2.steps[1].business_hours')).toMatchObject({
      value: 'true',
      origin: at('P2: { chat_only'),
    });
    expect(entry(explained, 'notify[1]')).toMatchObject({
      value: 'P0 declared, tagged data or security → tell cto',
      origin: at('tags: [data, security]'),
    });
    expect(entry(explained, 'notify[2]')).toMatchObject({
      value: 'P1 unresolved after 1h → tell engineering_lead',
      origin: at('when: unresolved'),
    });
    expect(entry(explained, 'reminders.P0')).toMatchObject({
      value: 'every 15m until Monitoring, then every 30m',
      origin: at('P0: { until_monitoring'),
    });
    expect(entry(explained, 'postmortem.due.P0')).toMatchObject({ value: '24h', origin: at('due: { P0: 24h') });
    expect(entry(explained, 'postmortem.due.P1')).toMatchObject({ value: '2 business days', origin: at('due: { P0: 24h') });
  });

  it('says which values the file leaves to the preset and which to the built-in defaults', () => {
    expect(entry(explained, 'severities')).toMatchObject({ value: 'P0 critical, P1 high, P2 medium, P3 low', origin: 'preset p0-p3' });
    expect(entry(explained, 'ack_sla.P0')).toMatchObject({ value: '5m', origin: 'preset p0-p3' });
    expect(entry(explained, 'ack_sla.P3')).toEqual({ value: 'none', origin: 'preset p0-p3', note: 'no acknowledgement deadline' });
    expect(entry(explained, 'reminders.P3')).toMatchObject({ value: 'none', origin: 'preset p0-p3' });
    expect(entry(explained, 'incidents.first_update.P2')).toMatchObject({ value: '4h', origin: 'preset p0-p3' });
    expect(entry(explained, 'escalation.default.P3').origin).toBe('preset p0-p3');
    expect(entry(explained, 'playbooks.triggers.payment-failing')).toMatchObject({
      value: 'page engineering_lead, raise to P0: The payment or checkout flow is failing',
      origin: 'built-in default',
    });
    expect(entry(explained, 'permissions.admins')).toEqual({
      value: 'engineering_lead (U0LEAD), cto (U0CTO), support_ops_lead (U0SUPP)',
      origin: 'built-in default',
      note: 'every role under people',
    });
  });

  it('shows that a chain which writes its steps is taken whole: P0 and P1 are not quiet at night, P2 runs once', () => {
    expect(entry(explained, 'escalation.default.P0.quiet_at_night')).toEqual({
      value: 'false',
      origin: 'built-in default',
      note: 'escalation.default.P0 writes its steps, so the chain is taken whole: what it leaves out is off; pages at any hour',
    });
    expect(entry(explained, 'escalation.default.P2.loops')).toMatchObject({ value: '1', origin: 'built-in default' });
    expect(entry(explained, 'escalation.default.P2.loops').note).toContain('2 rounds unless written (1 when chat-only)');
    // A step without `after`: the first pages at once, the built-in default.
    expect(entry(explained, 'escalation.default.P0.steps[0].after')).toEqual({
      value: '0 (at once)',
      origin: 'built-in default',
      note: 'the first step pages at once',
    });
  });

  it('renders one value a line under its heading, origins lined up', () => {
    const text = renderExplanation(explained).split('\n');
    const heading = text.indexOf('escalation.default:');
    expect(heading).toBeGreaterThan(0);
    const p2 = text.find((l) => l.startsWith('  P2.quiet_at_night: true'))!;
    expect(p2.replace(/ {2,}/g, '  ')).toBe(`  P2.quiet_at_night: true  ← ${at('P2: { chat_only')}`);
    const column = (l: string) => l.indexOf('←');
    const section = text.slice(heading + 1, text.indexOf('', heading));
    expect(new Set(section.map(column)).size).toBe(1);
  });
});

describe('what the file leaves out, with the rules of resolvePolicy', () => {
  it('with no file: the preset and the built-in defaults, and what inherited values mean', () => {
    const explained = explainPolicy(defaultPolicy());
    expect(explained.source).toEqual({ kind: 'preset' });
    expect(explained.values.every((v) => v.origin.kind === 'preset' || v.origin.kind === 'built-in')).toBe(true);
    expect(entry(explained, 'escalation.default.P2.quiet_at_night')).toEqual({
      value: 'true',
      origin: 'preset p0-p3',
      note: 'pages outside business hours wait for the next business start',
    });
    expect(entry(explained, 'business_hours.start')).toMatchObject({ value: '09:00', origin: 'built-in default' });
    expect(entry(explained, 'rotations')).toMatchObject({ value: 'none', origin: 'built-in default' });
    expect(entry(explained, 'escalation.default.P1.steps[1].after')).toMatchObject({ value: '45m', origin: 'preset p0-p3' });
    expect(renderExplanation(explained).split('\n')[0]).toContain('The built-in preset p0-p3 (no policy file');
  });

  it('a file that says nothing about P2: "your file does not say", and what quiet at night does', () => {
    const explained = explainPolicyText('timezone: Europe/Berlin\n', 'oncall.policy.yml');
    expect(entry(explained, 'timezone')).toMatchObject({ value: 'Europe/Berlin', origin: 'oncall.policy.yml:1' });
    expect(entry(explained, 'escalation.default.P2.quiet_at_night')).toEqual({
      value: 'true',
      origin: 'preset p0-p3',
      note: 'your file does not say; pages outside business hours wait for the next business start',
    });
    const text = renderExplanation(explained);
    expect(text.replace(/ {2,}/g, '  ')).toContain(
      '  P2.quiet_at_night: true  ← preset p0-p3 (your file does not say; pages outside business hours wait for the next business start)',
    );
  });

  it("a default chain that writes only loops keeps the preset's steps and flags, and says so", () => {
    const explained = explainPolicyText(lines('escalation:', '  default:', '    P2: { loops: 3 }'), 'oncall.policy.yml');
    expect(entry(explained, 'escalation.default.P2.loops')).toMatchObject({ value: '3', origin: 'oncall.policy.yml:3' });
    expect(entry(explained, 'escalation.default.P2.chat_only')).toMatchObject({ value: 'true', origin: 'preset p0-p3' });
    expect(entry(explained, 'escalation.default.P2.quiet_at_night')).toEqual({
      value: 'true',
      origin: 'preset p0-p3',
      note: "escalation.default.P2 writes no steps, so it keeps the preset's rest; pages outside business hours wait for the next business start",
    });
    expect(entry(explained, 'escalation.default.P2.steps[1].after')).toMatchObject({ value: '4h', origin: 'preset p0-p3' });
    expect(entry(explained, 'escalation.default.P2.steps[0].after').note).toBe(
      "escalation.default.P2 writes no steps, so it keeps the preset's steps",
    );
  });

  it('a chain that writes steps: later steps without after wait the built-in 15m, flags are off', () => {
    const explained = explainPolicyText(
      lines('escalation:', '  default:', '    P2:', '      steps:', '        - page: primary', '        - page: secondary'),
      'oncall.policy.yml',
    );
    expect(entry(explained, 'escalation.default.P2.steps[1].after')).toEqual({
      value: '15m',
      origin: 'built-in default',
      note: 'a later step waits 15m after the one before',
    });
    expect(entry(explained, 'escalation.default.P2.steps[1].page')).toMatchObject({ value: 'secondary', origin: 'oncall.policy.yml:6' });
    expect(entry(explained, 'escalation.default.P2.quiet_at_night')).toMatchObject({ value: 'false', origin: 'built-in default' });
    expect(entry(explained, 'escalation.default.P2.chat_only')).toMatchObject({ value: 'false', origin: 'built-in default' });
    expect(entry(explained, 'escalation.default.P2.loops')).toMatchObject({ value: '2', origin: 'built-in default' });
  });

  it('a named policy: copies default (from the file or the preset), a flag it writes tweaks the copy, steps it writes replace it', () => {
    const text = lines(
      'people: { engineering_lead: U0LEAD, cto: U0CTO, support_ops_lead: U0SUPP }',
      'rotations:',
      '  web: { members: [U0A, U0B], escalation: urgent }',
      'escalation:',
      '  default:',
      '    P1: { steps: [{ page: primary }, { after: 5m, page: cto }] }',
      '  urgent:',
      '    P0: { quiet_at_night: true }',
      '    P2: { steps: [{ page: secondary }] }',
    );
    const explained = explainPolicyText(text, 'oncall.policy.yml');
    // Copied whole from default, whose P1 the file writes: the file's lines, and where they were copied from.
    expect(entry(explained, 'escalation.urgent.P1.steps[1].after')).toMatchObject({ value: '5m', origin: 'oncall.policy.yml:6' });
    expect(entry(explained, 'escalation.urgent.P1.steps[0].after').note).toContain('copied from escalation.default.P1');
    expect(entry(explained, 'escalation.urgent.P1.quiet_at_night')).toMatchObject({ value: 'false', origin: 'built-in default' });
    expect(entry(explained, 'escalation.urgent.P1.quiet_at_night').note).toContain(
      'copied from escalation.default.P1; escalation.default.P1 writes its steps',
    );
    // A flag written: that flag from the file, the rest from default's P0, which is the preset's.
    expect(entry(explained, 'escalation.urgent.P0.quiet_at_night')).toMatchObject({ value: 'true', origin: 'oncall.policy.yml:8' });
    expect(entry(explained, 'escalation.urgent.P0.steps[3].page')).toMatchObject({ value: 'cto', origin: 'preset p0-p3' });
    expect(entry(explained, 'escalation.urgent.P0.loops').note).toContain('inherited from escalation.default.P0');
    // Steps written: taken whole, so the preset's P2 quiet-at-night and chat-only are off.
    expect(entry(explained, 'escalation.urgent.P2.quiet_at_night')).toMatchObject({ value: 'false', origin: 'built-in default' });
    expect(entry(explained, 'escalation.urgent.P2.steps[0].page')).toMatchObject({ value: 'secondary', origin: 'oncall.policy.yml:9' });
    // The rotation's own keys, written or not.
    expect(entry(explained, 'rotations.web.escalation')).toMatchObject({ value: 'urgent', origin: 'oncall.policy.yml:3' });
    expect(entry(explained, 'rotations.web.shift.every')).toMatchObject({ value: '1w', origin: 'built-in default' });
    expect(entry(explained, 'rotations.web.shift.handoff')).toMatchObject({ value: 'mon 09:00', origin: 'built-in default' });
    expect(entry(explained, 'rotations.web.secondary_offset')).toMatchObject({ value: '1', origin: 'built-in default' });
  });

  it('another preset names its own severities and is named as the origin', () => {
    const explained = explainPolicyText('preset: sev0-sev3\nack_sla: { SEV1: 10m }\n', 'oncall.policy.yml');
    expect(entry(explained, 'severities')).toMatchObject({
      value: 'SEV0 critical, SEV1 high, SEV2 medium, SEV3 low',
      origin: 'preset sev0-sev3',
    });
    expect(entry(explained, 'ack_sla.SEV1')).toMatchObject({ value: '10m', origin: 'oncall.policy.yml:2' });
    expect(entry(explained, 'ack_sla.SEV0')).toMatchObject({ value: '5m', origin: 'preset sev0-sev3' });
    expect(entry(explained, 'escalation.default.SEV2.quiet_at_night')).toMatchObject({ value: 'true', origin: 'preset sev0-sev3' });
  });

  it("lists that replace the preset's whole (notify, triggers) are the file's, empty ones included", () => {
    const explained = explainPolicyText(
      lines('notify: []', 'playbooks:', '  triggers:', '    db-down: { label: Database down, who: primary }'),
      'oncall.policy.yml',
    );
    expect(entry(explained, 'notify')).toMatchObject({ value: 'none', origin: 'oncall.policy.yml:1' });
    expect(entry(explained, 'playbooks.triggers.db-down')).toEqual({
      value: 'notify primary: Database down',
      origin: 'oncall.policy.yml:4',
      note: 'how: notify is the built-in default',
    });
    expect(explained.values.some((v) => formatPath(v.path) === 'playbooks.triggers.payment-failing')).toBe(false);
  });

  it('a Policy built in code has values but no known origins', () => {
    const explained = explainPolicy(resolvePolicy({}));
    expect(explained.source).toEqual({ kind: 'unknown' });
    expect(new Set(explained.values.map((v) => v.origin.kind))).toEqual(new Set(['unknown']));
  });

  it('a file the bot refuses is refused here with the same message', () => {
    const bad = 'escalation:\n  default:\n    P1: { steps: [{ after: fifteen, page: primary }] }\n';
    let botMessage = '';
    try {
      parsePolicyText(bad, 'oncall.policy.yml');
    } catch (error) {
      botMessage = (error as Error).message;
    }
    expect(botMessage).toContain('oncall.policy.yml:3');
    expect(() => explainPolicyText(bad, 'oncall.policy.yml')).toThrow(PolicyError);
    expect(() => explainPolicyText(bad, 'oncall.policy.yml')).toThrow(botMessage);
  });
});

describe('every value is the running one, and every key the file writes is credited to its line', () => {
  const files: Array<[string, string]> = [
    ['the shared example', EXAMPLE],
    [
      'a file with a named policy and partial chains',
      lines(
        'preset: p1-p4',
        'timezone: America/New_York',
        'business_hours: { start: "08:00" }',
        'people: { engineering_lead: U0LEAD, cto: U0CTO, support_ops_lead: U0SUPP }',
        'rotations:',
        '  web:',
        '    members: [U0A, U0B, U0C]',
        '    shift: { every: 3d, timezone: Asia/Tokyo }',
        '    secondary_offset: none',
        '    escalation: calm',
        'escalation:',
        '  default:',
        '    P3: { loops: 4 }',
        '  calm:',
        '    P1: { quiet_at_night: true, loops: 1 }',
        '    P4: { steps: [{ page: primary, business_hours: true }] }',
        'ack_sla: { P4: 1d, P1: none }',
        'reminders: { P4: { every: 2h } }',
        'incidents: { first_update: { P2: 45m } }',
        'postmortem: { required: [P1], due: { P1: 3 business days } }',
        'permissions: { admins: [cto, U0SRE] }',
      ),
    ],
  ];

  it.each(files)('%s', (_name, text) => {
    const policy = parsePolicyText(text, 'oncall.policy.yml');
    const explained = explainPolicy(policy);
    const doc = parseDocument(text);
    for (const v of explained.values) {
      const path = formatPath(v.path);
      // Written in the file: credited to the file.
      if (doc.hasIn(v.path)) expect(v.origin.kind, path).toBe('file');
      // Credited to the file: the line is in the file.
      if (v.origin.kind === 'file') expect(v.origin.line, path).toBeLessThanOrEqual(text.split('\n').length);
    }
    // The values are the Policy's: chains, SLAs and rotations as the bot holds them.
    for (const [name, chains] of Object.entries(policy.escalation)) {
      for (const [severity, chain] of Object.entries(chains)) {
        expect(entry(explained, `escalation.${name}.${severity}.loops`).value).toBe(String(chain.loops));
        expect(entry(explained, `escalation.${name}.${severity}.quiet_at_night`).value).toBe(String(chain.quietAtNight));
        expect(entry(explained, `escalation.${name}.${severity}.chat_only`).value).toBe(String(chain.chatOnly));
        chain.steps.forEach((step, i) => {
          expect(entry(explained, `escalation.${name}.${severity}.steps[${i}].page`).value).toBe(pageTargetText(step.target));
          expect(entry(explained, `escalation.${name}.${severity}.steps[${i}].business_hours`).value).toBe(String(step.businessHours));
        });
      }
    }
    for (const [severity, sla] of Object.entries(policy.ackSla))
      expect(entry(explained, `ack_sla.${severity}`).value).toBe(
        sla === null ? 'none' : sla.kind === 'wall' ? formatMs(sla.ms) : expect.any(String),
      );
    for (const rotation of Object.values(policy.rotations)) {
      expect(entry(explained, `rotations.${rotation.name}.members`).value).toBe(rotation.members.join(', '));
      expect(entry(explained, `rotations.${rotation.name}.shift.timezone`).value).toBe(rotation.shift.timezone);
    }
  });
});

describe('formatMs', () => {
  it.each([
    [0, '0m'],
    [30_000, '30s'],
    [15 * 60_000, '15m'],
    [90 * 60_000, '1h30m'],
    [24 * 3_600_000, '24h'],
    [36 * 3_600_000, '36h'],
    [3 * 86_400_000, '3d'],
    [7 * 86_400_000, '1w'],
    [10 * 86_400_000, '1w3d'],
  ])('%i ms is %s', (ms, text) => {
    expect(formatMs(ms)).toBe(text);
  });
});
