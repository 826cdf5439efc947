/**
 * Alerts' decisions, pure: (state, command, policy, now) -> steps. The state is what alert-gather.ts read (the
 * open alert with the same key, the open groups alike, the silence in force, the correlation candidate...); the
 * steps are what alert-apply.ts carries out, in order. Like GoAlert's calcUpdates: no clock, no database, no
 * Slack here, so every branch is a table test (test/alerts/alert-decide.test.ts). Wording is in alert-blocks.ts.
 *
 * A decision is a list of steps, as incidents' are (incident-decide.ts), because what comes after reads what was
 * just done: a new group or member gets its id when it is stored (`start-group`, `join-group`: the rest is
 * decided then, by decideGroupStarted / decideJoined), paging makes the group's page (`pager`), the incident link
 * follows the group (`follow`), a group's message is drawn from its members as they are now (`edit-group`:
 * gathered, then decideGroupEdit), and a group is read again after paging acted (`mark-acknowledged`). The order
 * of the steps is the order the transaction script had, so outbox rows keep their order.
 */
import { groupingFor, type Integration, type Policy } from '../config/policy.js';
import { noEffects, type Effects, type TimerOp } from '../engine/effects.js';
import { PRIORITY } from '../engine/outbox.js';
import { alertsChannelOf } from '../paging/page-policy.js';
import { refusalFor } from '../paging/page-decide.js';
import { parsePageRef } from '../paging/page-refs.js';
import type { PageRequest } from '../paging/page-request.js';
import type { Page } from '../paging/page-store.js';
import { mayActFor, refusal } from '../permissions/who-may.js';
import { alertMessage, correlationNotice, groupDmReply, groupMessage, groupName, notSeverityLine, silencedNote } from './alert-blocks.js';
import type { AlertGroupChanges, AlertGroupRow, groupCorrelationCandidates, NewAlertGroup } from './alert-group-store.js';
import { decideGrouping, groupKeyOf } from './alert-grouping.js';
import { alertGroupRef, alertRef } from './alert-refs.js';
import type { AlertChanges, AlertRow, NewAlert, SilenceRow } from './alert-store.js';
import { ALERT_EDIT_INTERVAL_MS, ALERT_GROUP_REFRESH_TIMER, ALERT_REFRESH_TIMER } from './alert-timers.js';
import { correlatedWith } from './correlation.js';
import type { NormalizedAlert } from './normalized.js';
import { routeAlert } from './routing.js';

/** A row alerts write, through alert-store.ts and alert-group-store.ts. */
export type AlertWrite =
  | { kind: 'alert'; id: number; changes: AlertChanges }
  | { kind: 'group'; id: number; changes: AlertGroupChanges }
  /** A member joined: one more alert, one more open, seen now. */
  | { kind: 'count-member'; groupId: number; at: number }
  /** A member repeated: the group was seen now. */
  | { kind: 'touch-group'; groupId: number; at: number }
  /** A member resolved: one fewer open (never below 0). */
  | { kind: 'uncount-member'; groupId: number }
  | { kind: 'members-severity'; groupId: number; severity: string }
  /** The group's firing members are acknowledged. */
  | { kind: 'acknowledge-members'; groupId: number };

/** Alerts tell nobody through events yet: the incident link follows groups through a `follow` step. */
export type AlertEffects = Effects<AlertWrite, never>;

/** What alerts ask of paging (page-service.ts), in the middle of a decision. */
export type AlertPagerRequest =
  /** The group's page; once paging made it, the group and its first member carry its id. */
  | { kind: 'open-page'; groupId: number; alertId: number; rotation: string; severity: string; summary: string }
  | Extract<PageRequest, { kind: 'page-severity' | 'close-page-from-source' | 'acknowledge' }>;

/** What the first alert of a group decided, beside the rows: carried to decideGroupStarted once both are stored. */
export interface StartPlan {
  silence: SilenceRow | null;
  channel: string | null;
  /** The channel has more posts waiting than Slack sends in ~10 s: the group's message is left out. */
  folded: boolean;
  /** The open group of another source it correlated with (raised to the top severity), if any. */
  partner: { source: string; name: string } | null;
  routedSeverity: string;
}

