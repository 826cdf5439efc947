/**
 * The I/O of ending wake calls (page-call-end.ts): a call's sid is recorded in wake_calls when the provider
 * answers its creation and its end when its status callback arrives (wake-call-store.ts); the calls in between
 * are in flight, and closing the page elsewhere ends them. A page closed between a call leaving and its sid
 * being recorded is caught here (`endIfPageClosed`): that call is ended at once.
 */
import { z } from 'zod';
import type { ContactSender } from '../contacts/contact-sender.js';
import type { Db } from '../db/connection.js';
import type { CallOutcome } from '../engine/delivery.js';
import { enqueueCall, type SlackCaller } from '../engine/outbox.js';
import { CALL_END_METHOD, endCallRequest } from './page-call-end.js';
import { findPage } from './page-store.js';

/** A wake call was placed (its sid is in wake_calls): a page closed while the request was out ends it now. */
export function endIfPageClosed(db: Db, now: number, call: { pageId: number; userId: string; sid: string }): void {
  if (call.sid === '') return;
  const page = findPage(db, call.pageId);
  if (page && page.status !== 'open') enqueueCall(db, now, endCallRequest(call.pageId, call));
}

const endArgs = z.object({ pageId: z.number().int().positive(), sid: z.string().regex(/^[A-Za-z0-9]{2,64}$/) });

/** The outbox's caller for CALL_END_METHOD. */
export function callEndCaller(sender: ContactSender): SlackCaller {
  return {
    async call(method, raw): Promise<CallOutcome> {
      const parsed = endArgs.safeParse(raw);
      if (method !== CALL_END_METHOD || !parsed.success) return { kind: 'refused', reason: 'a call end with malformed arguments' };
      if (!sender.endCall) return { kind: 'refused', reason: 'this bot cannot end calls (no provider that places them)' };
      let result: Awaited<ReturnType<NonNullable<ContactSender['endCall']>>>;
      try {
        result = await sender.endCall(parsed.data.sid);
      } catch (error) {
        return { kind: 'network_error', message: `could not end the call (${error instanceof Error ? error.name : 'error'})` };
      }
      if (result.ok) return { kind: 'ok' };
      return result.transient ? { kind: 'network_error', message: result.reason } : { kind: 'refused', reason: result.reason };
    },
  };
}
