/**
 * Playbooks inside an incident: the triage checklist (posted at declaration, ticked in place), the immediate
 * actions of the severity (posted and pinned), escalation triggers that pull someone in and may raise the
 * severity, and the record of a guarded secret paste. Each change is one transaction with its timeline line.
 */
import { incidentMessageRef } from '../incidents/incident-refs.js';
import type { Policy } from '../config/policy.js';
import { severityRank } from '../config/presets.js';
import type { EngineTx } from '../engine/engine.js';
import { PRIORITY } from '../engine/outbox.js';
import type { IncidentRow, IncidentService, NewIncident } from '../incidents/incident-service.js';
import { resolveWho } from '../paging/escalation.js';
import { onCallNow } from '../paging/on-call-now.js';
import { mention } from '../slack/format.js';
import { checklistMessage, immediateActionsText, type ChecklistItem } from './playbook-blocks.js';
import { checklistOf, findTrigger, insertChecklist, insertTrigger, setChecklistItem } from './playbook-store.js';

export type PlaybookOutcome = { ok: true; message: string } | { ok: false; message: string };

const checklistRef = (id: number) => incidentMessageRef(id, 'checklist');
const actionsRef = (id: number) => incidentMessageRef(id, 'actions');

export class PlaybookService {
  constructor(
    private readonly policy: Policy,
    private readonly incidents: IncidentService,
  ) {}

  /** Every declared incident gets its checklist, immediate actions and the triggers ticked in the form (src/app.ts's event table). */
  declared(tx: EngineTx, incident: IncidentRow, input: NewIncident): void {
    const by = input.declaredBy;
    const triggers = input.triggers ?? [];
    insertChecklist(tx.db, incident.id, this.policy.playbooks.checklist);
    this.incidents.post(
      tx,
      incident,
      checklistMessage(incident.id, this.items(tx, incident.id)),
      PRIORITY.notice,
      checklistRef(incident.id),
    );
    const actions = this.policy.playbooks.immediateActions[incident.severity];
    if (actions?.length) {
      this.incidents.post(tx, incident, { text: immediateActionsText(incident.severity, actions) }, PRIORITY.page, actionsRef(incident.id));
      tx.enqueue({ method: 'pins.add', args: {}, priority: PRIORITY.notice, targetRef: actionsRef(incident.id) });
    }
    for (const name of triggers) this.markTrigger(tx, incident.id, by, name);
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
    const incident = this.incidents.find(tx, incidentId);
    if (!incident) return { ok: false, message: `There is no incident #${incidentId}.` };
    // A tick says "this was checked" in the timeline and the postmortem: only those answerable for the incident make it.
    if (!this.incidents.mayChange(incident, userId)) {
      return {
        ok: false,
        message: `${this.incidents.refusalText(incident, `tick the checklist of incident #${incidentId}`)} Your tick was not recorded; the commander can give you a role with \`/incident role\`.`,
      };
    }
    let changed = 0;
    for (const item of this.items(tx, incidentId)) {
      if (item.position < among.from || item.position >= among.to) continue;
      const now = ticked.has(item.position);
      if (now === (item.checkedBy !== null)) continue;
      changed += 1;
      setChecklistItem(tx.db, incidentId, item.position, now ? { by: userId, at: tx.now } : null);
      this.incidents.record(tx, incidentId, 'checklist', userId, `${now ? 'Checked' : 'Unchecked'} by ${mention(userId)}: ${item.text}`);
    }
    if (changed > 0)
      tx.enqueue({
        method: 'chat.update',
        args: checklistMessage(incidentId, this.items(tx, incidentId)),
        priority: PRIORITY.notice,
        targetRef: checklistRef(incidentId),
      });
    return { ok: true, message: `${changed} checklist item${changed === 1 ? '' : 's'} updated.` };
  }

  /** Marks a trigger: pulls in whom it names (page or notice), raises the severity when it says so, records it. */
  markTrigger(tx: EngineTx, incidentId: number, userId: string, name: string): PlaybookOutcome {
    const trigger = this.policy.playbooks.triggers[name];
    const known = Object.keys(this.policy.playbooks.triggers).join(', ');
    if (!trigger) return { ok: false, message: `"${name}" is not a trigger in the policy (triggers: ${known || 'none'}).` };
    const incident = this.incidents.find(tx, incidentId);
    if (!incident) return { ok: false, message: `There is no incident #${incidentId}.` };
    if (incident.status === 'resolved') return { ok: false, message: `Incident #${incidentId} is closed.` };
    if (!this.incidents.mayChange(incident, userId))
      return { ok: false, message: this.incidents.refusalText(incident, `mark the triggers of incident #${incidentId}`) };
    const already = findTrigger(tx.db, incidentId, name);
    if (already) return { ok: false, message: `"${name}" was already marked on incident #${incidentId} by ${mention(already.markedBy)}.` };
    insertTrigger(tx.db, { incidentId, name, markedBy: userId, markedAt: tx.now });

    const target = resolveWho(trigger.who, onCallNow(tx.db, this.policy, incident.rotation, tx.now), this.policy.people);
    const room = incident.channelId ? ` in <#${incident.channelId}>` : '';
    for (const user of target.users) {
      const urgent = trigger.how === 'page';
      const text = `${urgent ? ':rotating_light: You are needed' : ':information_source: FYI'}: incident #${incident.id} [${incident.severity}] ${incident.title}${room}. Trigger: ${trigger.label} (marked by ${mention(userId)}).`;
      tx.enqueue({ method: 'chat.postMessage', args: { channel: user, text }, priority: urgent ? PRIORITY.page : PRIORITY.notice });
      if (incident.channelId)
        tx.enqueue({ method: 'conversations.invite', args: { channel: incident.channelId, users: user }, priority: PRIORITY.notice });
    }
    const who = target.users.length ? target.users.map(mention).join(', ') : `nobody (no one is set as ${trigger.who})`;
    const named = [...target.users.map(mention), ...target.groups.map((g) => `<!subteam^${g}>`)];
    this.incidents.record(
      tx,
      incidentId,
      'trigger',
      userId,
      `Trigger "${trigger.label}" marked by ${mention(userId)}: ${trigger.how === 'page' ? 'paged' : 'told'} ${who}`,
    );
    this.incidents.post(
      tx,
      incident,
      {
        text: `:triangular_flag_on_post: ${mention(userId)} marked *${trigger.label}*: ${trigger.how === 'page' ? 'paging' : 'telling'} ${named.length ? named.join(', ') : who}.`,
      },
      PRIORITY.notice,
    );
    const raise = trigger.raiseTo;
    const rankNow = severityRank(this.policy.severities, incident.severity);
    const rankNew = raise ? severityRank(this.policy.severities, raise) : null;
    if (raise && rankNew !== null && rankNow !== null && rankNew < rankNow) this.incidents.setSeverity(tx, incidentId, userId, raise);
    return { ok: true, message: `Marked "${name}" on incident #${incidentId}.` };
  }

  /** A guarded paste in an incident's channel: the fact goes into the timeline, never the text. */
  recordGuard(tx: EngineTx, incident: IncidentRow, userId: string, kinds: readonly string[]): void {
    this.incidents.record(
      tx,
      incident.id,
      'guard',
      userId,
      `A message by ${mention(userId)} looked like it held ${kinds.join(', ')}; they were asked to delete it and rotate it`,
    );
  }
}
