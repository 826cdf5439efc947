/**
 * Business hours in a zone ("Mon-Fri 09:00-18:00 Europe/London"): is an instant inside them, when do they
 * next start, and what instant is N hours of business time after another. Start inclusive, end exclusive.
 * Each business day's window is computed from wall-clock times, so DST inside a day is handled by the zone.
 */
import { DAY } from './clock.js';
import { addDaysToDate, instantToWallTime, wallTimeToInstant } from './zoned.js';

export interface BusinessHours {
  zone: string;
  /** 0 = Sunday .. 6 = Saturday */
  days: number[];
  start: string;
  end: string;
}

function hm(text: string): { hour: number; minute: number } {
  const [hour, minute] = text.split(':').map(Number) as [number, number];
  return { hour, minute };
}

/** The business window [open, close) of the calendar day containing `ms` in the zone, or null on a day off. */
function windowOfDay(bh: BusinessHours, date: { year: number; month: number; day: number }): { open: number; close: number } | null {
  const weekday = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
  if (!bh.days.includes(weekday)) return null;
  return { open: wallTimeToInstant(bh.zone, { ...date, ...hm(bh.start) }), close: wallTimeToInstant(bh.zone, { ...date, ...hm(bh.end) }) };
}

export function isBusinessTime(bh: BusinessHours, ms: number): boolean {
  const w = windowOfDay(bh, instantToWallTime(bh.zone, ms));
  return w !== null && ms >= w.open && ms < w.close;
}

/** `ms` itself inside business hours, else the next opening. */
export function nextBusinessStart(bh: BusinessHours, ms: number): number {
  const today = instantToWallTime(bh.zone, ms);
  for (let d = 0; d <= 14; d += 1) {
    const w = windowOfDay(bh, addDaysToDate(today, d));
    if (!w) continue;
    if (ms < w.close) return Math.max(ms, w.open);
  }
  throw new Error('business hours have no working day in two weeks');
}

/** The instant after `durationMs` of business time counted from `ms` (4 h from Friday 17:30 is Monday 12:30). */
export function addBusinessDuration(bh: BusinessHours, ms: number, durationMs: number): number {
  let at = nextBusinessStart(bh, ms);
  let left = durationMs;
  for (let guard = 0; guard < 3660; guard += 1) {
    const w = windowOfDay(bh, instantToWallTime(bh.zone, at))!;
    if (at + left <= w.close) return at + left;
    left -= w.close - at;
    at = nextBusinessStart(bh, w.close);
  }
  throw new Error('business duration too long');
}

/** Same wall time `n` business days later (resolved Thursday 15:00 + 2 business days = Monday 15:00). */
export function addBusinessDays(bh: BusinessHours, ms: number, n: number): number {
  let at = ms;
  let counted = 0;
  while (counted < n) {
    at += DAY;
    const date = instantToWallTime(bh.zone, at);
    const weekday = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
    if (bh.days.includes(weekday)) counted += 1;
  }
  return at;
}
