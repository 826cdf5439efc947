/**
 * Playbooks' decisions, pure: (state, command, policy, now) -> Effects. The state is what playbook-gather.ts read
 * (the incident, its checklist, whether the trigger was already marked, who is on call in its rotation); the
 * effects are what playbook-apply.ts writes (checklist and trigger rows, timeline lines, outbox calls). A
 * trigger that raises the severity asks incidents to do it (`raise`): the shell passes it on, as its own
 * command, after the effects are applied. Wording is playbook-blocks.ts's. Table tests:
 * test/playbooks/playbook-decide.test.ts.
 */
import type { Policy } from '../config/policy.js';
import { severityRank } from '../config/presets.js';
import { noEffects, type Effects } from '../engine/effects.js';
import { PRIORITY, type OutgoingCall } from '../engine/outbox.js';
import { mayChange, refusalText, roomPost } from '../incidents/incident-decide.js';
import { incidentMessageRef } from '../incidents/incident-refs.js';
import type { IncidentRow } from '../incidents/incident-store.js';
import { resolveWho, type OnCallNow } from '../paging/escalation.js';
import { mention } from '../slack/format.js';
import {
  checklistMessage,
  guardTimelineText,
  immediateActionsText,
  tickTimelineText,
  triggerDmText,
  triggerRoomText,
  triggerTimelineText,
  type ChecklistItem,
} from './playbook-blocks.js';
import type { TriggerRow } from './playbook-store.js';

export type PlaybookOutcome = { ok: true; message: string } | { ok: false; message: string };

/** A line in the incident's timeline (written through the incident store). */
export interface TimelineLine {
  at: number;
  kind: string;
  actor: string | null;
  text: string;
}

/** A row playbooks write: the checklist, one item ticked or unticked, a trigger marked, a timeline line. */
export type PlaybookWrite =
  | { kind: 'checklist'; incidentId: number; texts: readonly string[] }
  | { kind: 'item'; incidentId: number; position: number; checked: { by: string; at: number } | null }
  | { kind: 'trigger'; row: Omit<TriggerRow, 'id'> }
  | { kind: 'timeline'; incidentId: number; line: TimelineLine };

/** Playbooks tell nobody anything: a severity raise goes to incidents as `raise`, and incidents tell the rest. */
export type PlaybookEvent = never;

export type PlaybookEffects = Effects<PlaybookWrite, PlaybookEvent>;

export type PlaybookCommand =
  /** incident.declared: post the checklist and the severity's immediate actions (the form's triggers follow, one command each). */
  | { kind: 'declared' }
  /** The checkboxes' new state: every ticked position `among` those of the group that changed. */
  | { kind: 'tick'; by: string; ticked: ReadonlySet<number>; among: { from: number; to: number } }
  | { kind: 'trigger'; by: string; name: string }
  /** A guarded paste in the incident's channel: the fact goes into the timeline, never the text. */
  | { kind: 'guard'; by: string; kinds: readonly string[] };

/** What a playbook decision needs, read by playbook-gather.ts. */
export interface PlaybookState {
  /** The incident the command is about, as stored now; null: there is none of that id. */
  incidentId: number;
  incident: IncidentRow | null;
  /** Its checklist in order (tick). */
  items: readonly ChecklistItem[];
  /** The trigger of the command's name, if it was already marked (trigger). */
  marked: TriggerRow | null;
  /** Who is on call in the incident's rotation now (trigger). */
  onCall: OnCallNow;
}

export interface PlaybookDecision {
  effects: PlaybookEffects;
  /** The answer to the person who asked; null for what no person asked (declared, guard). */
  outcome: PlaybookOutcome | null;
  /** The trigger raises the incident's severity: incidents' set-severity, by the one who marked it. */
  raise: { incidentId: number; by: string; severity: string } | null;
}

export const checklistRef = (id: number) => incidentMessageRef(id, 'checklist');
export const actionsRef = (id: number) => incidentMessageRef(id, 'actions');

const refused = (message: string): PlaybookDecision => ({ effects: noEffects(), outcome: { ok: false, message }, raise: null });

export function decidePlaybook(state: PlaybookState, command: PlaybookCommand, policy: Policy, now: number): PlaybookDecision {
  switch (command.kind) {
    case 'declared':
      return declared(state, policy);
    case 'tick':
      return tick(state, command, policy, now);
    case 'trigger':
      return trigger(state, command, policy, now);
    case 'guard': {
      const effects = noEffects<PlaybookWrite, PlaybookEvent>();
      if (state.incident)
        effects.writes.push(timeline(state.incidentId, now, 'guard', command.by, guardTimelineText(command.by, command.kinds)));
      return { effects, outcome: null, raise: null };
    }
  }
}

function timeline(incidentId: number, at: number, kind: string, actor: string | null, text: string): PlaybookWrite {
  return { kind: 'timeline', incidentId, line: { at, kind, actor, text } };
}

