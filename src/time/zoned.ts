/**
 * Wall-clock time in a named zone <-> UTC instants, on date-fns-tz. Schedules are wall-clock rules
 * ("Monday 09:00 in New York"); storage is UTC epoch ms.
 *
 * One primitive does the zone work: `zoneOffset(zone, ms)`, the zone's exact UTC offset at an instant, read
 * from date-fns-tz's offset token (which it computes from the instant itself). Wall fields are then plain UTC
 * arithmetic on `ms + offset`. We deliberately do not read wall fields from date-fns-tz's `toZonedTime` /
 * `formatInTimeZone` date tokens: those go through a Date in the *process's* zone, so on a machine whose own
 * TZ has DST, a wall time inside the local gap comes out an hour off.
 */
import { formatInTimeZone } from 'date-fns-tz';
import { DAY, MINUTE } from './clock.js';

export interface CalendarDate {
  year: number;
  month: number; // 1-12
  day: number; // 1-31
}

export interface WallTime extends CalendarDate {
  hour: number; // 0-23
  minute: number; // 0-59
}

export interface ZonedWallTime extends WallTime {
  second: number; // 0-59
  /** 0 = Sunday .. 6 = Saturday */
  weekday: number;
}

/** Which occurrence of a wall time that happens twice (fall-back overlap) to take. */
export type OverlapChoice = 'earlier' | 'later';

const knownZones = new Set<string>();

/**
 * True for zone names the runtime's Intl knows: IANA names ("Europe/London", "America/New_York"), links
 * ("US/Eastern") and "UTC". Offsets such as "+05:00" and "" are refused, although date-fns-tz would take
 * them, so that one check (here and in the policy schema) decides what a zone is.
 */
export function isValidTimeZone(zone: string): boolean {
  if (typeof zone !== 'string' || zone === '') return false;
  if (knownZones.has(zone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    return false;
  }
  knownZones.add(zone);
  return true;
}

/**
 * Legacy abbreviations the IANA database still carries, and the zone a team writing them almost always means.
 * Most are fixed offsets with no daylight saving time ("EST" is America/Panama's -05:00 all year), so a New York
 * team's handoffs would move by an hour every March and November; the rest are the old POSIX-style rules.
 */
const LEGACY_ZONES: Record<string, string> = {
  EST: 'America/New_York',
  EDT: 'America/New_York',
  EST5EDT: 'America/New_York',
  CST: 'America/Chicago',
  CDT: 'America/Chicago',
  CST6CDT: 'America/Chicago',
  MST: 'America/Denver (or America/Phoenix, which keeps no daylight saving time)',
  MDT: 'America/Denver',
  MST7MDT: 'America/Denver',
  PST: 'America/Los_Angeles',
  PDT: 'America/Los_Angeles',
  PST8PDT: 'America/Los_Angeles',
  HST: 'Pacific/Honolulu',
  AKST: 'America/Anchorage',
  CET: 'Europe/Paris, Europe/Berlin or another city in the zone',
  MET: 'Europe/Paris, Europe/Berlin or another city in the zone',
  EET: 'Europe/Athens, Europe/Helsinki or another city in the zone',
  WET: 'Europe/Lisbon',
  BST: 'Europe/London',
  IST: 'Asia/Kolkata (or Europe/Dublin)',
};

/**
 * Why `zone` should not be used for a schedule, with the name to write instead, or null when it is fine.
 * "UTC" and the explicit fixed offsets under "Etc/" are meant as what they are and pass.
 */
export function legacyZoneAdvice(zone: string): string | null {
  const meant = LEGACY_ZONES[zone.toUpperCase()];
  if (!meant) return null;
  return `"${zone}" is a legacy abbreviation, not the zone of a place: it keeps one offset all year or follows old US rules, so shifts would drift by an hour at daylight saving changes. Write the place's zone: ${meant}`;
}

function assertZone(zone: string): void {
  if (!isValidTimeZone(zone)) {
    throw new RangeError(`unknown time zone ${JSON.stringify(zone)}: expected an IANA name such as "Europe/London" or "UTC"`);
  }
}

function assertInstant(ms: number, what = 'instant'): void {
  if (!Number.isFinite(ms)) throw new RangeError(`${what} must be a finite epoch-ms number, got ${String(ms)}`);
}

const OFFSET = /^([+-])(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** The zone's offset from UTC at instant `ms`, in ms (New York in winter: -5 h). */
export function zoneOffset(zone: string, ms: number): number {
  assertZone(zone);
  assertInstant(ms);
  // A Date, not the number: date-fns-tz treats a falsy date (epoch 0) as "now".
  const text = formatInTimeZone(new Date(ms), zone, 'xxxxx');
  const m = OFFSET.exec(text);
  if (!m) throw new Error(`date-fns-tz gave an unreadable offset ${JSON.stringify(text)} for ${zone}`);
  const size = Number(m[2]) * 3_600_000 + Number(m[3]) * 60_000 + Number(m[4] ?? 0) * 1_000;
  return m[1] === '-' ? -size : size;
}

/** UTC epoch ms of a field set read as UTC; years 0-99 are taken literally (Date.UTC would add 1900). */
function utcFields(year: number, month: number, day: number, hour = 0, minute = 0): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, 0, 0);
  return d.getTime();
}

