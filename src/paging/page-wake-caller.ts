/**
 * The outbox's caller for wake calls (ntfy.publish, twilio.messages.create, twilio.calls.create): a row names
 * the page, the person and the way; the number or topic is read from the contacts table only now, at send
 * time, so it is never stored in the outbox or written to a log. The message is built from the page as it is
 * now, with a freshly signed acknowledge link (ack-token.ts).
 *
 * A call is placed only when the person has none in flight (wake-call.ts decides; wake_calls keeps the calls):
 * one ringing covers this page too (marked sent, nothing placed), one answered without it is waited out.
 * After a crash, `reconcile` asks the provider what it sent since the row was claimed (Twilio has no
 * idempotency key), so an interrupted call, text or push is neither lost nor doubled.
 *
 * Outbound only (no PUBLIC_URL, Socket Mode: `outbound` set): nothing can call the bot back, so the push's button
 * publishes the token to the page's reply topic (ack-reply.ts, read by ack-stream.ts), a call is placed with
 * inline TwiML and no status callback (its end is never heard: a second page's call waits out the in-flight
 * bound instead of being covered by a call that will not read it), and texts say where to acknowledge.
 *
 * Outcomes as the outbox's retry rules read them (engine/delivery.ts): a provider's 5xx, 429 or timeout is
 * retried like Slack's; a 4xx, a method no longer verified, a provider not configured or a page closed before
 * the call left are refused for good (the reason names the provider and its code, never the value).
 */
import { z } from 'zod';
import type { Policy } from '../config/policy.js';
import type { Db } from '../db/connection.js';
import type { CallOutcome } from '../engine/delivery.js';
import { deliveredMessage, type SlackCaller } from '../engine/outbox.js';
import type { ContactSender, SendResult } from '../contacts/contact-sender.js';
import { verifiedValue } from '../contacts/contact-store.js';
import type { Clock } from '../time/clock.js';
import { replyTopic } from './ack-reply.js';
import { ACK_TOKEN_TTL_MS, makeAckToken } from './ack-token.js';
import { endIfPageClosed } from './page-call-end-caller.js';
import { pageRef } from './page-refs.js';
import { findPage } from './page-store.js';
import { isWakeMethod, WAKE_METHODS, wakeContent, wakeMarker } from './page-wake.js';
import { spokenAge } from './twilio-routes.js';
import { CALL_IN_FLIGHT_BOUND_MS, decideCall, matchSent, RECONCILE_SKEW_MS } from './wake-call.js';
import {
  beginCall,
  callFoundAfterCrash,
  callNotPlaced,
  callPlaced,
  callPlacedSince,
  knownCallSids,
  latestCall,
} from './wake-call-store.js';

export interface WakeCallerDeps {
  db: Db;
  clock: Clock;
  policy: Policy;
  sender: ContactSender;
  /** The bot's public base URL, without a trailing slash (known once the server listens, when PUBLIC_URL is unset). */
  publicUrl(): string;
  ackSecret: string;
  /** Set when nothing can reach the bot from outside (env.ts reachMode 'outbound-only'). */
  outbound?: {
    ntfyUrl: string;
    /** A push for this page went out: its reply topic is to be followed from now on. */
    pushed(pageId: number): void;
  };
}

const wakeArgs = z.object({
  pageId: z.number().int().positive(),
  userId: z.string().min(1),
  via: z.enum(['push', 'sms', 'voice', 'email']),
  stepIndex: z.number().int().nonnegative(),
  loop: z.number().int().nonnegative(),
});

/** The acknowledge link of one page for one person, valid a day from `now`. */
export function ackUrl(deps: Pick<WakeCallerDeps, 'publicUrl' | 'ackSecret'>, pageId: number, userId: string, now: number): string {
  return `${deps.publicUrl()}/ack/${makeAckToken(deps.ackSecret, { pageId, userId, expiresAt: now + ACK_TOKEN_TTL_MS })}`;
}

/** Why a call is put off: retried (with the outbox's backoff) until the person's call ends or the bound passes. */
export const CALL_WAITS = 'waiting: the person is on a call about other pages';

