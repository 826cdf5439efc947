/**
 * decideHandoff, handoffs' pure decision, as tables: a state and a command in, Effects out (handoff and override
 * rows, timers, outbox calls, events), each written as one line so a row reads as what the bot does. The timers
 * are checked minute by minute around a boundary: in UTC, and in Berlin across both DST weeks of 2026.
 */
import { describe, expect, it } from 'vitest';
import { parsePolicyText, type Policy } from '../../src/config/policy.js';
import type { HandoffTarget } from '../../src/handoffs/handoff-blocks.js';
import {
  boundaryTimers,
  decideHandoff,
  handOffRefusal,
  handoffBoundaryAt,
  lastBoundaryAt,
  mayHandOff,
  nextBoundaryAfter,
  type HandoffCommand,
  type HandoffEffects,
  type HandoffState,
} from '../../src/handoffs/handoff-decide.js';
import type { HandoffRow } from '../../src/handoffs/handoff-store.js';
import { DAY, HOUR, MINUTE } from '../../src/time/clock.js';

const POLICY = parsePolicyText(
  [
    'people:',
    '  engineering_lead: U0LEAD',
    '  cto: U0CTO',
    'rotations:',
    '  backend:',
    '    members: [U0ALICE, U0BOB, U0CAROL]',
    '    shift: { every: 1w, handoff: "mon 09:00", timezone: UTC, start: "2026-01-05" }',
    '    channel: C0BACKEND',
    '  berlin:',
    '    members: [U0DAN, U0EVE]',
    '    shift: { every: 1w, handoff: "mon 09:00", timezone: Europe/Berlin, start: "2026-01-05" }',
    '  quiet:',
    '    members: [U0FAY]',
    '    shift: { every: 1w, handoff: "mon 09:00", timezone: UTC, start: "2026-01-05" }',
  ].join('\n'),
  'test.yml',
);
const BACKEND = POLICY.rotations.backend!;
const BERLIN = POLICY.rotations.berlin!;

/** Monday 2026-01-12 09:00 UTC: a backend boundary, Alice → Bob. */
const B = Date.UTC(2026, 0, 12, 9, 0);
const m = (minutes: number) => B + minutes * MINUTE;
/** An instant relative to B, as the tables write it. */
const rel = (t: number) => {
  const min = (t - B) / MINUTE;
  return min === 0 ? 'B' : `B${min > 0 ? '+' : '-'}${Math.abs(min)}m`;
};

const TARGET: HandoffTarget = { rotation: 'backend', boundary: B, outgoing: 'U0ALICE', incoming: 'U0BOB' };

function handoff(h: Partial<HandoffRow> = {}): HandoffRow {
  return {
    id: 4,
    rotation: 'backend',
    boundary: B,
    outgoing: 'U0ALICE',
    incoming: 'U0BOB',
    postedBy: 'U0ALICE',
    fields: [{ label: 'Notes', value: 'quiet week' }],
    channel: 'C0BACKEND',
    postedAt: m(-30),
    confirmedBy: null,
    confirmedAt: null,
    emergencyReason: null,
    coveredBy: null,
    ...h,
  };
}

/** An emergency handoff of Thursday 14:00: Alice left, Bob took over. */
const THURSDAY = B + 3 * DAY + 5 * HOUR;
const EMERGENCY = handoff({
  id: 9,
  boundary: THURSDAY,
  outgoing: 'U0ALICE',
  incoming: 'U0BOB',
  fields: [],
  postedAt: THURSDAY,
  confirmedBy: 'U0BOB',
  confirmedAt: THURSDAY,
  emergencyReason: 'family emergency',
});

function state(s: Partial<HandoffState> = {}): HandoffState {
  return { target: TARGET, handoff: null, onCall: null, commanded: [], nextId: 12, ...s };
}

