/**
 * decideIncident, incidents' pure decision, as tables: an incident's state and a command in, its steps out
 * (rows, timeline lines, timers, Slack calls, events, requests to paging, notify rules), each written as one
 * line so a table row reads as what the bot does. Times are minutes after the declaration (+15m).
 */
import { describe, expect, it } from 'vitest';
import { defaultPolicy, type NotifyRule, type Policy, type RotationPolicy } from '../../src/config/policy.js';
import {
  decideIncident,
  decideNotify,
  type IncidentCommand,
  type IncidentState,
  type IncidentStep,
  type NotifyState,
} from '../../src/incidents/incident-decide.js';
import type { IncidentRow } from '../../src/incidents/incident-store.js';
import { incidentRow } from './incident-row.js';
import type { Page } from '../../src/paging/page-store.js';
import { MINUTE } from '../../src/time/clock.js';

// Monday 2026-01-05 10:00 UTC: business hours (the default policy's zone is UTC).
const T0 = Date.UTC(2026, 0, 5, 10, 0);
const m = (minutes: number) => T0 + minutes * MINUTE;
const at = (t: number) => `+${(t - T0) / MINUTE}m`;

const rule = (r: Partial<NotifyRule>): NotifyRule => ({
  when: 'declared',
  severity: 'P1',
  who: 'cto',
  how: 'notify',
  since: 'declared',
  afterMs: 0,
  tags: [],
  ...r,
});

function policy(changes: Partial<Policy> = {}): Policy {
  const base = defaultPolicy();
  const backend = { name: 'backend', members: ['U0PRI', 'U0SEC'], channel: 'C0TEAM', escalation: 'default' } as RotationPolicy;
  return {
    ...base,
    people: { engineering_lead: 'U0LEAD', cto: 'U0CTO' },
    permissions: { admins: [] },
    rotations: { backend },
    reminders: {
      P0: { kind: 'until_monitoring', untilMonitoringMs: 15 * MINUTE, thenMs: 30 * MINUTE },
      P1: { kind: 'until_monitoring', untilMonitoringMs: 15 * MINUTE, thenMs: 30 * MINUTE },
      P2: { kind: 'every', everyMs: 60 * MINUTE },
    },
    incidents: { ...base.incidents, firstUpdateMs: { P0: 10 * MINUTE, P1: null, P2: null, P3: null } },
    postmortem: { required: ['P0', 'P1'], due: { P0: { kind: 'wall', ms: 24 * 60 * MINUTE } } },
    notify: [],
    ...changes,
  };
}

function incident(i: Partial<IncidentRow> = {}): IncidentRow {
  return incidentRow(T0, { nextUpdateDueAt: m(15), ...i });
}

function state(s: Partial<IncidentState> = {}): IncidentState {
  return { incident: incident(), timeline: [], openPageId: null, unresolvedPageIds: [], primary: null, ...s };
}

/** Instants in rows as minutes after the declaration. */
const shown = (o: object) =>
  JSON.stringify(o, (k, v) => (typeof v === 'number' && (k.endsWith('At') || k === 'dueAt') && v > T0 - 1e9 ? at(v) : v));

/** The steps as lines: what a reader checks, in order. */
function lines(steps: IncidentStep[]): string[] {
  return steps.flatMap((s): string[] => {
    if (s.kind === 'pager') return [`pager ${shown(s.request)}`];
    if (s.kind === 'notify') return [`notify rule ${s.rule}: ${s.why}`];
    const e = s.effects;
    return [
      ...e.writes.map((w) =>
        w.kind === 'incident' ? `write ${shown(w.changes)}` : `timeline ${w.entry.kind} ${w.entry.actor ?? '-'}: ${w.entry.text}`,
      ),
      ...e.timers.map((t) =>
        t.op === 'set' ? `set ${t.timer.kind} ${at(t.timer.dueAt)} ${t.timer.subject}` : `cancel ${t.kind ?? 'all'} ${t.subject}`,
      ),
      ...e.calls.map((c) => {
        if (c.method === 'chat.update') return `edit ${c.targetRef}`;
        if (c.method === 'conversations.invite') return `invite ${String(c.args.users)} to ${String(c.args.channel)}`;
        const where = `${String(c.args.channel)}${c.threadRef ? ` (thread ${c.threadRef})` : ''}`;
        return `post ${where} p${c.priority}${c.ref ? ` ${c.ref}` : ''}: ${String(c.args.text).split('\n')[0]}`;
      }),
      ...e.events.map((ev) => `event ${ev.type} ${ev.incident.status} ${ev.incident.severity}`),
    ];
  });
}

const decide = (s: IncidentState, c: IncidentCommand, now = m(0), p = policy()) => decideIncident(s, c, p, now);

