import { describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../../src/time/clock.js';
import {
  addCalendarDays,
  addDaysToDate,
  formatInZone,
  instantToWallTime,
  isValidTimeZone,
  parseDate,
  wallTimeToInstant,
  zoneOffset,
  type WallTime,
} from '../../src/time/zoned.js';

const at = (iso: string) => Date.parse(iso);
const NY = 'America/New_York';
const LON = 'Europe/London';
const SYD = 'Australia/Sydney';

/** "2026-03-08 02:30" -> wall fields. */
function wall(text: string): WallTime {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})$/.exec(text);
  if (!m) throw new Error(`bad wall ${text}`);
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour: Number(m[4]), minute: Number(m[5]) };
}

describe('wallTimeToInstant: ordinary and DST days in three zones', () => {
  // [zone, wall time, expected UTC, why]
  it.each([
    [NY, '2026-01-05 09:00', '2026-01-05T14:00:00Z', 'winter, EST -5'],
    [NY, '2026-07-06 09:00', '2026-07-06T13:00:00Z', 'summer, EDT -4'],
    // Spring forward 2026-03-08: 02:00 EST -> 03:00 EDT; 02:00-02:59 never shows.
    [NY, '2026-03-08 01:59', '2026-03-08T06:59:00Z', 'last minute before the gap'],
    [NY, '2026-03-08 02:00', '2026-03-08T07:00:00Z', 'gap start -> 03:00 EDT'],
    [NY, '2026-03-08 02:30', '2026-03-08T07:30:00Z', 'in the gap -> 03:30 EDT (shifted forward by the gap)'],
    [NY, '2026-03-08 02:59', '2026-03-08T07:59:00Z', 'gap end -> 03:59 EDT'],
    [NY, '2026-03-08 03:00', '2026-03-08T07:00:00Z', 'first real wall time after the gap'],
    [NY, '2026-03-08 09:00', '2026-03-08T13:00:00Z', 'the morning after, EDT'],
    // Fall back 2026-11-01: 02:00 EDT -> 01:00 EST; 01:00-01:59 shows twice.
    [NY, '2026-11-01 00:59', '2026-11-01T04:59:00Z', 'before the overlap'],
    [NY, '2026-11-01 01:00', '2026-11-01T05:00:00Z', 'overlap start, first occurrence (EDT)'],
    [NY, '2026-11-01 01:30', '2026-11-01T05:30:00Z', 'overlap, first occurrence (EDT)'],
    [NY, '2026-11-01 02:00', '2026-11-01T07:00:00Z', 'after the overlap, EST'],
    // London 2026-03-29: 01:00 GMT -> 02:00 BST.
    [LON, '2026-03-29 00:59', '2026-03-29T00:59:00Z', 'before the gap, GMT'],
    [LON, '2026-03-29 01:30', '2026-03-29T01:30:00Z', 'in the gap -> 02:30 BST'],
    [LON, '2026-03-29 02:00', '2026-03-29T01:00:00Z', 'after the gap, BST'],
    // London 2026-10-25: 02:00 BST -> 01:00 GMT.
    [LON, '2026-10-25 01:30', '2026-10-25T00:30:00Z', 'overlap, first occurrence (BST)'],
    [LON, '2026-10-25 02:00', '2026-10-25T02:00:00Z', 'after the overlap, GMT'],
    [LON, '2026-01-05 09:00', '2026-01-05T09:00:00Z', 'winter, GMT'],
    // Sydney 2026-10-04: 02:00 AEST (+10) -> 03:00 AEDT (+11).
    [SYD, '2026-10-04 01:59', '2026-10-03T15:59:00Z', 'before the gap, AEST'],
    [SYD, '2026-10-04 02:30', '2026-10-03T16:30:00Z', 'in the gap -> 03:30 AEDT'],
    [SYD, '2026-10-04 03:00', '2026-10-03T16:00:00Z', 'after the gap, AEDT'],
    // Sydney 2026-04-05: 03:00 AEDT -> 02:00 AEST.
    [SYD, '2026-04-05 02:30', '2026-04-04T15:30:00Z', 'overlap, first occurrence (AEDT)'],
    [SYD, '2026-04-05 03:00', '2026-04-04T17:00:00Z', 'after the overlap, AEST'],
    [SYD, '2026-01-05 09:00', '2026-01-04T22:00:00Z', 'southern summer, AEDT +11'],
    ['UTC', '2026-03-08 02:30', '2026-03-08T02:30:00Z', 'UTC has no DST'],
  ])('%s %s -> %s (%s)', (zone, text, iso) => {
    expect(wallTimeToInstant(zone, wall(text))).toBe(at(iso));
  });

  it.each([
    [NY, '2026-11-01 01:30', '2026-11-01T06:30:00Z'],
    [LON, '2026-10-25 01:30', '2026-10-25T01:30:00Z'],
    [SYD, '2026-04-05 02:30', '2026-04-04T16:30:00Z'],
  ])("overlap: 'later' picks the second occurrence of %s %s", (zone, text, iso) => {
    expect(wallTimeToInstant(zone, wall(text), 'later')).toBe(at(iso));
    expect(wallTimeToInstant(zone, wall(text), 'later') - wallTimeToInstant(zone, wall(text))).toBe(HOUR);
  });

  it("gap: 'later' changes nothing, the wall time still moves forward", () => {
    expect(wallTimeToInstant(NY, wall('2026-03-08 02:30'), 'later')).toBe(at('2026-03-08T07:30:00Z'));
  });

  it('rolls over out-of-range fields like Date.UTC (hour 24 is the next midnight)', () => {
    expect(wallTimeToInstant(NY, { year: 2026, month: 1, day: 32, hour: 9, minute: 0 })).toBe(at('2026-02-01T14:00:00Z'));
    expect(wallTimeToInstant(LON, { year: 2026, month: 6, day: 1, hour: 24, minute: 0 })).toBe(at('2026-06-01T23:00:00Z'));
  });

  it('refuses unknown zones and non-integer fields', () => {
    expect(() => wallTimeToInstant('Mars/Olympus', wall('2026-01-05 09:00'))).toThrow(/unknown time zone "Mars\/Olympus"/);
    expect(() => wallTimeToInstant(NY, { year: 2026, month: 1, day: 5, hour: 9.5, minute: 0 })).toThrow(/hour must be an integer/);
  });
});

