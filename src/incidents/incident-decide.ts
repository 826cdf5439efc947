/**
 * Incidents' decisions, pure: (state, command, policy, now) -> steps. The state is what incident-gather.ts read
 * (the incident, and per command its timeline, its pages, who is on call); the steps are what
 * incident-apply.ts carries out, in order. Like GoAlert's calcUpdates: no clock, no database, no Slack here,
 * so every branch is a table test (test/incidents/incident-decide.test.ts). Wording is in incident-blocks.ts.
 *
 * A decision is a list of steps rather than one Effects value because an incident asks paging to act in the
 * middle of it (raise a page, climb a new chain, resolve its pages), and what comes after reads what paging
 * did: a notify rule's FYI skips whoever the page reached in the last minute. So a decision says
 *   - `effects`: rows, timers, Slack calls and domain events (engine/effects.ts), applied as one;
 *   - `pager`: a request to paging (page-service.ts), made at that point;
 *   - `notify`: a notify rule to run then, as its own gather -> decideNotify -> apply, after paging acted.
 * The order of the steps is the order the transaction script had, so outbox rows keep their order.
 */
import type { NotifyRule, Policy } from '../config/policy.js';
import { severityRank } from '../config/presets.js';
import { noEffects, type Effects } from '../engine/effects.js';
import { PRIORITY, type OutgoingCall, type Priority } from '../engine/outbox.js';
import type { TimerKind } from '../engine/timer-registry.js';
import { resolveWho } from '../paging/escalation.js';
import { viaText } from '../paging/page-blocks.js';
import { notifyRuleApplies } from '../paging/page-policy.js';
import type { PageRequest } from '../paging/page-request.js';
import type { PageEvent } from '../paging/page-service.js';
import { mayActFor, refusal } from '../permissions/who-may.js';
import { mention, slackDate } from '../slack/format.js';
import { nextUpdateDue, STATUS_LABELS, type IncidentStatus } from './cadence.js';
import {
  announcement,
  classifiedLine,
  classifiedText,
  commanderLine,
  commanderText,
  declaredByText,
  declaredLine,
  pagedAlreadyLine,
  firstUpdateMissedLine,
  firstUpdateMissedText,
  groupNoticeText,
  notifyDmText,
  pageEventLine,
  pinnedLine,
  postmortemDraft,
  postmortemDueLine,
  postmortemLate,
  postmortemOverdueText,
  postmortemWrittenLine,
  postmortemWrittenText,
  reminderText,
  resolvedAnnouncement,
  resolvedLine,
  resolvedText,
  roleLine,
  roleText,
  severityLine,
  severityText,
  statusCard,
  statusChangeLine,
  statusChangeText,
  stillText,
  updateLine,
  updateText,
  type TimelineEntry,
} from './incident-blocks.js';
import { incidentMessageRef, incidentRef, postmortemSubject } from './incident-refs.js';
import type { IncidentChanges, IncidentRow } from './incident-store.js';
import { INCIDENT_TIMERS } from './incident-timers.js';
import { postmortemDueAt } from './postmortem.js';

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

export const CLASSIFICATIONS = { bug: 'bug', configuration: 'configuration issue', support: 'user support' } as const;
export type Classification = keyof typeof CLASSIFICATIONS;

export type IncidentOutcome = { ok: true; message: string } | { ok: false; message: string };

/** A row incidents write: a change to the incident, or a line of its timeline. */
export type IncidentWrite =
  | { kind: 'incident'; id: number; changes: IncidentChanges }
  | { kind: 'timeline'; incidentId: number; entry: TimelineEntry };

/** What incidents tell the rest of the bot (dispatched by the table in src/app.ts), after the change is written. */
export type IncidentEvent =
  /** Inside the declaring transaction, after the incident, its card and its page exist. */
  | { type: 'incident.declared'; incident: IncidentRow; input: NewIncident }
  /** Its status or severity changed, or it was closed. */
  | { type: 'incident.changed'; incident: IncidentRow };

export type IncidentEffects = Effects<IncidentWrite, IncidentEvent>;

