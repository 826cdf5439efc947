/**
 * `/oncall policy [part]` over signed HTTP through the real Bolt app: the explanation of the policy the bot
 * runs, to the caller only, within Slack's limits (50 blocks, 3000 characters a section), saying where the whole
 * thing is when it is cut.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicyText } from '../../src/config/policy.js';
import { TestApp } from '../support/harness.js';

const lines = (...l: string[]) => l.join('\n');

const POLICY_TEXT = lines(
  'people: { engineering_lead: U0LEAD, cto: U0CTO, support_ops_lead: U0SUPP }',
  'rotations:',
  '  backend:',
  '    members: [U0ALICE, U0BOB]',
  '    escalation: urgent',
  'escalation:',
  '  default:',
  '    P1: { steps: [{ page: primary }, { after: 30m, page: secondary }] }',
  '  urgent:',
  '    P0: { quiet_at_night: true }',
  'playbooks:',
  '  triggers:',
  '    db-down: { label: "Ping <!here> & the DBA", who: cto, how: page }',
);

interface Block {
  type: string;
  text?: { type: string; text: string };
  elements?: Array<{ type: string; text: string }>;
}
interface Answer {
  response_type: string;
  text: string;
  blocks?: Block[];
}

const blockText = (b: Block) => b.text?.text ?? b.elements?.map((e) => e.text).join('\n') ?? '';

function withinSlackLimits(answer: Answer): void {
  expect(answer.blocks!.length).toBeLessThanOrEqual(50);
  for (const block of answer.blocks!) {
    expect(['section', 'context']).toContain(block.type);
    expect(blockText(block).length).toBeLessThanOrEqual(3000);
    expect(blockText(block).length).toBeGreaterThan(0);
  }
}

let t: TestApp;
const ask = async (text: string, app = t) => (await app.command('/oncall', text, 'U0ALICE')).json() as Answer;

beforeAll(async () => {
  t = await TestApp.start({ policy: parsePolicyText(POLICY_TEXT, '/srv/oncall/oncall.policy.yml') });
});
afterAll(async () => t.close());

describe('/oncall policy', () => {
  it('explains the running policy to the caller only, each value with its origin', async () => {
    const answer = await ask('policy');
    expect(answer.response_type).toBe('ephemeral');
    withinSlackLimits(answer);
    const texts = answer.blocks!.map(blockText);
    expect(texts[0]).toContain('*The policy in `oncall.policy.yml`*, as this bot runs it.');
    expect(texts[0]).toMatch(/\d+ values: \d+ from oncall\.policy\.yml, \d+ from preset p0-p3, \d+ built-in defaults\./);
    expect(answer.text).toContain('The policy in `oncall.policy.yml`, as this bot runs it.');

    const defaults = texts.find((t) => t.startsWith('*escalation.default*'))!;
    expect(defaults).toContain('`P1.steps[1].after` 30m  ← oncall.policy.yml:8');
    expect(defaults).toContain(
      '`P2.quiet_at_night` true  ← preset p0-p3 _(your file does not say; pages outside business hours wait for the next business start)_',
    );
    expect(defaults).toContain(
      '`P1.quiet_at_night` false  ← built-in default _(escalation.default.P1 writes its steps, so the chain is taken whole: what it leaves out is off; pages at any hour)_',
    );
    const urgent = texts.find((t) => t.startsWith('*escalation.urgent*'))!;
    expect(urgent).toContain('`P0.quiet_at_night` true  ← oncall.policy.yml:10');
    // Copied from default, whose P1 the file writes: the file's lines, and (once, on the first step) where from.
    expect(urgent).toContain(
      '`P1.steps[0].after` 0 (at once)  ← built-in default _(copied from escalation.default.P1; the first step pages at once)_',
    );
    expect(urgent).toContain('`P1.steps[1].after` 30m  ← oncall.policy.yml:8\n');
    const rotation = texts.find((t) => t.startsWith('*rotations.backend*'))!;
    expect(rotation).toContain('`shift.handoff` mon 09:00  ← built-in default');
    // What the file wrote is shown, not acted on.
    const triggers = texts.find((t) => t.startsWith('*playbooks.triggers*'))!;
    expect(triggers).toContain('`db-down` page cto: Ping &lt;!here&gt; &amp; the DBA  ← oncall.policy.yml:13');
    expect(texts.at(-1)).toBe(
      'The whole explanation: `npm run policy -- explain` where the bot runs (it reads POLICY_PATH, or the file you name).',
    );
  });

  it('one part: /oncall policy escalation.urgent, /oncall policy ack_sla', async () => {
    const urgent = await ask('policy escalation.urgent');
    withinSlackLimits(urgent);
    const texts = urgent.blocks!.map(blockText);
    expect(texts.filter((t) => t.startsWith('*'))).toHaveLength(2);
    expect(texts[1]).toMatch(/^\*escalation\.urgent\*\n/);
    const sla = (await ask('policy ack_sla')).blocks!.map(blockText);
    expect(sla[1]).toBe(
      [
        '*ack_sla*',
        '`P0` 5m  ← preset p0-p3',
        '`P1` 15m  ← preset p0-p3',
        '`P2` 30m  ← preset p0-p3',
        '`P3` none  ← preset p0-p3 _(no acknowledgement deadline)_',
      ].join('\n'),
    );
  });

  it.each([
    [
      'policy escalations',
      'The policy has no part `escalations`. Parts: `preset`, `severities`, `timezone`, `business_hours`, `people`, `channels`, `rotations`, `rotations.backend`, `escalation`, `escalation.default`, `escalation.urgent`, `ack_sla`, `notify`, `reminders`, `postmortem`, `incidents`, `incidents.first_update`, `playbooks`, `playbooks.triggers`, `permissions`.\nUsage: `/oncall policy [part]`, e.g. `/oncall policy` or `/oncall policy escalation.default`',
    ],
    [
      'policy escalation default',
      '`/oncall policy` takes at most one part of the policy, got 2 words.\nUsage: `/oncall policy [part]`, e.g. `/oncall policy` or `/oncall policy escalation.default`',
    ],
    ['policy <!channel>', 'The policy has no part `&lt;!channel&gt;`.'],
    ['policy __proto__', 'The policy has no part `__proto__`.'],
  ])('/oncall %s says what was wrong and the right form', async (command, expected) => {
    const answer = await ask(command);
    expect(answer.response_type).toBe('ephemeral');
    expect(answer.blocks).toBeUndefined();
    expect(answer.text).toContain(expected);
    expect(answer.text).toContain('Usage: `/oncall policy [part]`');
  });

  it('is listed in /oncall help', async () => {
    const help = await ask('help');
    expect(help.text).toContain(
      '• `/oncall policy [part]`: the policy this bot runs, each value with where it came from (your file and line, the preset, or a built-in default)',
    );
  });
});

describe('/oncall policy of other bots', () => {
  it('the built-in preset, when the bot runs without a policy file', async () => {
    const preset = await TestApp.start();
    try {
      const answer = await ask('policy', preset);
      withinSlackLimits(answer);
      expect(blockText(answer.blocks![0]!)).toContain('*The built-in preset p0-p3*, as this bot runs it (no policy file)');
      expect(answer.blocks!.map(blockText).join('\n')).toContain(
        '`P2.quiet_at_night` true  ← preset p0-p3 _(pages outside business hours wait for the next business start)_',
      );
    } finally {
      await preset.close();
    }
  });

  it('a policy too big for one message: cut to 50 blocks, each within 3000 characters, saying how much and where the rest is', async () => {
    const members = Array.from({ length: 40 }, (_, i) => `U0M${String(i).padStart(3, '0')}`);
    const text = lines(
      'people: { engineering_lead: U0LEAD, cto: U0CTO, support_ops_lead: U0SUPP }',
      'rotations:',
      ...Array.from({ length: 30 }, (_, i) => `  team-${i}: { members: [${members.join(', ')}], escalation: policy-${i % 12} }`),
      'escalation:',
      ...Array.from({ length: 12 }, (_, i) => `  policy-${i}: { P3: { steps: [{ page: primary }, { page: secondary }, { page: cto }] } }`),
    );
    const big = await TestApp.start({ policy: parsePolicyText(text, 'big.yml') });
    try {
      const answer = await ask('policy', big);
      withinSlackLimits(answer);
      expect(answer.blocks).toHaveLength(50);
      const last = blockText(answer.blocks!.at(-1)!);
      expect(last).toMatch(
        /^Cut to fit Slack: \d+ of \d+ values shown; `\/oncall policy <part>` \(e\.g\. `\/oncall policy escalation`\) shows one part\. The whole explanation: `npm run policy -- explain`/,
      );
      const [, shown, total] = /(\d+) of (\d+)/.exec(last)!.map(Number);
      expect(shown).toBeLessThan(total!);
      // The count is honest: as many value lines as it says.
      const valueLines = answer.blocks!.slice(1, -1).flatMap((b) =>
        blockText(b)
          .split('\n')
          .filter((l) => l.startsWith('`')),
      );
      expect(valueLines).toHaveLength(shown!);
      // One part of it fits.
      const part = await ask('policy escalation.policy-7', big);
      withinSlackLimits(part);
      expect(blockText(part.blocks!.at(-1)!)).not.toContain('Cut to fit Slack');
    } finally {
      await big.close();
    }
  });
});
