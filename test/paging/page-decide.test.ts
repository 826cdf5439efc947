/**
 * decidePage, paging's pure decision, as tables: a page's state and a command in, its Effects out (rows,
 * timers, outbox calls, domain events), each written as one line so a table row reads as what the bot does.
 */
import { describe, expect, it } from 'vitest';
import {
  defaultPolicy,
  type EscalationStep,
  type NotifyRule,
  type Policy,
  type RotationPolicy,
  type SeverityEscalation,
  type StepVia,
  type WakeStep,
} from '../../src/config/policy.js';
import { pageTargetOf } from '../../src/config/policy-target.js';
import { decidePage, type PageCommand, type PageEffects, type PageState } from '../../src/paging/page-decide.js';
import type { Page } from '../../src/paging/page-store.js';
import { MINUTE } from '../../src/time/clock.js';
import { pageRow } from './page-row.js';

// Monday 2026-01-05 10:00 UTC: business hours (the default policy's zone is UTC).
const T0 = Date.UTC(2026, 0, 5, 10, 0);
const m = (minutes: number) => T0 + minutes * MINUTE;
const at = (t: number) => `+${(t - T0) / MINUTE}m`;

const step = (afterMin: number, page: string, via: StepVia | null = null): EscalationStep => ({
  afterMs: afterMin * MINUTE,
  target: pageTargetOf(page, {}),
  via,
  businessHours: false,
});
/** A wake step `afterMin` minutes after the DM. */
const wake = (afterMin: number, via: WakeStep['via']): WakeStep => ({ afterMs: afterMin * MINUTE, via });
/** P1's wake in the wake tables: Slack at once, push at 1 min, a call at 3 min. */
const P1_WAKE = [wake(0, 'slack'), wake(1, 'push'), wake(3, 'voice')];
const P1: SeverityEscalation = {
  loops: 2,
  chatOnly: false,
  quietAtNight: false,
  task: false,
  repeatAfterMs: null,
  steps: [step(0, 'primary'), step(15, 'secondary'), step(10, 'engineering_lead')],
};
const P2: SeverityEscalation = { ...P1, loops: 1, chatOnly: true, quietAtNight: true, steps: [step(0, 'primary')] };
const P3: SeverityEscalation = { ...P1, loops: 1, task: true, steps: [] };
const rule = (r: Partial<NotifyRule>): NotifyRule =>
  ({ when: 'declared', severity: 'P1', who: 'cto', how: 'notify', since: 'declared', afterMs: 0, tags: [], ...r }) as NotifyRule;

function policy(changes: Partial<Policy> = {}): Policy {
  const base = defaultPolicy();
  const backend = {
    name: 'backend',
    members: ['U0PRI', 'U0SEC'],
    channel: 'C0TEAM',
    alertsChannel: 'C0ALERTS',
    escalation: 'default',
  } as RotationPolicy;
  return {
    ...base,
    people: { engineering_lead: 'U0LEAD', cto: 'U0CTO' },
    rotations: { backend },
    escalation: { default: { P1, P2, P3 } },
    ackSla: { P1: { kind: 'wall', ms: 15 * MINUTE }, P2: null, P3: null },
    notify: [],
    ...changes,
  };
}

const page = (p: Partial<Page> = {}): Page => pageRow(T0, p);

function state(s: Partial<PageState> = {}): PageState {
  return {
    page: page(),
    messages: [],
    onCall: { primary: 'U0PRI', secondary: 'U0SEC' },
    others: {},
    members: {},
    tags: [],
    mitigated: null,
    verified: {},
    ...s,
  };
}

/** The effects as lines: what a reader checks, in order. */
function lines(e: PageEffects): string[] {
  return [
    ...e.writes.map((w) =>
      w.kind === 'page'
        ? `write ${JSON.stringify(w.patch)}`
        : `reached ${w.rows.map((r) => `${r.userId ?? 'channel'}@${r.ref}`).join(' ')}`,
    ),
    ...e.timers.map((t) =>
      t.op === 'set' ? `set ${t.timer.kind} ${at(t.timer.dueAt)} ${JSON.stringify(t.timer.payload)}` : `cancel ${t.kind ?? 'all'}`,
    ),
    ...e.calls.map((c) =>
      c.method === 'chat.update' ? `edit ${c.targetRef}` : `post ${String(c.args.channel)} ${c.ref ?? ''} p${c.priority}`,
    ),
    ...e.events.map((ev) => `event ${ev.type} ${ev.type === 'page.slack_fell_back' ? `via ${ev.via.join(',')}` : `by ${ev.by}`}`),
  ];
}

