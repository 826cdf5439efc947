/**
 * Fairness lint over the coming weeks (seed 002's rotation principles): nobody primary for more than two
 * consecutive weeks, newcomers shadow a week before their first primary shift, and no shift without a
 * primary. Pure: the caller gives the window.
 */
import type { RotationPolicy } from '../config/policy.js';
import { shiftsBetween, type Override } from './rotation.js';

export interface LintFinding {
  rotation: string;
  at: number;
  message: string;
}

export const MAX_CONSECUTIVE_PRIMARY_WEEKS = 2;

export function lintRotation(rotation: RotationPolicy, overrides: readonly Override[], from: number, to: number): LintFinding[] {
  const findings: LintFinding[] = [];
  const shifts = shiftsBetween(rotation, overrides, from, to);
  const weekMs = 7 * 24 * 3_600_000;
  let streakUser: string | null = null;
  let streakMs = 0;
  let reported = false;
  const hasShadowed = new Set<string>();
  for (const shift of shifts) {
    const primary = shift.primary?.userId ?? null;
    const length = shift.end - shift.start;
    if (!primary) {
      findings.push({ rotation: rotation.name, at: shift.start, message: 'nobody is primary for this shift' });
    }
    if (primary && primary === streakUser) streakMs += length;
    else {
      streakUser = primary;
      streakMs = length;
      reported = false;
    }
    // A week is 167-169 h around DST: count weeks with an hour of slack.
    if (primary && !reported && streakMs > MAX_CONSECUTIVE_PRIMARY_WEEKS * weekMs + 2 * 3_600_000) {
      findings.push({
        rotation: rotation.name,
        at: shift.start,
        message: `<@${primary}> is primary for more than ${MAX_CONSECUTIVE_PRIMARY_WEEKS} consecutive weeks`,
      });
      reported = true;
    }
    if (primary && rotation.shadows.includes(primary) && !hasShadowed.has(primary)) {
      findings.push({
        rotation: rotation.name,
        at: shift.start,
        message: `<@${primary}> takes primary without a shadow week first (they are listed under shadows)`,
      });
      hasShadowed.add(primary);
    }
    if (shift.secondary) hasShadowed.add(shift.secondary.userId);
  }
  return findings;
}
