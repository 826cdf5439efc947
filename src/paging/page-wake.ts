/**
 * Waking a person, pure: after a DM step reaches someone, which of the policy's wake steps (policy.wake, per
 * severity) apply to them. Slack is the DM itself; the others (push, sms, voice, email) run only through a
 * method the person has verified, and never for a chain that only asks in chat or logs a task.
 *
 *   P0 wake [slack 0, push 1m, voice 3m], Alice verified push and voice -> push at +1m, voice at +3m
 *   the same, Bob verified nothing                                     -> nothing (the DM is all he gets)
 *   a chat-only or task chain                                          -> nothing, whoever it names
 *
 * Each planned step keeps its index in policy.wake[severity], so a timer names the step it is for.
 */
import type { SeverityEscalation, WakeStep, WakeVia } from '../config/policy.js';

/** The ways beyond Slack a page can reach someone (a ContactKind of contacts/). */
export type WakeMethod = Exclude<WakeVia, 'slack'>;

export interface PlannedWake {
  /** The step's index in policy.wake[severity]. */
  index: number;
  afterMs: number;
  via: WakeMethod;
}

export interface WakeInput {
  chain: Pick<SeverityEscalation, 'chatOnly' | 'task'>;
  /** policy.wake[severity], or undefined when the severity has none. */
  steps: readonly WakeStep[] | undefined;
  /** The methods the person has verified. */
  verified: ReadonlySet<string> | readonly string[];
}

export function planWake({ chain, steps, verified }: WakeInput): PlannedWake[] {
  if (chain.chatOnly || chain.task || !steps) return [];
  const has = (via: string) => (Array.isArray(verified) ? verified.includes(via) : (verified as ReadonlySet<string>).has(via));
  const planned: PlannedWake[] = [];
  steps.forEach((step, index) => {
    if (step.via !== 'slack' && has(step.via)) planned.push({ index, afterMs: step.afterMs, via: step.via });
  });
  return planned;
}

/** The outbox method that reaches a person through each way. */
export const WAKE_METHODS: Record<WakeMethod, string> = {
  push: 'ntfy.publish',
  sms: 'twilio.messages.create',
  voice: 'twilio.calls.create',
  email: 'email.send',
};

/** Whether an outbox method is a provider's (sent through contacts/, not Slack). */
export const isWakeMethod = (method: string): boolean => Object.values(WAKE_METHODS).includes(method);
