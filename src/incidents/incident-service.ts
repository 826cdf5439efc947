/**
 * The shell around incidents. Every command runs the same three beats in the caller's transaction: gather
 * (incident-gather.ts reads the incident and what its decision needs), decide (incident-decide.ts, pure,
 * returns steps: effects, requests to paging, notify rules), apply (incident-apply.ts carries them out in
 * order: rows, timers, outbox calls, domain events). Reminders are one keyed timer per incident, moved (never
 * stacked) by every status update.
 *
 * Declaring inserts the row first (the insert gives the incident its id, which every ref and timer names),
 * then decides the rest like any other command.
 */
import { incidentIdOf } from './incident-refs.js';
import type { Policy } from '../config/policy.js';
import type { Engine, EngineTx } from '../engine/engine.js';
import type { Priority } from '../engine/outbox.js';
import type { PageContext, PageEvent, PageRow, PageService } from '../paging/page-service.js';
import type { EventSink } from '../engine/effects.js';
import { timelineText, type TimelineEntry } from './incident-blocks.js';
import { applyIncidentSteps } from './incident-apply.js';
import {
  decideIncident,
  mayChange,
  refusalText,
  roomPost,
  type Classification,
  type IncidentCommand,
  type IncidentEvent,
  type IncidentOutcome,
  type NewIncident,
} from './incident-decide.js';
import { gatherIncidentState } from './incident-gather.js';
import { INCIDENT_TIMERS } from './incident-timers.js';
import type { IncidentStatus } from './cadence.js';
import {
  findIncident,
  incidentInChannel,
  incidentTimeline,
  insertIncident,
  recordIncidentEvent,
  unresolvedIncidents,
  type IncidentRow,
} from './incident-store.js';

export { INCIDENT_TIMERS } from './incident-timers.js';
export { CLASSIFICATIONS } from './incident-decide.js';
export type { Classification, IncidentEvent, IncidentOutcome, NewIncident } from './incident-decide.js';
export type { IncidentRow };

export class IncidentService {
  /** `events`: where incident.declared and incident.changed go (the table in src/app.ts). */
  constructor(
    private readonly policy: Policy,
    private readonly pager: PageService,
    private readonly events: EventSink<IncidentEvent> = () => undefined,
  ) {}

  register(engine: Engine): void {
    engine.on(INCIDENT_TIMERS.reminder, ({ payload, dueAt }, tx) => this.run(tx, payload.incidentId, { kind: 'reminder-due', dueAt }));
    engine.on(INCIDENT_TIMERS.firstUpdate, ({ payload, dueAt }, tx) =>
      this.run(tx, payload.incidentId, { kind: 'first-update-due', dueAt }),
    );
    engine.on(INCIDENT_TIMERS.notify, ({ payload }, tx) => this.run(tx, payload.incidentId, { kind: 'notify-due', rule: payload.rule }));
    engine.on(INCIDENT_TIMERS.postmortem, ({ payload, dueAt }, tx) => this.run(tx, payload.incidentId, { kind: 'postmortem-due', dueAt }));
  }

  /** Gather, decide, apply one command about one incident; undefined when there is no such incident. */
  private run(tx: EngineTx, id: number, command: IncidentCommand): IncidentOutcome | null | undefined {
    const incident = findIncident(tx.db, id);
    if (!incident) return undefined;
    const { steps, outcome } = decideIncident(gatherIncidentState(tx, this.policy, incident, command), command, this.policy, tx.now);
    applyIncidentSteps(tx, steps, { policy: this.policy, pager: this.pager, dispatch: this.events });
    return outcome;
  }

  private answer(tx: EngineTx, id: number, command: IncidentCommand): IncidentOutcome {
    return this.run(tx, id, command) ?? { ok: false, message: `There is no incident #${id}.` };
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
    return mayChange(this.policy, incident, userId);
  }

  /** The refusal for someone `mayChange` says no to; `what` is e.g. "resolve incident #4". */
  refusalText(incident: IncidentRow, what: string): string {
    return refusalText(this.policy, incident, what);
  }

  /** Posts into the incident's room: its channel, or the thread under its card in the incidents channel. */
  post(tx: EngineTx, incident: IncidentRow, message: { text: string; blocks?: unknown[] }, priority: Priority, ref?: string): void {
    const call = roomPost(incident, message, priority, ref);
    if (call) tx.enqueue(call);
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

  declare(tx: EngineTx, input: NewIncident): IncidentRow {
    const incident = insertIncident(tx.db, {
      ...input,
      status: 'investigating',
      commander: input.declaredBy,
      roles: {},
      declaredAt: tx.now,
    });
    this.run(tx, incident.id, { kind: 'declared', input });
    // Followers of incident.declared may have changed it (a trigger raising the severity): answer with what is stored now.
    return this.find(tx, incident.id)!;
  }

  update(tx: EngineTx, id: number, userId: string, text: string): IncidentOutcome {
    return this.answer(tx, id, { kind: 'update', by: userId, text });
  }

  setStatus(tx: EngineTx, id: number, userId: string, status: IncidentStatus, note: string): IncidentOutcome {
    return this.answer(tx, id, { kind: 'set-status', by: userId, status, note });
  }

  setSeverity(tx: EngineTx, id: number, userId: string, severity: string): IncidentOutcome {
    return this.answer(tx, id, { kind: 'set-severity', by: userId, severity });
  }

  setCommander(tx: EngineTx, id: number, userId: string, commander: string): IncidentOutcome {
    return this.answer(tx, id, { kind: 'set-commander', by: userId, commander });
  }

  setRole(tx: EngineTx, id: number, userId: string, holder: string, role: string): IncidentOutcome {
    return this.answer(tx, id, { kind: 'set-role', by: userId, holder, role });
  }

  resolve(tx: EngineTx, id: number, userId: string, summary: string): IncidentOutcome {
    return this.answer(tx, id, { kind: 'resolve', by: userId, summary });
  }

  /** Triage decided it is not an incident: close it as a bug, configuration issue or user support. No postmortem. */
  classify(tx: EngineTx, id: number, userId: string, classification: Classification, note: string): IncidentOutcome {
    return this.answer(tx, id, { kind: 'classify', by: userId, classification, note });
  }

  postmortemDone(tx: EngineTx, id: number, userId: string, link: string): IncidentOutcome {
    return this.answer(tx, id, { kind: 'postmortem-done', by: userId, link });
  }

  /** A message someone marked with :pushpin: goes into the timeline. */
  pin(tx: EngineTx, incident: IncidentRow, userId: string, author: string | null, text: string): void {
    this.run(tx, incident.id, { kind: 'pin', by: userId, author, text });
  }

  /** A page about an incident was acknowledged or resolved: the incident's timeline says so. */
  pageEvent(tx: EngineTx, event: PageEvent): void {
    const id = incidentIdOf(event.page.sourceRef);
    if (id !== null) this.run(tx, id, { kind: 'page-event', event });
  }
}
