import { eq, notInArray } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { usergroupFetches, usergroupMembers } from '../db/schema.js';

/**
 * The persisted member lists of Slack user groups. Reads are synchronous, so a decision inside an engine
 * transaction (`tx.db`) can ask who is in a group without awaiting Slack; only the directory writes.
 */

/**
 * The group's members (user ids, sorted) as Slack last listed them; [] when Slack said the group is empty;
 * null when Slack has never answered for this group (unknown: not the same as nobody).
 */
export function membersOf(db: Db, groupId: string): string[] | null {
  if (fetchedAt(db, groupId) === null) return null;
  return db
    .select({ userId: usergroupMembers.userId })
    .from(usergroupMembers)
    .where(eq(usergroupMembers.groupId, groupId))
    .orderBy(usergroupMembers.userId)
    .all()
    .map((row) => row.userId);
}

/** When Slack last listed the group's members (UTC epoch ms), or null if it never has. */
export function fetchedAt(db: Db, groupId: string): number | null {
  return (
    db.select({ at: usergroupFetches.fetchedAt }).from(usergroupFetches).where(eq(usergroupFetches.groupId, groupId)).get()?.at ?? null
  );
}

export interface MembershipChange {
  added: number;
  removed: number;
}

/** Records Slack's whole answer for a group at `now`: the member list is replaced, never merged. */
export function replaceMembers(db: Db, groupId: string, userIds: readonly string[], now: number): MembershipChange {
  return db.transaction((tx) => {
    const before = new Set(membersOf(tx, groupId) ?? []);
    const after = new Set(userIds);
    tx.insert(usergroupFetches)
      .values({ groupId, fetchedAt: now })
      .onConflictDoUpdate({ target: usergroupFetches.groupId, set: { fetchedAt: now } })
      .run();
    tx.delete(usergroupMembers).where(eq(usergroupMembers.groupId, groupId)).run();
    if (after.size > 0)
      tx.insert(usergroupMembers)
        .values([...after].map((userId) => ({ groupId, userId })))
        .run();
    return { added: [...after].filter((u) => !before.has(u)).length, removed: [...before].filter((u) => !after.has(u)).length };
  });
}

/** Drops what is cached for groups the policy no longer names, so a group named again later starts unknown, not stale. */
export function forgetUsergroupsExcept(db: Db, keep: readonly string[]): number {
  const where = keep.length > 0 ? notInArray(usergroupFetches.groupId, [...keep]) : undefined;
  // Members go with their group (ON DELETE CASCADE, foreign keys are on in every connection).
  return db.delete(usergroupFetches).where(where).run().changes;
}
