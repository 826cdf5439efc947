/**
 * What happens at a shift boundary, decided purely: who to announce, which user group members to set,
 * and when the next boundary is. A boundary timer that fires late (the bot was down across it) announces
 * the shift in force now, once, instead of replaying every missed week.
 */
import { z } from 'zod';
import { timerKind } from '../engine/timer-registry.js';
import type { Policy, RotationPolicy } from '../config/policy.js';
import { PRIORITY, type OutgoingCall } from '../engine/outbox.js';
import type { TimerSpec } from '../engine/timers.js';
import { mention, slackDate } from '../slack/format.js';
import { isSecondaryOnlyChange, nextTurnChangeAt, whoIsOnCall, type Override } from './rotation.js';

export const BOUNDARY_TIMER = 'schedule.boundary';

/** A rotation's turn changing (a shift, or a staggered secondary's handoff): checked when set and when read. */
export const BOUNDARY_TIMER_KIND = timerKind(BOUNDARY_TIMER, z.object({ rotation: z.string(), shiftStart: z.number().int() }));

export type BoundaryPayload = z.infer<typeof BOUNDARY_TIMER_KIND.schema>;

export function boundaryTimer(rotation: RotationPolicy, shiftStart: number): TimerSpec {
  return BOUNDARY_TIMER_KIND.spec({
    subject: `rotation:${rotation.name}`,
    key: `boundary:${rotation.name}:${shiftStart}`,
    dueAt: shiftStart,
    payload: { rotation: rotation.name, shiftStart },
  });
}

/**
 * The next boundary timer of a rotation after `now`: the next shift, or a staggered secondary's handoff when
 * that comes first (scheduling it twice is harmless: it is keyed).
 */
export function nextBoundaryTimer(rotation: RotationPolicy, now: number): TimerSpec {
  return boundaryTimer(rotation, nextTurnChangeAt(rotation, now));
}

export interface BoundaryDecision {
  calls: OutgoingCall[];
  next: TimerSpec | null;
}

export function decideBoundary(policy: Policy, payload: BoundaryPayload, overrides: readonly Override[], now: number): BoundaryDecision {
  const rotation = policy.rotations[payload.rotation];
  if (!rotation) return { calls: [], next: null }; // removed from the policy: its timers end here
  const onCall = whoIsOnCall(rotation, overrides, now);
  const calls: OutgoingCall[] = [];
  // Half way through a shift only the staggered secondary changes: say that, and leave the user group alone.
  if (isSecondaryOnlyChange(rotation, payload.shiftStart) && payload.shiftStart >= onCall.shiftStart) {
    if (rotation.channel && onCall.secondary) {
      const stays = onCall.primary
        ? `${mention(onCall.primary.userId)} stays primary until ${slackDate(onCall.primary.until)}`
        : 'nobody is primary';
      calls.push({
        method: 'chat.postMessage',
        args: {
          channel: rotation.channel,
          text: `:arrows_counterclockwise: *${rotation.name}* secondary change: ${mention(onCall.secondary.userId)} is secondary until ${slackDate(onCall.secondary.until)}; ${stays}.`,
        },
        priority: PRIORITY.notice,
      });
    }
    return { calls, next: nextBoundaryTimer(rotation, now) };
  }
  if (rotation.channel) {
    const primary = onCall.primary
      ? `${mention(onCall.primary.userId)} is primary until ${slackDate(onCall.primary.until)}`
      : 'nobody is primary (add members or an override)';
    const secondary = onCall.secondary
      ? `${mention(onCall.secondary.userId)} is secondary${rotation.secondaryLagDays > 0 ? ` until ${slackDate(onCall.secondary.until)}` : ''}`
      : 'no secondary';
    calls.push({
      method: 'chat.postMessage',
      args: { channel: rotation.channel, text: `:arrows_counterclockwise: *${rotation.name}* shift change: ${primary}; ${secondary}.` },
      priority: PRIORITY.notice,
    });
  }
  if (rotation.usergroup && onCall.primary) {
    calls.push({
      method: 'usergroups.users.update',
      args: { usergroup: rotation.usergroup, users: onCall.primary.userId },
      priority: PRIORITY.notice,
    });
  }
  return { calls, next: nextBoundaryTimer(rotation, now) };
}
