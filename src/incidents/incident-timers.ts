/** The incidents feature's timer kinds, each with its payload's schema (checked when set and when read). */
import { z } from 'zod';
import { timerKind } from '../engine/timer-registry.js';

const incidentId = z.object({ incidentId: z.number().int().positive() });

export const INCIDENT_TIMERS = {
  reminder: timerKind('incident.reminder', incidentId),
  firstUpdate: timerKind('incident.first_update', incidentId),
  notify: timerKind('incident.notify', incidentId.extend({ rule: z.number().int().nonnegative() })),
  postmortem: timerKind('incident.postmortem_due', incidentId),
} as const;
