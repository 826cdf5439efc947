/**
 * The playbooks feature's tables, `checklist_items` and `incident_triggers`: an incident's triage checklist
 * (who ticked what, when) and the escalation triggers marked on it. Every read and write goes through here.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { checklistItems, incidentTriggers } from '../db/schema.js';
import type { ChecklistItem } from './playbook-blocks.js';

export type { ChecklistItem };
export type TriggerRow = typeof incidentTriggers.$inferSelect;

/** The incident's checklist, one item per text, in the order given (positions 0, 1, ...), none ticked. */
export function insertChecklist(db: Db, incidentId: number, texts: readonly string[]): void {
  for (const [position, text] of texts.entries()) db.insert(checklistItems).values({ incidentId, position, text }).run();
}

/** The incident's checklist in order. */
export function checklistOf(db: Db, incidentId: number): ChecklistItem[] {
  return db
    .select({
      position: checklistItems.position,
      text: checklistItems.text,
      checkedBy: checklistItems.checkedBy,
      checkedAt: checklistItems.checkedAt,
    })
    .from(checklistItems)
    .where(eq(checklistItems.incidentId, incidentId))
    .orderBy(asc(checklistItems.position))
    .all();
}

/** Ticks an item (who and when) or, with null, unticks it. */
export function setChecklistItem(db: Db, incidentId: number, position: number, checked: { by: string; at: number } | null): void {
  const where = and(eq(checklistItems.incidentId, incidentId), eq(checklistItems.position, position));
  db.update(checklistItems)
    .set(checked ? { checkedBy: checked.by, checkedAt: checked.at } : { checkedBy: null, checkedAt: null })
    .where(where)
    .run();
}

/** The trigger of this name marked on the incident, if it was. */
export function findTrigger(db: Db, incidentId: number, name: string): TriggerRow | null {
  return (
    db
      .select()
      .from(incidentTriggers)
      .where(and(eq(incidentTriggers.incidentId, incidentId), eq(incidentTriggers.name, name)))
      .get() ?? null
  );
}

export function insertTrigger(db: Db, trigger: Omit<TriggerRow, 'id'>): void {
  db.insert(incidentTriggers).values(trigger).run();
}