const decide = (s: PageState, c: PageCommand, p = policy(), now = m(0)) => decidePage(s, c, p, now);

describe('decidePage: the chain', () => {
  it.each<[string, PageState, PageCommand, number, string[]]>([
    [
      'the first step DMs the primary, posts the channel line, starts the ack SLA and sets the next step',
      state(),
      { kind: 'first-step' },
      m(0),
      [
        'write {"toldAt":1767607200000}',
        'reached U0PRI@page:7:dm:U0PRI:0:0',
        'reached channel@page:7:channel:0:0',
        'write {"stepIndex":0,"loop":0}',
        'set page.ack_sla +15m {"pageId":7}',
        'set page.slack_check +1m {"pageId":7,"stepIndex":0,"loop":0}',
        'set page.step +15m {"pageId":7,"stepIndex":1,"loop":0}',
        'post U0PRI page:7:dm:U0PRI:0:0 p0',
        'post C0ALERTS page:7:channel:0:0 p1',
      ],
    ],
    [
      'a step timer that fires late counts the next wait from when it was due; the SLA is not started twice',
      state({
        page: page({ toldAt: m(0) }),
        messages: [{ pageId: 7, userId: 'U0PRI', ref: 'page:7:dm:U0PRI:0:0', stepIndex: 0, loop: 0, createdAt: m(0) }],
      }),
      { kind: 'step', position: { stepIndex: 1, loop: 0 }, dueAt: m(15) },
      m(17),
      [
        'reached U0SEC@page:7:dm:U0SEC:0:1',
        'reached channel@page:7:channel:0:1',
        'write {"stepIndex":1,"loop":0}',
        'set page.slack_check +18m {"pageId":7,"stepIndex":1,"loop":0}',
        'set page.step +25m {"pageId":7,"stepIndex":2,"loop":0}',
        'post U0SEC page:7:dm:U0SEC:0:1 p0',
        'post C0ALERTS page:7:channel:0:1 p1',
      ],
    ],
    [
      'a step naming nobody is skipped at once and said in the channel',
      state({ onCall: { primary: 'U0PRI', secondary: null }, page: page({ toldAt: m(0) }) }),
      { kind: 'step', position: { stepIndex: 1, loop: 0 }, dueAt: m(15) },
      m(15),
      [
        'reached U0LEAD@page:7:dm:U0LEAD:0:2',
        'reached channel@page:7:channel:0:2',
        'write {"stepIndex":2,"loop":0}',
        'set page.slack_check +16m {"pageId":7,"stepIndex":2,"loop":0}',
        'set page.step +25m {"pageId":7,"stepIndex":0,"loop":1}',
        'post C0ALERTS page:7:skip:0:1 p0',
        'post U0LEAD page:7:dm:U0LEAD:0:2 p0',
        'post C0ALERTS page:7:channel:0:2 p1',
      ],
    ],
    [
      'a step timer for a page no longer open does nothing',
      state({ page: page({ status: 'acknowledged' }) }),
      { kind: 'step', position: { stepIndex: 1, loop: 0 }, dueAt: m(15) },
      m(15),
      [],
    ],
    [
      'the exhaust timer marks the page and says so in the alerts channel',
      state({ page: page({ stepIndex: 2, loop: 1 }) }),
      { kind: 'exhaust', at: m(60) },
      m(61),
      ['write {"exhaustedAt":1767610800000}', 'post C0ALERTS page:7:exhausted p0'],
    ],
    [
      'a quiet-at-night chat-only P2 raised Saturday 03:00 is held until Monday 09:00, and the channel is told',
      state({ page: page({ severity: 'P2' }) }),
      { kind: 'first-step' },
      Date.UTC(2026, 0, 10, 3, 0),
      ['set page.step +10020m {"pageId":7,"stepIndex":0,"loop":0}', 'post C0ALERTS page:7:held p1'],
    ],
    [
      'a chat-only step is one message in the team channel naming the primary, who is recorded as reached',
      state({ page: page({ severity: 'P2' }) }),
      { kind: 'first-step' },
      m(0),
      [
        'write {"toldAt":1767607200000}',
        'reached U0PRI@page:7:chat:C0TEAM:0:0',
        'write {"stepIndex":0,"loop":0}',
        'set page.exhaust +15m {"pageId":7}',
        'post C0TEAM page:7:chat:C0TEAM:0:0 p0',
      ],
    ],
    [
      'a task is logged in the team channel, nobody paged, no chain',
      state({ page: page({ severity: 'P3' }) }),
      { kind: 'first-step' },
      m(0),
      ['write {"toldAt":1767607200000}', 'reached channel@page:7:task', 'post C0TEAM page:7:task p1'],
    ],
    ['the ack SLA timer marks the breach once', state(), { kind: 'ack-sla', dueAt: m(15) }, m(15), ['write {"breachedAt":1767608100000}']],
    [
      'the ack SLA timer after a breach is marked does nothing',
      state({ page: page({ breachedAt: m(15) }) }),
      { kind: 'ack-sla', dueAt: m(15) },
      m(16),
      [],
    ],
  ])('%s', (_name, s, command, now, expected) => {
    expect(lines(decide(s, command, policy(), now).effects)).toEqual(expected);
  });
});

