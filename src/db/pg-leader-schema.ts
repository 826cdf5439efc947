import { bigint, pgTable, text } from 'drizzle-orm/pg-core';

/**
 * PostgreSQL only (several replicas; SQLite has one process and no leader). One row per lock (`engine`: the ticker
 * and the outbox drain): the current term, bumped by each replica that takes the lead, who holds it and since when.
 * Written by src/engine/leader-election.ts; an apply step of the leader checks its term here in its own transaction.
 */
export const leaderTerms = pgTable('leader_terms', {
  name: text('name').primaryKey(),
  /** 1 for the first leader, +1 at every takeover (a restart of the same replica too). */
  term: bigint('term', { mode: 'number' }).notNull(),
  /** The replica that holds it (its REPLICA_ID or host name and pid). */
  replica: text('replica').notNull(),
  /** When this term began, UTC epoch ms from the leader's Clock. */
  since: bigint('since', { mode: 'number' }).notNull(),
});
