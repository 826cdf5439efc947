/** The calendar feature's table, `calendar_tokens`: one token hash per person, replaced on reset. */
import { eq } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { calendarTokens } from '../db/schema.js';

/** Keeps this hash as the person's token (any older one stops working at once). */
export function saveTokenHash(db: Db, userId: string, tokenHash: string, now: number): void {
  db.insert(calendarTokens)
    .values({ userId, tokenHash, createdAt: now })
    .onConflictDoUpdate({ target: calendarTokens.userId, set: { tokenHash, createdAt: now } })
    .run();
}

/** When the person's current token was issued, or null if they have none. */
export function tokenIssuedAt(db: Db, userId: string): number | null {
  return (
    db.select({ createdAt: calendarTokens.createdAt }).from(calendarTokens).where(eq(calendarTokens.userId, userId)).get()?.createdAt ??
    null
  );
}

/** Whose token has this hash, or null. */
export function userWithTokenHash(db: Db, tokenHash: string): string | null {
  return (
    db.select({ userId: calendarTokens.userId }).from(calendarTokens).where(eq(calendarTokens.tokenHash, tokenHash)).get()?.userId ?? null
  );
}
