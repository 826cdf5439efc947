/**
 * Alerts' pure decisions as tables: an alert's state and a command in, steps out (rows, timers, Slack calls,
 * requests to paging, new groups and members, the incident link told, the group's message drawn), each step
 * written as one line so a row reads as what the bot does. Times are minutes and seconds after 10:00.
 */
import { describe, expect, it } from 'vitest';
import type { Integration, Policy, RotationPolicy } from '../../src/config/policy.js';
import { defaultPolicy } from '../../src/config/policy.js';
import {
  decideCloseGroup,
  decideFiring,
  decideGroupEdit,
  decideGroupStarted,
  decideJoined,
  decideAlertRefresh,
  decideGroupRefresh,
  decideLowerToRouted,
  decideSourceUpdate,
  decidePageEvent,
  decideReaction,
  decideRepeat,
  decideSourceAcknowledge,
  type ActorState,
  decideResolve,
  groupRefreshTimer,
  type AlertStep,
  type FiringState,
  type StartPlan,
} from '../../src/alerts/alert-decide.js';
import type { AlertGroupRow } from '../../src/alerts/alert-group-store.js';
import type { AlertRow, SilenceRow } from '../../src/alerts/alert-store.js';
import type { NormalizedAlert } from '../../src/alerts/normalized.js';
import type { Page } from '../../src/paging/page-store.js';
import { PRIORITY } from '../../src/engine/outbox.js';
import { MINUTE, SECOND } from '../../src/time/clock.js';

const T0 = Date.UTC(2026, 10, 20, 10, 0);
const at = (minutes: number, seconds = 0) => T0 + minutes * MINUTE + seconds * SECOND;
const time = (text: string) => {
  const [, m, sec] = /^(\d+)m(\d+)s$/.exec(text)!;
  return at(Number(m), Number(sec));
};
const clock = (t: number) => {
  const s = Math.round((t - T0) / SECOND);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
};

function policy(): Policy {
  const base = defaultPolicy();
  const backend = { name: 'backend', members: ['U0PRI', 'U0SEC'], channel: 'C0TEAM', escalation: 'default' } as RotationPolicy;
  const quiet = { name: 'quiet', members: ['U0PRI'], escalation: 'default' } as RotationPolicy;
  return { ...base, rotations: { backend, quiet } };
}
const POLICY = policy();
const [P0, , P2] = POLICY.severities.map((s) => s.id) as [string, string, string];

const config: Integration = {
  source: 'alertmanager',
  routes: [
    { match: { service: 'nowhere' }, rotation: 'quiet' },
    { match: { service: 'api' }, rotation: 'backend' },
  ],
  severity: { map: { critical: P0, warning: P2 }, default: P2 },
} as unknown as Integration;

const alert = (over: Partial<NormalizedAlert> = {}): NormalizedAlert => ({
  source: 'alertmanager',
  dedupKey: 'HighLatency/api-1',
  status: 'firing',
  service: 'api',
  sourceSeverity: 'warning',
  summary: 'p99 latency above 2s',
  details: '',
  links: [],
  labels: { alertname: 'HighLatency', instance: 'api-1' },
  startedAt: null,
  ...over,
});

const row = (over: Partial<AlertRow> = {}): AlertRow => ({
  id: 7,
  integration: 'prometheus',
  source: 'alertmanager',
  dedupKey: 'HighLatency/api-1',
  status: 'firing',
  service: 'api',
  severity: P2,
  routedSeverity: P2,
  silenceId: null,
  rotation: 'backend',
  summary: 'p99 latency above 2s',
  details: '',
  labels: { alertname: 'HighLatency', instance: 'api-1' },
  links: [],
  count: 1,
  firstSeenAt: at(0),
  lastSeenAt: at(0),
  resolvedAt: null,
  pageId: 40,
  lastEditedAt: at(0),
  groupId: 3,
  sourceGroupKey: null,
  ...over,
});