describe("decidePage: a step's via (seed 003: the CTO by phone)", () => {
  // P1 step 3 pages the lead by voice too; the severity itself wakes nobody beyond Slack.
  const viaP1 = (via: StepVia | null = 'voice') =>
    policy({
      escalation: {
        default: { P1: { ...P1, steps: [step(0, 'primary'), step(15, 'secondary'), step(10, 'engineering_lead', via)] }, P2, P3 },
      },
      wake: { P1: [wake(0, 'slack')] },
    });
  const third: PageCommand = { kind: 'step', position: { stepIndex: 2, loop: 0 }, dueAt: m(25) };
  const told = state({ page: page({ toldAt: m(0), stepIndex: 1 }) });
  const wakeCalls = (e: PageEffects) =>
    e.calls.filter((c) => c.method !== 'chat.postMessage').map((c) => `${c.method} ${JSON.stringify(c.args)}`);
  const notices = (e: PageEffects) =>
    e.calls.filter((c) => c.ref?.includes(':via:')).map((c) => `${String(c.args.channel)}: ${String(c.args.text)}`);

  it('reaches a person who verified the method at once, besides the DM, through the wake call', () => {
    const { effects } = decide({ ...told, verified: { U0LEAD: ['voice', 'push'] } }, third, viaP1(), m(25));
    expect(effects.calls.map((c) => c.ref ?? c.method)).toEqual(['page:7:dm:U0LEAD:0:2', 'page:7:channel:0:2', 'twilio.calls.create']);
    expect(wakeCalls(effects)).toEqual(['twilio.calls.create {"pageId":7,"userId":"U0LEAD","via":"voice","stepIndex":2,"loop":0}']);
    expect(notices(effects)).toEqual([]);
  });

  it.each<[string, Record<string, readonly string[]>]>([
    ['nothing verified', {}],
    ['another method verified, not this one', { U0LEAD: ['push'] }],
  ])('%s: Slack only, and the channel says the method is not verified', (_name, verified) => {
    const { effects } = decide({ ...told, verified }, third, viaP1(), m(25));
    expect(wakeCalls(effects)).toEqual([]);
    expect(notices(effects)).toEqual([
      'C0ALERTS: :information_source: [P1] checkout down (#7): step 3 also reaches by voice, which <@U0LEAD> has not verified: Slack only.',
    ]);
  });

  it('a step without via calls nobody, whatever they verified', () => {
    const { effects } = decide({ ...told, verified: { U0LEAD: ['voice'] } }, third, viaP1(null), m(25));
    expect(wakeCalls(effects)).toEqual([]);
    expect(notices(effects)).toEqual([]);
  });

  it('the steps before the one with via are unchanged', () => {
    const { effects } = decide(state({ verified: { U0PRI: ['voice'] } }), { kind: 'first-step' }, viaP1(), m(0));
    expect(lines(effects)).toEqual(
      lines(decide(state({ verified: { U0PRI: ['voice'] } }), { kind: 'first-step' }, viaP1(null), m(0)).effects),
    );
    expect(wakeCalls(effects)).toEqual([]);
  });
});

