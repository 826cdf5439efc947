import { describe, expect, it } from 'vitest';
import {
  addBusinessDays,
  addBusinessDuration,
  businessTimeBetween,
  isBusinessTime,
  nextBusinessStart,
  type BusinessHours,
} from '../../src/time/business-hours.js';
import { HOUR, MINUTE } from '../../src/time/clock.js';
import { addCalendarDays, wallTimeToInstant } from '../../src/time/zoned.js';

const NY = 'America/New_York';
const LON = 'Europe/London';
const SYD = 'Australia/Sydney';
const weekdays = (zone: string): BusinessHours => ({ zone, days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' });
const ny = weekdays(NY);
const london = weekdays(LON);
const sydney = weekdays(SYD);
const byZone: Record<string, BusinessHours> = { [NY]: ny, [LON]: london, [SYD]: sydney };

/** Wall time in a zone, "2026-03-09 09:00" -> epoch ms. */
function local(zone: string, text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})$/.exec(text);
  if (!m) throw new Error(`bad wall ${text}`);
  return wallTimeToInstant(zone, { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour: Number(m[4]), minute: Number(m[5]) });
}
const at = (iso: string) => Date.parse(iso);

describe('isBusinessTime, Mon-Fri 09:00-18:00: start inclusive, end exclusive', () => {
  // [zone, instant (UTC, so the offset is visible), inside?, what it is locally]
  it.each([
    [LON, '2026-01-05T08:59:59.999Z', false, 'Monday 08:59:59.999 GMT, just before'],
    [LON, '2026-01-05T09:00:00Z', true, 'Monday 09:00 GMT, at start'],
    [LON, '2026-01-05T13:30:00Z', true, 'Monday 13:30, middle'],
    [LON, '2026-01-05T17:59:59.999Z', true, 'Monday 17:59:59.999, last instant'],
    [LON, '2026-01-05T18:00:00Z', false, 'Monday 18:00, at end'],
    [LON, '2026-01-06T02:00:00Z', false, 'Tuesday 02:00, overnight'],
    [LON, '2026-01-10T12:00:00Z', false, 'Saturday noon, weekend'],
    [LON, '2026-01-11T12:00:00Z', false, 'Sunday noon, weekend'],
    [LON, '2026-03-27T17:59:00Z', true, 'Friday 17:59 GMT before the spring change'],
    [LON, '2026-03-30T07:59:00Z', false, 'Monday 08:59 BST after the spring change'],
    [LON, '2026-03-30T08:00:00Z', true, 'Monday 09:00 BST = 08:00 UTC'],
    [LON, '2026-03-30T16:59:00Z', true, 'Monday 17:59 BST'],
    [LON, '2026-03-30T17:00:00Z', false, 'Monday 18:00 BST = 17:00 UTC'],
    [LON, '2026-10-26T09:00:00Z', true, 'Monday 09:00 GMT after the fall change'],
    [LON, '2026-10-26T08:00:00Z', false, 'Monday 08:00 GMT (would be 09:00 BST)'],
    [NY, '2026-03-06T22:59:00Z', true, 'Friday 17:59 EST'],
    [NY, '2026-03-06T23:00:00Z', false, 'Friday 18:00 EST'],
    [NY, '2026-03-08T15:00:00Z', false, 'Sunday 11:00 EDT, the change day itself'],
    [NY, '2026-03-09T12:59:00Z', false, 'Monday 08:59 EDT'],
    [NY, '2026-03-09T13:00:00Z', true, 'Monday 09:00 EDT'],
    [NY, '2026-03-09T21:59:00Z', true, 'Monday 17:59 EDT'],
    [NY, '2026-03-09T22:00:00Z', false, 'Monday 18:00 EDT'],
    [NY, '2026-11-02T13:00:00Z', false, 'Monday 08:00 EST after the fall change'],
    [NY, '2026-11-02T14:00:00Z', true, 'Monday 09:00 EST'],
    [NY, '2026-11-02T23:00:00Z', false, 'Monday 18:00 EST'],
    [SYD, '2026-10-04T21:59:00Z', false, 'Monday 08:59 AEDT after the spring change'],
    [SYD, '2026-10-04T22:00:00Z', true, 'Monday 09:00 AEDT'],
    [SYD, '2026-10-05T06:59:00Z', true, 'Monday 17:59 AEDT'],
    [SYD, '2026-10-05T07:00:00Z', false, 'Monday 18:00 AEDT'],
    [SYD, '2026-04-05T23:00:00Z', true, 'Monday 09:00 AEST after the fall change'],
    [SYD, '2026-04-05T22:00:00Z', false, 'Monday 08:00 AEST'],
    [SYD, '2026-04-03T06:59:00Z', true, 'Friday 17:59 AEDT before the change'],
    [SYD, '2026-01-09T14:00:00Z', false, 'Saturday 01:00 AEDT (still Friday in UTC)'],
    [SYD, '2026-01-11T22:00:00Z', true, 'Monday 09:00 AEDT (still Sunday in UTC)'],
  ])('%s %s -> %s (%s)', (zone, iso, inside) => expect(isBusinessTime(byZone[zone]!, at(iso))).toBe(inside));
});