const group = (over: Partial<AlertGroupRow> = {}): AlertGroupRow => ({
  id: 3,
  integration: 'prometheus',
  source: 'alertmanager',
  rotation: 'backend',
  groupKey: 'KEY',
  status: 'firing',
  service: 'api',
  severity: P2,
  routedSeverity: P2,
  summary: 'p99 latency above 2s',
  silenceId: null,
  pageId: 40,
  firstAlertId: 7,
  count: 1,
  openCount: 1,
  firstSeenAt: at(0),
  lastSeenAt: at(0),
  resolvedAt: null,
  lastEditedAt: at(0),
  incidentId: null,
  dmReplies: [],
  ...over,
});

const silence: SilenceRow = {
  id: 9,
  service: 'api',
  reason: 'deploy',
  createdBy: 'U0PRI',
  createdAt: at(-5),
  startsAt: at(-5),
  endsAt: at(60),
  endedAt: null,
} as unknown as SilenceRow;

/** One line per step (and per write, timer and call inside an effects step). */
function lines(steps: readonly AlertStep[]): string[] {
  const out: string[] = [];
  for (const step of steps) {
    switch (step.kind) {
      case 'effects':
        for (const w of step.effects.writes)
          out.push(
            w.kind === 'alert' || w.kind === 'group'
              ? `write ${w.kind} ${w.id} ${JSON.stringify(w.changes)}`
              : `write ${w.kind} ${w.groupId}${'severity' in w ? ` ${w.severity}` : ''}`,
          );
        for (const t of step.effects.timers)
          out.push(t.op === 'set' ? `set ${t.timer.kind} ${t.timer.subject} at ${clock(t.timer.dueAt)}` : `cancel ${t.kind} ${t.subject}`);
        for (const c of step.effects.calls)
          out.push(`${c.method} ${'channel' in c.args ? String(c.args.channel) : (c.targetRef ?? '')} ${c.priority}`);
        break;
      case 'pager':
        out.push(`pager ${Object.values(step.request).join(' ')}`);
        break;
      case 'start-group':
        out.push(
          `start group ${step.group.severity} (routed ${step.group.routedSeverity}) silence=${step.group.silenceId} folded=${step.plan.folded} partner=${step.plan.partner?.source ?? 'none'}`,
        );
        break;
      case 'join-group':
        out.push(`join group ${step.group.id} as ${step.member.severity} raise=${step.raise}`);
        break;
      case 'follow':
        out.push(
          `follow group ${step.group.id} alert ${step.member.id}${step.refresh?.op === 'set' ? ` then refresh at ${clock(step.refresh.timer.dueAt)}` : ''}`,
        );
        break;
      case 'edit-group':
        out.push(`edit group ${step.group.id} ${step.group.status} ${step.group.severity}${step.note ? `: ${step.note}` : ''}`);
        break;
      case 'mark-acknowledged':
        out.push(`mark group ${step.groupId} acknowledged if still firing`);
        break;
    }
  }
  return out;
}

const firing = (a = alert()) => ({ kind: 'firing' as const, integration: 'prometheus', config, alert: a });
const fresh = (over: Partial<Extract<FiringState, { existing: null }>> = {}): FiringState => ({
  existing: null,
  silence: null,
  open: [],
  start: { candidates: [], backlogged: false },
  ...over,
});

