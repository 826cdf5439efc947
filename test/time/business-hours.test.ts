import { describe, expect, it } from 'vitest';
import { addBusinessDuration, isBusinessTime, nextBusinessStart, type BusinessHours } from '../../src/time/business-hours.js';
import { HOUR } from '../../src/time/clock.js';
import { wallTimeToInstant } from '../../src/time/zoned.js';

const london: BusinessHours = { zone: 'Europe/London', days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' };
const at = (iso: string) => Date.parse(iso);

describe('business hours, Europe/London Mon-Fri 09:00-18:00', () => {
  it.each([
    ['Monday 08:59 (GMT)', '2026-01-05T08:59:00Z', false],
    ['Monday 09:00 exactly is inside (start inclusive)', '2026-01-05T09:00:00Z', true],
    ['Monday 17:59', '2026-01-05T17:59:00Z', true],
    ['Monday 18:00 exactly is outside (end exclusive)', '2026-01-05T18:00:00Z', false],
    ['Saturday noon', '2026-01-10T12:00:00Z', false],
    ['summer Monday 09:00 BST is 08:00 UTC', '2026-06-01T08:00:00Z', true],
    ['summer Monday 07:59 UTC is 08:59 BST', '2026-06-01T07:59:00Z', false],
  ])('%s', (_name, iso, expected) => expect(isBusinessTime(london, at(iso))).toBe(expected));

  it('the next start after Friday evening is Monday 09:00', () => {
    expect(nextBusinessStart(london, at('2026-01-09T18:30:00Z'))).toBe(at('2026-01-12T09:00:00Z'));
    expect(nextBusinessStart(london, at('2026-01-07T10:00:00Z'))).toBe(at('2026-01-07T10:00:00Z'));
  });

  it('4 business hours from Friday 17:30 end Monday 12:30', () => {
    expect(addBusinessDuration(london, at('2026-01-09T17:30:00Z'), 4 * HOUR)).toBe(at('2026-01-12T12:30:00Z'));
  });

  it('counts across the spring DST weekend in local time', () => {
    // Friday 2026-03-27 17:00 GMT; Monday 2026-03-30 is BST, so 12:00 local is 11:00 UTC.
    expect(addBusinessDuration(london, at('2026-03-27T17:00:00Z'), 4 * HOUR)).toBe(at('2026-03-30T11:00:00Z'));
  });

  it('handles New York across the fall change', () => {
    const ny: BusinessHours = { zone: 'America/New_York', days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' };
    const fridayFive = wallTimeToInstant('America/New_York', { year: 2026, month: 10, day: 30, hour: 17, minute: 0 });
    const mondayEleven = wallTimeToInstant('America/New_York', { year: 2026, month: 11, day: 2, hour: 11, minute: 0 });
    expect(addBusinessDuration(ny, fridayFive, 3 * HOUR)).toBe(mondayEleven);
  });
});
