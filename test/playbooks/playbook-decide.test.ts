/**
 * decidePlaybook, playbooks' pure decision, as tables: an incident's state and a command in, Effects out
 * (checklist and trigger rows, timeline lines, Slack calls) plus the severity raise asked of incidents, each
 * written as one line so a table row reads as what the bot does. Times are minutes after the declaration.
 */
import { describe, expect, it } from 'vitest';
import { defaultPolicy, type Policy, type RotationPolicy } from '../../src/config/policy.js';
import type { OutgoingCall } from '../../src/engine/outbox.js';
import type { IncidentRow } from '../../src/incidents/incident-store.js';
import { incidentRow } from '../incidents/incident-row.js';
import type { ChecklistItem } from '../../src/playbooks/playbook-blocks.js';
import {
  decidePlaybook,
  type PlaybookCommand,
  type PlaybookDecision,
  type PlaybookState,
  type PlaybookWrite,
} from '../../src/playbooks/playbook-decide.js';
import { MINUTE } from '../../src/time/clock.js';

const T0 = Date.UTC(2026, 0, 5, 10, 0);
const m = (minutes: number) => T0 + minutes * MINUTE;
const NOW = m(5);

function policy(changes: Partial<Policy['playbooks']> = {}): Policy {
  const base = defaultPolicy();
  const backend = { name: 'backend', members: ['U0PRI', 'U0SEC'], channel: 'C0TEAM', escalation: 'default' } as RotationPolicy;
  return {
    ...base,
    people: { engineering_lead: 'U0LEAD' },
    permissions: { admins: [] },
    rotations: { backend },
    playbooks: {
      ...base.playbooks,
      checklist: ['Check deploys', 'Check health', 'Decide'],
      immediateActions: { P0: [{ text: 'Freeze deploys', runbook: 'https://runbooks/freeze' }] },
      triggers: {
        payments: { label: 'Payments fail', who: 'secondary', how: 'page', raiseTo: 'P0' },
        auth: { label: 'Auth fails', who: 'engineering_lead', how: 'notify', raiseTo: null },
        comms: { label: 'Wrong replies', who: 'support_ops_lead', how: 'notify', raiseTo: null },
        minor: { label: 'Cosmetic', who: 'primary', how: 'notify', raiseTo: 'P3' },
      },
      ...changes,
    },
  };
}
const POLICY = policy();

const incident = (i: Partial<IncidentRow> = {}): IncidentRow => incidentRow(T0, i);

const item = (position: number, checkedBy: string | null = null): ChecklistItem => ({
  position,
  text: POLICY.playbooks.checklist[position]!,
  checkedBy,
  checkedAt: checkedBy ? m(1) : null,
});

function state(s: Partial<PlaybookState> = {}): PlaybookState {
  return {
    incidentId: 4,
    incident: incident(),
    items: [item(0), item(1, 'U0BOB'), item(2)],
    marked: null,
    onCall: { primary: 'U0PRI', secondary: 'U0SEC' },
    ...s,
  };
}

const at = (t: number) => `+${(t - T0) / MINUTE}m`;
const PRIORITIES = ['page', 'notice', 'cosmetic'];

function writeLine(w: PlaybookWrite): string {
  switch (w.kind) {
    case 'checklist':
      return `checklist #${w.incidentId}: ${w.texts.join(' | ')}`;
    case 'item':
      return `item ${w.position} ${w.checked ? `checked by ${w.checked.by} ${at(w.checked.at)}` : 'unchecked'}`;
    case 'trigger':
      return `trigger ${w.row.name} by ${w.row.markedBy} ${at(w.row.markedAt)}`;
    case 'timeline':
      return `timeline ${w.line.kind} ${at(w.line.at)}: ${w.line.text}`;
  }
}

