/**
 * The shell around incidents: every change is one transaction that writes the incident, its timeline, its
 * timers (reminders, first-update deadline, notifications, postmortem due) and the Slack calls it wants.
 * Reminders are one keyed timer per incident, moved (never stacked) by every status update.
 */
import { incidentIdOf, incidentMessageRef, incidentRef } from './incident-refs.js';
import { z } from 'zod';
import { timerKind } from '../engine/timer-registry.js';
import type { Policy } from '../config/policy.js';
import { severityRank } from '../config/presets.js';
import type { Engine, EngineTx } from '../engine/engine.js';
import { PRIORITY, type Priority } from '../engine/outbox.js';
import { resolveWho } from '../paging/escalation.js';
import { membersOf } from '../usergroups/usergroup-store.js';
import type { PageContext, PageEvent, PageRow, PageService } from '../paging/page-service.js';
import type { EventSink } from '../engine/effects.js';
import { openPageAbout, unresolvedPageIdsAbout } from '../paging/page-store.js';
import { mayActFor, refusal } from '../permissions/who-may.js';
import { onCallNow } from '../paging/on-call-now.js';
import { viaText } from '../paging/page-blocks.js';
import { notifyRuleApplies } from '../paging/page-policy.js';
import { mention, slackDate } from '../slack/format.js';
import { humanDuration, nextUpdateDue, STATUS_LABELS, type IncidentStatus } from './cadence.js';
import {
  announcement,
  incidentTitle,
  postmortemDraft,
  reminderText,
  statusCard,
  timelineText,
  updateText,
  type TimelineEntry,
} from './incident-blocks.js';
import { postmortemDueAt } from './postmortem.js';
import {
  findIncident,
  incidentInChannel,
  incidentTimeline,
  insertIncident,
  recordIncidentEvent,
  unresolvedIncidents,
  updateIncident,
  type IncidentRow,
} from './incident-store.js';

const incidentId = z.object({ incidentId: z.number().int().positive() });

/** The incidents feature's timer kinds, each with its payload's schema (checked when set and when read). */
export const INCIDENT_TIMERS = {
  reminder: timerKind('incident.reminder', incidentId),
  firstUpdate: timerKind('incident.first_update', incidentId),
  notify: timerKind('incident.notify', incidentId.extend({ rule: z.number().int().nonnegative() })),
  postmortem: timerKind('incident.postmortem_due', incidentId),
} as const;

export type { IncidentRow };
export type IncidentOutcome = { ok: true; message: string } | { ok: false; message: string };

export interface NewIncident {
  title: string;
  severity: string;
  service: string | null;
  environment: string | null;
  impact: string;
  tags: string[];
  declaredBy: string;
  rotation: string | null;
  /** The incident's own channel, or null to run it in a thread of `announceChannel`. */
  channelId: string | null;
  announceChannel: string | null;
  /** Escalation triggers ticked in the triage form (the playbooks act on them). */
  triggers?: string[];
  /** The page already out for what the incident is about (an alert group's): the incident does not page again. */
  pagedBy?: { pageId: number; what: string };
}

/** What incidents tell the rest of the bot (dispatched by the table in src/app.ts), after the change is written. */
export type IncidentEvent =
  /** Inside the declaring transaction, after the incident, its card and its page exist. */
  | { type: 'incident.declared'; incident: IncidentRow; input: NewIncident }
  /** Its status or severity changed, or it was closed. */
  | { type: 'incident.changed'; incident: IncidentRow };

export const CLASSIFICATIONS = { bug: 'bug', configuration: 'configuration issue', support: 'user support' } as const;
export type Classification = keyof typeof CLASSIFICATIONS;

const subject = incidentRef;
const cardRef = (id: number) => incidentMessageRef(id, 'card');
const ok = (message: string): IncidentOutcome => ({ ok: true, message });
const refuse = (message: string): IncidentOutcome => ({ ok: false, message });