describe('decideFiring: which of repeat, join, new group or ignore', () => {
  it('the same alert again (its key open): a repeat, no group read beyond its own', () => {
    const d = decideFiring({ existing: row({ count: 4 }), group: group() }, firing(), POLICY, at(0, 30));
    expect(d.counted).toBe('repeated');
    expect(lines(d.steps)).toEqual([
      `write alert 7 {"count":5,"lastSeenAt":${at(0, 30)}}`,
      'write touch-group 3',
      'set alert.group_refresh alert-group:3 at 0m30s',
    ]);
  });

  it('an alert no route takes: ignored, nothing written', () => {
    const d = decideFiring(fresh(), firing(alert({ service: 'billing' })), POLICY, at(0));
    expect(d).toEqual({ steps: [], counted: 'ignored' });
  });

  it.each([
    [
      'no open group: a new group at the routed severity',
      fresh(),
      `start group ${P2} (routed ${P2}) silence=null folded=false partner=none`,
    ],
    [
      'silenced: a new group that remembers its silence',
      fresh({ silence }),
      `start group ${P2} (routed ${P2}) silence=9 folded=false partner=none`,
    ],
    [
      'the channel is backlogged: the group has no message of its own',
      fresh({ start: { candidates: [], backlogged: true } }),
      `start group ${P2} (routed ${P2}) silence=null folded=true partner=none`,
    ],
    [
      'another source fired for the service 9 minutes ago: correlated, raised to the top',
      fresh({
        start: {
          candidates: [{ id: 2, source: 'grafana', service: 'api', lastSeenAt: at(-9), firstAlertId: 5, count: 1 }],
          backlogged: false,
        },
      }),
      `start group ${P0} (routed ${P2}) silence=null folded=false partner=grafana`,
    ],
    [
      'another source 11 minutes ago: outside the window, not correlated',
      fresh({
        start: {
          candidates: [{ id: 2, source: 'grafana', service: 'api', lastSeenAt: at(-11), firstAlertId: 5, count: 1 }],
          backlogged: false,
        },
      }),
      `start group ${P2} (routed ${P2}) silence=null folded=false partner=none`,
    ],
    [
      'correlated but silenced: silence wins, no raise',
      fresh({
        silence,
        start: {
          candidates: [{ id: 2, source: 'grafana', service: 'api', lastSeenAt: at(-1), firstAlertId: 5, count: 1 }],
          backlogged: false,
        },
      }),
      `start group ${P2} (routed ${P2}) silence=9 folded=false partner=none`,
    ],
  ])('%s', (_name, state, line) => {
    const d = decideFiring(state, firing(), POLICY, at(0));
    expect(d.counted).toBe('created');
    expect(lines(d.steps)).toEqual([line]);
  });

  it('correlated while already at the top severity: no raise, no notice', () => {
    const state = fresh({
      start: {
        candidates: [{ id: 2, source: 'grafana', service: 'api', lastSeenAt: at(-1), firstAlertId: 5, count: 1 }],
        backlogged: false,
      },
    });
    expect(lines(decideFiring(state, firing(alert({ sourceSeverity: 'critical' })), POLICY, at(0)).steps)).toEqual([
      `start group ${P0} (routed ${P0}) silence=null folded=false partner=none`,
    ]);
  });
});

describe('decideFiring: the group window (5m, sliding), minute by minute from a group last seen at 10:00', () => {
  const key = (() => {
    // The key the decision computes for this alert: read from a new group it starts.
    const step = decideFiring(fresh(), firing(), POLICY, at(0)).steps[0]!;
    return step.kind === 'start-group' ? step.group.groupKey : '';
  })();
  it.each([
    [0, 0, 'join'],
    [1, 0, 'join'],
    [2, 0, 'join'],
    [3, 0, 'join'],
    [4, 0, 'join'],
    [4, 59, 'join'],
    [5, 0, 'start'],
    [6, 0, 'start'],
  ])('an alert alike at 10:0%i:%i: %s', (m, s, kind) => {
    const d = decideFiring(fresh({ open: [group({ groupKey: key })] }), firing(alert({ dedupKey: 'other' })), POLICY, at(m, s));
    expect(d.steps[0]!.kind).toBe(kind === 'join' ? 'join-group' : 'start-group');
  });

  it.each([
    ['a P2 joins a P2 group: no raise', 'warning', P2, `join group 3 as ${P2} raise=false`],
    ['a P0 joins a P2 group: the group is raised', 'critical', P2, `join group 3 as ${P0} raise=true`],
    ['a P2 joins a P0 group: takes the group severity', 'warning', P0, `join group 3 as ${P0} raise=false`],
  ])('%s', (_name, word, groupSeverity, line) => {
    const d = decideFiring(
      fresh({ open: [group({ groupKey: key, severity: groupSeverity })] }),
      firing(alert({ dedupKey: 'other', sourceSeverity: word })),
      POLICY,
      at(1),
    );
    expect(lines(d.steps)).toEqual([line]);
  });
});

