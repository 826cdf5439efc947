/** Apply: a playbook decision's effects written in the caller's transaction (engine/effects.ts), rows through the stores. */
import type { Db } from '../db/connection.js';
import { applyEffects } from '../engine/effects.js';
import type { EngineTx } from '../engine/engine.js';
import { recordIncidentEvent } from '../incidents/incident-store.js';
import type { PlaybookEffects, PlaybookWrite } from './playbook-decide.js';
import { insertChecklist, insertTrigger, setChecklistItem } from './playbook-store.js';

function writePlaybook(db: Db, write: PlaybookWrite): void {
  switch (write.kind) {
    case 'checklist':
      insertChecklist(db, write.incidentId, write.texts);
      return;
    case 'item':
      setChecklistItem(db, write.incidentId, write.position, write.checked);
      return;
    case 'trigger':
      insertTrigger(db, write.row);
      return;
    case 'timeline':
      recordIncidentEvent(db, write.incidentId, write.line);
      return;
  }
}

export function applyPlaybookEffects(tx: EngineTx, effects: PlaybookEffects): void {
  applyEffects(tx, effects, { write: writePlaybook, dispatch: () => undefined });
}
