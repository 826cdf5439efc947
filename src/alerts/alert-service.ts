/**
 * Alerts into the bot: dedup by the source's key, route, group, post the group in the rotation's alerts channel,
 * page once per group. Alerts alike (the policy's `grouping`, by default the same integration, service and alert
 * name within 5 minutes) join one alert group: one page, one channel message with the count and the latest
 * members, edited at most every 10 s however many alerts arrive (the `alert.group_refresh` timer). Repeats of
 * one alert count up on it. A resolve closes the alert; the group closes when all its members resolved (or the
 * source resolves its own group), which resolves its page unless somebody already has it. Acknowledging the
 * group's page acknowledges the group: they are one.
 */
import { z } from 'zod';
import { groupingFor, type Integration, type Policy } from '../config/policy.js';
import type { Engine, EngineTx } from '../engine/engine.js';
import { messageKnown, PRIORITY } from '../engine/outbox.js';
import { messageRefAt } from '../slack/slack-message-store.js';
import { timerKind } from '../engine/timer-registry.js';
import type { PageEvent, PageService } from '../paging/page-service.js';
import { alertsChannelOf } from '../paging/page-policy.js';
import { parsePageRef } from '../paging/page-refs.js';
import { messagesOf } from '../paging/page-store.js';
import { mayActFor, refusal } from '../permissions/who-may.js';
import { mention, slackDate } from '../slack/format.js';
import { alertMessage, correlationNotice, GROUP_LATEST_SHOWN, groupDmReply, groupMessage, groupName } from './alert-blocks.js';
import {
  acknowledgeMembers,
  countMemberIn,
  findGroup,
  groupCorrelationCandidates,
  groupOfPage,
  insertGroup,
  latestMembers,
  openAlertsInSourceGroup,
  openGroupsWithKey,
  setMembersSeverity,
  touchGroup,
  uncountOpenMember,
  updateGroup,
  type AlertGroupRow,
} from './alert-group-store.js';
import { decideGrouping, groupKeyOf } from './alert-grouping.js';
import { alertGroupIdOf, alertGroupRef, alertIdOf, alertRef } from './alert-refs.js';
import { findAlert, insertAlert, openAlert, silenceInForce, updateAlert, type AlertRow, type SilenceRow } from './alert-store.js';
import { correlatedWith, CORRELATION_WINDOW_MS } from './correlation.js';
import { ALERT_SOURCES, type NormalizedAlert } from './normalized.js';
import { routeAlert } from './routing.js';

/** Edits an alert's channel message with its count (alerts stored before grouping). */
export const ALERT_REFRESH_TIMER = timerKind('alert.refresh', z.object({ alertId: z.number().int().positive() }));
/** Edits an alert group's channel message (and its page's DM replies) with its count and latest members. */
export const ALERT_GROUP_REFRESH_TIMER = timerKind('alert.group_refresh', z.object({ groupId: z.number().int().positive() }));
/** A storm edits a message at most this often. */
export const ALERT_EDIT_INTERVAL_MS = 10_000;

export type { AlertRow, AlertGroupRow };
export type AlertOutcome = { ok: true; message: string } | { ok: false; message: string };

export interface IngestResult {
  created: number;
  repeated: number;
  resolved: number;
  acknowledged: number;
  ignored: number;
}