function assertWall(wall: WallTime): void {
  for (const key of ['year', 'month', 'day', 'hour', 'minute'] as const) {
    if (!Number.isInteger(wall[key])) throw new RangeError(`wall time ${key} must be an integer, got ${String(wall[key])}`);
  }
}

// Pure, and called in loops by business-hours and rotations for the same few dates: a bounded memo.
const wallMemo = new Map<string, number>();
const WALL_MEMO_MAX = 20_000;

/**
 * The instant at which the zone's clocks show `wall` (seconds 0). Fields out of range roll over as in
 * Date.UTC (day 32 of January is February 1; hour 24 is the next day's 00:00).
 *
 * DST edges, decided once here so every schedule agrees:
 * - Gap (spring forward): a wall time that never shows on the clock maps to the instant just after the gap,
 *   shifted forward by the gap's length, as a clock left on the old offset would read it. New York
 *   2026-03-08 02:30 (clocks jump 02:00 EST -> 03:00 EDT) -> 03:30 EDT = 07:30Z; 02:00 -> 03:00 EDT = 07:00Z.
 * - Overlap (fall back): a wall time that shows twice maps to its FIRST occurrence, the earlier instant.
 *   New York 2026-11-01 01:30 -> 01:30 EDT = 05:30Z (not 01:30 EST = 06:30Z). Pass `overlap: 'later'` for
 *   the second one.
 */
export function wallTimeToInstant(zone: string, wall: WallTime, overlap: OverlapChoice = 'earlier'): number {
  assertZone(zone);
  assertWall(wall);
  const naive = utcFields(wall.year, wall.month, wall.day, wall.hour, wall.minute);
  const key = `${zone}|${overlap}|${naive}`;
  const hit = wallMemo.get(key);
  if (hit !== undefined) return hit;

  // Every offset in force within a day either side; a zone changes offset at most once in that span.
  const offsets = new Set([zoneOffset(zone, naive - DAY), zoneOffset(zone, naive + DAY)]);
  for (const o of [...offsets]) offsets.add(zoneOffset(zone, naive - o));
  const instants = [...offsets].map((o) => naive - o);
  const valid = instants.filter((t) => zoneOffset(zone, t) === naive - t);
  let result: number;
  if (valid.length > 0) {
    result = overlap === 'earlier' ? Math.min(...valid) : Math.max(...valid);
  } else {
    // Gap: read with the pre-gap (smaller) offset, the wall time lands after the jump, shifted by its size.
    result = Math.max(...instants);
  }
  if (wallMemo.size >= WALL_MEMO_MAX) wallMemo.clear();
  wallMemo.set(key, result);
  return result;
}

