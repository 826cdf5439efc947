/**
 * Digests (page-digest.ts) as tables: a person's pages minute by minute, a channel's backlog, and what decidePage
 * does with them (a DM or the digest; a channel line or the digest line; a closing page redraws its digest).
 */
import { describe, expect, it } from 'vitest';
import { defaultPolicy, type Policy, type RotationPolicy } from '../../src/config/policy.js';
import { pageTargetOf } from '../../src/config/policy-target.js';
import { decidePage, type PageState } from '../../src/paging/page-decide.js';
import {
  CHANNEL_BACKLOG_LIMIT,
  decideChannelDigest,
  decideDigestDraw,
  decidePersonDigest,
  DIGEST_CHANNEL_PACE,
  DIGEST_DRAWER,
  DIGEST_PERSON_PACE,
  DIGEST_WINDOW_MS,
  type DigestDrawState,
  type DrawPace,
  nextEditAt,
  digestRefreshAt,
  digestUpdate,
  type DigestDecision,
} from '../../src/paging/page-digest.js';
import type { Page, PageMessage } from '../../src/paging/page-store.js';
import { PRIORITY, type CallState, type Priority } from '../../src/engine/outbox.js';
import { MINUTE, SECOND } from '../../src/time/clock.js';
import { pageRow } from './page-row.js';

const T0 = Date.UTC(2026, 0, 5, 10, 0);
const clock = (mmss: string) => {
  const [mm, ss] = mmss.split(':').map(Number);
  return T0 + mm! * MINUTE + ss! * SECOND;
};

describe('decidePersonDigest: one person, minute by minute (after 3)', () => {
  // What Bob's pages do as they come, given what the store would hold: pages reach him by DM or in a digest, and
  // count while open and less than a minute old; his current digest is the newest that took a page still open
  // within the minute; "ack all" acknowledges everything open.
  type Row = [at: string, what: string, expected: string];
  const rows: Row[] = [
    ['0:00', 'page 1', 'single'],
    ['0:01', 'page 2', 'single'],
    ['0:02', 'page 3', 'single'],
    ['0:03', 'page 4', 'start page-digest:U0BOB:4'],
    ['0:04', 'page 5', 'join page-digest:U0BOB:4'],
    ['0:30', 'ack all', ''],
    ['0:31', 'page 6', 'single'],
    ['0:32', 'page 7', 'single'],
    ['0:33', 'page 8', 'single'],
    // Digest 4 took a page less than a minute ago, but everything in it was acknowledged: a new digest, below the DMs.
    ['0:40', 'page 9', 'start page-digest:U0BOB:9'],
    // Nobody acknowledged: 6, 7, 8 and 9 are open and less than a minute old; the digest took a page at 0:40.
    ['1:05', 'page 10', 'join page-digest:U0BOB:9'],
    // Since 0:50 only page 10 reached him: under the threshold, back to DMs.
    ['1:50', 'page 11', 'single'],
    ['3:00', 'page 12', 'single'],
    ['4:10', 'page 13', 'single'],
    ['4:20', 'page 14', 'single'],
    ['4:30', 'page 15', 'single'],
    // Three open in the last minute again; digest 9 took its last page at 1:05, so a new digest starts.
    ['4:40', 'page 16', 'start page-digest:U0BOB:16'],
    ['4:41', 'page 17', 'join page-digest:U0BOB:16'],
  ];

  it('goes as the rows say', () => {
    const reached: Array<{ pageId: number; at: number; ref: string | null; open: boolean }> = [];
    const got: Row[] = [];
    for (const [time, what, expected] of rows) {
      const now = clock(time);
      if (what === 'ack all') {
        for (const r of reached) r.open = false;
        got.push([time, what, expected]);
        continue;
      }
      const pageId = Number(what.split(' ')[1]);
      const recent = reached.filter((r) => r.at > now - DIGEST_WINDOW_MS);
      const current = recent.filter((r) => r.ref !== null && r.open).at(-1)?.ref ?? null;
      const decision = decidePersonDigest({ recentOpen: recent.filter((r) => r.open).length, current }, 3, 'U0BOB', pageId);
      reached.push({ pageId, at: now, ref: decision.kind === 'single' ? null : decision.ref, open: true });
      got.push([time, what, show(decision)]);
    }
    expect(got).toEqual(rows);
  });

  it.each([
    [0, 'single'],
    [2, 'single'],
    [3, 'start page-digest:U0BOB:40'],
    [50, 'start page-digest:U0BOB:40'],
  ])('with %i open pages this minute and no digest yet: %s', (recentOpen, expected) => {
    expect(show(decidePersonDigest({ recentOpen, current: null }, 3, 'U0BOB', 40))).toBe(expected);
  });

  it('the policy sets the threshold: after 1, the second page is in the digest', () => {
    expect(show(decidePersonDigest({ recentOpen: 0, current: null }, 1, 'U0BOB', 1))).toBe('single');
    expect(show(decidePersonDigest({ recentOpen: 1, current: null }, 1, 'U0BOB', 2))).toBe('start page-digest:U0BOB:2');
  });
});