describe('nextBusinessStart', () => {
  it.each([
    [LON, '2026-01-07 10:00', '2026-01-07 10:00', 'inside: itself'],
    [LON, '2026-01-07 09:00', '2026-01-07 09:00', 'exactly at start: itself'],
    [LON, '2026-01-07 07:00', '2026-01-07 09:00', 'before start: same day'],
    [LON, '2026-01-07 18:00', '2026-01-08 09:00', 'exactly at end: next day'],
    [LON, '2026-01-09 18:30', '2026-01-12 09:00', 'Friday evening: Monday'],
    [LON, '2026-01-10 12:00', '2026-01-12 09:00', 'Saturday: Monday'],
    [LON, '2026-03-27 19:00', '2026-03-30 09:00', 'across the spring weekend: 09:00 BST'],
    [NY, '2026-03-08 02:30', '2026-03-09 09:00', 'the non-existent 02:30 on Sunday: Monday 09:00 EDT'],
    [NY, '2026-10-31 12:00', '2026-11-02 09:00', 'across the fall weekend: 09:00 EST'],
    [SYD, '2026-10-04 02:30', '2026-10-05 09:00', 'Sydney spring change night: Monday 09:00 AEDT'],
    [SYD, '2026-04-05 02:30', '2026-04-06 09:00', 'Sydney overlap night: Monday 09:00 AEST'],
  ])('%s %s -> %s (%s)', (zone, from, to) => {
    expect(nextBusinessStart(byZone[zone]!, local(zone, from))).toBe(local(zone, to));
  });

  it('gives real instants, not wall times: Monday 09:00 after the London spring change is 08:00 UTC', () => {
    expect(nextBusinessStart(london, at('2026-03-28T12:00:00Z'))).toBe(at('2026-03-30T08:00:00Z'));
  });
});