export class IncidentService {
  private changed(tx: EngineTx, incident: IncidentRow): void {
    this.events(tx, { type: 'incident.changed', incident });
  }

  /** `events`: where incident.declared and incident.changed go (the table in src/app.ts). */
  constructor(
    private readonly policy: Policy,
    private readonly pager: PageService,
    private readonly events: EventSink<IncidentEvent> = () => undefined,
  ) {}

  register(engine: Engine): void {
    engine.on(INCIDENT_TIMERS.reminder, (timer, tx) => {
      const incident = this.find(tx, timer.payload.incidentId);
      if (!incident || incident.status === 'resolved') return;
      this.post(tx, incident, { text: reminderText(incident, tx.now) }, PRIORITY.notice);
      // Unanswered: the next reminder counts from this one.
      this.scheduleReminder(tx, incident, timer.dueAt);
    });
    engine.on(INCIDENT_TIMERS.firstUpdate, (timer, tx) => {
      const incident = this.find(tx, timer.payload.incidentId);
      if (!incident || incident.status === 'resolved' || incident.lastUpdateAt !== null) return;
      const text = `:warning: The first status update for ${incidentTitle(incident)} was due by ${slackDate(timer.dueAt)} (${humanDuration(timer.dueAt - incident.declaredAt)} after declaration) and none was posted. ${mention(incident.commander)}, post one with \`/incident update <text>\`.`;
      this.post(tx, incident, { text }, PRIORITY.notice);
      this.record(tx, incident.id, 'deadline', null, `First-update deadline (${humanDuration(timer.dueAt - incident.declaredAt)}) missed`);
    });
    engine.on(INCIDENT_TIMERS.notify, (timer, tx) => {
      const { incidentId, rule } = timer.payload;
      const incident = this.find(tx, incidentId);
      const notify = this.policy.notify[rule];
      if (!incident || !notify || incident.status === 'resolved') return;
      // "Unmitigated": nobody has got it to Monitoring yet.
      if (notify.when === 'unmitigated' && incident.status === 'monitoring') return;
      this.notify(
        tx,
        incident,
        rule,
        `is still ${notify.when === 'unmitigated' ? 'not mitigated' : 'unresolved'} after ${humanDuration(notify.afterMs)}`,
      );
    });
    engine.on(INCIDENT_TIMERS.postmortem, (timer, tx) => {
      const incident = this.find(tx, timer.payload.incidentId);
      if (!incident || incident.postmortemDoneAt !== null) return;
      const text = `:page_facing_up: ${mention(incident.commander)} the postmortem for ${incidentTitle(incident)} was due ${slackDate(timer.dueAt)}. When it is written: \`/incident postmortem done <link>\`.`;
      this.post(tx, incident, { text }, PRIORITY.notice);
      tx.enqueue({ method: 'chat.postMessage', args: { channel: incident.commander, text }, priority: PRIORITY.notice });
    });
  }

  find(tx: EngineTx, id: number): IncidentRow | null {
    return findIncident(tx.db, id);
  }

  /** The newest incident living in this channel (its own channel), if any. */
  inChannel(tx: EngineTx, channelId: string): IncidentRow | null {
    return incidentInChannel(tx.db, channelId);
  }

  unresolved(tx: EngineTx): IncidentRow[] {
    return unresolvedIncidents(tx.db);
  }

  timeline(tx: EngineTx, id: number): TimelineEntry[] {
    return incidentTimeline(tx.db, id);
  }

  timelineText(tx: EngineTx, incident: IncidentRow): string {
    return timelineText(incident, this.timeline(tx, incident.id));
  }

  record(tx: EngineTx, incidentId: number, kind: string, actor: string | null, text: string): void {
    recordIncidentEvent(tx.db, incidentId, { at: tx.now, kind, actor, text });
  }