/** Told when a group starts (after its page) or takes a member; returns true when the group's message should show something new. */
export interface GroupFollower {
  groupChanged(tx: EngineTx, group: AlertGroupRow, joined: AlertRow): boolean;
}

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

  /** An alert stored before grouping: its own message. */
  private editAlert(tx: EngineTx, row: AlertRow): void {
    if (!this.channelFor(row.rotation)) return;
    updateAlert(tx.db, row.id, { lastEditedAt: tx.now });
    tx.enqueue({ method: 'chat.update', args: alertMessage(row), priority: PRIORITY.cosmetic, targetRef: alertRef(row.id) });
  }

  /**
   * The group's message, and the replies under its page's DMs, drawn anew. An edit still waiting in the outbox
   * is replaced (supersedes), so a burst never queues edits one after the other.
   */
  private editGroup(tx: EngineTx, group: AlertGroupRow, note = ''): void {
    updateGroup(tx.db, group.id, { lastEditedAt: tx.now });
    const latest = latestMembers(tx.db, group.id, GROUP_LATEST_SHOWN);
    // A group started while the channel was busy has no message of its own (its page is in the channel's digest line).
    if (this.channelFor(group.rotation) && messageKnown(tx.db, alertGroupRef(group.id)))
      tx.enqueue({
        method: 'chat.update',
        args: groupMessage(group, latest, note),
        priority: PRIORITY.cosmetic,
        targetRef: alertGroupRef(group.id),
        supersedes: true,
      });
    this.replyInDms(tx, group, latest);
  }

  /**
   * Under each DM of the group's page, one reply that says what the group holds (posted once the group has more
   * than its first alert, edited after). The DM itself is paging's: its buttons and its closing stay as they are.
   */
  private replyInDms(tx: EngineTx, group: AlertGroupRow, latest: AlertRow[]): void {
    if (group.pageId === null || group.count <= 1) return;
    const reply = groupDmReply(group, latest);
    const replied = new Set(group.dmReplies);
    const added: string[] = [];
    for (const message of messagesOf(tx.db, group.pageId)) {
      const dm = parsePageRef(message.ref);
      // A group that closed before its first refresh says nothing new under a DM: only replies already there are edited.
      if (dm?.kind !== 'dm' || replied.has(message.ref) || group.status === 'resolved') continue;
      replied.add(message.ref);
      added.push(message.ref);
      tx.enqueue({
        method: 'chat.postMessage',
        args: { channel: dm.userId, ...reply },
        priority: PRIORITY.cosmetic,
        threadRef: message.ref,
        ref: dmReplyRef(group.id, message.ref),
        // A lane of its own: a reply waiting its turn never holds up a page DM to the same person.
        lane: `alert-group-replies:${dm.userId}`,
      });
    }
    for (const ref of group.dmReplies)
      tx.enqueue({
        method: 'chat.update',
        args: reply,
        priority: PRIORITY.cosmetic,
        targetRef: dmReplyRef(group.id, ref),
        supersedes: true,
      });
    if (added.length > 0) updateGroup(tx.db, group.id, { dmReplies: [...group.dmReplies, ...added] });
  }

  /** One edit per interval however many changes arrive: the keyed timer exists once per window. */
  private scheduleRefresh(tx: EngineTx, group: AlertGroupRow): void {
    const windowStart = Math.max(group.lastEditedAt ?? group.firstSeenAt, tx.now - ALERT_EDIT_INTERVAL_MS);
    const dueAt = windowStart + ALERT_EDIT_INTERVAL_MS;
    tx.schedule(
      ALERT_GROUP_REFRESH_TIMER.spec({
        subject: alertGroupRef(group.id),
        key: `alert-group-refresh:${group.id}:${dueAt}`,
        dueAt,
        payload: { groupId: group.id },
      }),
    );
  }

  ingest(tx: EngineTx, name: string, integration: Integration, incoming: NormalizedAlert[]): IngestResult {
    const result: IngestResult = { created: 0, repeated: 0, resolved: 0, acknowledged: 0, ignored: 0 };
    const resolvedSourceGroups = new Set<string>();
    for (const alert of incoming) {
      const existing = openAlert(tx.db, name, alert.dedupKey);
      if (alert.status === 'firing') {
        if (existing) {
          this.repeat(tx, existing);
          result.repeated += 1;
        } else if (this.create(tx, name, integration, alert)) result.created += 1;
        else result.ignored += 1;
      } else if (!existing) {
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

  private create(tx: EngineTx, name: string, integration: Integration, alert: NormalizedAlert): boolean {
    const route = routeAlert(this.policy, integration, alert);
    if (!route) return false;
    const silence = this.activeSilence(tx, alert.service);
    const grouping = groupingFor(this.policy, integration);
    const incoming = { integration: name, rotation: route.rotation, silenced: silence !== null, alert };
    const groupKey = groupKeyOf(incoming, grouping);
    const open = openGroupsWithKey(tx.db, name, route.rotation, groupKey);
    const decision = decideGrouping(open, incoming, grouping, tx.now);
    const joined = decision.kind === 'join' ? open.find((g) => g.id === decision.groupId) : undefined;
    if (joined) {
      this.join(tx, joined, name, alert, route.severity);
      return true;
    }
    this.startGroup(tx, name, alert, route, groupKey, silence);
    return true;
  }

  private memberValues(name: string, alert: NormalizedAlert, now: number) {
    return {
      integration: name,
      source: alert.source,
      dedupKey: alert.dedupKey,
      status: 'firing' as const,
      service: alert.service,
      summary: alert.summary,
      details: alert.details,
      labels: alert.labels,
      links: alert.links,
      firstSeenAt: now,
      lastSeenAt: now,
      lastEditedAt: now,
      sourceGroupKey: alert.sourceGroup?.key ?? null,
    };
  }

  /** A new alert joins an open group: no new page; the group's message catches up within 10 s. */
  private join(tx: EngineTx, group: AlertGroupRow, name: string, alert: NormalizedAlert, routed: string): void {
    // A more severe member raises the group and its page (a P0 joining a P2 storm is a P0 storm).
    const ranks = this.policy.severities.map((s) => s.id);
    const raise = ranks.indexOf(routed) >= 0 && ranks.indexOf(routed) < ranks.indexOf(group.severity);
    const severity = raise ? routed : group.severity;
    const row = insertAlert(tx.db, {
      ...this.memberValues(name, alert, tx.now),
      severity,
      routedSeverity: routed,
      silenceId: group.silenceId,
      rotation: group.rotation,
      pageId: group.pageId,
      groupId: group.id,
    });
    countMemberIn(tx.db, group.id, tx.now);
    if (raise) {
      updateGroup(tx.db, group.id, { severity });
      setMembersSeverity(tx.db, group.id, severity);
      if (group.pageId !== null) this.pager.changeSeverity(tx, group.pageId, severity);
    }
    this.follower?.groupChanged(tx, group, row);
    this.scheduleRefresh(tx, group);
  }

  /** The first alert of a group: the group's message, then its page (the page's DMs go first all the same). */
  private startGroup(
    tx: EngineTx,
    name: string,
    alert: NormalizedAlert,
    route: { rotation: string; severity: string },
    groupKey: string,
    silence: SilenceRow | null,
  ): void {
    const top = this.policy.severities[0]!.id;
    // Correlation works on groups: an open group of another source for the same service within 10 minutes.
    const open = alert.service
      ? groupCorrelationCandidates(
          tx.db,
          alert.service,
          ALERT_SOURCES.filter((s) => s !== alert.source),
          tx.now - CORRELATION_WINDOW_MS,
        )
      : [];
    const partner = silence ? null : correlatedWith(alert, open, tx.now);
    const raised = partner !== null && route.severity !== top;
    const severity = raised ? top : route.severity;
    let group = insertGroup(tx.db, {
      integration: name,
      source: alert.source,
      rotation: route.rotation,
      groupKey,
      status: 'firing',
      service: alert.service,
      severity,
      routedSeverity: route.severity,
      summary: alert.summary,
      silenceId: silence?.id ?? null,
      count: 1,
      openCount: 1,
      firstSeenAt: tx.now,
      lastSeenAt: tx.now,
      lastEditedAt: tx.now,
      dmReplies: [],
    });
    const row = insertAlert(tx.db, {
      ...this.memberValues(name, alert, tx.now),
      severity,
      routedSeverity: route.severity,
      silenceId: silence?.id ?? null,
      rotation: route.rotation,
      pageId: null,
      groupId: group.id,
    });
    group = { ...group, firstAlertId: row.id };
    updateGroup(tx.db, group.id, { firstAlertId: row.id });
    const channel = this.channelFor(route.rotation);
    const note = silence
      ? `:mute: silenced by ${mention(silence.createdBy)} until ${slackDate(silence.endsAt)} (${silence.reason}): nobody is paged`
      : '';
    // The page's DMs go first (by priority); the group's channel post is the record everyone else reads. A channel
    // with more posts waiting than Slack sends in ~10 s gets none: the page's line joins the channel's digest line.
    const folded = channel !== null && silence === null && this.pager.channelBacklogged(tx, channel);
    if (channel && !folded)
      tx.enqueue({
        method: 'chat.postMessage',
        args: { channel, ...groupMessage(group, [row], note) },
        priority: PRIORITY.notice,
        ref: alertGroupRef(group.id),
      });
    if (silence) return;
    const page = this.pager.create(tx, {
      rotation: route.rotation,
      severity,
      summary: alert.summary,
      source: 'alert',
      sourceRef: alertGroupRef(group.id),
    });
    updateGroup(tx.db, group.id, { pageId: page.id });
    updateAlert(tx.db, row.id, { pageId: page.id });
    // It declared an incident: the group's message shows the link at its next edit.
    if (this.follower?.groupChanged(tx, group, row)) this.scheduleRefresh(tx, group);
    if (raised && channel && partner) {
      tx.enqueue({
        method: 'chat.postMessage',
        args: {
          channel,
          ...correlationNotice(
            { id: group.id, service: group.service, source: group.source, severity, name: groupName(group) },
            { source: partner.source, name: groupName(partner) },
            route.severity,
          ),
        },
        priority: PRIORITY.page,
      });
    }
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

  private repeat(tx: EngineTx, row: AlertRow): void {
    updateAlert(tx.db, row.id, { count: row.count + 1, lastSeenAt: tx.now });
    const group = row.groupId === null ? null : findGroup(tx.db, row.groupId);
    if (!group) {
      // Stored before grouping: its own message counts up, at most every 10 s.
      const windowStart = Math.max(row.lastEditedAt ?? row.firstSeenAt, tx.now - ALERT_EDIT_INTERVAL_MS);
      const dueAt = windowStart + ALERT_EDIT_INTERVAL_MS;
      tx.schedule(
        ALERT_REFRESH_TIMER.spec({
          subject: alertRef(row.id),
          key: `alert-refresh:${row.id}:${dueAt}`,
          dueAt,
          payload: { alertId: row.id },
        }),
      );
      return;
    }
    touchGroup(tx.db, group.id, tx.now);
    if (group.status !== 'resolved') this.scheduleRefresh(tx, group);
  }

  private resolve(tx: EngineTx, row: AlertRow): void {
    updateAlert(tx.db, row.id, { status: 'resolved', resolvedAt: tx.now });
    if (row.groupId === null) {
      tx.cancel(alertRef(row.id), ALERT_REFRESH_TIMER.kind);
      this.editAlert(tx, { ...row, status: 'resolved', resolvedAt: tx.now });
      if (row.pageId !== null) this.pager.closeFromSource(tx, row.pageId, 'resolved', row.source);
      return;
    }
    const group = uncountOpenMember(tx.db, row.groupId);
    if (!group || group.status === 'resolved') return;
    if (group.openCount === 0) this.closeGroup(tx, group, true);
    else this.scheduleRefresh(tx, group);
  }

  /** Every member resolved (fromSource), or its page was resolved by a person: the group closes and shows it at once. */
  private closeGroup(tx: EngineTx, group: AlertGroupRow, fromSource: boolean): void {
    const closed = { ...group, status: 'resolved' as const, resolvedAt: tx.now };
    updateGroup(tx.db, group.id, { status: 'resolved', resolvedAt: tx.now });
    tx.cancel(alertGroupRef(group.id), ALERT_GROUP_REFRESH_TIMER.kind);
    this.editGroup(tx, closed, fromSource ? '' : 'its page was resolved: the next alert alike pages anew');
    if (fromSource && group.pageId !== null) this.pager.closeFromSource(tx, group.pageId, 'resolved', group.source);
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

/** The reply under one of a group's page DMs. */
const dmReplyRef = (groupId: number, dmRef: string): string => `${alertGroupRef(groupId)}:dm:${dmRef}`;