/** What incidents ask of paging (page-service.ts), in the middle of a decision. */
export type PagerRequest =
  /** A page for the incident at its severity; the timeline says which page it was. */
  | { kind: 'open-page'; incidentId: number; rotation: string; severity: string; summary: string; tags: string[]; by: string }
  /** Its open page climbs the chain of a new severity; a `how: page` rule reaches its people through it; closed with the incident. */
  | Extract<PageRequest, { kind: 'page-severity' | 'page-by-rule' | 'resolve-page' }>;

export type IncidentStep =
  | { kind: 'effects'; effects: IncidentEffects }
  | { kind: 'pager'; request: PagerRequest }
  | { kind: 'notify'; incidentId: number; rule: number; why: string };

export interface IncidentDecision {
  steps: IncidentStep[];
  /** The answer to the person who asked, for commands a person gives; null for timers and events. */
  outcome: IncidentOutcome | null;
}

/** What a decision about one incident needs to know, read by incident-gather.ts. */
export interface IncidentState {
  incident: IncidentRow;
  /** Its timeline, oldest first (read for `resolve`: the postmortem draft quotes it); else empty. */
  timeline: TimelineEntry[];
  /** Its page still open, if any (read for `set-severity`). */
  openPageId: number | null;
  /** Its pages not resolved (read for `resolve` and `classify`). */
  unresolvedPageIds: number[];
  /** The primary on call now in its rotation (read for `declared`: invited to the channel). */
  primary: string | null;
}

export type IncidentCommand =
  /** The row was just inserted (incident-service.ts: the insert gives the id); the rest of the declaration. */
  | { kind: 'declared'; input: NewIncident }
  | { kind: 'update'; by: string; text: string }
  | { kind: 'set-status'; by: string; status: IncidentStatus; note: string }
  | { kind: 'set-severity'; by: string; severity: string }
  | { kind: 'set-commander'; by: string; commander: string }
  | { kind: 'set-role'; by: string; holder: string; role: string }
  | { kind: 'resolve'; by: string; summary: string }
  | { kind: 'classify'; by: string; classification: Classification; note: string }
  | { kind: 'postmortem-done'; by: string; link: string }
  | { kind: 'pin'; by: string; author: string | null; text: string }
  | { kind: 'page-event'; event: PageEvent }
  | { kind: 'reminder-due'; dueAt: number }
  | { kind: 'first-update-due'; dueAt: number }
  | { kind: 'notify-due'; rule: number }
  | { kind: 'postmortem-due'; dueAt: number };

export const incidentSubject = incidentRef;
const cardRef = (id: number) => incidentMessageRef(id, 'card');
const ok = (message: string): IncidentOutcome => ({ ok: true, message });
const refuse = (message: string): IncidentOutcome => ({ ok: false, message });

/** Who may change an incident: its commander, declarer and role holders, then the paged rotation's members and admins (who-may.ts). */
export function mayChange(policy: Policy, incident: IncidentRow, userId: string): boolean {
  if (userId === incident.commander || userId === incident.declaredBy || Object.values(incident.roles).includes(userId)) return true;
  return mayActFor(policy, incident.rotation ? [incident.rotation] : [], userId);
}

/** The refusal for someone `mayChange` says no to; `what` is e.g. "resolve incident #4". */
export function refusalText(policy: Policy, incident: IncidentRow, what: string): string {
  const first = [`the commander (${mention(incident.commander)})`];
  if (incident.declaredBy !== incident.commander) first.push(`the declarer (${mention(incident.declaredBy)})`);
  for (const [role, holder] of Object.entries(incident.roles)) first.push(`the ${role} (${mention(holder)})`);
  return refusal(policy, { first, rotations: incident.rotation ? [incident.rotation] : [] }, what);
}