  /** Who may change an incident: its commander, declarer and role holders, then the paged rotation's members and admins (who-may.ts). */
  mayChange(incident: IncidentRow, userId: string): boolean {
    if (userId === incident.commander || userId === incident.declaredBy || Object.values(incident.roles).includes(userId)) return true;
    return mayActFor(this.policy, incident.rotation ? [incident.rotation] : [], userId);
  }

  /** The refusal for someone `mayChange` says no to; `what` is e.g. "resolve incident #4". */
  refusalText(incident: IncidentRow, what: string): string {
    const first = [`the commander (${mention(incident.commander)})`];
    if (incident.declaredBy !== incident.commander) first.push(`the declarer (${mention(incident.declaredBy)})`);
    for (const [role, holder] of Object.entries(incident.roles)) first.push(`the ${role} (${mention(holder)})`);
    return refusal(this.policy, { first, rotations: incident.rotation ? [incident.rotation] : [] }, what);
  }

  private refusal(incident: IncidentRow, verb: string): IncidentOutcome {
    return refuse(this.refusalText(incident, `${verb} incident #${incident.id}`));
  }

  /** Posts into the incident's room: its channel, or the thread under its card in the incidents channel. */
  post(tx: EngineTx, incident: IncidentRow, message: { text: string; blocks?: unknown[] }, priority: Priority, ref?: string): void {
    if (incident.channelId) {
      tx.enqueue({ method: 'chat.postMessage', args: { channel: incident.channelId, ...message }, priority, ref });
    } else if (incident.announceChannel) {
      tx.enqueue({
        method: 'chat.postMessage',
        args: { channel: incident.announceChannel, ...message },
        priority,
        ref,
        threadRef: cardRef(incident.id),
      });
    }
  }

  private refreshCard(tx: EngineTx, incident: IncidentRow): void {
    tx.enqueue({ method: 'chat.update', args: statusCard(incident), priority: PRIORITY.notice, targetRef: cardRef(incident.id) });
  }

  private scheduleReminder(tx: EngineTx, incident: IncidentRow, from: number): void {
    tx.cancel(subject(incident.id), INCIDENT_TIMERS.reminder.kind);
    const due = nextUpdateDue(this.policy.reminders[incident.severity], incident.status, from);
    // Already overdue (a severity raised long after the last update): remind now.
    const dueAt = due === null ? null : Math.max(due, tx.now);
    updateIncident(tx.db, incident.id, { nextUpdateDueAt: dueAt });
    incident.nextUpdateDueAt = dueAt;
    if (dueAt !== null)
      tx.schedule(INCIDENT_TIMERS.reminder.spec({ subject: subject(incident.id), dueAt, payload: { incidentId: incident.id } }));
  }

  /**
   * A notify rule for an incident: `how: page` pages through the incident's page (Acknowledge included); an FYI
   * skips whoever that page reached in the last minute, so one person gets one message for one thing.
   */
  private notify(tx: EngineTx, incident: IncidentRow, index: number, why: string): void {
    const rule = this.policy.notify[index]!;
    const page = this.pager.pagesAbout(tx, subject(incident.id))[0];
    if (rule.how === 'page' && page && page.status !== 'resolved') {
      this.pager.pageByRule(tx, page, index, why);
      return;
    }
    const where = incident.channelId ? ` in <#${incident.channelId}>` : '';
    const asked = rule.how === 'page' ? 'You are asked to join' : 'No action needed unless you are asked';
    const target = resolveWho(rule.who, { primary: null, secondary: null }, this.policy.people);
    // A user group reaches its members, each by DM, and is mentioned in the incident's channel (seed 003:
    // "P1 ONLY: auto-notify CTO + all engineers immediately").
    const members = target.groups.flatMap((g) => membersOf(tx.db, g) ?? []);
    if (target.groups.length > 0 && incident.channelId) {
      tx.enqueue({
        method: 'chat.postMessage',
        args: {
          channel: incident.channelId,
          text: `:information_source: ${target.groups.map((g) => `<!subteam^${g}>`).join(', ')}: ${incidentTitle(incident)} ${why}.`,
        },
        priority: PRIORITY.notice,
      });
    }
    for (const userId of [...new Set([...target.users, ...members])]) {
      if (page && this.pager.reachedRecently(tx, page.id, userId)) continue;
      const head = rule.how === 'page' ? ':rotating_light:' : ':information_source: FYI';
      tx.enqueue({
        method: 'chat.postMessage',
        args: {
          channel: userId,
          text: `${head} ${incidentTitle(incident)} (incident #${incident.id})${where} ${why}. Commander: ${mention(incident.commander)}. ${asked}.`,
        },
        priority: rule.how === 'page' ? PRIORITY.page : PRIORITY.notice,
      });
    }
  }

