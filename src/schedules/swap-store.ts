/** The swap feature's table, `swap_requests`: every read and write of it goes through here, as plain rows. */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { swapRequests, type SwapStatus } from '../db/schema.js';
import type { SwapPlan } from './swap.js';

export type SwapRow = typeof swapRequests.$inferSelect;

/** A request written with the id nextSwapId reserved (a decision names its DM and timer by it), or a new one. */
export function insertSwap(db: Db, now: number, plan: SwapPlan, id?: number): number {
  return db
    .insert(swapRequests)
    .values({ ...plan, createdAt: now, ...(id === undefined ? {} : { id }) })
    .returning({ id: swapRequests.id })
    .get().id;
}

/**
 * The id the next request gets, read in the caller's transaction (which then writes it): the one AUTOINCREMENT
 * would pick, past every id ever used, so an old request's message ref is never reused.
 */
export function nextSwapId(db: Db): number {
  return db.get<{ next: number }>(
    sql`select max(coalesce((select seq from sqlite_sequence where name = 'swap_requests'), 0), coalesce((select max(id) from swap_requests), 0)) + 1 as next`,
  ).next;
}

export function findSwap(db: Db, id: number): SwapRow | null {
  return db.select().from(swapRequests).where(eq(swapRequests.id, id)).get() ?? null;
}

/** Moves a pending request to its outcome; false if someone else decided it first. */
export function setSwapOutcome(db: Db, id: number, status: Exclude<SwapStatus, 'pending'>, now: number): boolean {
  const row = findSwap(db, id);
  if (!row || row.status !== 'pending') return false;
  db.update(swapRequests).set({ status, decidedAt: now }).where(eq(swapRequests.id, id)).run();
  return true;
}