describe('decideIncident: status updates and the reminder cadence, minute by minute', () => {
  it.each<[string, IncidentState, IncidentCommand, number, string[]]>([
    [
      'an update at +14 of a P1 Investigating moves the next reminder to +29 and meets the first-update deadline',
      state(),
      { kind: 'update', by: 'U0ALICE', text: 'rolling back' },
      m(14),
      [
        'write {"lastUpdateAt":"+14m"}',
        'write {"nextUpdateDueAt":"+29m"}',
        'timeline update U0ALICE: Update from <@U0ALICE>: rolling back',
        'cancel incident.first_update incident:4',
        'cancel incident.reminder incident:4',
        'set incident.reminder +29m incident:4',
        'post C0INC p1: :memo: *Update* on [P1] checkout down (Investigating) from <@U0ALICE>:',
        'edit incident:4:card',
      ],
    ],
    [
      'a reminder due at +15 fires on time: it is posted and the next one is at +30',
      state(),
      { kind: 'reminder-due', dueAt: m(15) },
      m(15),
      [
        'write {"nextUpdateDueAt":"+30m"}',
        'cancel incident.reminder incident:4',
        'set incident.reminder +30m incident:4',
        'post C0INC p1: :alarm_clock: <@U0ALICE> a status update for [P1] checkout down is due (no update since it was declared 15 min ago, status Investigating). Post it with `/incident update <text>`.',
      ],
    ],
    [
      'a reminder due at +15 that fires at +17 counts the next one from when it was due: +30, not +32',
      state(),
      { kind: 'reminder-due', dueAt: m(15) },
      m(17),
      [
        'write {"nextUpdateDueAt":"+30m"}',
        'cancel incident.reminder incident:4',
        'set incident.reminder +30m incident:4',
        'post C0INC p1: :alarm_clock: <@U0ALICE> a status update for [P1] checkout down is due (no update since it was declared 17 min ago, status Investigating). Post it with `/incident update <text>`.',
      ],
    ],
    [
      'Monitoring (stabilized): the reminder every 30 min instead of 15',
      state({ incident: incident({ status: 'monitoring', lastUpdateAt: m(20) }) }),
      { kind: 'reminder-due', dueAt: m(50) },
      m(50),
      [
        'write {"nextUpdateDueAt":"+80m"}',
        'cancel incident.reminder incident:4',
        'set incident.reminder +80m incident:4',
        'post C0INC p1: :alarm_clock: <@U0ALICE> a status update for [P1] checkout down is due (last update 30 min ago, status Monitoring). Post it with `/incident update <text>`.',
      ],
    ],
    [
      'a P2 is reminded every 60 min whatever its status',
      state({ incident: incident({ severity: 'P2', status: 'monitoring' }) }),
      { kind: 'reminder-due', dueAt: m(60) },
      m(60),
      [
        'write {"nextUpdateDueAt":"+120m"}',
        'cancel incident.reminder incident:4',
        'set incident.reminder +120m incident:4',
        'post C0INC p1: :alarm_clock: <@U0ALICE> a status update for [P2] checkout down is due (no update since it was declared 1 h ago, status Monitoring). Post it with `/incident update <text>`.',
      ],
    ],
    [
      'a reminder for a resolved incident does nothing',
      state({ incident: incident({ status: 'resolved' }) }),
      { kind: 'reminder-due', dueAt: m(15) },
      m(15),
      [],
    ],
    [
      'in thread mode (no channel of its own) everything goes under the card in the incidents channel',
      state({ incident: incident({ channelId: null }) }),
      { kind: 'reminder-due', dueAt: m(15) },
      m(15),
      [
        'write {"nextUpdateDueAt":"+30m"}',
        'cancel incident.reminder incident:4',
        'set incident.reminder +30m incident:4',
        'post C0ANN (thread incident:4:card) p1: :alarm_clock: <@U0ALICE> a status update for [P1] checkout down is due (no update since it was declared 15 min ago, status Investigating). Post it with `/incident update <text>`.',
      ],
    ],
    [
      'Investigating -> Monitoring at +20 is an update: the next reminder at +50, on the Monitoring cadence; Home is told',
      state(),
      { kind: 'set-status', by: 'U0PRI', status: 'monitoring', note: 'error rate back to normal' },
      m(20),
      [
        'write {"status":"monitoring"}',
        'write {"lastUpdateAt":"+20m"}',
        'write {"nextUpdateDueAt":"+50m"}',
        'timeline status U0PRI: Status Investigating → Monitoring by <@U0PRI>: error rate back to normal',
        'cancel incident.first_update incident:4',
        'cancel incident.reminder incident:4',
        'set incident.reminder +50m incident:4',
        'post C0INC p1: :arrows_counterclockwise: Status of [P1] checkout down: Investigating → *Monitoring* (<@U0PRI>): error rate back to normal',
        'edit incident:4:card',
        'event incident.changed monitoring P1',
      ],
    ],
    [
      'Monitoring -> Mitigating (it came back) returns to the 15-minute cadence',
      state({ incident: incident({ status: 'monitoring', lastUpdateAt: m(20) }) }),
      { kind: 'set-status', by: 'U0ALICE', status: 'mitigating', note: '' },
      m(31),
      [
        'write {"status":"mitigating"}',
        'write {"lastUpdateAt":"+31m"}',
        'write {"nextUpdateDueAt":"+46m"}',
        'timeline status U0ALICE: Status Monitoring → Mitigating by <@U0ALICE>',
        'cancel incident.first_update incident:4',
        'cancel incident.reminder incident:4',
        'set incident.reminder +46m incident:4',
        'post C0INC p1: :arrows_counterclockwise: Status of [P1] checkout down: Monitoring → *Mitigating* (<@U0ALICE>)',
        'edit incident:4:card',
        'event incident.changed mitigating P1',
      ],
    ],
    [
      'a P3 (no cadence) takes an update and sets no reminder',
      state({ incident: incident({ severity: 'P3', nextUpdateDueAt: null }) }),
      { kind: 'update', by: 'U0ALICE', text: 'found it' },
      m(5),
      [
        'write {"lastUpdateAt":"+5m"}',
        'write {"nextUpdateDueAt":null}',
        'timeline update U0ALICE: Update from <@U0ALICE>: found it',
        'cancel incident.first_update incident:4',
        'cancel incident.reminder incident:4',
        'post C0INC p1: :memo: *Update* on [P3] checkout down (Investigating) from <@U0ALICE>:',
        'edit incident:4:card',
      ],
    ],
    [
      'the first-update deadline passes with no update: the room is told and the timeline says so',
      state({ incident: incident({ severity: 'P0' }) }),
      { kind: 'first-update-due', dueAt: m(10) },
      m(10),
      [
        'timeline deadline -: First-update deadline (10 min) missed',
        'post C0INC p1: :warning: The first status update for [P0] checkout down was due by <!date^1767607800^{date_short_pretty} {time}|5 Jan 2026, 10:10 UTC> (10 min after declaration) and none was posted. <@U0ALICE>, post one with `/incident update <text>`.',
      ],
    ],
    [
      'the first-update deadline after an update does nothing',
      state({ incident: incident({ severity: 'P0', lastUpdateAt: m(4) }) }),
      { kind: 'first-update-due', dueAt: m(10) },
      m(10),
      [],
    ],
  ])('%s', (_name, s, c, now, expected) => {
    expect(lines(decide(s, c, now).steps)).toEqual(expected);
  });

  it('answers with when the next update is due, or that none is', () => {
    expect(decide(state(), { kind: 'update', by: 'U0ALICE', text: 'x' }, m(14)).outcome).toEqual({
      ok: true,
      message: 'Update posted; the next one is due <!date^1767608940^{date_short_pretty} {time}|5 Jan 2026, 10:29 UTC>.',
    });
    const p3 = state({ incident: incident({ severity: 'P3' }) });
    expect(decide(p3, { kind: 'update', by: 'U0ALICE', text: 'x' }).outcome?.message).toBe(
      'Update posted; the next one is due whenever there is news.',
    );
  });
});