describe('decideChannelDigest: a channel Slack posts to once a second', () => {
  it.each<[number, string | null, string]>([
    [0, null, 'single'],
    [CHANNEL_BACKLOG_LIMIT - 1, null, 'single'],
    [CHANNEL_BACKLOG_LIMIT, null, 'start page-digest:C0ALERTS:40'],
    [CHANNEL_BACKLOG_LIMIT + 200, 'page-digest:C0ALERTS:12', 'join page-digest:C0ALERTS:12'],
    // The backlog drained: lines go one by one again, whatever digest line there was.
    [3, 'page-digest:C0ALERTS:12', 'single'],
  ])('%i posts waiting, current digest %s: %s', (backlog, current, expected) => {
    expect(show(decideChannelDigest({ backlog, current }, 'C0ALERTS', 40))).toBe(expected);
  });
});

describe('digest edits', () => {
  it('one refresh per 5-second interval, at its end', () => {
    expect(digestRefreshAt(clock('0:00'))).toBe(clock('0:05'));
    expect(digestRefreshAt(clock('0:04') + 999)).toBe(clock('0:05'));
    expect(digestRefreshAt(clock('0:05'))).toBe(clock('0:10'));
  });

  it('a person digest is redrawn with every page it lists and Acknowledge all; a channel one without buttons', () => {
    const entries = [
      { id: 4, severity: 'P0', summary: 'db down', status: 'open' },
      { id: 5, severity: 'P1', summary: 'api slow', status: 'acknowledged' },
    ];
    const person = digestUpdate('page-digest:U0BOB:4', entries)!;
    expect(person).toMatchObject({ method: 'chat.update', targetRef: 'page-digest:U0BOB:4', supersedes: true });
    expect(person.args.text).toBe(':rotating_light: 2 more pages: [P0] db down (#4), [P1] api slow (#5)');
    const blocks = JSON.stringify(person.args.blocks);
    expect(blocks).toContain('• [P0] db down (#4)');
    expect(blocks).toContain('• ~[P1] api slow (#5)~ acknowledged');
    expect(blocks).toContain('"action_id":"page.ack_all"');
    const channel = digestUpdate('page-digest:C0ALERTS:4', entries)!;
    expect(channel.args.text).toMatch(/^:rotating_light: \+2 more pages in the last minute: /);
    expect(JSON.stringify(channel.args.blocks)).not.toContain('page.ack_all');
    expect(digestUpdate('page:4:dm:U0BOB:0:0', entries)).toBeNull();
  });

  it('a digest of 2,000 pages stays within Slack limits and says how many it could not show', () => {
    const entries = Array.from({ length: 2_000 }, (_, i) => ({ id: i + 1, severity: 'P1', summary: 'x'.repeat(200), status: 'open' }));
    const { blocks } = digestUpdate('page-digest:U0BOB:1', entries)!.args as { blocks: Array<{ text?: { text: string } }> };
    expect(blocks.length).toBeLessThanOrEqual(50);
    for (const b of blocks) expect(b.text?.text.length ?? 0).toBeLessThanOrEqual(3_000);
    expect(blocks.at(-2)!.text!.text).toMatch(/^…and \d+ more: `\/oncall pages open` lists them all\.$/);
  });
});

