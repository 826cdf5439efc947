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
 *
 * A person's own rules (contacts/contact-wake-rules.ts) add to the policy's, never take away: a way the policy
 * does not use is added (index steps.length + the rule's place), a way it uses comes at the earlier of the two.
 *
 *   P0 wake [slack 0, push 1m, voice 3m], Alice's rules [sms 0, voice 1m] -> sms at 0, push at 1m, voice at 1m
 *   the same, Alice's rule [push 5m]                                     -> push at 1m (the policy's is earlier)
 */
import type { SeverityEscalation, WakeStep, WakeVia } from '../config/policy.js';
import type { ContactMessage } from '../contacts/contact-sender.js';
import type { PersonalWakeRule } from '../contacts/contact-wake-rules.js';

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
  /** The person's own rules for this severity (others are ignored); absent: none. */
  personal?: readonly PersonalWakeRule[];
  /** The page's severity, to pick the person's rules for it. */
  severity?: string;
}

export function planWake({ chain, steps, verified, personal = [], severity }: WakeInput): PlannedWake[] {
  if (chain.chatOnly || chain.task) return [];
  const policySteps = steps ?? [];
  const has = (via: string) => (Array.isArray(verified) ? verified.includes(via) : (verified as ReadonlySet<string>).has(via));
  const planned: PlannedWake[] = [];
  policySteps.forEach((step, index) => {
    if (step.via !== 'slack' && has(step.via)) planned.push({ index, afterMs: step.afterMs, via: step.via });
  });
  personal.forEach((rule, place) => {
    if (rule.severity !== severity || !has(rule.via)) return;
    // The policy's first step of this way comes at the earlier of the two; a way it lacks is added.
    const same = planned.find((p) => p.via === rule.via);
    if (same) same.afterMs = Math.min(same.afterMs, rule.afterMs);
    else planned.push({ index: policySteps.length + place, afterMs: rule.afterMs, via: rule.via });
  });
  return planned.sort((a, b) => a.afterMs - b.afterMs || a.index - b.index);
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

/** What a wake message says and where its links go, built from the page (no contact value: `to` is added when sent). */
export interface WakeLinks {
  /** POST acknowledges (the push's action); GET shows a confirmation page. */
  ackUrl: string;
  /** Where tapping the push opens: the Slack DM if it was delivered, else the confirmation page. */
  clickUrl: string;
  /** Where Twilio fetches the call's TwiML. */
  voiceUrl: string;
  /**
   * A bot nobody can reach from outside (no PUBLIC_URL, Socket Mode): the push's button publishes the token to
   * the page's reply topic on ntfy (ack-reply.ts), a call is read out inline, and the texts say where to
   * acknowledge instead of offering replies and key presses that could not arrive.
   */
  outbound?: { replyUrl: string; token: string; openFor: string };
}

export interface WakePage {
  id: number;
  severity: string;
  summary: string;
  rotation: string;
}

/** What a wake message says: the provider message without its method and address (read at send time). */
export type WakeContent = Omit<ContactMessage, 'kind' | 'to'>;

/**
 * The message for one way. A push of the most severe severity is ntfy's priority 5 (it can sound through Do Not
 * Disturb on Android), others 4; its Acknowledge button POSTs the signed link. An SMS says how to acknowledge by
 * reply; a call fetches its TwiML (which reads the page and offers key 4) from the bot.
 *
 *   push  title "[P0] checkout down", "Page #12 (backend) is waiting for you: nobody has acknowledged it yet."
 *   sms   "[P0] checkout down: page #12 (backend) is not acknowledged. Reply 4 12 to acknowledge."
 *
 * Outbound only (links.outbound): the push's button publishes the token to the reply topic; the rest say where:
 *
 *   push  action "http, Acknowledge, <ntfy>/oncall-ack-<hex>, method=POST, body=<token>, clear=true"
 *   sms   "[P0] checkout down: page #12 (backend) is not acknowledged. Acknowledge it in Slack or in the push notification."
 *   voice read twice: "P0 page 12 for backend: checkout down. Open for 3 minutes. Acknowledge in Slack or in the
 *         push notification; key presses need a public address."
 */
export function wakeContent(page: WakePage, via: WakeMethod, mostSevere: boolean, links: WakeLinks): WakeContent {
  const title = `[${page.severity}] ${page.summary}`;
  const out = links.outbound;
  if (out && via !== 'push') {
    const where = 'Acknowledge it in Slack or in the push notification.';
    if (via === 'voice')
      return {
        title,
        text: `${title}: page #${page.id}`,
        spoken: `${page.severity} page ${page.id} for ${page.rotation}: ${page.summary}. Open for ${out.openFor}. Acknowledge in Slack or in the push notification; key presses need a public address.`,
      };
    return { title, text: `${title}: page #${page.id} (${page.rotation}) is not acknowledged. ${where}` };
  }
  switch (via) {
    case 'push':
      return {
        title,
        text: `Page #${page.id} (${page.rotation}) is waiting for you: nobody has acknowledged it yet.`,
        priority: mostSevere ? 5 : 4,
        tags: ['rotating_light'],
        click: links.clickUrl,
        actions: out
          ? `http, Acknowledge, ${out.replyUrl}, method=POST, body=${out.token}, clear=true`
          : `http, Acknowledge, ${links.ackUrl}, method=POST, clear=true`,
      };
    case 'sms':
      return { title, text: `${title}: page #${page.id} (${page.rotation}) is not acknowledged. Reply 4 ${page.id} to acknowledge.` };
    case 'voice':
      return { title, text: `${title}: page #${page.id}`, url: links.voiceUrl };
    case 'email':
      return { title, text: `${title}: page #${page.id} (${page.rotation}) is not acknowledged. Acknowledge: ${links.ackUrl}` };
  }
}

/**
 * Text that only a wake message about this page carries (for a push or an SMS), so that a restart can tell it
 * among the provider's recent sends to the same person (wake-call.ts matchSent). Calls and e-mail have none.
 */
export function wakeMarker(pageId: number, via: WakeMethod, outbound = false): string | null {
  if (via === 'push') return `Page #${pageId} (`;
  if (via === 'sms') return outbound ? `: page #${pageId} (` : `Reply 4 ${pageId} to acknowledge.`;
  return null;
}