describe('decideGroupStarted: once the group and its first member are stored', () => {
  const plan = (over: Partial<StartPlan> = {}): StartPlan => ({
    silence: null,
    channel: 'C0TEAM',
    folded: false,
    partner: null,
    routedSeverity: P2,
    ...over,
  });
  const stored = group({ firstAlertId: null, pageId: null });
  const member = row({ pageId: null });

  it.each([
    [
      'paged: the channel message, the page, the incident link told (refresh 10 s later if it declared)',
      plan(),
      [
        'write group 3 {"firstAlertId":7}',
        `chat.postMessage C0TEAM ${PRIORITY.notice}`,
        `pager open-page 3 7 backend ${P2} p99 latency above 2s`,
        'follow group 3 alert 7 then refresh at 0m10s',
      ],
    ],
    [
      'silenced: the message says so, nobody paged',
      plan({ silence }),
      ['write group 3 {"firstAlertId":7}', `chat.postMessage C0TEAM ${PRIORITY.notice}`],
    ],
    [
      'folded into the digest line: no message of its own, still paged',
      plan({ folded: true }),
      [
        'write group 3 {"firstAlertId":7}',
        `pager open-page 3 7 backend ${P2} p99 latency above 2s`,
        'follow group 3 alert 7 then refresh at 0m10s',
      ],
    ],
    [
      'no alerts channel: paged only',
      plan({ channel: null }),
      [
        'write group 3 {"firstAlertId":7}',
        `pager open-page 3 7 backend ${P2} p99 latency above 2s`,
        'follow group 3 alert 7 then refresh at 0m10s',
      ],
    ],
    [
      'correlated: after the page, the notice at page priority',
      plan({ partner: { source: 'grafana', name: 'alert #5' } }),
      [
        'write group 3 {"firstAlertId":7}',
        `chat.postMessage C0TEAM ${PRIORITY.notice}`,
        `pager open-page 3 7 backend ${P2} p99 latency above 2s`,
        'follow group 3 alert 7 then refresh at 0m10s',
        `chat.postMessage C0TEAM ${PRIORITY.page}`,
      ],
    ],
  ])('%s', (_name, p, expected) => {
    expect(lines(decideGroupStarted(stored, member, p, at(0)))).toEqual(expected);
  });
});

describe('decideJoined: a member stored in an open group', () => {
  it('no raise: counted in, the incident link told, one refresh for the window', () => {
    expect(lines(decideJoined(group(), row({ id: 8 }), false, at(0, 4)))).toEqual([
      'write count-member 3',
      'follow group 3 alert 8',
      'set alert.group_refresh alert-group:3 at 0m10s',
    ]);
  });
  it('raise: the group, its members and its page go up', () => {
    expect(lines(decideJoined(group(), row({ id: 8, severity: P0 }), true, at(0, 4)))).toEqual([
      'write count-member 3',
      `write group 3 {"severity":"${P0}"}`,
      `write members-severity 3 ${P0}`,
      `pager page-severity 40 ${P0}`,
      'follow group 3 alert 8',
      'set alert.group_refresh alert-group:3 at 0m10s',
    ]);
  });
  it('raise of a silenced group (no page): no request to paging', () => {
    expect(lines(decideJoined(group({ pageId: null }), row({ id: 8, severity: P0 }), true, at(0, 4)))).not.toContain(
      `pager page-severity 40 ${P0}`,
    );
  });
});