/** A message into the incident's room: its channel, or the thread under its card in the incidents channel; null: neither. */
export function roomPost(
  incident: Pick<IncidentRow, 'id' | 'channelId' | 'announceChannel'>,
  message: { text: string; blocks?: unknown[] },
  priority: Priority,
  ref?: string,
): OutgoingCall | null {
  if (incident.channelId) return { method: 'chat.postMessage', args: { channel: incident.channelId, ...message }, priority, ref };
  if (incident.announceChannel)
    return {
      method: 'chat.postMessage',
      args: { channel: incident.announceChannel, ...message },
      priority,
      ref,
      threadRef: cardRef(incident.id),
    };
  return null;
}

/**
 * Accumulates one decision's steps. `incident` follows the decision's own writes, and `timeline` its own
 * lines, so what is said later in the decision sees what was decided before it.
 */
class Decider {
  readonly steps: IncidentStep[] = [];
  incident: IncidentRow;
  timeline: TimelineEntry[];

  constructor(
    readonly state: IncidentState,
    readonly policy: Policy,
    readonly now: number,
  ) {
    this.incident = state.incident;
    this.timeline = [...state.timeline];
  }

  get id(): number {
    return this.incident.id;
  }

  /** The effects being gathered; a new one after a pager or notify step, or once an event was added (events apply last). */
  private get fx(): IncidentEffects {
    const last = this.steps.at(-1);
    if (last?.kind === 'effects' && last.effects.events.length === 0) return last.effects;
    const effects: IncidentEffects = noEffects();
    this.steps.push({ kind: 'effects', effects });
    return effects;
  }

  patch(changes: IncidentChanges): void {
    this.fx.writes.push({ kind: 'incident', id: this.id, changes });
    this.incident = { ...this.incident, ...changes };
  }

  record(kind: string, actor: string | null, text: string): void {
    const entry = { at: this.now, kind, actor, text };
    this.fx.writes.push({ kind: 'timeline', incidentId: this.id, entry });
    this.timeline.push(entry);
  }

  call(call: OutgoingCall): void {
    this.fx.calls.push(call);
  }

  post(message: { text: string; blocks?: unknown[] }, priority: Priority = PRIORITY.notice, ref?: string): void {
    const call = roomPost(this.incident, message, priority, ref);
    if (call) this.call(call);
  }

  refreshCard(): void {
    this.call({ method: 'chat.update', args: statusCard(this.incident), priority: PRIORITY.notice, targetRef: cardRef(this.id) });
  }

  set<K extends keyof typeof INCIDENT_TIMERS>(kind: K, timer: Parameters<(typeof INCIDENT_TIMERS)[K]['spec']>[0]): void {
    this.fx.timers.push({ op: 'set', timer: (INCIDENT_TIMERS[kind] as TimerKind<unknown>).spec(timer) });
  }

  cancel(subject: string, kind?: keyof typeof INCIDENT_TIMERS): void {
    this.fx.timers.push({ op: 'cancel', subject, ...(kind ? { kind: INCIDENT_TIMERS[kind].kind } : {}) });
  }

  event(event: IncidentEvent): void {
    this.fx.events.push(event);
  }

  changed(): void {
    this.event({ type: 'incident.changed', incident: this.incident });
  }

  pager(request: PagerRequest): void {
    this.steps.push({ kind: 'pager', request });
  }

  notify(rule: number, why: string): void {
    this.steps.push({ kind: 'notify', incidentId: this.id, rule, why });
  }

  refusal(verb: string): IncidentOutcome {
    return refuse(refusalText(this.policy, this.incident, `${verb} incident #${this.id}`));
  }

  mayChange(userId: string): boolean {
    return mayChange(this.policy, this.incident, userId);
  }
}

// ---------------------------------------------------------------------------------------------------------

export function decideIncident(state: IncidentState, command: IncidentCommand, policy: Policy, now: number): IncidentDecision {
  const d = new Decider(state, policy, now);
  const outcome = run(d, command);
  return { steps: d.steps, outcome };
}

