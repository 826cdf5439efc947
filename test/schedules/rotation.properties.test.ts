/**
 * Properties of the rotation rules over generated rotations (any zone, shift length, handoff time and start)
 * and instants: one primary at every instant, shifts that tile time, the secondary next in line.
 * Seeded, so a failure reproduces; a few hundred cases, well under a second each.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RotationPolicy } from '../../src/config/policy.js';
import {
  isShiftBoundary,
  overrideAt,
  roleShiftIndexAt,
  roleShiftStartAt,
  scheduledMember,
  shiftIndexAt,
  shiftsBetween,
  shiftStartAt,
  whoIsOnCall,
  type Override,
} from '../../src/schedules/rotation.js';
import { DAY, HOUR } from '../../src/time/clock.js';

const RUNS = { seed: 20260105, numRuns: 100 };

const ZONES = [
  'UTC',
  'America/New_York',
  'Europe/London',
  'Australia/Sydney',
  'Asia/Kolkata',
  'America/St_Johns',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
];
const two = (n: number) => String(n).padStart(2, '0');

const rotationArb: fc.Arbitrary<RotationPolicy> = fc
  .record({
    n: fc.integer({ min: 1, max: 6 }),
    days: fc.constantFrom(1, 2, 3, 7, 14),
    handoffWeekday: fc.integer({ min: 0, max: 6 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.constantFrom(0, 15, 30, 59),
    zone: fc.constantFrom(...ZONES),
    startDay: fc.integer({ min: 0, max: 3 * 365 }),
    secondaryOffset: fc.option(fc.integer({ min: 1, max: 7 }), { nil: null }),
    /** A fraction of the shift after which a staggered secondary hands off (0: with the primary). */
    lagShare: fc.constantFrom(0, 0, 0.3, 0.5, 0.9),
  })
  .map(({ n, days, handoffWeekday, hour, minute, zone, startDay, secondaryOffset, lagShare }) => {
    const start = new Date(Date.UTC(2025, 0, 1) + startDay * DAY).toISOString().slice(0, 10);
    return {
      name: 'r',
      members: Array.from({ length: n }, (_, i) => `U0M${i}`),
      shift: { everyMs: days * DAY, handoffWeekday, handoffTime: `${two(hour)}:${two(minute)}`, timezone: zone, start },
      secondaryOffset,
      secondaryLagDays: Math.floor(days * lagShare),
      channel: null,
      alertsChannel: null,
      usergroup: null,
      handoffTemplate: 'default',
      escalation: 'default',
      shadows: [],
    };
  });

/** 2024-01-01 .. 2028-12-31, to the millisecond. */
const instantArb = fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2028, 11, 31) });