export type AlertStep =
  | { kind: 'effects'; effects: AlertEffects }
  | { kind: 'pager'; request: AlertPagerRequest }
  /** Store the group and its first member, then decideGroupStarted. */
  | { kind: 'start-group'; group: NewAlertGroup; member: NewAlert; plan: StartPlan }
  /** Store the member in the group, then decideJoined. */
  | { kind: 'join-group'; group: AlertGroupRow; member: NewAlert; raise: boolean }
  /** Tell the incident link (alert-incident-link.ts); when it says the group shows something new, set `refresh`. */
  | { kind: 'follow'; group: AlertGroupRow; member: AlertRow; refresh: TimerOp | null }
  /** Draw the group's message and its DM replies anew: gathered then, decided by decideGroupEdit. */
  | { kind: 'edit-group'; group: AlertGroupRow; note: string }
  /**
   * After paging acted (its page.acknowledged event may have acknowledged the group already): the group read
   * again and, still firing, acknowledged (decideMarkAcknowledged).
   */
  | { kind: 'mark-acknowledged'; groupId: number };

/** What a source says of an alert: it fires (again), or it resolved or acknowledged one we hold open. */
export type AlertCommand =
  | { kind: 'firing'; integration: string; config: Integration; alert: NormalizedAlert }
  | { kind: 'source-update'; status: 'resolved' | 'acknowledged' };

/** How an ingested alert counted: IngestResult's fields. */
export type IngestCount = 'created' | 'repeated' | 'resolved' | 'acknowledged' | 'ignored';

export interface AlertDecision {
  steps: AlertStep[];
  counted: IngestCount;
}

/**
 * What a firing alert's decision needs, read by alert-gather.ts. Only what its branch reads is there: the open
 * alert with its key (and its group); else the silence, the open groups alike and, when it joins none, the
 * correlation candidate and whether the channel is backlogged.
 */
export type FiringState =
  | { existing: AlertRow; group: AlertGroupRow | null }
  | {
      existing: null;
      silence: SilenceRow | null;
      open: AlertGroupRow[];
      /** null: not read, since the alert joins a group. */
      start: { candidates: ReturnType<typeof groupCorrelationCandidates>; backlogged: boolean } | null;
    };

/** What a resolved (or acknowledged) alert's decision needs: the open alert with its key, and its group as it is now. */
export interface ResolveState {
  row: AlertRow;
  group: AlertGroupRow | null;
}

/** A resolve or acknowledgement from the source: the open alert with its key (null: never seen open), and its group. */
export interface SourceUpdateState {
  existing: AlertRow | null;
  group: AlertGroupRow | null;
}

const effects = (partial: Partial<AlertEffects>): AlertStep => ({ kind: 'effects', effects: { ...noEffects(), ...partial } });

/**
 * When a message that changes again is drawn next: at the end of its edit window, one edit per interval however
 * many changes arrive (a timer keyed by this instant exists once per window).
 */
function nextEditAt(shown: { lastEditedAt: number | null; firstSeenAt: number }, now: number): number {
  return Math.max(shown.lastEditedAt ?? shown.firstSeenAt, now - ALERT_EDIT_INTERVAL_MS) + ALERT_EDIT_INTERVAL_MS;
}

/** A group's message drawn anew at the end of its edit window. */
export function groupRefreshTimer(group: Pick<AlertGroupRow, 'id' | 'lastEditedAt' | 'firstSeenAt'>, now: number): TimerOp {
  const dueAt = nextEditAt(group, now);
  return {
    op: 'set',
    timer: ALERT_GROUP_REFRESH_TIMER.spec({
      subject: alertGroupRef(group.id),
      key: `alert-group-refresh:${group.id}:${dueAt}`,
      dueAt,
      payload: { groupId: group.id },
    }),
  };
}

/** Stored before grouping: an alert's own message counts up, at most every 10 s. */
function alertRefreshTimer(row: AlertRow, now: number): TimerOp {
  const dueAt = nextEditAt(row, now);
  return {
    op: 'set',
    timer: ALERT_REFRESH_TIMER.spec({
      subject: alertRef(row.id),
      key: `alert-refresh:${row.id}:${dueAt}`,
      dueAt,
      payload: { alertId: row.id },
    }),
  };
}

