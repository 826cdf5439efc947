/**
 * Business hours in a zone ("Mon-Fri 09:00-18:00 Europe/London"): is an instant inside them, when do they
 * next start, what instant is N hours of business time or N business days after another, and how much
 * business time lies between two instants.
 *
 * The model, stated once:
 * - A business day is a calendar date (in the zone) whose weekday is in `days`. Its window is the half-open
 *   interval [open, close) of instants, open = wallTimeToInstant(start), close = wallTimeToInstant(end) on
 *   that date: start inclusive (09:00:00.000 is inside), end exclusive (18:00:00.000 is outside).
 * - Business time is real elapsed time inside windows, not wall-clock minutes. For the usual 09:00-18:00 the
 *   DST changes (New York 02:00, London 01:00 UTC, Sydney 02:00/03:00, all at night, Sydney's on a Sunday)
 *   never fall inside a window, so every window is 9 h and only the weekend around a change gets 23 or 25 h
 *   long, which business time does not count. If hours do straddle a change (00:00-06:00 in New York), that
 *   day's window is shorter or longer in real time (5 h on 2026-03-08, 7 h on 2026-11-01), and that is what is
 *   counted. A start or end inside a gap or overlap follows wallTimeToInstant: after the gap, first occurrence.
 * - "24:00" is accepted as an end (midnight at the end of the day). Hours crossing midnight (22:00-06:00) and
 *   holidays are not modelled.
 */
import {
  addCalendarDays,
  addDaysToDate,
  dayNumber,
  instantToWallTime,
  wallTimeToInstant,
  weekdayOfDate,
  type CalendarDate,
} from './zoned.js';

export type BusinessHours = {
  zone: string;
  /** 0 = Sunday .. 6 = Saturday */
  days: number[];
  /** "09:00", inclusive */
  start: string;
  /** "18:00", exclusive; "24:00" allowed */
  end: string;
};

interface Compiled {
  label: string;
  zone: string;
  days: ReadonlySet<number>;
  start: { hour: number; minute: number };
  end: { hour: number; minute: number };
}

function clock(text: string, field: 'start' | 'end'): { hour: number; minute: number } {
  if (field === 'end' && text === '24:00') return { hour: 24, minute: 0 };
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (!m) throw new RangeError(`business hours ${field} must be "HH:MM" (24-hour clock), got ${JSON.stringify(text)}`);
  return { hour: Number(m[1]), minute: Number(m[2]) };
}

/** Validates on every call: cheap, and a malformed policy fails loudly instead of looping or paging at night. */
function compile(bh: BusinessHours): Compiled {
  const start = clock(bh.start, 'start');
  const end = clock(bh.end, 'end');
  if (end.hour * 60 + end.minute <= start.hour * 60 + start.minute) {
    throw new RangeError(`business hours end (${bh.end}) must be after start (${bh.start})`);
  }
  if (bh.days.length === 0 || !bh.days.every((d) => Number.isInteger(d) && d >= 0 && d <= 6)) {
    throw new RangeError(`business days must be a non-empty list of weekdays 0 (Sunday) .. 6 (Saturday), got ${JSON.stringify(bh.days)}`);
  }
  // The zone is checked by wallTimeToInstant / instantToWallTime on first use.
  return { label: `${bh.start}-${bh.end} on days ${bh.days.join(',')} in ${bh.zone}`, zone: bh.zone, days: new Set(bh.days), start, end };
}

export interface Window {
  open: number;
  close: number;
}

/** The business window of a calendar date in the zone, or null on a day off (or a window DST made empty). */
function windowOn(c: Compiled, date: CalendarDate): Window | null {
  if (!c.days.has(weekdayOfDate(date))) return null;
  const open = wallTimeToInstant(c.zone, { ...date, ...c.start });
  const close = wallTimeToInstant(c.zone, { ...date, ...c.end });
  // Only hours lying wholly inside a gap (02:10-02:50 New York, 2026-03-08) can come out empty or inverted.
  return close > open ? { open, close } : null;
}

function dateOf(c: Compiled, ms: number): CalendarDate {
  const { year, month, day } = instantToWallTime(c.zone, ms);
  return { year, month, day };
}

// Any weekday recurs within 7 days; 15 leaves room for a day a gap emptied.
const SEARCH_DAYS = 15;

function nextStart(c: Compiled, ms: number): { at: number; window: Window } {
  const today = dateOf(c, ms);
  for (let d = 0; d < SEARCH_DAYS; d += 1) {
    const w = windowOn(c, addDaysToDate(today, d));
    if (w && ms < w.close) return { at: Math.max(ms, w.open), window: w };
  }
  throw new Error(`business hours ${c.label} have no window within ${SEARCH_DAYS} days`);
}

function assertInstant(ms: number, what: string): void {
  if (!Number.isFinite(ms)) throw new RangeError(`${what} must be a finite epoch-ms number, got ${String(ms)}`);
}

/**
 * The business window [open, close) of a calendar date in the zone, or null on a day off: for a caller that
 * classifies many instants of a few days (a month's report) without converting each instant to wall time.
 */