function callLine(c: OutgoingCall): string {
  const where = (c.args.channel as string | undefined) ?? c.targetRef;
  const ref = c.ref ? ` ref=${c.ref}` : '';
  const blocks = c.args.blocks as Array<{ elements?: Array<{ initial_options?: Array<{ value: string }> }> }> | undefined;
  const ticked = blocks
    ?.flatMap((b) => b.elements ?? [])
    .flatMap((e) => e.initial_options ?? [])
    .map((o) => o.value);
  const what =
    c.method === 'conversations.invite'
      ? `invite ${c.args.users as string}`
      : `${(c.args.text as string | undefined) ?? ''}${ticked ? ` [ticked: ${ticked.join(',') || 'none'}]` : ''}`;
  return `${c.method} ${where} ${PRIORITIES[c.priority]}${ref}: ${what}`;
}

/** The decision as lines: the answer, the rows, the calls, the raise. */
function lines(d: PlaybookDecision): string[] {
  return [
    ...(d.outcome ? [`${d.outcome.ok ? 'ok' : 'no'}: ${d.outcome.message}`] : []),
    ...d.effects.writes.map((w) => `write ${writeLine(w)}`),
    ...d.effects.timers.map((t) => `timer ${JSON.stringify(t)}`),
    ...d.effects.calls.map((c) => `call ${callLine(c)}`),
    ...(d.raise ? [`raise #${d.raise.incidentId} to ${d.raise.severity} by ${d.raise.by}`] : []),
  ];
}

const decide = (s: PlaybookState, c: PlaybookCommand, p: Policy = POLICY) => lines(decidePlaybook(s, c, p, NOW));

describe('declared: the checklist and the immediate actions of the severity', () => {
  const CHECKLIST = [
    'write checklist #4: Check deploys | Check health | Decide',
    'call chat.postMessage C0INC notice ref=incident:4:checklist: :ballot_box_with_check: Triage checklist for incident #4: 0 of 3 done [ticked: none]',
  ];
  const cases: Array<[string, Partial<IncidentRow>, string[]]> = [
    ['P1 in its own channel: the checklist, nothing to pin', {}, CHECKLIST],
    [
      'P0: the checklist, then the immediate actions posted urgently and pinned',
      { severity: 'P0' },
      [
        ...CHECKLIST,
        'call chat.postMessage C0INC page ref=incident:4:actions: :rotating_light: *Do not wait: immediate actions for P0*\n• Freeze deploys (<https://runbooks/freeze|runbook>)',
        'call pins.add incident:4:actions notice: ',
      ],
    ],
    ['no channel of its own: posted where it was announced', { channelId: null }, [CHECKLIST[0]!, CHECKLIST[1]!.replace('C0INC', 'C0ANN')]],
  ];
  it.each(cases)('%s', (_, i, expected) => {
    expect(decide(state({ incident: incident(i), items: [] }), { kind: 'declared' })).toEqual(expected);
  });

  it('no incident: nothing', () => {
    expect(decide(state({ incident: null }), { kind: 'declared' })).toEqual([]);
  });
});