/** An alert stored before grouping: its own message drawn anew (when its rotation has an alerts channel). */
export function decideAlertEdit(row: AlertRow, policy: Policy, now: number): AlertEffects {
  if (!alertsChannelOf(policy, row.rotation)) return noEffects();
  return {
    ...noEffects(),
    writes: [{ kind: 'alert', id: row.id, changes: { lastEditedAt: now } }],
    calls: [{ method: 'chat.update', args: alertMessage(row), priority: PRIORITY.cosmetic, targetRef: alertRef(row.id) }],
  };
}

function memberValues(name: string, alert: NormalizedAlert, now: number) {
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

/**
 * Where a firing alert's route and group key come from, for alert-gather.ts: null when no rotation takes it
 * (it is ignored). Pure: the policy's routing and grouping.
 */
export function firingKey(policy: Policy, name: string, config: Integration, alert: NormalizedAlert, silenced: boolean) {
  const route = routeAlert(policy, config, alert);
  if (!route) return null;
  const grouping = groupingFor(policy, config);
  const incoming = { integration: name, rotation: route.rotation, silenced, alert };
  return { route, grouping, incoming, groupKey: groupKeyOf(incoming, grouping) };
}

/** A firing alert: a repeat of the open one with its key, a member of an open group alike, or a new group. */
export function decideFiring(
  state: FiringState,
  command: Extract<AlertCommand, { kind: 'firing' }>,
  policy: Policy,
  now: number,
): AlertDecision {
  if (state.existing) return { steps: decideRepeat(state.existing, state.group, now), counted: 'repeated' };
  const { integration: name, config, alert } = command;
  const key = firingKey(policy, name, config, alert, state.silence !== null);
  if (!key) return { steps: [], counted: 'ignored' };
  const { route, grouping, incoming, groupKey } = key;
  const decision = decideGrouping(state.open, incoming, grouping, now);
  const joined = decision.kind === 'join' ? state.open.find((g) => g.id === decision.groupId) : undefined;
  if (joined) {
    // A more severe member raises the group and its page (a P0 joining a P2 storm is a P0 storm).
    const ranks = policy.severities.map((s) => s.id);
    const routed = route.severity;
    const raise = ranks.indexOf(routed) >= 0 && ranks.indexOf(routed) < ranks.indexOf(joined.severity);
    const member: NewAlert = {
      ...memberValues(name, alert, now),
      severity: raise ? routed : joined.severity,
      routedSeverity: routed,
      silenceId: joined.silenceId,
      rotation: joined.rotation,
      pageId: joined.pageId,
      groupId: joined.id,
    };
    return { steps: [{ kind: 'join-group', group: joined, member, raise }], counted: 'created' };
  }
  const silence = state.silence;
  const top = policy.severities[0]!.id;
  // Correlation works on groups: an open group of another source for the same service within 10 minutes.
  const candidates = state.start?.candidates ?? [];
  const partner = silence ? null : correlatedWith(alert, candidates, now);
  const raised = partner !== null && route.severity !== top;
  const severity = raised ? top : route.severity;
  const group: NewAlertGroup = {
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
    firstSeenAt: now,
    lastSeenAt: now,
    lastEditedAt: now,
    dmReplies: [],
  };
  const member: NewAlert = {
    ...memberValues(name, alert, now),
    severity,
    routedSeverity: route.severity,
    silenceId: silence?.id ?? null,
    rotation: route.rotation,
    pageId: null,
  };
  const channel = alertsChannelOf(policy, route.rotation);
  const plan: StartPlan = {
    silence,
    channel,
    folded: channel !== null && silence === null && (state.start?.backlogged ?? false),
    partner: raised && partner ? { source: partner.source, name: groupName(partner) } : null,
    routedSeverity: route.severity,
  };
  return { steps: [{ kind: 'start-group', group, member, plan }], counted: 'created' };
}

/** The first alert of a group, stored: the group's message, then its page (the page's DMs go first all the same). */
export function decideGroupStarted(stored: AlertGroupRow, row: AlertRow, plan: StartPlan, now: number): AlertStep[] {
  const group = { ...stored, firstAlertId: row.id };
  const { silence, channel } = plan;
  const note = silence ? silencedNote(silence) : '';
  const steps: AlertStep[] = [
    effects({
      writes: [{ kind: 'group', id: group.id, changes: { firstAlertId: row.id } }],
      // The page's DMs go first (by priority); the group's channel post is the record everyone else reads. A
      // channel with more posts waiting than Slack sends in ~10 s gets none: the page's line joins the digest line.
      calls:
        channel && !plan.folded
          ? [
              {
                method: 'chat.postMessage',
                args: { channel, ...groupMessage(group, [row], note) },
                priority: PRIORITY.notice,
                ref: alertGroupRef(group.id),
              },
            ]
          : [],
    }),
  ];
  if (silence) return steps;
  steps.push(
    {
      kind: 'pager',
      request: {
        kind: 'open-page',
        groupId: group.id,
        alertId: row.id,
        rotation: group.rotation,
        severity: group.severity,
        summary: row.summary,
      },
    },
    // It declared an incident: the group's message shows the link at its next edit.
    { kind: 'follow', group, member: row, refresh: groupRefreshTimer(group, now) },
  );
  if (plan.partner && channel)
    steps.push(
      effects({
        calls: [
          {
            method: 'chat.postMessage',
            args: {
              channel,
              ...correlationNotice(
                { id: group.id, service: group.service, source: group.source, severity: group.severity, name: groupName(group) },
                plan.partner,
                plan.routedSeverity,
              ),
            },
            priority: PRIORITY.page,
          },
        ],
      }),
    );
  return steps;
}

/** A new alert joined an open group: no new page; the group's message catches up within 10 s. */
export function decideJoined(group: AlertGroupRow, row: AlertRow, raise: boolean, now: number): AlertStep[] {
  const writes: AlertWrite[] = [{ kind: 'count-member', groupId: group.id, at: now }];
  if (raise)
    writes.push(
      { kind: 'group', id: group.id, changes: { severity: row.severity } },
      { kind: 'members-severity', groupId: group.id, severity: row.severity },
    );
  const steps: AlertStep[] = [effects({ writes })];
  if (raise && group.pageId !== null)
    steps.push({ kind: 'pager', request: { kind: 'page-severity', pageId: group.pageId, severity: row.severity } });
  steps.push({ kind: 'follow', group, member: row, refresh: null }, effects({ timers: [groupRefreshTimer(group, now)] }));
  return steps;
}

/** The same alert again (its key still open): it counts up, and so does what shows it, at most every 10 s. */
export function decideRepeat(row: AlertRow, group: AlertGroupRow | null, now: number): AlertStep[] {
  const writes: AlertWrite[] = [{ kind: 'alert', id: row.id, changes: { count: row.count + 1, lastSeenAt: now } }];
  if (!group) return [effects({ writes, timers: [alertRefreshTimer(row, now)] })];
  writes.push({ kind: 'touch-group', groupId: group.id, at: now });
  return [effects({ writes, timers: group.status === 'resolved' ? [] : [groupRefreshTimer(group, now)] })];
}

/** The source resolved or acknowledged an alert: ignored when we hold none open with its key. */
export function decideSourceUpdate(
  state: SourceUpdateState,
  command: Extract<AlertCommand, { kind: 'source-update' }>,
  policy: Policy,
  now: number,
): AlertDecision {
  // A resolve or ack for something we never saw open.
  if (!state.existing) return { steps: [], counted: 'ignored' };
  const known = { row: state.existing, group: state.group };
  if (command.status === 'resolved') return { steps: decideResolve(known, policy, now), counted: 'resolved' };
  return { steps: decideSourceAcknowledge(known, policy, now), counted: 'acknowledged' };
}

/** The 10 s refresh timer of a group fired: its message drawn anew, unless it closed meanwhile (or is gone). */
export function decideGroupRefresh(group: AlertGroupRow | null): AlertStep[] {
  if (!group || group.status === 'resolved') return [];
  return [{ kind: 'edit-group', group, note: '' }];
}

/** The refresh timer of an alert stored before grouping fired: its message, unless it resolved meanwhile. */
export function decideAlertRefresh(row: AlertRow | null, policy: Policy, now: number): AlertEffects {
  if (!row || row.status === 'resolved') return noEffects();
  return decideAlertEdit(row, policy, now);
}

/** The source resolved an open alert: it closes; its group closes with its last open member. */
export function decideResolve(state: ResolveState, policy: Policy, now: number): AlertStep[] {
  const { row } = state;
  const closed: AlertWrite = { kind: 'alert', id: row.id, changes: { status: 'resolved', resolvedAt: now } };
  if (row.groupId === null) {
    const steps: AlertStep[] = [
      effects({ writes: [closed], timers: [{ op: 'cancel', subject: alertRef(row.id), kind: ALERT_REFRESH_TIMER.kind }] }),
    ];
    const edit = decideAlertEdit({ ...row, status: 'resolved', resolvedAt: now }, policy, now);
    steps.push({ kind: 'effects', effects: edit });
    if (row.pageId !== null)
      steps.push({ kind: 'pager', request: { kind: 'close-page-from-source', pageId: row.pageId, how: 'resolved', source: row.source } });
    return steps;
  }
  if (!state.group) return [effects({ writes: [closed] })];
  const writes: AlertWrite[] = [closed, { kind: 'uncount-member', groupId: state.group.id }];
  const group = { ...state.group, openCount: Math.max(state.group.openCount - 1, 0) };
  if (group.status === 'resolved') return [effects({ writes })];
  if (group.openCount > 0) return [effects({ writes, timers: [groupRefreshTimer(group, now)] })];
  return [effects({ writes }), ...decideCloseGroup(group, true, now)];
}

/** Every member resolved (fromSource), or its page was resolved by a person: the group closes and shows it at once. */
export function decideCloseGroup(group: AlertGroupRow, fromSource: boolean, now: number): AlertStep[] {
  const closed = { ...group, status: 'resolved' as const, resolvedAt: now };
  const steps: AlertStep[] = [
    effects({
      writes: [{ kind: 'group', id: group.id, changes: { status: 'resolved', resolvedAt: now } }],
      timers: [{ op: 'cancel', subject: alertGroupRef(group.id), kind: ALERT_GROUP_REFRESH_TIMER.kind }],
    }),
    { kind: 'edit-group', group: closed, note: fromSource ? '' : 'its page was resolved: the next alert alike pages anew' },
  ];
  if (fromSource && group.pageId !== null)
    steps.push({ kind: 'pager', request: { kind: 'close-page-from-source', pageId: group.pageId, how: 'resolved', source: group.source } });
  return steps;
}

/** What drawing a group's message needs, read by alert-gather.ts when the `edit-group` step runs. */
export interface GroupEditState {
  /** Its latest members, newest first (alert-blocks.ts GROUP_LATEST_SHOWN). */
  latest: AlertRow[];
  /** Its channel message was posted (a group started while the channel was busy has none). */
  messageKnown: boolean;
  /** The refs of its page's message rows, oldest first (read when the group has a page and more than one alert). */
  pageMessageRefs: string[];
}

/**
 * The group's message, and the replies under its page's DMs, drawn anew. An edit still waiting in the outbox is
 * replaced (supersedes), so a burst never queues edits one after the other. Under each DM of the group's page,
 * one reply that says what the group holds (posted once the group has more than its first alert, edited after);
 * the DM itself is paging's.
 */
export function decideGroupEdit(group: AlertGroupRow, note: string, state: GroupEditState, policy: Policy, now: number): AlertEffects {
  const out: AlertEffects = { ...noEffects(), writes: [{ kind: 'group', id: group.id, changes: { lastEditedAt: now } }] };
  if (alertsChannelOf(policy, group.rotation) && state.messageKnown)
    out.calls.push({
      method: 'chat.update',
      args: groupMessage(group, state.latest, note),
      priority: PRIORITY.cosmetic,
      targetRef: alertGroupRef(group.id),
      supersedes: true,
    });
  if (group.pageId === null || group.count <= 1) return out;
  const reply = groupDmReply(group, state.latest);
  const replied = new Set(group.dmReplies);
  const added: string[] = [];
  for (const ref of state.pageMessageRefs) {
    const dm = parsePageRef(ref);
    // A group that closed before its first refresh says nothing new under a DM: only replies already there are edited.
    if (dm?.kind !== 'dm' || replied.has(ref) || group.status === 'resolved') continue;
    replied.add(ref);
    added.push(ref);
    out.calls.push({
      method: 'chat.postMessage',
      args: { channel: dm.userId, ...reply },
      priority: PRIORITY.cosmetic,
      threadRef: ref,
      ref: dmReplyRef(group.id, ref),
      // A lane of its own: a reply waiting its turn never holds up a page DM to the same person.
      lane: `alert-group-replies:${dm.userId}`,
    });
  }
  for (const ref of group.dmReplies)
    out.calls.push({
      method: 'chat.update',
      args: reply,
      priority: PRIORITY.cosmetic,
      targetRef: dmReplyRef(group.id, ref),
      supersedes: true,
    });
  if (added.length > 0) out.writes.push({ kind: 'group', id: group.id, changes: { dmReplies: [...group.dmReplies, ...added] } });
  return out;
}

/** The reply under one of a group's page DMs. */
export const dmReplyRef = (groupId: number, dmRef: string): string => `${alertGroupRef(groupId)}:dm:${dmRef}`;

/** Who acts on a group or an alert: its page (if any) and whether paging lets this person act on it, read by alert-gather.ts. */
export interface ActorState {
  page: Page | null;
  /** pager.mayAct: the rotation's members and admins, anyone the page reached; false without a page. */
  mayActOnPage: boolean;
}

/**
 * Who may act on a group (or an alert stored before grouping): whoever may act on its page; without a page (a
 * silenced group), the rotation's rule alone. The refusal to show, or null when allowed.
 */
export function refusalOf(policy: Policy, rotation: string, actor: ActorState, userId: string, what: string): string | null {
  if (actor.page) return actor.mayActOnPage ? null : refusalFor(policy, actor.page, what);
  return mayActFor(policy, [rotation], userId) ? null : refusal(policy, { rotations: [rotation] }, what);
}

/** The group is seen: it and its firing members are acknowledged, and its message says so. */
export function decideMarkAcknowledged(group: AlertGroupRow): AlertStep[] {
  return [
    effects({
      writes: [
        { kind: 'group', id: group.id, changes: { status: 'acknowledged' } },
        { kind: 'acknowledge-members', groupId: group.id },
      ],
    }),
    { kind: 'edit-group', group: { ...group, status: 'acknowledged' }, note: '' },
  ];
}

/**
 * The group's page was acknowledged or resolved (by a person, or by us): they are one. Acknowledged: the group
 * and its firing members are. Resolved: the group closes, so the next alert alike pages anew.
 */
export function decidePageEvent(group: AlertGroupRow | null, event: 'page.acknowledged' | 'page.resolved', now: number): AlertStep[] {
  if (!group || group.status === 'resolved') return [];
  if (event === 'page.acknowledged') return group.status === 'firing' ? decideMarkAcknowledged(group) : [];
  return decideCloseGroup(group, false, now);
}

/** The source acknowledged an open alert: so is its page, which acknowledges its group (decidePageEvent). */
export function decideSourceAcknowledge(state: ResolveState, policy: Policy, now: number): AlertStep[] {
  const { row, group } = state;
  const steps: AlertStep[] = [effects({ writes: [{ kind: 'alert', id: row.id, changes: { status: 'acknowledged' } }] })];
  if (!group) {
    steps.push({ kind: 'effects', effects: decideAlertEdit({ ...row, status: 'acknowledged' }, policy, now) });
    if (row.pageId !== null)
      steps.push({
        kind: 'pager',
        request: { kind: 'close-page-from-source', pageId: row.pageId, how: 'acknowledged', source: row.source },
      });
    return steps;
  }
  if (group.pageId !== null)
    steps.push({
      kind: 'pager',
      request: { kind: 'close-page-from-source', pageId: group.pageId, how: 'acknowledged', source: group.source },
    });
  steps.push({ kind: 'mark-acknowledged', groupId: group.id });
  return steps;
}

/** What a :white_check_mark: on a channel message reads: the group (or alert stored before grouping) it shows, and who acts. */
export type ReactionState =
  | { kind: 'none' }
  | { kind: 'group'; group: AlertGroupRow; actor: ActorState | null }
  | { kind: 'alert'; row: AlertRow; actor: ActorState | null };

export interface ReactionDecision {
  steps: AlertStep[];
  /** The refusal to show the person, or null. */
  refusal: string | null;
}

/** A :white_check_mark: on a group's message acknowledges the group and its page; on an older alert's, that alert. */
export function decideReaction(state: ReactionState, userId: string, policy: Policy, now: number): ReactionDecision {
  const none = { steps: [], refusal: null };
  // A reaction on some other message, or on something no longer firing: not ours to act on.
  if (state.kind === 'none') return none;
  if (state.kind === 'group') {
    const { group, actor } = state;
    if (group.status !== 'firing' || !actor) return none;
    const refused = refusalOf(policy, group.rotation, actor, userId, `acknowledge ${groupName(group)}`);
    if (refused) return { steps: [], refusal: refused };
    const steps: AlertStep[] = [];
    // A page someone already acknowledged or resolved still lets the group be marked as seen.
    if (actor.page?.status === 'open') steps.push({ kind: 'pager', request: { kind: 'acknowledge', pageId: actor.page.id, by: userId } });
    // The page's acknowledgement has acknowledged the group already (page.acknowledged); a group without one is marked here.
    steps.push({ kind: 'mark-acknowledged', groupId: group.id });
    return { steps, refusal: null };
  }
  const { row, actor } = state;
  if (row.status !== 'firing' || !actor) return none;
  const refused = refusalOf(policy, row.rotation, actor, userId, `acknowledge alert #${row.id}`);
  if (refused) return { steps: [], refusal: refused };
  const steps: AlertStep[] = [];
  if (actor.page?.status === 'open')
    steps.push({ kind: 'pager', request: { kind: 'acknowledge', pageId: actor.page.id, by: userId, via: 'reaction' } });
  steps.push(effects({ writes: [{ kind: 'alert', id: row.id, changes: { status: 'acknowledged' } }] }), {
    kind: 'effects',
    effects: decideAlertEdit({ ...row, status: 'acknowledged' }, policy, now),
  });
  return { steps, refusal: null };
}

export type AlertOutcome = { ok: true; message: string } | { ok: false; message: string };

const capitalized = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;

/** What "Not P0" reads: the group, and who acts when the group is above its routed severity. */
export interface LowerState {
  group: AlertGroupRow | null;
  actor: ActorState | null;
}

/** "Not P0": back to the severity routing gave, for the group, its members and its page. */
export function decideLowerToRouted(
  state: LowerState,
  command: { groupId: number; by: string },
  policy: Policy,
): { steps: AlertStep[]; outcome: AlertOutcome } {
  const { group, actor } = state;
  if (!group) return { steps: [], outcome: { ok: false, message: `There is no alert group #${command.groupId}.` } };
  const name = groupName(group);
  const routed = group.routedSeverity;
  if (group.severity === routed || !actor)
    return { steps: [], outcome: { ok: false, message: `${capitalized(name)} is already ${routed}.` } };
  const refused = refusalOf(policy, group.rotation, actor, command.by, `say ${name} is not ${group.severity}`);
  if (refused) return { steps: [], outcome: { ok: false, message: refused } };
  const steps: AlertStep[] = [
    effects({
      writes: [
        { kind: 'group', id: group.id, changes: { severity: routed } },
        { kind: 'members-severity', groupId: group.id, severity: routed },
      ],
    }),
  ];
  if (group.pageId !== null) steps.push({ kind: 'pager', request: { kind: 'page-severity', pageId: group.pageId, severity: routed } });
  steps.push({ kind: 'edit-group', group: { ...group, severity: routed }, note: '' });
  const channel = alertsChannelOf(policy, group.rotation);
  if (channel)
    steps.push(
      effects({
        calls: [
          {
            method: 'chat.postMessage',
            args: { channel, text: notSeverityLine(command.by, name, group.severity, routed) },
            priority: PRIORITY.notice,
          },
        ],
      }),
    );
  return { steps, outcome: { ok: true, message: `${capitalized(name)} is ${routed} again.` } };
}
