/**
 * Properties of decideEscalation over generated chains, positions, on-call states and late timers: the next
 * step is never due before this one, and never depends on how late the timer fired; steps are skipped in
 * order; a chain walked from the start notifies each non-empty step once per loop, then ends.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SeverityEscalation } from '../../src/config/policy.js';
import { pageTargetOf, pageTargetText } from '../../src/config/policy-target.js';
import { decideEscalation, resolveTarget, type EscalationInput, type OnCallNow } from '../../src/paging/escalation.js';
import type { BusinessHours } from '../../src/time/business-hours.js';
import { DAY, HOUR, MINUTE } from '../../src/time/clock.js';

const RUNS = { seed: 15, numRuns: 150 };
const HOURS: BusinessHours = { zone: 'America/New_York', days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' };
const PEOPLE = { engineering_lead: 'U0LEAD' };

const chainArb = (quietAtNight: boolean): fc.Arbitrary<SeverityEscalation> =>
  fc.record({
    loops: fc.integer({ min: 1, max: 3 }),
    chatOnly: fc.boolean(),
    quietAtNight: fc.constant(quietAtNight),
    task: fc.constant(false),
    repeatAfterMs: fc.constantFrom(null, 1 * MINUTE, 20 * MINUTE),
    steps: fc.array(
      fc.record({
        afterMs: fc.constantFrom(0, 1, 5, 15, 30, 90).map((m) => m * MINUTE),
        target: fc
          .constantFrom('primary', 'secondary', 'engineering_lead', 'nobody_role', 'U0USER', 'S0GROUP')
          .map((page) => pageTargetOf(page, {})),
        via: fc.constant(null),
        businessHours: fc.boolean(),
      }),
      { minLength: 1, maxLength: 5 },
    ),
  });

const onCallArb: fc.Arbitrary<OnCallNow> = fc.record({
  primary: fc.option(fc.constant('U0PRI'), { nil: null }),
  secondary: fc.option(fc.constant('U0SEC'), { nil: null }),
});
const instantArb = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2026, 11, 31) });

/** A chain, a valid position in it, when the step was due and how late its timer fired. */
const inputArb = (quietAtNight: boolean) =>
  chainArb(quietAtNight).chain((chain) =>
    fc.record({
      chain: fc.constant(chain),
      stepIndex: fc.integer({ min: 0, max: chain.steps.length - 1 }),
      loop: fc.integer({ min: 0, max: chain.loops - 1 }),
      dueAt: instantArb,
      lateBy: fc.integer({ min: 0, max: 2 * DAY }),
      otherLateBy: fc.integer({ min: 0, max: 2 * DAY }),
      onCall: onCallArb,
    }),
  );

const order = (p: { stepIndex: number; loop: number }, steps: number) => p.loop * steps + p.stepIndex;

describe('escalation properties', () => {
  it('the next step is due no earlier than this one, and the same however late the timer fired', () => {
    fc.assert(
      fc.property(inputArb(false), ({ lateBy, otherLateBy, ...rest }) => {
        const base: EscalationInput = { ...rest, now: rest.dueAt + lateBy, people: PEOPLE, businessHours: HOURS };
        const d = decideEscalation(base);
        expect(decideEscalation({ ...base, now: rest.dueAt + otherLateBy })).toEqual(d);
        expect(d.kind).not.toBe('defer');
        if (d.kind === 'notify') expect(d.next.dueAt).toBeGreaterThanOrEqual(rest.dueAt);
      }),
      RUNS,
    );
  });

  it('notifies the first step at or after the position that has anybody, having skipped exactly the ones before it', () => {
    fc.assert(
      fc.property(inputArb(false), ({ lateBy, otherLateBy: _, ...rest }) => {
        const d = decideEscalation({ ...rest, now: rest.dueAt + lateBy, people: PEOPLE, businessHours: HOURS });
        const n = rest.chain.steps.length;
        const start = order(rest, n);
        const hasAnybody = (i: number) => {
          const t = resolveTarget(rest.chain.steps[i % n]!.target, rest.onCall, PEOPLE);
          return t.users.length + t.groups.length > 0;
        };
        const total = n * rest.chain.loops;
        let first = start;
        while (first < total && !hasAnybody(first)) first += 1;
        const skipped = d.kind === 'defer' ? [] : d.skipped.map((p) => order(p, n));
        expect(skipped).toEqual(Array.from({ length: first - start }, (_, i) => start + i));
        if (first === total) {
          expect(d.kind).toBe('exhausted');
          return;
        }
        expect(d.kind).toBe('notify');
        if (d.kind !== 'notify') return;
        expect(order(d.position, n)).toBe(first);
        expect(d.target).toEqual(rest.chain.steps[first % n]!.target);
        expect(d.users.length + d.groups.length).toBeGreaterThan(0);
        if (first + 1 < total)
          expect(d.next).toMatchObject({ kind: 'step', position: { stepIndex: (first + 1) % n, loop: Math.floor((first + 1) / n) } });
        else expect(d.next.kind).toBe('exhaust');
      }),
      RUNS,
    );
  });

  it('walked from the start, a chain with everybody there notifies every step once per loop, then is exhausted', () => {
    fc.assert(
      fc.property(chainArb(false), instantArb, fc.integer({ min: 0, max: 10 * MINUTE }), (chain, t0, late) => {
        const onCall = { primary: 'U0PRI', secondary: 'U0SEC' };
        const people = { engineering_lead: 'U0LEAD', nobody_role: 'U0NOBODY' };
        let position = { stepIndex: 0, loop: 0 };
        let dueAt = t0;
        const notified: string[] = [];
        for (let guard = 0; guard < 100; guard += 1) {
          const d = decideEscalation({ chain, ...position, dueAt, now: dueAt + late, onCall, people, businessHours: HOURS });
          if (d.kind !== 'notify') throw new Error(`unexpected ${d.kind}`);
          expect(d.skipped).toEqual([]);
          notified.push(pageTargetText(d.target));
          expect(d.next.dueAt).toBeGreaterThanOrEqual(dueAt);
          if (d.next.kind === 'exhaust') break;
          position = d.next.position;
          dueAt = d.next.dueAt;
        }
        expect(notified).toEqual(Array.from({ length: chain.loops }, () => chain.steps.map((s) => pageTargetText(s.target))).flat());
      }),
      RUNS,
    );
  });

  it('a quiet chain never notifies outside business hours, and defers to the next opening', () => {
    fc.assert(
      fc.property(inputArb(true), ({ lateBy, otherLateBy: _, ...rest }) => {
        const now = rest.dueAt + lateBy;
        const d = decideEscalation({ ...rest, now, people: PEOPLE, businessHours: HOURS });
        const wall = new Intl.DateTimeFormat('en-US', {
          timeZone: HOURS.zone,
          weekday: 'short',
          hour: 'numeric',
          hourCycle: 'h23',
        }).formatToParts(now);
        const weekday = wall.find((p) => p.type === 'weekday')!.value;
        const hour = Number(wall.find((p) => p.type === 'hour')!.value);
        const open = !['Sat', 'Sun'].includes(weekday) && hour >= 9 && hour < 18;
        expect(d.kind === 'defer').toBe(!open);
        if (d.kind === 'defer') {
          expect(d.until).toBeGreaterThan(now);
          expect(d.until - now).toBeLessThanOrEqual(3 * DAY + 15 * HOUR);
        }
      }),
      RUNS,
    );
  });
});
