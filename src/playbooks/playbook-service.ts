/**
 * Playbooks inside an incident, the shell: the triage checklist (posted at declaration, ticked in place), the
 * immediate actions of the severity (posted and pinned), escalation triggers that pull someone in and may raise
 * the severity, and the record of a guarded secret paste. Each command is gather (playbook-gather.ts) -> decide
 * (playbook-decide.ts, pure) -> apply (playbook-apply.ts) in the caller's one transaction; a raise the decision
 * asks for goes to incidents afterwards, as their own command.
 */
import type { Policy } from '../config/policy.js';
import type { EngineTx } from '../engine/engine.js';
import type { IncidentRow, IncidentService, NewIncident } from '../incidents/incident-service.js';
import { applyPlaybookEffects } from './playbook-apply.js';
import type { ChecklistItem } from './playbook-blocks.js';
import { decidePlaybook, type PlaybookCommand, type PlaybookOutcome } from './playbook-decide.js';
import { gatherPlaybookState } from './playbook-gather.js';
import { checklistOf } from './playbook-store.js';

export type { PlaybookOutcome };

export class PlaybookService {
  constructor(
    private readonly policy: Policy,
    private readonly incidents: IncidentService,
  ) {}

  /** Gather, decide, apply: the one path of every playbook command. */
  private run(tx: EngineTx, incidentId: number, command: PlaybookCommand): PlaybookOutcome | null {
    const decision = decidePlaybook(gatherPlaybookState(tx, this.policy, incidentId, command), command, this.policy, tx.now);
    applyPlaybookEffects(tx, decision.effects);
    if (decision.raise) this.incidents.setSeverity(tx, decision.raise.incidentId, decision.raise.by, decision.raise.severity);
    return decision.outcome;
  }

  /** Every declared incident gets its checklist, immediate actions and the triggers ticked in the form (src/app.ts's event table). */
  declared(tx: EngineTx, incident: IncidentRow, input: NewIncident): void {
    this.run(tx, incident.id, { kind: 'declared' });
    // One command per trigger: each sees what the one before did (a raised severity).
    for (const name of input.triggers ?? []) this.run(tx, incident.id, { kind: 'trigger', by: input.declaredBy, name });
  }

  items(tx: EngineTx, incidentId: number): ChecklistItem[] {
    return checklistOf(tx.db, incidentId);
  }

  /** The checkboxes' new state (every ticked position `among` those of the group that changed): records each change with who and when, and edits the message. */
  tick(
    tx: EngineTx,
    incidentId: number,
    userId: string,
    ticked: ReadonlySet<number>,
    among: { from: number; to: number } = { from: 0, to: Infinity },
  ): PlaybookOutcome {
    return this.run(tx, incidentId, { kind: 'tick', by: userId, ticked, among })!;
  }

  /** Marks a trigger: pulls in whom it names (page or notice), raises the severity when it says so, records it. */
  markTrigger(tx: EngineTx, incidentId: number, userId: string, name: string): PlaybookOutcome {
    return this.run(tx, incidentId, { kind: 'trigger', by: userId, name })!;
  }

  /** A guarded paste in an incident's channel: the fact goes into the timeline, never the text. */
  recordGuard(tx: EngineTx, incident: IncidentRow, userId: string, kinds: readonly string[]): void {
    this.run(tx, incident.id, { kind: 'guard', by: userId, kinds });
  }
}
