/**
 * Gather: what a decision about an alert needs (alert-decide.ts), read in the caller's transaction through the
 * stores, and only what its branch reads: a repeat reads no groups, a member of a storm no correlation.
 */
import type { Integration, Policy } from '../config/policy.js';
import type { EngineTx } from '../engine/engine.js';
import { messageKnown } from '../engine/outbox.js';
import type { PageService } from '../paging/page-service.js';
import { alertsChannelOf } from '../paging/page-policy.js';
import { messagesOf } from '../paging/page-store.js';
import { GROUP_LATEST_SHOWN } from './alert-blocks.js';
import { firingKey, type FiringState, type GroupEditState, type ResolveState } from './alert-decide.js';
import { findGroup, groupCorrelationCandidates, latestMembers, openGroupsWithKey, type AlertGroupRow } from './alert-group-store.js';
import { decideGrouping } from './alert-grouping.js';
import { alertGroupRef } from './alert-refs.js';
import { openAlert, silenceInForce, type AlertRow } from './alert-store.js';
import { CORRELATION_WINDOW_MS } from './correlation.js';
import { ALERT_SOURCES, type NormalizedAlert } from './normalized.js';

export function gatherFiring(
  tx: EngineTx,
  policy: Policy,
  pager: PageService,
  name: string,
  config: Integration,
  alert: NormalizedAlert,
): FiringState {
  const existing = openAlert(tx.db, name, alert.dedupKey);
  if (existing) return { existing, group: existing.groupId === null ? null : findGroup(tx.db, existing.groupId) };
  // Routed nowhere: ignored, nothing more to read.
  if (!firingKey(policy, name, config, alert, false)) return { existing: null, silence: null, open: [], start: null };
  const silence = alert.service ? silenceInForce(tx.db, alert.service, tx.now) : null;
  const key = firingKey(policy, name, config, alert, silence !== null)!;
  const open = openGroupsWithKey(tx.db, name, key.route.rotation, key.groupKey);
  const decision = decideGrouping(open, key.incoming, key.grouping, tx.now);
  if (decision.kind === 'join' && open.some((g) => g.id === decision.groupId)) return { existing: null, silence, open, start: null };
  const candidates = alert.service
    ? groupCorrelationCandidates(
        tx.db,
        alert.service,
        ALERT_SOURCES.filter((s) => s !== alert.source),
        tx.now - CORRELATION_WINDOW_MS,
      )
    : [];
  const channel = alertsChannelOf(policy, key.route.rotation);
  const backlogged = channel !== null && silence === null && pager.channelBacklogged(tx, channel);
  return { existing: null, silence, open, start: { candidates, backlogged } };
}

export function gatherResolve(tx: EngineTx, row: AlertRow): ResolveState {
  return { row, group: row.groupId === null ? null : findGroup(tx.db, row.groupId) };
}

export function gatherGroupEdit(tx: EngineTx, policy: Policy, group: AlertGroupRow): GroupEditState {
  return {
    latest: latestMembers(tx.db, group.id, GROUP_LATEST_SHOWN),
    messageKnown: alertsChannelOf(policy, group.rotation) !== null && messageKnown(tx.db, alertGroupRef(group.id)),
    pageMessageRefs: group.pageId !== null && group.count > 1 ? messagesOf(tx.db, group.pageId).map((m) => m.ref) : [],
  };
}
