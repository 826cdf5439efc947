/**
 * Swaps: the requester's shift goes to the partner and, in return, the partner's next shift of the same role
 * goes to the requester. Nothing changes until the partner accepts (seed 003: both parties confirm).
 * Pure planning and message building; the handlers in swap-actions.ts do the I/O.
 */
import { z } from 'zod';
import { timerKind } from '../engine/timer-registry.js';
import type { RotationPolicy } from '../config/policy.js';
import { mention, slackDate } from '../slack/format.js';
import { roleShiftIndexAt, roleShiftStartAt, shiftsBetween, whoIsOnCall, type Override, type Role } from './rotation.js';

export const SWAP_ACTIONS = { accept: 'oncall.swap.accept', decline: 'oncall.swap.decline' } as const;
/** A proposal that nobody answered lapses. */
export const SWAP_EXPIRY_TIMER = timerKind('schedule.swap_expiry', z.object({ id: z.number().int().positive() }));
/** A proposal lapses after two days, or when the shift starts, whichever is first. */
export const SWAP_TTL_MS = 48 * 3_600_000;

/** The request's DM to the partner (edited when it is answered or lapses), and the subject of its expiry timer. */
export const swapRef = (id: number): string => `swap:${id}`;

export const SWAP_USAGE = '\nUsage: `/oncall swap @other <date in your shift> [rotation]`\nExample: `/oncall swap @bob 2026-12-14`';

export interface SwapPlan {
  rotation: string;
  role: Role;
  requester: string;
  partner: string;
  shiftStart: number;
  shiftEnd: number;
  returnStart: number | null;
  returnEnd: number | null;
  expiresAt: number;
}

export type SwapPlanResult = { ok: true; plan: SwapPlan } | { ok: false; error: string };

export function planSwap(
  rotation: RotationPolicy,
  overrides: readonly Override[],
  requester: string,
  partner: string,
  date: number,
  now: number,
): SwapPlanResult {
  if (requester === partner) return { ok: false, error: 'You cannot swap with yourself; mention the person who takes your shift.' };
  if (!rotation.members.includes(partner)) {
    return { ok: false, error: `${mention(partner)} is not in *${rotation.name}* (${rotation.members.map(mention).join(', ')}).` };
  }
  const shift = whoIsOnCall(rotation, overrides, date);
  const role: Role | null = shift.primary?.userId === requester ? 'primary' : shift.secondary?.userId === requester ? 'secondary' : null;
  if (!role)
    return {
      ok: false,
      error: `You are not on call in *${rotation.name}* during the shift of ${slackDate(date)}; \`/oncall schedule ${rotation.name}\` shows your shifts.`,
    };
  // The role's own turn: a staggered secondary's runs from half way through one shift to half way through the next.
  const k = roleShiftIndexAt(rotation, role, date);
  const shiftStart = roleShiftStartAt(rotation, role, k);
  const shiftEnd = roleShiftStartAt(rotation, role, k + 1);
  if (shiftEnd <= now) return { ok: false, error: 'That shift is already over.' };
  const otherRole: Role = role === 'primary' ? 'secondary' : 'primary';
  if (holdsDuring(rotation, overrides, otherRole, partner, shiftStart, shiftEnd)) {
    return { ok: false, error: `${mention(partner)} is already ${otherRole} in that shift; pick someone who is free then.` };
  }
  let returnStart: number | null = null;
  let returnEnd: number | null = null;
  for (let next = k + 1; next <= k + 2 * rotation.members.length; next += 1) {
    const start = roleShiftStartAt(rotation, role, next);
    const end = roleShiftStartAt(rotation, role, next + 1);
    // Not a shift in which the requester already holds the other role: they would be primary and secondary at once.
    if (
      whoIsOnCall(rotation, overrides, start)[role]?.userId === partner &&
      !holdsDuring(rotation, overrides, otherRole, requester, start, end)
    ) {
      returnStart = start;
      returnEnd = end;
      break;
    }
  }
  return {
    ok: true,
    plan: {
      rotation: rotation.name,
      role,
      requester,
      partner,
      shiftStart,
      shiftEnd,
      returnStart,
      returnEnd,
      expiresAt: Math.max(now + 60_000, Math.min(shiftStart, now + SWAP_TTL_MS)),
    },
  };
}

