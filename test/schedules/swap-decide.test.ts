/**
 * decideSwapCommand, swaps' pure decision, as tables: a request, its answers and its lapse, each as the lines
 * of its Effects (rows, timers, outbox calls, events) and the reply to whoever asked; minute by minute at the
 * expiry (an answer a minute before it, at it, and the expiry timer itself).
 */
import { describe, expect, it } from 'vitest';
import { parsePolicyText } from '../../src/config/policy.js';
import type { Override } from '../../src/schedules/rotation.js';
import { decideSwapCommand, type SwapCommand, type SwapEffects, type SwapState } from '../../src/schedules/swap-decide.js';
import type { SwapRow } from '../../src/schedules/swap-store.js';
import { DAY, HOUR, MINUTE } from '../../src/time/clock.js';

const POLICY = parsePolicyText(
  [
    'rotations:',
    '  backend:',
    '    members: [U0ALICE, U0BOB, U0CAROL, U0DAN]',
    '    shift: { every: 1w, handoff: "mon 09:00", timezone: UTC, start: "2026-01-05" }',
    '    channel: C0BACKEND',
    '  quiet:',
    '    members: [U0ALICE, U0BOB]',
    '    shift: { every: 1w, handoff: "mon 09:00", timezone: UTC, start: "2026-01-05" }',
  ].join('\n'),
  'test.yml',
);
const at = (iso: string) => Date.parse(iso);
/** Tuesday 6 January 2026 12:00 UTC. */
const NOW = at('2026-01-06T12:00:00Z');
const rel = (t: number) => {
  const min = Math.round((t - NOW) / MINUTE);
  return min === 0 ? 'now' : `now${min > 0 ? '+' : '-'}${min}m`;
};
/** Alice's primary shift of 2 February (shift 4), Carol's of 16 February (shift 6) given back. */
const SHIFT = at('2026-02-02T09:00:00Z');
const RETURN = at('2026-02-16T09:00:00Z');
const EXPIRES = NOW + 48 * HOUR;

function row(r: Partial<SwapRow> = {}): SwapRow {
  return {
    id: 5,
    rotation: 'backend',
    role: 'primary',
    requester: 'U0ALICE',
    partner: 'U0CAROL',
    shiftStart: SHIFT,
    shiftEnd: SHIFT + 7 * DAY,
    returnStart: RETURN,
    returnEnd: RETURN + 7 * DAY,
    status: 'pending',
    createdAt: NOW,
    expiresAt: EXPIRES,
    decidedAt: null,
    ...r,
  };
}

const state = (s: Partial<SwapState> = {}): SwapState => ({ swap: row(), overrides: [], nextId: 8, ...s });

function lines(e: SwapEffects): string[] {
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  return [
    ...e.writes.map((w) =>
      w.kind === 'request'
        ? `request #${w.id} ${w.plan.role} ${w.plan.requester}→${w.plan.partner} ${day(w.plan.shiftStart)} back ${w.plan.returnStart === null ? 'none' : day(w.plan.returnStart)} expires ${rel(w.plan.expiresAt)}`
        : w.kind === 'outcome'
          ? `#${w.id} ${w.status}`
          : `override ${w.override.role} ${w.override.userId} ${day(w.override.startsAt)}..${day(w.override.endsAt)} ${w.override.reason}`,
    ),
    ...e.timers.map((t) =>
      t.op === 'set' ? `set ${t.timer.kind} ${rel(t.timer.dueAt)} ${t.timer.subject}` : `cancel ${t.subject} ${t.kind}`,
    ),
    ...e.calls.map((c) =>
      c.method === 'chat.update'
        ? `edit ${c.targetRef} p${c.priority}`
        : `post ${String(c.args.channel)}${c.ref ? ` ref ${c.ref}` : ''} p${c.priority}`,
    ),
    ...e.events.map((ev) => `event ${ev.type} ${ev.rotation}`),
  ];
}

