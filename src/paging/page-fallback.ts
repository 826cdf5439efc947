/**
 * Paging does not depend on Slack, pure: 60 s after a DM step, whether the people whose DM Slack has not
 * delivered yet are reached at once through every other way they verified and the bot can send, whatever the
 * policy's wake rules say (a Slack 5xx, a timeout, invalid_auth or a long 429 all leave the DM undelivered).
 *
 *   P0 at 03:00, Slack answers 500; Alice verified push and voice, wake [push 1m, voice 3m] -> push and call now,
 *     the pending wake timers for them cancelled (they would send the same again), the page records "push,voice"
 *   the same, but the push's timer fired already (at the same instant)                     -> only the call now; "push,voice"
 *   Alice's DM was delivered                                                              -> nothing
 *   the page was acknowledged (by phone) or resolved, or has moved on to a later step      -> nothing
 *   a chat-only or task chain (no DMs, nothing wakes anyone)                               -> nothing
 *   Slack failed, but nobody has another way                                               -> nothing to do
 *
 * Whom: each person of the step whose own DM is still undelivered (Slack delivering to one person and not to
 * another is that other's problem, not an outage to answer for everyone).
 */
import type { SeverityEscalation } from '../config/policy.js';
import type { StepPosition } from './escalation.js';
import type { PageStatus } from './page-store.js';
import type { WakeMethod } from './page-wake.js';

/** The order the ways are tried in at once, and how the page's record names each. */
export const FALLBACK_ORDER: readonly WakeMethod[] = ['push', 'sms', 'voice', 'email'];

const SAID: Record<WakeMethod, string> = { push: 'push', sms: 'SMS', voice: 'phone call', email: 'e-mail' };

/** How long Slack has to deliver a step's DMs before the other ways are used. */
export const SLACK_GRACE_MS = 60_000;

/** One wake step the policy planned for a person in this step (page-wake.ts planWake), and whether its timer is still waiting. */
export interface PlannedFor {
  /** Its index in policy.wake[severity] (the wake timer's key names it). */
  index: number;
  via: WakeMethod;
  /** true: its timer has not fired (it would send later); false: it fired, so that way was already used this step. */
  pending: boolean;
}

export interface FallbackPerson {
  userId: string;
  /** Whether Slack delivered this person's DM of the step. */
  delivered: boolean;
  /** The ways they verified (any order; Slack is not one). */
  verified: readonly string[];
  /** The policy's wake steps for them in this step. */
  planned: readonly PlannedFor[];
}

export interface FallbackInput {
  page: { status: PageStatus; stepIndex: number; loop: number };
  chain: Pick<SeverityEscalation, 'chatOnly' | 'task'>;
  /** The step the check was set for. */
  position: StepPosition;
  /** Whom that step DMed. */
  people: readonly FallbackPerson[];
  /** The ways this bot can send (a provider configured). */
  sendable: readonly WakeMethod[];
}

export type FallbackSkip = 'closed' | 'moved-on' | 'chat-or-task' | 'delivered' | 'no-other-way';

export type FallbackDecision =
  | { kind: 'skip'; why: FallbackSkip }
  | {
      kind: 'fall-back';
      /** A wake call each, now. */
      wakes: Array<{ userId: string; via: WakeMethod }>;
      /** Wake steps whose timers are cancelled: their way is used now. */
      cancel: Array<{ userId: string; index: number }>;
      /** Every way the people are reached by this step beyond Slack (now or by the wake rules before), in FALLBACK_ORDER: the page's record. */
      via: WakeMethod[];
      /** Who was reached and how, for the page's notice: "<@U0ALICE> by push and phone call". */
      reached: Array<{ userId: string; via: WakeMethod[] }>;
    };

export function decideSlackFallback(input: FallbackInput): FallbackDecision {
  const { page, chain, position, people, sendable } = input;
  if (page.status !== 'open') return { kind: 'skip', why: 'closed' };
  if (chain.chatOnly || chain.task) return { kind: 'skip', why: 'chat-or-task' };
  if (page.stepIndex !== position.stepIndex || page.loop !== position.loop) return { kind: 'skip', why: 'moved-on' };
  const waiting = people.filter((p) => !p.delivered);
  if (waiting.length === 0) return { kind: 'skip', why: 'delivered' };
  const wakes: Array<{ userId: string; via: WakeMethod }> = [];
  const cancel: Array<{ userId: string; index: number }> = [];
  const reached: Array<{ userId: string; via: WakeMethod[] }> = [];
  for (const person of waiting) {
    const ways = FALLBACK_ORDER.filter(
      (via) =>
        person.verified.includes(via) &&
        sendable.includes(via) &&
        // A way the wake rules already used this step is not used twice.
        !person.planned.some((p) => p.via === via && !p.pending),
    );
    if (ways.length === 0) continue;
    for (const via of ways) wakes.push({ userId: person.userId, via });
    for (const p of person.planned) if (p.pending && ways.includes(p.via)) cancel.push({ userId: person.userId, index: p.index });
    // What the person gets this step beyond Slack: the ways used now and those the wake rules already used.
    const used = (via: WakeMethod) => person.planned.some((p) => p.via === via && !p.pending);
    reached.push({ userId: person.userId, via: FALLBACK_ORDER.filter((via) => ways.includes(via) || used(via)) });
  }
  if (wakes.length === 0) return { kind: 'skip', why: 'no-other-way' };
  const via = FALLBACK_ORDER.filter((v) => reached.some((r) => r.via.includes(v)));
  return { kind: 'fall-back', wakes, cancel, via, reached };
}

/** "push and phone call", "push, SMS and phone call". */
export function waysSaid(via: readonly WakeMethod[]): string {
  const words = via.map((v) => SAID[v]);
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

/**
 * The page's notice: "Slack did not deliver within 60 s: reached <@U0ALICE> by push and phone call, <@U0BOB> by push."
 * User ids only: never a number or a topic.
 */
export function fallbackNotice(pageLabel: string, reached: ReadonlyArray<{ userId: string; via: readonly WakeMethod[] }>): string {
  const who = reached.map((r) => `<@${r.userId}> by ${waysSaid(r.via)}`).join(', ');
  return `:satellite_antenna: ${pageLabel}: Slack did not deliver within ${SLACK_GRACE_MS / 1000} s: reached ${who}.`;
}