/** The effects as lines: what a reader checks, in order. Text is cut to its first word (the emoji says which message). */
function lines(e: HandoffEffects): string[] {
  const firstWord = (c: { args: Record<string, unknown> }) => String(c.args.text).split(' ')[0];
  return [
    ...e.writes.map((w) =>
      w.kind === 'insert'
        ? `insert #${w.row.id} ${w.row.rotation} ${rel(w.row.boundary)} ${w.row.outgoing}→${w.row.incoming}${w.row.emergencyReason ? ` emergency "${w.row.emergencyReason}" confirmed by ${w.row.confirmedBy}` : ''}`
        : w.kind === 'update'
          ? `update #${w.id} ${JSON.stringify(w.changes)}`
          : `override ${w.override.rotation} ${w.override.role} ${w.override.userId} ${rel(w.override.startsAt)}..${rel(w.override.endsAt)} by ${w.override.createdBy}`,
    ),
    ...e.timers.map((t) =>
      t.op === 'set' ? `set ${t.timer.kind} ${rel(t.timer.dueAt)} key ${t.timer.key}` : `cancel ${t.subject} ${t.kind}`,
    ),
    ...e.calls.map((c) =>
      c.method === 'chat.update'
        ? `edit ${c.targetRef} p${c.priority}`
        : `post ${String(c.args.channel)} ${firstWord(c)}${c.ref ? ` ref ${c.ref}` : ''} p${c.priority}`,
    ),
    ...e.events.map((ev) => `event ${ev.type} ${ev.rotation}`),
  ];
}

const decide = (s: HandoffState, c: HandoffCommand, now: number, p: Policy = POLICY) => decideHandoff(s, c, p, now);

describe('the boundary and its timers, minute by minute', () => {
  // Berlin 09:00 is 08:00 UTC in winter, 07:00 UTC in summer. Spring forward: Sunday 29 March 2026 (a 167 h
  // week ends Monday 30 March); fall back: Sunday 25 October 2026 (a 169 h week ends Monday 26 October).
  const SPRING = Date.UTC(2026, 2, 30, 7);
  const BEFORE_SPRING = Date.UTC(2026, 2, 23, 8);
  const AUTUMN = Date.UTC(2026, 9, 26, 8);
  const BEFORE_AUTUMN = Date.UTC(2026, 9, 19, 7);

  it.each([
    ['UTC: a minute before', BACKEND, B - MINUTE, B],
    ['UTC: at the boundary, the one after', BACKEND, B, B + 7 * DAY],
    ['UTC: a minute after', BACKEND, B + MINUTE, B + 7 * DAY],
    ['Berlin spring: the Monday before, a minute after 09:00 CET', BERLIN, BEFORE_SPRING + MINUTE, SPRING],
    ['Berlin spring: 08:59 CEST (06:59 UTC)', BERLIN, SPRING - MINUTE, SPRING],
    ['Berlin spring: 09:00 CEST is the boundary (07:00 UTC, not 08:00)', BERLIN, SPRING, SPRING + 7 * DAY],
    ['Berlin spring: 07:59 UTC is already the new shift', BERLIN, SPRING + 59 * MINUTE, SPRING + 7 * DAY],
    ['Berlin autumn: 09:00 CEST the Monday before', BERLIN, BEFORE_AUTUMN, AUTUMN],
    ['Berlin autumn: 07:59 UTC (08:59 CET) is still the old shift', BERLIN, AUTUMN - MINUTE, AUTUMN],
    ['Berlin autumn: 08:00 UTC (09:00 CET) is the boundary', BERLIN, AUTUMN, AUTUMN + 7 * DAY],
  ])('%s: the next boundary', (_what, rotation, now, expected) => {
    expect(nextBoundaryAfter(rotation, now)).toBe(expected);
  });

  it('a DST week is an hour shorter in spring, an hour longer in autumn', () => {
    expect(SPRING - lastBoundaryAt(BERLIN, SPRING - MINUTE)).toBe(7 * DAY - HOUR);
    expect(AUTUMN - lastBoundaryAt(BERLIN, AUTUMN - MINUTE)).toBe(7 * DAY + HOUR);
  });

  it.each([
    ['a minute before the boundary: this boundary', B - MINUTE, false, B],
    ['at the boundary, nothing posted: this boundary (late)', B, false, B],
    ['3 h 59 min after, nothing posted: still this one', B + 4 * HOUR - MINUTE, false, B],
    ['4 h after: the next one', B + 4 * HOUR, false, B + 7 * DAY],
    ['a minute after, this one posted already: the next one', B + MINUTE, true, B + 7 * DAY],
  ])('a handoff written %s', (_what, now, lastPosted, expected) => {
    expect(handoffBoundaryAt(BACKEND, now, lastPosted)).toBe(expected);
  });

  it('a boundary has a prompt an hour before and a due timer at it, keyed by rotation and boundary', () => {
    const ops = boundaryTimers('berlin', SPRING);
    expect(ops.map((o) => (o.op === 'set' ? [o.timer.kind, o.timer.subject, o.timer.key, o.timer.dueAt - SPRING] : o))).toEqual([
      ['handoff.prompt', `handoff:berlin:${SPRING}`, `handoff-prompt:berlin:${SPRING}`, -HOUR],
      ['handoff.due', `handoff:berlin:${SPRING}`, `handoff-due:berlin:${SPRING}`, 0],
    ]);
  });

  it('the due timer in Berlin sets the nudges and the next (longer) week: spring boundary to autumn side', () => {
    const s = state({ target: { rotation: 'berlin', boundary: SPRING, outgoing: 'U0DAN', incoming: 'U0EVE' } });
    const timers = decide(s, { kind: 'due', rotation: 'berlin', boundary: SPRING }, SPRING).effects.timers;
    expect(timers.map((t) => (t.op === 'set' ? (t.timer.dueAt - SPRING) / HOUR : null))).toEqual([2, 4, 7 * 24 - 1, 7 * 24]);
  });
});

