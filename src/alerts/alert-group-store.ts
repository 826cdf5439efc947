/**
 * The `alert_groups` table, and the reads of `alerts` by group: every read and write of groups goes through
 * here, and what comes back is plain rows.
 */
import { and, desc, eq, gte, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { literalLimit, placeholdersFor, preparedOnce, preparedPerLimit, updateById } from '../db/prepared.js';
import { alertGroups, alerts } from '../db/schema.js';
import type { AlertRow } from './alert-store.js';

export type AlertGroupRow = typeof alertGroups.$inferSelect;
export type NewAlertGroup = Omit<AlertGroupRow, 'id' | 'resolvedAt' | 'pageId' | 'firstAlertId' | 'incidentId'>;
export type AlertGroupChanges = Partial<
  Pick<
    AlertGroupRow,
    'status' | 'severity' | 'count' | 'openCount' | 'lastSeenAt' | 'resolvedAt' | 'pageId' | 'firstAlertId' | 'lastEditedAt' | 'dmReplies'
  >
>;

/** What every alert of a storm runs (the webhook path): built and compiled once per connection, then only run. */
const statements = preparedOnce((db) => ({
  find: db
    .select()
    .from(alertGroups)
    .where(eq(alertGroups.id, sql.placeholder('id')))
    .prepare(),
  openWithKey: db
    .select()
    .from(alertGroups)
    .where(
      and(
        eq(alertGroups.integration, sql.placeholder('integration')),
        eq(alertGroups.rotation, sql.placeholder('rotation')),
        eq(alertGroups.groupKey, sql.placeholder('groupKey')),
        ne(alertGroups.status, 'resolved'),
      ),
    )
    .prepare(),
  insert: db
    .insert(alertGroups)
    .values(
      placeholdersFor(
        'integration',
        'source',
        'rotation',
        'groupKey',
        'status',
        'service',
        'severity',
        'routedSeverity',
        'summary',
        'silenceId',
        'count',
        'openCount',
        'firstSeenAt',
        'lastSeenAt',
        'lastEditedAt',
        'dmReplies',
      ),
    )
    .returning()
    .prepare(),
  countMemberIn: db
    .update(alertGroups)
    .set({
      count: sql`${alertGroups.count} + 1`,
      openCount: sql`${alertGroups.openCount} + 1`,
      lastSeenAt: sql`${sql.placeholder('now')}`,
    })
    .where(eq(alertGroups.id, sql.placeholder('id')))
    .prepare(),
  touch: db
    .update(alertGroups)
    .set({ lastSeenAt: sql`${sql.placeholder('now')}` })
    .where(eq(alertGroups.id, sql.placeholder('id')))
    .prepare(),
}));

const updateRow = updateById(alertGroups);

export function findGroup(db: Db, id: number): AlertGroupRow | null {
  return statements(db).find.get({ id }) ?? null;
}

/** The groups not resolved with this identity (integration, rotation, grouping key): what a new alert may join. */
export function openGroupsWithKey(db: Db, integration: string, rotation: string, groupKey: string): AlertGroupRow[] {
  return statements(db).openWithKey.all({ integration, rotation, groupKey });
}

export function insertGroup(db: Db, group: NewAlertGroup): AlertGroupRow {
  return statements(db).insert.get(group)!;
}

export function updateGroup(db: Db, id: number, changes: AlertGroupChanges): void {
  updateRow(db, id, changes);
}

/**
 * Links the group to the incident it declared, once: the update takes only a group not linked yet, so a second
 * try (a retry, a replay after a restart) links nothing and returns false.
 */
export function linkIncident(db: Db, id: number, incidentId: number): boolean {
  return (
    db
      .update(alertGroups)
      .set({ incidentId })
      .where(and(eq(alertGroups.id, id), isNull(alertGroups.incidentId)))
      .run().changes === 1
  );
}

/** The group that declared this incident, if one did. */
export function groupOfIncident(db: Db, incidentId: number): AlertGroupRow | null {
  return db.select().from(alertGroups).where(eq(alertGroups.incidentId, incidentId)).get() ?? null;
}

/** A member joined (or re-fired): one more alert, one more open, seen now. */
export function countMemberIn(db: Db, id: number, now: number): void {
  statements(db).countMemberIn.run({ id, now });
}

/** A member repeated: the group was seen now. */
export function touchGroup(db: Db, id: number, now: number): void {
  statements(db).touch.run({ id, now });
}

/** A member resolved: one fewer open. Returns the group as it is now. */
export function uncountOpenMember(db: Db, id: number): AlertGroupRow | null {
  return (
    db
      .update(alertGroups)
      .set({ openCount: sql`max(${alertGroups.openCount} - 1, 0)` })
      .where(eq(alertGroups.id, id))
      .returning()
      .get() ?? null
  );
}

/** The group whose page this is, if the page is a group's. */
export function groupOfPage(db: Db, pageId: number): AlertGroupRow | null {
  return db.select().from(alertGroups).where(eq(alertGroups.pageId, pageId)).get() ?? null;
}

/** One statement per count asked for (the group message's, the incident's), the LIMIT written in: bound, it cost more. */
const latestMembersStatements = preparedPerLimit((db, limit) =>
  db
    .select()
    .from(alerts)
    .where(eq(alerts.groupId, sql.placeholder('groupId')))
    .orderBy(desc(alerts.id))
    .limit(limit)
    .prepare(),
);

/** A group's latest `limit` members, newest first. */
export function latestMembers(db: Db, groupId: number, limit: number): AlertRow[] {
  return latestMembersStatements(db, limit).all({ groupId });
}

/** Every member of a group (the tests' "every alert is findable in its group", and `/oncall alerts`). */
export function membersOf(db: Db, groupId: number): AlertRow[] {
  return db.select().from(alerts).where(eq(alerts.groupId, groupId)).all();
}

/** Marks a group's firing members acknowledged (its page was acknowledged: they are one). */
export function acknowledgeMembers(db: Db, groupId: number): void {
  db.update(alerts)
    .set({ status: 'acknowledged' })
    .where(and(eq(alerts.groupId, groupId), eq(alerts.status, 'firing')))
    .run();
}

/** Every member takes the group's severity (correlation raised it, "Not P0" lowered it). */
export function setMembersSeverity(db: Db, groupId: number, severity: string): void {
  db.update(alerts).set({ severity }).where(eq(alerts.groupId, groupId)).run();
}

/** The alerts still open that came in the source's group `key` (Alertmanager's groupKey) of this integration. */
export function openAlertsInSourceGroup(db: Db, integration: string, key: string): AlertRow[] {
  return db
    .select()
    .from(alerts)
    .where(and(eq(alerts.integration, integration), eq(alerts.sourceGroupKey, key), ne(alerts.status, 'resolved')))
    .all();
}

/** At most one group not resolved for `service`, from one of `sources`, seen at or after `since`: what a new group may correlate with. */
export function groupCorrelationCandidates(
  db: Db,
  service: string,
  sources: readonly string[],
  since: number,
): Array<{ id: number; source: string; service: string | null; lastSeenAt: number; firstAlertId: number | null; count: number }> {
  return db
    .select({
      id: alertGroups.id,
      source: alertGroups.source,
      service: alertGroups.service,
      lastSeenAt: alertGroups.lastSeenAt,
      firstAlertId: alertGroups.firstAlertId,
      count: alertGroups.count,
    })
    .from(alertGroups)
    .where(
      and(
        eq(alertGroups.service, service),
        inArray(alertGroups.source, [...sources]),
        gte(alertGroups.lastSeenAt, since),
        ne(alertGroups.status, 'resolved'),
      ),
    )
    .limit(literalLimit(1))
    .all();
}

/** The groups not resolved, latest seen first, at most `limit` (`/oncall alerts`). */
export function openGroups(db: Db, limit: number): AlertGroupRow[] {
  return db
    .select()
    .from(alertGroups)
    .where(inArray(alertGroups.status, ['firing', 'acknowledged']))
    .orderBy(desc(alertGroups.lastSeenAt))
    .limit(limit)
    .all();
}
