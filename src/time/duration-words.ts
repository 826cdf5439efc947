/**
 * How a length of time is written, in one place. Two registers:
 *
 * - policyDuration: as the policy file writes it ("45m", "1h30m", "24h", "3d", "1w"), for `policy explain`, the
 *   simulator and any text that quotes the policy. A day or so reads better in hours ("24h", "36h"), as people
 *   write a postmortem deadline; whole weeks are weeks.
 * - durationWords: as a sentence says it ("12 min", "1 h 5 min", "2 d 3 h"), for messages and reports. Under a
 *   minute it counts seconds (at least 1 s); under two days hours and minutes; beyond, days and hours.
 *
 * Pure: no clock, no zone.
 */
import { DAY, HOUR, MINUTE, SECOND } from './clock.js';

const WEEK = 7 * DAY;

const POLICY_UNITS: Array<[string, number]> = [
  ['w', WEEK],
  ['d', DAY],
  ['h', HOUR],
  ['m', MINUTE],
  ['s', SECOND],
];

/** 2_700_000 -> "45m", 5_400_000 -> "1h30m", 86_400_000 -> "24h", 259_200_000 -> "3d", 604_800_000 -> "1w"; 0 -> "0m". */
export function policyDuration(ms: number): string {
  if (ms <= 0) return '0m';
  let rest = ms;
  let out = '';
  for (const [unit, size] of POLICY_UNITS) {
    if (unit === 'd' && ms < 2 * DAY) continue;
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return out || `${ms}ms`;
}

/** "30 s", "12 min", "1 h", "1 h 5 min", "2 d", "2 d 3 h": rounded to the minute from a minute on. */
export function durationWords(ms: number): string {
  const minutes = Math.round(ms / MINUTE);
  if (minutes < 1) return `${Math.max(1, Math.round(ms / SECOND))} s`;
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}
