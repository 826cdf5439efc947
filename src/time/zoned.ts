/**
 * Wall-clock time in a named zone <-> UTC instants, on date-fns-tz. Schedules are wall-clock rules
 * ("Monday 09:00 in New York"); storage is UTC epoch ms.
 */
import { formatInTimeZone, fromZonedTime } from 'date-fns-tz';
import { HOUR } from './clock.js';

export interface WallTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function formatInZone(ms: number, zone: string, pattern: string): string {
  return formatInTimeZone(ms, zone, pattern);
}

/**
 * The instant at which the zone's clocks show `wall`.
 * DST edges: a wall time inside the spring-forward gap (02:30 on the day New York jumps 02:00 -> 03:00) does
 * not exist and maps to the moment after the gap, as the clock would read it (03:30 EDT); a wall time in
 * the fall-back overlap (01:30 happens twice) maps to its first occurrence.
 */
export function wallTimeToInstant(zone: string, wall: WallTime): number {
  const text = `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}T${pad(wall.hour)}:${pad(wall.minute)}:00`;
  const instant = fromZonedTime(text, zone).getTime();
  const shown = formatInTimeZone(instant, zone, "yyyy-MM-dd'T'HH:mm:ss");
  if (shown === text) return instant;
  // In the gap: date-fns-tz answers with the instant before it; move forward by the gap (one hour in practice).
  return instant + HOUR;
}

/** Calendar arithmetic on plain dates (no zone involved): 2026-03-30 + 7 days. */
export function addDaysToDate(date: { year: number; month: number; day: number }, days: number): { year: number; month: number; day: number } {
  const utc = Date.UTC(date.year, date.month - 1, date.day) + days * 24 * HOUR;
  const d = new Date(utc);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** The wall-clock date and time of an instant in a zone; weekday 0 = Sunday. */
export function instantToWallTime(zone: string, ms: number): WallTime & { weekday: number } {
  const [y, mo, d, h, mi, w] = formatInTimeZone(ms, zone, 'yyyy M d H m i').split(' ').map(Number) as number[];
  return { year: y!, month: mo!, day: d!, hour: h!, minute: mi!, weekday: w! % 7 };
}

export function parseDate(text: string): { year: number; month: number; day: number } | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const date = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  const check = addDaysToDate(date, 0);
  return check.year === date.year && check.month === date.month && check.day === date.day ? date : null;
}