describe('the 10 s refresh: edits coalesce, one timer per window', () => {
  // Last edited at 10:00:00 unless a row says otherwise; each row is a change then and the edit it schedules:
  // within 10 s of the last edit, 10 s after it; later, at once.
  it.each([
    ['0m00s', null, '0m10s'],
    ['0m01s', null, '0m10s'],
    ['0m09s', null, '0m10s'],
    ['0m10s', null, '0m10s'],
    ['0m25s', null, '0m25s'],
    ['1m00s', null, '1m00s'],
    ['1m00s', '0m55s', '1m05s'],
    ['2m00s', '1m59s', '2m09s'],
    ['3m00s', '2m50s', '3m00s'],
  ])('a change at %s (last edit at %s, else 0m00s): the edit at %s', (now, edited, due) => {
    const t = groupRefreshTimer(group({ lastEditedAt: time(edited ?? '0m00s') }), time(now));
    expect(t.op === 'set' ? clock(t.timer.dueAt) : null).toBe(due);
    expect(t.op === 'set' ? t.timer.key : null).toBe(`alert-group-refresh:3:${time(due)}`);
  });
  it('never edited: the window starts when the group was first seen', () => {
    const t = groupRefreshTimer(group({ lastEditedAt: null, firstSeenAt: at(0, 3) }), at(0, 5));
    expect(t.op === 'set' && clock(t.timer.dueAt)).toBe('0m13s');
  });
});

describe('decideRepeat', () => {
  it.each([
    [
      'in an open group: counts up, touches the group, refreshes',
      group(),
      ['write alert 7', 'write touch-group 3', 'set alert.group_refresh'],
    ],
    ['in a resolved group: counts up, no refresh', group({ status: 'resolved' }), ['write alert 7', 'write touch-group 3']],
    ['stored before grouping: its own message refreshes', null, ['write alert 7', 'set alert.refresh']],
  ])('%s', (_name, g, expected) => {
    const out = lines(decideRepeat(row({ groupId: g ? 3 : null }), g, at(0, 30)));
    expect(
      out.map((l) =>
        l
          .split(' ')
          .slice(0, 3)
          .join(' ')
          .replace(/ alert-group:3| alert:7/, ''),
      ),
    ).toEqual(expected);
  });
});

describe('decideResolve', () => {
  const closed = `write alert 7 {"status":"resolved","resolvedAt":${at(3)}}`;
  const groupClosed = [
    `write group 3 {"status":"resolved","resolvedAt":${at(3)}}`,
    'cancel alert.group_refresh alert-group:3',
    `edit group 3 resolved ${P2}`,
  ];
  it.each([
    [
      'one member of three still open: one fewer, refresh now (last edit 3 minutes ago)',
      group({ openCount: 3 }),
      [closed, 'write uncount-member 3', 'set alert.group_refresh alert-group:3 at 3m00s'],
    ],
    [
      'one member of three, the group edited 4 s ago: the refresh waits for its window',
      group({ openCount: 3, lastEditedAt: at(2, 56) }),
      [closed, 'write uncount-member 3', 'set alert.group_refresh alert-group:3 at 3m06s'],
    ],
    [
      'the last open member: the group closes, shows it, its page closes from the source',
      group({ openCount: 1 }),
      [closed, 'write uncount-member 3', ...groupClosed, 'pager close-page-from-source 40 resolved alertmanager'],
    ],
    [
      'the last open member of a silenced group: no page to close',
      group({ openCount: 1, pageId: null }),
      [closed, 'write uncount-member 3', ...groupClosed],
    ],
    [
      'an open count already 0 (never below): closes all the same',
      group({ openCount: 0, pageId: null }),
      [closed, 'write uncount-member 3', ...groupClosed],
    ],
    [
      'its group already resolved (its page was): only the alert closes',
      group({ status: 'resolved', openCount: 1 }),
      [closed, 'write uncount-member 3'],
    ],
    ['its group gone: only the alert closes', null, [closed]],
  ])('%s', (_name, g, expected) => {
    expect(lines(decideResolve({ row: row(), group: g }, POLICY, at(3)))).toEqual(expected);
  });

  it('stored before grouping: closes, its timer cancelled, its message edited, its page closed from the source', () => {
    expect(lines(decideResolve({ row: row({ groupId: null }), group: null }, POLICY, at(3)))).toEqual([
      `write alert 7 {"status":"resolved","resolvedAt":${at(3)}}`,
      'cancel alert.refresh alert:7',
      `write alert 7 {"lastEditedAt":${at(3)}}`,
      `chat.update alert:7 ${PRIORITY.cosmetic}`,
      'pager close-page-from-source 40 resolved alertmanager',
    ]);
  });
});