describe('instantToWallTime', () => {
  // [zone, instant, wall fields y-m-d h:m:s, weekday]
  it.each([
    [NY, '2026-01-05T14:00:00Z', [2026, 1, 5, 9, 0, 0], 1],
    [NY, '2026-03-08T06:59:59Z', [2026, 3, 8, 1, 59, 59], 0],
    [NY, '2026-03-08T07:00:00Z', [2026, 3, 8, 3, 0, 0], 0],
    [NY, '2026-11-01T05:30:00Z', [2026, 11, 1, 1, 30, 0], 0],
    [NY, '2026-11-01T06:30:00Z', [2026, 11, 1, 1, 30, 0], 0],
    [NY, '2026-01-01T04:59:00Z', [2025, 12, 31, 23, 59, 0], 3],
    [LON, '2026-03-29T00:59:00Z', [2026, 3, 29, 0, 59, 0], 0],
    [LON, '2026-03-29T01:00:00Z', [2026, 3, 29, 2, 0, 0], 0],
    [LON, '2026-10-25T00:30:00Z', [2026, 10, 25, 1, 30, 0], 0],
    [LON, '2026-10-25T01:30:00Z', [2026, 10, 25, 1, 30, 0], 0],
    [SYD, '2026-10-03T15:59:00Z', [2026, 10, 4, 1, 59, 0], 0],
    [SYD, '2026-10-03T16:00:00Z', [2026, 10, 4, 3, 0, 0], 0],
    [SYD, '2026-04-04T15:30:00Z', [2026, 4, 5, 2, 30, 0], 0],
    [SYD, '2026-04-04T16:30:00Z', [2026, 4, 5, 2, 30, 0], 0],
    [SYD, '2026-01-09T14:00:00Z', [2026, 1, 10, 1, 0, 0], 6],
    ['UTC', '1970-01-01T00:00:00Z', [1970, 1, 1, 0, 0, 0], 4],
  ] as const)('%s %s', (zone, iso, [year, month, day, hour, minute, second], weekday) => {
    expect(instantToWallTime(zone, at(iso))).toEqual({ year, month, day, hour, minute, second, weekday });
  });

  it('round-trips every 15 minutes across each DST day, except the second pass of an overlap', () => {
    const days: Array<[string, string]> = [
      [NY, '2026-03-08T00:00:00Z'],
      [NY, '2026-11-01T00:00:00Z'],
      [LON, '2026-03-28T12:00:00Z'],
      [LON, '2026-10-24T12:00:00Z'],
      [SYD, '2026-04-04T00:00:00Z'],
      [SYD, '2026-10-03T00:00:00Z'],
    ];
    for (const [zone, fromIso] of days) {
      let secondPasses = 0;
      for (let t = at(fromIso); t < at(fromIso) + 36 * HOUR; t += 15 * MINUTE) {
        const w = instantToWallTime(zone, t);
        const back = wallTimeToInstant(zone, w);
        if (back === t) continue;
        // The only instants that do not come back are the second occurrence of an overlap hour.
        expect(back).toBe(t - HOUR);
        expect(wallTimeToInstant(zone, w, 'later')).toBe(t);
        secondPasses += 1;
      }
      expect(secondPasses === 0 || secondPasses === 4).toBe(true);
    }
  });

  it('does not depend on the process time zone', () => {
    const saved = process.env.TZ;
    try {
      // 02:30 London on 2026-03-08 is inside New York's own gap; a process-local Date would turn it into 03:30.
      process.env.TZ = 'America/New_York';
      expect(instantToWallTime(LON, at('2026-03-08T02:30:00Z'))).toMatchObject({ day: 8, hour: 2, minute: 30 });
      expect(wallTimeToInstant(LON, wall('2026-03-08 02:30'))).toBe(at('2026-03-08T02:30:00Z'));
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});

describe('zoneOffset', () => {
  it.each([
    [NY, '2026-03-08T06:59:59Z', -5 * HOUR],
    [NY, '2026-03-08T07:00:00Z', -4 * HOUR],
    [LON, '2026-10-25T00:59:59Z', 1 * HOUR],
    [LON, '2026-10-25T01:00:00Z', 0],
    [SYD, '2026-04-04T15:59:59Z', 11 * HOUR],
    [SYD, '2026-04-04T16:00:00Z', 10 * HOUR],
    ['Asia/Kolkata', '2026-01-01T00:00:00Z', 5.5 * HOUR],
    [LON, '1970-01-01T00:00:00Z', 1 * HOUR], // epoch 0 is not "now": British Standard Time, 1968-71
  ])('%s at %s', (zone, iso, offset) => expect(zoneOffset(zone, at(iso))).toBe(offset));
});

describe('isValidTimeZone', () => {
  it.each([
    ['UTC', true],
    ['America/New_York', true],
    ['Europe/London', true],
    ['Australia/Sydney', true],
    ['US/Eastern', true],
    ['Mars/Olympus', false],
    ['', false],
    ['+05:00', false],
    ['Z', false],
    ['New York', false],
  ])('%j -> %s', (zone, ok) => expect(isValidTimeZone(zone)).toBe(ok));
});

describe('formatInZone', () => {
  it.each([
    ['2026-03-08T06:59:00Z', NY, 'yyyy-MM-dd HH:mm xxx', '2026-03-08 01:59 -05:00'],
    ['2026-03-08T07:00:00Z', NY, 'yyyy-MM-dd HH:mm xxx', '2026-03-08 03:00 -04:00'],
    ['2026-11-01T05:30:00Z', NY, 'HH:mm zzz', '01:30 EDT'],
    ['2026-11-01T06:30:00Z', NY, 'HH:mm zzz', '01:30 EST'],
    ['2026-03-30T08:00:00Z', LON, 'EEE HH:mm', 'Mon 09:00'],
    ['2026-10-04T22:00:00Z', SYD, 'EEE d MMM HH:mm xxx', 'Mon 5 Oct 09:00 +11:00'],
  ])('%s in %s', (iso, zone, pattern, text) => expect(formatInZone(at(iso), zone, pattern)).toBe(text));

  it('refuses an unknown zone instead of printing UTC', () => {
    expect(() => formatInZone(0, 'Nowhere/Else', 'HH:mm')).toThrow(/unknown time zone/);
  });
});

describe('addCalendarDays keeps the wall-clock time', () => {
  // [zone, start, days, expected, real hours between]
  it.each([
    [NY, '2026-03-02T14:00:00Z', 7, '2026-03-09T13:00:00Z', 167, 'Monday 09:00 EST -> Monday 09:00 EDT'],
    [NY, '2026-10-26T13:00:00Z', 7, '2026-11-02T14:00:00Z', 169, 'Monday 09:00 EDT -> Monday 09:00 EST'],
    [NY, '2026-03-09T13:00:00Z', -7, '2026-03-02T14:00:00Z', -167, 'backwards across the spring change'],
    [LON, '2026-03-23T09:00:00Z', 7, '2026-03-30T08:00:00Z', 167, 'Monday 09:00 GMT -> Monday 09:00 BST'],
    [LON, '2026-10-19T08:00:00Z', 7, '2026-10-26T09:00:00Z', 169, 'Monday 09:00 BST -> Monday 09:00 GMT'],
    [SYD, '2026-03-29T22:00:00Z', 7, '2026-04-05T23:00:00Z', 169, 'Monday 09:00 AEDT -> Monday 09:00 AEST'],
    [SYD, '2026-09-27T23:00:00Z', 7, '2026-10-04T22:00:00Z', 167, 'Monday 09:00 AEST -> Monday 09:00 AEDT'],
    [NY, '2026-03-07T07:30:00Z', 1, '2026-03-08T07:30:00Z', 24, '02:30 the day before the gap -> 03:30 EDT (moved forward)'],
    [NY, '2026-10-31T05:30:00Z', 1, '2026-11-01T05:30:00Z', 24, '01:30 EDT -> the first 01:30, also EDT'],
    [NY, '2026-11-02T06:30:00Z', -1, '2026-11-01T06:30:00Z', -24, '01:30 EST -> the second 01:30, also EST'],
    [NY, '2026-12-31T14:00:00Z', 1, '2027-01-01T14:00:00Z', 24, 'year boundary'],
    ['UTC', '2026-02-28T09:00:00Z', 1, '2026-03-01T09:00:00Z', 24, 'month boundary in a non-leap year'],
  ])('%s %s %+d days', (zone, fromIso, days, toIso, hours) => {
    const to = addCalendarDays(zone, at(fromIso), days);
    expect(to).toBe(at(toIso));
    expect((to - at(fromIso)) / HOUR).toBe(hours);
  });

  it('adding 0 days is the identity, even on the second pass of an overlap', () => {
    for (const iso of ['2026-11-01T05:30:00Z', '2026-11-01T06:30:00Z', '2026-03-08T07:30:00Z']) {
      expect(addCalendarDays(NY, at(iso), 0)).toBe(at(iso));
    }
  });

  it('keeps seconds and milliseconds', () => {
    expect(addCalendarDays(NY, at('2026-03-02T14:00:12.345Z'), 7)).toBe(at('2026-03-09T13:00:12.345Z'));
  });
});

describe('plain dates', () => {
  it('adds days across months and years', () => {
    expect(addDaysToDate({ year: 2026, month: 12, day: 30 }, 3)).toEqual({ year: 2027, month: 1, day: 2 });
    expect(addDaysToDate({ year: 2028, month: 3, day: 1 }, -1)).toEqual({ year: 2028, month: 2, day: 29 });
  });

  it('parses only real dates', () => {
    expect(parseDate('2026-03-08')).toEqual({ year: 2026, month: 3, day: 8 });
    expect(parseDate('2026-02-30')).toBeNull();
    expect(parseDate('2026-3-8')).toBeNull();
  });
});