  /** What paging asks about an incident's page (page-service.ts PageContext): mitigated at Monitoring, and its tags. */
  pageContext(): PageContext {
    const incidentOf = (tx: EngineTx, page: PageRow) => {
      const id = page.source === 'incident' ? incidentIdOf(page.sourceRef) : null;
      return id !== null ? this.find(tx, id) : null;
    };
    return {
      isMitigated: (tx, page) => {
        const incident = incidentOf(tx, page);
        return incident ? incident.status === 'monitoring' || incident.status === 'resolved' : null;
      },
      tagsOf: (tx, page) => incidentOf(tx, page)?.tags ?? [],
    };
  }

  /** The declaration notifications for this severity (and tags), sent now; the timed ones scheduled. */
  private applyNotifyRules(tx: EngineTx, incident: IncidentRow, onlyDeclared: boolean): void {
    this.policy.notify.forEach((rule, index) => {
      if (!notifyRuleApplies(rule, incident.severity, incident.tags)) return;
      if (rule.since !== 'declared') return; // counted from the page's acknowledgement: the pager schedules those
      if (rule.when === 'declared') this.notify(tx, incident, index, `was declared by ${mention(incident.declaredBy)}`);
      else if (!onlyDeclared)
        tx.schedule(
          INCIDENT_TIMERS.notify.spec({
            subject: subject(incident.id),
            dueAt: incident.declaredAt + rule.afterMs,
            payload: { incidentId: incident.id, rule: index },
          }),
        );
    });
  }

  private primaryOf(tx: EngineTx, rotation: string | null): string | null {
    return onCallNow(tx.db, this.policy, rotation, tx.now).primary;
  }

  private page(tx: EngineTx, incident: IncidentRow, by: string): PageRow | null {
    if (!incident.rotation) return null;
    const page = this.pager.create(tx, {
      rotation: incident.rotation,
      severity: incident.severity,
      summary: incident.title,
      source: 'incident',
      sourceRef: subject(incident.id),
      createdBy: by,
      tags: incident.tags,
      notify: false,
    });
    this.record(tx, incident.id, 'page', by, `Paged the ${incident.rotation} on-call at ${incident.severity} (page #${page.id})`);
    return page;
  }

