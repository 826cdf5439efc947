/**
 * The alerts feature's tables, `alerts` and `silences`: every read and write of them goes through here, and
 * what comes back is plain rows. Other features (handoffs, reports) read alerts through this file too.
 */
import { and, asc, desc, eq, gt, gte, inArray, lt, lte, ne, sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { literalLimit, placeholdersFor, preparedOnce, updateById } from '../db/prepared.js';
import { alerts, silences } from '../db/schema.js';

export type AlertRow = typeof alerts.$inferSelect;
export type SilenceRow = typeof silences.$inferSelect;

/** A new alert as routing, grouping and correlation decided it; the count starts at 1. */
export type NewAlert = Omit<AlertRow, 'id' | 'count' | 'resolvedAt' | 'pageId' | 'groupId' | 'sourceGroupKey'> &
  Partial<Pick<AlertRow, 'pageId' | 'groupId' | 'sourceGroupKey'>>;

/** What may change on an alert after it is stored. */
export type AlertChanges = Partial<
  Pick<AlertRow, 'status' | 'severity' | 'count' | 'lastSeenAt' | 'resolvedAt' | 'pageId' | 'lastEditedAt'>
>;

/** An open alert of another source for the same service, as correlation needs it. */
export interface CorrelationCandidate {
  id: number;
  source: string;
  service: string | null;
  lastSeenAt: number;
}

/** Every alert that arrives runs these (the webhook path): built and compiled once per connection, then only run. */
const statements = preparedOnce((db) => ({
  find: db
    .select()
    .from(alerts)
    .where(eq(alerts.id, sql.placeholder('id')))
    .prepare(),
  // No ORDER BY ... LIMIT here: an identity has one alert open (rarely two), and a bound LIMIT made SQLite prepare
  // the statement anew on every run (~4x the cost of the lookup itself, on every alert the webhook receives).
  open: db
    .select()
    .from(alerts)
    .where(
      and(
        eq(alerts.integration, sql.placeholder('integration')),
        eq(alerts.dedupKey, sql.placeholder('dedupKey')),
        ne(alerts.status, 'resolved'),
      ),
    )
    .prepare(),
  insert: db
    .insert(alerts)
    .values(
      placeholdersFor(
        'integration',
        'source',
        'dedupKey',
        'status',
        'service',
        'severity',
        'routedSeverity',
        'silenceId',
        'rotation',
        'summary',
        'details',
        'labels',
        'links',
        'firstSeenAt',
        'lastSeenAt',
        'pageId',
        'lastEditedAt',
        'groupId',
        'sourceGroupKey',
      ),
    )
    .returning()
    .prepare(),
  silenceInForce: db
    .select()
    .from(silences)
    .where(
      and(
        eq(silences.service, sql.placeholder('service')),
        lte(silences.startsAt, sql.placeholder('now')),
        gt(silences.endsAt, sql.placeholder('now')),
      ),
    )
    .limit(literalLimit(1))
    .prepare(),
}));

const updateRow = updateById(alerts);

export function findAlert(db: Db, id: number): AlertRow | null {
  return statements(db).find.get({ id }) ?? null;
}

/** The newest alert of this identity (integration and the source's dedup key) that is not resolved. */
export function openAlert(db: Db, integration: string, dedupKey: string): AlertRow | null {
  let newest: AlertRow | null = null;
  for (const row of statements(db).open.all({ integration, dedupKey })) if (newest === null || row.id > newest.id) newest = row;
  return newest;
}

/**
 * At most one alert not resolved for `service`, from one of `sources`, seen at or after `since`: what a new
 * alert may correlate with. Only other sources can correlate: one index seek per source, however many alerts
 * the new alert's own source has open.
 */
export function correlationCandidates(db: Db, service: string, sources: readonly string[], since: number): CorrelationCandidate[] {
  return db
    .select({ id: alerts.id, source: alerts.source, service: alerts.service, lastSeenAt: alerts.lastSeenAt })
    .from(alerts)
    .where(
      and(eq(alerts.service, service), inArray(alerts.source, [...sources]), gte(alerts.lastSeenAt, since), ne(alerts.status, 'resolved')),
    )
    .limit(literalLimit(1))
    .all();
}

export function insertAlert(db: Db, alert: NewAlert): AlertRow {
  return statements(db).insert.get({ pageId: null, groupId: null, sourceGroupKey: null, ...alert })!;
}

export function updateAlert(db: Db, id: number, changes: AlertChanges): void {
  updateRow(db, id, changes);
}

/** A rotation's alerts seen at or after `since` (a shift's alerts, for the handoff prefill). */
export function alertsSeenSince(db: Db, rotation: string, since: number): AlertRow[] {
  return db
    .select()
    .from(alerts)
    .where(and(eq(alerts.rotation, rotation), gte(alerts.lastSeenAt, since)))
    .all();
}

/** Alerts that were open at some point in [from, to): seen at or after `from`, first seen before `to`. Every rotation when null. */
/**
 * The noisiest alerts of [from, to) (open at any point of it), for one rotation or all: alerts with the same source
 * and summary counted together, most first, ties by summary then integration (code point order), at most `limit`.
 * SQLite groups and sorts them, so a month of a large team is `limit` rows in memory, not every alert of it.
 */
export function noisiestAlertsOverlapping(
  db: Db,
  from: number,
  to: number,
  rotation: string | null,
  limit: number,
): Array<{ integration: string; summary: string; count: number }> {
  const total = sql<number>`sum(${alerts.count})`;
  return (
    db
      .select({ integration: alerts.integration, summary: alerts.summary, count: total })
      .from(alerts)
      .where(and(gte(alerts.lastSeenAt, from), lt(alerts.firstSeenAt, to), rotation ? eq(alerts.rotation, rotation) : undefined))
      // Summary first: grouped in integration order, SQLite walked a whole index of alerts instead of the period's range.
      .groupBy(alerts.summary, alerts.integration)
      .orderBy(desc(total), asc(alerts.summary), asc(alerts.integration))
      .limit(literalLimit(limit))
      .all()
  );
}

/** The silence covering a service at `now` (started, not ended), if any. */
export function silenceInForce(db: Db, service: string, now: number): SilenceRow | null {
  return statements(db).silenceInForce.get({ service, now }) ?? null;
}

export interface NewSilence {
  service: string;
  reason: string;
  createdBy: string;
  startsAt: number;
  endsAt: number;
}

export function insertSilence(db: Db, now: number, silence: NewSilence): SilenceRow {
  return db
    .insert(silences)
    .values({ ...silence, createdAt: now })
    .returning()
    .get();
}

export function findSilence(db: Db, id: number): SilenceRow | null {
  return db.select().from(silences).where(eq(silences.id, id)).get() ?? null;
}

/** Ends a silence at `now`: a silence counts only while now < ends_at. */
export function endSilence(db: Db, id: number, now: number): void {
  db.update(silences).set({ endsAt: now }).where(eq(silences.id, id)).run();
}

/** Silences that have not ended by `now`. */
export function silencesNotEnded(db: Db, now: number): SilenceRow[] {
  return db.select().from(silences).where(gt(silences.endsAt, now)).all();
}