/** Whether `userId` holds `role` at any moment of [start, end). */
function holdsDuring(
  rotation: RotationPolicy,
  overrides: readonly Override[],
  role: Role,
  userId: string,
  start: number,
  end: number,
): boolean {
  return shiftsBetween(rotation, overrides, start, end).some((stretch) => stretch[role]?.userId === userId);
}

export function describeSwap(plan: Omit<SwapPlan, 'expiresAt'>): string {
  const give = `${mention(plan.partner)} takes ${mention(plan.requester)}'s ${plan.role} shift on *${plan.rotation}* ${slackDate(plan.shiftStart)} → ${slackDate(plan.shiftEnd)}`;
  const back =
    plan.returnStart !== null && plan.returnEnd !== null
      ? `, and ${mention(plan.requester)} takes ${mention(plan.partner)}'s ${slackDate(plan.returnStart)} → ${slackDate(plan.returnEnd)} in return`
      : ' (a one-way cover: no later shift to give back)';
  return `${give}${back}.`;
}

/** The request's DM to the partner (its text; the blocks carry the buttons). */
export const swapRequestText = (id: number, plan: SwapPlan): string =>
  `Swap request #${id} from <@${plan.requester}>: ${describeSwap(plan)}`;

/** To the requester: the request was sent. */
export const swapSentText = (id: number, plan: SwapPlan): string =>
  `Swap request #${id} sent to ${mention(plan.partner)}: ${describeSwap(plan)} Nothing changes until they accept (by ${slackDate(plan.expiresAt)}).`;

/** The partner's DM edited once the request is answered or lapses. */
export const swapClosedText = (id: number, outcome: string): string => `Swap request #${id}: ${outcome}`;

/** How a request ended, as its edited DM says it. */
export const SWAP_OUTCOME = {
  lapsed: (at: number) => `expired unanswered at ${slackDate(at)}; the schedule is unchanged.`,
  lapsedBeforeAnswer: 'expired before it was answered; the schedule is unchanged.',
  declined: (by: string, at: number) => `declined by ${mention(by)} at ${slackDate(at)}; the schedule is unchanged.`,
  accepted: (by: string, at: number) => `accepted by ${mention(by)} at ${slackDate(at)}; the schedule is changed.`,
} as const;

/** To the requester, once the request is answered or lapses. */
export const SWAP_TOLD = {
  lapsed: (id: number, partner: string) => `Your swap request #${id} to ${mention(partner)} expired unanswered; the schedule is unchanged.`,
  declined: (id: number, by: string) => `${mention(by)} declined your swap request #${id}; the schedule is unchanged.`,
  accepted: (id: number, by: string, agreed: string) => `${mention(by)} accepted your swap request #${id}. ${agreed}`,
} as const;

/** In the rotation's channel and to the requester, once the partner accepted. */
export function swapAgreedText(plan: Omit<SwapPlan, 'expiresAt'>): string {
  return `:repeat: Swap agreed: ${describeSwap(plan)}`;
}

export function swapRequestBlocks(id: number, plan: SwapPlan): unknown[] {
  return [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `:repeat: *Swap request #${id}* from ${mention(plan.requester)}\n${describeSwap(plan)}` },
    },
    { type: 'context', elements: [{ type: 'mrkdwn', text: `Answer by ${slackDate(plan.expiresAt)}; nothing changes unless you accept.` }] },
    {
      type: 'actions',
      block_id: `swap:${id}`,
      elements: [
        {
          type: 'button',
          action_id: SWAP_ACTIONS.accept,
          text: { type: 'plain_text', text: 'Accept swap' },
          style: 'primary',
          value: String(id),
        },
        {
          type: 'button',
          action_id: SWAP_ACTIONS.decline,
          text: { type: 'plain_text', text: 'Decline' },
          style: 'danger',
          value: String(id),
        },
      ],
    },
  ];
}

export function swapOutcomeBlocks(id: number, plan: Omit<SwapPlan, 'expiresAt'>, outcome: string): unknown[] {
  return [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `:repeat: *Swap request #${id}* from ${mention(plan.requester)}\n${describeSwap(plan)}` },
    },
    { type: 'context', elements: [{ type: 'mrkdwn', text: outcome }] },
  ];
}
