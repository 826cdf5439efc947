/**
 * Apply: an incident decision's steps carried out in the caller's transaction, in order: effects through
 * engine/effects.ts (rows through the incident store), requests to paging through PageService, and a notify
 * rule as its own gather -> decide -> apply, since it reads what paging just did.
 */
import type { Policy } from '../config/policy.js';
import type { Db } from '../db/connection.js';
import { applyEffects, type EventSink } from '../engine/effects.js';
import type { EngineTx } from '../engine/engine.js';
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
    else if (step.kind === 'pager') askPager(tx, step.request, applier.pager);
    else {
      const incident = findIncident(tx.db, step.incidentId);
      if (!incident) continue;
      const state = gatherNotifyState(tx, applier.policy, applier.pager, incident, step.rule);
      applyIncidentSteps(tx, decideNotify(state, step.rule, step.why, applier.policy), applier);
    }
  }
}

function askPager(tx: EngineTx, request: PagerRequest, pager: PageService): void {
  switch (request.kind) {
    case 'open-page': {
      const page = pager.create(tx, {
        rotation: request.rotation,
        severity: request.severity,
        summary: request.summary,
        source: 'incident',
        sourceRef: incidentSubject(request.incidentId),
        createdBy: request.by,
        tags: request.tags,
        notify: false,
      });
      // The page's id is known once paging made it: the timeline says which page it was.
      recordIncidentEvent(tx.db, request.incidentId, {
        at: tx.now,
        kind: 'page',
        actor: request.by,
        text: pagedLine(request.rotation, request.severity, page.id),
      });
      return;
    }
    case 'page-severity':
      pager.changeSeverity(tx, request.pageId, request.severity);
      return;
    case 'page-by-rule': {
      const page = pager.find(tx, request.pageId);
      if (page) pager.pageByRule(tx, page, request.rule, request.why);
      return;
    }
    case 'resolve-page':
      pager.resolveFor(tx, request.pageId, request.by, request.why);
      return;
  }
}