const request = (over: Partial<Extract<SwapCommand, { kind: 'request' }>> = {}): SwapCommand => ({
  kind: 'request',
  rotation: 'backend',
  requester: 'U0ALICE',
  partner: 'U0CAROL',
  date: at('2026-02-03T00:00:00Z'),
  ...over,
});
const answer = (by: string, a: 'accepted' | 'declined' = 'accepted'): SwapCommand => ({ kind: 'answer', id: 5, by, answer: a });

describe('decideSwapCommand', () => {
  it.each<[string, SwapState, SwapCommand, number, string[], string | RegExp | null]>([
    // The request.
    [
      'a request: written with the reserved id, its expiry set at 48 h, the partner asked by DM',
      state({ swap: null }),
      request(),
      NOW,
      [
        'request #8 primary U0ALICE→U0CAROL 2026-02-02 back 2026-02-16 expires now+2880m',
        'set schedule.swap_expiry now+2880m swap:8',
        'post U0CAROL ref swap:8 p1',
      ],
      /^Swap request #8 sent to <@U0CAROL>: <@U0CAROL> takes <@U0ALICE>'s primary shift on \*backend\* .* Nothing changes until they accept \(by <!date\^/,
    ],
    [
      'a request to swap with oneself: refused (planSwap says why)',
      state({ swap: null }),
      request({ partner: 'U0ALICE' }),
      NOW,
      [],
      /^You cannot swap with yourself/,
    ],
    [
      'a request for a shift starting in an hour: it lapses when the shift starts',
      state({ swap: null }),
      request({ date: at('2026-01-19T10:00:00Z'), requester: 'U0CAROL', partner: 'U0ALICE' }),
      at('2026-01-19T08:00:00Z'),
      [
        // 19 January 09:00 is 18,540 min after NOW (6 January 12:00): an hour after this command, at the shift's start.
        'request #8 primary U0CAROL→U0ALICE 2026-01-19 back 2026-02-02 expires now+18540m',
        'set schedule.swap_expiry now+18540m swap:8',
        'post U0ALICE ref swap:8 p1',
      ],
      /^Swap request #8 sent to <@U0ALICE>/,
    ],
    [
      'a request planned on the overrides: the partner already covers the other role then',
      state({
        swap: null,
        overrides: [
          {
            id: 1,
            rotation: 'backend',
            role: 'secondary',
            userId: 'U0CAROL',
            startsAt: SHIFT,
            endsAt: SHIFT + DAY,
            reason: 'override',
            createdAt: 1,
          } satisfies Override,
        ],
      }),
      request(),
      NOW,
      [],
      /^<@U0CAROL> is already secondary in that shift; pick someone who is free then\.\nUsage: `\/oncall swap/,
    ],
    [
      'a request in a rotation gone from the policy',
      state({ swap: null }),
      request({ rotation: 'gone' }),
      NOW,
      [],
      /^There is no rotation `gone`\.\nUsage/,
    ],
    // The answers.
    [
      'accepted: both overrides, the request closed, the channel and the requester told, shift.changed',
      state(),
      answer('U0CAROL'),
      NOW + HOUR,
      [
        '#5 accepted',
        'override primary U0CAROL 2026-02-02..2026-02-09 swap',
        'override primary U0ALICE 2026-02-16..2026-02-23 swap',
        'cancel swap:5 schedule.swap_expiry',
        'edit swap:5 p2',
        'post C0BACKEND p1',
        'post U0ALICE p1',
        'event shift.changed backend',
      ],
      null,
    ],
    [
      'accepted, a one-way cover in a rotation without a channel: one override, only the requester told',
      state({ swap: row({ rotation: 'quiet', returnStart: null, returnEnd: null }) }),
      answer('U0CAROL'),
      NOW + HOUR,
      [
        '#5 accepted',
        'override primary U0CAROL 2026-02-02..2026-02-09 swap',
        'cancel swap:5 schedule.swap_expiry',
        'edit swap:5 p2',
        'post U0ALICE p1',
        'event shift.changed quiet',
      ],
      null,
    ],
    [
      'declined: the request closed, the requester told, the schedule unchanged',
      state(),
      answer('U0CAROL', 'declined'),
      NOW + HOUR,
      ['#5 declined', 'cancel swap:5 schedule.swap_expiry', 'edit swap:5 p2', 'post U0ALICE p1'],
      null,
    ],
    [
      'answered a minute before it lapses: still counts',
      state(),
      answer('U0CAROL', 'declined'),
      EXPIRES - MINUTE,
      ['#5 declined', 'cancel swap:5 schedule.swap_expiry', 'edit swap:5 p2', 'post U0ALICE p1'],
      null,
    ],
    [
      'answered at the minute it lapses (before its timer fired): expired, closed, the partner told to ask again',
      state(),
      answer('U0CAROL'),
      EXPIRES,
      ['#5 expired', 'cancel swap:5 schedule.swap_expiry', 'edit swap:5 p2'],
      'Swap request #5 had expired; ask <@U0ALICE> to propose it again.',
    ],
    [
      'answered by someone else: refused',
      state(),
      answer('U0BOB'),
      NOW,
      [],
      'Only <@U0CAROL> can answer swap request #5; it was sent to them.',
    ],
    [
      'answered twice: refused',
      state({ swap: row({ status: 'declined' }) }),
      answer('U0CAROL'),
      NOW,
      [],
      'Swap request #5 was already declined.',
    ],
    ['answered when gone: refused', state({ swap: null }), answer('U0CAROL'), NOW, [], 'Swap request #5 does not exist any more.'],
    // The lapse.
    [
      'the expiry timer: expired, closed, the requester told',
      state(),
      { kind: 'expire', id: 5 },
      EXPIRES,
      ['#5 expired', 'cancel swap:5 schedule.swap_expiry', 'edit swap:5 p2', 'post U0ALICE p1'],
      null,
    ],
    [
      'the expiry timer of a request already answered: nothing',
      state({ swap: row({ status: 'accepted' }) }),
      { kind: 'expire', id: 5 },
      EXPIRES,
      [],
      null,
    ],
    ['the expiry timer of a request gone: nothing', state({ swap: null }), { kind: 'expire', id: 5 }, EXPIRES, [], null],
  ])('%s', (_what, s, command, now, expected, reply) => {
    const d = decideSwapCommand(s, command, POLICY, now);
    expect(lines(d.effects)).toEqual(expected);
    if (reply instanceof RegExp) expect(d.reply).toMatch(reply);
    else expect(d.reply).toBe(reply);
  });

  it('the texts: the partner is asked with buttons, the agreed swap is said in the channel, the edit says the outcome', () => {
    const asked = decideSwapCommand(state({ swap: null }), request(), POLICY, NOW).effects.calls[0]!;
    expect(String(asked.args.text)).toMatch(/^Swap request #8 from <@U0ALICE>: <@U0CAROL> takes <@U0ALICE>'s primary shift/);
    expect(JSON.stringify(asked.args.blocks)).toContain('"action_id":"oncall.swap.accept"');
    const accepted = decideSwapCommand(state(), answer('U0CAROL'), POLICY, NOW).effects.calls;
    expect(String(accepted[0]!.args.text)).toMatch(/^Swap request #5: accepted by <@U0CAROL> at <!date\^.*; the schedule is changed\.$/);
    expect(String(accepted[1]!.args.text)).toMatch(/^:repeat: Swap agreed: <@U0CAROL> takes <@U0ALICE>'s primary shift .* in return\.$/);
    expect(String(accepted[2]!.args.text)).toMatch(/^<@U0CAROL> accepted your swap request #5\. :repeat: Swap agreed: /);
    const lapsed = decideSwapCommand(state(), { kind: 'expire', id: 5 }, POLICY, EXPIRES).effects.calls;
    expect(String(lapsed[1]!.args.text)).toBe('Your swap request #5 to <@U0CAROL> expired unanswered; the schedule is unchanged.');
  });
});