function declared(state: PlaybookState, policy: Policy): PlaybookDecision {
  const effects = noEffects<PlaybookWrite, PlaybookEvent>();
  const incident = state.incident;
  if (!incident) return { effects, outcome: null, raise: null };
  const texts = policy.playbooks.checklist;
  effects.writes.push({ kind: 'checklist', incidentId: incident.id, texts });
  const items = texts.map((text, position) => ({ position, text, checkedBy: null, checkedAt: null }));
  const post = (call: OutgoingCall | null) => call && effects.calls.push(call);
  post(roomPost(incident, checklistMessage(incident.id, items), PRIORITY.notice, checklistRef(incident.id)));
  const actions = policy.playbooks.immediateActions[incident.severity];
  if (actions?.length) {
    post(roomPost(incident, { text: immediateActionsText(incident.severity, actions) }, PRIORITY.page, actionsRef(incident.id)));
    effects.calls.push({ method: 'pins.add', args: {}, priority: PRIORITY.notice, targetRef: actionsRef(incident.id) });
  }
  return { effects, outcome: null, raise: null };
}

function tick(state: PlaybookState, command: Extract<PlaybookCommand, { kind: 'tick' }>, policy: Policy, now: number): PlaybookDecision {
  const { incident, incidentId } = state;
  if (!incident) return refused(`There is no incident #${incidentId}.`);
  // A tick says "this was checked" in the timeline and the postmortem: only those answerable for the incident make it.
  if (!mayChange(policy, incident, command.by))
    return refused(
      `${refusalText(policy, incident, `tick the checklist of incident #${incidentId}`)} Your tick was not recorded; the commander can give you a role with \`/incident role\`.`,
    );
  const effects = noEffects<PlaybookWrite, PlaybookEvent>();
  let changed = 0;
  const after = state.items.map((item) => {
    if (item.position < command.among.from || item.position >= command.among.to) return item;
    const checked = command.ticked.has(item.position);
    if (checked === (item.checkedBy !== null)) return item;
    changed += 1;
    const mark = checked ? { by: command.by, at: now } : null;
    effects.writes.push({ kind: 'item', incidentId, position: item.position, checked: mark });
    effects.writes.push(timeline(incidentId, now, 'checklist', command.by, tickTimelineText(checked, command.by, item.text)));
    return { ...item, checkedBy: mark?.by ?? null, checkedAt: mark?.at ?? null };
  });
  if (changed > 0)
    effects.calls.push({
      method: 'chat.update',
      args: checklistMessage(incidentId, after),
      priority: PRIORITY.notice,
      targetRef: checklistRef(incidentId),
    });
  return { effects, outcome: { ok: true, message: `${changed} checklist item${changed === 1 ? '' : 's'} updated.` }, raise: null };
}

/** Marks a trigger: pulls in whom it names (page or notice), records it, and asks for the raise when it says so. */
function trigger(
  state: PlaybookState,
  command: Extract<PlaybookCommand, { kind: 'trigger' }>,
  policy: Policy,
  now: number,
): PlaybookDecision {
  const { incident, incidentId } = state;
  const { by, name } = command;
  const rule = policy.playbooks.triggers[name];
  const known = Object.keys(policy.playbooks.triggers).join(', ');
  if (!rule) return refused(`"${name}" is not a trigger in the policy (triggers: ${known || 'none'}).`);
  if (!incident) return refused(`There is no incident #${incidentId}.`);
  if (incident.status === 'resolved') return refused(`Incident #${incidentId} is closed.`);
  if (!mayChange(policy, incident, by)) return refused(refusalText(policy, incident, `mark the triggers of incident #${incidentId}`));
  if (state.marked) return refused(`"${name}" was already marked on incident #${incidentId} by ${mention(state.marked.markedBy)}.`);

  const effects = noEffects<PlaybookWrite, PlaybookEvent>();
  effects.writes.push({ kind: 'trigger', row: { incidentId, name, markedBy: by, markedAt: now } });
  const target = resolveWho(rule.who, state.onCall, policy.people);
  const urgent = rule.how === 'page';
  for (const user of target.users) {
    effects.calls.push({
      method: 'chat.postMessage',
      args: { channel: user, text: triggerDmText(incident, rule, by) },
      priority: urgent ? PRIORITY.page : PRIORITY.notice,
    });
    if (incident.channelId)
      effects.calls.push({ method: 'conversations.invite', args: { channel: incident.channelId, users: user }, priority: PRIORITY.notice });
  }
  effects.writes.push(timeline(incidentId, now, 'trigger', by, triggerTimelineText(rule, by, target)));
  const post = roomPost(incident, { text: triggerRoomText(rule, by, target) }, PRIORITY.notice);
  if (post) effects.calls.push(post);
  const rankNow = severityRank(policy.severities, incident.severity);
  const rankNew = rule.raiseTo ? severityRank(policy.severities, rule.raiseTo) : null;
  const raises = rule.raiseTo && rankNew !== null && rankNow !== null && rankNew < rankNow;
  return {
    effects,
    outcome: { ok: true, message: `Marked "${name}" on incident #${incidentId}.` },
    raise: raises ? { incidentId, by, severity: rule.raiseTo! } : null,
  };
}