describe('tick: each change is a row, a timeline line, and one edit of the message', () => {
  const all = { from: 0, to: Infinity };
  const cases: Array<[string, Partial<PlaybookState>, string, number[], { from: number; to: number }, string[]]> = [
    [
      'the commander ticks item 0 (item 1 stays ticked)',
      {},
      'U0ALICE',
      [0, 1],
      all,
      [
        'ok: 1 checklist item updated.',
        'write item 0 checked by U0ALICE +5m',
        'write timeline checklist +5m: Checked by <@U0ALICE>: Check deploys',
        'call chat.update incident:4:checklist notice: :ballot_box_with_check: Triage checklist for incident #4: 2 of 3 done [ticked: 0,1]',
      ],
    ],
    [
      'a rotation member unticks item 1 and ticks item 2',
      {},
      'U0SEC',
      [2],
      all,
      [
        'ok: 2 checklist items updated.',
        'write item 1 unchecked',
        'write timeline checklist +5m: Unchecked by <@U0SEC>: Check health',
        'write item 2 checked by U0SEC +5m',
        'write timeline checklist +5m: Checked by <@U0SEC>: Decide',
        'call chat.update incident:4:checklist notice: :ballot_box_with_check: Triage checklist for incident #4: 1 of 3 done [ticked: 2]',
      ],
    ],
    ['nothing changed: no rows, no edit', {}, 'U0ALICE', [1], all, ['ok: 0 checklist items updated.']],
    [
      'only the group that changed counts: item 1 outside it stays ticked',
      {},
      'U0ALICE',
      [2],
      { from: 2, to: 3 },
      [
        'ok: 1 checklist item updated.',
        'write item 2 checked by U0ALICE +5m',
        'write timeline checklist +5m: Checked by <@U0ALICE>: Decide',
        'call chat.update incident:4:checklist notice: :ballot_box_with_check: Triage checklist for incident #4: 2 of 3 done [ticked: 1,2]',
      ],
    ],
    ['no such incident', { incident: null }, 'U0ALICE', [0], all, ['no: There is no incident #4.']],
  ];
  it.each(cases)('%s', (_, s, by, ticked, among, expected) => {
    expect(decide(state(s), { kind: 'tick', by, ticked: new Set(ticked), among })).toEqual(expected);
  });

  it('someone not answerable for the incident: refused, nothing recorded', () => {
    const out = decide(state(), { kind: 'tick', by: 'U0MALLORY', ticked: new Set([0]), among: all });
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^no: .*Your tick was not recorded; the commander can give you a role with `\/incident role`\.$/);
  });
});

