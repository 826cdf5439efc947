/** Gather: what a playbook decision (playbook-decide.ts) needs, read in the caller's transaction, only what the command needs. */
import type { Policy } from '../config/policy.js';
import type { EngineTx } from '../engine/engine.js';
import { findIncident } from '../incidents/incident-store.js';
import { onCallNow } from '../paging/on-call-now.js';
import type { PlaybookCommand, PlaybookState } from './playbook-decide.js';
import { checklistOf, findTrigger } from './playbook-store.js';

export function gatherPlaybookState(tx: EngineTx, policy: Policy, incidentId: number, command: PlaybookCommand): PlaybookState {
  const incident = findIncident(tx.db, incidentId);
  const marking = command.kind === 'trigger' && incident !== null && policy.playbooks.triggers[command.name] !== undefined;
  return {
    incidentId,
    incident,
    items: command.kind === 'tick' && incident ? checklistOf(tx.db, incidentId) : [],
    marked: marking ? findTrigger(tx.db, incidentId, command.name) : null,
    onCall: marking ? onCallNow(tx.db, policy, incident.rotation, tx.now) : { primary: null, secondary: null },
  };
}