describe('decideIncident: severity', () => {
  it.each<[string, IncidentState, string, number, string[]]>([
    [
      'P2 -> P1 raised at +40 with an open page: the page climbs the P1 chain, the overdue reminder is due now, declared rules run',
      state({ incident: incident({ severity: 'P2' }), openPageId: 9 }),
      'P1',
      m(40),
      [
        'write {"severity":"P1"}',
        'timeline severity U0ALICE: Severity P2 → P1 by <@U0ALICE>',
        'write {"nextUpdateDueAt":"+40m"}',
        'cancel incident.reminder incident:4',
        'set incident.reminder +40m incident:4',
        'post C0INC p1: :arrow_up: <@U0ALICE> changed the severity of incident #4 from P2 to *P1*.',
        'pager {"kind":"page-severity","pageId":9,"severity":"P1"}',
        'notify rule 0: was declared by <@U0ALICE>',
        'edit incident:4:card',
        'event incident.changed investigating P1',
      ],
    ],
    [
      'raised with no open page: a new page at the new severity',
      state({ incident: incident({ severity: 'P2', lastUpdateAt: m(30) }) }),
      'P1',
      m(40),
      [
        'write {"severity":"P1"}',
        'timeline severity U0ALICE: Severity P2 → P1 by <@U0ALICE>',
        'write {"nextUpdateDueAt":"+45m"}',
        'cancel incident.reminder incident:4',
        'set incident.reminder +45m incident:4',
        'post C0INC p1: :arrow_up: <@U0ALICE> changed the severity of incident #4 from P2 to *P1*.',
        'pager {"kind":"open-page","incidentId":4,"rotation":"backend","severity":"P1","summary":"checkout down","tags":[],"by":"U0ALICE"}',
        'notify rule 0: was declared by <@U0ALICE>',
        'edit incident:4:card',
        'event incident.changed investigating P1',
      ],
    ],
    [
      'raised with no rotation: nobody to page, the rules still run',
      state({ incident: incident({ severity: 'P2', rotation: null }) }),
      'P1',
      m(5),
      [
        'write {"severity":"P1"}',
        'timeline severity U0ALICE: Severity P2 → P1 by <@U0ALICE>',
        'write {"nextUpdateDueAt":"+15m"}',
        'cancel incident.reminder incident:4',
        'set incident.reminder +15m incident:4',
        'post C0INC p1: :arrow_up: <@U0ALICE> changed the severity of incident #4 from P2 to *P1*.',
        'notify rule 0: was declared by <@U0ALICE>',
        'edit incident:4:card',
        'event incident.changed investigating P1',
      ],
    ],
    [
      'P1 -> P2 lowered: no page, no rules; the reminder on the P2 cadence from the declaration (+60)',
      state({ openPageId: 9 }),
      'P2',
      m(5),
      [
        'write {"severity":"P2"}',
        'timeline severity U0ALICE: Severity P1 → P2 by <@U0ALICE>',
        'write {"nextUpdateDueAt":"+60m"}',
        'cancel incident.reminder incident:4',
        'set incident.reminder +60m incident:4',
        'post C0INC p1: :arrow_down: <@U0ALICE> changed the severity of incident #4 from P1 to *P2*.',
        'edit incident:4:card',
        'event incident.changed investigating P2',
      ],
    ],
  ])('%s', (_name, s, severity, now, expected) => {
    // One rule per kind: a declared P1 rule fires on a raise to P1; a timed one is never rescheduled by a raise.
    const p = policy({ notify: [rule({}), rule({ when: 'unresolved', afterMs: 60 * MINUTE }), rule({ severity: 'P2' })] });
    expect(lines(decideIncident(s, { kind: 'set-severity', by: 'U0ALICE', severity }, p, now).steps)).toEqual(expected);
  });
});