describe('decidePage: people act on it', () => {
  const reached = [
    { pageId: 7, userId: 'U0PRI', ref: 'page:7:dm:U0PRI:0:0', stepIndex: 0, loop: 0, createdAt: m(0) },
    { pageId: 7, userId: null, ref: 'page:7:channel:0:0', stepIndex: 0, loop: 0, createdAt: m(0) },
  ];
  /** The page told at minute 0, its DM and channel line sent. */
  const told = state({ page: page({ toldAt: m(0) }), messages: reached });
  /** A closed page's timers cancelled, as lines, and its two messages edited. */
  const CANCELLED = ['cancel page.step', 'cancel page.exhaust', 'cancel page.ack_sla', 'cancel page.wake', 'cancel page.slack_check'];
  const EDITED = ['edit page:7:dm:U0PRI:0:0', 'edit page:7:channel:0:0'];
  it.each<[string, PageState, PageCommand, number, boolean | null, string[]]>([
    [
      'acknowledging stops the chain, edits every message and tells the app',
      told,
      { kind: 'acknowledge', by: 'U0PRI' },
      m(5),
      true,
      [
        'write {"status":"acknowledged","ackedBy":"U0PRI","ackedAt":1767607500000,"breachedAt":null}',
        ...CANCELLED,
        ...EDITED,
        'event page.acknowledged by U0PRI',
      ],
    ],
    [
      'acknowledging after the deadline, before the SLA timer fired, records the breach at the deadline',
      told,
      { kind: 'acknowledge', by: 'U0PRI' },
      m(20),
      true,
      [
        'write {"status":"acknowledged","ackedBy":"U0PRI","ackedAt":1767608400000,"breachedAt":1767608100000}',
        ...CANCELLED,
        ...EDITED,
        'event page.acknowledged by U0PRI',
      ],
    ],
    [
      'someone the page never reached, outside the rotation, is refused and nothing changes',
      state({ messages: reached }),
      { kind: 'acknowledge', by: 'U0STRANGER' },
      m(5),
      false,
      [],
    ],
    [
      'a member of a user group the page named may act on it',
      state({ page: page({ toldAt: m(0) }), messages: [{ ...reached[0]!, userId: 'S0OWNERS' }], members: { S0OWNERS: ['U0OWNER'] } }),
      { kind: 'escalate', by: 'U0OWNER' },
      m(5),
      true,
      [
        'reached U0SEC@page:7:dm:U0SEC:0:1',
        'reached channel@page:7:channel:0:1',
        'write {"stepIndex":1,"loop":0}',
        'cancel page.step',
        'cancel page.exhaust',
        'set page.slack_check +6m {"pageId":7,"stepIndex":1,"loop":0}',
        'set page.step +15m {"pageId":7,"stepIndex":2,"loop":0}',
        'post U0SEC page:7:dm:U0SEC:0:1 p0',
        'post C0ALERTS page:7:channel:0:1 p1',
      ],
    ],
    [
      'resolving also acknowledges, cancels every timer of the page and tells the app',
      told,
      { kind: 'resolve', by: 'U0SEC' },
      m(5),
      true,
      [
        'write {"status":"resolved","resolvedBy":"U0SEC","resolvedAt":1767607500000,"ackedBy":"U0SEC","ackedAt":1767607500000,"breachedAt":null}',
        'cancel all',
        ...EDITED,
        'event page.resolved by U0SEC',
      ],
    ],
    [
      'an alert resolved at its source closes an open page',
      state({ messages: reached }),
      { kind: 'source-close', how: 'resolved', source: 'grafana' },
      m(5),
      true,
      [
        'write {"status":"resolved","resolvedBy":"grafana","resolvedAt":1767607500000}',
        'cancel all',
        ...EDITED,
        'event page.resolved by grafana',
      ],
    ],
    [
      '...but not a page a person already has',
      state({ page: page({ status: 'acknowledged' }) }),
      { kind: 'source-close', how: 'resolved', source: 'grafana' },
      m(5),
      false,
      [],
    ],
    [
      'escalating at the end of the chain exhausts it',
      state({ page: page({ stepIndex: 2, loop: 1 }) }),
      { kind: 'escalate', by: 'U0PRI' },
      m(5),
      true,
      ['write {"exhaustedAt":1767607500000}', 'cancel page.step', 'cancel page.exhaust', 'post C0ALERTS page:7:exhausted p0'],
    ],
  ])('%s', (_name, s, command, now, ok, expected) => {
    const { effects, outcome } = decide(s, command, policy(), now);
    expect(outcome?.ok ?? null).toBe(ok);
    expect(lines(effects)).toEqual(expected);
  });
});

