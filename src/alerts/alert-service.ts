/**
 * Alerts into the bot: dedup by the source's key, route, group, post the group in the rotation's alerts channel,
 * page once per group. Alerts alike (the policy's `grouping`, by default the same integration, service and alert
 * name within 5 minutes) join one alert group: one page, one channel message with the count and the latest
 * members, edited at most every 10 s however many alerts arrive (the `alert.group_refresh` timer). Repeats of
 * one alert count up on it. A resolve closes the alert; the group closes when all its members resolved (or the
 * source resolves its own group), which resolves its page unless somebody already has it. Acknowledging the
 * group's page acknowledges the group: they are one.
 */
import type { Integration, Policy } from '../config/policy.js';
import type { Engine, EngineTx } from '../engine/engine.js';
import { applyAlertEffects, applyAlertSteps, type GroupFollower } from './alert-apply.js';
import { decideAlertEdit, decideCloseGroup, decideFiring, decideResolve, type AlertStep } from './alert-decide.js';
import { gatherFiring, gatherResolve } from './alert-gather.js';
import { ALERT_GROUP_REFRESH_TIMER, ALERT_REFRESH_TIMER } from './alert-timers.js';
import { PRIORITY } from '../engine/outbox.js';
import { messageRefAt } from '../slack/slack-message-store.js';
import type { PageEvent, PageService } from '../paging/page-service.js';
import { alertsChannelOf } from '../paging/page-policy.js';
import { mayActFor, refusal } from '../permissions/who-may.js';
import { mention } from '../slack/format.js';
import { groupName } from './alert-blocks.js';
import {
  acknowledgeMembers,
  findGroup,
  groupOfPage,
  openAlertsInSourceGroup,
  setMembersSeverity,
  updateGroup,
  type AlertGroupRow,
} from './alert-group-store.js';
import { alertGroupIdOf, alertIdOf } from './alert-refs.js';
import { findAlert, openAlert, silenceInForce, updateAlert, type AlertRow, type SilenceRow } from './alert-store.js';
import type { NormalizedAlert } from './normalized.js';

export { ALERT_EDIT_INTERVAL_MS, ALERT_GROUP_REFRESH_TIMER, ALERT_REFRESH_TIMER } from './alert-timers.js';

export type { AlertRow, AlertGroupRow };
export type AlertOutcome = { ok: true; message: string } | { ok: false; message: string };

export interface IngestResult {
  created: number;
  repeated: number;
  resolved: number;
  acknowledged: number;
  ignored: number;
}

export type { GroupFollower } from './alert-apply.js';

export class AlertService {
  private follower: GroupFollower | null = null;

  constructor(
    private readonly policy: Policy,
    private readonly pager: PageService,
  ) {}

  /** The incident link (alert-incident-link.ts): set once by the app, after the incidents service exists. */
  followGroups(follower: GroupFollower): void {
    this.follower = follower;
  }

  register(engine: Engine): void {
    engine.on(ALERT_REFRESH_TIMER, (timer, tx) => {
      const row = findAlert(tx.db, timer.payload.alertId);
      if (!row || row.status === 'resolved') return;
      this.editAlert(tx, row);
    });
    engine.on(ALERT_GROUP_REFRESH_TIMER, (timer, tx) => {
      const group = findGroup(tx.db, timer.payload.groupId);
      if (!group || group.status === 'resolved') return;
      this.editGroup(tx, group);
    });
  }

  /** A group's page, for listing it. */
  pageOf(tx: EngineTx, pageId: number): { id: number; status: string; ackedBy: string | null } | null {
    return this.pager.find(tx, pageId);
  }

  channelFor(rotation: string): string | null {
    return alertsChannelOf(this.policy, rotation);
  }

  /** Carries out a decision's steps in the caller's transaction (alert-apply.ts). */
  private apply(tx: EngineTx, steps: readonly AlertStep[]): void {
    applyAlertSteps(tx, steps, { policy: this.policy, pager: this.pager, follower: this.follower });
  }

  /** An alert stored before grouping: its own message. */
  private editAlert(tx: EngineTx, row: AlertRow): void {
    applyAlertEffects(tx, decideAlertEdit(row, this.policy, tx.now));
  }

  /** The group's message, and the replies under its page's DMs, drawn anew (alert-decide.ts decideGroupEdit). */
  private editGroup(tx: EngineTx, group: AlertGroupRow, note = ''): void {
    this.apply(tx, [{ kind: 'edit-group', group, note }]);
  }