describe('decideIncident: roles', () => {
  it.each<[string, IncidentState, IncidentCommand, string[]]>([
    [
      'a new commander is written, said, invited to the channel and shown on the card',
      state(),
      { kind: 'set-commander', by: 'U0ALICE', commander: 'U0BOB' },
      [
        'write {"commander":"U0BOB"}',
        'timeline commander U0ALICE: Commander <@U0ALICE> → <@U0BOB> (by <@U0ALICE>)',
        'post C0INC p1: :crown: <@U0BOB> is now the commander of incident #4 (was <@U0ALICE>).',
        'invite U0BOB to C0INC',
        'edit incident:4:card',
      ],
    ],
    [
      'a role in thread mode: nobody to invite',
      state({ incident: incident({ channelId: null, roles: { scribe: 'U0SEC' } }) }),
      { kind: 'set-role', by: 'U0ALICE', holder: 'U0BOB', role: 'comms' },
      [
        'write {"roles":{"scribe":"U0SEC","comms":"U0BOB"}}',
        'timeline role U0ALICE: <@U0BOB> is comms (by <@U0ALICE>)',
        'post C0ANN (thread incident:4:card) p1: :bust_in_silhouette: <@U0BOB> is the comms for incident #4.',
        'edit incident:4:card',
      ],
    ],
    [
      'a pinned message goes into the timeline, nothing else',
      state(),
      { kind: 'pin', by: 'U0BOB', author: 'U0SEC', text: 'the deploy at 09:58' },
      ['timeline pinned U0BOB: Pinned by <@U0BOB> (from <@U0SEC>): the deploy at 09:58'],
    ],
  ])('%s', (_name, s, c, expected) => {
    expect(lines(decide(s, c, m(3)).steps)).toEqual(expected);
  });
});

