/**
 * Leave, as seed 002 states it: when the primary is away, the secondary becomes primary and the next free
 * person in the rotation (or the engineering lead when nobody is free) covers secondary; when the
 * secondary is away, the next free person covers secondary. Pure: returns the overrides to write.
 */
import type { RotationPolicy } from '../config/policy.js';
import type { NewOverride } from './override-store.js';
import { shiftsBetween, type Override, type Role } from './rotation.js';

export interface LeaveCover {
  role: Role;
  userId: string | null;
  startsAt: number;
  endsAt: number;
}

/** The first member after `after` in rotation order who is none of `busy`. */
function nextFree(rotation: RotationPolicy, after: string | null, busy: ReadonlySet<string>): string | null {
  const n = rotation.members.length;
  const start = after ? rotation.members.indexOf(after) : -1;
  for (let step = 1; step <= n; step += 1) {
    const candidate = rotation.members[(((start + step) % n) + n) % n]!;
    if (!busy.has(candidate)) return candidate;
  }
  return null;
}

export function planLeave(
  rotation: RotationPolicy,
  overrides: readonly Override[],
  who: string,
  from: number,
  to: number,
  lead: string | null,
): LeaveCover[] {
  const covers: LeaveCover[] = [];
  for (const shift of shiftsBetween(rotation, overrides, from, to)) {
    // A stretch, not a whole shift: a staggered secondary changes half way through the primary's shift.
    const startsAt = Math.max(from, shift.start);
    const endsAt = Math.min(to, shift.end);
    const primary = shift.primary?.userId ?? null;
    const secondary = shift.secondary?.userId ?? null;
    if (primary === who) {
      const promoted = secondary && secondary !== who ? secondary : nextFree(rotation, who, new Set([who]));
      covers.push({ role: 'primary', userId: promoted, startsAt, endsAt });
      if (rotation.secondaryOffset !== null) {
        const cover = nextFree(rotation, promoted, new Set([who, ...(promoted ? [promoted] : [])])) ?? lead;
        covers.push({ role: 'secondary', userId: cover, startsAt, endsAt });
      }
    } else if (secondary === who) {
      const cover = nextFree(rotation, primary, new Set([who, ...(primary ? [primary] : [])])) ?? lead;
      covers.push({ role: 'secondary', userId: cover, startsAt, endsAt });
    }
  }
  return covers;
}

export function leaveOverrides(rotation: string, covers: readonly LeaveCover[], createdBy: string): NewOverride[] {
  return covers
    .filter((c): c is LeaveCover & { userId: string } => c.userId !== null)
    .map((c) => ({ rotation, role: c.role, userId: c.userId, startsAt: c.startsAt, endsAt: c.endsAt, reason: 'leave', createdBy }));
}