/** The wall-clock date and time of an instant in a zone; weekday 0 = Sunday. */
export function instantToWallTime(zone: string, ms: number): ZonedWallTime {
  const d = new Date(ms + zoneOffset(zone, ms));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    weekday: d.getUTCDay(),
  };
}

/**
 * True when the zone's clocks show this instant's wall time (to the minute) twice: the fall-back hour, e.g.
 * New York 2026-11-01 01:30, shown first at 05:30Z (EDT) and again at 06:30Z (EST). Such a time needs its
 * offset beside it to say which one is meant.
 */
export function isAmbiguousWallTime(zone: string, ms: number): boolean {
  const wall = instantToWallTime(zone, ms);
  return wallTimeToInstant(zone, wall, 'earlier') !== wallTimeToInstant(zone, wall, 'later');
}

/**
 * date-fns pattern text of an instant in a zone, for logs and CLI output ("yyyy-MM-dd HH:mm zzz").
 * Display only: the date tokens go through date-fns-tz's process-local Date, so on a host whose own TZ has
 * DST they can be an hour off inside that host's gap; decisions use instantToWallTime. Slack messages use
 * `<!date^...>` instead, so each reader sees their own zone.
 */
export function formatInZone(ms: number, zone: string, pattern: string): string {
  assertZone(zone);
  assertInstant(ms);
  return formatInTimeZone(new Date(ms), zone, pattern);
}

/** Days since 1970-01-01 of a calendar date, so dates compare and subtract as integers. */
export function dayNumber(date: CalendarDate): number {
  return Math.round(utcFields(date.year, date.month, date.day) / DAY);
}

/** The weekday of a calendar date (0 = Sunday), which no zone can change. */
export function weekdayOfDate(date: CalendarDate): number {
  return new Date(utcFields(date.year, date.month, date.day)).getUTCDay();
}

/** Calendar arithmetic on plain dates (no zone involved): 2026-03-30 + 7 days = 2026-04-06. */
export function addDaysToDate(date: CalendarDate, days: number): CalendarDate {
  const d = new Date(utcFields(date.year, date.month, date.day) + days * DAY);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** "2026-03-08" -> { year: 2026, month: 3, day: 8 }; null when malformed or not a real date (2026-02-30). */
export function parseDate(text: string): CalendarDate | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const date = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  const check = addDaysToDate(date, 0);
  return check.year === date.year && check.month === date.month && check.day === date.day ? date : null;
}

/**
 * `days` calendar days after `ms` at the same wall-clock time in the zone, so a week from Monday 09:00 New
 * York is next Monday 09:00: 167 h across the spring change, 169 h across the fall one. Seconds and ms are
 * kept. If the target wall time is in a gap it moves forward (see wallTimeToInstant); if it is in an overlap,
 * the occurrence with the same offset as `ms` wins, else the first, so adding 0 days returns `ms` even for
 * the second 01:30 of a fall-back night.
 */
export function addCalendarDays(zone: string, ms: number, days: number): number {
  if (!Number.isInteger(days)) throw new RangeError(`days must be an integer, got ${String(days)}`);
  const w = instantToWallTime(zone, ms);
  const wall: WallTime = { ...addDaysToDate(w, days), hour: w.hour, minute: w.minute };
  const subMinute = ((ms % MINUTE) + MINUTE) % MINUTE;
  const first = wallTimeToInstant(zone, wall, 'earlier');
  const second = wallTimeToInstant(zone, wall, 'later');
  const pick = second !== first && zoneOffset(zone, second) === zoneOffset(zone, ms) ? second : first;
  return pick + subMinute;
}

/** An instant as a Date, for libraries that want one (the iCalendar writer); never "now". */
export function instantAsDate(ms: number): Date {
  return new Date(ms);
}
