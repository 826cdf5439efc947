/**
 * Wake calls, pure: whether a voice wake that falls due places a call or is covered by the one already ringing,
 * what a call says about several open pages, and, after a crash, which of the provider's recent sends was
 * the one the dead process made.
 *
 * At most one call per person is in flight: placed, no status callback yet, and placed less than
 * CALL_IN_FLIGHT_BOUND_MS ago (a callback Twilio never sent must not silence the person's phone for good).
 * The call covers every open page of the person: its TwiML is built when it is answered, from the pages open
 * then. A page that falls due after that, while the person is still on the line, was not read out: its call
 * waits for this one to end.
 *
 *   no call before                                           -> place
 *   a call placed 40 s ago, ringing (no callback)            -> covered (it will read this page when answered)
 *   a call placed 40 s ago, answered, it read this page      -> covered
 *   a call placed 40 s ago, answered, it did not read it     -> wait (call once the person hangs up)
 *   a call placed 40 s ago, ended busy 10 s ago              -> place
 *   a call placed 3 min ago, no callback                     -> place (the callback was lost: the bound has passed)
 *   a call whose request was out when the process died       -> place (no sid: the restart's reconcile settles it)
 */
import type { RecentSend } from '../contacts/contact-sender.js';
import { MINUTE, SECOND } from '../time/clock.js';

export const CALL_IN_FLIGHT_BOUND_MS = 2 * MINUTE;

/** The person's latest call, as the store keeps it. */
export interface WakeCallRecord {
  id: number;
  /** Twilio's call sid; null while the request is out, or when a process died before its answer. */
  sid: string | null;
  placedAt: number;
  /** When the person picked up, and the pages the call read out then; null: still ringing. */
  answeredAt: number | null;
  named: readonly number[] | null;
  endedAt: number | null;
}

export type CallDecision = { kind: 'place' } | { kind: 'covered'; by: number } | { kind: 'wait'; for: number };

/** Whether the call is still ringing or talking: placed (it has a sid), not ended, within the bound. */
export function callInFlight(call: WakeCallRecord | null, now: number): boolean {
  return call !== null && call.sid !== null && call.endedAt === null && now - call.placedAt < CALL_IN_FLIGHT_BOUND_MS;
}

/** Whether a voice wake of `pageId` that falls due `now` places a call, is covered by the one in flight, or waits for it. */
export function decideCall(latest: WakeCallRecord | null, pageId: number, now: number): CallDecision {
  if (!latest || !callInFlight(latest, now)) return { kind: 'place' };
  if (latest.answeredAt !== null && !(latest.named ?? []).includes(pageId)) return { kind: 'wait', for: latest.id };
  return { kind: 'covered', by: latest.id };
}

/** A page as a call reads it. */
export interface SpokenPage {
  id: number;
  severity: string;
  rotation: string;
  summary: string;
  /** How long it has been open, already said aloud ("4 minutes"). */
  age: string;
}

/**
 * What a call says, for the page it is about and the person's other open pages (those come after, oldest first):
 *
 *   one page    "P0 page 12 for backend: checkout down. Open for 3 minutes. Press 4 to acknowledge."
 *   three pages "You have 3 open pages. P0 page 12 for backend: checkout down. Open for 3 minutes. P1 page 9 ...
 *                Press 4 to acknowledge all 3."
 */
export function callSpeech(pages: readonly SpokenPage[]): string {
  const each = pages.map((p) => `${p.severity} page ${p.id} for ${p.rotation}: ${p.summary}. Open for ${p.age}.`).join(' ');
  if (pages.length <= 1) return `${each} Press 4 to acknowledge, 5 to escalate, 6 to resolve.`;
  return `You have ${pages.length} open pages. ${each} Press 4 to acknowledge all ${pages.length}, or 5 to escalate, 6 to resolve page ${pages[0]!.id}.`;
}

/** The page the call is for first, then the person's other open pages by id; each once. */
export function pagesNamed(forPage: number, open: readonly number[]): number[] {
  return [forPage, ...[...new Set(open)].filter((id) => id !== forPage).sort((a, b) => a - b)];
}

/** The provider's clock and ours may disagree a little; a send this long before the claim still counts. */
export const RECONCILE_SKEW_MS = 5 * SECOND;

/**
 * Which of the provider's recent sends the interrupted outbox row made, if any: one made since the row was
 * claimed (less the skew), not one the bot already knows (a sid it recorded), and, for a text or a push, one
 * whose text names the row's page (`marker`). A call has no text in Twilio's list: the lane holds one call per
 * person at a time and known sids are excluded, so any other call to the number since the claim is this one.
 *
 *   claimed 03:03:00, a call at 03:03:01 with an unknown sid         -> that call (it went out; do not call again)
 *   claimed 03:03:00, only the 03:00:10 call (its sid is known)      -> none (send it)
 *   an SMS at 03:03:01 naming page 12, the row is page 13's          -> none
 */
export function matchSent(
  sends: readonly RecentSend[],
  claim: { claimedAt: number; knownIds: ReadonlySet<string>; marker: string | null },
): RecentSend | null {
  return (
    sends.find(
      (s) =>
        s.createdAt >= claim.claimedAt - RECONCILE_SKEW_MS &&
        !claim.knownIds.has(s.id) &&
        (claim.marker === null || (s.text ?? '').includes(claim.marker)),
    ) ?? null
  );
}
