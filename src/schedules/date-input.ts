/**
 * Dates typed in slash commands, read in the caller's own time zone:
 * `2026-12-01`, `2026-12-01 09:00`, `today`, `tomorrow`, `now`, `next monday` (optionally followed by a time).
 * A bare date means 00:00 that day. Pure: the caller passes `now` and the zone.
 */
import { addDaysToDate, instantToWallTime, parseDate, wallTimeToInstant } from '../time/zoned.js';

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

export const DATE_EXAMPLES = '`2026-12-01`, `2026-12-01 09:00`, `tomorrow`, `next monday 09:00`';

export type ParsedWhen = { ok: true; instant: number; consumed: number } | { ok: false; error: string };

function parseTime(token: string | undefined): { hour: number; minute: number } | null {
  const m = token ? /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(token) : null;
  return m ? { hour: Number(m[1]), minute: Number(m[2]) } : null;
}

/** Reads one date (and optional time) from the start of `tokens`. */
export function parseWhen(tokens: readonly string[], zone: string, now: number): ParsedWhen {
  const [first, second, third] = tokens.map((t) => t.toLowerCase());
  if (!first) return { ok: false, error: `a date is missing; use ${DATE_EXAMPLES}` };
  if (first === 'now') return { ok: true, instant: now, consumed: 1 };
  const today = instantToWallTime(zone, now);
  let date: { year: number; month: number; day: number } | null = null;
  let consumed = 1;
  if (first === 'today') date = today;
  else if (first === 'tomorrow') date = addDaysToDate(today, 1);
  else if (first === 'next' && second && WEEKDAYS.includes(second)) {
    const ahead = (WEEKDAYS.indexOf(second) - today.weekday + 7) % 7 || 7;
    date = addDaysToDate(today, ahead);
    consumed = 2;
  } else if (/^\d{4}-\d{2}-\d{2}$/.test(first)) {
    date = parseDate(first);
    if (!date) return { ok: false, error: `"${tokens[0]}" is not a real date; use ${DATE_EXAMPLES}` };
  } else {
    return { ok: false, error: `"${tokens[0]}" is not a date I can read; use ${DATE_EXAMPLES}` };
  }
  const timeToken = consumed === 1 ? second : third;
  const time = parseTime(timeToken);
  if (time) consumed += 1;
  else if (timeToken && /^\d{1,2}:\d{2}$/.test(timeToken))
    return { ok: false, error: `"${timeToken}" is not a time; use 24-hour time such as 09:00` };
  return { ok: true, instant: wallTimeToInstant(zone, { ...date, hour: time?.hour ?? 0, minute: time?.minute ?? 0 }), consumed };
}
