/** The Home feature's table, `home_viewers`: who opened the App Home tab, and when they last did. */
import { gte } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { homeViewers } from '../db/schema.js';

/** Remembers that the person opened their Home at `at` (the latest opening counts). */
export function recordHomeOpened(db: Db, userId: string, at: number): void {
  db.insert(homeViewers)
    .values({ userId, openedAt: at })
    .onConflictDoUpdate({ target: homeViewers.userId, set: { openedAt: at } })
    .run();
}

/** Everyone who opened their Home at or after `since`, with when they last did. */
export function homeViewersSince(db: Db, since: number): Array<{ userId: string; openedAt: number }> {
  return db
    .select({ userId: homeViewers.userId, openedAt: homeViewers.openedAt })
    .from(homeViewers)
    .where(gte(homeViewers.openedAt, since))
    .all();
}
