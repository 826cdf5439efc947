/**
 * The incidents feature's tables, `incidents` and `incident_events` (the timeline): every read and write of them
 * goes through here, and what comes back is plain rows. Other features (handoffs, reports, home) read incidents
 * through this file or through IncidentService.
 */
import { and, asc, desc, eq, gte, inArray, isNotNull, isNull, lt, or } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { incidentEvents, incidents } from '../db/schema.js';
import { INCIDENT_STATUSES } from './cadence.js';

/**
 * Not resolved, written as the statuses it can have so the status index serves it ("<> resolved" cannot use
 * an index, and would read every incident ever closed).
 */
const unresolved = () =>
  inArray(
    incidents.status,
    INCIDENT_STATUSES.filter((s) => s !== 'resolved'),
  );

export type IncidentRow = typeof incidents.$inferSelect;

/** The columns a declaration writes, named once: the row's type below and the insert's pick. */
const NEW_INCIDENT_COLUMNS = [
  'title',
  'severity',
  'status',
  'service',
  'environment',
  'impact',
  'tags',
  'rotation',
  'declaredBy',
  'commander',
  'roles',
  'channelId',
  'announceChannel',
  'declaredAt',
] as const satisfies ReadonlyArray<keyof IncidentRow>;

/** A new incident's row as declared; its clock (update and postmortem deadlines) is set afterwards. */
export type NewIncidentRow = Pick<IncidentRow, (typeof NEW_INCIDENT_COLUMNS)[number]>;

/** What may change on an incident after it is declared. */
export type IncidentChanges = Partial<Omit<IncidentRow, 'id' | 'declaredBy' | 'declaredAt'>>;

/** One line of an incident's timeline. */
export interface IncidentEvent {
  at: number;
  kind: string;
  actor: string | null;
  text: string;
}

export function findIncident(db: Db, id: number): IncidentRow | null {
  return db.select().from(incidents).where(eq(incidents.id, id)).get() ?? null;
}

/** The newest incident whose own channel is this one, if any. */
export function incidentInChannel(db: Db, channelId: string): IncidentRow | null {
  return db.select().from(incidents).where(eq(incidents.channelId, channelId)).orderBy(desc(incidents.id)).get() ?? null;
}

/** Every incident not resolved, oldest first. */
export function unresolvedIncidents(db: Db): IncidentRow[] {
  return db.select().from(incidents).where(unresolved()).orderBy(asc(incidents.id)).all();
}

/** Only the declared columns are written: the caller may pass more (the declare form's whole input). */
export function insertIncident(db: Db, i: NewIncidentRow): IncidentRow {
  // fromEntries loses the keys' names; they are exactly NEW_INCIDENT_COLUMNS, which is what NewIncidentRow picks.
  const values = Object.fromEntries(NEW_INCIDENT_COLUMNS.map((column) => [column, i[column]])) as NewIncidentRow;
  return db.insert(incidents).values(values).returning().get();
}

export function updateIncident(db: Db, id: number, changes: IncidentChanges): void {
  db.update(incidents).set(changes).where(eq(incidents.id, id)).run();
}

/** The incident's timeline in order: by instant, then as written. */
export function incidentTimeline(db: Db, incidentId: number): IncidentEvent[] {
  return db
    .select({ at: incidentEvents.at, kind: incidentEvents.kind, actor: incidentEvents.actor, text: incidentEvents.text })
    .from(incidentEvents)
    .where(eq(incidentEvents.incidentId, incidentId))
    .orderBy(asc(incidentEvents.at), asc(incidentEvents.id))
    .all();
}

export function recordIncidentEvent(db: Db, incidentId: number, event: IncidentEvent): void {
  db.insert(incidentEvents)
    .values({ incidentId, ...event })
    .run();
}

/** "This rotation's": incidents of the rotation, and those of no rotation (everyone's). */
const ofRotation = (rotation: string) => or(eq(incidents.rotation, rotation), isNull(incidents.rotation));

/** The rotation's incidents (and those of no rotation) not resolved, whenever they began. */
export function unresolvedIncidentsOf(db: Db, rotation: string): IncidentRow[] {
  return db
    .select()
    .from(incidents)
    .where(and(unresolved(), ofRotation(rotation)))
    .all();
}

/** The rotation's incidents (and those of no rotation) declared or resolved at or after `since`. */
export function incidentsDeclaredOrResolvedSince(db: Db, rotation: string, since: number): IncidentRow[] {
  return (
    db
      .select()
      .from(incidents)
      .where(
        and(
          ofRotation(rotation),
          or(gte(incidents.declaredAt, since), and(isNotNull(incidents.resolvedAt), gte(incidents.resolvedAt, since))),
        ),
      )
      .all()
      // Two indexes answer the two halves of the "or"; sorted here, since ORDER BY id would make SQLite walk
      // every incident by id instead (the query-plans test says so).
      .sort((a, b) => a.id - b.id)
  );
}

/** The incidents not resolved that this person commands. */
export function unresolvedIncidentsCommandedBy(db: Db, userId: string): IncidentRow[] {
  return db
    .select()
    .from(incidents)
    .where(and(unresolved(), eq(incidents.commander, userId)))
    .all();
}

/** Incidents declared in [from, to), of one rotation or all, with what a report counts. */
export function incidentsDeclaredBetween(
  db: Db,
  from: number,
  to: number,
  rotation: string | null,
): Array<{ severity: string; declaredAt: number; resolvedAt: number | null }> {
  return db
    .select({ severity: incidents.severity, declaredAt: incidents.declaredAt, resolvedAt: incidents.resolvedAt })
    .from(incidents)
    .where(and(gte(incidents.declaredAt, from), lt(incidents.declaredAt, to), rotation ? eq(incidents.rotation, rotation) : undefined))
    .all();
}