  declare(tx: EngineTx, input: NewIncident): IncidentRow {
    const incident = insertIncident(tx.db, {
      ...input,
      status: 'investigating',
      commander: input.declaredBy,
      roles: {},
      declaredAt: tx.now,
    });
    this.record(
      tx,
      incident.id,
      'declared',
      input.declaredBy,
      `Declared ${incidentTitle(incident)} by ${mention(input.declaredBy)}. Impact: ${input.impact}`,
    );
    this.scheduleReminder(tx, incident, incident.declaredAt);
    const firstUpdateMs = this.policy.incidents.firstUpdateMs[incident.severity];
    if (firstUpdateMs) {
      const dueAt = incident.declaredAt + firstUpdateMs;
      updateIncident(tx.db, incident.id, { firstUpdateDueAt: dueAt });
      incident.firstUpdateDueAt = dueAt;
      tx.schedule(INCIDENT_TIMERS.firstUpdate.spec({ subject: subject(incident.id), dueAt, payload: { incidentId: incident.id } }));
    }
    // The card first: in thread mode it is the thread's parent, and everything else replies to it.
    const card = statusCard(incident);
    if (incident.channelId) {
      tx.enqueue({
        method: 'chat.postMessage',
        args: { channel: incident.channelId, ...card },
        priority: PRIORITY.page,
        ref: cardRef(incident.id),
      });
      const primary = this.primaryOf(tx, incident.rotation);
      const invitees = [...new Set([incident.declaredBy, incident.commander, primary].filter((u): u is string => u !== null))];
      tx.enqueue({
        method: 'conversations.invite',
        args: { channel: incident.channelId, users: invitees.join(',') },
        priority: PRIORITY.page,
      });
      if (incident.announceChannel)
        tx.enqueue({
          method: 'chat.postMessage',
          args: { channel: incident.announceChannel, text: announcement(incident) },
          priority: PRIORITY.notice,
        });
    } else if (incident.announceChannel) {
      tx.enqueue({
        method: 'chat.postMessage',
        args: { channel: incident.announceChannel, ...card },
        priority: PRIORITY.page,
        ref: cardRef(incident.id),
      });
    }
    if (input.pagedBy)
      this.record(
        tx,
        incident.id,
        'page',
        null,
        `The ${incident.rotation ?? 'on-call'} on-call is paged already (page #${input.pagedBy.pageId}, ${input.pagedBy.what}): no second page`,
      );
    else this.page(tx, incident, input.declaredBy);
    this.applyNotifyRules(tx, incident, false);
    this.events(tx, { type: 'incident.declared', incident: this.find(tx, incident.id)!, input });
    // Listeners may have changed it (a trigger raising the severity): answer with what is stored now.
    return this.find(tx, incident.id)!;
  }

  update(tx: EngineTx, id: number, userId: string, text: string): IncidentOutcome {
    const incident = this.find(tx, id);
    if (!incident) return refuse(`There is no incident #${id}.`);
    if (incident.status === 'resolved')
      return refuse(`Incident #${id} is resolved; there is nothing to update. Open a new one with \`/incident declare\` if it is back.`);
    if (!this.mayChange(incident, userId)) return this.refusal(incident, 'post updates to');
    this.markUpdated(tx, incident);
    this.post(tx, incident, { text: updateText(incident, userId, text) }, PRIORITY.notice);
    this.record(tx, id, 'update', userId, `Update from ${mention(userId)}: ${text}`);
    this.refreshCard(tx, incident);
    return ok(
      `Update posted; the next one is due ${incident.nextUpdateDueAt ? slackDate(incident.nextUpdateDueAt) : 'whenever there is news'}.`,
    );
  }

  private markUpdated(tx: EngineTx, incident: IncidentRow): void {
    updateIncident(tx.db, incident.id, { lastUpdateAt: tx.now });
    incident.lastUpdateAt = tx.now;
    tx.cancel(subject(incident.id), INCIDENT_TIMERS.firstUpdate.kind);
    this.scheduleReminder(tx, incident, tx.now);
  }

  setStatus(tx: EngineTx, id: number, userId: string, status: IncidentStatus, note: string): IncidentOutcome {
    const incident = this.find(tx, id);
    if (!incident) return refuse(`There is no incident #${id}.`);
    if (incident.status === 'resolved') return refuse(`Incident #${id} is already resolved.`);
    if (status === 'resolved') return refuse('Resolving needs the verification checklist: use `/incident resolve`.');
    if (!this.mayChange(incident, userId)) return this.refusal(incident, 'change the status of');
    if (incident.status === status) return refuse(`Incident #${id} is already ${STATUS_LABELS[status]}.`);
    const before = incident.status;
    updateIncident(tx.db, id, { status });
    incident.status = status;
    // A status change is a status update: it resets the reminder, on the new status's cadence.
    this.markUpdated(tx, incident);
    const text = `:arrows_counterclockwise: Status of ${incidentTitle(incident)}: ${STATUS_LABELS[before]} → *${STATUS_LABELS[status]}* (${mention(userId)})${note ? `: ${note}` : ''}`;
    this.post(tx, incident, { text }, PRIORITY.notice);
    this.record(
      tx,
      id,
      'status',
      userId,
      `Status ${STATUS_LABELS[before]} → ${STATUS_LABELS[status]} by ${mention(userId)}${note ? `: ${note}` : ''}`,
    );
    this.refreshCard(tx, incident);
    this.changed(tx, incident);
    return ok(`Incident #${id} is now ${STATUS_LABELS[status]}.`);
  }

