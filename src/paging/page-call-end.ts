/**
 * Ending a wake call that is no longer needed (issue #21, "acknowledge from anywhere"): when a page is
 * acknowledged or resolved anywhere else (Slack, a text, a push, a link, another call), every call of that page
 * still ringing or in progress is ended through the provider (Twilio's `POST Calls/{CallSid}.json`
 * `Status=completed`), through the outbox like any provider call: retried on a 5xx or a timeout, refused for
 * good on a 4xx (a call Twilio no longer knows).
 *
 * Pure: the outbox request. Its caller, and recording a placed call, are in page-call-end-caller.ts.
 */
import { type OutgoingCall, PRIORITY } from '../engine/outbox.js';
import type { CallInFlight } from './wake-call-store.js';

/** The outbox method that ends a call in progress (or still ringing). */
export const CALL_END_METHOD = 'twilio.calls.update';

/** The outbox call that ends one call of a page; its arguments are the page and the provider's call sid (no number). */
export function endCallRequest(pageId: number, call: CallInFlight): OutgoingCall {
  return {
    method: CALL_END_METHOD,
    args: { pageId, sid: call.sid },
    priority: PRIORITY.page,
    // The lane of the person's calls (page-decide.ts wake): after a creation still on its way, never before it.
    lane: `wake:${call.userId}:voice`,
  };
}
