import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { overrides } from '../db/schema.js';
import type { Override, OverrideReason, Role } from './rotation.js';

/** Overrides not cancelled and not yet over at `from`: all a "who is on call from now on" question needs. */
export function activeOverrides(db: Db, from: number): Override[] {
  return db
    .select({
      id: overrides.id,
      rotation: overrides.rotation,
      role: overrides.role,
      userId: overrides.userId,
      startsAt: overrides.startsAt,
      endsAt: overrides.endsAt,
      reason: overrides.reason,
      createdAt: overrides.createdAt,
    })
    .from(overrides)
    .where(and(isNull(overrides.cancelledAt), gt(overrides.endsAt, from)))
    .all();
}

/** An override as requested: who asked for it; its id and creation time come from the store. */
export type NewOverride = Omit<Override, 'id' | 'createdAt'> & { createdBy: string };

export function insertOverride(db: Db, now: number, o: NewOverride): number {
  return db
    .insert(overrides)
    .values({ ...o, createdAt: now })
    .returning({ id: overrides.id })
    .get().id;
}

export function findOverride(db: Db, id: number) {
  return db.select().from(overrides).where(eq(overrides.id, id)).get() ?? null;
}

export function cancelOverride(db: Db, id: number, by: string, now: number): boolean {
  return (
    db
      .update(overrides)
      .set({ cancelledAt: now, cancelledBy: by })
      .where(and(eq(overrides.id, id), isNull(overrides.cancelledAt)))
      .run().changes === 1
  );
}
