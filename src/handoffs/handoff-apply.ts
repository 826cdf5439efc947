/** Apply: a handoff decision's effects written in the caller's transaction (engine/effects.ts), rows through the stores. */
import type { Db } from '../db/connection.js';
import { applyEffects, type EventSink } from '../engine/effects.js';
import type { EngineTx } from '../engine/engine.js';
import { insertOverride } from '../schedules/override-store.js';
import type { HandoffEffects, HandoffEvent, HandoffWrite } from './handoff-decide.js';
import { insertHandoff, updateHandoff } from './handoff-store.js';

function writeHandoff(db: Db, write: HandoffWrite): void {
  switch (write.kind) {
    case 'insert': {
      const row = insertHandoff(db, write.row);
      // The decision named its messages by the id it was given: a different one would orphan their edits.
      if (row.id !== write.row.id) throw new Error(`handoff written as #${row.id}, decided as #${write.row.id}`);
      return;
    }
    case 'update':
      updateHandoff(db, write.id, write.changes);
      return;
    case 'override':
      insertOverride(db, write.at, write.override);
      return;
  }
}

export function applyHandoffEffects(tx: EngineTx, effects: HandoffEffects, dispatch: EventSink<HandoffEvent>): void {
  applyEffects(tx, effects, { write: writeHandoff, dispatch });
}