  ingest(tx: EngineTx, name: string, integration: Integration, incoming: NormalizedAlert[]): IngestResult {
    const result: IngestResult = { created: 0, repeated: 0, resolved: 0, acknowledged: 0, ignored: 0 };
    const resolvedSourceGroups = new Set<string>();
    for (const alert of incoming) {
      if (alert.status === 'firing') {
        const command = { kind: 'firing' as const, integration: name, config: integration, alert };
        const state = gatherFiring(tx, this.policy, this.pager, name, integration, alert);
        const { steps, counted } = decideFiring(state, command, this.policy, tx.now);
        this.apply(tx, steps);
        result[counted] += 1;
        if (alert.sourceGroup?.status === 'resolved') resolvedSourceGroups.add(alert.sourceGroup.key);
        continue;
      }
      const existing = openAlert(tx.db, name, alert.dedupKey);
      if (!existing) {
        result.ignored += 1; // a resolve or ack for something we never saw open
      } else if (alert.status === 'resolved') {
        this.resolve(tx, existing);
        result.resolved += 1;
      } else {
        this.acknowledge(tx, existing);
        result.acknowledged += 1;
      }
      if (alert.sourceGroup?.status === 'resolved') resolvedSourceGroups.add(alert.sourceGroup.key);
    }
    // The source says its whole group resolved: what it left out of this payload (truncated) resolves too.
    for (const key of resolvedSourceGroups) {
      for (const row of openAlertsInSourceGroup(tx.db, name, key)) {
        this.resolve(tx, row);
        result.resolved += 1;
      }
    }
    return result;
  }

  /** The silence covering a service now, if any. */
  activeSilence(tx: EngineTx, service: string | null): SilenceRow | null {
    if (!service) return null;
    return silenceInForce(tx.db, service, tx.now);
  }

  /** The group a channel message (its ts) shows: a group's message, or the message of an alert stored before grouping. */
  private groupOrAlertAt(tx: EngineTx, channel: string, ts: string): { group: AlertGroupRow } | { alert: AlertRow } | null {
    const ref = messageRefAt(tx.db, channel, ts);
    const groupId = alertGroupIdOf(ref);
    if (groupId !== null) {
      const group = findGroup(tx.db, groupId);
      return group ? { group } : null;
    }
    const alertId = alertIdOf(ref);
    const alert = alertId === null ? null : findAlert(tx.db, alertId);
    if (!alert) return null;
    const group = alert.groupId === null ? null : findGroup(tx.db, alert.groupId);
    return group ? { group } : { alert };
  }

  /** A :white_check_mark: on a group's message acknowledges the group and its page. Returns a refusal to show, or null. */
  acknowledgeByReaction(tx: EngineTx, channel: string, ts: string, userId: string): string | null {
    const found = this.groupOrAlertAt(tx, channel, ts);
    if (!found) return null; // a reaction on some other message: not ours to act on
    if ('alert' in found) return this.acknowledgeLegacyAlert(tx, found.alert, userId);
    const { group } = found;
    if (group.status !== 'firing') return null;
    const refused = this.refusalFor(tx, group, userId, `acknowledge ${groupName(group)}`);
    if (refused) return refused;
    const page = group.pageId !== null ? this.pager.find(tx, group.pageId) : null;
    // A page someone already acknowledged or resolved still lets the group be marked as seen.
    if (page?.status === 'open') {
      const outcome = this.pager.acknowledge(tx, page.id, userId);
      if (!outcome.ok) return outcome.message;
    }
    // The page's acknowledgement has acknowledged the group already (pageEvent); a group without one is marked here.
    const now = findGroup(tx.db, group.id)!;
    if (now.status === 'firing') this.markAcknowledged(tx, now);
    return null;
  }

  private acknowledgeLegacyAlert(tx: EngineTx, row: AlertRow, userId: string): string | null {
    if (row.status !== 'firing') return null;
    const page = row.pageId !== null ? this.pager.find(tx, row.pageId) : null;
    if (page && !this.pager.mayAct(tx, page, userId)) return this.pager.refusalFor(page, `acknowledge alert #${row.id}`);
    if (!page && !mayActFor(this.policy, [row.rotation], userId))
      return refusal(this.policy, { rotations: [row.rotation] }, `acknowledge alert #${row.id}`);
    if (page?.status === 'open') {
      const outcome = this.pager.acknowledge(tx, page.id, userId, { via: 'reaction' });
      if (!outcome.ok) return outcome.message;
    }
    updateAlert(tx.db, row.id, { status: 'acknowledged' });
    this.editAlert(tx, { ...row, status: 'acknowledged' });
    return null;
  }