describe('decidePage: a changed severity and notify rules', () => {
  it.each<[string, Partial<Page>, string, string[]]>([
    [
      'mid-chain: the next step of the new chain, after its own wait',
      { severity: 'P0', stepIndex: 0, loop: 0 },
      'P1',
      ['write {"severity":"P1"}', 'cancel page.step', 'cancel page.exhaust', 'set page.step +15m {"pageId":7,"stepIndex":1,"loop":0}'],
    ],
    [
      'past the end of the new chain: its last round starts again, after the default 15 minutes',
      { severity: 'P0', stepIndex: 0, loop: 3 },
      'P2',
      ['write {"severity":"P2"}', 'cancel page.step', 'cancel page.exhaust', 'set page.step +15m {"pageId":7,"stepIndex":0,"loop":0}'],
    ],
    ['a page no longer open only records the severity', { severity: 'P0', status: 'resolved' }, 'P2', ['write {"severity":"P2"}']],
    ['the same severity changes nothing', { severity: 'P1' }, 'P1', []],
  ])('%s', (_name, p, severity, expected) => {
    expect(lines(decide(state({ page: page(p) }), { kind: 'change-severity', severity }).effects)).toEqual(expected);
  });

  it("a declared FYI reaches the rule's person unless the page reached them this minute; a timed rule is scheduled", () => {
    const p = policy({
      notify: [
        rule({ who: 'cto' }),
        rule({ who: 'primary' }),
        rule({ when: 'unresolved', afterMs: 30 * MINUTE, who: 'engineering_lead' }),
        rule({ severity: 'P0', who: 'cto' }),
      ],
    });
    const s = state({
      page: page({ toldAt: m(0) }),
      messages: [{ pageId: 7, userId: 'U0PRI', ref: 'page:7:dm:U0PRI:0:0', stepIndex: 0, loop: 0, createdAt: m(0) }],
    });
    expect(lines(decide(s, { kind: 'declared-rules', tags: [] }, p).effects)).toEqual([
      'set page.notify +30m {"pageId":7,"rule":2}',
      'post U0CTO page:7:fyi:0:U0CTO p1',
    ]);
  });

  it('a timed unmitigated rule does not fire for a page about something already mitigated', () => {
    const p = policy({ notify: [rule({ when: 'unmitigated', afterMs: 30 * MINUTE, who: 'cto', how: 'page' })] });
    expect(lines(decide(state({ mitigated: true }), { kind: 'rule-timer', rule: 0 }, p).effects)).toEqual([]);
    expect(lines(decide(state({ mitigated: false }), { kind: 'rule-timer', rule: 0 }, p).effects)).toEqual([
      'write {"toldAt":1767607200000}',
      'reached U0CTO@page:7:rule:0:U0CTO',
      'reached channel@page:7:rule:0:channel',
      'set page.ack_sla +15m {"pageId":7}',
      'post U0CTO page:7:rule:0:U0CTO p0',
      'post C0ALERTS page:7:rule:0:channel p1',
    ]);
  });

  it('acknowledging schedules the rules counted from the acknowledgement that match the tags', () => {
    const p = policy({
      notify: [rule({ when: 'unmitigated', since: 'acknowledged', afterMs: 15 * MINUTE, who: 'secondary', how: 'page', tags: ['db'] })],
    });
    const s = state({
      page: page({ toldAt: m(0) }),
      messages: [{ pageId: 7, userId: 'U0PRI', ref: 'page:7:dm:U0PRI:0:0', stepIndex: 0, loop: 0, createdAt: m(0) }],
    });
    expect(lines(decide({ ...s, tags: ['db'] }, { kind: 'acknowledge', by: 'U0PRI' }, p, m(5)).effects)).toContain(
      'set page.notify +20m {"pageId":7,"rule":0}',
    );
    expect(
      lines(decide({ ...s, tags: ['web'] }, { kind: 'acknowledge', by: 'U0PRI' }, p, m(5)).effects).filter((l) => l.startsWith('set')),
    ).toEqual([]);
  });
});