function run(d: Decider, command: IncidentCommand): IncidentOutcome | null {
  const { incident } = d;
  const id = incident.id;
  switch (command.kind) {
    case 'declared':
      declared(d, command.input);
      return null;
    case 'update':
      if (incident.status === 'resolved')
        return refuse(`Incident #${id} is resolved; there is nothing to update. Open a new one with \`/incident declare\` if it is back.`);
      if (!d.mayChange(command.by)) return d.refusal('post updates to');
      markUpdated(d);
      d.post({ text: updateText(d.incident, command.by, command.text) });
      d.record('update', command.by, updateLine(command.by, command.text));
      d.refreshCard();
      return ok(
        `Update posted; the next one is due ${d.incident.nextUpdateDueAt ? slackDate(d.incident.nextUpdateDueAt) : 'whenever there is news'}.`,
      );
    case 'set-status':
      return setStatus(d, command.by, command.status, command.note);
    case 'set-severity':
      return setSeverity(d, command.by, command.severity);
    case 'set-commander': {
      const { by, commander } = command;
      if (!d.mayChange(by)) return d.refusal('hand over the command of');
      if (incident.commander === commander) return refuse(`${mention(commander)} is already the commander of incident #${id}.`);
      const before = incident.commander;
      d.patch({ commander });
      d.record('commander', by, commanderLine(before, commander, by));
      d.post({ text: commanderText(id, before, commander) });
      invite(d, commander);
      d.refreshCard();
      return ok(`${mention(commander)} is now the commander of incident #${id}.`);
    }
    case 'set-role': {
      const { by, holder, role } = command;
      if (!d.mayChange(by)) return d.refusal('assign roles in');
      d.patch({ roles: { ...incident.roles, [role]: holder } });
      d.record('role', by, roleLine(holder, role, by));
      d.post({ text: roleText(id, holder, role) });
      invite(d, holder);
      d.refreshCard();
      return ok(`${mention(holder)} is now the ${role} for incident #${id}.`);
    }
    case 'resolve':
      return resolve(d, command.by, command.summary);
    case 'classify': {
      const { by, classification, note } = command;
      if (incident.status === 'resolved') return refuse(`Incident #${id} is already closed.`);
      if (!d.mayChange(by)) return d.refusal('close');
      const label = CLASSIFICATIONS[classification];
      close(d, by, { resolution: note || null, classification: label }, `incident #${id} was closed as a ${label}`);
      d.record('classified', by, classifiedLine(label, by, note));
      d.post({ text: classifiedText(id, label, by, note) });
      d.refreshCard();
      return ok(`Incident #${id} is closed as a ${label}.`);
    }
    case 'postmortem-done': {
      const { by, link } = command;
      if (incident.postmortemDueAt === null)
        return refuse(`Incident #${id} has no postmortem to close${incident.status === 'resolved' ? '' : ' (it is not resolved yet)'}.`);
      if (incident.postmortemDoneAt !== null)
        return refuse(`The postmortem of incident #${id} was already closed: ${incident.postmortemLink}.`);
      if (!d.mayChange(by)) return d.refusal('close the postmortem of');
      d.patch({ postmortemLink: link, postmortemDoneAt: d.now });
      d.cancel(postmortemSubject(id));
      const late = postmortemLate(d.now - incident.postmortemDueAt);
      d.record('postmortem', by, postmortemWrittenLine(by, late, link));
      d.post({ text: postmortemWrittenText(incident, link, late) });
      return ok(`Postmortem recorded for incident #${id}.`);
    }
    case 'pin':
      d.record('pinned', command.by, pinnedLine(command.by, command.author, command.text));
      return null;
    case 'page-event': {
      const { type, page, by, via } = command.event;
      const event = type === 'page.acknowledged' ? 'acknowledged' : 'resolved';
      // Resolving the incident resolves its pages; its own timeline line says so already.
      if (event === 'resolved' && incident.status === 'resolved') return null;
      const who = /^[UW][A-Z0-9]+$/.test(by) ? mention(by) : by;
      d.record(event === 'acknowledged' ? 'ack' : 'page', by, pageEventLine(page.id, event, who, viaText(via), d.now - page.createdAt));
      return null;
    }
    case 'reminder-due':
      if (incident.status === 'resolved') return null;
      d.post({ text: reminderText(incident, d.now) });
      // Unanswered: the next reminder counts from this one.
      scheduleReminder(d, command.dueAt);
      return null;
    case 'first-update-due':
      if (incident.status === 'resolved' || incident.lastUpdateAt !== null) return null;
      d.post({ text: firstUpdateMissedText(incident, command.dueAt) });
      d.record('deadline', null, firstUpdateMissedLine(incident, command.dueAt));
      return null;
    case 'notify-due': {
      const rule = d.policy.notify[command.rule];
      if (!rule || incident.status === 'resolved') return null;
      // "Unmitigated": nobody has got it to Monitoring yet.
      if (rule.when === 'unmitigated' && incident.status === 'monitoring') return null;
      d.notify(command.rule, stillText(rule.when, rule.afterMs));
      return null;
    }
    case 'postmortem-due': {
      if (incident.postmortemDoneAt !== null) return null;
      const text = postmortemOverdueText(incident, command.dueAt);
      d.post({ text });
      d.call({ method: 'chat.postMessage', args: { channel: incident.commander, text }, priority: PRIORITY.notice });
      return null;
    }
  }
}