describe('addBusinessDuration counts only business time', () => {
  it.each([
    [LON, '2026-01-09 16:00', 4, '2026-01-12 11:00', 'Friday 16:00 + 4 h = Monday 11:00'],
    [LON, '2026-01-09 17:30', 4, '2026-01-12 12:30', 'Friday 17:30 + 4 h = Monday 12:30'],
    [LON, '2026-03-27 16:00', 4, '2026-03-30 11:00', 'across the London spring change'],
    [LON, '2026-10-23 16:00', 4, '2026-10-26 11:00', 'across the London fall change'],
    [NY, '2026-03-06 16:00', 4, '2026-03-09 11:00', 'across the New York spring change'],
    [NY, '2026-10-30 16:00', 4, '2026-11-02 11:00', 'across the New York fall change'],
    [SYD, '2026-10-02 16:00', 4, '2026-10-05 11:00', 'across the Sydney spring change'],
    [SYD, '2026-04-03 16:00', 4, '2026-04-06 11:00', 'across the Sydney fall change'],
    [LON, '2026-01-07 10:00', 2, '2026-01-07 12:00', 'within one day'],
    [LON, '2026-01-07 15:00', 3, '2026-01-07 18:00', 'uses up the window exactly: ends at its close'],
    [LON, '2026-01-07 15:00', 4, '2026-01-08 10:00', 'spills into the next morning'],
    [LON, '2026-01-07 07:00', 1, '2026-01-07 10:00', 'from before start'],
    [LON, '2026-01-10 03:00', 1, '2026-01-12 10:00', 'from Saturday night'],
    [LON, '2026-01-05 09:00', 9, '2026-01-05 18:00', 'a full day'],
    [LON, '2026-01-05 09:00', 45, '2026-01-09 18:00', 'a full week'],
    [NY, '2026-03-02 09:00', 46, '2026-03-09 10:00', 'a week and an hour, across the spring change'],
  ])('%s %s + %d h = %s (%s)', (zone, from, hours, to) => {
    expect(addBusinessDuration(byZone[zone]!, local(zone, from), hours * HOUR)).toBe(local(zone, to));
  });

  it('a zero duration is the start instant, even outside business hours', () => {
    const saturday = local(LON, '2026-01-10 12:00');
    expect(addBusinessDuration(london, saturday, 0)).toBe(saturday);
  });

  it('is the inverse of businessTimeBetween', () => {
    for (const zone of [NY, LON, SYD]) {
      const bh = byZone[zone]!;
      for (let start = local(zone, '2026-03-01 00:00'); start < local(zone, '2026-04-15 00:00'); start += 7 * HOUR + 13 * MINUTE) {
        for (const d of [1 * MINUTE, 4 * HOUR, 9 * HOUR, 30 * HOUR]) {
          const end = addBusinessDuration(bh, start, d);
          expect(businessTimeBetween(bh, start, end)).toBe(d);
          // And it is the earliest such instant: a minute earlier is not enough.
          expect(businessTimeBetween(bh, start, end - MINUTE)).toBeLessThan(d);
        }
      }
    }
  });

  it('refuses a negative duration', () => {
    expect(() => addBusinessDuration(london, 0, -HOUR)).toThrow(/>= 0/);
  });
});

describe('addBusinessDays: same wall time on the n-th business day, counted from the next business start', () => {
  it.each([
    [LON, '2026-01-08 15:00', 2, '2026-01-12 15:00', 'resolved Thursday 15:00 -> Monday 15:00'],
    [LON, '2026-01-06 15:00', 2, '2026-01-08 15:00', 'Tuesday -> Thursday'],
    [LON, '2026-01-10 11:00', 2, '2026-01-14 09:00', 'resolved Saturday: from Monday 09:00 -> Wednesday 09:00'],
    [LON, '2026-01-08 20:00', 2, '2026-01-13 09:00', 'resolved Thursday 20:00: from Friday 09:00 -> Tuesday 09:00'],
    [LON, '2026-01-08 07:00', 2, '2026-01-12 09:00', 'resolved Thursday 07:00: from Thursday 09:00 -> Monday 09:00'],
    [LON, '2026-01-08 15:00', 0, '2026-01-08 15:00', 'zero days inside business hours: itself'],
    [LON, '2026-01-10 11:00', 0, '2026-01-12 09:00', 'zero days on a Saturday: the next start'],
    [LON, '2026-01-05 10:00', 10, '2026-01-19 10:00', 'ten business days are two weeks'],
    [NY, '2026-03-05 15:00', 2, '2026-03-09 15:00', 'New York, across the spring change'],
    [NY, '2026-10-29 15:00', 2, '2026-11-02 15:00', 'New York, across the fall change'],
    [LON, '2026-03-26 15:00', 2, '2026-03-30 15:00', 'London, across the spring change'],
    [SYD, '2026-10-01 15:00', 2, '2026-10-05 15:00', 'Sydney, across the spring change'],
    [SYD, '2026-04-02 15:00', 2, '2026-04-06 15:00', 'Sydney, across the fall change'],
  ])('%s %s + %d business days = %s (%s)', (zone, from, n, to) => {
    expect(addBusinessDays(byZone[zone]!, local(zone, from), n)).toBe(local(zone, to));
  });

  it('keeps the wall time, so the real gap across a DST weekend is 95 or 97 hours', () => {
    expect(addBusinessDays(ny, at('2026-03-05T20:00:00Z'), 2) - at('2026-03-05T20:00:00Z')).toBe(95 * HOUR);
    expect(addBusinessDays(ny, at('2026-10-29T19:00:00Z'), 2) - at('2026-10-29T19:00:00Z')).toBe(97 * HOUR);
  });

  it('uses the configured days (Sunday-Thursday week)', () => {
    const sunThu: BusinessHours = { zone: 'Asia/Jerusalem', days: [0, 1, 2, 3, 4], start: '09:00', end: '18:00' };
    // Thursday 2026-01-08 15:00 + 2 -> Sunday (1), Monday (2).
    expect(addBusinessDays(sunThu, local('Asia/Jerusalem', '2026-01-08 15:00'), 2)).toBe(local('Asia/Jerusalem', '2026-01-12 15:00'));
  });
});

