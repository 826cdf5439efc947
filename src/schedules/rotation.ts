/**
 * Who is on call at an instant: pure rules over a rotation from the policy and the overrides in force.
 * No clock, no database. Like GoAlert's rule.go, the edge cases are stated here and tested as a table:
 * - Boundaries are wall-clock times in the rotation's zone ("mon 09:00" stays 09:00 across DST, so that
 *   week is 167 or 169 hours long).
 * - The boundary instant belongs to the incoming shift: [start, end).
 * - Shift k's primary is members[k mod n]; its secondary is the member `secondaryOffset` places later,
 *   i.e. next week's primary (seed 002's table).
 * - A staggered secondary (seed 003's "2-week rotation, secondary offset by 1 week") hands off
 *   `secondaryLagDays` after the primary does: secondary stint k runs from shift k's start plus the lag to
 *   shift k+1's start plus the lag, so each primary shift has two secondaries, one per part.
 * - An override covering t replaces the rotation for its role; among overlapping overrides the most
 *   recently created wins (the latest decision is the one people expect).
 */
import type { RotationPolicy } from '../config/policy.js';
import { DAY } from '../time/clock.js';
import { addDaysToDate, parseDate, wallTimeToInstant, weekdayOfDate } from '../time/zoned.js';

export type Role = 'primary' | 'secondary';
export type OverrideReason = 'override' | 'leave' | 'swap';

export interface Override {
  id: number;
  rotation: string;
  role: Role;
  userId: string;
  startsAt: number;
  endsAt: number;
  reason: OverrideReason;
  createdAt: number;
}

export type Why = { kind: 'rotation' } | { kind: OverrideReason; overrideId: number };

export interface Assignment {
  userId: string;
  since: number;
  until: number;
  why: Why;
}

export interface OnCall {
  rotation: string;
  shiftIndex: number;
  shiftStart: number;
  shiftEnd: number;
  primary: Assignment | null;
  secondary: Assignment | null;
}

function firstBoundaryDate(rotation: RotationPolicy) {
  const start = parseDate(rotation.shift.start);
  if (!start) throw new Error(`rotation ${rotation.name}: bad start date ${rotation.shift.start}`);
  // Weekly shifts begin on the handoff weekday on or after the start date; daily and N-day shifts on the date itself.
  if (
    /* Stryker disable next-line ArithmeticOperator: equivalent because `everyMs * DAY` leaves the same remainder mod 7 as `everyMs / DAY` (DAY = 86400000 is 1 mod 7, shifts are whole days, and the product is exact in a double) */ (rotation
      .shift.everyMs /
      DAY) %
      7 !==
    0
  )
    return start;
  const weekday = weekdayOfDate(start);
  return addDaysToDate(start, (rotation.shift.handoffWeekday - weekday + 7) % 7);
}

/**
 * Boundaries already computed, per rotation as loaded (a policy change loads new objects, so this follows it).
 * Zone arithmetic is most of what `who` costs; each page step and Home view asks for the same few shifts.
 */
const boundaryCache = new WeakMap<RotationPolicy, Map<string, number>>();
/** Enough for every shift a year of views asks about; past it the cache starts again rather than grow. */
const BOUNDARY_CACHE_SIZE = 1_024;

/** The instant shift k begins, `laterDays` on (k may be negative: shifts before the rotation's start continue the cycle). */
function boundaryAt(rotation: RotationPolicy, k: number, laterDays: number): number {
  let cache = boundaryCache.get(rotation);
  if (!cache) boundaryCache.set(rotation, (cache = new Map()));
  const key = `${k}:${laterDays}`;
  const known = cache.get(key);
  if (known !== undefined) return known;
  const [hour, minute] = rotation.shift.handoffTime.split(':').map(Number) as [number, number];
  const date = addDaysToDate(firstBoundaryDate(rotation), k * Math.round(rotation.shift.everyMs / DAY) + laterDays);
  const instant = wallTimeToInstant(rotation.shift.timezone, { ...date, hour, minute });
  if (cache.size >= BOUNDARY_CACHE_SIZE) cache.clear();
  cache.set(key, instant);
  return instant;
}

/** The instant shift k begins (k may be negative: shifts before the rotation's start continue the cycle). */
export function shiftStartAt(rotation: RotationPolicy, k: number): number {
  return boundaryAt(rotation, k, 0);
}

/** Days between the primary's handoff and the secondary's: 0 unless the secondary is staggered. */
function lagDays(rotation: RotationPolicy, role: Role): number {
  return role === 'secondary' ? rotation.secondaryLagDays : 0;
}

/** The instant the k-th stint of a role begins: the shift's start, later by the lag for a staggered secondary. */
export function roleShiftStartAt(rotation: RotationPolicy, role: Role, k: number): number {
  return boundaryAt(rotation, k, lagDays(rotation, role));
}

