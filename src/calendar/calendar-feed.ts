/**
 * Shifts as iCalendar, pure: who holds which role from when to when (overrides included), written with
 * ical-generator. Instants are written in UTC, so a calendar shows them right in any zone and across DST.
 */
import ical from 'ical-generator';
import type { RotationPolicy } from '../config/policy.js';
import { whoIsOnCall, type Override, type Role } from '../schedules/rotation.js';
import { instantAsDate } from '../time/zoned.js';

export const FEED_WEEKS = 12;

export interface OnCallSegment {
  rotation: string;
  role: Role;
  userId: string;
  start: number;
  end: number;
  /** Why this person: the rotation's turn, or an override (swap, leave cover, manual) and its number. */
  why: string;
}

const ROLES: readonly Role[] = ['primary', 'secondary'];

/**
 * Every stretch of [from, to) each role is held, split where the holder changes (a shift boundary, or an
 * override starting or ending inside a shift), and joined again where the same person simply carries on.
 */
export function onCallSegments(rotation: RotationPolicy, overrides: readonly Override[], from: number, to: number): OnCallSegment[] {
  const segments: OnCallSegment[] = [];
  for (const role of ROLES) {
    for (let t = from; t < to; ) {
      const now = whoIsOnCall(rotation, overrides, t);
      const held = now[role];
      // Nobody holds it (no secondary): look again when an override of this role or the next shift starts.
      const nextOverride = Math.min(
        ...overrides.filter((o) => o.rotation === rotation.name && o.role === role && o.startsAt > t).map((o) => o.startsAt),
      );
      const end = Math.min(to, held ? Math.min(held.until, now.shiftEnd) : Math.min(nextOverride, now.shiftEnd));
      if (held) {
        const why = held.why.kind === 'rotation' ? 'rotation' : `${held.why.kind} (override #${held.why.overrideId})`;
        const last = segments[segments.length - 1];
        if (last && last.role === role && last.userId === held.userId && last.end === t && last.why === why) last.end = end;
        else segments.push({ rotation: rotation.name, role, userId: held.userId, start: t, end, why });
      }
      t = end > t ? end : now.shiftEnd;
    }
  }
  return segments.sort((a, b) => a.start - b.start || a.role.localeCompare(b.role));
}

export interface FeedInput {
  title: string;
  segments: readonly OnCallSegment[];
  /** Display names by user id; an id without one is shown as it is. */
  names: ReadonlyMap<string, string>;
  /** Which link refreshes it, for the calendar's description. */
  description: string;
}

export function calendarFeed(input: FeedInput): string {
  const calendar = ical({
    name: input.title,
    description: input.description,
    prodId: { company: 'oncall-bot', product: 'on-call shifts', language: 'EN' },
    ttl: 3600,
  });
  for (const s of input.segments) {
    const who = input.names.get(s.userId) ?? s.userId;
    calendar.createEvent({
      // Stable per stretch, so a calendar updates an event instead of duplicating it when the feed refreshes.
      id: `${s.rotation}-${s.role}-${s.start}@oncall-bot`,
      start: instantAsDate(s.start),
      end: instantAsDate(s.end),
      summary: `${who}: ${s.rotation} ${s.role}`,
      description:
        s.why === 'rotation'
          ? `On call for ${s.rotation} (${s.role}) by the rotation.`
          : `On call for ${s.rotation} (${s.role}): ${s.why}.`,
    });
  }
  return calendar.toString();
}
