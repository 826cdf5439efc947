/**
 * The edges of the time functions the main tables leave out: what they refuse (and say), a window DST
 * makes empty, and the helpers' small promises.
 */
import { describe, expect, it } from 'vitest';
import {
  addBusinessDays,
  addBusinessDuration,
  businessTimeBetween,
  isBusinessTime,
  nextBusinessStart,
  type BusinessHours,
} from '../../src/time/business-hours.js';
import { HOUR } from '../../src/time/clock.js';
import {
  addCalendarDays,
  formatInZone,
  instantAsDate,
  isValidTimeZone,
  parseDate,
  wallTimeToInstant,
  zoneOffset,
} from '../../src/time/zoned.js';

const london: BusinessHours = { zone: 'Europe/London', days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' };
const MONDAY_NOON = Date.UTC(2026, 0, 5, 12);

describe('business hours refuse what is not business hours', () => {
  it.each([
    [{ ...london, start: 'x09:00' }, 'business hours start must be "HH:MM" (24-hour clock), got "x09:00"'],
    [{ ...london, start: '09:00x' }, 'business hours start must be "HH:MM" (24-hour clock), got "09:00x"'],
    [{ ...london, end: '18:00:00' }, 'business hours end must be "HH:MM" (24-hour clock), got "18:00:00"'],
    [{ ...london, end: ' 18:00' }, 'business hours end must be "HH:MM" (24-hour clock), got " 18:00"'],
    [{ ...london, start: '09:30', end: '09:10' }, 'business hours end (09:10) must be after start (09:30)'],
    [{ ...london, start: '09:30', end: '09:30' }, 'business hours end (09:30) must be after start (09:30)'],
    [{ ...london, days: [-1, 1] }, 'business days must be a non-empty list of weekdays 0 (Sunday) .. 6 (Saturday), got [-1,1]'],
    [{ ...london, days: [1.5] }, 'business days must be a non-empty list of weekdays 0 (Sunday) .. 6 (Saturday), got [1.5]'],
    [{ ...london, days: [7] }, 'got [7]'],
  ])('%j', (bh, message) => {
    expect(() => isBusinessTime(bh, MONDAY_NOON)).toThrow(RangeError);
    expect(() => isBusinessTime(bh, MONDAY_NOON)).toThrow(message);
  });

  it('accepts hours within one hour of the day, and the whole week', () => {
    const halfHour: BusinessHours = { ...london, start: '09:00', end: '09:30' };
    expect(isBusinessTime(halfHour, Date.UTC(2026, 0, 5, 9, 29))).toBe(true);
    expect(isBusinessTime(halfHour, Date.UTC(2026, 0, 5, 9, 30))).toBe(false);
    const allWeek: BusinessHours = { ...london, days: [0, 1, 2, 3, 4, 5, 6], start: '00:00', end: '24:00' };
    expect(isBusinessTime(allWeek, Date.UTC(2026, 0, 10, 3))).toBe(true);
    expect(addBusinessDuration(allWeek, Date.UTC(2026, 0, 10, 3), 5 * HOUR)).toBe(Date.UTC(2026, 0, 10, 8));
  });

  it.each([
    ['isBusinessTime', () => isBusinessTime(london, Number.NaN), 'instant must be a finite epoch-ms number, got NaN'],
    [
      'nextBusinessStart',
      () => nextBusinessStart(london, Number.POSITIVE_INFINITY),
      'instant must be a finite epoch-ms number, got Infinity',
    ],
    ['addBusinessDuration', () => addBusinessDuration(london, Number.NaN, HOUR), 'instant must be a finite epoch-ms number, got NaN'],
    [
      'addBusinessDuration, duration',
      () => addBusinessDuration(london, MONDAY_NOON, Number.NaN),
      'business duration must be a finite number >= 0, got NaN',
    ],
    ['addBusinessDays', () => addBusinessDays(london, Number.NaN, 1), 'instant must be a finite epoch-ms number, got NaN'],
    ['addBusinessDays, negative', () => addBusinessDays(london, MONDAY_NOON, -1), 'business days must be an integer >= 0, got -1'],
    ['addBusinessDays, a fraction', () => addBusinessDays(london, MONDAY_NOON, 1.5), 'business days must be an integer >= 0, got 1.5'],
    [
      'businessTimeBetween, from',
      () => businessTimeBetween(london, Number.NaN, MONDAY_NOON),
      'from must be a finite epoch-ms number, got NaN',
    ],
    ['businessTimeBetween, to', () => businessTimeBetween(london, MONDAY_NOON, Number.NaN), 'to must be a finite epoch-ms number, got NaN'],
  ])('%s', (_what, run, message) => {
    expect(run).toThrow(RangeError);
    expect(run).toThrow(message);
  });
});

describe('a window DST makes empty', () => {
  // New York springs forward on Sunday 2026-03-08: 02:00 EST is 03:00 EDT, so "02:00-03:00" that day is no time at all.
  const sundayNight: BusinessHours = { zone: 'America/New_York', days: [0], start: '02:00', end: '03:00' };
  const changeDay = Date.UTC(2026, 2, 8, 5); // 00:00 EST

  it('is skipped: the next opening is a week on, and nothing of that night is business time', () => {
    const nextSunday = wallTimeToInstant('America/New_York', { year: 2026, month: 3, day: 15, hour: 2, minute: 0 });
    expect(nextBusinessStart(sundayNight, changeDay)).toBe(nextSunday);
    expect(new Date(nextSunday).toISOString()).toBe('2026-03-15T06:00:00.000Z');
    expect(isBusinessTime(sundayNight, Date.UTC(2026, 2, 8, 7))).toBe(false);
    expect(businessTimeBetween(sundayNight, changeDay, changeDay + 6 * HOUR)).toBe(0);
    expect(addBusinessDuration(sundayNight, changeDay, 30 * 60_000)).toBe(nextSunday + 30 * 60_000);
  });
});

describe('zoned helpers', () => {
  it('a zone is a non-empty IANA name, never undefined (which Intl would read as "the machine\'s zone")', () => {
    expect(isValidTimeZone(undefined as unknown as string)).toBe(false);
    expect(isValidTimeZone(5 as unknown as string)).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('US/Eastern')).toBe(true);
  });

  it('refuses instants that are no number, and says so', () => {
    expect(() => zoneOffset('UTC', Number.NaN)).toThrow('instant must be a finite epoch-ms number, got NaN');
    expect(() => formatInZone(Number.POSITIVE_INFINITY, 'UTC', 'HH:mm')).toThrow('instant must be a finite epoch-ms number, got Infinity');
  });

  it('says so when date-fns-tz cannot name an offset (before the year 1)', () => {
    expect(() => zoneOffset('UTC', -1e14)).toThrow(/^date-fns-tz gave an unreadable offset ".*" for UTC$/);
  });

  it('reads an offset of hours and minutes, either sign', () => {
    expect(zoneOffset('Asia/Kolkata', MONDAY_NOON)).toBe(5.5 * HOUR);
    expect(zoneOffset('America/St_Johns', MONDAY_NOON)).toBe(-3.5 * HOUR);
    expect(zoneOffset('UTC', 0)).toBe(0);
  });

  it.each([
    ['2026-03-08', { year: 2026, month: 3, day: 8 }],
    ['2024-02-29', { year: 2024, month: 2, day: 29 }],
    ['x2026-03-08', null],
    ['2026-03-08x', null],
    ['2026-3-8', null],
    ['2026-02-29', null],
    ['2026-02-30', null],
    ['2026-04-31', null],
    ['2026-13-05', null],
    ['2026-00-10', null],
    ['2026-01-00', null],
  ])('parseDate(%j)', (text, expected) => {
    expect(parseDate(text)).toEqual(expected);
  });

  it('addCalendarDays takes whole days only', () => {
    expect(() => addCalendarDays('UTC', MONDAY_NOON, 1.5)).toThrow('days must be an integer, got 1.5');
    expect(addCalendarDays('UTC', MONDAY_NOON, -2)).toBe(MONDAY_NOON - 48 * HOUR);
  });

  it('instantAsDate is that instant', () => {
    expect(instantAsDate(MONDAY_NOON).getTime()).toBe(MONDAY_NOON);
    expect(instantAsDate(0).toISOString()).toBe('1970-01-01T00:00:00.000Z');
  });
});