  setSeverity(tx: EngineTx, id: number, userId: string, severity: string): IncidentOutcome {
    const incident = this.find(tx, id);
    if (!incident) return refuse(`There is no incident #${id}.`);
    if (incident.status === 'resolved') return refuse(`Incident #${id} is resolved; declare a new one if it is back.`);
    if (!this.mayChange(incident, userId)) return this.refusal(incident, 'change the severity of');
    const newRank = severityRank(this.policy.severities, severity);
    const oldRank = severityRank(this.policy.severities, incident.severity);
    if (newRank === null)
      return refuse(`There is no severity "${severity}": use one of ${this.policy.severities.map((s) => s.id).join(', ')}.`);
    if (severity === incident.severity) return refuse(`Incident #${id} is already ${severity}.`);
    const before = incident.severity;
    updateIncident(tx.db, id, { severity });
    incident.severity = severity;
    const raised = oldRank !== null && newRank < oldRank;
    this.record(tx, id, 'severity', userId, `Severity ${before} → ${severity} by ${mention(userId)}`);
    this.post(
      tx,
      incident,
      {
        text: `:${raised ? 'arrow_up' : 'arrow_down'}: ${mention(userId)} changed the severity of incident #${id} from ${before} to *${severity}*.`,
      },
      PRIORITY.notice,
    );
    // The cadence follows the new severity, counted from the last update.
    this.scheduleReminder(tx, incident, incident.lastUpdateAt ?? incident.declaredAt);
    if (raised) {
      // Raising pages per the new severity: an open page climbs the new chain, otherwise a new page starts.
      const open = openPageAbout(tx.db, subject(id));
      if (open) this.pager.changeSeverity(tx, open.id, severity);
      else this.page(tx, incident, userId);
      this.applyNotifyRules(tx, incident, true);
    }
    this.refreshCard(tx, incident);
    this.changed(tx, incident);
    return ok(`Incident #${id} is now ${severity}.`);
  }

  setCommander(tx: EngineTx, id: number, userId: string, commander: string): IncidentOutcome {
    const incident = this.find(tx, id);
    if (!incident) return refuse(`There is no incident #${id}.`);
    if (!this.mayChange(incident, userId)) return this.refusal(incident, 'hand over the command of');
    if (incident.commander === commander) return refuse(`${mention(commander)} is already the commander of incident #${id}.`);
    const before = incident.commander;
    updateIncident(tx.db, id, { commander });
    incident.commander = commander;
    this.record(tx, id, 'commander', userId, `Commander ${mention(before)} → ${mention(commander)} (by ${mention(userId)})`);
    this.post(
      tx,
      incident,
      { text: `:crown: ${mention(commander)} is now the commander of incident #${id} (was ${mention(before)}).` },
      PRIORITY.notice,
    );
    if (incident.channelId)
      tx.enqueue({ method: 'conversations.invite', args: { channel: incident.channelId, users: commander }, priority: PRIORITY.notice });
    this.refreshCard(tx, incident);
    return ok(`${mention(commander)} is now the commander of incident #${id}.`);
  }