describe('businessTimeBetween', () => {
  it.each([
    [LON, '2026-01-09 16:00', '2026-01-12 11:00', 4, 'over a weekend'],
    [LON, '2026-01-07 10:00', '2026-01-07 12:30', 2.5, 'within a day'],
    [LON, '2026-01-07 07:00', '2026-01-07 20:00', 9, 'a whole day from outside to outside'],
    [LON, '2026-01-10 00:00', '2026-01-12 00:00', 0, 'a weekend'],
    [LON, '2026-01-07 12:00', '2026-01-07 12:00', 0, 'an empty interval'],
    [LON, '2026-03-23 09:00', '2026-03-30 09:00', 45, 'a week ending after the spring change'],
    [LON, '2026-10-19 09:00', '2026-10-26 09:00', 45, 'a week ending after the fall change'],
    [NY, '2026-03-02 09:00', '2026-03-09 09:00', 45, 'a New York week across spring'],
    [NY, '2026-10-26 09:00', '2026-11-02 09:00', 45, 'a New York week across fall'],
    [SYD, '2026-09-28 09:00', '2026-10-05 09:00', 45, 'a Sydney week across spring'],
    [SYD, '2026-03-30 09:00', '2026-04-06 09:00', 45, 'a Sydney week across fall'],
    [LON, '2026-01-12 11:00', '2026-01-09 16:00', -4, 'reversed: negative'],
  ])('%s %s .. %s = %d h (%s)', (zone, from, to, hours) => {
    expect(businessTimeBetween(byZone[zone]!, local(zone, from), local(zone, to))).toBe(hours * HOUR);
  });

  it('over a year of Mon-Fri 09:00-18:00 is 9 h times the weekdays, DST or not', () => {
    // 2026 has 261 weekdays (it starts on a Thursday and is not a leap year).
    for (const zone of [NY, LON, SYD]) {
      expect(businessTimeBetween(byZone[zone]!, local(zone, '2026-01-01 00:00'), local(zone, '2027-01-01 00:00'))).toBe(261 * 9 * HOUR);
    }
  });
});

