/**
 * The escalation rule, pure: given the chain, where the page stands, who is on call now and the clock,
 * decide who to notify for this step and when the next step is due. Like GoAlert's calcUpdates: no I/O.
 *
 * - A step's wait (`after`) counts from when the previous step was DUE, not from when Slack accepted it,
 *   so a slow or rate-limited Slack never stretches the chain.
 * - A step whose target is nobody (empty rotation slot, unset role) is skipped at once and reported.
 * - A chain that is quiet at night (P2 by default) never notifies outside business hours: the step waits
 *   for the next business start. Waits marked business_hours count business time only.
 * - After the last step, the chain repeats from the first step after the last step's wait, `loops` times in
 *   all; after the last loop the page is exhausted after that same wait.
 */
import type { PageTarget, SeverityEscalation } from '../config/policy.js';
import { parsePageTarget } from '../config/policy-target.js';
import { addBusinessDuration, isBusinessTime, nextBusinessStart, type BusinessHours } from '../time/business-hours.js';
import { DEFAULT_STEP_AFTER_MS } from '../config/presets.js';

export interface OnCallNow {
  primary: string | null;
  secondary: string | null;
}

export interface ResolvedTarget {
  users: string[];
  groups: string[];
}

/**
 * Who a step's target is right now: primary/secondary from the schedule, another rotation's (from `others`),
 * a role under people (unset: nobody), a user or a user group. One case per kind: a new kind does not compile
 * until it is said here who it reaches.
 */
export function resolveTarget(
  target: PageTarget,
  onCall: OnCallNow,
  people: Record<string, string>,
  others: Record<string, OnCallNow> = {},
): ResolvedTarget {
  const user = (who: string | null | undefined): ResolvedTarget => ({ users: who ? [who] : [], groups: [] });
  switch (target.kind) {
    case 'on-call':
      return user(onCall[target.role]);
    case 'rotation':
      return user(others[target.rotation]?.[target.role]);
    case 'role':
      return user(Object.hasOwn(people, target.role) ? people[target.role] : null);
    case 'person':
      return user(target.userId);
    case 'usergroup':
      return { users: [], groups: [target.usergroupId] };
  }
}

/**
 * A notify rule's or a playbook trigger's `who` (primary, secondary, a role, a user or a user group) right
 * now, read with the same parser as a step's `page:`; a text that is no target reaches nobody.
 */
export function resolveWho(
  who: string,
  onCall: OnCallNow,
  people: Record<string, string>,
  others: Record<string, OnCallNow> = {},
): ResolvedTarget {
  const parsed = parsePageTarget(who, people);
  return parsed.ok ? resolveTarget(parsed.target, onCall, people, others) : { users: [], groups: [] };
}

export interface StepPosition {
  stepIndex: number;
  loop: number;
}

export interface EscalationInput extends StepPosition {
  chain: SeverityEscalation;
  /** When this step was due (the base for the next wait). */
  dueAt: number;
  now: number;
  onCall: OnCallNow;
  /** Other rotations' on-call now, for steps that name one ("frontend.primary"). */
  others?: Record<string, OnCallNow>;
  people: Record<string, string>;
  businessHours: BusinessHours;
}

export type EscalationDecision =
  | { kind: 'defer'; until: number }
  | {
      kind: 'notify';
      position: StepPosition;
      target: PageTarget;
      users: string[];
      groups: string[];
      skipped: Array<StepPosition & { target: PageTarget }>;
      next: { kind: 'step'; position: StepPosition; dueAt: number } | { kind: 'exhaust'; dueAt: number };
    }
  | { kind: 'exhausted'; skipped: Array<StepPosition & { target: PageTarget }> };

/** A repeat or the end of the chain waits `repeat_after` if written, else as long as the last step did (15 min if that was zero). */
function tailWait(chain: SeverityEscalation): { ms: number; business: boolean } {
  const last = chain.steps[chain.steps.length - 1]!;
  // repeat_after is wall time, whatever the last step counted.
  if (chain.repeatAfterMs !== null) return { ms: chain.repeatAfterMs, business: false };
  return { ms: last.afterMs > 0 ? last.afterMs : DEFAULT_STEP_AFTER_MS, business: last.businessHours };
}

/** The wait before a step the chain jumps to (a changed severity): its own, or the default when it has none (the first). */
export function stepWait(chain: SeverityEscalation, position: StepPosition): number {
  return chain.steps[position.stepIndex]!.afterMs || DEFAULT_STEP_AFTER_MS;
}

function after(bh: BusinessHours, base: number, ms: number, business: boolean): number {
  return business ? addBusinessDuration(bh, base, ms) : base + ms;
}

/** The step after `p`: the next one in this round, else the first of the next round, else null (the chain is done). */
export function nextStep(chain: SeverityEscalation, p: StepPosition): StepPosition | null {
  if (p.stepIndex + 1 < chain.steps.length) return { stepIndex: p.stepIndex + 1, loop: p.loop };
  if (p.loop + 1 < chain.loops) return { stepIndex: 0, loop: p.loop + 1 };
  return null;
}

/**
 * The step after `p` in a chain `p` may not belong to (the severity changed under the page): `p`'s round is
 * clamped into the chain's rounds, and past the chain's end the last round starts again rather than end, so a
 * page whose severity changed always has a next step.
 */
export function nextStepWithin(chain: SeverityEscalation, p: StepPosition): StepPosition {
  const clamped = { stepIndex: p.stepIndex, loop: Math.min(p.loop, chain.loops - 1) };
  return nextStep(chain, clamped) ?? { stepIndex: 0, loop: chain.loops - 1 };
}

export function decideEscalation(input: EscalationInput): EscalationDecision {
  const { chain, now, businessHours } = input;
  if (chain.quietAtNight && !isBusinessTime(businessHours, now)) {
    return { kind: 'defer', until: nextBusinessStart(businessHours, now) };
  }
  const skipped: Array<StepPosition & { target: PageTarget }> = [];
  let position: StepPosition | null = { stepIndex: input.stepIndex, loop: input.loop };
  while (position) {
    const step = chain.steps[position.stepIndex]!;
    const target = resolveTarget(step.target, input.onCall, input.people, input.others);
    if (target.users.length > 0 || target.groups.length > 0) {
      const following = nextStep(chain, position);
      const wait = tailWait(chain);
      const next = following
        ? following.stepIndex === 0
          ? { kind: 'step' as const, position: following, dueAt: after(businessHours, input.dueAt, wait.ms, wait.business) }
          : {
              kind: 'step' as const,
              position: following,
              dueAt: after(
                businessHours,
                input.dueAt,
                chain.steps[following.stepIndex]!.afterMs,
                chain.steps[following.stepIndex]!.businessHours,
              ),
            }
        : { kind: 'exhaust' as const, dueAt: after(businessHours, input.dueAt, wait.ms, wait.business) };
      return { kind: 'notify', position, target: step.target, users: target.users, groups: target.groups, skipped, next };
    }
    skipped.push({ ...position, target: step.target });
    position = nextStep(chain, position);
  }
  return { kind: 'exhausted', skipped };
}