describe('decidePage: waking a person beyond Slack (policy.wake)', () => {
  const wakeP1 = () =>
    policy({
      wake: { P1: P1_WAKE, P2: [wake(1, 'push')], P3: [wake(1, 'push')] },
    });
  const wakeLines = (e: PageEffects) => lines(e).filter((l) => l.includes('page.wake'));

  it('a DM step sets one wake timer per verified method the severity wakes with, counted from now, keyed per step', () => {
    const { effects } = decide(state({ verified: { U0PRI: ['push', 'voice', 'sms'] } }), { kind: 'first-step' }, wakeP1());
    expect(wakeLines(effects)).toEqual([
      'set page.wake +1m {"pageId":7,"userId":"U0PRI","via":"push","stepIndex":0,"loop":0}',
      'set page.wake +3m {"pageId":7,"userId":"U0PRI","via":"voice","stepIndex":0,"loop":0}',
    ]);
    const keys = effects.timers.flatMap((t) => (t.op === 'set' && t.timer.kind === 'page.wake' ? [t.timer.key] : []));
    expect(keys).toEqual(['page:7:wake:U0PRI:0:0:1', 'page:7:wake:U0PRI:0:0:2']);
  });

  it.each<[string, PageState, PageCommand]>([
    ['someone with no verified method gets only the DM', state({ verified: { U0SEC: ['push'] } }), { kind: 'first-step' }],
    [
      'a chat-only severity never wakes anyone',
      state({ page: page({ severity: 'P2' }), verified: { U0PRI: ['push'] } }),
      { kind: 'first-step' },
    ],
    [
      'a task severity never wakes anyone',
      state({ page: page({ severity: 'P3' }), verified: { U0PRI: ['push'] } }),
      { kind: 'first-step' },
    ],
  ])('%s', (_name, s, c) => {
    expect(wakeLines(decide(s, c, wakeP1()).effects)).toEqual([]);
  });

  it('a wake timer of an open page enqueues the provider call, naming the page, person and way, not the number', () => {
    const { effects } = decide(
      state({ page: page({ toldAt: m(0) }) }),
      { kind: 'wake', userId: 'U0PRI', via: 'voice', stepIndex: 0, loop: 0 },
      wakeP1(),
      m(3),
    );
    expect(effects.calls).toEqual([
      {
        method: 'twilio.calls.create',
        args: { pageId: 7, userId: 'U0PRI', via: 'voice', stepIndex: 0, loop: 0 },
        priority: 0,
        lane: 'wake:U0PRI:voice',
      },
    ]);
    expect(effects.writes).toEqual([]);
  });

  it.each(['acknowledged', 'resolved'] as const)('a wake timer of a page already %s does nothing', (status) => {
    const { effects } = decide(
      state({ page: page({ status, ackedBy: 'U0PRI', ackedAt: m(1) }) }),
      { kind: 'wake', userId: 'U0PRI', via: 'push', stepIndex: 0, loop: 0 },
      wakeP1(),
      m(3),
    );
    expect(lines(effects)).toEqual([]);
  });
});

describe('decidePage: a wake call that ends unanswered', () => {
  const p = () =>
    policy({
      wake: { P1: [...P1_WAKE, wake(10, 'sms')] },
    });
  const paged = state({
    page: page({ toldAt: m(0) }),
    messages: [{ pageId: 7, userId: 'U0PRI', ref: 'page:7:dm:U0PRI:0:0', stepIndex: 0, loop: 0, createdAt: m(0) }],
    verified: { U0PRI: ['push', 'voice', 'sms'] },
  });
  const ended = (status: string): PageCommand => ({ kind: 'call-ended', userId: 'U0PRI', stepIndex: 0, loop: 0, status });

  it.each(['busy', 'no-answer', 'failed'])('%s: the later wake steps are moved to now (cancelled by key and set again)', (status) => {
    const { effects } = decide(paged, ended(status), p(), m(4));
    expect(effects.timers).toEqual([
      { op: 'cancel', subject: 'page:7', kind: 'page.wake', key: 'page:7:wake:U0PRI:0:0:3' },
      {
        op: 'set',
        timer: {
          kind: 'page.wake',
          subject: 'page:7',
          dueAt: m(4),
          key: 'page:7:wake:U0PRI:0:0:3',
          payload: { pageId: 7, userId: 'U0PRI', via: 'sms', stepIndex: 0, loop: 0 },
          priority: 0,
        },
      },
    ]);
    expect(effects.calls).toEqual([]);
  });

  it.each<[string, PageState, string, number]>([
    ['an answered call (completed)', paged, 'completed', m(4)],
    ['a later step whose time has come already', paged, 'busy', m(10)],
    ['a page no longer open', { ...paged, page: page({ status: 'acknowledged', ackedBy: 'U0PRI', ackedAt: m(3) }) }, 'busy', m(4)],
    ['someone this step never paged', { ...paged, messages: [] }, 'busy', m(4)],
  ])('%s: nothing moves', (_name, s, status, now) => {
    expect(lines(decide(s, ended(status), p(), now).effects)).toEqual([]);
  });
});