  setRole(tx: EngineTx, id: number, userId: string, holder: string, role: string): IncidentOutcome {
    const incident = this.find(tx, id);
    if (!incident) return refuse(`There is no incident #${id}.`);
    if (!this.mayChange(incident, userId)) return this.refusal(incident, 'assign roles in');
    const roles = { ...incident.roles, [role]: holder };
    updateIncident(tx.db, id, { roles });
    incident.roles = roles;
    this.record(tx, id, 'role', userId, `${mention(holder)} is ${role} (by ${mention(userId)})`);
    this.post(tx, incident, { text: `:bust_in_silhouette: ${mention(holder)} is the ${role} for incident #${id}.` }, PRIORITY.notice);
    if (incident.channelId)
      tx.enqueue({ method: 'conversations.invite', args: { channel: incident.channelId, users: holder }, priority: PRIORITY.notice });
    this.refreshCard(tx, incident);
    return ok(`${mention(holder)} is now the ${role} for incident #${id}.`);
  }

  resolve(tx: EngineTx, id: number, userId: string, summary: string): IncidentOutcome {
    const incident = this.find(tx, id);
    if (!incident) return refuse(`There is no incident #${id}.`);
    if (incident.status === 'resolved')
      return refuse(
        `Incident #${id} was already resolved ${incident.resolvedAt ? slackDate(incident.resolvedAt) : ''} by ${mention(incident.resolvedBy ?? '')}.`,
      );
    if (!this.mayChange(incident, userId)) return this.refusal(incident, 'resolve');
    this.close(tx, incident, userId, { resolution: summary, classification: null }, `incident #${id} was resolved`);
    this.record(
      tx,
      id,
      'resolved',
      userId,
      `Resolved by ${mention(userId)} after ${humanDuration(tx.now - incident.declaredAt)}: ${summary}`,
    );
    this.post(
      tx,
      incident,
      {
        text: `:large_green_circle: ${incidentTitle(incident)} resolved by ${mention(userId)} after ${humanDuration(tx.now - incident.declaredAt)}.\n${summary}`,
      },
      PRIORITY.notice,
    );
    if (incident.channelId && incident.announceChannel) {
      tx.enqueue({
        method: 'chat.postMessage',
        args: {
          channel: incident.announceChannel,
          text: `:large_green_circle: ${incidentTitle(incident)} (<#${incident.channelId}>) is resolved.`,
        },
        priority: PRIORITY.notice,
      });
    }
    this.refreshCard(tx, incident);
    if (!this.policy.postmortem.required.includes(incident.severity))
      return ok(`Incident #${id} is resolved. ${incident.severity} needs no postmortem.`);
    const due = this.policy.postmortem.due[incident.severity] ?? { kind: 'business_days' as const, days: 2 };
    const dueAt = postmortemDueAt(tx.now, due, this.policy.businessHours);
    updateIncident(tx.db, id, { postmortemDueAt: dueAt });
    this.record(tx, id, 'postmortem', null, `Postmortem due ${slackDate(dueAt)}`);
    this.post(tx, incident, { text: postmortemDraft(incident, this.timeline(tx, id), dueAt) }, PRIORITY.notice);
    tx.schedule(INCIDENT_TIMERS.postmortem.spec({ subject: `${subject(id)}:postmortem`, dueAt, payload: { incidentId: id } }));
    return ok(`Incident #${id} is resolved. The postmortem is due ${slackDate(dueAt)}.`);
  }

  /** The end of an incident, resolved or classified: the row, every timer (reminders stop), its pages. */
  private close(
    tx: EngineTx,
    incident: IncidentRow,
    userId: string,
    how: { resolution: string | null; classification: string | null },
    why: string,
  ): void {
    const closed = { status: 'resolved' as const, resolvedAt: tx.now, resolvedBy: userId, nextUpdateDueAt: null, ...how };
    updateIncident(tx.db, incident.id, closed);
    Object.assign(incident, closed);
    tx.cancel(subject(incident.id));
    for (const pageId of unresolvedPageIdsAbout(tx.db, subject(incident.id))) {
      this.pager.resolveFor(tx, pageId, userId, why);
    }
    this.changed(tx, incident);
  }

