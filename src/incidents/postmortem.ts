/** When a postmortem is due and what its draft says. Pure. */
import type { PolicyDuration } from '../config/duration.js';
import { spanEnd, type BusinessHours } from '../time/business-hours.js';

export const POSTMORTEM_SECTIONS = [
  'What happened',
  'User impact',
  'Root cause',
  'Mitigation applied',
  'Permanent fix',
  'Preventive actions',
] as const;

/** "2 business days" after Thursday 15:00 is Monday 15:00; a wall duration is plain elapsed time. */
export function postmortemDueAt(resolvedAt: number, due: PolicyDuration, businessHours: BusinessHours): number {
  return spanEnd(businessHours, resolvedAt, due);
}
