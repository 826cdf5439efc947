/**
 * Apply: an incident decision's steps carried out in the caller's transaction, in order: effects through
 * engine/effects.ts (rows through the incident store), requests to paging through paging/page-request.ts, and a notify
 * rule as its own gather -> decide -> apply, since it reads what paging just did.
 */
import type { Policy } from '../config/policy.js';
import type { Db } from '../db/connection.js';
import { applyEffects, type EventSink } from '../engine/effects.js';
import type { EngineTx } from '../engine/engine.js';
import { askPager, openPageFor } from '../paging/page-request.js';
import type { PageService } from '../paging/page-service.js';
import { pagedLine } from './incident-blocks.js';
import {
  decideNotify,
  incidentSubject,
  type IncidentEffects,
  type IncidentEvent,
  type IncidentStep,
  type IncidentWrite,
  type PagerRequest,
} from './incident-decide.js';
import { gatherNotifyState } from './incident-gather.js';
import { findIncident, recordIncidentEvent, updateIncident } from './incident-store.js';

function writeIncident(db: Db, write: IncidentWrite): void {
  if (write.kind === 'incident') updateIncident(db, write.id, write.changes);
  else recordIncidentEvent(db, write.incidentId, write.entry);
}

export function applyIncidentEffects(tx: EngineTx, effects: IncidentEffects, dispatch: EventSink<IncidentEvent>): void {
  applyEffects(tx, effects, { write: writeIncident, dispatch });
}

export interface IncidentApplier {
  policy: Policy;
  pager: PageService;
  dispatch: EventSink<IncidentEvent>;
}

export function applyIncidentSteps(tx: EngineTx, steps: readonly IncidentStep[], applier: IncidentApplier): void {
  for (const step of steps) {
    if (step.kind === 'effects') applyIncidentEffects(tx, step.effects, applier.dispatch);
    else if (step.kind === 'pager') pagerStep(tx, step.request, applier.pager);
    else {
      const incident = findIncident(tx.db, step.incidentId);
      if (!incident) continue;
      const state = gatherNotifyState(tx, applier.policy, applier.pager, incident, step.rule);
      applyIncidentSteps(tx, decideNotify(state, step.rule, step.why, applier.policy), applier);
    }
  }
}

function pagerStep(tx: EngineTx, request: PagerRequest, pager: PageService): void {
  if (request.kind !== 'open-page') {
    askPager(tx, pager, request);
    return;
  }
  const page = openPageFor(tx, pager, request, { source: 'incident', sourceRef: incidentSubject(request.incidentId), notify: false });
  // The page's id is known once paging made it: the timeline says which page it was.
  recordIncidentEvent(tx.db, request.incidentId, {
    at: tx.now,
    kind: 'page',
    actor: request.by,
    text: pagedLine(request.rotation, request.severity, page.id),
  });
}