describe('rotation properties', () => {
  it('at every instant exactly one member is primary: the shift index mod the member count', () => {
    fc.assert(
      fc.property(rotationArb, instantArb, (r, t) => {
        const answer = whoIsOnCall(r, [], t);
        const n = r.members.length;
        expect(answer.primary?.userId).toBe(r.members[((answer.shiftIndex % n) + n) % n]);
        expect(answer.primary?.why).toEqual({ kind: 'rotation' });
        expect(answer.primary?.since).toBe(answer.shiftStart);
        expect(answer.primary?.until).toBe(answer.shiftEnd);
      }),
      RUNS,
    );
  });

  it('the shift holding t starts at or before t and ends after it, on a boundary, a whole number of days (give or take DST) long', () => {
    fc.assert(
      fc.property(rotationArb, instantArb, (r, t) => {
        const k = shiftIndexAt(r, t);
        const start = shiftStartAt(r, k);
        const end = shiftStartAt(r, k + 1);
        expect(start).toBeLessThanOrEqual(t);
        expect(end).toBeGreaterThan(t);
        expect(isShiftBoundary(r, start)).toBe(true);
        expect(isShiftBoundary(r, end)).toBe(true);
        expect(Math.abs(end - start - r.shift.everyMs)).toBeLessThanOrEqual(HOUR);
        if (t !== start) expect(isShiftBoundary(r, t)).toBe(false);
        expect(shiftIndexAt(r, start)).toBe(k);
        expect(shiftIndexAt(r, start - 1)).toBe(k - 1);
      }),
      RUNS,
    );
  });

  it('with two or more members the secondary is another member, next in line by the offset (unless the offset is a whole lap)', () => {
    fc.assert(
      fc.property(rotationArb, instantArb, (r, t) => {
        const { primary, secondary } = whoIsOnCall(r, [], t);
        const n = r.members.length;
        if (r.secondaryOffset === null || n < 2) {
          expect(secondary).toBeNull();
          return;
        }
        // The secondary's own stint: the shift's, or one that starts `secondaryLagDays` later (staggered).
        const j = roleShiftIndexAt(r, 'secondary', t);
        expect(secondary?.userId).toBe(r.members[(((j + r.secondaryOffset) % n) + n) % n]);
        expect(secondary?.since).toBe(roleShiftStartAt(r, 'secondary', j));
        expect(secondary?.until).toBe(roleShiftStartAt(r, 'secondary', j + 1));
        // A staggered stint spans two primaries, so the offset must skip both (the policy loader insists).
        const clashes = r.secondaryLagDays > 0 ? [0, 1] : [0];
        if (!clashes.includes(r.secondaryOffset % n)) expect(secondary?.userId).not.toBe(primary?.userId);
      }),
      RUNS,
    );
  });

  it('the shifts between two instants tile them: each ends where the next starts, the first holds `from`, the last reaches `to`', () => {
    fc.assert(
      fc.property(rotationArb, instantArb, fc.integer({ min: 1, max: 20 * DAY }), (r, from, span) => {
        const to = from + span;
        const shifts = shiftsBetween(r, [], from, to);
        expect(shifts.length).toBeGreaterThan(0);
        expect(shifts[0]!.start).toBeLessThanOrEqual(from);
        expect(shifts.at(-1)!.end).toBeGreaterThanOrEqual(to);
        shifts.forEach((s, i) => {
          if (i > 0) expect(s.start).toBe(shifts[i - 1]!.end);
          expect(s.start).toBeLessThan(to);
          expect(s.end).toBeGreaterThan(from);
          // A stretch lies inside one shift and inside one secondary stint: nobody changes within it.
          expect(s.shiftStart).toBeLessThanOrEqual(s.start);
          expect(s.shiftEnd).toBeGreaterThanOrEqual(s.end);
          if (s.secondary) expect([s.secondary.since <= s.start, s.secondary.until >= s.end]).toEqual([true, true]);
          // Unstaggered, a stretch is exactly a shift.
          if (r.secondaryLagDays === 0 || r.secondaryOffset === null) expect([s.start, s.end]).toEqual([s.shiftStart, s.shiftEnd]);
        });
      }),
      RUNS,
    );
  });

  it('an override in force takes the role; outside it the rotation holds it, cut at the override edges', () => {
    const overrideArb = fc.record({
      id: fc.integer({ min: 1, max: 5 }),
      role: fc.constantFrom<'primary' | 'secondary'>('primary', 'secondary'),
      userId: fc.constantFrom('U0X', 'U0Y', 'U0Z'),
      startOffset: fc.integer({ min: -10 * DAY, max: 10 * DAY }),
      length: fc.integer({ min: 1, max: 10 * DAY }),
      createdAt: fc.integer({ min: 0, max: 3 }),
    });
    fc.assert(
      fc.property(rotationArb, instantArb, fc.array(overrideArb, { maxLength: 4 }), (r, t, raw) => {
        const overrides: Override[] = raw.map((o, i) => ({
          id: i + 1,
          rotation: 'r',
          role: o.role,
          userId: o.userId,
          startsAt: t + o.startOffset,
          endsAt: t + o.startOffset + o.length,
          reason: 'override',
          createdAt: o.createdAt,
        }));
        const answer = whoIsOnCall(r, overrides, t);
        for (const role of ['primary', 'secondary'] as const) {
          const active = overrideAt(overrides, role, t);
          const got = answer[role];
          if (active) {
            expect(active.startsAt).toBeLessThanOrEqual(t);
            expect(active.endsAt).toBeGreaterThan(t);
            // The newest of those covering t.
            for (const o of overrides) {
              if (o.role === role && o.startsAt <= t && o.endsAt > t)
                expect(o.createdAt < active.createdAt || (o.createdAt === active.createdAt && o.id <= active.id)).toBe(true);
            }
            expect(got).toEqual({
              userId: active.userId,
              since: active.startsAt,
              until: active.endsAt,
              why: { kind: 'override', overrideId: active.id },
            });
          } else if (got) {
            expect(got.why).toEqual({ kind: 'rotation' });
            expect(got.since).toBeLessThanOrEqual(t);
            expect(got.until).toBeGreaterThan(t);
            const stint = roleShiftIndexAt(r, role, t);
            expect(got.since).toBeGreaterThanOrEqual(roleShiftStartAt(r, role, stint));
            expect(got.until).toBeLessThanOrEqual(roleShiftStartAt(r, role, stint + 1));
            // No override of this role lies inside the rotation's stretch [since, until).
            for (const o of overrides) {
              if (o.role === role) expect(o.endsAt <= got.since || o.startsAt >= got.until).toBe(true);
            }
          }
        }
      }),
      RUNS,
    );
  });
});