describe('trigger: pulls in whom it names, records it, and asks for a raise when it says so', () => {
  const cases: Array<[string, Partial<PlaybookState>, string, string, string[]]> = [
    [
      'payments (page the secondary, raise P1 to P0)',
      {},
      'U0ALICE',
      'payments',
      [
        'ok: Marked "payments" on incident #4.',
        'write trigger payments by U0ALICE +5m',
        'write timeline trigger +5m: Trigger "Payments fail" marked by <@U0ALICE>: paged <@U0SEC>',
        'call chat.postMessage U0SEC page: :rotating_light: You are needed: incident #4 [P1] checkout down in <#C0INC>. Trigger: Payments fail (marked by <@U0ALICE>).',
        'call conversations.invite C0INC notice: invite U0SEC',
        'call chat.postMessage C0INC notice: :triangular_flag_on_post: <@U0ALICE> marked *Payments fail*: paging <@U0SEC>.',
        'raise #4 to P0 by U0ALICE',
      ],
    ],
    [
      'payments on a P0: no raise (already as high)',
      { incident: incident({ severity: 'P0' }) },
      'U0ALICE',
      'payments',
      [
        'ok: Marked "payments" on incident #4.',
        'write trigger payments by U0ALICE +5m',
        'write timeline trigger +5m: Trigger "Payments fail" marked by <@U0ALICE>: paged <@U0SEC>',
        'call chat.postMessage U0SEC page: :rotating_light: You are needed: incident #4 [P0] checkout down in <#C0INC>. Trigger: Payments fail (marked by <@U0ALICE>).',
        'call conversations.invite C0INC notice: invite U0SEC',
        'call chat.postMessage C0INC notice: :triangular_flag_on_post: <@U0ALICE> marked *Payments fail*: paging <@U0SEC>.',
      ],
    ],
    [
      'minor would lower P1 to P3: never lowered',
      {},
      'U0ALICE',
      'minor',
      [
        'ok: Marked "minor" on incident #4.',
        'write trigger minor by U0ALICE +5m',
        'write timeline trigger +5m: Trigger "Cosmetic" marked by <@U0ALICE>: told <@U0PRI>',
        'call chat.postMessage U0PRI notice: :information_source: FYI: incident #4 [P1] checkout down in <#C0INC>. Trigger: Cosmetic (marked by <@U0ALICE>).',
        'call conversations.invite C0INC notice: invite U0PRI',
        'call chat.postMessage C0INC notice: :triangular_flag_on_post: <@U0ALICE> marked *Cosmetic*: telling <@U0PRI>.',
      ],
    ],
    [
      'auth, no channel of its own: a notice to the lead, nobody invited, the line where it was announced',
      { incident: incident({ channelId: null }) },
      'U0ALICE',
      'auth',
      [
        'ok: Marked "auth" on incident #4.',
        'write trigger auth by U0ALICE +5m',
        'write timeline trigger +5m: Trigger "Auth fails" marked by <@U0ALICE>: told <@U0LEAD>',
        'call chat.postMessage U0LEAD notice: :information_source: FYI: incident #4 [P1] checkout down. Trigger: Auth fails (marked by <@U0ALICE>).',
        'call chat.postMessage C0ANN notice: :triangular_flag_on_post: <@U0ALICE> marked *Auth fails*: telling <@U0LEAD>.',
      ],
    ],
    [
      'comms names a role nobody holds: recorded, nobody told',
      {},
      'U0ALICE',
      'comms',
      [
        'ok: Marked "comms" on incident #4.',
        'write trigger comms by U0ALICE +5m',
        'write timeline trigger +5m: Trigger "Wrong replies" marked by <@U0ALICE>: told nobody (no one is set as support_ops_lead)',
        'call chat.postMessage C0INC notice: :triangular_flag_on_post: <@U0ALICE> marked *Wrong replies*: telling nobody (no one is set as support_ops_lead).',
      ],
    ],
    [
      'payments with no secondary on call: recorded, nobody paged, still raised',
      { onCall: { primary: 'U0PRI', secondary: null } },
      'U0ALICE',
      'payments',
      [
        'ok: Marked "payments" on incident #4.',
        'write trigger payments by U0ALICE +5m',
        'write timeline trigger +5m: Trigger "Payments fail" marked by <@U0ALICE>: paged nobody (no one is set as secondary)',
        'call chat.postMessage C0INC notice: :triangular_flag_on_post: <@U0ALICE> marked *Payments fail*: paging nobody (no one is set as secondary).',
        'raise #4 to P0 by U0ALICE',
      ],
    ],
    [
      'an unknown name: the known ones listed (checked before the incident)',
      { incident: null },
      'U0ALICE',
      'nope',
      ['no: "nope" is not a trigger in the policy (triggers: payments, auth, comms, minor).'],
    ],
    ['no such incident', { incident: null }, 'U0ALICE', 'payments', ['no: There is no incident #4.']],
    ['a closed incident', { incident: incident({ status: 'resolved' }) }, 'U0ALICE', 'payments', ['no: Incident #4 is closed.']],
    [
      'already marked: who did it',
      { marked: { id: 1, incidentId: 4, name: 'payments', markedBy: 'U0BOB', markedAt: m(2) } },
      'U0ALICE',
      'payments',
      ['no: "payments" was already marked on incident #4 by <@U0BOB>.'],
    ],
  ];
  it.each(cases)('%s', (_, s, by, name, expected) => {
    expect(decide(state(s), { kind: 'trigger', by, name })).toEqual(expected);
  });

  it('a policy with no triggers says so', () => {
    expect(decide(state(), { kind: 'trigger', by: 'U0ALICE', name: 'payments' }, policy({ triggers: {} }))).toEqual([
      'no: "payments" is not a trigger in the policy (triggers: none).',
    ]);
  });

  it('someone not answerable for the incident: refused, nothing written', () => {
    const out = decide(state(), { kind: 'trigger', by: 'U0MALLORY', name: 'payments' });
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^no: .*mark the triggers of incident #4/);
  });
});

describe('guard: the fact of a guarded paste, never its text', () => {
  it('one timeline line naming the kinds', () => {
    expect(decide(state(), { kind: 'guard', by: 'U0BOB', kinds: ['an AWS key', 'a password'] })).toEqual([
      'write timeline guard +5m: A message by <@U0BOB> looked like it held an AWS key, a password; they were asked to delete it and rotate it',
    ]);
  });
});