describe('decideIncident: resolve, classify, postmortem', () => {
  it('resolving a P1 at +90 closes it, stops every timer, resolves its pages, then says so and drafts the postmortem', () => {
    const s = state({
      unresolvedPageIds: [9, 11],
      timeline: [{ at: T0, kind: 'declared', actor: 'U0ALICE', text: 'Declared [P1] checkout down' }],
    });
    const d = decide(s, { kind: 'resolve', by: 'U0ALICE', summary: 'rolled back' }, m(90));
    expect(lines(d.steps)).toEqual([
      'write {"status":"resolved","resolvedAt":"+90m","resolvedBy":"U0ALICE","nextUpdateDueAt":null,"resolution":"rolled back","classification":null}',
      'cancel all incident:4',
      'pager {"kind":"resolve-page","pageId":9,"by":"U0ALICE","why":"incident #4 was resolved"}',
      'pager {"kind":"resolve-page","pageId":11,"by":"U0ALICE","why":"incident #4 was resolved"}',
      'event incident.changed resolved P1',
      'timeline resolved U0ALICE: Resolved by <@U0ALICE> after 1 h 30 min: rolled back',
      'write {"postmortemDueAt":"+2970m"}',
      'timeline postmortem -: Postmortem due <!date^1767785400^{date_short_pretty} {time}|7 Jan 2026, 11:30 UTC>',
      'set incident.postmortem_due +2970m incident:4:postmortem',
      'post C0INC p1: :large_green_circle: [P1] checkout down resolved by <@U0ALICE> after 1 h 30 min.',
      'post C0ANN p1: :large_green_circle: [P1] checkout down (<#C0INC>) is resolved.',
      'edit incident:4:card',
      'post C0INC p1: :page_facing_up: *Postmortem draft for [P1] checkout down* (#4), due <!date^1767785400^{date_short_pretty} {time}|7 Jan 2026, 11:30 UTC>. Owner: <@U0ALICE>.',
    ]);
    expect(d.outcome).toEqual({
      ok: true,
      message: 'Incident #4 is resolved. The postmortem is due <!date^1767785400^{date_short_pretty} {time}|7 Jan 2026, 11:30 UTC>.',
    });
    // The draft's timeline has what was there and the lines this decision wrote.
    const draft = d.steps.flatMap((x) => (x.kind === 'effects' ? x.effects.calls : [])).at(-1)!.args.text as string;
    expect(draft).toContain('Declared [P1] checkout down');
    expect(draft).toContain('Resolved by <@U0ALICE> after 1 h 30 min: rolled back');
  });

  it('a P0 postmortem is due 24 h later (wall time); a P2 needs none', () => {
    const p0 = decide(state({ incident: incident({ severity: 'P0' }) }), { kind: 'resolve', by: 'U0ALICE', summary: 'ok' }, m(60));
    expect(lines(p0.steps)).toContain('set incident.postmortem_due +1500m incident:4:postmortem');
    const p2 = decide(state({ incident: incident({ severity: 'P2' }) }), { kind: 'resolve', by: 'U0ALICE', summary: 'ok' }, m(60));
    expect(p2.outcome).toEqual({ ok: true, message: 'Incident #4 is resolved. P2 needs no postmortem.' });
    expect(lines(p2.steps).filter((l) => l.includes('postmortem'))).toEqual([]);
  });

  it('closing as a bug: closed, pages resolved, no postmortem', () => {
    const d = decide(state({ unresolvedPageIds: [9] }), { kind: 'classify', by: 'U0PRI', classification: 'bug', note: 'a typo' }, m(8));
    expect(lines(d.steps)).toEqual([
      'write {"status":"resolved","resolvedAt":"+8m","resolvedBy":"U0PRI","nextUpdateDueAt":null,"resolution":"a typo","classification":"bug"}',
      'cancel all incident:4',
      'pager {"kind":"resolve-page","pageId":9,"by":"U0PRI","why":"incident #4 was closed as a bug"}',
      'event incident.changed resolved P1',
      'timeline classified U0PRI: Closed as a bug by <@U0PRI>: a typo (no postmortem)',
      'post C0INC p1: :card_file_box: <@U0PRI> closed #4 as a *bug*, not an incident: a typo. Reminders and paging have stopped; no postmortem.',
      'edit incident:4:card',
    ]);
    expect(d.outcome).toEqual({ ok: true, message: 'Incident #4 is closed as a bug.' });
  });

  it('the postmortem written 30 min late: recorded with how late, its timer cancelled', () => {
    const s = state({ incident: incident({ status: 'resolved', postmortemDueAt: m(100) }) });
    expect(lines(decide(s, { kind: 'postmortem-done', by: 'U0ALICE', link: 'https://wiki/pm4' }, m(130)).steps)).toEqual([
      'write {"postmortemLink":"https://wiki/pm4","postmortemDoneAt":"+130m"}',
      'timeline postmortem U0ALICE: Postmortem written by <@U0ALICE> (30 min after it was due): https://wiki/pm4',
      'cancel all incident:4:postmortem',
      'post C0INC p1: :white_check_mark: Postmortem for [P1] checkout down: https://wiki/pm4 (30 min after it was due)',
    ]);
  });

  it('the postmortem overdue: the room and the commander are told, unless it is written', () => {
    const s = state({ incident: incident({ status: 'resolved', postmortemDueAt: m(100) }) });
    expect(lines(decide(s, { kind: 'postmortem-due', dueAt: m(100) }, m(100)).steps)).toEqual([
      'post C0INC p1: :page_facing_up: <@U0ALICE> the postmortem for [P1] checkout down was due <!date^1767613200^{date_short_pretty} {time}|5 Jan 2026, 11:40 UTC>. When it is written: `/incident postmortem done <link>`.',
      'post U0ALICE p1: :page_facing_up: <@U0ALICE> the postmortem for [P1] checkout down was due <!date^1767613200^{date_short_pretty} {time}|5 Jan 2026, 11:40 UTC>. When it is written: `/incident postmortem done <link>`.',
    ]);
    const done = state({ incident: incident({ status: 'resolved', postmortemDueAt: m(100), postmortemDoneAt: m(90) }) });
    expect(decide(done, { kind: 'postmortem-due', dueAt: m(100) }, m(100)).steps).toEqual([]);
  });
});

