/**
 * Durations in the policy file: "30s", "15m", "4h", "2d", "1w", combinations such as "1h30m" (or "1h 30m"),
 * and "2 business days" / "4 business hours" where only working time counts. Pure: no clock, no zone.
 */
import { DAY, HOUR, MINUTE, SECOND } from '../time/clock.js';
import { policyDuration } from '../time/duration-words.js';

/**
 * What a duration means once read. Business durations stay tagged because their length in ms depends on
 * where they start (a Friday evening "2 business days" ends on Wednesday), which only time/ can answer.
 */
export type PolicyDuration =
  | { kind: 'wall'; ms: number }
  | { kind: 'business_days'; days: number }
  | { kind: 'business_hours'; ms: number };

const UNIT_MS: Record<string, number> = { s: SECOND, m: MINUTE, h: HOUR, d: DAY, w: 7 * DAY };

/** Thrown for text that is not a duration; `.message` is the readable reason, ready for a policy error line. */
export class DurationError extends Error {
  constructor(
    message: string,
    /** not_a_duration: the text is no duration at all; not_positive: it is, but zero. */
    readonly reason: 'not_a_duration' | 'not_positive',
  ) {
    super(message);
    this.name = 'DurationError';
  }
}

/** The one wording for "this is not a duration", shared with the policy schema. */
export function durationHint(text: unknown): string {
  // YAML reads `after:` with nothing after it as null.
  return `expected a duration like "15m", got ${text === null || text === undefined ? 'nothing' : JSON.stringify(text)}`;
}

/** Wall-clock duration in ms ("30s" -> 30000); throws DurationError with the readable reason. */
export function parseDuration(text: string): number {
  const compact = text.trim().toLowerCase().replace(/\s+/g, '');
  if (!/^(\d+[smhdw])+$/.test(compact)) throw new DurationError(durationHint(text), 'not_a_duration');
  let total = 0;
  for (const [, amount, unit] of compact.matchAll(/(\d+)([smhdw])/g)) total += Number(amount) * UNIT_MS[unit!]!;
  // "0m" is almost always a slip; a step that should fire at once simply leaves `after` out.
  if (total <= 0) throw new DurationError(`expected a duration longer than zero, got ${JSON.stringify(text)}`, 'not_positive');
  return total;
}

/** "15m", "1h30m", "4 business hours", "next business day": a policy duration as people write it. */
export function describePolicyDuration(d: PolicyDuration): string {
  if (d.kind === 'business_days') return d.days === 1 ? 'next business day' : `${d.days} business days`;
  if (d.kind === 'business_hours') return `${d.ms / HOUR} business hour${d.ms === HOUR ? '' : 's'}`;
  return policyDuration(d.ms);
}

/** A duration that may count business time only ("2 business days", "4 business hours"), else a wall duration. */
export function parsePolicyDuration(text: string): PolicyDuration {
  // Seed 003's P4: "next business day", the same wall time on the next business day.
  if (/^\s*next\s+business\s+day\s*$/i.test(text)) return { kind: 'business_days', days: 1 };
  const business = /^\s*(\d+)\s*business\s+(day|days|hour|hours)\s*$/i.exec(text);
  if (business) {
    const n = Number(business[1]);
    if (n <= 0) throw new DurationError(`expected a duration longer than zero, got ${JSON.stringify(text)}`, 'not_positive');
    return business[2]!.toLowerCase().startsWith('day') ? { kind: 'business_days', days: n } : { kind: 'business_hours', ms: n * HOUR };
  }
  return { kind: 'wall', ms: parseDuration(text) };
}