describe('decidePage: Slack did not deliver a step within 60 s (page-fallback.ts)', () => {
  const p = () =>
    policy({
      wake: { P1: P1_WAKE },
    });
  const paged = state({
    page: page({ toldAt: m(0) }),
    messages: [
      { pageId: 7, userId: 'U0PRI', ref: 'page:7:dm:U0PRI:0:0', stepIndex: 0, loop: 0, createdAt: m(0) },
      { pageId: 7, userId: null, ref: 'page:7:channel:0:0', stepIndex: 0, loop: 0, createdAt: m(0) },
    ],
    verified: { U0PRI: ['push', 'voice', 'sms'] },
  });
  const check = (c: Partial<Extract<PageCommand, { kind: 'slack-check' }>> = {}): PageCommand => ({
    kind: 'slack-check',
    position: { stepIndex: 0, loop: 0 },
    delivered: [],
    pendingWakes: new Set(['page:7:wake:U0PRI:0:0:1', 'page:7:wake:U0PRI:0:0:2']),
    sendable: ['push', 'sms', 'voice'],
    ...c,
  });
  const wakeCalls = (e: PageEffects) => e.calls.filter((c) => c.method !== 'chat.postMessage').map((c) => `${c.method} ${c.lane}`);

  it('undelivered: every verified way now through the wake calls, the wake timers they replace cancelled, the page records it', () => {
    const { effects } = decide(paged, check(), p(), m(1));
    expect(lines(effects).filter((l) => !l.startsWith('post'))).toEqual([
      'write {"slackFallbackAt":1767607260000,"slackFallbackVia":"push,sms,voice"}',
      'cancel page.wake',
      'cancel page.wake',
      'event page.slack_fell_back via push,sms,voice',
    ]);
    expect(effects.timers.map((t) => (t.op === 'cancel' ? t.key : null))).toEqual(['page:7:wake:U0PRI:0:0:1', 'page:7:wake:U0PRI:0:0:2']);
    expect(wakeCalls(effects)).toEqual([
      'ntfy.publish wake:U0PRI:push',
      'twilio.messages.create wake:U0PRI:sms',
      'twilio.calls.create wake:U0PRI:voice',
    ]);
    expect(effects.calls.find((c) => c.method === 'twilio.calls.create')?.args).toEqual({
      pageId: 7,
      userId: 'U0PRI',
      via: 'voice',
      stepIndex: 0,
      loop: 0,
    });
    const notice = effects.calls.find((c) => c.method === 'chat.postMessage')!;
    expect(notice).toMatchObject({ args: { channel: 'C0ALERTS' }, priority: 1 });
    expect(notice.args.text).toBe(
      ':satellite_antenna: [P1] checkout down (#7): Slack did not deliver within 60 s: reached <@U0PRI> by push, SMS and phone call.',
    );
  });

  it.each<[string, PageState, PageCommand]>([
    ['the DM was delivered', paged, check({ delivered: ['U0PRI'] })],
    ['the page was acknowledged', { ...paged, page: page({ status: 'acknowledged', ackedBy: 'U0PRI', ackedAt: m(0) }) }, check()],
    ['the page moved on to step 2', { ...paged, page: page({ stepIndex: 1 }) }, check()],
    ['a chat-only severity', { ...paged, page: page({ severity: 'P2' }) }, check()],
    ['nobody has a way the bot can send', paged, check({ sendable: [] })],
  ])('%s: nothing', (_name, s, c) => {
    expect(lines(decide(s, c, p(), m(1)).effects)).toEqual([]);
  });

  it('after a fallback, a call that ends unanswered brings nothing forward: every way was used at once', () => {
    const withSms = policy({
      wake: { P1: [wake(1, 'push'), wake(3, 'voice'), wake(10, 'sms')] },
    });
    const busy: PageCommand = { kind: 'call-ended', userId: 'U0PRI', stepIndex: 0, loop: 0, status: 'busy' };
    // Without the fallback, the 10-minute SMS is brought forward (the case above); after it, the SMS went at once already.
    expect(lines(decide(paged, busy, withSms, m(2)).effects)).toContain(
      'set page.wake +2m {"pageId":7,"userId":"U0PRI","via":"sms","stepIndex":0,"loop":0}',
    );
    const fell = { ...paged, page: page({ toldAt: m(0), slackFallbackAt: m(1), slackFallbackVia: 'push,sms,voice' }) };
    expect(lines(decide(fell, busy, withSms, m(2)).effects)).toEqual([]);
  });
});