describe('hours that straddle a DST change count real time', () => {
  // Every day 00:00-06:00: the change happens inside the window.
  const night = (zone: string): BusinessHours => ({ zone, days: [0, 1, 2, 3, 4, 5, 6], start: '00:00', end: '06:00' });

  it.each([
    [NY, '2026-03-08', 5, 'spring forward: 02:00-03:00 never happens'],
    [NY, '2026-11-01', 7, 'fall back: 01:00-02:00 happens twice'],
    [NY, '2026-03-09', 6, 'an ordinary day'],
    [LON, '2026-03-29', 5, 'London spring'],
    [LON, '2026-10-25', 7, 'London fall'],
    [SYD, '2026-10-04', 5, 'Sydney spring'],
    [SYD, '2026-04-05', 7, 'Sydney fall'],
  ])('%s %s window is %d h (%s)', (zone, date, hours) => {
    const bh = night(zone);
    const midnight = local(zone, `${date} 00:00`);
    // Up to the next midnight, which is 23 or 25 h away on a change day.
    const nextMidnight = addCalendarDays(zone, midnight, 1);
    expect((nextMidnight - midnight) / HOUR).toBe(24 + hours - 6);
    expect(businessTimeBetween(bh, midnight - HOUR, nextMidnight)).toBe(hours * HOUR);
    expect(addBusinessDuration(bh, midnight, hours * HOUR)).toBe(local(zone, `${date} 06:00`));
  });

  it('the second pass of an overlap hour is inside, like the first', () => {
    const bh = night(NY);
    expect(isBusinessTime(bh, at('2026-11-01T05:30:00Z'))).toBe(true); // 01:30 EDT
    expect(isBusinessTime(bh, at('2026-11-01T06:30:00Z'))).toBe(true); // 01:30 EST
    expect(isBusinessTime(bh, at('2026-11-01T10:59:00Z'))).toBe(true); // 05:59 EST
    expect(isBusinessTime(bh, at('2026-11-01T11:00:00Z'))).toBe(false); // 06:00 EST
  });

  it('a start inside the gap opens when the clock first passes it: 02:30 -> 03:30 EDT', () => {
    const bh: BusinessHours = { zone: NY, days: [0], start: '02:30', end: '05:00' };
    expect(nextBusinessStart(bh, local(NY, '2026-03-08 00:00'))).toBe(at('2026-03-08T07:30:00Z'));
    expect(isBusinessTime(bh, at('2026-03-08T07:29:00Z'))).toBe(false); // 03:29 EDT
    expect(isBusinessTime(bh, at('2026-03-08T07:30:00Z'))).toBe(true); // 03:30 EDT
    expect(businessTimeBetween(bh, local(NY, '2026-03-08 00:00'), local(NY, '2026-03-09 00:00'))).toBe(90 * MINUTE);
  });

  it('an end of 24:00 runs to midnight', () => {
    const bh: BusinessHours = { zone: LON, days: [1, 2, 3, 4, 5], start: '09:00', end: '24:00' };
    expect(isBusinessTime(bh, local(LON, '2026-01-05 23:59'))).toBe(true);
    expect(isBusinessTime(bh, local(LON, '2026-01-06 00:00'))).toBe(false);
    expect(addBusinessDuration(bh, local(LON, '2026-01-09 23:00'), 2 * HOUR)).toBe(local(LON, '2026-01-12 10:00'));
  });
});

describe('malformed business hours fail loudly', () => {
  it.each([
    [{ ...london, start: '9:00' }, /start must be "HH:MM"/],
    [{ ...london, end: '25:00' }, /end must be "HH:MM"/],
    [{ ...london, start: '24:00' }, /start must be "HH:MM"/],
    [{ ...london, start: '18:00', end: '09:00' }, /end \(09:00\) must be after start \(18:00\)/],
    [{ ...london, end: '09:00' }, /must be after start/],
    [{ ...london, days: [] }, /non-empty list of weekdays/],
    [{ ...london, days: [1, 7] }, /weekdays 0 \(Sunday\) \.\. 6/],
    [{ ...london, zone: 'Mars/Olympus' }, /unknown time zone/],
  ])('%j', (bh, message) => {
    expect(() => isBusinessTime(bh, at('2026-01-05T12:00:00Z'))).toThrow(message);
  });
});
