/**
 * Seed 004: "If multiple channels trigger for the same window, treat the incident as P0 until proven otherwise."
 * Two different sources firing for the same service within 10 minutes correlate. Pure.
 */
import { MINUTE } from '../time/clock.js';

export const CORRELATION_WINDOW_MS = 10 * MINUTE;

export interface OpenAlertFact {
  id: number;
  source: string;
  service: string | null;
  lastSeenAt: number;
}

/** The open alert from another source for the same service seen within the window, if any. */
export function correlatedWith(
  incoming: { source: string; service: string | null },
  open: readonly OpenAlertFact[],
  now: number,
): OpenAlertFact | null {
  if (!incoming.service) return null;
  return (
    open.find((a) => a.service === incoming.service && a.source !== incoming.source && a.lastSeenAt >= now - CORRELATION_WINDOW_MS) ?? null
  );
}
