/**
 * Swaps' decisions, pure: (state, command, policy, now) -> Effects. The state is what swap-gather.ts read (the
 * request, the overrides a new one is planned against, the id a new one gets); the effects are what
 * swap-apply.ts writes (the request row, overrides, the expiry timer, outbox calls, `shift.changed`). Wording is
 * swap.ts's. Table tests: test/schedules/swap-decide.test.ts.
 */
import type { Policy } from '../config/policy.js';
import { noEffects, type Effects } from '../engine/effects.js';
import { PRIORITY } from '../engine/outbox.js';
import { mention } from '../slack/format.js';
import type { NewOverride } from './override-store.js';
import type { Override } from './rotation.js';
import type { ShiftChangedEvent } from './schedule-events.js';
import {
  planSwap,
  SWAP_EXPIRY_TIMER,
  SWAP_OUTCOME,
  SWAP_TOLD,
  SWAP_USAGE,
  swapAgreedText,
  swapClosedText,
  swapOutcomeBlocks,
  swapRef,
  swapRequestBlocks,
  swapRequestText,
  swapSentText,
  type SwapPlan,
} from './swap.js';
import type { SwapRow } from './swap-store.js';

/** A row swaps write: a new request (its id reserved by the gather), a request's outcome, an override of the schedule. */
export type SwapWrite =
  | { kind: 'request'; id: number; at: number; plan: SwapPlan }
  | { kind: 'outcome'; id: number; status: 'accepted' | 'declined' | 'expired'; at: number }
  | { kind: 'override'; at: number; override: NewOverride };

export type SwapEvent = ShiftChangedEvent;
export type SwapEffects = Effects<SwapWrite, SwapEvent>;

export interface SwapState {
  /** The request the command names (answer, expire); null: there is none. */
  swap: SwapRow | null;
  /** The overrides not over yet (request): the schedule the trade is planned on. */
  overrides: readonly Override[];
  /** The id a request written by this decision gets (swap-store.ts reserves it in the transaction). */
  nextId: number;
}

export type SwapCommand =
  | { kind: 'request'; rotation: string; requester: string; partner: string; date: number }
  | { kind: 'answer'; id: number; by: string; answer: 'accepted' | 'declined' }
  | { kind: 'expire'; id: number };

export interface SwapDecision {
  effects: SwapEffects;
  /** What the person who asked is told (a request's confirmation or refusal, an answer's refusal); null: nothing. */
  reply: string | null;
}

export function decideSwapCommand(state: SwapState, command: SwapCommand, policy: Policy, now: number): SwapDecision {
  const effects: SwapEffects = noEffects();
  const reply = run(effects, state, command, policy, now);
  return { effects, reply };
}

/** The request answered or lapsed: its expiry timer cancelled, the partner's DM edited to say how. */
function close(effects: SwapEffects, row: SwapRow, outcome: string): void {
  effects.timers.push({ op: 'cancel', subject: swapRef(row.id), kind: SWAP_EXPIRY_TIMER.kind });
  effects.calls.push({
    method: 'chat.update',
    args: { text: swapClosedText(row.id, outcome), blocks: swapOutcomeBlocks(row.id, row, outcome) },
    priority: PRIORITY.cosmetic,
    targetRef: swapRef(row.id),
  });
}

function run(effects: SwapEffects, state: SwapState, command: SwapCommand, policy: Policy, now: number): string | null {
  switch (command.kind) {
    case 'request': {
      const rotation = policy.rotations[command.rotation];
      if (!rotation) return `There is no rotation \`${command.rotation}\`.${SWAP_USAGE}`;
      const planned = planSwap(rotation, state.overrides, command.requester, command.partner, command.date, now);
      if (!planned.ok) return `${planned.error}${SWAP_USAGE}`;
      const { plan } = planned;
      const id = state.nextId;
      effects.writes.push({ kind: 'request', id, at: now, plan });
      effects.timers.push({ op: 'set', timer: SWAP_EXPIRY_TIMER.spec({ subject: swapRef(id), dueAt: plan.expiresAt, payload: { id } }) });
      effects.calls.push({
        method: 'chat.postMessage',
        args: {
          channel: plan.partner,
          text: swapRequestText(id, plan),
          blocks: swapRequestBlocks(id, plan),
        },
        priority: PRIORITY.notice,
        ref: swapRef(id),
      });
      return swapSentText(id, plan);
    }
    case 'expire': {
      const row = state.swap;
      if (row?.status !== 'pending') return null;
      effects.writes.push({ kind: 'outcome', id: row.id, status: 'expired', at: now });
      close(effects, row, SWAP_OUTCOME.lapsed(now));
      effects.calls.push({
        method: 'chat.postMessage',
        args: {
          channel: row.requester,
          text: SWAP_TOLD.lapsed(row.id, row.partner),
        },
        priority: PRIORITY.notice,
      });
      return null;
    }
    case 'answer':
      return answer(effects, state, command, policy, now);
  }
}

function answer(
  effects: SwapEffects,
  state: SwapState,
  c: Extract<SwapCommand, { kind: 'answer' }>,
  policy: Policy,
  now: number,
): string | null {
  const { id, by } = c;
  const row = state.swap;
  if (!row) return `Swap request #${id} does not exist any more.`;
  if (by !== row.partner) return `Only ${mention(row.partner)} can answer swap request #${id}; it was sent to them.`;
  if (row.status !== 'pending') return `Swap request #${id} was already ${row.status}.`;
  if (now >= row.expiresAt) {
    effects.writes.push({ kind: 'outcome', id, status: 'expired', at: now });
    close(effects, row, SWAP_OUTCOME.lapsedBeforeAnswer);
    return `Swap request #${id} had expired; ask ${mention(row.requester)} to propose it again.`;
  }
  effects.writes.push({ kind: 'outcome', id, status: c.answer, at: now });
  if (c.answer === 'declined') {
    close(effects, row, SWAP_OUTCOME.declined(by, now));
    effects.calls.push({
      method: 'chat.postMessage',
      args: { channel: row.requester, text: SWAP_TOLD.declined(id, by) },
      priority: PRIORITY.notice,
    });
    return null;
  }
  const base = { rotation: row.rotation, role: row.role, reason: 'swap' as const, createdBy: row.requester };
  effects.writes.push({
    kind: 'override',
    at: now,
    override: { ...base, userId: row.partner, startsAt: row.shiftStart, endsAt: row.shiftEnd },
  });
  if (row.returnStart !== null && row.returnEnd !== null)
    effects.writes.push({
      kind: 'override',
      at: now,
      override: { ...base, userId: row.requester, startsAt: row.returnStart, endsAt: row.returnEnd },
    });
  effects.events.push({ type: 'shift.changed', rotation: row.rotation });
  close(effects, row, SWAP_OUTCOME.accepted(by, now));
  const told = swapAgreedText(row);
  const rotationChannel = policy.rotations[row.rotation]?.channel;
  if (rotationChannel)
    effects.calls.push({ method: 'chat.postMessage', args: { channel: rotationChannel, text: told }, priority: PRIORITY.notice });
  effects.calls.push({
    method: 'chat.postMessage',
    args: { channel: row.requester, text: SWAP_TOLD.accepted(id, by, told) },
    priority: PRIORITY.notice,
  });
  return null;
}