describe('decideHandoff: the timers', () => {
  const PROMPT: HandoffCommand = { kind: 'prompt', rotation: 'backend', boundary: B };
  const DUE: HandoffCommand = { kind: 'due', rotation: 'backend', boundary: B };
  const unconfirmed = (hours: number): HandoffCommand => ({
    kind: 'unconfirmed',
    rotation: 'backend',
    boundary: B,
    after: hours * HOUR,
    dueAt: m(hours * 60),
  });
  /** The nudges 2 h and 4 h after B that a due timer sets, as lines. */
  const nudges = (rotation = 'backend') => [
    `set handoff.unconfirmed B+120m key handoff-unconfirmed:${rotation}:${B}:${2 * HOUR}`,
    `set handoff.unconfirmed B+240m key handoff-unconfirmed:${rotation}:${B}:${4 * HOUR}`,
  ];
  /** The prompt and due timers of the boundary `weeks` after B, as lines. */
  const nextBoundary = (rotation = 'backend', weeks = 1) => [
    `set handoff.prompt B+${weeks * 7 * 24 * 60 - 60}m key handoff-prompt:${rotation}:${B + weeks * 7 * DAY}`,
    `set handoff.due B+${weeks * 7 * 24 * 60}m key handoff-due:${rotation}:${B + weeks * 7 * DAY}`,
  ];

  it.each<[string, HandoffState, HandoffCommand, number, string[]]>([
    // The prompt, an hour before.
    ['prompt at B-60m: the outgoing is asked', state(), PROMPT, m(-60), ['post U0ALICE :hourglass: p1']],
    ['prompt fired late at B-1m: still asked', state(), PROMPT, m(-1), ['post U0ALICE :hourglass: p1']],
    ['prompt fired at B (the bot was down): nothing', state(), PROMPT, m(0), []],
    ['prompt when the handoff is written: nothing', state({ handoff: handoff() }), PROMPT, m(-60), []],
    ['prompt with nobody outgoing: nothing', state({ target: { ...TARGET, outgoing: null } }), PROMPT, m(-60), []],
    ['prompt for a boundary that is none any more: nothing', state({ target: null }), PROMPT, m(-60), []],
    // Due, at the boundary.
    [
      'due at B, nothing posted: the channel is reminded, the nudges and the next boundary are set',
      state(),
      DUE,
      m(0),
      [...nudges(), ...nextBoundary(), 'post C0BACKEND :bell: p1'],
    ],
    ['due fired 4 h late: still reminded', state(), DUE, m(240), [...nudges(), ...nextBoundary(), 'post C0BACKEND :bell: p1']],
    ['due fired 4 h 1 min late: stale, no reminder', state(), DUE, m(241), [...nudges(), ...nextBoundary()]],
    [
      'due fired a week and a minute late: the boundary after now is next, not the missed one',
      state(),
      DUE,
      m(7 * 24 * 60 + 1),
      [...nudges(), ...nextBoundary('backend', 2)],
    ],
    ['due with the handoff posted: no reminder', state({ handoff: handoff() }), DUE, m(0), [...nudges(), ...nextBoundary()]],
    [
      'due for a rotation without a channel: no reminder, the timers all the same',
      state({ target: { ...TARGET, rotation: 'quiet', outgoing: 'U0FAY', incoming: 'U0FAY' } }),
      { kind: 'due', rotation: 'quiet', boundary: B },
      m(0),
      [...nudges('quiet'), ...nextBoundary('quiet')],
    ],
    [
      'due for a boundary that is none any more (the handoff time moved): only the next boundary',
      state({ target: null }),
      { kind: 'due', rotation: 'backend', boundary: B + HOUR },
      m(60),
      nextBoundary(),
    ],
    [
      'due for a rotation gone from the policy: its timers end',
      state({ target: null }),
      { kind: 'due', rotation: 'gone', boundary: B },
      m(0),
      [],
    ],
    // Unconfirmed, 2 h and 4 h after.
    [
      '2 h after, posted and unconfirmed: the incoming is nudged',
      state({ handoff: handoff() }),
      unconfirmed(2),
      m(120),
      ['post U0BOB :wave: p1'],
    ],
    ['2 h after, fired 60 min late: still nudged', state(), unconfirmed(2), m(180), ['post U0BOB :wave: p1']],
    ['2 h after, fired 61 min late: stale, nothing', state(), unconfirmed(2), m(181), []],
    ['2 h after, confirmed: nothing', state({ handoff: handoff({ confirmedBy: 'U0BOB', confirmedAt: m(5) }) }), unconfirmed(2), m(120), []],
    ['2 h after, nobody incoming: nothing', state({ target: { ...TARGET, incoming: null } }), unconfirmed(2), m(120), []],
    ['4 h after: the lead is told', state(), unconfirmed(4), m(240), ['post U0LEAD :information_source: p1']],
    ['4 h after, no lead in the policy: nothing', state(), unconfirmed(4), m(240), []],
  ])('%s', (what, s, command, now, expected) => {
    const p = what.includes('no lead') ? { ...POLICY, people: {} } : POLICY;
    expect(lines(decide(s, command, now, p).effects)).toEqual(expected);
  });

  it('the nudge and the lead notice say whether a handoff was posted, and who is primary', () => {
    const text = (s: HandoffState, after: number) =>
      String(
        decide(s, { kind: 'unconfirmed', rotation: 'backend', boundary: B, after, dueAt: B + after }, B + after).effects.calls[0]!.args
          .text,
      );
    expect(text(state({ handoff: handoff() }), 2 * HOUR)).toContain('Please read the handoff and press');
    expect(text(state(), 2 * HOUR)).toContain('no handoff was posted: ask <@U0ALICE> what you should know.');
    expect(text(state({ target: { ...TARGET, outgoing: null } }), 2 * HOUR)).toContain('ask the previous primary');
    expect(text(state({ handoff: handoff({ incoming: 'U0CAROL' }) }), 4 * HOUR)).toMatch(
      /still unconfirmed 4 h later \(<@U0CAROL> is primary\)\.$/,
    );
    expect(text(state(), 4 * HOUR)).toMatch(/\(<@U0BOB> is primary; no handoff was posted\)\.$/);
    expect(text(state({ target: { ...TARGET, incoming: null } }), 4 * HOUR)).toMatch(/\(nobody is primary; no handoff was posted\)\.$/);
  });

  it('the channel reminder names the outgoing primary, or asks anyone', () => {
    const text = (s: HandoffState) => String(decide(s, { kind: 'due', rotation: 'backend', boundary: B }, B).effects.calls[0]!.args.text);
    expect(text(state())).toMatch(
      /^:bell: No handoff was posted for the \*backend\* shift change at <!date\^\d+.*>\. <@U0ALICE>, please post it with `\/handoff backend`\.$/,
    );
    expect(text(state({ target: { ...TARGET, outgoing: null } }))).toContain('. Please post it with `/handoff backend`.');
  });
});

