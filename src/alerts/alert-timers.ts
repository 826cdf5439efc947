/** Alerts' timers (engine/timer-registry.ts): each kind with its payload, checked when set and when read. */
import { z } from 'zod';
import { timerKind } from '../engine/timer-registry.js';

/** Edits an alert's channel message with its count (alerts stored before grouping). */
export const ALERT_REFRESH_TIMER = timerKind('alert.refresh', z.object({ alertId: z.number().int().positive() }));
/** Edits an alert group's channel message (and its page's DM replies) with its count and latest members. */
export const ALERT_GROUP_REFRESH_TIMER = timerKind('alert.group_refresh', z.object({ groupId: z.number().int().positive() }));
/** A storm edits a message at most this often. */
export const ALERT_EDIT_INTERVAL_MS = 10_000;