describe('decideCloseGroup', () => {
  it.each([
    [
      'from the source: no note, the page closes',
      true,
      [`edit group 3 resolved ${P2}`, 'pager close-page-from-source 40 resolved alertmanager'],
    ],
    [
      'its page was resolved by a person: the note, paging not asked',
      false,
      [`edit group 3 resolved ${P2}: its page was resolved: the next alert alike pages anew`],
    ],
  ])('%s', (_name, fromSource, tail) => {
    expect(lines(decideCloseGroup(group(), fromSource, at(3))).slice(2)).toEqual(tail);
  });
});

describe('decideGroupEdit: the group message and the replies under its page DMs', () => {
  const dm = (user: string) => `page:40:dm:${user}:0:0`;
  it.each([
    ['a group of one with its message: the message only', group(), true, [dm('U0PRI')], ['chat.update alert-group:3']],
    ['its message never posted (folded): no edit of it', group({ count: 2 }), false, [], []],
    [
      'a group of two: a reply under each DM',
      group({ count: 2 }),
      true,
      [dm('U0PRI'), dm('U0SEC'), 'page:40:channel'],
      ['chat.update alert-group:3', 'chat.postMessage U0PRI', 'chat.postMessage U0SEC'],
    ],
    [
      'replies already there: edited, none posted twice',
      group({ count: 3, dmReplies: [dm('U0PRI')] }),
      true,
      [dm('U0PRI')],
      ['chat.update alert-group:3', 'chat.update alert-group:3:dm:page:40:dm:U0PRI:0:0'],
    ],
    [
      'closed before its first refresh: no new reply',
      group({ count: 3, status: 'resolved' }),
      true,
      [dm('U0PRI')],
      ['chat.update alert-group:3'],
    ],
    ['a silenced group (no page): no replies', group({ count: 3, pageId: null }), true, [], ['chat.update alert-group:3']],
  ])('%s', (_name, g, known, refs, calls) => {
    const e = decideGroupEdit(g, '', { latest: [row()], messageKnown: known, pageMessageRefs: refs }, POLICY, at(0, 10));
    expect(e.calls.map((c) => `${c.method} ${c.method === 'chat.postMessage' ? String(c.args.channel) : c.targetRef}`)).toEqual(calls);
    expect(e.writes[0]).toEqual({ kind: 'group', id: 3, changes: { lastEditedAt: at(0, 10) } });
  });
  it('a new reply is remembered on the group', () => {
    const e = decideGroupEdit(
      group({ count: 2 }),
      '',
      { latest: [], messageKnown: true, pageMessageRefs: [dm('U0PRI')] },
      POLICY,
      at(0, 10),
    );
    expect(e.writes[1]).toEqual({ kind: 'group', id: 3, changes: { dmReplies: [dm('U0PRI')] } });
  });
});

const page = (over: Partial<Page> = {}): Page => ({ id: 40, rotation: 'backend', status: 'open', severity: P2, ...over }) as Page;
const actor = (over: Partial<ActorState> = {}): ActorState => ({ page: page(), mayActOnPage: true, ...over });
const acked = ['write group 3 {"status":"acknowledged"}', 'write acknowledge-members 3', `edit group 3 acknowledged ${P2}`];