  /** Triage decided it is not an incident: close it as a bug, configuration issue or user support. No postmortem. */
  classify(tx: EngineTx, id: number, userId: string, classification: Classification, note: string): IncidentOutcome {
    const incident = this.find(tx, id);
    if (!incident) return refuse(`There is no incident #${id}.`);
    if (incident.status === 'resolved') return refuse(`Incident #${id} is already closed.`);
    if (!this.mayChange(incident, userId)) return this.refusal(incident, 'close');
    const label = CLASSIFICATIONS[classification];
    this.close(tx, incident, userId, { resolution: note || null, classification: label }, `incident #${id} was closed as a ${label}`);
    this.record(tx, id, 'classified', userId, `Closed as a ${label} by ${mention(userId)}${note ? `: ${note}` : ''} (no postmortem)`);
    this.post(
      tx,
      incident,
      {
        text: `:card_file_box: ${mention(userId)} closed #${id} as a *${label}*, not an incident${note ? `: ${note}` : ''}. Reminders and paging have stopped; no postmortem.`,
      },
      PRIORITY.notice,
    );
    this.refreshCard(tx, incident);
    return ok(`Incident #${id} is closed as a ${label}.`);
  }

  postmortemDone(tx: EngineTx, id: number, userId: string, link: string): IncidentOutcome {
    const incident = this.find(tx, id);
    if (!incident) return refuse(`There is no incident #${id}.`);
    if (incident.postmortemDueAt === null)
      return refuse(`Incident #${id} has no postmortem to close${incident.status === 'resolved' ? '' : ' (it is not resolved yet)'}.`);
    if (incident.postmortemDoneAt !== null)
      return refuse(`The postmortem of incident #${id} was already closed: ${incident.postmortemLink}.`);
    if (!this.mayChange(incident, userId)) return this.refusal(incident, 'close the postmortem of');
    updateIncident(tx.db, id, { postmortemLink: link, postmortemDoneAt: tx.now });
    tx.cancel(`${subject(id)}:postmortem`);
    const late = tx.now > incident.postmortemDueAt ? ` (${humanDuration(tx.now - incident.postmortemDueAt)} after it was due)` : '';
    this.record(tx, id, 'postmortem', userId, `Postmortem written by ${mention(userId)}${late}: ${link}`);
    this.post(tx, incident, { text: `:white_check_mark: Postmortem for ${incidentTitle(incident)}: ${link}${late}` }, PRIORITY.notice);
    return ok(`Postmortem recorded for incident #${id}.`);
  }

  /** A message someone marked with :pushpin: goes into the timeline. */
  pin(tx: EngineTx, incident: IncidentRow, userId: string, author: string | null, text: string): void {
    this.record(tx, incident.id, 'pinned', userId, `Pinned by ${mention(userId)}${author ? ` (from ${mention(author)})` : ''}: ${text}`);
  }

  /** A page about an incident was acknowledged or resolved: the incident's timeline says so. */
  pageEvent(tx: EngineTx, { type, page, by, via }: PageEvent): void {
    const event = type === 'page.acknowledged' ? 'acknowledged' : 'resolved';
    const id = incidentIdOf(page.sourceRef);
    if (id === null) return;
    // Resolving the incident resolves its pages; its own timeline line says so already.
    if (event === 'resolved' && this.find(tx, Number(id))?.status === 'resolved') return;
    const who = /^[UW][A-Z0-9]+$/.test(by) ? mention(by) : by;
    this.record(
      tx,
      Number(id),
      event === 'acknowledged' ? 'ack' : 'page',
      by,
      `Page #${page.id} ${event} by ${who}${viaText(via)} (${humanDuration(tx.now - page.createdAt)} after it started)`,
    );
  }
}
