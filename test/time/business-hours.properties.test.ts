/**
 * Properties of business-hours math over generated hours (zone, days, start, end, including hours that
 * straddle a DST change) and instants. Seeded, so a failure reproduces.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addBusinessDays,
  addBusinessDuration,
  businessTimeBetween,
  isBusinessTime,
  nextBusinessStart,
  type BusinessHours,
} from '../../src/time/business-hours.js';
import { DAY, HOUR, MINUTE } from '../../src/time/clock.js';
import { instantToWallTime } from '../../src/time/zoned.js';

const RUNS = { seed: 4242, numRuns: 80 };
const ZONES = ['UTC', 'America/New_York', 'Europe/London', 'Australia/Sydney', 'Asia/Kolkata', 'America/St_Johns'];
const two = (n: number) => String(n).padStart(2, '0');

const hoursArb: fc.Arbitrary<BusinessHours> = fc
  .record({
    zone: fc.constantFrom(...ZONES),
    days: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }),
    // Minutes of the day; end after start, "24:00" possible.
    a: fc.integer({ min: 0, max: 24 * 4 }),
    b: fc.integer({ min: 0, max: 24 * 4 }),
  })
  .filter(({ a, b }) => a !== b)
  .map(({ zone, days, a, b }) => {
    const [s, e] = a < b ? [a * 15, b * 15] : [b * 15, a * 15];
    const text = (min: number) => `${two(Math.floor(min / 60))}:${two(min % 60)}`;
    return { zone, days, start: text(s), end: text(e) };
  });

const instantArb = fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2027, 11, 31) });
const durationArb = fc.integer({ min: 0, max: 30 * HOUR });

describe('business-hours properties', () => {
  it('addBusinessDuration never goes back, and ends inside business time (or at a window close)', () => {
    fc.assert(
      fc.property(hoursArb, instantArb, durationArb, (bh, ms, d) => {
        const end = addBusinessDuration(bh, ms, d);
        expect(end).toBeGreaterThanOrEqual(ms + d);
        if (d === 0) expect(end).toBe(ms);
        else expect(isBusinessTime(bh, end - 1)).toBe(true);
      }),
      RUNS,
    );
  });

  it('addBusinessDuration is monotone in the duration and in the start', () => {
    fc.assert(
      fc.property(hoursArb, instantArb, durationArb, durationArb, fc.integer({ min: 0, max: 3 * DAY }), (bh, ms, d1, d2, shift) => {
        const [short, long] = d1 <= d2 ? [d1, d2] : [d2, d1];
        expect(addBusinessDuration(bh, ms, short)).toBeLessThanOrEqual(addBusinessDuration(bh, ms, long));
        expect(addBusinessDuration(bh, ms, short)).toBeLessThanOrEqual(addBusinessDuration(bh, ms + shift, short));
        if (short < long) expect(addBusinessDuration(bh, ms, short)).toBeLessThan(addBusinessDuration(bh, ms, long));
      }),
      RUNS,
    );
  });

  it('businessTimeBetween undoes addBusinessDuration, and adding in two parts is adding once', () => {
    fc.assert(
      fc.property(hoursArb, instantArb, durationArb, durationArb, (bh, ms, d1, d2) => {
        const mid = addBusinessDuration(bh, ms, d1);
        expect(businessTimeBetween(bh, ms, mid)).toBe(d1);
        // From a window close the next part starts at the next opening, same as going on in one go.
        expect(addBusinessDuration(bh, mid, d2)).toBe(d2 === 0 ? mid : addBusinessDuration(bh, ms, d1 + d2));
      }),
      RUNS,
    );
  });

  it('businessTimeBetween is additive, antisymmetric, never more than the elapsed time', () => {
    fc.assert(
      fc.property(hoursArb, instantArb, fc.integer({ min: 0, max: 10 * DAY }), fc.integer({ min: 0, max: 10 * DAY }), (bh, a, x, y) => {
        const b = a + x;
        const c = b + y;
        const ab = businessTimeBetween(bh, a, b);
        expect(ab).toBeGreaterThanOrEqual(0);
        expect(ab).toBeLessThanOrEqual(x);
        expect(businessTimeBetween(bh, b, a)).toBe(-ab);
        expect(businessTimeBetween(bh, a, c)).toBe(ab + businessTimeBetween(bh, b, c));
      }),
      RUNS,
    );
  });

  it('nextBusinessStart is the first business instant at or after ms: no business time lies before it', () => {
    fc.assert(
      fc.property(hoursArb, instantArb, (bh, ms) => {
        const next = nextBusinessStart(bh, ms);
        expect(next).toBeGreaterThanOrEqual(ms);
        expect(isBusinessTime(bh, next)).toBe(true);
        expect(businessTimeBetween(bh, ms, next)).toBe(0);
        expect(next === ms).toBe(isBusinessTime(bh, ms));
        expect(nextBusinessStart(bh, next)).toBe(next);
        if (next > ms) expect(isBusinessTime(bh, next - 1)).toBe(false);
      }),
      RUNS,
    );
  });

  it('addBusinessDays: 0 days is the next business start, and each further day lands later, on a business day', () => {
    fc.assert(
      fc.property(hoursArb, instantArb, fc.integer({ min: 0, max: 6 }), (bh, ms, n) => {
        expect(addBusinessDays(bh, ms, 0)).toBe(nextBusinessStart(bh, ms));
        const a = addBusinessDays(bh, ms, n);
        const b = addBusinessDays(bh, ms, n + 1);
        expect(b).toBeGreaterThan(a);
        // A whole calendar day or more later (less an hour for a DST change), at most two weeks.
        expect(b - a).toBeGreaterThanOrEqual(DAY - HOUR);
        expect(b - a).toBeLessThanOrEqual(7 * DAY + HOUR);
      }),
      RUNS,
    );
  });

  it('with the usual Mon-Fri 09:00-18:00, addBusinessDuration ends on a weekday after 09:00 and no later than 18:00, local time', () => {
    const weekdays = fc
      .constantFrom(...ZONES)
      .map((zone): BusinessHours => ({ zone, days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' }));
    fc.assert(
      fc.property(weekdays, instantArb, fc.integer({ min: 1, max: 100 * HOUR }), (bh, ms, d) => {
        const end = addBusinessDuration(bh, ms, d);
        const wall = instantToWallTime(bh.zone, end);
        // Every zone here is offset by whole minutes, so the part of a minute is the instant's own.
        const minuteOfDay = wall.hour * 60 + wall.minute + (end % MINUTE) / MINUTE;
        expect(wall.weekday).toBeGreaterThanOrEqual(1);
        expect(wall.weekday).toBeLessThanOrEqual(5);
        expect(minuteOfDay).toBeGreaterThan(9 * 60);
        expect(minuteOfDay).toBeLessThanOrEqual(18 * 60);
        // 45 business hours a week: every full 45 h of duration takes a full week.
        expect(end - ms).toBeGreaterThanOrEqual(Math.floor(d / (45 * HOUR)) * 7 * DAY - HOUR);
      }),
      RUNS,
    );
  });
});