export function wakeCaller(deps: WakeCallerDeps): Required<Pick<SlackCaller, 'call' | 'reconcile'>> {
  return {
    async call(method, raw): Promise<CallOutcome> {
      const parsed = wakeArgs.safeParse(raw);
      if (!parsed.success || WAKE_METHODS[parsed.data.via] !== method)
        return { kind: 'refused', reason: 'a wake call with malformed arguments' };
      const { pageId, userId, via, stepIndex, loop } = parsed.data;
      const page = findPage(deps.db, pageId);
      if (!page) return { kind: 'refused', reason: 'the page no longer exists' };
      if (page.status !== 'open') return { kind: 'refused', reason: `not sent: the page was ${page.status} first` };
      if (!deps.sender.canSend(via)) return { kind: 'refused', reason: `${via} is not set up on this bot` };
      const to = verifiedValue(deps.db, userId, via);
      if (to === null) return { kind: 'refused', reason: `the person has no verified ${via} method any more` };
      const base = deps.publicUrl();
      // An e-mail's link says so, and the page records "via e-mail link" (ack-route.ts).
      const ack = `${ackUrl(deps, page.id, userId, deps.clock.now())}${via === 'email' ? '?via=email' : ''}`;
      const dm = deliveredMessage(deps.db, pageRef({ kind: 'dm', pageId, userId, loop, stepIndex }));
      const mostSevere = deps.policy.severities[0]?.id === page.severity;
      const now = deps.clock.now();
      const outbound = deps.outbound
        ? {
            replyUrl: `${deps.outbound.ntfyUrl.replace(/\/+$/, '')}/${replyTopic(deps.ackSecret, page.id)}`,
            token: makeAckToken(deps.ackSecret, { pageId, userId, expiresAt: now + ACK_TOKEN_TTL_MS }),
            openFor: spokenAge(now - page.createdAt),
          }
        : undefined;
      const content = wakeContent(page, via, mostSevere, {
        ackUrl: ack,
        // Outbound only, a link to this bot leads nowhere: the push opens Slack, or nothing.
        clickUrl: dm ? `https://slack.com/app_redirect?channel=${encodeURIComponent(dm.channel)}` : outbound ? '' : ack,
        voiceUrl: `${base}/twilio/voice?page=${page.id}&user=${encodeURIComponent(userId)}`,
        ...(outbound ? { outbound } : {}),
      });
      if (outbound && content.click === '') delete content.click;
      let callId: number | null = null;
      if (via === 'voice') {
        // At most one call per person in flight: one ringing now covers this page too (its TwiML, built when it
        // is answered, reads every open page of the person); one already answered without it is waited out.
        const decision = decideCall(latestCall(deps.db, userId), pageId, deps.clock.now());
        if (decision.kind === 'covered' && !outbound) return { kind: 'ok' };
        if (decision.kind !== 'place') return { kind: 'network_error', message: CALL_WAITS };
        // How the call ends comes back here: busy, no answer or failed moves to the person's next way at once.
        if (!outbound)
          content.statusCallback = `${base}/twilio/status?page=${page.id}&user=${encodeURIComponent(userId)}&step=${stepIndex}&loop=${loop}`;
        callId = beginCall(deps.db, { userId, pageId, now: deps.clock.now() });
      }
      let result: SendResult;
      try {
        result = await deps.sender.send({ kind: via, to, ...content });
      } catch (error) {
        if (callId !== null) callNotPlaced(deps.db, callId);
        // The error's name only: a message could quote the number or topic.
        return { kind: 'network_error', message: `could not send (${error instanceof Error ? error.name : 'error'})` };
      }
      if (callId !== null) {
        if (result.ok) {
          callPlaced(deps.db, callId, result.id);
          // The page may have closed while the request was out: then the call is ended at once.
          endIfPageClosed(deps.db, deps.clock.now(), { pageId, userId, sid: result.id });
        } else callNotPlaced(deps.db, callId);
      }
      if (result.ok && via === 'push') deps.outbound?.pushed(pageId);
      if (result.ok) return { kind: 'ok' };
      return result.transient ? { kind: 'network_error', message: result.reason } : { kind: 'refused', reason: result.reason };
    },

    /**
     * A call, text or push that was on its way when the last process died: the provider is asked what it sent to
     * the person since the row was claimed. Found (a call with a sid the bot does not know yet, a text or push
     * naming the page): it went out, and is not sent again; a found call is recorded as the one in flight.
     * Not found: false (sent again). No way to tell (the method is gone, no lookup for it): null (sent again).
     * ntfy answers only from its message cache: a server without one finds nothing, so at most one push repeats.
     */
    async reconcile(method, raw, claimedAt): Promise<boolean | null> {
      const parsed = wakeArgs.safeParse(raw);
      if (!isWakeMethod(method) || !parsed.success || WAKE_METHODS[parsed.data.via] !== method) return null;
      const { pageId, userId, via } = parsed.data;
      // Twilio's answer was recorded before the process died (only marking the row was lost): it went out.
      if (via === 'voice' && callPlacedSince(deps.db, userId, pageId, claimedAt) !== null) return true;
      const to = verifiedValue(deps.db, userId, via);
      if (to === null || !deps.sender.recent) return null;
      const since = claimedAt - RECONCILE_SKEW_MS;
      const sends = await deps.sender.recent(via, to, since);
      if (sends === null) return null;
      const knownIds = via === 'voice' ? knownCallSids(deps.db, userId, since - CALL_IN_FLIGHT_BOUND_MS) : new Set<string>();
      const found = matchSent(sends, { claimedAt, knownIds, marker: wakeMarker(pageId, via, deps.outbound !== undefined) });
      if (found && via === 'voice') callFoundAfterCrash(deps.db, { userId, pageId, sid: found.id, placedAt: claimedAt });
      return found !== null;
    },
  };
}
