/**
 * A LIMIT written into a prepared statement's SQL (db/prepared.ts literalLimit, preparedPerLimit) returns what the
 * bound LIMIT returned, and the hot statements that use it carry no bound LIMIT.
 */
import { desc, eq, sql } from 'drizzle-orm';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { literalLimit, preparedPerLimit } from '../../src/db/prepared.js';
import { timers } from '../../src/db/schema.js';
import { dueTimers, scheduleTimer } from '../../src/engine/timers.js';
import { migratedStoreEachTest } from '../support/memory-store.js';

const store = migratedStoreEachTest();

describe('literalLimit', () => {
  it('writes the limit into the SQL, no parameter for it', () => {
    const query = store.db.select().from(timers).where(eq(timers.kind, 'x')).limit(literalLimit(3)).toSQL();
    expect(query.sql).toMatch(/ limit 3$/);
    expect(query.params).toEqual(['x']);
  });

  it('refuses what is not a whole number of at least 0, saying so', () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => literalLimit(bad)).toThrow(/A literal LIMIT must be a whole number of at least 0, not/);
  });
});

describe('preparedPerLimit', () => {
  it('gives the rows a bound LIMIT gives, one statement per limit', () => {
    for (let i = 0; i < 7; i += 1) scheduleTimer(store.db, 0, { kind: 'k', subject: `s${i}`, dueAt: 100 + i });
    const bound = store.db.select({ id: timers.id }).from(timers).orderBy(desc(timers.id)).limit(sql.placeholder('limit')).prepare();
    const perLimit = preparedPerLimit((db, limit) =>
      db.select({ id: timers.id }).from(timers).orderBy(desc(timers.id)).limit(limit).prepare(),
    );
    for (const limit of [0, 1, 3, 7, 50, Number.MAX_SAFE_INTEGER]) expect(perLimit(store.db, limit).all()).toEqual(bound.all({ limit }));
    expect(perLimit(store.db, 3)).toBe(perLimit(store.db, 3));
  });
});

describe('the hot statements', () => {
  const original = Database.prototype.prepare;
  afterEach(() => {
    Database.prototype.prepare = original;
  });

  it('the timers due query has its LIMIT written in, and still returns the most urgent first', () => {
    const seen: string[] = [];
    Database.prototype.prepare = function prepare(this: Database.Database, source: string) {
      seen.push(source);
      return original.call(this, source);
    } as typeof original;
    for (let i = 0; i < 5; i += 1) scheduleTimer(store.db, 0, { kind: 'k', subject: `s${i}`, dueAt: 100 - i });
    expect(dueTimers(store.db, 1_000, 2).map((t) => t.dueAt)).toEqual([96, 97]);
    expect(dueTimers(store.db, 1_000, 500).map((t) => t.dueAt)).toEqual([96, 97, 98, 99, 100]);
    const due = seen.filter((s) => s.includes('from "timers"') && s.includes('order by'));
    expect(due.length).toBeGreaterThan(0);
    for (const source of due) expect(source).toMatch(/ limit \d+$/);
  });
});