/**
 * The instants the calendar functions hold, with room to spare: date-fns-tz names no zone offset before the
 * year 1 (zoneOffset throws there), and Date ends at +8.64e15 ms (the year 275760). No shift lies outside.
 */
const EARLIEST_SHIFT_MS = Date.UTC(1000, 0, 1);
const LATEST_SHIFT_MS = Date.UTC(200_000, 0, 1);

/** Whether t is the start of one of the rotation's shifts: what a button or form that names a shift change must hold. */
export function isShiftBoundary(rotation: RotationPolicy, t: number): boolean {
  if (!Number.isSafeInteger(t) || t < EARLIEST_SHIFT_MS || t > LATEST_SHIFT_MS) return false;
  // Shifts are whole days long, and DST moves a start by at most an hour: the nearest index is the one.
  const k = Math.round((t - shiftStartAt(rotation, 0)) / rotation.shift.everyMs);
  return shiftStartAt(rotation, k) === t;
}

/** The index of the shift that contains t. */
export function shiftIndexAt(rotation: RotationPolicy, t: number): number {
  return roleShiftIndexAt(rotation, 'primary', t);
}

/** The index of the role's stint that contains t (the shift's index unless the secondary is staggered). */
export function roleShiftIndexAt(rotation: RotationPolicy, role: Role, t: number): number {
  const lag = lagDays(rotation, role);
  const origin = boundaryAt(rotation, 0, lag);
  let k = Math.floor((t - origin) / rotation.shift.everyMs);
  // DST makes a shift up to an hour shorter or longer than everyMs: correct the estimate by looking.
  // Stryker disable next-line EqualityOperator: `>=` is equivalent because a k whose start is exactly t is stepped back once here and forward again by the next loop; `<=` never ends (a timeout)
  while (boundaryAt(rotation, k, lag) > t) k -= 1;
  while (boundaryAt(rotation, k + 1, lag) <= t) k += 1;
  return k;
}

const mod = (a: number, n: number) => ((a % n) + n) % n;

export function scheduledMember(rotation: RotationPolicy, k: number, role: Role): string | null {
  const n = rotation.members.length;
  if (n === 0) return null;
  if (role === 'primary') return rotation.members[mod(k, n)]!;
  if (rotation.secondaryOffset === null || n < 2) return null;
  return rotation.members[mod(k + rotation.secondaryOffset, n)]!;
}

/** The override in force for a role at t, if any (newest created wins). */
export function overrideAt(overrides: readonly Override[], role: Role, t: number): Override | null {
  let best: Override | null = null;
  for (const o of overrides) {
    if (o.role !== role || o.startsAt > t || o.endsAt <= t) continue;
    if (
      !best ||
      o.createdAt > best.createdAt ||
      (o.createdAt === best.createdAt &&
        /* Stryker disable next-line EqualityOperator: `>=` is equivalent because ids are unique (the table's key), so no two overrides tie on both (`<=`, skipped with it, fails rotation-rules.test.ts) */ o.id >
          best.id)
    )
      best = o;
  }
  return best;
}

/** One rotation's overrides of one role, sorted by start, and the longest one's length (how far back to look). */
interface RoleOverrides {
  byStart: Override[];
  longest: number;
}

/**
 * Overrides by rotation and role, built once per list: a list is read from the store for one question and never
 * changed after, so its index can be kept beside it. `who` then looks only at those near the instant.
 */
const overrideIndexes = new WeakMap<readonly Override[], Map<string, Record<Role, RoleOverrides>>>();
const NONE: RoleOverrides = { byStart: [], longest: 0 };

function roleOverrides(overrides: readonly Override[], rotation: string, role: Role): RoleOverrides {
  let index = overrideIndexes.get(overrides);
  if (!index) {
    index = new Map();
    for (const o of overrides) {
      let roles = index.get(o.rotation);
      if (!roles) index.set(o.rotation, (roles = { primary: { byStart: [], longest: 0 }, secondary: { byStart: [], longest: 0 } }));
      roles[o.role].byStart.push(o);
      roles[o.role].longest = Math.max(roles[o.role].longest, o.endsAt - o.startsAt);
    }
    for (const roles of index.values()) for (const entry of Object.values(roles)) entry.byStart.sort((a, b) => a.startsAt - b.startsAt);
    overrideIndexes.set(overrides, index);
  }
  return index.get(rotation)?.[role] ?? NONE;
}

