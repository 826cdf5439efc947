import { eq } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { swapRequests, type SwapStatus } from '../db/schema.js';
import type { SwapPlan } from './swap.js';

export type SwapRow = typeof swapRequests.$inferSelect;

export function insertSwap(db: Db, now: number, plan: SwapPlan): number {
  return db
    .insert(swapRequests)
    .values({ ...plan, createdAt: now })
    .returning({ id: swapRequests.id })
    .get().id;
}

export function findSwap(db: Db, id: number): SwapRow | null {
  return db.select().from(swapRequests).where(eq(swapRequests.id, id)).get() ?? null;
}

/** Moves a pending request to its outcome; false if someone else decided it first. */
export function decideSwap(db: Db, id: number, status: Exclude<SwapStatus, 'pending'>, now: number): boolean {
  const row = findSwap(db, id);
  if (!row || row.status !== 'pending') return false;
  db.update(swapRequests).set({ status, decidedAt: now }).where(eq(swapRequests.id, id)).run();
  return true;
}
