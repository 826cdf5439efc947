/**
 * Gather: what a decision about one incident needs (incident-decide.ts IncidentState and NotifyState), read in
 * the caller's transaction through the incident store and other features' public reads: its pages
 * (page-store.ts, page-service.ts), who is on call now (paging/on-call-now.ts), user group members.
 * Each command reads only what its decision uses.
 */
import type { Policy } from '../config/policy.js';
import type { EngineTx } from '../engine/engine.js';
import { onCallNow } from '../paging/on-call-now.js';
import type { PageService } from '../paging/page-service.js';
import { openPageAbout, unresolvedPageIdsAbout } from '../paging/page-store.js';
import { membersOf } from '../usergroups/usergroup-store.js';
import { incidentSubject, notifyTargets, type IncidentCommand, type IncidentState, type NotifyState } from './incident-decide.js';
import { incidentTimeline, type IncidentRow } from './incident-store.js';

export function gatherIncidentState(tx: EngineTx, policy: Policy, incident: IncidentRow, command: IncidentCommand): IncidentState {
  const about = incidentSubject(incident.id);
  const closing = command.kind === 'resolve' || command.kind === 'classify';
  return {
    incident,
    timeline: command.kind === 'resolve' ? incidentTimeline(tx.db, incident.id) : [],
    openPageId: command.kind === 'set-severity' ? (openPageAbout(tx.db, about)?.id ?? null) : null,
    unresolvedPageIds: closing ? unresolvedPageIdsAbout(tx.db, about) : [],
    primary: command.kind === 'declared' ? onCallNow(tx.db, policy, incident.rotation, tx.now).primary : null,
  };
}

/** Read when the rule runs, after whatever paging did before it in the same transaction. */
export function gatherNotifyState(tx: EngineTx, policy: Policy, pager: PageService, incident: IncidentRow, index: number): NotifyState {
  const page = pager.pagesAbout(tx, incidentSubject(incident.id))[0] ?? null;
  const rule = policy.notify[index];
  const members: Record<string, string[] | null> = {};
  const reachedRecently: string[] = [];
  if (rule) {
    const target = notifyTargets(policy, rule);
    for (const g of target.groups) if (!(g in members)) members[g] = membersOf(tx.db, g);
    const people = new Set([...target.users, ...target.groups.flatMap((g) => members[g] ?? [])]);
    if (page) for (const userId of people) if (pager.reachedRecently(tx, page.id, userId)) reachedRecently.push(userId);
  }
  return { incident, page: page && { id: page.id, status: page.status }, members, reachedRecently };
}