describe('the override index', () => {
  /** The rule as first written: scan every override of the rotation (the index must answer the same). */
  function byScan(r: RotationPolicy, overrides: readonly Override[], role: 'primary' | 'secondary', t: number) {
    const mine = overrides.filter((o) => o.rotation === r.name && o.role === role);
    const active = overrideAt(mine, role, t);
    if (active)
      return { userId: active.userId, since: active.startsAt, until: active.endsAt, why: { kind: active.reason, overrideId: active.id } };
    const k = roleShiftIndexAt(r, role, t);
    const userId = scheduledMember(r, k, role);
    if (!userId) return null;
    let since = roleShiftStartAt(r, role, k);
    let until = roleShiftStartAt(r, role, k + 1);
    for (const o of mine) {
      if (o.endsAt <= t && o.endsAt > since) since = o.endsAt;
      if (o.startsAt > t && o.startsAt < until) until = o.startsAt;
    }
    return { userId, since, until, why: { kind: 'rotation' } };
  }

  it('answers as a scan of every override does, with many of them, long and short, in several rotations', () => {
    const overrideArb = fc.record({
      rotation: fc.constantFrom('r', 'other'),
      role: fc.constantFrom<'primary' | 'secondary'>('primary', 'secondary'),
      userId: fc.constantFrom('U0X', 'U0Y', 'U0Z'),
      startOffset: fc.integer({ min: -60 * DAY, max: 60 * DAY }),
      length: fc.oneof(fc.integer({ min: 1, max: 6 * HOUR }), fc.integer({ min: 1, max: 40 * DAY })),
      createdAt: fc.integer({ min: 0, max: 20 }),
    });
    fc.assert(
      fc.property(
        rotationArb,
        instantArb,
        fc.array(overrideArb, { maxLength: 60 }),
        fc.array(fc.integer({ min: -30 * DAY, max: 30 * DAY }), { minLength: 1, maxLength: 5 }),
        (r, t0, raw, probes) => {
          const overrides: Override[] = raw.map((o, i) => ({
            id: i + 1,
            rotation: o.rotation,
            role: o.role,
            userId: o.userId,
            startsAt: t0 + o.startOffset,
            endsAt: t0 + o.startOffset + o.length,
            reason: 'override',
            createdAt: o.createdAt,
          }));
          // One list asked many times (as a page step asks it per role): the index is built once and reused.
          for (const dt of probes) {
            const answer = whoIsOnCall(r, overrides, t0 + dt);
            expect(answer.primary).toEqual(byScan(r, overrides, 'primary', t0 + dt));
            expect(answer.secondary).toEqual(byScan(r, overrides, 'secondary', t0 + dt));
          }
        },
      ),
      RUNS,
    );
  });
});