/** The reminder, one keyed timer per incident, moved (never stacked): the cadence of its severity and status from `from`. */
function scheduleReminder(d: Decider, from: number): void {
  d.cancel(incidentSubject(d.id), 'reminder');
  const due = nextUpdateDue(d.policy.reminders[d.incident.severity], d.incident.status, from);
  // Already overdue (a severity raised long after the last update): remind now.
  const dueAt = due === null ? null : Math.max(due, d.now);
  d.patch({ nextUpdateDueAt: dueAt });
  if (dueAt !== null) d.set('reminder', { subject: incidentSubject(d.id), dueAt, payload: { incidentId: d.id } });
}

/** A status update was posted (an update, a status change): the first-update deadline is met and the reminder moves. */
function markUpdated(d: Decider): void {
  d.patch({ lastUpdateAt: d.now });
  d.cancel(incidentSubject(d.id), 'firstUpdate');
  scheduleReminder(d, d.now);
}

function invite(d: Decider, user: string): void {
  if (d.incident.channelId)
    d.call({ method: 'conversations.invite', args: { channel: d.incident.channelId, users: user }, priority: PRIORITY.notice });
}

function setStatus(d: Decider, by: string, status: IncidentStatus, note: string): IncidentOutcome {
  const { incident, id } = d;
  if (incident.status === 'resolved') return refuse(`Incident #${id} is already resolved.`);
  if (status === 'resolved') return refuse('Resolving needs the verification checklist: use `/incident resolve`.');
  if (!d.mayChange(by)) return d.refusal('change the status of');
  if (incident.status === status) return refuse(`Incident #${id} is already ${STATUS_LABELS[status]}.`);
  const before = incident.status;
  d.patch({ status });
  // A status change is a status update: it resets the reminder, on the new status's cadence.
  markUpdated(d);
  d.post({ text: statusChangeText(d.incident, before, status, by, note) });
  d.record('status', by, statusChangeLine(before, status, by, note));
  d.refreshCard();
  d.changed();
  return ok(`Incident #${id} is now ${STATUS_LABELS[status]}.`);
}

function setSeverity(d: Decider, by: string, severity: string): IncidentOutcome {
  const { incident, id, policy } = d;
  if (incident.status === 'resolved') return refuse(`Incident #${id} is resolved; declare a new one if it is back.`);
  if (!d.mayChange(by)) return d.refusal('change the severity of');
  const newRank = severityRank(policy.severities, severity);
  const oldRank = severityRank(policy.severities, incident.severity);
  if (newRank === null) return refuse(`There is no severity "${severity}": use one of ${policy.severities.map((s) => s.id).join(', ')}.`);
  if (severity === incident.severity) return refuse(`Incident #${id} is already ${severity}.`);
  const before = incident.severity;
  d.patch({ severity });
  const raised = oldRank !== null && newRank < oldRank;
  d.record('severity', by, severityLine(before, severity, by));
  d.post({ text: severityText(id, before, severity, by, raised) });
  // The cadence follows the new severity, counted from the last update.
  scheduleReminder(d, d.incident.lastUpdateAt ?? d.incident.declaredAt);
  if (raised) {
    // Raising pages per the new severity: an open page climbs the new chain, otherwise a new page starts.
    if (d.state.openPageId !== null) d.pager({ kind: 'page-severity', pageId: d.state.openPageId, severity });
    else openPage(d, by);
    notifyRules(d, true);
  }
  d.refreshCard();
  d.changed();
  return ok(`Incident #${id} is now ${severity}.`);
}

