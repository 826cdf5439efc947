import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultPolicy, loadPolicyFile, pageTargetText, parsePolicyText, PolicyError, severityRank } from '../../src/config/policy.js';
import { pageTargetOf } from '../../src/config/policy-target.js';
import { HANDOFF_TEMPLATE_PRESETS, SEVERITY_SCALES } from '../../src/config/presets.js';
import { DAY, HOUR, MINUTE } from '../../src/time/clock.js';
import { refusal } from './policy-support.js';

// The repo sits beside shared/ (CI clones it that way), so the contract is read where it lives.
const EXAMPLE = fileURLToPath(new URL('../../../shared/policy.example.yml', import.meta.url));

const errorOf = (text: string) => refusal(text).message;
const lines = (...l: string[]) => l.join('\n');

describe('the shared policy.example.yml', () => {
  const policy = loadPolicyFile(EXAMPLE);

  it('loads as it is, with its zone, hours, people and lists', () => {
    expect(policy.preset).toBe('p0-p3');
    expect(policy.timezone).toBe('Europe/London');
    expect(policy.businessHours).toEqual({ zone: 'Europe/London', days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' });
    expect(policy.people).toEqual({ engineering_lead: 'U0LEAD', cto: 'U0CTO', support_ops_lead: 'U0SUPP' });
    expect(policy.channels).toEqual({ incidents: 'C0INCIDENTS', alerts: 'C0ALERTS' });
    expect(policy.environments).toEqual(['local', 'dev', 'showcase', 'prod']);
    expect(policy.services).toEqual(['api', 'checkout', 'payments', 'billing']);
  });

  it('has the backend rotation with 4 members, weekly from Monday 2026-01-05 09:00 UTC', () => {
    expect(policy.rotations.backend).toEqual({
      name: 'backend',
      members: ['U0ALICE', 'U0BOB', 'U0CAROL', 'U0DAN'],
      shift: { everyMs: 7 * DAY, handoffWeekday: 1, handoffTime: '09:00', timezone: 'UTC', start: '2026-01-05' },
      secondaryOffset: 1,
      secondaryLagDays: 0,
      channel: 'C0BACKEND',
      alertsChannel: 'C0ALERTS',
      usergroup: 'S0ONCALL',
      handoffTemplate: 'sovren',
      escalation: 'default',
      shadows: [],
    });
  });

  it('has the escalation chains in ms: P1 step 2 after 45 min, two loops; P2 chat-only in business hours', () => {
    const chains = policy.escalation.default!;
    expect(chains.P0!.steps.map((s) => [s.afterMs, pageTargetText(s.target)])).toEqual([
      [0, 'primary'],
      [15 * MINUTE, 'secondary'],
      [15 * MINUTE, 'engineering_lead'],
      [15 * MINUTE, 'cto'],
    ]);
    expect(chains.P1!.loops).toBe(2);
    expect(chains.P1!.steps[1]!.afterMs).toBe(45 * MINUTE);
    expect(chains.P1!.steps.map((s) => [s.afterMs, pageTargetText(s.target)])).toEqual([
      [0, 'primary'],
      [45 * MINUTE, 'secondary'],
      [15 * MINUTE, 'engineering_lead'],
    ]);
    expect(chains.P2).toEqual({
      loops: 1,
      chatOnly: true,
      quietAtNight: true,
      task: false,
      repeatAfterMs: null,
      steps: [
        { afterMs: 0, target: { kind: 'on-call', role: 'primary' }, via: null, businessHours: false },
        { afterMs: 4 * HOUR, target: { kind: 'on-call', role: 'secondary' }, via: null, businessHours: true },
      ],
    });
    expect(chains.P3).toBeUndefined();
  });

  it('has the notifications, reminders and postmortem rules', () => {
    expect(policy.notify).toEqual([
      { when: 'declared', since: 'declared', how: 'notify', severity: 'P0', tags: [], afterMs: 0, who: 'engineering_lead' },
      { when: 'declared', since: 'declared', how: 'notify', severity: 'P0', tags: ['data', 'security'], afterMs: 0, who: 'cto' },
      { when: 'unresolved', since: 'declared', how: 'notify', severity: 'P1', tags: [], afterMs: HOUR, who: 'engineering_lead' },
      { when: 'unmitigated', since: 'declared', how: 'notify', severity: 'P0', tags: [], afterMs: 2 * HOUR, who: 'cto' },
    ]);
    expect(policy.reminders).toEqual({
      P0: { kind: 'until_monitoring', untilMonitoringMs: 15 * MINUTE, thenMs: 30 * MINUTE },
      P1: { kind: 'until_monitoring', untilMonitoringMs: 15 * MINUTE, thenMs: 30 * MINUTE },
      P2: { kind: 'every', everyMs: 60 * MINUTE },
    });
    expect(policy.postmortem).toEqual({
      required: ['P0', 'P1'],
      due: { P0: { kind: 'wall', ms: 24 * HOUR }, P1: { kind: 'business_days', days: 2 } },
    });
  });

  it('has its own handoff template beside the three presets', () => {
    expect(Object.keys(policy.handoffTemplates)).toEqual(['support', 'sovren', 'weekly', 'custom-short']);
    expect(policy.handoffTemplates['custom-short']).toEqual([
      { label: 'Current status', hint: undefined, required: true, multiline: true },
      { label: 'Open risks', hint: undefined, required: false, multiline: true },
    ]);
  });

  it('has the six integrations as written', () => {
    expect(Object.keys(policy.integrations)).toEqual(['prometheus', 'sentry', 'uptime', 'grafana', 'pagerduty', 'jobs']);
    expect(policy.integrations.prometheus).toEqual({
      format: 'alertmanager',
      auth: { bearer_env: 'ALERTMANAGER_TOKEN' },
      routes: [{ match: { service: 'payments' }, rotation: 'backend', severity: 'P0' }, { rotation: 'backend' }],
      severity: { from_label: 'severity', map: { critical: 'P0', error: 'P1', warning: 'P2' }, default: 'P1' },
    });
    expect(policy.integrations.grafana!.auth).toEqual({
      basic_env: { user: 'GRAFANA_WEBHOOK_USER', password: 'GRAFANA_WEBHOOK_PASSWORD' },
    });
    expect(policy.integrations.jobs!.auth).toEqual({ hmac_sha256_env: 'JOBS_HMAC_SECRET', header: 'X-Signature' });
  });
});

describe('the default preset (DESIGN.md table)', () => {
  const policy = defaultPolicy();

  it('has the P0-P3 scale with ranks 0..3', () => {
    expect(policy.preset).toBe('p0-p3');
    expect(policy.severities).toEqual([
      { id: 'P0', rank: 0, label: 'critical', description: 'revenue- or trust-critical flow broken in prod, data exposure' },
      { id: 'P1', rank: 1, label: 'high', description: 'major degradation, workaround exists' },
      { id: 'P2', rank: 2, label: 'medium', description: 'limited blast radius' },
      { id: 'P3', rank: 3, label: 'low', description: 'task' },
    ]);
  });

  it('acknowledgement: P0 5 min, P1 15 min, P2 30 min, P3 none', () => {
    expect(policy.ackSla).toEqual({
      P0: { kind: 'wall', ms: 5 * MINUTE },
      P1: { kind: 'wall', ms: 15 * MINUTE },
      P2: { kind: 'wall', ms: 30 * MINUTE },
      P3: null,
    });
  });

  it('escalation: primary -> secondary -> lead -> CTO; P0 15 min steps, P1 45 then 15; P2 chat after 4 business hours; twice', () => {
    const step = (afterMs: number, page: string, businessHours = false) => ({
      afterMs,
      target: pageTargetOf(page, {}),
      via: null,
      businessHours,
    });
    expect(policy.escalation).toEqual({
      default: {
        P0: {
          loops: 2,
          chatOnly: false,
          quietAtNight: false,
          task: false,
          repeatAfterMs: null,
          steps: [step(0, 'primary'), step(15 * MINUTE, 'secondary'), step(15 * MINUTE, 'engineering_lead'), step(15 * MINUTE, 'cto')],
        },
        P1: {
          loops: 2,
          chatOnly: false,
          quietAtNight: false,
          task: false,
          repeatAfterMs: null,
          steps: [step(0, 'primary'), step(45 * MINUTE, 'secondary'), step(15 * MINUTE, 'engineering_lead'), step(15 * MINUTE, 'cto')],
        },
        P2: {
          loops: 1,
          chatOnly: true,
          quietAtNight: true,
          task: false,
          repeatAfterMs: null,
          steps: [step(0, 'primary'), step(4 * HOUR, 'secondary', true)],
        },
      },
    });
  });

  it('notifies the lead at a P0, leadership too for data or security', () => {
    expect(policy.notify.filter((n) => n.when === 'declared')).toEqual([
      { when: 'declared', since: 'declared', how: 'notify', severity: 'P0', tags: [], afterMs: 0, who: 'engineering_lead' },
      { when: 'declared', since: 'declared', how: 'notify', severity: 'P0', tags: ['data', 'security'], afterMs: 0, who: 'cto' },
    ]);
  });

  it('status updates: P0/P1 every 15 min until Monitoring then 30; P2 every 60', () => {
    expect(policy.reminders).toEqual({
      P0: { kind: 'until_monitoring', untilMonitoringMs: 15 * MINUTE, thenMs: 30 * MINUTE },
      P1: { kind: 'until_monitoring', untilMonitoringMs: 15 * MINUTE, thenMs: 30 * MINUTE },
      P2: { kind: 'every', everyMs: 60 * MINUTE },
    });
  });

  it('postmortem: P0/P1 required, due 2 business days', () => {
    expect(policy.postmortem).toEqual({
      required: ['P0', 'P1'],
      due: { P0: { kind: 'business_days', days: 2 }, P1: { kind: 'business_days', days: 2 } },
    });
  });

  it('business hours Mon-Fri 09:00-18:00 in the team zone (UTC unless set); nothing else defined', () => {
    expect(policy.timezone).toBe('UTC');
    expect(policy.businessHours).toEqual({ zone: 'UTC', days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' });
    expect(policy.rotations).toEqual({});
    expect(policy.integrations).toEqual({});
    expect(Object.keys(policy.handoffTemplates)).toEqual(['support', 'sovren', 'weekly']);
  });

  it('a rotation that says only its members: weekly, Monday 09:00 UTC, secondary the next person, support template', () => {
    const rotation = parsePolicyText('rotations: { web: { members: [U0A, U0B] } }', 'x.yml').rotations.web!;
    expect(rotation).toEqual({
      name: 'web',
      members: ['U0A', 'U0B'],
      shift: { everyMs: 7 * DAY, handoffWeekday: 1, handoffTime: '09:00', timezone: 'UTC', start: '2026-01-05' },
      secondaryOffset: 1,
      secondaryLagDays: 0,
      channel: null,
      alertsChannel: null,
      usergroup: null,
      handoffTemplate: 'support',
      escalation: 'default',
      shadows: [],
    });
  });

  it('each Policy is its own copy: editing one leaves the preset alone', () => {
    defaultPolicy().escalation.default!.P0!.steps[0]!.target = { kind: 'person', userId: 'U0MALLORY' };
    expect(defaultPolicy().escalation.default!.P0!.steps[0]!.target).toEqual({ kind: 'on-call', role: 'primary' });
  });
});

describe('presets', () => {
  it('the other scales keep the ranks, so defaults follow the rank, not the name', () => {
    expect(SEVERITY_SCALES['sev0-sev3'].map((s) => `${s.id}:${s.rank}:${s.label}`)).toEqual([
      'SEV0:0:critical',
      'SEV1:1:high',
      'SEV2:2:medium',
      'SEV3:3:low',
    ]);
    expect(SEVERITY_SCALES['p1-p4'].map((s) => `${s.id}:${s.rank}:${s.label}`)).toEqual([
      'P1:0:critical',
      'P2:1:high',
      'P3:2:medium',
      'P4:3:low',
    ]);
    const sev = parsePolicyText('preset: sev0-sev3', 'x.yml');
    expect(Object.keys(sev.escalation.default!)).toEqual(['SEV0', 'SEV1', 'SEV2']);
    expect(sev.postmortem.required).toEqual(['SEV0', 'SEV1']);
    const p14 = parsePolicyText('preset: p1-p4', 'x.yml');
    expect(p14.ackSla).toEqual({
      P1: { kind: 'wall', ms: 5 * MINUTE },
      P2: { kind: 'wall', ms: 15 * MINUTE },
      P3: { kind: 'wall', ms: 30 * MINUTE },
      P4: null,
    });
    expect(p14.escalation.default!.P2!.steps[1]!.afterMs).toBe(45 * MINUTE);
    expect(p14.notify[0]).toMatchObject({ when: 'declared', severity: 'P1', who: 'engineering_lead' });
    expect(severityRank(p14.severities, 'P1')).toBe(0);
    expect(severityRank(p14.severities, 'P0')).toBeNull();
  });

  it('handoff templates from seeds 000, 002 and 003', () => {
    expect(HANDOFF_TEMPLATE_PRESETS.support!.map((f) => f.label)).toEqual([
      'Current status',
      'Affected environment',
      'Known impact',
      'Recent changes checked',
      'Logs/dashboards checked',
      'Next recommended action',
      'Open risks',
      'Links',
    ]);
    expect(HANDOFF_TEMPLATE_PRESETS.sovren!.map((f) => f.label)).toEqual([
      'Active incidents',
      'Elevated risk areas',
      'Changes made during shift',
      'Action items handed off',
    ]);
    expect(HANDOFF_TEMPLATE_PRESETS.weekly!.map((f) => f.label)).toEqual([
      'Active issues',
      'Recent incidents',
      'Infrastructure changes',
      'Upcoming maintenance',
      'Things to watch',
    ]);
    for (const fields of Object.values(HANDOFF_TEMPLATE_PRESETS)) for (const f of fields) expect(f.hint!.length).toBeLessThanOrEqual(150);
  });
});

describe('what a file leaves out comes from the preset', () => {
  it('a chain that changes one field keeps the rest of its severity', () => {
    const policy = parsePolicyText(
      lines('escalation:', '  default:', '    P1: { loops: 3 }', '    P2: { quiet_at_night: false }'),
      'x.yml',
    );
    expect(policy.escalation.default!.P1!.loops).toBe(3);
    expect(policy.escalation.default!.P1!.steps).toEqual(defaultPolicy().escalation.default!.P1!.steps);
    // P2 without steps keeps the preset's steps and chat-only, with the one flag changed.
    expect(policy.escalation.default!.P2).toEqual({ ...defaultPolicy().escalation.default!.P2!, quietAtNight: false });
  });

  it('a chain that writes its steps is taken whole: no preset quiet_at_night or chat_only it does not show (seed 001 SEV-2)', () => {
    const policy = parsePolicyText(
      lines('preset: sev0-sev3', 'escalation:', '  default:', '    SEV2: { steps: [{ page: primary }, { page: secondary }] }'),
      'x.yml',
    );
    // The preset's SEV2 is chat-only and quiet at night; the file says neither, so neither holds.
    expect(defaultPolicy().escalation.default!.P2).toMatchObject({ chatOnly: true, quietAtNight: true });
    expect(policy.escalation.default!.SEV2).toEqual({
      loops: 2,
      chatOnly: false,
      quietAtNight: false,
      task: false,
      repeatAfterMs: null,
      steps: [
        { afterMs: 0, target: { kind: 'on-call', role: 'primary' }, via: null, businessHours: false },
        { afterMs: 15 * MINUTE, target: { kind: 'on-call', role: 'secondary' }, via: null, businessHours: false },
      ],
    });
    // Written with the flags, they hold; a chat-only chain defaults to one round.
    const quiet = parsePolicyText(
      lines('escalation:', '  default:', '    P2: { chat_only: true, quiet_at_night: true, steps: [{ page: primary }] }'),
      'x.yml',
    );
    expect(quiet.escalation.default!.P2).toMatchObject({ loops: 1, chatOnly: true, quietAtNight: true });
  });

  it('a team whose people the preset does not name is told at start-up, one line per missing role (seed 001)', () => {
    const text = lines(
      'preset: sev0-sev3',
      'people:',
      '  leadership: U0LEAD',
      '  support_ops_lead: U0SUPP',
      'escalation:',
      '  default:',
      '    SEV0: { steps: [{ page: primary }, { after: 15m, page: leadership }] }',
    );
    expect(errorOf(text)).toBe(
      lines(
        'The policy file oncall.policy.yml has 2 problems:',
        'oncall.policy.yml:2 people: the preset (sev0-sev3) names engineering_lead in its notify rules (SEV0 declared, SEV1 unresolved after 1 h) and its escalation chains (SEV1 step 3), but people has no engineering_lead (defined: leadership, support_ops_lead): add engineering_lead under people, or write your own notify: list (notify: [] for none) and your own steps under escalation.default for SEV1',
        'oncall.policy.yml:2 people: the preset (sev0-sev3) names cto in its notify rules (SEV0 tagged data/security declared, SEV0 unmitigated after 2 h) and its escalation chains (SEV1 step 4), but people has no cto (defined: leadership, support_ops_lead): add cto under people, or write your own notify: list (notify: [] for none) and your own steps under escalation.default for SEV1',
      ),
    );
    // Writing the rules the team means makes it load; a file with no people at all keeps the preset as it is.
    const fixed = lines(
      text,
      '    SEV1: { steps: [{ page: primary }, { after: 45m, page: secondary }, { after: 15m, page: leadership }] }',
      'notify:',
      '  - { when: declared, severity: SEV0, who: leadership }',
    );
    expect(parsePolicyText(fixed, 'x.yml').notify).toEqual([
      { when: 'declared', since: 'declared', how: 'notify', severity: 'SEV0', tags: [], afterMs: 0, who: 'leadership' },
    ]);
    expect(parsePolicyText('rotations: { web: { members: [U0A] } }', 'x.yml').notify).toEqual(defaultPolicy().notify);
  });

  it('a named escalation policy starts as a copy of default', () => {
    const policy = parsePolicyText(
      lines(
        'people: { engineering_lead: U0LEAD, cto: U0CTO }',
        'rotations: { web: { members: [U0A], escalation: gentle } }',
        'escalation:',
        '  default: { P0: { loops: 1 } }',
        '  gentle: { P1: { steps: [{ page: primary }, { after: 2h, page: engineering_lead }] } }',
      ),
      'x.yml',
    );
    expect(policy.rotations.web!.escalation).toBe('gentle');
    expect(policy.escalation.gentle!.P0!.loops).toBe(1);
    expect(policy.escalation.gentle!.P1!.steps.map((s) => s.afterMs)).toEqual([0, 2 * HOUR]);
    expect(policy.escalation.gentle!.P2).toEqual(policy.escalation.default!.P2);
  });

  it('acknowledgement deadlines, reminders and postmortems can each be changed per severity', () => {
    const policy = parsePolicyText(
      lines(
        'ack_sla: { P1: 4 business hours, P2: none, P3: next business day, P0: 2h }',
        'reminders: { P2: { until_monitoring: 30m, then: 1h } }',
        'postmortem: { required: [P0], due: { P0: 4 business hours } }',
      ),
      'x.yml',
    );
    // Business targets (seed 002's "4 business hours", seed 003's "next business day") are read, not refused.
    expect(policy.ackSla).toEqual({
      P0: { kind: 'wall', ms: 2 * HOUR },
      P1: { kind: 'business_hours', ms: 4 * HOUR },
      P2: null,
      P3: { kind: 'business_days', days: 1 },
    });
    expect(policy.reminders.P2).toEqual({ kind: 'until_monitoring', untilMonitoringMs: 30 * MINUTE, thenMs: HOUR });
    expect(policy.postmortem).toEqual({ required: ['P0'], due: { P0: { kind: 'business_hours', ms: 4 * HOUR } } });
  });

  it('incidents: roles, verification and first-update deadlines (seed 003 by rank) can be changed', () => {
    expect(defaultPolicy().incidents).toEqual({
      roles: ['support ops lead', 'comms'],
      verification: ['The error no longer reproduces', 'Monitors and synthetic checks are green', 'No related alert for one alert cycle'],
      firstUpdateMs: { P0: 30 * MINUTE, P1: HOUR, P2: 4 * HOUR, P3: null },
    });
    const policy = parsePolicyText(
      lines(
        'preset: p1-p4',
        'incidents:',
        '  roles: [scribe]',
        '  verification: [Customers confirm]',
        '  first_update: { P4: 1d, P1: none }',
      ),
      'x.yml',
    );
    expect(policy.incidents).toEqual({
      roles: ['scribe'],
      verification: ['Customers confirm'],
      firstUpdateMs: { P1: null, P2: HOUR, P3: 4 * HOUR, P4: DAY },
    });
    expect(errorOf(lines('incidents:', '  first_update: { P7: 1h }', '  verification: []'))).toBe(
      lines(
        'The policy file oncall.policy.yml has 2 problems:',
        'oncall.policy.yml:2 incidents.first_update.P7: unknown severity "P7" for preset p0-p3 (expected one of P0, P1, P2, P3)',
        'oncall.policy.yml:3 incidents.verification: list at least one check, or leave verification out',
      ),
    );
  });

  it('permissions: every role under people acts anywhere by default; permissions.admins narrows or widens that', () => {
    const people = 'people: { engineering_lead: U0LEAD, cto: U0CTO, support_ops_lead: U0SUPP, vp: U0CTO }';
    expect(defaultPolicy().permissions).toEqual({ admins: [] });
    expect(parsePolicyText(people, 'x.yml').permissions.admins).toEqual([
      { userId: 'U0LEAD', roles: ['engineering_lead'] },
      { userId: 'U0CTO', roles: ['cto', 'vp'] },
      { userId: 'U0SUPP', roles: ['support_ops_lead'] },
    ]);
    const narrowed = parsePolicyText(lines(people, 'permissions: { admins: [engineering_lead, U0SRE] }'), 'x.yml');
    expect(narrowed.permissions.admins).toEqual([
      { userId: 'U0LEAD', roles: ['engineering_lead'] },
      { userId: 'U0SRE', roles: [] },
    ]);
    expect(parsePolicyText(lines(people, 'permissions: { admins: [] }'), 'x.yml').permissions.admins).toEqual([]);
    expect(errorOf(lines(people, 'permissions:', '  admins: [engineering_lead, ctoo, S0ONCALL, 5]', '  owners: [cto]'))).toBe(
      lines(
        'The policy file oncall.policy.yml has 4 problems:',
        'oncall.policy.yml:3 permissions.admins[3]: expected text, got 5',
        'oncall.policy.yml:3 permissions.admins[1]: "ctoo" is not a role under people (engineering_lead, cto, support_ops_lead, vp) or a user id (U...)',
        'oncall.policy.yml:3 permissions.admins[2]: "S0ONCALL" is a user group, whose members the bot cannot check; name a role under people (engineering_lead, cto, support_ops_lead, vp) or a user id (U...) instead',
        'oncall.policy.yml:4 permissions.owners: unknown key "owners" (expected one of admins)',
      ),
    );
    expect(errorOf('permissions: { admins: cto }')).toBe(
      lines(
        'The policy file oncall.policy.yml has 1 problem:',
        'oncall.policy.yml:1 permissions.admins: expected a list of roles under people or user ids, e.g. [engineering_lead, U0123ABCD], got "cto"',
      ),
    );
  });

  it('an empty file is the preset', () => {
    expect(parsePolicyText('', 'x.yml')).toEqual(defaultPolicy());
    expect(parsePolicyText('# only a comment\n', 'x.yml')).toEqual(defaultPolicy());
  });
});

describe('wake: how a paged person is reached beyond Slack', () => {
  it('by default the most severe pages push after 1 min and call after 3, the next push after 5, the rest stay in Slack', () => {
    const policy = parsePolicyText('preset: p0-p3', 'oncall.policy.yml');
    expect(policy.wake).toEqual({
      P0: [
        { afterMs: 0, via: 'slack' },
        { afterMs: MINUTE, via: 'push' },
        { afterMs: 3 * MINUTE, via: 'voice' },
      ],
      P1: [
        { afterMs: 0, via: 'slack' },
        { afterMs: 5 * MINUTE, via: 'push' },
      ],
      P2: [{ afterMs: 0, via: 'slack' }],
      P3: [{ afterMs: 0, via: 'slack' }],
    });
  });

  it('a severity written is taken whole and put in order of delay; 0 or no delay is at once', () => {
    const policy = parsePolicyText(
      'wake:\n  P0: [{ after: 2m, via: voice }, { via: slack }, { after: 0, via: sms }]\n  P2: [{ after: 10m, via: push }]',
      'oncall.policy.yml',
    );
    expect(policy.wake.P0).toEqual([
      { afterMs: 0, via: 'slack' },
      { afterMs: 0, via: 'sms' },
      { afterMs: 2 * MINUTE, via: 'voice' },
    ]);
    expect(policy.wake.P2).toEqual([{ afterMs: 10 * MINUTE, via: 'push' }]);
    expect(policy.wake.P1).toEqual([
      { afterMs: 0, via: 'slack' },
      { afterMs: 5 * MINUTE, via: 'push' },
    ]);
  });
});

describe('readable errors: file:line path: reason', () => {
  it('a bad duration: exactly one line naming file, line, path and the reason', () => {
    const text = lines(
      'timezone: UTC',
      'escalation:',
      '  default:',
      '    P1:',
      '      steps:',
      '        - { page: primary }',
      '        - { after: fifteen, page: secondary }',
    );
    const error = refusal(text);
    expect(error.message).toBe(
      lines(
        'The policy file oncall.policy.yml has 1 problem:',
        'oncall.policy.yml:7 escalation.default.P1.steps[1].after: expected a duration like "15m", got "fifteen"',
      ),
    );
    expect(error.problems).toEqual([
      'oncall.policy.yml:7 escalation.default.P1.steps[1].after: expected a duration like "15m", got "fifteen"',
    ]);
    expect(error.fileName).toBe('oncall.policy.yml');
  });

  it('a bad duration inside the example file points at its line', () => {
    const example = readFileSync(EXAMPLE, 'utf8');
    const broken = example.replace('{ after: 45m, page: secondary }', '{ after: fifteen, page: secondary }');
    const line = broken.slice(0, broken.indexOf('after: fifteen')).split('\n').length;
    expect(errorOf(broken)).toBe(
      lines(
        'The policy file oncall.policy.yml has 1 problem:',
        `oncall.policy.yml:${line} escalation.default.P1.steps[1].after: expected a duration like "15m", got "fifteen"`,
      ),
    );
  });

  it('an empty duration says so', () => {
    expect(
      errorOf(
        lines(
          'escalation:',
          '  default:',
          '    P1:',
          '      steps:',
          '        - page: primary',
          '        - after:',
          '          page: secondary',
        ),
      ),
    ).toBe(
      lines(
        'The policy file oncall.policy.yml has 1 problem:',
        'oncall.policy.yml:6 escalation.default.P1.steps[1].after: expected a duration like "15m", got nothing',
      ),
    );
  });

  it('an unknown key is named, with the key it probably meant', () => {
    expect(errorOf(lines('escalation:', '  default:', '    P0:', '      steps:', '        - page: primary', '          afer: 15m'))).toBe(
      lines(
        'The policy file oncall.policy.yml has 1 problem:',
        'oncall.policy.yml:6 escalation.default.P0.steps[0].afer: unknown key "afer" (did you mean "after"?)',
      ),
    );
    expect(errorOf('timezon: UTC\nwhatever: 1\n')).toBe(
      lines(
        'The policy file oncall.policy.yml has 2 problems:',
        'oncall.policy.yml:1 timezon: unknown key "timezon" (did you mean "timezone"?)',
        'oncall.policy.yml:2 whatever: unknown key "whatever" (expected one of preset, timezone, business_hours, people, channels, environments, services, rotations, escalation, ack_sla, wake, notify, retention, reminders, postmortem, handoff_templates, integrations, grouping, digest, playbooks, incidents, permissions)',
      ),
    );
  });

  it('a rotation naming a missing escalation policy', () => {
    expect(errorOf(lines('rotations:', '  web:', '    members: [U0ALICE]', '    escalation: nightly'))).toBe(
      lines(
        'The policy file oncall.policy.yml has 1 problem:',
        'oncall.policy.yml:4 rotations.web.escalation: no escalation policy named "nightly" (defined: default)',
      ),
    );
  });

  it('an invalid time zone, for the team and for a rotation', () => {
    expect(
      errorOf(lines('timezone: Europe/Londn', 'rotations:', '  web:', '    members: [U0ALICE]', '    shift: { timezone: Mars/Olympus }')),
    ).toBe(
      lines(
        'The policy file oncall.policy.yml has 2 problems:',
        'oncall.policy.yml:1 timezone: expected an IANA time zone such as "Europe/London" or "UTC", got "Europe/Londn"',
        'oncall.policy.yml:5 rotations.web.shift.timezone: expected an IANA time zone such as "Europe/London" or "UTC", got "Mars/Olympus"',
      ),
    );
  });

  it('bad YAML: the syntax error with its line', () => {
    expect(errorOf('timezone: UTC\nrotations:\n  web: [unclosed\n')).toBe(
      lines(
        'The policy file oncall.policy.yml has 1 problem:',
        'oncall.policy.yml:3 YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]',
      ),
    );
    expect(errorOf('rotations:\n  web:\n    members: [U0A]\n   channel: C0X\n')).toBe(
      lines(
        'The policy file oncall.policy.yml has 1 problem:',
        'oncall.policy.yml:4 YAML syntax: All mapping items must start at the same column',
      ),
    );
    expect(errorOf('timezone: UTC\ntimezone: Europe/London\n')).toBe(
      lines('The policy file oncall.policy.yml has 1 problem:', 'oncall.policy.yml:2 YAML syntax: Map keys must be unique'),
    );
  });

  it('a file that is not a mapping at all', () => {
    expect(errorOf('- timezone: UTC\n')).toBe(
      lines(
        'The policy file oncall.policy.yml has 1 problem:',
        'oncall.policy.yml:1 (top level): expected a mapping of policy keys (timezone, rotations, escalation, ...), got a list',
      ),
    );
  });

  it('many problems at once: shape and references together, in file order', () => {
    const text = lines(
      'timezone: Mars/Olympus', // 1
      'people: { lead: U0LEAD }', // 2
      'rotations:', // 3
      '  web:', // 4
      '    members: U0ALICE', // 5
      '    escalation: nightly', // 6
      'escalation:', // 7
      '  default:', // 8
      '    P0:', // 9
      '      steps:', // 10
      '        - { page: primary, afer: 15m }', // 11
      '        - { after: 10m, page: oncall_boss }', // 12
      '    P9: { loops: 1 }', // 13
      'notify:', // 14
      '  - { when: unresolved, severity: P1, who: lead }', // 15
      'integrations:', // 16
      '  jobs:', // 17
      '    format: generic', // 18
      '    routes: [{ rotation: frontend }]', // 19
    );
    const error = refusal(text);
    expect(error.message).toBe(
      lines(
        'The policy file oncall.policy.yml has 10 problems:',
        'oncall.policy.yml:1 timezone: expected an IANA time zone such as "Europe/London" or "UTC", got "Mars/Olympus"',
        'oncall.policy.yml:2 people: the preset (p0-p3) names engineering_lead in its escalation chains (P1 step 3), but people has no engineering_lead (defined: lead): add engineering_lead under people, or write your own steps under escalation.default for P1',
        'oncall.policy.yml:2 people: the preset (p0-p3) names cto in its escalation chains (P1 step 4), but people has no cto (defined: lead): add cto under people, or write your own steps under escalation.default for P1',
        'oncall.policy.yml:5 rotations.web.members: expected a list, got "U0ALICE"',
        'oncall.policy.yml:6 rotations.web.escalation: no escalation policy named "nightly" (defined: default)',
        'oncall.policy.yml:11 escalation.default.P0.steps[0].afer: unknown key "afer" (did you mean "after"?)',
        'oncall.policy.yml:12 escalation.default.P0.steps[1].page: "oncall_boss" is not primary, secondary, another rotation\'s "<rotation>.primary" or ".secondary", a role under people (lead), a user id (U...) or a user group id (S...)',
        'oncall.policy.yml:13 escalation.default.P9: unknown severity "P9" for preset p0-p3 (expected one of P0, P1, P2, P3)',
        'oncall.policy.yml:15 notify[0].after: is required when "when" is unresolved, e.g. after: 1h',
        'oncall.policy.yml:19 integrations.jobs.routes[0].rotation: no rotation named "frontend" (defined: web)',
      ),
    );
    expect(error.problems).toHaveLength(10);
  });

  it.each([
    [
      'rotations: { web: { members: [U0A], shift: { every: 12h } } }',
      'rotations.web.shift.every: expected whole days such as "1d", "3d" or "1w", got "12h"',
    ],
    [
      'rotations: { web: { members: [U0A], shift: { handoff: "monday 9am" } } }',
      'rotations.web.shift.handoff: expected a weekday and time like "mon 09:00", got "monday 9am"',
    ],
    [
      'rotations: { web: { members: [U0A], shift: { start: "2026-02-30" } } }',
      'rotations.web.shift.start: expected a date like "2026-01-05", got "2026-02-30"',
    ],
    ['rotations: { web: { members: [U0A], secondary_offset: 0 } }', 'rotations.web.secondary_offset: expected 1 or more, got 0'],
    [
      'rotations: { web: { members: [U0A, U0B, U0C], secondary_offset: 3 } }',
      'rotations.web.secondary_offset: 3 with 3 members makes each primary their own secondary: use 1 to 2, or "none"',
    ],
    [
      'rotations: { web: { members: [U0A, U0B, U0C], secondary_offset: none, secondary_handoff_after: 1w } }',
      'rotations.web.secondary_handoff_after: the rotation has no secondary (secondary_offset: none): remove secondary_handoff_after, or give it a secondary',
    ],
    [
      'rotations: { web: { members: [U0A, U0B, U0C], secondary_handoff_after: 1w } }',
      'rotations.web.secondary_handoff_after: 1w is not shorter than a shift (7 days): the secondary hands off inside the primary\'s shift, e.g. "1w" for "every: 2w"',
    ],
    [
      'rotations: { web: { members: [U0A, U0B, U0C], shift: { every: 2w }, secondary_handoff_after: 12h } }',
      'rotations.web.secondary_handoff_after: expected whole days such as "1d", "3d" or "1w", got "12h"',
    ],
    [
      'rotations: { web: { members: [U0A, U0B], shift: { every: 2w }, secondary_handoff_after: 1w } }',
      'rotations.web.secondary_handoff_after: a staggered secondary needs at least 3 members (there are 2): each secondary stint spans two primaries, and neither can be their own secondary',
    ],
    [
      'rotations: { web: { members: [U0A, U0B, U0C, U0D], shift: { every: 2w }, secondary_handoff_after: 1w } }',
      'rotations.web.secondary_handoff_after: with secondary_handoff_after: 1w, a secondary_offset of 1 means the next primary is secondary during the second half of the shift before theirs; write secondary_offset: 2 (up to 3)',
    ],
    [
      'rotations: { web: { members: [U0A, U0B, U0C, U0D], shift: { every: 2w }, secondary_offset: 5, secondary_handoff_after: 1w } }',
      'rotations.web.secondary_offset: with secondary_handoff_after: 1w, a secondary_offset of 5 means the next primary is secondary during the second half of the shift before theirs; write secondary_offset: 2 (up to 3)',
    ],
    ['wake: { P0: [{ after: 1m, via: pager }] }', 'wake.P0[0].via: expected one of slack, push, sms, voice, email, got "pager"'],
    ['wake: { P0: [{ after: soon, via: push }] }', 'wake.P0[0].after: expected a delay like "1m" or 0 for at once, got "soon"'],
    ['wake: { P9: [{ via: push }] }', 'wake.P9: unknown severity "P9" for preset p0-p3 (expected one of P0, P1, P2, P3)'],
    ['rotations: { web: { members: [alice] } }', 'rotations.web.members[0]: expected a Slack user id like "U0123ABCD", got "alice"'],
    ['rotations: { web: { channel: C0WEB } }', 'rotations.web.members: is required here'],
    [
      'rotations: { web: { members: [U0A], handoff_template: sovrn } }',
      'rotations.web.handoff_template: no handoff template named "sovrn" (presets: support, sovren, weekly; or define it under handoff_templates)',
    ],
    ['preset: sev1-sev4', 'preset: expected one of p0-p3, sev0-sev3, p1-p4, got "sev1-sev4"'],
    [
      'preset: p1-p4\nreminders: { P0: { every: 1h } }',
      'reminders.P0: unknown severity "P0" for preset p1-p4 (expected one of P1, P2, P3, P4)',
    ],
    ['business_hours: { start: "19:00" }', 'business_hours.start: expected the end (18:00) after the start (19:00)'],
    [
      'reminders: { P2: { every: 5m, then: 30m } }',
      'reminders.P2: expected either { every: 60m } or { until_monitoring: 15m, then: 30m }, not both',
    ],
    [
      'escalation: { default: { P3: { loops: 2 } } }',
      'escalation.default.P3.steps: is required here: the preset has no chain for P3 to start from',
    ],
    [
      'notify: [{ when: declared, severity: P0, who: primary }]',
      'notify[0].who: "primary" is paged already, so it cannot be notified (only after an acknowledgement, with since: acknowledged); use a role under people (none defined), a user id (U...) or a user group id (S...)',
    ],
    [
      'postmortem: { due: { P1: soon } }',
      'postmortem.due.P1: expected a duration like "24h", "4 business hours" or "2 business days", got "soon"',
    ],
    [
      'integrations: { x: { format: nagios, routes: [{ rotation: web }] } }',
      'integrations.x.format: expected one of alertmanager, grafana, sentry, pagerduty-events-v2, uptime-kuma, generic, got "nagios"',
    ],
    [
      'integrations: { x: { format: generic, auth: { header: X-Sig }, routes: [] } }',
      'integrations.x.auth: expected one of bearer_env, basic_env, sentry_secret_env, routing_key_env, hmac_sha256_env (or leave auth out to accept anyone)',
    ],
  ])('%s -> %s', (text, problem) => {
    expect(refusal(text).problems[0]).toBe(`oncall.policy.yml:${text.split('\n').length} ${problem}`);
  });

  it('a legacy zone abbreviation is refused with the place it stands for (EST is America/Panama, no DST)', () => {
    expect(errorOf(lines('timezone: EST', 'rotations:', '  web:', '    members: [U0ALICE]', '    shift: { timezone: PST8PDT }'))).toBe(
      lines(
        'The policy file oncall.policy.yml has 2 problems:',
        'oncall.policy.yml:1 timezone: "EST" is a legacy abbreviation, not the zone of a place: it keeps one offset all year or follows old US rules, so shifts would drift by an hour at daylight saving changes. Write the place\'s zone: America/New_York',
        'oncall.policy.yml:5 rotations.web.shift.timezone: "PST8PDT" is a legacy abbreviation, not the zone of a place: it keeps one offset all year or follows old US rules, so shifts would drift by an hour at daylight saving changes. Write the place\'s zone: America/Los_Angeles',
      ),
    );
    // UTC and explicit fixed offsets are meant as written.
    expect(parsePolicyText('timezone: UTC', 'p.yml').timezone).toBe('UTC');
    expect(parsePolicyText('timezone: Etc/GMT+5', 'p.yml').timezone).toBe('Etc/GMT+5');
    expect(parsePolicyText('timezone: America/New_York', 'p.yml').timezone).toBe('America/New_York');
  });

  it('a member listed twice is refused at the line of the second listing (members and shadows)', () => {
    expect(
      errorOf(
        lines(
          'rotations:',
          '  web:',
          '    members:',
          '      - U0ALICE',
          '      - U0BOB',
          '      - U0ALICE',
          '    shadows: [U0CAROL, U0CAROL]',
        ),
      ),
    ).toBe(
      lines(
        'The policy file oncall.policy.yml has 2 problems:',
        'oncall.policy.yml:6 rotations.web.members[2]: U0ALICE is listed twice (also members[0]): one person would be on call twice as often, and primary and secondary in the same week; list each person once',
        'oncall.policy.yml:7 rotations.web.shadows[1]: U0CAROL is listed twice (also shadows[0]): one person would be on call twice as often; list each person once',
      ),
    );
  });

  it('a key that takes several forms says which forms, never a bare "Invalid input"', () => {
    const text = errorOf(lines('ack_sla: { P1: soon }', 'incidents: { first_update: { P2: 5 } }'));
    expect(text).toBe(
      lines(
        'The policy file oncall.policy.yml has 2 problems:',
        'oncall.policy.yml:1 ack_sla.P1: expected "none" or a duration like "24h", "4 business hours" or "2 business days", got "soon"',
        'oncall.policy.yml:2 incidents.first_update.P2: expected "none" or a duration like "15m", got 5',
      ),
    );
    expect(text).not.toMatch(/Invalid input/);
  });

  it("a file's problems name it by its whole path, not its base name", () => {
    const dir = mkdtempSync(join(tmpdir(), 'policy-path-'));
    const path = join(dir, 'team', 'oncall.policy.yml');
    mkdirSync(dirname(path));
    writeFileSync(path, 'timezone: Europe/Londn\n');
    try {
      expect(() => loadPolicyFile(path)).toThrow(`The policy file ${path} has 1 problem:\n${path}:1 timezone: expected an IANA time zone`);
      // A relative path is resolved, so the line names the file whatever the reader's directory.
      expect(() => loadPolicyFile(relative(process.cwd(), path))).toThrow(`${path}:1 timezone:`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a missing file: one line naming the path and how to fix it', () => {
    const error = (() => {
      try {
        loadPolicyFile('/nonexistent/oncall.policy.yml');
      } catch (e) {
        return e as PolicyError;
      }
      throw new Error('expected a refusal');
    })();
    expect(error).toBeInstanceOf(PolicyError);
    expect(error.message).toBe(
      'Cannot read the policy file "/nonexistent/oncall.policy.yml" (no such file): set POLICY_PATH to your policy file, or copy policy.example.yml there and edit it.',
    );
    expect(error.problems).toEqual([error.message]);
  });

  it('a directory instead of a file says so', () => {
    expect(() => loadPolicyFile(fileURLToPath(new URL('.', import.meta.url)))).toThrow(
      /^Cannot read the policy file ".*" \(it is a directory\): set POLICY_PATH/,
    );
  });
});