describe('decideDigestDraw: one digest, ms by ms', () => {
  // The digest's post and edits as the outbox holds them, event by event: what a change (a page joining: PRIORITY.page;
  // a page acknowledged: cosmetic) does. Whatever is queued is drawn when it leaves, so it carries the change.
  type Row = [ms: number, event: string, expected: string];
  function run(rows: readonly Row[], pace: DrawPace, post: CallState = 'queued'): Row[] {
    const state: { post: CallState; edits: Array<{ createdAt: number; state: CallState; priority: Priority }> } = { post, edits: [] };
    const got: Row[] = [];
    for (const [ms, event, expected] of rows) {
      const queued = state.edits.find((e) => e.state === 'queued');
      const sending = state.edits.find((e) => e.state === 'sending');
      if (event === 'post leaves') state.post = 'sending';
      else if (event === 'post out') state.post = 'done';
      else if (event === 'edit leaves') queued!.state = 'sending';
      else if (event === 'edit out') sending!.state = 'done';
      else {
        const priority = event === 'acknowledged' ? PRIORITY.cosmetic : PRIORITY.page;
        const decision = decideDigestDraw(state as DigestDrawState, pace, priority, T0 + ms);
        if (decision.kind === 'edit') {
          // A more urgent edit supersedes the one waiting (the outbox drops it).
          state.edits = state.edits.filter((e) => e.state !== 'queued');
          state.edits.push({ createdAt: T0 + ms, state: 'queued', priority });
        }
        got.push([ms, event, decision.kind === 'later' ? `later +${decision.at - T0}` : decision.kind]);
        continue;
      }
      got.push([ms, event, expected]);
    }
    return got;
  }

  it('a person digest: posted at once, edits as fast as they go for a burst of 5, then one every 2 s', () => {
    expect(DIGEST_PERSON_PACE).toEqual({ burst: 5, everyMs: 2 * SECOND });
    const rows: Row[] = [
      // The post has not left: it will be drawn with this page when it does.
      [0, 'joins', 'none'],
      [1, 'post leaves', ''],
      // The post left without these: one edit, and the next page joins that edit while it waits.
      [5, 'joins', 'edit'],
      [6, 'joins', 'none'],
      [10, 'post out', ''],
      [11, 'edit leaves', ''],
      // An edit on its way carries nothing new: one more queued behind it (never more than one waiting).
      [12, 'joins', 'edit'],
      [13, 'joins', 'none'],
      [20, 'edit out', ''],
      [21, 'edit leaves', ''],
      [22, 'joins', 'edit'],
      [30, 'edit out', ''],
      [31, 'edit leaves', ''],
      [32, 'joins', 'edit'],
      [40, 'edit out', ''],
      [41, 'edit leaves', ''],
      [42, 'joins', 'edit'],
      [50, 'edit out', ''],
      [51, 'edit leaves', ''],
      // Five edits in 42 ms: the burst is spent; the next edit when a token is back (5 + 2,000 ms).
      [52, 'joins', 'later +2005'],
      [60, 'edit out', ''],
      [900, 'joins', 'later +2005'],
      [2005, 'joins', 'edit'],
      [2010, 'edit leaves', ''],
      [2020, 'edit out', ''],
      // Steady: one every 2 s while pages keep joining.
      [2100, 'joins', 'later +4005'],
      [4005, 'joins', 'edit'],
      // A page acknowledged while a page's edit waits: that edit carries it.
      [4006, 'acknowledged', 'none'],
      [4010, 'edit leaves', ''],
      [4020, 'edit out', ''],
      // Quiet for a while: the burst is back.
      [30_000, 'joins', 'edit'],
      [30_010, 'edit leaves', ''],
      [30_011, 'joins', 'edit'],
    ];
    expect(run(rows, DIGEST_PERSON_PACE)).toEqual(rows);
  });

  it('a change of state waits in a cosmetic edit; a page joining then replaces it with an urgent one', () => {
    const rows: Row[] = [
      [0, 'acknowledged', 'edit'],
      [1, 'acknowledged', 'none'],
      [2, 'joins', 'edit'],
      [3, 'acknowledged', 'none'],
    ];
    expect(run(rows, DIGEST_PERSON_PACE, 'done')).toEqual(rows);
  });

  it('a channel digest line: one edit at once, then one every 5 s', () => {
    expect(DIGEST_CHANNEL_PACE).toEqual({ burst: 1, everyMs: 5 * SECOND });
    const rows: Row[] = [
      [0, 'joins', 'edit'],
      [10, 'edit leaves', ''],
      [20, 'edit out', ''],
      [30, 'joins', 'later +5000'],
      [5000, 'joins', 'edit'],
      [5001, 'joins', 'none'],
    ];
    expect(run(rows, DIGEST_CHANNEL_PACE, 'done')).toEqual(rows);
  });

  it.each<[number[], number]>([
    [[], Number.NEGATIVE_INFINITY],
    [[0], -6_000],
    [[0, 0, 0, 0], 0],
    [[0, 0, 0, 0, 0], 2_000],
    [[0, 0, 0, 0, 0, 2_000], 4_000],
    [[0, 60_000], 54_000],
  ])('edits queued at %j: the next fits the person pace at %i', (at, expected) => {
    expect(nextEditAt(at, DIGEST_PERSON_PACE)).toBe(expected);
  });
});