function openPage(d: Decider, by: string): void {
  const { incident } = d;
  if (!incident.rotation) return;
  d.pager({
    kind: 'open-page',
    incidentId: incident.id,
    rotation: incident.rotation,
    severity: incident.severity,
    summary: incident.title,
    tags: incident.tags,
    by,
  });
}

/** The declaration notifications for this severity (and tags), sent now; the timed ones scheduled (at declaration only). */
function notifyRules(d: Decider, onlyDeclared: boolean): void {
  const { incident } = d;
  d.policy.notify.forEach((rule, index) => {
    if (!notifyRuleApplies(rule, incident.severity, incident.tags)) return;
    if (rule.since !== 'declared') return; // counted from the page's acknowledgement: the pager schedules those
    if (rule.when === 'declared') d.notify(index, declaredByText(incident.declaredBy));
    else if (!onlyDeclared)
      d.set('notify', {
        subject: incidentSubject(incident.id),
        dueAt: incident.declaredAt + rule.afterMs,
        payload: { incidentId: incident.id, rule: index },
      });
  });
}

function resolve(d: Decider, by: string, summary: string): IncidentOutcome {
  const { incident, id, policy, now } = d;
  if (incident.status === 'resolved')
    return refuse(
      `Incident #${id} was already resolved ${incident.resolvedAt ? slackDate(incident.resolvedAt) : ''} by ${mention(incident.resolvedBy ?? '')}.`,
    );
  if (!d.mayChange(by)) return d.refusal('resolve');
  close(d, by, { resolution: summary, classification: null }, `incident #${id} was resolved`);
  d.record('resolved', by, resolvedLine(by, now - incident.declaredAt, summary));
  d.post({ text: resolvedText(incident, by, now - incident.declaredAt, summary) });
  if (incident.channelId && incident.announceChannel)
    d.call({
      method: 'chat.postMessage',
      args: { channel: incident.announceChannel, text: resolvedAnnouncement(incident, incident.channelId) },
      priority: PRIORITY.notice,
    });
  d.refreshCard();
  if (!policy.postmortem.required.includes(incident.severity))
    return ok(`Incident #${id} is resolved. ${incident.severity} needs no postmortem.`);
  const due = policy.postmortem.due[incident.severity] ?? { kind: 'business_days' as const, days: 2 };
  const dueAt = postmortemDueAt(now, due, policy.businessHours);
  d.patch({ postmortemDueAt: dueAt });
  d.record('postmortem', null, postmortemDueLine(dueAt));
  d.post({ text: postmortemDraft(d.incident, d.timeline, dueAt) });
  d.set('postmortem', { subject: postmortemSubject(id), dueAt, payload: { incidentId: id } });
  return ok(`Incident #${id} is resolved. The postmortem is due ${slackDate(dueAt)}.`);
}

/** The end of an incident, resolved or classified: the row, every timer (reminders stop), its pages. */
function close(d: Decider, by: string, how: { resolution: string | null; classification: string | null }, why: string): void {
  d.patch({ status: 'resolved', resolvedAt: d.now, resolvedBy: by, nextUpdateDueAt: null, ...how });
  d.cancel(incidentSubject(d.id));
  for (const pageId of d.state.unresolvedPageIds) d.pager({ kind: 'resolve-page', pageId, by, why });
  d.changed();
}