export function businessWindowOn(bh: BusinessHours, date: CalendarDate): Window | null {
  return windowOn(compile(bh), date);
}

/** Inside business hours at `ms`? Start inclusive, end exclusive: 09:00 yes, 17:59:59.999 yes, 18:00 no. */
export function isBusinessTime(bh: BusinessHours, ms: number): boolean {
  assertInstant(ms, 'instant');
  const c = compile(bh);
  const w = windowOn(c, dateOf(c, ms));
  return w !== null && ms >= w.open && ms < w.close;
}

/**
 * `ms` itself when inside business hours, else the next opening: Friday 18:00 or Saturday noon -> Monday
 * 09:00; Monday 07:00 -> Monday 09:00. On the Monday after a DST change that 09:00 is in the new offset.
 */
export function nextBusinessStart(bh: BusinessHours, ms: number): number {
  assertInstant(ms, 'instant');
  return nextStart(compile(bh), ms).at;
}

/**
 * The earliest instant by which `durationMs` of business time has passed since `ms`. Time outside business
 * hours does not count: 4 h from Friday 16:00 is Monday 11:00 (2 h Friday, 2 h Monday).
 * Edges: a duration that uses up a window exactly ends AT its close (3 h from Friday 15:00 is Friday 18:00,
 * not Monday 09:00; both have the same business time behind them, and a caller that must not act after
 * hours checks isBusinessTime / nextBusinessStart at that instant). A zero duration returns `ms` unchanged.
 * Inverse of businessTimeBetween: businessTimeBetween(bh, ms, addBusinessDuration(bh, ms, d)) === d.
 */
export function addBusinessDuration(bh: BusinessHours, ms: number, durationMs: number): number {
  assertInstant(ms, 'instant');
  if (!Number.isFinite(durationMs) || durationMs < 0)
    throw new RangeError(`business duration must be a finite number >= 0, got ${String(durationMs)}`);
  const c = compile(bh);
  if (durationMs === 0) return ms;
  let { at, window } = nextStart(c, ms);
  let left = durationMs;
  for (;;) {
    if (at + left <= window.close) return at + left;
    left -= window.close - at;
    ({ at, window } = nextStart(c, window.close));
  }
}

/**
 * The same wall-clock time `n` business days later, counted from the next business start: "postmortem due
 * 2 business days after resolve".
 * - Resolved Thursday 15:00 -> Monday 15:00 (Friday is day 1, Monday day 2).
 * - Resolved Saturday 11:00 -> counting starts Monday 09:00 -> Wednesday 09:00.
 * - Resolved Thursday 20:00 (after hours) -> counting starts Friday 09:00 -> Tuesday 09:00.
 * The wall time is kept across DST (Thursday 15:00 EST -> Monday 15:00 EDT is 95 h, not 96). n = 0 is
 * nextBusinessStart(ms).
 */
export function addBusinessDays(bh: BusinessHours, ms: number, n: number): number {
  assertInstant(ms, 'instant');
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`business days must be an integer >= 0, got ${String(n)}`);
  const c = compile(bh);
  const from = nextStart(c, ms).at;
  const fromDate = dateOf(c, from);
  let date = fromDate;
  for (let counted = 0; counted < n; ) {
    date = addDaysToDate(date, 1);
    if (c.days.has(weekdayOfDate(date))) counted += 1;
  }
  return addCalendarDays(c.zone, from, dayNumber(date) - dayNumber(fromDate));
}

/** A span as the policy states it: elapsed time, business days, or business hours (config/duration.ts). */
export type Span = { kind: 'wall'; ms: number } | { kind: 'business_days'; days: number } | { kind: 'business_hours'; ms: number };

/**
 * The instant a span after `ms` ends: wall time is plain elapsed time; "4 business hours" counts only business
 * time (Friday 16:00 -> Monday 11:00); "2 business days" keeps the wall time on the second business day
 * (Thursday 15:00 -> Monday 15:00; "next business day" is 1).
 */
export function spanEnd(bh: BusinessHours, ms: number, span: Span): number {
  if (span.kind === 'wall') return ms + span.ms;
  if (span.kind === 'business_days') return addBusinessDays(bh, ms, span.days);
  return addBusinessDuration(bh, ms, span.ms);
}

/**
 * Business time (ms) in [a, b): Friday 16:00 -> Monday 11:00 is 4 h; a full Mon-Fri 09:00-18:00 week is 45 h
 * whether or not a DST change falls on its weekend. Negative when b < a.
 */
export function businessTimeBetween(bh: BusinessHours, a: number, b: number): number {
  assertInstant(a, 'from');
  assertInstant(b, 'to');
  if (b < a) return -businessTimeBetween(bh, b, a);
  const c = compile(bh);
  const first = dateOf(c, a);
  const last = dayNumber(dateOf(c, b));
  let total = 0;
  for (let date = first; dayNumber(date) <= last; date = addDaysToDate(date, 1)) {
    const w = windowOn(c, date);
    if (w) total += Math.max(0, Math.min(b, w.close) - Math.max(a, w.open));
  }
  return total;
}
