/**
 * A person's own wake rules (`/oncall contact also sms P0 at once`): the only module that touches the
 * contact_rules table. They add to the policy's wake steps, never take away (paging/page-wake.ts merges them).
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { contactRules } from '../db/schema.js';
import { isWakeVia, type PersonalWakeRule } from './contact-wake-rules.js';

function toRules(rows: Array<typeof contactRules.$inferSelect>): PersonalWakeRule[] {
  return rows
    .flatMap((r) => (isWakeVia(r.via) ? [{ severity: r.severity, via: r.via, afterMs: r.afterMs }] : []))
    .sort((a, b) => a.severity.localeCompare(b.severity) || a.afterMs - b.afterMs || a.via.localeCompare(b.via));
}

/** One person's rules, by severity then delay. */
export function personalRulesOf(db: Db, userId: string): PersonalWakeRule[] {
  return toRules(db.select().from(contactRules).where(eq(contactRules.userId, userId)).all());
}

/** Everyone's rules, by user: what paging reads when it plans wake steps (a few rows per person). */
export function personalRulesByUser(db: Db): Record<string, PersonalWakeRule[]> {
  const byUser: Record<string, Array<typeof contactRules.$inferSelect>> = {};
  for (const row of db.select().from(contactRules).all()) (byUser[row.userId] ??= []).push(row);
  return Object.fromEntries(Object.entries(byUser).map(([userId, rows]) => [userId, toRules(rows)]));
}

/** Adds a rule, or moves the delay of the one for the same severity and way. */
export function savePersonalRule(db: Db, userId: string, rule: PersonalWakeRule, now: number): void {
  db.insert(contactRules)
    .values({ userId, severity: rule.severity, via: rule.via, afterMs: rule.afterMs, createdAt: now })
    .onConflictDoUpdate({ target: [contactRules.userId, contactRules.severity, contactRules.via], set: { afterMs: rule.afterMs } })
    .run();
}

/** Removes the person's rule for this severity and way; false when there was none. */
export function dropPersonalRule(db: Db, userId: string, severity: string, via: string): boolean {
  const result = db
    .delete(contactRules)
    .where(and(eq(contactRules.userId, userId), eq(contactRules.severity, severity), eq(contactRules.via, via)))
    .run();
  return result.changes > 0;
}
