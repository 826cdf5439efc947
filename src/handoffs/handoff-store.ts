/** The handoffs feature's table, `handoffs`: every read and write of it goes through here, as plain rows. */
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { handoffs } from '../db/schema.js';

export type HandoffRow = typeof handoffs.$inferSelect;

/** A handoff as posted (or, for an emergency, as taken over and confirmed at once). */
export type NewHandoff = Pick<
  HandoffRow,
  'rotation' | 'boundary' | 'outgoing' | 'incoming' | 'postedBy' | 'fields' | 'channel' | 'postedAt'
> &
  Partial<Pick<HandoffRow, 'emergencyReason' | 'confirmedBy' | 'confirmedAt'>>;

/** What may change on a posted handoff: its confirmation, and who covers secondary after an emergency. */
export type HandoffChanges = Partial<Pick<HandoffRow, 'confirmedBy' | 'confirmedAt' | 'coveredBy'>>;

export function findHandoff(db: Db, id: number): HandoffRow | null {
  return db.select().from(handoffs).where(eq(handoffs.id, id)).get() ?? null;
}

/** The newest handoff posted for this rotation's boundary, if any. */
export function handoffFor(db: Db, rotation: string, boundary: number): HandoffRow | null {
  return (
    db
      .select()
      .from(handoffs)
      .where(and(eq(handoffs.rotation, rotation), eq(handoffs.boundary, boundary)))
      .orderBy(desc(handoffs.id))
      .get() ?? null
  );
}

/** A handoff written with the id nextHandoffId reserved (a decision names its message by it), or a new one. */
export function insertHandoff(db: Db, handoff: NewHandoff & { id?: number }): HandoffRow {
  return db.insert(handoffs).values(handoff).returning().get();
}

/**
 * The id the next handoff gets, read in the caller's transaction (which then writes it): the one AUTOINCREMENT
 * would pick, past every id ever used, so a deleted handoff's message ref is never reused.
 */
export function nextHandoffId(db: Db): number {
  const row = db.get<{ next: number }>(
    sql`select max(coalesce((select seq from sqlite_sequence where name = 'handoffs'), 0), coalesce((select max(id) from handoffs), 0)) + 1 as next`,
  );
  return row.next;
}

export function updateHandoff(db: Db, id: number, changes: HandoffChanges): void {
  db.update(handoffs).set(changes).where(eq(handoffs.id, id)).run();
}

/** The last `n` handoffs, latest boundary first, of one rotation or all. */
export function handoffHistory(db: Db, rotation: string | null, n: number): HandoffRow[] {
  const where = rotation ? eq(handoffs.rotation, rotation) : undefined;
  return db.select().from(handoffs).where(where).orderBy(desc(handoffs.boundary), desc(handoffs.id)).limit(n).all();
}