describe('decidePage: a closing page ends its calls in flight, and keeps how it was closed', () => {
  const reached = [{ pageId: 7, userId: 'U0PRI', ref: 'page:7:dm:U0PRI:0:0', stepIndex: 0, loop: 0, createdAt: m(0) }];
  const calls = [
    { userId: 'U0PRI', sid: 'CA1' },
    { userId: 'U0SEC', sid: 'CA2' },
  ];
  const ringing = (p: Partial<Page> = {}) => state({ page: page({ toldAt: m(0), ...p }), messages: reached, callsInFlight: calls });
  /** The calls ended, and the page's "via" fields written. */
  const ends = (e: PageEffects) => [
    ...e.calls.filter((c) => c.method === 'twilio.calls.update').map((c) => `end ${String(c.args.sid)} in ${c.lane} p${c.priority}`),
    ...e.writes.flatMap((w) =>
      w.kind === 'page'
        ? Object.entries(w.patch)
            .filter(([k]) => k.endsWith('Via'))
            .map(([k, v]) => `${k} ${String(v)}`)
        : [],
    ),
  ];
  it.each<[string, PageState, PageCommand, string[]]>([
    [
      'acknowledged by the Slack button: every call ends',
      ringing(),
      { kind: 'acknowledge', by: 'U0PRI', via: 'button' },
      ['end CA1 in wake:U0PRI:voice p0', 'end CA2 in wake:U0SEC:voice p0', 'ackedVia button'],
    ],
    [
      'acknowledged by key 4 on a call: the others end, not the one she is on',
      ringing(),
      { kind: 'acknowledge', by: 'U0PRI', via: 'voice', callSid: 'CA1' },
      ['end CA2 in wake:U0SEC:voice p0', 'ackedVia voice'],
    ],
    [
      'resolved by SMS: every call ends; the resolution acknowledges too',
      ringing(),
      { kind: 'resolve', by: 'U0PRI', via: 'sms' },
      ['end CA1 in wake:U0PRI:voice p0', 'end CA2 in wake:U0SEC:voice p0', 'resolvedVia sms', 'ackedVia sms'],
    ],
    [
      'resolved after an acknowledgement: how it was acknowledged stays',
      ringing({ status: 'acknowledged', ackedBy: 'U0PRI', ackedAt: m(1), ackedVia: 'push' }),
      { kind: 'resolve', by: 'U0PRI', via: 'button' },
      ['end CA1 in wake:U0PRI:voice p0', 'end CA2 in wake:U0SEC:voice p0', 'resolvedVia button'],
    ],
    [
      'acknowledged at the source (the alert): every call ends',
      ringing(),
      { kind: 'source-close', how: 'acknowledged', source: 'grafana' },
      ['end CA1 in wake:U0PRI:voice p0', 'end CA2 in wake:U0SEC:voice p0'],
    ],
    [
      'resolved for an incident: every call ends',
      ringing(),
      { kind: 'resolve-for', by: 'U0PRI', why: 'incident resolved' },
      ['end CA1 in wake:U0PRI:voice p0', 'end CA2 in wake:U0SEC:voice p0'],
    ],
    [
      'acknowledged without saying how (an older caller): nothing recorded of how',
      ringing(),
      { kind: 'acknowledge', by: 'U0PRI' },
      ['end CA1 in wake:U0PRI:voice p0', 'end CA2 in wake:U0SEC:voice p0'],
    ],
    ['refused (someone the page never reached): no call ends', ringing(), { kind: 'acknowledge', by: 'U0STRANGER', via: 'sms' }, []],
    [
      'already acknowledged: acknowledging again ends nothing',
      ringing({ status: 'acknowledged', ackedBy: 'U0SEC', ackedAt: m(1) }),
      { kind: 'acknowledge', by: 'U0PRI', via: 'voice' },
      [],
    ],
    ['escalated (key 5): the page stays open, no call ends', ringing(), { kind: 'escalate', by: 'U0PRI' }, []],
  ])('%s', (_name, s, command, expected) => {
    expect(ends(decide(s, command, policy(), m(5)).effects)).toEqual(expected);
  });
});
