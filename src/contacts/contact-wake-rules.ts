/**
 * A person's own wake rules, pure: "also text me at once for P0". Per severity, a way and a delay; they only
 * add a way or bring one earlier than the policy's wake steps, never remove one (the merge is planWake's, in
 * paging/page-wake.ts). Reading what the person typed, and refusing what would add nothing, with why.
 *
 *   also sms P0 now           -> P0: text message at once
 *   also call P1 after 2m     -> P1: phone call after 2m
 *   also voice P0 after 5m    -> refused when the policy already calls at 3m for P0: a rule never makes it later
 */
import { parseDuration } from '../config/duration.js';
import type { Policy, WakeVia } from '../config/policy.js';

export type PersonalVia = Exclude<WakeVia, 'slack'>;

export interface PersonalWakeRule {
  severity: string;
  via: PersonalVia;
  afterMs: number;
}

const VIAS: readonly PersonalVia[] = ['push', 'sms', 'voice', 'email'];
export const isWakeVia = (text: string): text is PersonalVia => (VIAS as readonly string[]).includes(text);

/** The words people use for each way. */
const VIA_SYNONYMS: Record<string, PersonalVia> = {
  push: 'push',
  ntfy: 'push',
  sms: 'sms',
  text: 'sms',
  voice: 'voice',
  call: 'voice',
  phone: 'voice',
  email: 'email',
  'e-mail': 'email',
  mail: 'email',
};

export const PERSONAL_VIA_WORDS: Record<PersonalVia, string> = {
  push: 'push',
  sms: 'text message',
  voice: 'phone call',
  email: 'e-mail',
};

export const RULE_USAGE =
  'Usage: `/oncall contact also <push|sms|call|email> <severity> [now | after <delay>]`, e.g. `/oncall contact also sms P0 now` or `/oncall contact also call P1 after 2m`.';

/** "P0: text message at once", "P1: phone call after 2m". */
export function ruleWords(rule: PersonalWakeRule): string {
  return `${rule.severity}: ${PERSONAL_VIA_WORDS[rule.via]} ${rule.afterMs === 0 ? 'at once' : `after ${delayWords(rule.afterMs)}`}`;
}

function delayWords(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s % 60 === 0) return `${s / 60}m`;
  return s >= 60 ? `${Math.floor(s / 60)}m${s % 60}s` : `${s}s`;
}

/** Longest delay a rule may have: past that the chain has moved on long ago. */
export const MAX_RULE_DELAY_MS = 60 * 60_000;

/** The way and severity a rule names ("sms P0", "call p1"), or what is wrong with them. */
export function readWayAndSeverity(
  viaWord: string | undefined,
  severityWord: string | undefined,
  policy: Policy,
): { ok: true; via: PersonalVia; severity: string } | { ok: false; error: string } {
  const via = viaWord ? VIA_SYNONYMS[viaWord.toLowerCase()] : undefined;
  if (!via) return { ok: false, error: `"${viaWord ?? ''}" is not a way to reach you; use push, sms, call or email.` };
  const severity = policy.severities.find((s) => s.id.toLowerCase() === severityWord?.toLowerCase())?.id;
  if (!severity)
    return { ok: false, error: `"${severityWord ?? ''}" is not a severity; use one of ${policy.severities.map((s) => s.id).join(', ')}.` };
  return { ok: true, via, severity };
}

export type RuleRead = { ok: true; rule: PersonalWakeRule } | { ok: false; error: string };

/**
 * The rule in `words` (what follows `/oncall contact also`), checked against the policy: a severity it has that
 * pages somebody, and a delay earlier than the policy's own step for that way (else the rule adds nothing).
 */
export function readPersonalRule(words: readonly string[], policy: Policy): RuleRead {
  const [viaWord, severityWord, ...rest] = words;
  const which = readWayAndSeverity(viaWord, severityWord, policy);
  if (!which.ok) return { ok: false, error: `${which.error} ${RULE_USAGE}` };
  const { via, severity } = which;
  // A severity with no chain in an escalation is a chat message there (paging's fallback chain).
  const pages = Object.values(policy.escalation).some((bySeverity) => {
    const chain = bySeverity[severity];
    return chain !== undefined && !chain.chatOnly && !chain.task;
  });
  if (!pages)
    return { ok: false, error: `${severity} never pages anyone (it is a chat message or a task), so there is nothing to wake you for.` };
  let afterMs: number;
  const when = rest.join(' ').trim().toLowerCase();
  if (when === '' || when === 'now' || when === 'at once' || when === 'immediately') afterMs = 0;
  else {
    const delay = when.replace(/^after\s+/, '');
    try {
      afterMs = parseDuration(delay);
    } catch {
      return { ok: false, error: `"${rest.join(' ')}" is not a delay; write now, or after and a duration like 2m. ${RULE_USAGE}` };
    }
  }
  if (afterMs > MAX_RULE_DELAY_MS) return { ok: false, error: `A rule's delay can be at most 1h; ${delayWords(afterMs)} is longer.` };
  const policyStep = (policy.wake[severity] ?? []).find((s) => s.via === via);
  const rule = { severity, via, afterMs };
  if (policyStep && policyStep.afterMs <= afterMs) {
    const at = policyStep.afterMs === 0 ? 'at once' : `after ${delayWords(policyStep.afterMs)}`;
    return {
      ok: false,
      error: `The policy already uses ${PERSONAL_VIA_WORDS[via]} ${at} for ${severity}, so ${ruleWords(rule)} adds nothing. Your own rules can only be earlier than the policy's.`,
    };
  }
  return { ok: true, rule };
}
