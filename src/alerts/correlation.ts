/**
 * Seed 004: "If multiple channels trigger for the same window, treat the incident as P0 until proven otherwise."
 * Two different sources firing for the same service within 10 minutes correlate. It works on alert groups: a new
 * group correlates with an open group of another source for its service seen within the window. Pure.
 */
import { MINUTE } from '../time/clock.js';

export const CORRELATION_WINDOW_MS = 10 * MINUTE;

/** An open alert group (or, for what was stored before grouping, an alert) as correlation sees it. */
export interface OpenAlertFact {
  id: number;
  source: string;
  service: string | null;
  lastSeenAt: number;
}

/** The open group from another source for the same service seen within the window, if any. */
export function correlatedWith<T extends OpenAlertFact>(
  incoming: { source: string; service: string | null },
  open: readonly T[],
  now: number,
): T | null {
  if (!incoming.service) return null;
  return (
    open.find((a) => a.service === incoming.service && a.source !== incoming.source && a.lastSeenAt >= now - CORRELATION_WINDOW_MS) ?? null
  );
}