/** The overrides that overlap [from, to): a binary search to the first that may, then those starting before `to`. */
function overlapping({ byStart, longest }: RoleOverrides, from: number, to: number): Override[] {
  // Nothing that starts before `from - longest` can still be running at `from`.
  let low = 0;
  let high = byStart.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (byStart[mid]!.startsAt < from - longest) low = mid + 1;
    else high = mid;
  }
  const found: Override[] = [];
  for (let i = low; i < byStart.length && byStart[i]!.startsAt < to; i += 1) {
    if (byStart[i]!.endsAt > from) found.push(byStart[i]!);
  }
  return found;
}

function assignment(rotation: RotationPolicy, overrides: readonly Override[], role: Role, t: number): Assignment | null {
  const k = roleShiftIndexAt(rotation, role, t);
  const start = roleShiftStartAt(rotation, role, k);
  const end = roleShiftStartAt(rotation, role, k + 1);
  // Only overrides overlapping this stint can hold the role at t or cut the rotation's stretch around it.
  const mine = overlapping(roleOverrides(overrides, rotation.name, role), Math.min(start, t), Math.max(end, t + 1));
  const active = overrideAt(mine, role, t);
  if (active) {
    return { userId: active.userId, since: active.startsAt, until: active.endsAt, why: { kind: active.reason, overrideId: active.id } };
  }
  const userId = scheduledMember(rotation, k, role);
  if (!userId) return null;
  // The rotation's own person holds the role between the overrides that touch this shift.
  let since = start;
  let until = end;
  for (const o of mine) {
    if (
      o.endsAt <= t &&
      /* Stryker disable next-line EqualityOperator: `>=` is equivalent because when endsAt equals since, setting since to it changes nothing (`<=`, skipped with it, fails rotation-rules.test.ts) */ o.endsAt >
        since
    )
      since = o.endsAt;
    if (
      o.startsAt > t &&
      /* Stryker disable next-line EqualityOperator: `<=` is equivalent because when startsAt equals until, setting until to it changes nothing (`>=`, skipped with it, fails rotation-rules.test.ts) */ o.startsAt <
        until
    )
      until = o.startsAt;
  }
  return { userId, since, until, why: { kind: 'rotation' } };
}

/** Who is primary and secondary at t, since when, until when, and why. */
export function whoIsOnCall(rotation: RotationPolicy, overrides: readonly Override[], t: number): OnCall {
  const k = shiftIndexAt(rotation, t);
  const shiftStart = shiftStartAt(rotation, k);
  const shiftEnd = shiftStartAt(rotation, k + 1);
  return {
    rotation: rotation.name,
    shiftIndex: k,
    shiftStart,
    shiftEnd,
    primary: assignment(rotation, overrides, 'primary', t),
    secondary: assignment(rotation, overrides, 'secondary', t),
  };
}

/** A stretch of time in which neither role's turn changes: a shift, or a part of one when the secondary is staggered. */
export interface Stretch extends OnCall {
  start: number;
  end: number;
}

/** The first instant after t at which either role's turn changes: the next shift, or a staggered secondary's handoff. */
export function nextTurnChangeAt(rotation: RotationPolicy, t: number): number {
  const nextShift = shiftStartAt(rotation, shiftIndexAt(rotation, t) + 1);
  if (rotation.secondaryLagDays === 0 || rotation.secondaryOffset === null) return nextShift;
  return Math.min(nextShift, roleShiftStartAt(rotation, 'secondary', roleShiftIndexAt(rotation, 'secondary', t) + 1));
}

/** Whether t is an instant at which the secondary's turn changes but the primary's does not. */
export function isSecondaryOnlyChange(rotation: RotationPolicy, t: number): boolean {
  if (rotation.secondaryLagDays === 0 || rotation.secondaryOffset === null) return false;
  return roleShiftStartAt(rotation, 'secondary', roleShiftIndexAt(rotation, 'secondary', t)) === t && !isShiftBoundary(rotation, t);
}

/** The stretches that overlap [from, to), each answered at its start (or at `from` for the one in progress). */
export function shiftsBetween(rotation: RotationPolicy, overrides: readonly Override[], from: number, to: number): Stretch[] {
  const stretches: Stretch[] = [];
  for (let start = from; start < to; ) {
    const end = nextTurnChangeAt(rotation, start);
    stretches.push({
      ...whoIsOnCall(rotation, overrides, start),
      start: stretches.length === 0 ? stretchStartAt(rotation, start) : start,
      end,
    });
    start = end;
  }
  return stretches;
}

/** The start of the stretch in progress at t: the later of the two roles' current turns. */
function stretchStartAt(rotation: RotationPolicy, t: number): number {
  const shift = shiftStartAt(rotation, shiftIndexAt(rotation, t));
  if (rotation.secondaryLagDays === 0 || rotation.secondaryOffset === null) return shift;
  return Math.max(shift, roleShiftStartAt(rotation, 'secondary', roleShiftIndexAt(rotation, 'secondary', t)));
}