describe('decidePageEvent: the group and its page are one', () => {
  it.each([
    ['acknowledged, group firing: the group and its members are acknowledged', 'page.acknowledged', group(), acked],
    ['acknowledged, group already acknowledged: nothing', 'page.acknowledged', group({ status: 'acknowledged' }), []],
    [
      'resolved by a person: the group closes with the note, paging not asked again',
      'page.resolved',
      group({ status: 'acknowledged' }),
      [
        `write group 3 {"status":"resolved","resolvedAt":${at(3)}}`,
        'cancel alert.group_refresh alert-group:3',
        `edit group 3 resolved ${P2}: its page was resolved: the next alert alike pages anew`,
      ],
    ],
    ['a group already resolved: nothing', 'page.resolved', group({ status: 'resolved' }), []],
    ["a page that is no group's: nothing", 'page.acknowledged', null, []],
  ] as const)('%s', (_name, event, g, expected) => {
    expect(lines(decidePageEvent(g, event, at(3)))).toEqual(expected);
  });
});

describe('decideSourceAcknowledge', () => {
  it.each([
    [
      'in a group with a page: the page closes from the source, then the group is marked if paging did not',
      group(),
      [
        'write alert 7 {"status":"acknowledged"}',
        'pager close-page-from-source 40 acknowledged alertmanager',
        'mark group 3 acknowledged if still firing',
      ],
    ],
    [
      'in a silenced group: marked',
      group({ pageId: null }),
      ['write alert 7 {"status":"acknowledged"}', 'mark group 3 acknowledged if still firing'],
    ],
    [
      'stored before grouping: its message and its page',
      null,
      [
        'write alert 7 {"status":"acknowledged"}',
        `write alert 7 {"lastEditedAt":${at(3)}}`,
        `chat.update alert:7 ${PRIORITY.cosmetic}`,
        'pager close-page-from-source 40 acknowledged alertmanager',
      ],
    ],
  ])('%s', (_name, g, expected) => {
    expect(lines(decideSourceAcknowledge({ row: row({ groupId: g ? 3 : null }), group: g }, POLICY, at(3)))).toEqual(expected);
  });
});

describe('decideReaction: a :white_check_mark: on a channel message', () => {
  it.each([
    ['on some other message: nothing', { kind: 'none' as const }, [], null],
    [
      'on a firing group with its page open: paging acknowledges, then the group',
      { kind: 'group' as const, group: group(), actor: actor() },
      ['pager acknowledge 40 U0PRI', 'mark group 3 acknowledged if still firing'],
      null,
    ],
    [
      'its page already acknowledged: the group is marked as seen all the same',
      { kind: 'group' as const, group: group(), actor: actor({ page: page({ status: 'acknowledged' }) }) },
      ['mark group 3 acknowledged if still firing'],
      null,
    ],
    ['a group no longer firing: nothing', { kind: 'group' as const, group: group({ status: 'acknowledged' }), actor: null }, [], null],
    [
      'someone the page did not reach and not in the rotation: refused, nothing done',
      { kind: 'group' as const, group: group(), actor: actor({ mayActOnPage: false }) },
      [],
      'refused',
    ],
    [
      'a silenced group (no page): the rotation decides, a member may',
      { kind: 'group' as const, group: group({ pageId: null }), actor: actor({ page: null, mayActOnPage: false }) },
      ['mark group 3 acknowledged if still firing'],
      null,
    ],
    [
      'an alert stored before grouping, its page open: acknowledged by reaction, its message edited',
      { kind: 'alert' as const, row: row({ groupId: null }), actor: actor() },
      [
        'pager acknowledge 40 U0PRI reaction',
        'write alert 7 {"status":"acknowledged"}',
        `write alert 7 {"lastEditedAt":${at(3)}}`,
        `chat.update alert:7 ${PRIORITY.cosmetic}`,
      ],
      null,
    ],
    [
      'an alert no longer firing: nothing',
      { kind: 'alert' as const, row: row({ groupId: null, status: 'resolved' }), actor: null },
      [],
      null,
    ],
  ])('%s', (_name, state, expected, refusal) => {
    const d = decideReaction(state, 'U0PRI', POLICY, at(3));
    expect(lines(d.steps)).toEqual(expected);
    expect(d.refusal === null ? null : 'refused').toBe(refusal);
  });

  it('a silenced group and someone outside the rotation: the rotation refuses', () => {
    const d = decideReaction({ kind: 'group', group: group({ pageId: null }), actor: actor({ page: null }) }, 'U0OUT', POLICY, at(3));
    expect(d.refusal).toContain('acknowledge');
    expect(d.steps).toEqual([]);
  });
});

