/**
 * An escalation step as the loader resolves it: its `page:` parsed once into a target kind, its optional `via`,
 * and a clear refusal for a target that is no target or a via that cannot apply.
 */
import { describe, expect, it } from 'vitest';
import { formatPath, parsePolicyText } from '../../src/config/policy.js';
import { explainPolicyText, originText } from '../../src/config/policy-explain.js';
import { refusal } from './policy-support.js';

const problemsOf = (text: string) => refusal(text).problems;

const file = (...steps: string[]) =>
  [
    'people: { engineering_lead: U0LEAD, cto: U0CTO }',
    'rotations: { web: { members: [U0ALICE, U0BOB, U0CAROL] }, platform: { members: [U0PAT] } }',
    'escalation:',
    '  default:',
    `    P0: { steps: [${steps.join(', ')}] }`,
  ].join('\n');

describe('escalation steps, parsed once by the loader', () => {
  it('every form of page: becomes its kind, and via is kept (seed 003: the CTO by phone)', () => {
    const policy = parsePolicyText(
      file(
        '{ page: primary }',
        '{ after: 5m, page: platform.secondary }',
        '{ after: 5m, page: engineering_lead }',
        '{ after: 5m, page: U0DAVE }',
        '{ after: 5m, page: S0ENG }',
        '{ after: 15m, page: cto, via: voice }',
      ),
      'oncall.policy.yml',
    );
    expect(policy.escalation.default!.P0!.steps.map((s) => [s.target, s.via])).toEqual([
      [{ kind: 'on-call', role: 'primary' }, null],
      [{ kind: 'rotation', rotation: 'platform', role: 'secondary' }, null],
      [{ kind: 'role', role: 'engineering_lead' }, null],
      [{ kind: 'person', userId: 'U0DAVE' }, null],
      [{ kind: 'usergroup', usergroupId: 'S0ENG' }, null],
      [{ kind: 'role', role: 'cto' }, 'voice'],
    ]);
  });

  it.each([
    [
      '{ page: "<@U0DAVE>" }',
      'page: "<@U0DAVE>" is a Slack mention: write the id alone (U0DAVE); a step pages primary, secondary, another rotation\'s "<rotation>.primary" or ".secondary", a role under people, a user id (U...) or a user group id (S...)',
    ],
    ['{ page: "#oncall" }', 'page: "#oncall" is a channel: a step pages people'],
    [
      '{ page: vp_engineering }',
      'page: "vp_engineering" is not primary, secondary, another rotation\'s "<rotation>.primary" or ".secondary", a role under people (engineering_lead, cto), a user id (U...) or a user group id (S...)',
    ],
    ['{ page: mobile.primary }', 'page: no rotation named "mobile" for "mobile.primary" (defined: web, platform)'],
    [
      '{ page: cto, via: slack }',
      'via: every step sends a Slack DM already: via names a way beyond it (push, sms, voice or email); remove via for Slack alone',
    ],
    ['{ page: cto, via: pager }', 'via: expected one of push, sms, voice, email, got "pager"'],
  ])('%s is refused, saying why and what to write', (step, problem) => {
    const [first] = problemsOf(file(step));
    expect(first).toContain(`oncall.policy.yml:5 escalation.default.P0.steps[0].${problem}`);
  });

  it('a chat-only chain never calls: via there is refused', () => {
    const text = file('{ page: primary, via: voice }').replace('P0: { steps', 'P0: { chat_only: true, steps');
    expect(problemsOf(text)).toEqual([
      'oncall.policy.yml:5 escalation.default.P0.steps[0].via: a chat-only chain asks in chat and never calls: remove via, or remove chat_only to page',
    ]);
  });
});

describe("policy explain shows a step's target as written and its via", () => {
  it('one line for via where a step writes it, none where it does not', () => {
    const text = file('{ page: primary }', '{ after: 15m, page: cto, via: voice }');
    const values = explainPolicyText(text, 'oncall.policy.yml').values.filter((v) =>
      formatPath(v.path).startsWith('escalation.default.P0.steps'),
    );
    const shown = values.map((v) => `${formatPath(v.path)} = ${v.value} ← ${originText(v.origin)}${v.note ? ` (${v.note})` : ''}`);
    expect(shown.filter((l) => /\.(page|via) /.test(l))).toEqual([
      'escalation.default.P0.steps[0].page = primary ← oncall.policy.yml:5',
      'escalation.default.P0.steps[1].page = cto ← oncall.policy.yml:5',
      'escalation.default.P0.steps[1].via = voice ← oncall.policy.yml:5 (also by voice at once, for whoever verified it)',
    ]);
  });
});
