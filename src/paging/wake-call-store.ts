/**
 * The wake_calls table: the calls placed to each person (wake-call.ts decides from them). A row is written
 * before the request leaves (no sid yet), gets Twilio's sid when it answers, and its end when the status
 * callback comes. A row without a sid is a request that failed or that a dead process never heard back from.
 */
import { and, desc, eq, gte, isNotNull, isNull, lt } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { wakeCalls } from '../db/schema.js';
import { DAY } from '../time/clock.js';
import type { WakeCallRecord } from './wake-call.js';

/** The person's latest call that has a sid (one placed), or null. */
export function latestCall(db: Db, userId: string): WakeCallRecord | null {
  return (
    db
      .select({
        id: wakeCalls.id,
        sid: wakeCalls.sid,
        placedAt: wakeCalls.placedAt,
        answeredAt: wakeCalls.answeredAt,
        named: wakeCalls.named,
        endedAt: wakeCalls.endedAt,
      })
      .from(wakeCalls)
      .where(and(eq(wakeCalls.userId, userId), isNotNull(wakeCalls.sid)))
      .orderBy(desc(wakeCalls.placedAt), desc(wakeCalls.id))
      .get() ?? null
  );
}

/** Written just before the request leaves; the person's rows of more than a day ago go (the table stays small). */
export function beginCall(db: Db, call: { userId: string; pageId: number; now: number }): number {
  db.delete(wakeCalls)
    .where(and(eq(wakeCalls.userId, call.userId), lt(wakeCalls.placedAt, call.now - DAY)))
    .run();
  return db.insert(wakeCalls).values({ userId: call.userId, pageId: call.pageId, placedAt: call.now }).returning({ id: wakeCalls.id }).get()
    .id;
}

/** Twilio created the call: its sid. */
export function callPlaced(db: Db, id: number, sid: string): void {
  db.update(wakeCalls).set({ sid }).where(eq(wakeCalls.id, id)).run();
}

/** The request failed: no call is ringing. */
export function callNotPlaced(db: Db, id: number): void {
  db.delete(wakeCalls).where(eq(wakeCalls.id, id)).run();
}

/**
 * After a crash, the reconcile found the call the dead process placed: its row (the person's latest without a
 * sid, written when the request left) gets the sid; with no such row, one is written as placed at the claim.
 */
export function callFoundAfterCrash(db: Db, call: { userId: string; pageId: number; sid: string; placedAt: number }): void {
  const open = db
    .select({ id: wakeCalls.id })
    .from(wakeCalls)
    .where(and(eq(wakeCalls.userId, call.userId), isNull(wakeCalls.sid)))
    .orderBy(desc(wakeCalls.id))
    .get();
  if (open) callPlaced(db, open.id, call.sid);
  else db.insert(wakeCalls).values(call).run();
}

/** The sid of a call for this page placed since `since` whose answer was recorded (a crash came after it), or null. */
export function callPlacedSince(db: Db, userId: string, pageId: number, since: number): string | null {
  return (
    db
      .select({ sid: wakeCalls.sid })
      .from(wakeCalls)
      .where(and(eq(wakeCalls.userId, userId), eq(wakeCalls.pageId, pageId), isNotNull(wakeCalls.sid), gte(wakeCalls.placedAt, since)))
      .get()?.sid ?? null
  );
}

/** The sids of the person's calls the bot knows it placed since `since`. */
export function knownCallSids(db: Db, userId: string, since: number): Set<string> {
  const rows = db
    .select({ sid: wakeCalls.sid })
    .from(wakeCalls)
    .where(and(eq(wakeCalls.userId, userId), isNotNull(wakeCalls.sid), gte(wakeCalls.placedAt, since)))
    .all();
  return new Set(rows.flatMap((r) => (r.sid === null ? [] : [r.sid])));
}

/** The person picked up (Twilio fetched the TwiML): the pages it reads out. A call the bot did not place changes nothing. */
export function callAnswered(db: Db, sid: string, named: readonly number[], now: number): void {
  db.update(wakeCalls)
    .set({ answeredAt: now, named: [...named] })
    .where(and(eq(wakeCalls.sid, sid), isNull(wakeCalls.endedAt)))
    .run();
}

/** Twilio's status callback: the call ended (the first report wins; a repeat changes nothing). */
export function callEnded(db: Db, sid: string, status: string, now: number): void {
  db.update(wakeCalls)
    .set({ endedAt: now, endStatus: status })
    .where(and(eq(wakeCalls.sid, sid), isNull(wakeCalls.endedAt)))
    .run();
}

/** The call with this sid, for the TwiML and the status route; null when the bot did not place it. */
export function callBySid(db: Db, sid: string): { id: number; userId: string; pageId: number } | null {
  return (
    db
      .select({ id: wakeCalls.id, userId: wakeCalls.userId, pageId: wakeCalls.pageId })
      .from(wakeCalls)
      .where(eq(wakeCalls.sid, sid))
      .get() ?? null
  );
}

/** A wake call placed for a page that has not ended yet (no status callback received). */
export interface CallInFlight {
  userId: string;
  /** The provider's call sid. */
  sid: string;
}

/** The page's calls placed (Twilio gave a sid) and not ended (no status callback), oldest first: closing the page ends them. */
export function callsInFlightFor(db: Db, pageId: number): CallInFlight[] {
  return db
    .select({ userId: wakeCalls.userId, sid: wakeCalls.sid })
    .from(wakeCalls)
    .where(and(eq(wakeCalls.pageId, pageId), isNotNull(wakeCalls.sid), isNull(wakeCalls.endedAt)))
    .orderBy(wakeCalls.id)
    .all()
    .map((row) => ({ userId: row.userId, sid: row.sid! }));
}