describe('decideHandoff: posting and confirming', () => {
  const FIELDS = [{ label: 'Notes', value: 'quiet week' }];

  it('the form submitted: the handoff is written with the reserved id and posted with its ref and confirm button', () => {
    const d = decide(state(), { kind: 'post', target: TARGET, by: 'U0ALICE', fields: FIELDS, channel: 'C0BACKEND' }, m(-30));
    expect(lines(d.effects)).toEqual(['insert #12 backend B U0ALICE→U0BOB', 'post C0BACKEND :handshake: ref handoff:12 p1']);
    expect(d.effects.writes[0]).toMatchObject({
      kind: 'insert',
      row: { postedBy: 'U0ALICE', fields: FIELDS, channel: 'C0BACKEND', postedAt: m(-30) },
    });
    expect(JSON.stringify(d.effects.calls[0]!.args.blocks)).toContain('"value":"12"');
    expect(d.outcome).toBeNull();
  });

  it('an incident the outgoing still commands is a note on the message', () => {
    const s = state({ commanded: [{ id: 3, severity: 'P1', title: 'Checkout 500s' }] });
    const d = decide(s, { kind: 'post', target: TARGET, by: 'U0ALICE', fields: FIELDS, channel: 'C0BACKEND' }, m(-30));
    expect(String(d.effects.calls[0]!.args.text)).toMatch(
      /\n\n:warning: Incident #3 \[P1\] Checkout 500s is active: <@U0ALICE> stays commander until they hand it over with `\/incident commander <@U0BOB>`\.$/,
    );
    const nobodyOut = decide(
      s,
      { kind: 'post', target: { ...TARGET, outgoing: null }, by: 'U0BOB', fields: FIELDS, channel: 'C0BACKEND' },
      m(-30),
    );
    expect(String(nobodyOut.effects.calls[0]!.args.text)).not.toContain(':warning:');
  });

  it.each<[string, HandoffState, string, string[], string]>([
    [
      'the incoming confirms: written, the nudges cancelled, the message edited',
      state({ handoff: handoff(), onCall: { primary: 'U0BOB', secondary: 'U0CAROL', shiftEnd: B + 7 * DAY } }),
      'U0BOB',
      [`update #4 {"confirmedBy":"U0BOB","confirmedAt":${m(5)}}`, `cancel handoff:backend:${B} handoff.unconfirmed`, 'edit handoff:4 p1'],
      'ok: You confirmed the backend handoff: you are on.',
    ],
    [
      'whoever an override put in their place confirms',
      state({ handoff: handoff(), onCall: { primary: 'U0CAROL', secondary: null, shiftEnd: B + 7 * DAY } }),
      'U0CAROL',
      [`update #4 {"confirmedBy":"U0CAROL","confirmedAt":${m(5)}}`, `cancel handoff:backend:${B} handoff.unconfirmed`, 'edit handoff:4 p1'],
      'ok: You confirmed the backend handoff: you are on.',
    ],
    [
      'someone else: refused, naming the incoming',
      state({ handoff: handoff(), onCall: { primary: 'U0BOB', secondary: 'U0CAROL', shiftEnd: B + 7 * DAY } }),
      'U0CAROL',
      [],
      'refused: Only <@U0BOB> can confirm this handoff: it is theirs to receive.',
    ],
    [
      'someone else while an override stands in: refused, naming both',
      state({ handoff: handoff(), onCall: { primary: 'U0CAROL', secondary: null, shiftEnd: B + 7 * DAY } }),
      'U0ALICE',
      [],
      'refused: Only <@U0BOB> (or <@U0CAROL>, covering) can confirm this handoff: it is theirs to receive.',
    ],
    [
      'nobody incoming and the rotation gone: refused',
      state({ handoff: handoff({ incoming: null }), onCall: null }),
      'U0ALICE',
      [],
      'refused: Only the incoming primary can confirm this handoff: it is theirs to receive.',
    ],
    ['no such handoff: refused', state({ handoff: null }), 'U0BOB', [], 'refused: There is no handoff #4.'],
  ])('confirm: %s', (_what, s, by, expected, outcome) => {
    const d = decide(s, { kind: 'confirm', id: 4, by }, m(5));
    expect(lines(d.effects)).toEqual(expected);
    expect(`${d.outcome!.ok ? 'ok' : 'refused'}: ${d.outcome!.message}`).toBe(outcome);
  });

  it('confirm: already confirmed, refused with who and when', () => {
    const d = decide(
      state({ handoff: handoff({ confirmedBy: 'U0BOB', confirmedAt: m(1) }) }),
      { kind: 'confirm', id: 4, by: 'U0BOB' },
      m(5),
    );
    expect(d.effects).toEqual({ writes: [], timers: [], calls: [], events: [] });
    expect(d.outcome).toEqual({ ok: false, message: expect.stringMatching(/^This handoff was already confirmed by <@U0BOB> <!date\^/) });
  });

  it('the edited message shows who confirmed it, without the button', () => {
    const s = state({ handoff: handoff(), onCall: { primary: 'U0BOB', secondary: null, shiftEnd: B + 7 * DAY } });
    const edit = decide(s, { kind: 'confirm', id: 4, by: 'U0BOB' }, m(5)).effects.calls[0]!;
    expect(JSON.stringify(edit.args.blocks)).toContain(':white_check_mark: Handoff received by <@U0BOB>');
    expect(JSON.stringify(edit.args.blocks)).not.toContain('handoff.confirm');
  });

  it('who may write a handoff: members, admins, and the two it is between', () => {
    const between: HandoffTarget = { ...TARGET, outgoing: 'U0ZED', incoming: 'U0ALICE' };
    expect(['U0ALICE', 'U0ZED', 'U0CAROL', 'U0DAN'].map((u) => mayHandOff(POLICY, between, u))).toEqual([true, true, true, false]);
    expect(handOffRefusal(POLICY, between)).toBe(
      'Only members of *backend* (<@U0ALICE>, <@U0BOB>, <@U0CAROL>), <@U0ZED>, the engineering_lead (<@U0LEAD>) or the cto (<@U0CTO>) can post the *backend* handoff.',
    );
  });
});