describe('decideLowerToRouted: "Not P0"', () => {
  const raised = group({ severity: P0, routedSeverity: P2 });
  it.each([
    ['no such group', { group: null, actor: null }, false, []],
    ['already at its routed severity', { group: group(), actor: null }, false, []],
    ['refused: someone who may not act on its page', { group: raised, actor: actor({ mayActOnPage: false }) }, false, []],
    [
      'back to the routed severity: group, members, page, message, a line in the channel',
      { group: raised, actor: actor() },
      true,
      [
        `write group 3 {"severity":"${P2}"}`,
        `write members-severity 3 ${P2}`,
        `pager page-severity 40 ${P2}`,
        `edit group 3 firing ${P2}`,
        `chat.postMessage C0TEAM ${PRIORITY.notice}`,
      ],
    ],
    [
      'a silenced group: no page to lower',
      { group: { ...raised, pageId: null }, actor: actor({ page: null }) },
      true,
      [
        `write group 3 {"severity":"${P2}"}`,
        `write members-severity 3 ${P2}`,
        `edit group 3 firing ${P2}`,
        `chat.postMessage C0TEAM ${PRIORITY.notice}`,
      ],
    ],
  ])('%s', (_name, state, ok, expected) => {
    const d = decideLowerToRouted(state, { groupId: 3, by: 'U0PRI' }, POLICY);
    expect(d.outcome.ok).toBe(ok);
    expect(lines(d.steps)).toEqual(expected);
  });
});

describe('decideSourceUpdate: a resolve or acknowledgement from the source', () => {
  it.each([
    ['resolved, never seen open: ignored', null, 'resolved', 'ignored', 0],
    ['acknowledged, never seen open: ignored', null, 'acknowledged', 'ignored', 0],
    ['resolved, open in a group of three: resolved', row(), 'resolved', 'resolved', 3],
    ['acknowledged, open in a group: acknowledged', row(), 'acknowledged', 'acknowledged', 3],
  ] as const)('%s', (_name, existing, status, counted, steps) => {
    const d = decideSourceUpdate(
      { existing, group: existing ? group({ openCount: 3 }) : null },
      { kind: 'source-update', status },
      POLICY,
      at(3),
    );
    expect(d.counted).toBe(counted);
    expect(lines(d.steps)).toHaveLength(steps);
  });
});

describe('the refresh timers fire', () => {
  it.each([
    ['a group still firing: its message drawn anew', group(), [`edit group 3 firing ${P2}`]],
    ['a group acknowledged: drawn anew (the count still moves)', group({ status: 'acknowledged' }), [`edit group 3 acknowledged ${P2}`]],
    ['a group resolved meanwhile: nothing (its close drew it)', group({ status: 'resolved' }), []],
    ['a group gone: nothing', null, []],
  ])('%s', (_name, g, expected) => {
    expect(lines(decideGroupRefresh(g))).toEqual(expected);
  });
  it.each([
    ['an alert stored before grouping, firing: its message edited', row({ groupId: null }), 2],
    ['resolved meanwhile: nothing', row({ groupId: null, status: 'resolved' }), 0],
    ['gone: nothing', null, 0],
  ])('%s', (_name, r, n) => {
    const e = decideAlertRefresh(r, POLICY, at(0, 10));
    expect(e.writes.length + e.calls.length).toBe(n);
  });
});