  private markAcknowledged(tx: EngineTx, group: AlertGroupRow): void {
    updateGroup(tx.db, group.id, { status: 'acknowledged' });
    acknowledgeMembers(tx.db, group.id);
    this.editGroup(tx, { ...group, status: 'acknowledged' });
  }

  /**
   * The group's page was acknowledged or resolved (by a person, or by us): they are one. Acknowledged: the
   * group and its firing members are. Resolved by a person: the group closes, so the next alert alike pages anew.
   */
  pageEvent(tx: EngineTx, event: PageEvent): void {
    const group = groupOfPage(tx.db, event.page.id);
    if (!group || group.status === 'resolved') return;
    if (event.type === 'page.acknowledged') {
      if (group.status === 'firing') this.markAcknowledged(tx, group);
      return;
    }
    this.closeGroup(tx, group, false);
  }

  /**
   * Who may act on a group: whoever may act on its page (the rotation's members and admins, anyone it reached);
   * a silenced group has no page, so the rotation's rule alone. Returns the refusal, or null when allowed.
   */
  private refusalFor(tx: EngineTx, group: AlertGroupRow, userId: string, what: string): string | null {
    const page = group.pageId !== null ? this.pager.find(tx, group.pageId) : null;
    if (page) return this.pager.mayAct(tx, page, userId) ? null : this.pager.refusalFor(page, what);
    return mayActFor(this.policy, [group.rotation], userId) ? null : refusal(this.policy, { rotations: [group.rotation] }, what);
  }

  /** "Not P0": back to the severity routing gave, for the group, its members and its page. */
  lowerToRouted(tx: EngineTx, groupId: number, userId: string): AlertOutcome {
    const group = findGroup(tx.db, groupId);
    if (!group) return { ok: false, message: `There is no alert group #${groupId}.` };
    const name = groupName(group);
    const routed = group.routedSeverity;
    if (group.severity === routed) return { ok: false, message: `${capitalized(name)} is already ${routed}.` };
    const refused = this.refusalFor(tx, group, userId, `say ${name} is not ${group.severity}`);
    if (refused) return { ok: false, message: refused };
    updateGroup(tx.db, groupId, { severity: routed });
    setMembersSeverity(tx.db, groupId, routed);
    if (group.pageId !== null) this.pager.changeSeverity(tx, group.pageId, routed);
    this.editGroup(tx, { ...group, severity: routed });
    const channel = this.channelFor(group.rotation);
    if (channel)
      tx.enqueue({
        method: 'chat.postMessage',
        args: { channel, text: `${mention(userId)} says ${name} is not ${group.severity}: back to ${routed}.` },
        priority: PRIORITY.notice,
      });
    return { ok: true, message: `${capitalized(name)} is ${routed} again.` };
  }

  private resolve(tx: EngineTx, row: AlertRow): void {
    this.apply(tx, decideResolve(gatherResolve(tx, row), this.policy, tx.now));
  }

  /** Every member resolved (fromSource), or its page was resolved by a person: the group closes and shows it at once. */
  private closeGroup(tx: EngineTx, group: AlertGroupRow, fromSource: boolean): void {
    this.apply(tx, decideCloseGroup(group, fromSource, tx.now));
  }

  private acknowledge(tx: EngineTx, row: AlertRow): void {
    updateAlert(tx.db, row.id, { status: 'acknowledged' });
    const group = row.groupId === null ? null : findGroup(tx.db, row.groupId);
    if (!group) {
      this.editAlert(tx, { ...row, status: 'acknowledged' });
      if (row.pageId !== null) this.pager.closeFromSource(tx, row.pageId, 'acknowledged', row.source);
      return;
    }
    // Acknowledged at the source: the group's page is acknowledged, which acknowledges the group (pageEvent).
    if (group.pageId !== null) this.pager.closeFromSource(tx, group.pageId, 'acknowledged', group.source);
    const now = findGroup(tx.db, group.id)!;
    if (now.status === 'firing') this.markAcknowledged(tx, now);
  }
}

const capitalized = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
