/**
 * Apply: an alert decision's steps carried out in the caller's transaction, in order: effects through
 * engine/effects.ts (rows through the alert and alert group stores), requests to paging through paging/page-request.ts,
 * new groups and members stored and the rest of their decision made with their ids, the incident link told, and
 * a group's message drawn as its own gather -> decideGroupEdit -> apply, since it reads what was just written.
 */
import type { Policy } from '../config/policy.js';
import type { Db } from '../db/connection.js';
import { applyEffects, noEffects } from '../engine/effects.js';
import type { EngineTx } from '../engine/engine.js';
import { askPager, openPageFor } from '../paging/page-request.js';
import type { PageService } from '../paging/page-service.js';
import {
  decideGroupEdit,
  decideGroupStarted,
  decideJoined,
  decideMarkAcknowledged,
  type AlertEffects,
  type AlertPagerRequest,
  type AlertStep,
  type AlertWrite,
} from './alert-decide.js';
import { gatherGroupEdit } from './alert-gather.js';
import {
  acknowledgeMembers,
  countMemberIn,
  findGroup,
  insertGroup,
  setMembersSeverity,
  touchGroup,
  uncountOpenMember,
  updateGroup,
  type AlertGroupRow,
} from './alert-group-store.js';
import { alertGroupRef } from './alert-refs.js';
import { insertAlert, updateAlert, type AlertRow } from './alert-store.js';

/** Told when a group starts (after its page) or takes a member; returns true when the group's message should show something new. */
export interface GroupFollower {
  groupChanged(tx: EngineTx, group: AlertGroupRow, joined: AlertRow): boolean;
}

export interface AlertApplier {
  policy: Policy;
  pager: PageService;
  follower: GroupFollower | null;
}

function writeAlert(db: Db, write: AlertWrite): void {
  switch (write.kind) {
    case 'alert':
      updateAlert(db, write.id, write.changes);
      return;
    case 'group':
      updateGroup(db, write.id, write.changes);
      return;
    case 'count-member':
      countMemberIn(db, write.groupId, write.at);
      return;
    case 'touch-group':
      touchGroup(db, write.groupId, write.at);
      return;
    case 'uncount-member':
      uncountOpenMember(db, write.groupId);
      return;
    case 'members-severity':
      setMembersSeverity(db, write.groupId, write.severity);
      return;
    case 'acknowledge-members':
      acknowledgeMembers(db, write.groupId);
      return;
  }
}

export function applyAlertEffects(tx: EngineTx, effects: AlertEffects): void {
  applyEffects(tx, effects, { write: writeAlert, dispatch: () => {} });
}

/** Carries out the steps in order; paging's refusal of a request stops them and is returned (else null). */
export function applyAlertSteps(tx: EngineTx, steps: readonly AlertStep[], applier: AlertApplier): string | null {
  for (const step of steps) {
    switch (step.kind) {
      case 'effects':
        applyAlertEffects(tx, step.effects);
        break;
      case 'pager': {
        const refused = pagerStep(tx, step.request, applier.pager);
        if (refused !== null) return refused;
        break;
      }
      case 'start-group': {
        const group = insertGroup(tx.db, step.group);
        const row = insertAlert(tx.db, { ...step.member, groupId: group.id });
        const refused = applyAlertSteps(tx, decideGroupStarted(group, row, step.plan, tx.now), applier);
        if (refused !== null) return refused;
        break;
      }
      case 'join-group': {
        const row = insertAlert(tx.db, step.member);
        const refused = applyAlertSteps(tx, decideJoined(step.group, row, step.raise, tx.now), applier);
        if (refused !== null) return refused;
        break;
      }
      case 'follow':
        if (applier.follower?.groupChanged(tx, step.group, step.member) && step.refresh)
          applyAlertEffects(tx, { ...noEffects(), timers: [step.refresh] });
        break;
      case 'edit-group': {
        const state = gatherGroupEdit(tx, applier.policy, step.group);
        applyAlertEffects(tx, decideGroupEdit(step.group, step.note, state, applier.policy, tx.now));
        break;
      }
      case 'mark-acknowledged': {
        const group = findGroup(tx.db, step.groupId);
        if (group?.status === 'firing') applyAlertSteps(tx, decideMarkAcknowledged(group), applier);
        break;
      }
    }
  }
  return null;
}

function pagerStep(tx: EngineTx, request: AlertPagerRequest, pager: PageService): string | null {
  if (request.kind !== 'open-page') return askPager(tx, pager, request);
  const page = openPageFor(tx, pager, request, { source: 'alert', sourceRef: alertGroupRef(request.groupId) });
  // The page's id is known once paging made it: the group and its first member carry it.
  updateGroup(tx.db, request.groupId, { pageId: page.id });
  updateAlert(tx.db, request.alertId, { pageId: page.id });
  return null;
}
