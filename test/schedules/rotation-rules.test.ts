/**
 * The edges of the rotation rules that rotation.test.ts's weekly tables do not reach: where the first shift
 * starts when the start date is not the handoff weekday, rotations of one or no members, which override wins
 * a tie, where the rotation's stretch is cut by overrides, and which instants isShiftBoundary accepts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RotationPolicy } from '../../src/config/policy.js';
import {
  isSecondaryOnlyChange,
  isShiftBoundary,
  nextTurnChangeAt,
  overrideAt,
  scheduledMember,
  shiftsBetween,
  shiftStartAt,
  whoIsOnCall,
  type Override,
} from '../../src/schedules/rotation.js';
import { DAY, HOUR, MINUTE } from '../../src/time/clock.js';

function rotation(shift: Partial<RotationPolicy['shift']> = {}, extra: Partial<RotationPolicy> = {}): RotationPolicy {
  return {
    name: 'r',
    members: ['U0A', 'U0B', 'U0C', 'U0D'],
    shift: { everyMs: 7 * DAY, handoffWeekday: 1, handoffTime: '09:00', timezone: 'UTC', start: '2026-01-05', ...shift },
    secondaryOffset: 1,
    secondaryLagDays: 0,
    channel: null,
    alertsChannel: null,
    usergroup: null,
    handoffTemplate: 'default',
    escalation: 'default',
    shadows: [],
    ...extra,
  };
}
const iso = (ms: number) => new Date(ms).toISOString();

describe('where shift 0 starts', () => {
  it.each([
    // [what, every (days), handoff weekday, start date, first shift start]
    ['weekly, start date on the handoff weekday', 7, 1, '2026-01-05', '2026-01-05T09:00:00.000Z'],
    ['weekly, start date a Wednesday, handoff Monday: the Monday after', 7, 1, '2026-01-07', '2026-01-12T09:00:00.000Z'],
    ['weekly, start date a Monday, handoff Sunday: six days on', 7, 0, '2026-01-05', '2026-01-11T09:00:00.000Z'],
    ['weekly, start date a Sunday, handoff Saturday', 7, 6, '2026-01-04', '2026-01-10T09:00:00.000Z'],
    ['fortnightly, start date a Wednesday, handoff Friday', 14, 5, '2026-01-07', '2026-01-09T09:00:00.000Z'],
    ['daily: the start date itself, whatever the handoff weekday', 1, 1, '2026-01-07', '2026-01-07T09:00:00.000Z'],
    ['every 3 days: the start date itself', 3, 5, '2026-01-07', '2026-01-07T09:00:00.000Z'],
    ['every 8 days: the start date itself', 8, 1, '2026-01-07', '2026-01-07T09:00:00.000Z'],
  ])('%s', (_what, days, handoffWeekday, start, expected) => {
    const r = rotation({ everyMs: days * DAY, handoffWeekday, start });
    expect(iso(shiftStartAt(r, 0))).toBe(expected);
    expect(shiftStartAt(r, 1) - shiftStartAt(r, 0)).toBe(days * DAY);
    expect(whoIsOnCall(r, [], shiftStartAt(r, 0)).primary?.userId).toBe('U0A');
  });

  it('refuses a start date that is no date, naming the rotation', () => {
    expect(() => shiftStartAt(rotation({ start: '2026-02-30' }), 0)).toThrow('rotation r: bad start date 2026-02-30');
    expect(() => whoIsOnCall(rotation({ start: 'soon' }), [], Date.UTC(2026, 0, 5))).toThrow('rotation r: bad start date soon');
  });
});

describe('rotations of one or no members', () => {
  it('nobody is scheduled in a rotation without members', () => {
    const r = rotation({}, { members: [] });
    expect(scheduledMember(r, 0, 'primary')).toBeNull();
    expect(scheduledMember(r, 3, 'secondary')).toBeNull();
    expect(whoIsOnCall(r, [], Date.UTC(2026, 0, 7))).toMatchObject({ primary: null, secondary: null });
  });

  it('one member is always primary and there is no secondary', () => {
    const r = rotation({}, { members: ['U0SOLO'] });
    for (const k of [-1, 0, 1, 5]) {
      expect(scheduledMember(r, k, 'primary')).toBe('U0SOLO');
      expect(scheduledMember(r, k, 'secondary')).toBeNull();
    }
    expect(whoIsOnCall(r, [], Date.UTC(2026, 0, 7)).secondary).toBeNull();
  });

  it("two members take turns, each the other one's secondary", () => {
    const r = rotation({}, { members: ['U0A', 'U0B'] });
    expect([0, 1, 2, -1].map((k) => [scheduledMember(r, k, 'primary'), scheduledMember(r, k, 'secondary')])).toEqual([
      ['U0A', 'U0B'],
      ['U0B', 'U0A'],
      ['U0A', 'U0B'],
      ['U0B', 'U0A'],
    ]);
  });

  it('no secondary at all when the offset is none', () => {
    const r = rotation({}, { secondaryOffset: null });
    expect(scheduledMember(r, 0, 'secondary')).toBeNull();
    expect(whoIsOnCall(r, [], Date.UTC(2026, 0, 7)).secondary).toBeNull();
  });
});

describe('overrides', () => {
  const T = Date.UTC(2026, 0, 7, 12); // Wednesday of shift 0: U0A primary, U0B secondary, Mon 5th 09:00 .. Mon 12th 09:00
  const SHIFT_START = Date.UTC(2026, 0, 5, 9);
  const SHIFT_END = Date.UTC(2026, 0, 12, 9);
  const o = (id: number, userId: string, startsAt: number, endsAt: number, extra: Partial<Override> = {}): Override => ({
    id,
    rotation: 'r',
    role: 'primary',
    userId,
    startsAt,
    endsAt,
    reason: 'override',
    createdAt: 100,
    ...extra,
  });

  it('the newest created wins, in whatever order they are listed; on a tie, the higher id', () => {
    const older = o(1, 'U0OLD', T - HOUR, T + HOUR, { createdAt: 50 });
    const newer = o(2, 'U0NEW', T - HOUR, T + HOUR, { createdAt: 60 });
    expect(overrideAt([newer, older], 'primary', T)?.userId).toBe('U0NEW');
    expect(overrideAt([older, newer], 'primary', T)?.userId).toBe('U0NEW');
    const tieLow = o(3, 'U0LOW', T - HOUR, T + HOUR);
    const tieHigh = o(4, 'U0HIGH', T - HOUR, T + HOUR);
    expect(overrideAt([tieHigh, tieLow], 'primary', T)?.userId).toBe('U0HIGH');
    expect(overrideAt([tieLow, tieHigh], 'primary', T)?.userId).toBe('U0HIGH');
  });

  it('covers [startsAt, endsAt): in force from its first instant, gone at its end', () => {
    const cover = o(1, 'U0Z', T, T + HOUR);
    expect(overrideAt([cover], 'primary', T - 1)).toBeNull();
    expect(overrideAt([cover], 'primary', T)?.id).toBe(1);
    expect(overrideAt([cover], 'primary', T + HOUR - 1)?.id).toBe(1);
    expect(overrideAt([cover], 'primary', T + HOUR)).toBeNull();
    expect(overrideAt([cover], 'secondary', T)).toBeNull();
  });

  it.each([
    // [what, overrides, expected since, expected until] for the rotation's primary at T
    ['no overrides: the whole shift', [], SHIFT_START, SHIFT_END],
    ['one that ended earlier in the shift cuts the start', [o(1, 'U0Z', SHIFT_START, T - HOUR)], T - HOUR, SHIFT_END],
    ['one that ends exactly at t: the rotation holds from t', [o(1, 'U0Z', T - HOUR, T)], T, SHIFT_END],
    ['one that starts an instant after t cuts the end', [o(1, 'U0Z', T + 1, T + HOUR)], SHIFT_START, T + 1],
    [
      'the latest end before t and the earliest start after t',
      [
        o(1, 'U0Z', T - 5 * HOUR, T - 4 * HOUR),
        o(2, 'U0Y', T - 3 * HOUR, T - 2 * HOUR),
        o(3, 'U0X', T + 2 * HOUR, T + 3 * HOUR),
        o(4, 'U0W', T + 4 * HOUR, T + 5 * HOUR),
      ],
      T - 2 * HOUR,
      T + 2 * HOUR,
    ],
    [
      'listed the other way round, the same',
      [
        o(4, 'U0W', T + 4 * HOUR, T + 5 * HOUR),
        o(3, 'U0X', T + 2 * HOUR, T + 3 * HOUR),
        o(2, 'U0Y', T - 3 * HOUR, T - 2 * HOUR),
        o(1, 'U0Z', T - 5 * HOUR, T - 4 * HOUR),
      ],
      T - 2 * HOUR,
      T + 2 * HOUR,
    ],
    [
      'ones outside the shift do not reach into it',
      [o(1, 'U0Z', SHIFT_START - DAY, SHIFT_START - HOUR), o(2, 'U0Y', SHIFT_END + HOUR, SHIFT_END + DAY)],
      SHIFT_START,
      SHIFT_END,
    ],
    ['one straddling the shift start cuts at its end', [o(1, 'U0Z', SHIFT_START - DAY, SHIFT_START + HOUR)], SHIFT_START + HOUR, SHIFT_END],
    ['one straddling the shift end cuts at its start', [o(1, 'U0Z', SHIFT_END - HOUR, SHIFT_END + DAY)], SHIFT_START, SHIFT_END - HOUR],
    [
      'overrides of the secondary do not cut the primary',
      [o(1, 'U0Z', SHIFT_START, T - HOUR, { role: 'secondary' }), o(2, 'U0Y', T + HOUR, SHIFT_END, { role: 'secondary' })],
      SHIFT_START,
      SHIFT_END,
    ],
    // An empty override at t (it starts and ends there) is one that ended at t: it cuts the start, never the end.
    ['an empty override at t', [o(1, 'U0Z', T, T)], T, SHIFT_END],
    [
      'overrides of another rotation do not cut it',
      [o(1, 'U0Z', SHIFT_START, T - HOUR, { rotation: 'other' }), o(2, 'U0Y', T + HOUR, SHIFT_END, { rotation: 'other' })],
      SHIFT_START,
      SHIFT_END,
    ],
  ])('%s', (_what, overrides, since, until) => {
    const answer = whoIsOnCall(rotation(), overrides, T);
    expect(answer.primary).toEqual({ userId: 'U0A', since, until, why: { kind: 'rotation' } });
  });

  it('an override of another rotation never takes the role', () => {
    const elsewhere = o(1, 'U0Z', T - HOUR, T + HOUR, { rotation: 'other' });
    expect(whoIsOnCall(rotation(), [elsewhere], T).primary?.userId).toBe('U0A');
  });
});

describe('isShiftBoundary', () => {
  const daily = rotation({ everyMs: DAY, handoffTime: '00:00', start: '2026-01-05' });
  const weekly = rotation({ timezone: 'America/New_York' });

  // [what, shift k, offset from its start, boundary?]; instants are computed in the test, not at collection.
  it.each([
    ['shift 0', 0, 0, true],
    ['shift 10, after the spring change', 10, 0, true],
    ['shift -3, before the start', -3, 0, true],
    ['a millisecond after a start', 10, 1, false],
    ['a minute before a start', 10, -MINUTE, false],
    ['an hour off (the other side of DST)', 10, HOUR, false],
    ['mid-shift', 3, 3 * DAY, false],
  ])('%s: shift %i + %i ms', (_what, k, offset, expected) => {
    expect(isShiftBoundary(weekly, shiftStartAt(weekly, k) + offset)).toBe(expected);
  });

  it.each([
    ['not an integer', 1.5],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['past the safe integers', 2 ** 53],
    ['past the end of Date', 8.64e15],
  ])('%s is no boundary', (_what, t) => {
    expect(isShiftBoundary(daily, t)).toBe(false);
  });

  it('answers from the year 1000 to the year 200000, the range the zone math holds', () => {
    // Midnight UTC starts a shift of the daily 00:00 UTC rotation, so each edge is a boundary when inside.
    const earliest = Date.UTC(1000, 0, 1);
    const latest = Date.UTC(200_000, 0, 1);
    expect(isShiftBoundary(daily, earliest)).toBe(true);
    expect(isShiftBoundary(daily, earliest - DAY)).toBe(false);
    expect(isShiftBoundary(daily, latest)).toBe(true);
    expect(isShiftBoundary(daily, latest + DAY)).toBe(false);
  });

  it('answers for every number, never throws (a form or button can carry anything)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.double(),
          fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
          fc.integer({ min: -9e15, max: 9e15 }),
        ),
        fc.constantFrom(daily, weekly),
        (t, r) => {
          expect(typeof isShiftBoundary(r, t)).toBe('boolean');
        },
      ),
      { seed: 1000, numRuns: 200 },
    );
  });
});

describe('a staggered secondary: seed 003 grown to four engineers on 2-week shifts, the secondary offset by a week', () => {
  // Shift k (two weeks) has members[k] as primary; the secondary hands off one week into it, to members[k + 2].
  const grown = rotation({ everyMs: 14 * DAY }, { secondaryOffset: 2, secondaryLagDays: 7 });
  const week = (n: number, hours = 0) => Date.UTC(2026, 0, 5, 9) + n * 7 * DAY + hours * HOUR;

  it.each([
    // [week of the cycle, primary, secondary, secondary since (week), secondary until (week)]
    [0, 'U0A', 'U0B', -1, 1],
    [1, 'U0A', 'U0C', 1, 3],
    [2, 'U0B', 'U0C', 1, 3],
    [3, 'U0B', 'U0D', 3, 5],
    [4, 'U0C', 'U0D', 3, 5],
    [5, 'U0C', 'U0A', 5, 7],
    [6, 'U0D', 'U0A', 5, 7],
    [7, 'U0D', 'U0B', 7, 9],
    [8, 'U0A', 'U0B', 7, 9],
  ])('week %i: %s primary, %s secondary (from week %i to week %i)', (n, primary, secondary, since, until) => {
    for (const t of [week(n), week(n, 3 * 24), week(n + 1) - MINUTE]) {
      const answer = whoIsOnCall(grown, [], t);
      expect(answer.primary?.userId).toBe(primary);
      expect(answer.secondary).toEqual({ userId: secondary, since: week(since), until: week(until), why: { kind: 'rotation' } });
      expect(answer.primary?.userId).not.toBe(answer.secondary?.userId);
    }
  });

  it('a stretch is the part of a shift in which nobody changes: a week each, the primary carried across two', () => {
    const stretches = shiftsBetween(grown, [], week(0, 12), week(4));
    expect(stretches.map((s) => [iso(s.start), iso(s.end), s.primary?.userId, s.secondary?.userId])).toEqual([
      [iso(week(0)), iso(week(1)), 'U0A', 'U0B'],
      [iso(week(1)), iso(week(2)), 'U0A', 'U0C'],
      [iso(week(2)), iso(week(3)), 'U0B', 'U0C'],
      [iso(week(3)), iso(week(4)), 'U0B', 'U0D'],
    ]);
    expect(stretches.map((s) => [iso(s.shiftStart), iso(s.shiftEnd)])).toEqual([
      [iso(week(0)), iso(week(2))],
      [iso(week(0)), iso(week(2))],
      [iso(week(2)), iso(week(4))],
      [iso(week(2)), iso(week(4))],
    ]);
  });

  it("turns change at every week: the shift's boundary, then the secondary's, and only the latter is secondary-only", () => {
    expect(iso(nextTurnChangeAt(grown, week(0)))).toBe(iso(week(1)));
    expect(iso(nextTurnChangeAt(grown, week(1) - 1))).toBe(iso(week(1)));
    expect(iso(nextTurnChangeAt(grown, week(1)))).toBe(iso(week(2)));
    expect([week(0), week(1), week(2), week(3), week(1) + MINUTE].map((t) => isSecondaryOnlyChange(grown, t))).toEqual([
      false,
      true,
      false,
      true,
      false,
    ]);
    // Unstaggered, the secondary never changes alone.
    const weekly = rotation();
    expect(isSecondaryOnlyChange(weekly, week(1))).toBe(false);
    expect(nextTurnChangeAt(weekly, week(0))).toBe(week(1));
  });

  it('the secondary hands off at the same wall time across DST (New York, 2-week shifts, spring forward in week 1)', () => {
    const ny = rotation(
      { everyMs: 14 * DAY, timezone: 'America/New_York', start: '2026-03-02' },
      { secondaryOffset: 2, secondaryLagDays: 7 },
    );
    // Shift 0 starts Mon 2 March 09:00 EST (14:00 UTC); the secondary hands off Mon 9 March 09:00 EDT (13:00 UTC).
    expect(whoIsOnCall(ny, [], Date.UTC(2026, 2, 9, 13, 30)).secondary).toMatchObject({ userId: 'U0C', since: Date.UTC(2026, 2, 9, 13) });
    expect(whoIsOnCall(ny, [], Date.UTC(2026, 2, 9, 12, 59)).secondary?.userId).toBe('U0B');
  });

  it("an override of the secondary is cut at the secondary's own turn, not the shift's", () => {
    const cover: Override = {
      id: 1,
      rotation: 'r',
      role: 'secondary',
      userId: 'U0X',
      startsAt: week(1, 24),
      endsAt: week(1, 48),
      reason: 'override',
      createdAt: 0,
    };
    expect(whoIsOnCall(grown, [cover], week(1, 72)).secondary).toEqual({
      userId: 'U0C',
      since: week(1, 48),
      until: week(3),
      why: { kind: 'rotation' },
    });
    expect(whoIsOnCall(grown, [cover], week(1, 1)).secondary).toEqual({
      userId: 'U0C',
      since: week(1),
      until: week(1, 24),
      why: { kind: 'rotation' },
    });
  });
});
