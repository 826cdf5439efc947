/** The handoffs feature's timer kinds, each with its payload's schema (checked when set and when read: engine/timer-registry.ts). */
import { z } from 'zod';
import { timerKind } from '../engine/timer-registry.js';
import { HOUR } from '../time/clock.js';

const shiftChange = z.object({ rotation: z.string(), boundary: z.number().int() });

export const HANDOFF_TIMERS = {
  /** An hour before a boundary: the outgoing primary is asked to write the handoff. */
  prompt: timerKind('handoff.prompt', shiftChange),
  /** At the boundary: the channel is reminded if nothing was posted; the next boundary's timers are set. */
  due: timerKind('handoff.due', shiftChange),
  /** 2 h and 4 h after a boundary whose handoff nobody confirmed: the incoming, then the lead. */
  unconfirmed: timerKind('handoff.unconfirmed', shiftChange.extend({ after: z.number().int().nonnegative() })),
} as const;

/** A handoff written this long after a boundary that had none still counts for it. */
export const LATE_HANDOFF_MS = 4 * HOUR;
export const PROMPT_BEFORE_MS = HOUR;
export const NUDGE_INCOMING_AFTER_MS = 2 * HOUR;
export const TELL_LEAD_AFTER_MS = 4 * HOUR;
/** An unconfirmed nudge that fires later than this after its due time (the bot was down) is dropped. */
export const UNCONFIRMED_STALE_MS = HOUR;
