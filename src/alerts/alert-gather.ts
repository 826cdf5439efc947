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
import {
  firingKey,
  type ActorState,
  type FiringState,
  type GroupEditState,
  type LowerState,
  type ReactionState,
  type ResolveState,
  type SourceUpdateState,
} from './alert-decide.js';
import { messageRefAt } from '../slack/slack-message-store.js';
import { alertGroupIdOf, alertIdOf } from './alert-refs.js';
import { findGroup, groupCorrelationCandidates, latestMembers, openGroupsWithKey, type AlertGroupRow } from './alert-group-store.js';
import { decideGrouping } from './alert-grouping.js';
import { alertGroupRef } from './alert-refs.js';
import { findAlert, openAlert, silenceInForce, type AlertRow } from './alert-store.js';
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

/** A resolve or acknowledgement from the source: the open alert with its key, and its group. */
export function gatherSourceUpdate(tx: EngineTx, name: string, alert: NormalizedAlert): SourceUpdateState {
  const existing = openAlert(tx.db, name, alert.dedupKey);
  return { existing, group: existing && existing.groupId !== null ? findGroup(tx.db, existing.groupId) : null };
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

/** The page of a group or alert, and whether paging lets this person act on it. */
export function gatherActor(tx: EngineTx, pager: PageService, pageId: number | null, userId: string): ActorState {
  const page = pageId !== null ? pager.find(tx, pageId) : null;
  return { page, mayActOnPage: page !== null && pager.mayAct(tx, page, userId) };
}

/** The group a channel message (its ts) shows: a group's message, or the message of an alert stored before grouping. */
export function gatherReaction(tx: EngineTx, pager: PageService, channel: string, ts: string, userId: string): ReactionState {
  const ref = messageRefAt(tx.db, channel, ts);
  const groupId = alertGroupIdOf(ref);
  const alertId = groupId === null ? alertIdOf(ref) : null;
  const alert = alertId === null ? null : findAlert(tx.db, alertId);
  const id = groupId ?? alert?.groupId ?? null;
  const group = id === null ? null : findGroup(tx.db, id);
  // Who acts is read only for what is still firing.
  if (group) return { kind: 'group', group, actor: group.status === 'firing' ? gatherActor(tx, pager, group.pageId, userId) : null };
  if (groupId !== null || !alert) return { kind: 'none' };
  return { kind: 'alert', row: alert, actor: alert.status === 'firing' ? gatherActor(tx, pager, alert.pageId, userId) : null };
}

export function gatherLower(tx: EngineTx, pager: PageService, groupId: number, userId: string): LowerState {
  const group = findGroup(tx.db, groupId);
  // Who acts is read only for a group above its routed severity.
  const actor = group && group.severity !== group.routedSeverity ? gatherActor(tx, pager, group.pageId, userId) : null;
  return { group, actor };
}