// ------------------------------------------------------------------------------------------------------------
// decidePage with the digest state gathered

const P1 = {
  loops: 1,
  chatOnly: false,
  quietAtNight: false,
  task: false,
  repeatAfterMs: null,
  steps: [{ afterMs: 0, target: pageTargetOf('primary', {}), via: null, businessHours: false }],
};

function policy(): Policy {
  const backend = {
    name: 'backend',
    members: ['U0BOB'],
    channel: 'C0TEAM',
    alertsChannel: 'C0ALERTS',
    escalation: 'default',
  } as RotationPolicy;
  return { ...defaultPolicy(), people: {}, rotations: { backend }, escalation: { default: { P1 } }, notify: [], wake: {} };
}

/** #40, an alert's "db down" (no person raised it). */
const page = (p: Partial<Page> = {}): Page => pageRow(T0, { id: 40, summary: 'db down', source: 'alert', createdBy: null, ...p });

function state(s: Partial<PageState> = {}): PageState {
  return {
    ...{ page: page(), messages: [], onCall: { primary: 'U0BOB', secondary: null }, others: {}, members: {}, tags: [] },
    ...{ mitigated: null, verified: {} },
    ...s,
  };
}

/** The messages and calls of a decision, as lines. */
function said(s: PageState, command: Parameters<typeof decidePage>[1], now = T0): string[] {
  const { effects } = decidePage(s, command, policy(), now);
  return [
    ...effects.writes.flatMap((w) => (w.kind === 'messages' ? w.rows.map((r) => `row ${r.userId ?? 'channel'}@${r.ref}`) : [])),
    ...effects.timers.flatMap((t) =>
      t.op === 'set' && t.timer.kind === 'page.digest_refresh' ? [`refresh ${t.timer.subject} at +${(t.timer.dueAt - T0) / SECOND}s`] : [],
    ),
    ...effects.calls.map((c) => (c.method === 'chat.update' ? `edit ${c.targetRef}` : `post ${String(c.args.channel)} ${c.ref ?? ''}`)),
  ];
}