describe('decideHandoff: the emergency handoff', () => {
  const ON_CALL = { primary: 'U0ALICE', secondary: 'U0BOB', shiftEnd: B + 7 * DAY };
  const NOW = THURSDAY;
  const at = (t: number) => rel(t);

  it('the secondary becomes primary until the shift ends, the handoff is written confirmed, the channel and the secondary are told at page priority', () => {
    const d = decide(
      state({ target: null, onCall: ON_CALL }),
      { kind: 'emergency', rotation: 'backend', by: 'U0ALICE', reason: 'family emergency', channel: 'C0HERE' },
      NOW,
    );
    expect(lines(d.effects)).toEqual([
      `override backend primary U0BOB ${at(NOW)}..B+10080m by U0ALICE`,
      `insert #12 backend ${at(NOW)} U0ALICE→U0BOB emergency "family emergency" confirmed by U0BOB`,
      'post C0BACKEND :sos: ref handoff:12 p0',
      'post U0BOB :sos: p0',
      'event shift.changed backend',
    ]);
    expect(d.outcome).toEqual({
      ok: true,
      message: expect.stringMatching(
        /^<@U0BOB> is backend primary until <!date\^1768813200\^.*; the channel is asked who covers secondary\.$/,
      ),
    });
    expect(String(d.effects.calls[1]!.args.text)).toMatch(/ \(family emergency\)\.$/);
  });

  it('without a reason: the row says so, the messages say nothing; a rotation without a channel posts where the command was typed', () => {
    const p = { ...POLICY, rotations: { ...POLICY.rotations, backend: { ...BACKEND, channel: null } } } as Policy;
    const d = decide(
      state({ onCall: ON_CALL }),
      { kind: 'emergency', rotation: 'backend', by: 'U0ALICE', reason: '', channel: 'C0HERE' },
      NOW,
      p,
    );
    expect(lines(d.effects)).toContain(`insert #12 backend ${at(NOW)} U0ALICE→U0BOB emergency "no reason given" confirmed by U0BOB`);
    expect(lines(d.effects)).toContain('post C0HERE :sos: ref handoff:12 p0');
    expect(String(d.effects.calls[1]!.args.text)).toMatch(/<!date[^>]*>\.$/);
  });

  it.each<[string, HandoffState['onCall'], string, string]>([
    [
      'nobody is primary',
      { ...ON_CALL, primary: null },
      'U0ALICE',
      'Nobody is primary on *backend* right now; there is nobody to hand off from.',
    ],
    [
      'someone outside the rotation',
      ON_CALL,
      'U0DAN',
      'Only the primary (<@U0ALICE>), members of *backend* (<@U0ALICE>, <@U0BOB>, <@U0CAROL>), the engineering_lead (<@U0LEAD>) or the cto (<@U0CTO>) can make an emergency handoff for *backend*.',
    ],
    [
      'no secondary',
      { ...ON_CALL, secondary: null },
      'U0ALICE',
      '*backend* has no secondary to take over. Set one with `/oncall override backend @who` instead.',
    ],
    ['a rotation not in the policy', null, 'U0ALICE', '*backend* is not a rotation in the policy.'],
  ])('refused: %s', (_what, onCall, by, message) => {
    const d = decide(state({ onCall }), { kind: 'emergency', rotation: 'backend', by, reason: 'x', channel: 'C0HERE' }, NOW);
    expect(d.effects).toEqual({ writes: [], timers: [], calls: [], events: [] });
    expect(d.outcome).toEqual({ ok: false, message });
  });

  it('a member other than the primary may make it for them', () => {
    const d = decide(
      state({ onCall: ON_CALL }),
      { kind: 'emergency', rotation: 'backend', by: 'U0CAROL', reason: '', channel: 'C0HERE' },
      NOW,
    );
    expect(lines(d.effects)[0]).toBe(`override backend primary U0BOB ${at(NOW)}..B+10080m by U0CAROL`);
  });

  it('the first volunteer covers secondary until the shift ends: the override, the row, the message edited, shift.changed', () => {
    const d = decide(state({ handoff: EMERGENCY }), { kind: 'cover', id: 9, by: 'U0CAROL' }, NOW + MINUTE);
    expect(lines(d.effects)).toEqual([
      `override backend secondary U0CAROL ${at(NOW + MINUTE)}..B+10080m by U0CAROL`,
      'update #9 {"coveredBy":"U0CAROL"}',
      'edit handoff:9 p1',
      'event shift.changed backend',
    ]);
    expect(String(d.effects.calls[0]!.args.text)).toMatch(/ \(family emergency\)\. .*:white_check_mark: <@U0CAROL> covers secondary until/);
    expect(d.outcome).toEqual({ ok: true, message: expect.stringMatching(/^You cover backend secondary until <!date\^1768813200\^/) });
  });

  it('the edit of an emergency without a reason shows none', () => {
    const d = decide(
      state({ handoff: { ...EMERGENCY, emergencyReason: 'no reason given' } }),
      { kind: 'cover', id: 9, by: 'U0CAROL' },
      NOW,
    );
    expect(String(d.effects.calls[0]!.args.text)).toMatch(/<@U0ALICE> is off\. <@U0BOB> is primary/);
  });

  it.each<[string, HandoffRow | null, string, string, Policy?]>([
    ['not an emergency handoff', handoff(), 'U0CAROL', 'That button belongs to no emergency handoff.'],
    ['no handoff at all', null, 'U0CAROL', 'That button belongs to no emergency handoff.'],
    ['already covered', { ...EMERGENCY, coveredBy: 'U0CAROL' }, 'U0ALICE', '<@U0CAROL> already covers secondary. Thank you all the same.'],
    ['by who just handed off', EMERGENCY, 'U0ALICE', 'You just handed off: someone else needs to cover.'],
    ['by the new primary', EMERGENCY, 'U0BOB', 'You are primary now: someone else needs to cover secondary.'],
    [
      'by someone outside the rotation',
      EMERGENCY,
      'U0DAN',
      'Only members of *backend* (<@U0ALICE>, <@U0BOB>, <@U0CAROL>), the engineering_lead (<@U0LEAD>) or the cto (<@U0CTO>) can cover *backend* secondary.',
    ],
    [
      'for a rotation gone from the policy, by an admin (the lead)',
      EMERGENCY,
      'U0LEAD',
      '*backend* is no longer a rotation in the policy.',
      { ...POLICY, rotations: {} },
    ],
  ])('cover refused: %s', (_what, h, by, message, p = POLICY) => {
    const d = decide(state({ handoff: h }), { kind: 'cover', id: 9, by }, NOW, p);
    expect(d.effects).toEqual({ writes: [], timers: [], calls: [], events: [] });
    expect(d.outcome).toEqual({ ok: false, message });
  });
});
