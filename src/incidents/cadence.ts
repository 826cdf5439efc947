/**
 * When the next status update is due, and when an incident's first one is. Pure.
 *
 * The cadence counts from the last status update (or the declaration before any): an update at minute 14 of
 * a 15-minute cadence moves the next reminder to minute 29. A reminder that fires unanswered counts the next
 * one from itself, so an incident nobody updates is reminded every interval, never twice at once.
 */
import type { Reminder } from '../config/policy.js';
import { durationWords } from '../time/duration-words.js';

export type IncidentStatus = 'investigating' | 'mitigating' | 'monitoring' | 'resolved';
export const INCIDENT_STATUSES: readonly IncidentStatus[] = ['investigating', 'mitigating', 'monitoring', 'resolved'];

export const STATUS_LABELS: Record<IncidentStatus, string> = {
  investigating: 'Investigating',
  mitigating: 'Mitigating',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
};

export function parseStatus(word: string | undefined): IncidentStatus | null {
  const w = word?.toLowerCase();
  return INCIDENT_STATUSES.find((s) => s === w) ?? null;
}

/** The reminder interval in this status, or null when no reminder is due (resolved, or no cadence for the severity). */
export function reminderInterval(reminder: Reminder | undefined, status: IncidentStatus): number | null {
  if (!reminder || status === 'resolved') return null;
  if (reminder.kind === 'every') return reminder.everyMs;
  // "until stabilized": Monitoring is the stabilized state.
  return status === 'monitoring' ? reminder.thenMs : reminder.untilMonitoringMs;
}

export function nextUpdateDue(reminder: Reminder | undefined, status: IncidentStatus, from: number): number | null {
  const interval = reminderInterval(reminder, status);
  return interval === null ? null : from + interval;
}

/** "12 min", "1 h 5 min": how long ago, for reminders (time/duration-words.ts). */
export const humanDuration = durationWords;
