import { and, asc, eq, lt, lte, sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { preparedOnce, preparedPerLimit } from '../db/prepared.js';
import { timers } from '../db/schema.js';

export interface TimerSpec {
  kind: string;
  /** What the timer belongs to, e.g. "page:42"; cancelling a subject removes all its timers. */
  subject: string;
  dueAt: number;
  payload?: unknown;
  /** Idempotency: a second timer with the same key is not added. */
  key?: string;
  /** Among due timers, lower fires first (default 1). Pages use 0 so a burst of bookkeeping never delays them. */
  priority?: number;
}

export interface DueTimer {
  id: number;
  kind: string;
  subject: string;
  key: string | null;
  payload: unknown;
  dueAt: number;
  attempts: number;
}

/** Every decision that sets, fires or cancels a timer runs these: built and compiled once per connection. */
const statements = preparedOnce((db) => {
  const subject = eq(timers.subject, sql.placeholder('subject'));
  const kind = eq(timers.kind, sql.placeholder('kind'));
  const key = eq(timers.key, sql.placeholder('key'));
  return {
    schedule: db
      .insert(timers)
      .values({
        kind: sql.placeholder('kind'),
        subject: sql.placeholder('subject'),
        key: sql.placeholder('key'),
        payload: sql.placeholder('payload'),
        dueAt: sql.placeholder('dueAt'),
        priority: sql.placeholder('priority'),
        createdAt: sql.placeholder('now'),
      })
      .onConflictDoNothing()
      .prepare(),
    claim: db
      .delete(timers)
      .where(eq(timers.id, sql.placeholder('id')))
      .prepare(),
    cancel: {
      subject: db.delete(timers).where(subject).prepare(),
      subjectKind: db.delete(timers).where(and(subject, kind)).prepare(),
      subjectKey: db.delete(timers).where(and(subject, key)).prepare(),
      subjectKindKey: db
        .delete(timers)
        .where(and(subject, kind, key))
        .prepare(),
    },
  };
});

/** Adds a timer unless one with the same key already exists. Returns whether a row was added. */
export function scheduleTimer(db: Db, now: number, spec: TimerSpec): boolean {
  const result = statements(db).schedule.run({
    kind: spec.kind,
    subject: spec.subject,
    key: spec.key ?? null,
    payload: spec.payload ?? {},
    dueAt: spec.dueAt,
    priority: spec.priority ?? 1,
    now,
  });
  return result.changes === 1;
}

/** Removes a subject's pending timers (of one kind, or all; or the one with a key). Returns how many. */
export function cancelTimers(db: Db, subject: string, kind?: string, key?: string): number {
  const { cancel } = statements(db);
  const byKey = key !== undefined;
  // An empty kind means any kind, as it always did.
  const statement = kind ? (byKey ? cancel.subjectKindKey : cancel.subjectKind) : byKey ? cancel.subjectKey : cancel.subject;
  return statement.run({ subject, kind, key }).changes;
}

/** The due timers, most urgent first; one statement per batch size (the engine's, the simulator's), its LIMIT written in. */
const dueStatements = preparedPerLimit((db, limit) =>
  db
    .select({
      id: timers.id,
      kind: timers.kind,
      subject: timers.subject,
      key: timers.key,
      payload: timers.payload,
      dueAt: timers.dueAt,
      attempts: timers.attempts,
    })
    .from(timers)
    .where(lte(timers.dueAt, sql.placeholder('now')))
    .orderBy(asc(timers.priority), asc(timers.dueAt), asc(timers.id))
    .limit(limit)
    .prepare(),
);

export function dueTimers(db: Db, now: number, limit: number): DueTimer[] {
  return dueStatements(db, limit).all({ now });
}

/** The ids of every timer still pending (the dry run tells fired from moved by which ones are gone). */
export function pendingTimerIds(db: Db): Set<number> {
  return new Set(
    db
      .select({ id: timers.id })
      .from(timers)
      .all()
      .map((t) => t.id),
  );
}

/** The keys of a subject's timers of one kind that are still pending (not fired, not cancelled). */
export function pendingTimerKeys(db: Db, subject: string, kind: string): Set<string> {
  const rows = db
    .select({ key: timers.key })
    .from(timers)
    .where(and(eq(timers.subject, subject), eq(timers.kind, kind)))
    .all();
  return new Set(rows.flatMap((r) => (r.key === null ? [] : [r.key])));
}

/** How many timers a subject still has, and when the earliest of all timers is due (null: none). */
export function timerOutlook(db: Db, subject: string): { subjectTimers: number; nextDueAt: number | null } {
  const subjectTimers = db.select({ n: sql<number>`count(*)` }).from(timers).where(eq(timers.subject, subject)).get()?.n ?? 0;
  const nextDueAt =
    db
      .select({ due: sql<number | null>`min(${timers.dueAt})` })
      .from(timers)
      .get()?.due ?? null;
  return { subjectTimers, nextDueAt };
}

/** Claims a timer inside the firing transaction: only the transaction that deletes it may act on it. */
export function claimTimer(db: Db, id: number): boolean {
  return statements(db).claim.run({ id }).changes === 1;
}

export function postponeFailedTimer(db: Db, id: number, dueAt: number, error: string): void {
  const row = db.select({ attempts: timers.attempts }).from(timers).where(eq(timers.id, id)).get();
  if (!row) return;
  db.update(timers)
    .set({ dueAt, attempts: row.attempts + 1, lastError: error })
    .where(eq(timers.id, id))
    .run();
}

/** For /metrics and readiness: timers that should already have fired. */
export function overdueTimerCount(db: Db, now: number, graceMs: number): number {
  // More than graceMs late, as the metric's help says (due exactly graceMs ago is still on time).
  const rows = db
    .select({ id: timers.id })
    .from(timers)
    .where(lt(timers.dueAt, now - graceMs))
    .limit(10_000)
    .all();
  return rows.length;
}
