/**
 * What the policy says about a page, pure and in one place: its chain, where its messages go, its
 * acknowledgement deadline, which notify rules concern it.
 */
import type { NotifyRule, Policy, SeverityEscalation } from '../config/policy.js';
import { spanEnd } from '../time/business-hours.js';

/** A severity without a chain in the policy (P3 by default) still reaches the primary once, in business hours. */
export const FALLBACK_CHAIN: SeverityEscalation = {
  loops: 1,
  chatOnly: true,
  quietAtNight: true,
  task: false,
  repeatAfterMs: null,
  steps: [{ afterMs: 0, target: { kind: 'on-call', role: 'primary' }, via: null, businessHours: false }],
};

export function chainFor(policy: Policy, page: { rotation: string; severity: string }): SeverityEscalation {
  const rotation = policy.rotations[page.rotation];
  return policy.escalation[rotation?.escalation ?? 'default']?.[page.severity] ?? FALLBACK_CHAIN;
}

/**
 * Where a rotation's pages and alerts are followed: its alerts channel, else its own channel, else the
 * policy's alerts channel; null when there is none (alerts and paging share this rule).
 */
export function alertsChannelOf(policy: Policy, rotationName: string): string | null {
  const r = policy.rotations[rotationName];
  return r?.alertsChannel ?? r?.channel ?? policy.channels.alerts ?? null;
}

/** Where a chat-only message or a task goes: the rotation's own channel first (its team reads it), then as alertsChannelOf. */
export function chatChannelOf(policy: Policy, rotationName: string): string | null {
  return policy.rotations[rotationName]?.channel ?? alertsChannelOf(policy, rotationName);
}

/** When the page must be acknowledged by, or null: no deadline for its severity, or nobody told yet. */
export function ackDeadline(policy: Policy, page: { severity: string; toldAt: number | null }): number | null {
  const sla = policy.ackSla[page.severity];
  return sla && page.toldAt !== null ? spanEnd(policy.businessHours, page.toldAt, sla) : null;
}

/** Whether a notify rule concerns a page or incident of this severity with these tags (a rule without tags: any). */
export function notifyRuleApplies(rule: NotifyRule, severity: string, tags: readonly string[]): boolean {
  return rule.severity === severity && (rule.tags.length === 0 || rule.tags.some((t) => tags.includes(t)));
}