const quiet = { people: { U0BOB: { recentOpen: 0, current: null } }, channel: { backlog: 0, current: null } };

describe('decidePage with digests', () => {
  it('under the thresholds: a DM of its own and a channel line, as always', () => {
    expect(said(state({ digest: quiet }), { kind: 'first-step' })).toEqual([
      'row U0BOB@page:40:dm:U0BOB:0:0',
      'row channel@page:40:channel:0:0',
      'post U0BOB page:40:dm:U0BOB:0:0',
      'post C0ALERTS page:40:channel:0:0',
    ]);
  });

  it('over both: the page starts the person digest and the channel digest line, each posted with it', () => {
    const busy = { people: { U0BOB: { recentOpen: 3, current: null } }, channel: { backlog: CHANNEL_BACKLOG_LIMIT, current: null } };
    expect(said(state({ digest: busy }), { kind: 'first-step' })).toEqual([
      'row U0BOB@page-digest:U0BOB:40',
      'row channel@page-digest:C0ALERTS:40',
      'post U0BOB page-digest:U0BOB:40',
      'post C0ALERTS page-digest:C0ALERTS:40',
    ]);
  });

  it('joining digests already there: rows and one refresh each at the end of the interval, no post', () => {
    const busy = {
      people: { U0BOB: { recentOpen: 7, current: 'page-digest:U0BOB:12' } },
      channel: { backlog: 40, current: 'page-digest:C0ALERTS:11' },
    };
    expect(said(state({ digest: busy }), { kind: 'first-step' }, T0 + 2 * SECOND)).toEqual([
      'row U0BOB@page-digest:U0BOB:12',
      'row channel@page-digest:C0ALERTS:11',
      'refresh page-digest:U0BOB:12 at +5s',
      'refresh page-digest:C0ALERTS:11 at +5s',
    ]);
  });

  it('joining with the outbox state gathered: nothing while the post waits, an edit drawn when it leaves, a timer past the pace', () => {
    const joining = (draw: DigestDrawState, now = T0) =>
      said(
        state({ digest: { people: { U0BOB: { recentOpen: 7, current: 'page-digest:U0BOB:12', draw } }, channel: null } }),
        { kind: 'first-step' },
        now,
      );
    expect(joining({ post: 'queued', edits: [] })).toEqual([
      'row U0BOB@page-digest:U0BOB:12',
      'row channel@page:40:channel:0:0',
      'post C0ALERTS page:40:channel:0:0',
    ]);
    expect(joining({ post: 'done', edits: [] })).toEqual([
      'row U0BOB@page-digest:U0BOB:12',
      'row channel@page:40:channel:0:0',
      'edit page-digest:U0BOB:12',
      'post C0ALERTS page:40:channel:0:0',
    ]);
    const spent = Array.from({ length: 5 }, () => ({ createdAt: T0, state: 'done' as const, priority: PRIORITY.page }));
    expect(joining({ post: 'done', edits: spent }, T0 + 100)).toEqual([
      'row U0BOB@page-digest:U0BOB:12',
      'row channel@page:40:channel:0:0',
      'refresh page-digest:U0BOB:12 at +2s',
      'post C0ALERTS page:40:channel:0:0',
    ]);
    // The edit is the page's (PRIORITY.page) and drawn when it leaves, with every page the digest lists then.
    const { effects } = decidePage(
      state({
        digest: {
          people: { U0BOB: { recentOpen: 7, current: 'page-digest:U0BOB:12', draw: { post: 'sending', edits: [] } } },
          channel: null,
        },
      }),
      { kind: 'first-step' },
      policy(),
      T0,
    );
    expect(effects.calls.find((c) => c.method === 'chat.update')).toMatchObject({
      priority: PRIORITY.page,
      targetRef: 'page-digest:U0BOB:12',
      supersedes: true,
      draw: { with: DIGEST_DRAWER, key: 'page-digest:U0BOB:12' },
    });
  });

  it("a later step's DM to a person still over the threshold joins their digest; the page escalates as always", () => {
    const P1twice = { ...P1, steps: [P1.steps[0]!, { ...P1.steps[0]!, afterMs: 15 * MINUTE, target: pageTargetOf('secondary', {}) }] };
    const p = { ...policy(), escalation: { default: { P1: P1twice } } };
    const s = state({
      page: page({ toldAt: T0 }),
      onCall: { primary: 'U0BOB', secondary: 'U0BOB' },
      messages: [{ pageId: 40, userId: 'U0BOB', ref: 'page:40:dm:U0BOB:0:0', stepIndex: 0, loop: 0, createdAt: T0 }],
      digest: { people: { U0BOB: { recentOpen: 5, current: 'page-digest:U0BOB:12' } }, channel: { backlog: 0, current: null } },
    });
    const { effects } = decidePage(s, { kind: 'step', position: { stepIndex: 1, loop: 0 }, dueAt: T0 + 15 * MINUTE }, p, T0 + 15 * MINUTE);
    const rows = effects.writes.flatMap((w) =>
      w.kind === 'messages' ? w.rows.map((r) => `${r.userId ?? 'channel'}@${r.ref} step ${r.stepIndex}`) : [],
    );
    expect(rows).toEqual(['U0BOB@page-digest:U0BOB:12 step 1', 'channel@page:40:channel:0:1 step 1']);
    expect(effects.writes).toContainEqual({ kind: 'page', id: 40, patch: { stepIndex: 1, loop: 0 } });
    expect(effects.timers.map((t) => (t.op === 'set' ? t.timer.kind : t.op))).toEqual(
      expect.arrayContaining(['page.digest_refresh', 'page.slack_check', 'page.exhaust']),
    );
  });

  it('acknowledging a page in a digest edits its own messages and redraws the digest, not replacing it', () => {
    const messages: PageMessage[] = [
      { pageId: 40, userId: 'U0BOB', ref: 'page-digest:U0BOB:12', stepIndex: 0, loop: 0, createdAt: T0 },
      { pageId: 40, userId: null, ref: 'page:40:channel:0:0', stepIndex: 0, loop: 0, createdAt: T0 },
    ];
    expect(said(state({ messages, page: page({ toldAt: T0 }) }), { kind: 'acknowledge', by: 'U0BOB' }, T0 + 7 * SECOND)).toEqual([
      'refresh page-digest:U0BOB:12 at +10s',
      'edit page:40:channel:0:0',
    ]);
  });

  it('a person who got the page in a digest may act on it', () => {
    const messages: PageMessage[] = [{ pageId: 40, userId: 'U0EVE', ref: 'page-digest:U0EVE:12', stepIndex: 0, loop: 0, createdAt: T0 }];
    const { outcome } = decidePage(state({ messages, page: page({ toldAt: T0 }) }), { kind: 'acknowledge', by: 'U0EVE' }, policy(), T0);
    expect(outcome).toEqual({ ok: true, message: 'You acknowledged page #40.' });
  });

  it("the 60-second Slack check counts a digest that took the step's DM as that person's DM", () => {
    const messages: PageMessage[] = [{ pageId: 40, userId: 'U0BOB', ref: 'page-digest:U0BOB:12', stepIndex: 0, loop: 0, createdAt: T0 }];
    const s = state({ messages, page: page({ toldAt: T0 }), verified: { U0BOB: ['sms'] } });
    const check = (delivered: string[]) =>
      decidePage(
        s,
        { kind: 'slack-check', position: { stepIndex: 0, loop: 0 }, delivered, pendingWakes: new Set(), sendable: ['sms'] },
        policy(),
        T0 + MINUTE,
      ).effects.calls.map((c) => c.method);
    expect(check(['U0BOB'])).toEqual([]);
    expect(check([])).toContain('twilio.messages.create');
  });
});

function show(d: DigestDecision): string {
  return d.kind === 'single' ? 'single' : `${d.kind} ${d.ref}`;
}
