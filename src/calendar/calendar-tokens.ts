/** Calendar-feed tokens: one per person, shown once, stored as a SHA-256, replaced on reset. */
import { createHash, randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { calendarTokens } from '../db/schema.js';

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new token for the person (any older one stops working). */
export function issueToken(db: Db, userId: string, now: number): string {
  const token = randomBytes(24).toString('base64url');
  db.insert(calendarTokens)
    .values({ userId, tokenHash: hashToken(token), createdAt: now })
    .onConflictDoUpdate({ target: calendarTokens.userId, set: { tokenHash: hashToken(token), createdAt: now } })
    .run();
  return token;
}

export function tokenIssuedAt(db: Db, userId: string): number | null {
  return db.select({ createdAt: calendarTokens.createdAt }).from(calendarTokens).where(eq(calendarTokens.userId, userId)).get()?.createdAt ?? null;
}

/** Whose token this is, or null. The hash is looked up, so the comparison never sees the token itself. */
export function userForToken(db: Db, token: string): string | null {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return null;
  return db.select({ userId: calendarTokens.userId }).from(calendarTokens).where(eq(calendarTokens.tokenHash, hashToken(token))).get()?.userId ?? null;
}
