/** Calendar-feed tokens: one per person, shown once, stored as a SHA-256 (calendar-token-store.ts), replaced on reset. */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/connection.js';
import { saveTokenHash, userWithTokenHash } from './calendar-token-store.js';

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new token for the person (any older one stops working). */
export function issueToken(db: Db, userId: string, now: number): string {
  const token = randomBytes(24).toString('base64url');
  saveTokenHash(db, userId, hashToken(token), now);
  return token;
}

/** Whose token this is, or null. The hash is looked up, so the comparison never sees the token itself. */
export function userForToken(db: Db, token: string): string | null {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return null;
  return userWithTokenHash(db, hashToken(token));
}