/** The rest of a declaration, once the row exists: its timeline, its clock, its card, its page, its notifications. */
function declared(d: Decider, input: NewIncident): void {
  const { incident, policy } = d;
  d.record('declared', input.declaredBy, declaredLine(incident));
  scheduleReminder(d, incident.declaredAt);
  const firstUpdateMs = policy.incidents.firstUpdateMs[incident.severity];
  if (firstUpdateMs) {
    const dueAt = incident.declaredAt + firstUpdateMs;
    d.patch({ firstUpdateDueAt: dueAt });
    d.set('firstUpdate', { subject: incidentSubject(d.id), dueAt, payload: { incidentId: d.id } });
  }
  // The card first: in thread mode it is the thread's parent, and everything else replies to it.
  const card = statusCard(d.incident);
  const { channelId, announceChannel } = d.incident;
  if (channelId) {
    d.call({ method: 'chat.postMessage', args: { channel: channelId, ...card }, priority: PRIORITY.page, ref: cardRef(d.id) });
    const invitees = [...new Set([incident.declaredBy, incident.commander, d.state.primary].filter((u): u is string => u !== null))];
    d.call({ method: 'conversations.invite', args: { channel: channelId, users: invitees.join(',') }, priority: PRIORITY.page });
    if (announceChannel)
      d.call({ method: 'chat.postMessage', args: { channel: announceChannel, text: announcement(d.incident) }, priority: PRIORITY.notice });
  } else if (announceChannel) {
    d.call({ method: 'chat.postMessage', args: { channel: announceChannel, ...card }, priority: PRIORITY.page, ref: cardRef(d.id) });
  }
  if (input.pagedBy) d.record('page', null, pagedAlreadyLine(incident.rotation, input.pagedBy));
  else openPage(d, input.declaredBy);
  notifyRules(d, false);
  d.event({ type: 'incident.declared', incident: d.incident, input });
}

// ---------------------------------------------------------------------------------------------------------

/** What a notify rule needs, read by incident-gather.ts after paging acted (its newest page, and whom that page reached). */
export interface NotifyState {
  incident: IncidentRow;
  /** The newest page about the incident, if any. */
  page: { id: number; status: string } | null;
  /** Members of the user groups the rule names; null: not listed yet. */
  members: Record<string, string[] | null>;
  /** The rule's people the page reached (a DM or a mention) within the last minute. */
  reachedRecently: readonly string[];
}

/** The users and user groups a rule names (paging's resolveWho, with nobody on call: a rule names people, not slots). */
export function notifyTargets(policy: Policy, rule: NotifyRule): { users: string[]; groups: string[] } {
  return resolveWho(rule.who, { primary: null, secondary: null }, policy.people);
}

/**
 * A notify rule for an incident: `how: page` pages through the incident's page (Acknowledge included); an FYI
 * skips whoever that page reached in the last minute, so one person gets one message for one thing.
 */
export function decideNotify(state: NotifyState, index: number, why: string, policy: Policy): IncidentStep[] {
  const rule = policy.notify[index];
  if (!rule) return [];
  const { incident, page } = state;
  if (rule.how === 'page' && page && page.status !== 'resolved')
    return [{ kind: 'pager', request: { kind: 'page-by-rule', pageId: page.id, rule: index, why } }];
  const effects: IncidentEffects = noEffects();
  const target = notifyTargets(policy, rule);
  // A user group reaches its members, each by DM, and is mentioned in the incident's channel (seed 003:
  // "P1 ONLY: auto-notify CTO + all engineers immediately").
  const members = target.groups.flatMap((g) => state.members[g] ?? []);
  if (target.groups.length > 0 && incident.channelId)
    effects.calls.push({
      method: 'chat.postMessage',
      args: { channel: incident.channelId, text: groupNoticeText(incident, target.groups, why) },
      priority: PRIORITY.notice,
    });
  for (const userId of [...new Set([...target.users, ...members])]) {
    if (page && state.reachedRecently.includes(userId)) continue;
    effects.calls.push({
      method: 'chat.postMessage',
      args: { channel: userId, text: notifyDmText(incident, rule.how, why) },
      priority: rule.how === 'page' ? PRIORITY.page : PRIORITY.notice,
    });
  }
  return effects.calls.length ? [{ kind: 'effects', effects }] : [];
}
