/**
 * Durations in the policy file: "30s", "15m", "4h", "2d", "1w", combinations such as "1h30m", and
 * "2 business days" / "4 business hours" where only working time counts.
 */
import { DAY, HOUR, MINUTE, SECOND } from '../time/clock.js';

export type PolicyDuration =
  | { kind: 'wall'; ms: number }
  | { kind: 'business_days'; days: number }
  | { kind: 'business_hours'; ms: number };

const UNIT_MS: Record<string, number> = { s: SECOND, m: MINUTE, h: HOUR, d: DAY, w: 7 * DAY };

export class DurationError extends Error {}

export function durationHint(text: unknown): string {
  return `expected a duration like "15m", got ${JSON.stringify(text)}`;
}

/** Wall-clock duration in ms; throws DurationError with the readable reason. */
export function parseDuration(text: string): number {
  const compact = text.trim().toLowerCase().replace(/\s+/g, '');
  if (!/^(\d+[smhdw])+$/.test(compact)) throw new DurationError(durationHint(text));
  let total = 0;
  for (const [, amount, unit] of compact.matchAll(/(\d+)([smhdw])/g)) total += Number(amount) * UNIT_MS[unit!]!;
  if (total <= 0) throw new DurationError(`expected a duration longer than zero, got ${JSON.stringify(text)}`);
  return total;
}

/** A duration that may count business time only ("2 business days", "4 business hours"). */
export function parsePolicyDuration(text: string): PolicyDuration {
  const business = /^\s*(\d+)\s*business\s+(day|days|hour|hours)\s*$/i.exec(text);
  if (business) {
    const n = Number(business[1]);
    if (n <= 0) throw new DurationError(`expected a duration longer than zero, got ${JSON.stringify(text)}`);
    return business[2]!.toLowerCase().startsWith('day') ? { kind: 'business_days', days: n } : { kind: 'business_hours', ms: n * HOUR };
  }
  return { kind: 'wall', ms: parseDuration(text) };
}