describe('decideIncident: refusals change nothing', () => {
  const resolved = incident({ status: 'resolved', resolvedAt: m(50), resolvedBy: 'U0ALICE' });
  it.each<[string, IncidentState, IncidentCommand, string | RegExp]>([
    [
      'an update to a resolved incident',
      state({ incident: resolved }),
      { kind: 'update', by: 'U0ALICE', text: 'x' },
      /is resolved; there is nothing to update/,
    ],
    ['an update from someone not involved', state(), { kind: 'update', by: 'U0EVE', text: 'x' }, /can post updates to incident #4\.$/],
    [
      'a status for a resolved incident',
      state({ incident: resolved }),
      { kind: 'set-status', by: 'U0ALICE', status: 'monitoring', note: '' },
      'Incident #4 is already resolved.',
    ],
    [
      'Resolved through /incident status',
      state(),
      { kind: 'set-status', by: 'U0ALICE', status: 'resolved', note: '' },
      'Resolving needs the verification checklist: use `/incident resolve`.',
    ],
    [
      'a status from someone not involved',
      state(),
      { kind: 'set-status', by: 'U0EVE', status: 'monitoring', note: '' },
      /can change the status of incident #4\.$/,
    ],
    [
      'the status it already has',
      state(),
      { kind: 'set-status', by: 'U0ALICE', status: 'investigating', note: '' },
      'Incident #4 is already Investigating.',
    ],
    [
      'a severity for a resolved incident',
      state({ incident: resolved }),
      { kind: 'set-severity', by: 'U0ALICE', severity: 'P0' },
      'Incident #4 is resolved; declare a new one if it is back.',
    ],
    [
      'a severity from someone not involved',
      state(),
      { kind: 'set-severity', by: 'U0EVE', severity: 'P0' },
      /can change the severity of incident #4\.$/,
    ],
    [
      'a severity the policy does not have',
      state(),
      { kind: 'set-severity', by: 'U0ALICE', severity: 'SEV9' },
      'There is no severity "SEV9": use one of P0, P1, P2, P3.',
    ],
    ['the severity it already has', state(), { kind: 'set-severity', by: 'U0ALICE', severity: 'P1' }, 'Incident #4 is already P1.'],
    [
      'the commander it already has',
      state(),
      { kind: 'set-commander', by: 'U0ALICE', commander: 'U0ALICE' },
      '<@U0ALICE> is already the commander of incident #4.',
    ],
    [
      'a commander from someone not involved',
      state(),
      { kind: 'set-commander', by: 'U0EVE', commander: 'U0EVE' },
      /can hand over the command of incident #4\.$/,
    ],
    [
      'a role from someone not involved',
      state(),
      { kind: 'set-role', by: 'U0EVE', holder: 'U0EVE', role: 'comms' },
      /can assign roles in incident #4\.$/,
    ],
    [
      'resolving twice',
      state({ incident: resolved }),
      { kind: 'resolve', by: 'U0ALICE', summary: 'x' },
      'Incident #4 was already resolved <!date^1767610200^{date_short_pretty} {time}|5 Jan 2026, 10:50 UTC> by <@U0ALICE>.',
    ],
    ['resolving by someone not involved', state(), { kind: 'resolve', by: 'U0EVE', summary: 'x' }, /can resolve incident #4\.$/],
    [
      'classifying a closed incident',
      state({ incident: resolved }),
      { kind: 'classify', by: 'U0ALICE', classification: 'bug', note: '' },
      'Incident #4 is already closed.',
    ],
    [
      'classifying by someone not involved',
      state(),
      { kind: 'classify', by: 'U0EVE', classification: 'bug', note: '' },
      /can close incident #4\.$/,
    ],
    [
      'a postmortem before it is resolved',
      state(),
      { kind: 'postmortem-done', by: 'U0ALICE', link: 'l' },
      'Incident #4 has no postmortem to close (it is not resolved yet).',
    ],
    [
      'a postmortem already written',
      state({
        incident: incident({ status: 'resolved', postmortemDueAt: m(9), postmortemDoneAt: m(8), postmortemLink: 'https://wiki/a' }),
      }),
      { kind: 'postmortem-done', by: 'U0ALICE', link: 'l' },
      'The postmortem of incident #4 was already closed: https://wiki/a.',
    ],
  ])('%s', (_name, s, c, message) => {
    const d = decide(s, c, m(60));
    expect(d.steps).toEqual([]);
    expect(d.outcome?.ok).toBe(false);
    if (typeof message === 'string') expect(d.outcome?.message).toBe(message);
    else expect(d.outcome?.message).toMatch(message);
  });

  it('the commander, the declarer, a role holder and the rotation may change it; the refusal names them', () => {
    const s = state({ incident: incident({ commander: 'U0BOB', roles: { scribe: 'U0SCRIBE' } }) });
    for (const who of ['U0BOB', 'U0ALICE', 'U0SCRIBE', 'U0PRI', 'U0SEC'])
      expect(decide(s, { kind: 'set-status', by: who, status: 'mitigating', note: '' }).outcome?.ok).toBe(true);
    expect(decide(s, { kind: 'set-status', by: 'U0EVE', status: 'mitigating', note: '' }).outcome?.message).toMatch(
      /^Only the commander \(<@U0BOB>\), the declarer \(<@U0ALICE>\), the scribe \(<@U0SCRIBE>\)/,
    );
  });
});

describe('decideIncident: declaration and notify rules', () => {
  const declaredInput = {
    title: 'checkout down',
    severity: 'P0',
    service: 'checkout',
    environment: 'prod',
    impact: 'no orders',
    tags: ['data'],
    declaredBy: 'U0ALICE',
    rotation: 'backend',
    channelId: 'C0INC',
    announceChannel: 'C0ANN',
  };

  it('a P0 with its own channel: timeline, reminder, first-update deadline, card, invites, announcement, page, rules, event', () => {
    const p = policy({
      notify: [
        rule({ severity: 'P0' }),
        rule({ severity: 'P0', when: 'unmitigated', afterMs: 120 * MINUTE, how: 'page' }),
        rule({ severity: 'P0', tags: ['security'] }),
        rule({ severity: 'P0', since: 'acknowledged', when: 'unmitigated', afterMs: 15 * MINUTE }),
      ],
    });
    const s = state({ incident: incident({ severity: 'P0', tags: ['data'], nextUpdateDueAt: null }), primary: 'U0PRI' });
    const d = decideIncident(s, { kind: 'declared', input: declaredInput }, p, m(0));
    expect(lines(d.steps)).toEqual([
      'timeline declared U0ALICE: Declared [P0] checkout down by <@U0ALICE>. Impact: no orders',
      'write {"nextUpdateDueAt":"+15m"}',
      'write {"firstUpdateDueAt":"+10m"}',
      'cancel incident.reminder incident:4',
      'set incident.reminder +15m incident:4',
      'set incident.first_update +10m incident:4',
      'post C0INC p0 incident:4:card: [P0] checkout down',
      'invite U0ALICE,U0PRI to C0INC',
      'post C0ANN p1: :rotating_light: [P0] checkout down declared by <@U0ALICE>, commander <@U0ALICE>. Impact: no orders. Join <#C0INC>.',
      'pager {"kind":"open-page","incidentId":4,"rotation":"backend","severity":"P0","summary":"checkout down","tags":["data"],"by":"U0ALICE"}',
      'notify rule 0: was declared by <@U0ALICE>',
      'set incident.notify +120m incident:4',
      'event incident.declared investigating P0',
    ]);
    expect(d.outcome).toBeNull();
  });

  it('in thread mode the card is posted in the incidents channel, nobody is invited, no announcement', () => {
    const s = state({ incident: incident({ channelId: null, rotation: null, nextUpdateDueAt: null }) });
    const d = decide(s, { kind: 'declared', input: { ...declaredInput, severity: 'P1', channelId: null, rotation: null } });
    expect(lines(d.steps)).toEqual([
      'timeline declared U0ALICE: Declared [P1] checkout down by <@U0ALICE>. Impact: no orders',
      'write {"nextUpdateDueAt":"+15m"}',
      'cancel incident.reminder incident:4',
      'set incident.reminder +15m incident:4',
      'post C0ANN p0 incident:4:card: [P1] checkout down',
      'event incident.declared investigating P1',
    ]);
  });

  it('declared for an alert group already paged: the timeline names that page and nobody is paged again', () => {
    const s = state({ incident: incident({ channelId: null, nextUpdateDueAt: null }) });
    const input = { ...declaredInput, severity: 'P1', channelId: null, pagedBy: { pageId: 17, what: 'alert group #3' } };
    const d = decide(s, { kind: 'declared', input });
    const shown = lines(d.steps);
    expect(shown).toContain('timeline page -: The backend on-call is paged already (page #17, alert group #3): no second page');
    expect(shown.filter((l) => l.startsWith('pager '))).toEqual([]);
  });

  it.each<[string, IncidentState, number, string[]]>([
    ['an unmitigated rule at +120: still Investigating, so it runs', state(), 1, ['notify rule 1: is still not mitigated after 2 h']],
    ['an unmitigated rule when Monitoring: mitigated, nothing', state({ incident: incident({ status: 'monitoring' }) }), 1, []],
    [
      'an unresolved rule when Monitoring: still unresolved, it runs',
      state({ incident: incident({ status: 'monitoring' }) }),
      2,
      ['notify rule 2: is still unresolved after 1 h'],
    ],
    ['any rule once resolved: nothing', state({ incident: incident({ status: 'resolved' }) }), 2, []],
    ['a rule the policy no longer has: nothing', state(), 7, []],
  ])('notify timer: %s', (_name, s, index, expected) => {
    const p = policy({
      notify: [rule({}), rule({ when: 'unmitigated', afterMs: 120 * MINUTE }), rule({ when: 'unresolved', afterMs: 60 * MINUTE })],
    });
    expect(lines(decideIncident(s, { kind: 'notify-due', rule: index }, p, m(120)).steps)).toEqual(expected);
  });

  const page = (status: Page['status']): NotifyState['page'] => ({ id: 9, status });
  const notifyState = (n: Partial<NotifyState> = {}): NotifyState => ({
    incident: incident(),
    page: page('open'),
    members: {},
    reachedRecently: [],
    ...n,
  });

  it.each<[string, NotifyRule, NotifyState, string[]]>([
    [
      'how: page with an open page: the page reaches them, with Acknowledge',
      rule({ how: 'page' }),
      notifyState(),
      ['pager {"kind":"page-by-rule","pageId":9,"rule":0,"why":"was declared by <@U0ALICE>"}'],
    ],
    [
      'how: page with the page resolved: a DM asking them to join, at page priority',
      rule({ how: 'page' }),
      notifyState({ page: page('resolved') }),
      [
        'post U0CTO p0: :rotating_light: [P1] checkout down (incident #4) in <#C0INC> was declared by <@U0ALICE>. Commander: <@U0ALICE>. You are asked to join.',
      ],
    ],
    [
      'an FYI to a role',
      rule({}),
      notifyState(),
      [
        'post U0CTO p1: :information_source: FYI [P1] checkout down (incident #4) in <#C0INC> was declared by <@U0ALICE>. Commander: <@U0ALICE>. No action needed unless you are asked.',
      ],
    ],
    ['an FYI skips whoever the page reached in the last minute', rule({}), notifyState({ reachedRecently: ['U0CTO'] }), []],
    [
      'a user group: mentioned in the channel, each member DMed once (the page reached one of them)',
      rule({ who: 'S0ENG' }),
      notifyState({ members: { S0ENG: ['U0PRI', 'U0DEV', 'U0PRI'] }, reachedRecently: ['U0PRI'] }),
      [
        'post C0INC p1: :information_source: <!subteam^S0ENG>: [P1] checkout down was declared by <@U0ALICE>.',
        'post U0DEV p1: :information_source: FYI [P1] checkout down (incident #4) in <#C0INC> was declared by <@U0ALICE>. Commander: <@U0ALICE>. No action needed unless you are asked.',
      ],
    ],
    [
      'a user group in thread mode, members not listed yet: nothing to send',
      rule({ who: 'S0ENG' }),
      notifyState({ incident: incident({ channelId: null }), members: { S0ENG: null } }),
      [],
    ],
  ])('notify rule: %s', (_name, r, s, expected) => {
    expect(lines(decideNotify(s, 0, 'was declared by <@U0ALICE>', policy({ notify: [r] })))).toEqual(expected);
  });

  it.each<[string, IncidentRow, 'page.acknowledged' | 'page.resolved', string[]]>([
    [
      'an acknowledged page goes into the timeline, with how long it took',
      incident(),
      'page.acknowledged',
      ['timeline ack U0PRI: Page #9 acknowledged by <@U0PRI> (4 min after it started)'],
    ],
    [
      'a resolved page of an open incident too',
      incident(),
      'page.resolved',
      ['timeline page U0PRI: Page #9 resolved by <@U0PRI> (4 min after it started)'],
    ],
    ['a page resolved because the incident was: its own line says so already', incident({ status: 'resolved' }), 'page.resolved', []],
  ])('page event: %s', (_name, i, type, expected) => {
    const p = { id: 9, createdAt: m(1) } as Page;
    expect(lines(decide(state({ incident: i }), { kind: 'page-event', event: { type, page: p, by: 'U0PRI' } }, m(5)).steps)).toEqual(
      expected,
    );
  });
});
