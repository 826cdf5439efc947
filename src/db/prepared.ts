/**
 * Statements built once per database connection instead of once per call: drizzle turns a query into SQL text and
 * better-sqlite3 compiles it each time it is run unprepared, and on the webhook path that was most of the cost.
 *
 *   const statements = preparedOnce((db) => ({ byId: db.select().from(alerts).where(eq(alerts.id, sql.placeholder('id'))).prepare() }));
 *   statements(db).byId.get({ id });
 *
 * `db` may be a transaction: it shares its connection (drizzle's session) with the database it came from, so
 * the statements prepared for one serve the other, and run inside the transaction as any other statement.
 */
import { eq, type Placeholder, type SQL, sql } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from './connection.js';

/** The connection a Db (or a transaction of it) runs its statements on. */
function connectionOf(db: Db): object {
  const session: unknown = Reflect.get(db, 'session');
  return typeof session === 'object' && session !== null ? session : db;
}

export function preparedOnce<T>(build: (db: Db) => T): (db: Db) => T {
  const byConnection = new WeakMap<object, T>();
  return (db) => {
    const key = connectionOf(db);
    let statements = byConnection.get(key);
    if (statements === undefined) {
      statements = build(db);
      byConnection.set(key, statements);
    }
    return statements;
  };
}

/**
 * For updates whose columns vary (`set(changes)`): one prepared statement per set of columns changed, so a store's
 * `update(id, { status, resolvedAt })` is built once for that pair and then only run.
 */
export function preparedByShape<T>(build: (db: Db, shape: readonly string[]) => T): (db: Db, shape: readonly string[]) => T {
  const byConnection = new WeakMap<object, Map<string, T>>();
  return (db, shape) => {
    const key = connectionOf(db);
    let shapes = byConnection.get(key);
    if (!shapes) {
      shapes = new Map();
      byConnection.set(key, shapes);
    }
    const name = shape.join(',');
    let statement = shapes.get(name);
    if (statement === undefined) {
      statement = build(db, shape);
      shapes.set(name, statement);
    }
    return statement;
  };
}

/** A placeholder named after each column, for a prepared insert or update: `.values(placeholdersFor('a', 'b'))`. */
export function placeholdersFor<K extends string>(...names: readonly K[]): { [P in K]: Placeholder<P> } {
  const out: Partial<Record<K, Placeholder<K>>> = {};
  for (const name of names) out[name] = sql.placeholder(name);
  return out as { [P in K]: Placeholder<P> };
}

/** The names of the values given, sorted, without those left undefined (drizzle leaves them out too): an update's shape. */
export function shapeOf(values: object): string[] {
  return Object.entries(values)
    .filter(([, value]) => value !== undefined)
    .map(([name]) => name)
    .sort();
}

/**
 * A store's `update(id, changes)` for a table with an `id` column: only the columns given (undefined ones left
 * out), through one prepared statement per set of columns changed; no columns, no statement.
 */
export function updateById<T extends SQLiteTable & { id: SQLiteColumn }>(table: T): (db: Db, id: number, changes: object) => void {
  const updates = preparedByShape((db, shape) =>
    db
      .update(table)
      .set(placeholdersFor(...shape))
      .where(eq(table.id, sql.placeholder('rowId')))
      .prepare(),
  );
  return (db, id, changes) => {
    const shape = shapeOf(changes);
    if (shape.length > 0) updates(db, shape).run({ ...changes, rowId: id });
  };
}

/**
 * A LIMIT written into the statement's SQL instead of bound as a parameter: drizzle binds `.limit(n)` (a number as
 * much as a placeholder), and SQLite ran a bound LIMIT several times slower (a one-row lookup about 10 µs more per
 * run, measured on the statements of the webhook and outbox paths). `.limit(literalLimit(1))`; a safe integer only.
 */
export function literalLimit(n: number): Placeholder<string, number> {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`A literal LIMIT must be a whole number of at least 0, not ${n}`);
  // drizzle types limit() as a number or a placeholder, but writes any SQL chunk it is given into the statement as is.
  const literal: SQL = sql.raw(String(n));
  return literal as unknown as Placeholder<string, number>;
}

/**
 * For a statement whose LIMIT varies by caller (a few constants: 5 shown here, 20 listed there): one prepared
 * statement per limit, each with the limit written in (see literalLimit).
 */
export function preparedPerLimit<T>(build: (db: Db, limit: Placeholder<string, number>) => T): (db: Db, limit: number) => T {
  const byLimit = preparedByShape((db, shape) => build(db, literalLimit(Number(shape[0]))));
  return (db, limit) => byLimit(db, [String(limit)]);
}
