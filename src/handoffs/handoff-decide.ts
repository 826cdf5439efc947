/**
 * Handoffs' decisions, pure: (state, command, policy, now) -> Effects. The state is what handoff-gather.ts read
 * (the shift change a command is about, the handoff posted for it or named by it, who is on call, the incidents
 * the outgoing primary still commands, the id a new handoff gets); the effects are what handoff-apply.ts writes
 * (handoff and override rows, timers, outbox calls, `shift.changed`). No clock, no database, no Slack here, so
 * every branch is a table test (test/handoffs/handoff-decide.test.ts). Wording is handoff-blocks.ts's.
 *
 * Timers per rotation and boundary (keyed, so setting them twice adds nothing): 1 h before, a DM to the outgoing
 * primary with a button to the prefilled form; at the boundary, a channel reminder if nothing was posted (and the
 * next boundary's timers); 2 h after, a DM to the incoming one if unconfirmed; 4 h after, a notice to the lead.
 */
import type { Policy, RotationPolicy } from '../config/policy.js';
import { noEffects, type Effects, type TimerOp } from '../engine/effects.js';
import { PRIORITY, type OutgoingCall, type Priority } from '../engine/outbox.js';
import { mayActFor, refusal } from '../permissions/who-may.js';
import type { NewOverride } from '../schedules/override-store.js';
import { shiftIndexAt, shiftStartAt } from '../schedules/rotation.js';
import type { ShiftChangedEvent } from '../schedules/schedule-events.js';
import { mention, slackDate } from '../slack/format.js';
import { HOUR } from '../time/clock.js';
import {
  commanderNote,
  emergencyDmText,
  emergencyMessage,
  handoffMessage,
  incomingNudgeText,
  missingHandoffText,
  promptDm,
  unconfirmedLeadText,
  type CommandedIncident,
  type HandoffTarget,
  type PostedHandoff,
} from './handoff-blocks.js';
import { boundarySubject, dueKey, handoffRef, promptKey, unconfirmedKey } from './handoff-refs.js';
import type { HandoffChanges, HandoffRow, NewHandoff } from './handoff-store.js';
import {
  HANDOFF_TIMERS,
  LATE_HANDOFF_MS,
  NUDGE_INCOMING_AFTER_MS,
  PROMPT_BEFORE_MS,
  TELL_LEAD_AFTER_MS,
  UNCONFIRMED_STALE_MS,
} from './handoff-timers.js';

/** A row handoffs write: a new handoff (its id reserved by the gather), a change to one, an override of the schedule. */
export type HandoffWrite =
  | { kind: 'insert'; row: NewHandoff & { id: number } }
  | { kind: 'update'; id: number; changes: HandoffChanges }
  | { kind: 'override'; at: number; override: NewOverride };

/** What handoffs tell the rest of the bot (dispatched by the table in src/app.ts). */
export type HandoffEvent = ShiftChangedEvent;

export type HandoffEffects = Effects<HandoffWrite, HandoffEvent>;

export type HandoffOutcome = { ok: true; message: string } | { ok: false; message: string };

export interface HandoffDecision {
  effects: HandoffEffects;
  /** The answer to the person who asked, for commands a person gives; null for timers. */
  outcome: HandoffOutcome | null;
}

/** Who holds the rotation's roles at the instant the command asks about, overrides included. */
export interface OnCallPair {
  primary: string | null;
  secondary: string | null;
  /** The end of the shift that instant is in. */
  shiftEnd: number;
}

/** What a decision about handoffs needs to know, read by handoff-gather.ts (only what the command needs). */
export interface HandoffState {
  /**
   * The shift change the command names (timers, post): outgoing = the primary just before it, incoming = the
   * primary from it, overrides included. null: not a shift boundary of a rotation in the policy.
   */
  target: HandoffTarget | null;
  /** The handoff posted for that boundary (timers), or the one the command names by id (confirm, cover). */
  handoff: HandoffRow | null;
  /**
   * Who is on call: now (emergency), or at the handoff's boundary if that is later (confirm: who stands in for
   * the incoming). null: the rotation is not in the policy.
   */
  onCall: OnCallPair | null;
  /** The unresolved incidents the handoff's outgoing primary still commands: notes on its message. */
  commanded: CommandedIncident[];
  /** The id a handoff written by this decision gets (handoff-store.ts reserves it in the transaction). */
  nextId: number;
}

export type HandoffCommand =
  | { kind: 'prompt'; rotation: string; boundary: number }
  | { kind: 'due'; rotation: string; boundary: number }
  | { kind: 'unconfirmed'; rotation: string; boundary: number; after: number; dueAt: number }
  | { kind: 'post'; target: HandoffTarget; by: string; fields: Array<{ label: string; value: string }>; channel: string }
  | { kind: 'confirm'; id: number; by: string }
  | { kind: 'emergency'; rotation: string; by: string; reason: string; channel: string }
  | { kind: 'cover'; id: number; by: string };

/** Stands in the emergency handoff's row when no reason was typed. */
export const NO_REASON = 'no reason given';

// ---------------------------------------------------------------------------------------------------------
// Small rules the shell asks before (or without) a decision.

/** The boundary after the shift that contains t. */
export function nextBoundaryAfter(rotation: RotationPolicy, t: number): number {
  return shiftStartAt(rotation, shiftIndexAt(rotation, t) + 1);
}

/** The start of the shift that contains t: the boundary just passed (or t itself). */
export function lastBoundaryAt(rotation: RotationPolicy, t: number): number {
  return shiftStartAt(rotation, shiftIndexAt(rotation, t));
}

/** The boundary a handoff written now is for: the coming one, or one passed less than 4 h ago that got none. */
export function handoffBoundaryAt(rotation: RotationPolicy, now: number, lastPosted: boolean): number {
  const last = lastBoundaryAt(rotation, now);
  return now - last < LATE_HANDOFF_MS && !lastPosted ? last : nextBoundaryAfter(rotation, now);
}

/** A boundary's prompt (1 h before) and due (at it) timers. */
export function boundaryTimers(rotation: string, boundary: number): TimerOp[] {
  const payload = { rotation, boundary };
  const subject = boundarySubject(rotation, boundary);
  return [
    {
      op: 'set',
      timer: HANDOFF_TIMERS.prompt.spec({ subject, key: promptKey(rotation, boundary), dueAt: boundary - PROMPT_BEFORE_MS, payload }),
    },
    { op: 'set', timer: HANDOFF_TIMERS.due.spec({ subject, key: dueKey(rotation, boundary), dueAt: boundary, payload }) },
  ];
}

/** Who may write a rotation's handoff: its members and admins (who-may.ts), and the two it is between (an override may have put someone else on call). */
export function mayHandOff(policy: Policy, target: HandoffTarget, userId: string): boolean {
  return userId === target.outgoing || userId === target.incoming || mayActFor(policy, [target.rotation], userId);
}

export function handOffRefusal(policy: Policy, target: HandoffTarget): string {
  const between = [target.outgoing, target.incoming].filter(
    (u): u is string => u !== null && !policy.rotations[target.rotation]?.members.includes(u),
  );
  return refusal(policy, { rotations: [target.rotation], also: between.map(mention) }, `post the *${target.rotation}* handoff`);
}

// ---------------------------------------------------------------------------------------------------------

class Decider {
  readonly effects: HandoffEffects = noEffects();

  constructor(
    readonly state: HandoffState,
    readonly policy: Policy,
    readonly now: number,
  ) {}

  call(call: OutgoingCall): void {
    this.effects.calls.push(call);
  }

  post(channel: string, message: { text: string; blocks?: unknown[] }, priority: Priority, ref?: string): void {
    this.call({ method: 'chat.postMessage', args: { channel, ...message }, priority, ...(ref ? { ref } : {}) });
  }

  /** The handoff's message as posted (or edited), with a note for each incident the outgoing still commands. */
  message(h: PostedHandoff): { text: string; blocks: unknown[] } {
    const notes = h.outgoing ? this.state.commanded.map((i) => commanderNote(i, h.outgoing!, h.incoming)) : [];
    return handoffMessage(h, notes);
  }

  /** Someone else is on call from now: the override, then `shift.changed` (events go last when applied). */
  override(override: NewOverride): void {
    this.effects.writes.push({ kind: 'override', at: this.now, override });
    this.effects.events.push({ type: 'shift.changed', rotation: override.rotation });
  }
}

const refuse = (message: string): HandoffOutcome => ({ ok: false, message });

export function decideHandoff(state: HandoffState, command: HandoffCommand, policy: Policy, now: number): HandoffDecision {
  const d = new Decider(state, policy, now);
  const outcome = run(d, command);
  return { effects: d.effects, outcome };
}

function run(d: Decider, command: HandoffCommand): HandoffOutcome | null {
  switch (command.kind) {
    case 'prompt':
      prompt(d, command.boundary);
      return null;
    case 'due':
      due(d, command.rotation, command.boundary);
      return null;
    case 'unconfirmed':
      unconfirmed(d, command);
      return null;
    case 'post':
      post(d, command);
      return null;
    case 'confirm':
      return confirm(d, command.id, command.by);
    case 'emergency':
      return emergency(d, command);
    case 'cover':
      return cover(d, command.id, command.by);
  }
}

/** An hour before: "your shift ends soon, write the handoff", unless it is written, or the boundary passed (the bot was down). */
function prompt(d: Decider, boundary: number): void {
  const { target, handoff } = d.state;
  if (d.now >= boundary || !target?.outgoing || handoff) return;
  d.post(target.outgoing, promptDm(target), PRIORITY.notice);
}

/**
 * At the boundary: the channel is reminded when nothing was posted (not when the bot was down across it for
 * more than 4 h: it nags about what is current only), the unconfirmed nudges are set, and so are the timers of
 * the boundary after the later of this one and now. A rotation gone from the policy ends its timers here; a
 * boundary that is not one any more (the handoff time changed) gets no reminder or nudges.
 */
function due(d: Decider, rotationName: string, boundary: number): void {
  const rotation = d.policy.rotations[rotationName];
  if (!rotation) return;
  const { target, handoff } = d.state;
  if (target) {
    const stale = d.now - boundary > LATE_HANDOFF_MS;
    if (!stale && !handoff && rotation.channel)
      d.post(rotation.channel, { text: missingHandoffText(rotationName, boundary, target.outgoing) }, PRIORITY.notice);
    for (const after of [NUDGE_INCOMING_AFTER_MS, TELL_LEAD_AFTER_MS]) {
      d.effects.timers.push({
        op: 'set',
        timer: HANDOFF_TIMERS.unconfirmed.spec({
          subject: boundarySubject(rotationName, boundary),
          key: unconfirmedKey(rotationName, boundary, after),
          dueAt: boundary + after,
          payload: { rotation: rotationName, boundary, after },
        }),
      });
    }
  }
  d.effects.timers.push(...boundaryTimers(rotationName, nextBoundaryAfter(rotation, Math.max(boundary, d.now))));
}

/** 2 h after: the incoming primary is nudged; 4 h after: the lead is told. Not once confirmed, nor an hour late (downtime). */
function unconfirmed(d: Decider, c: Extract<HandoffCommand, { kind: 'unconfirmed' }>): void {
  const { target, handoff } = d.state;
  if (handoff?.confirmedAt || d.now - c.dueAt > UNCONFIRMED_STALE_MS) return;
  const incoming = handoff?.incoming ?? target?.incoming ?? null;
  if (c.after === NUDGE_INCOMING_AFTER_MS && incoming) {
    d.post(incoming, { text: incomingNudgeText(c.rotation, c.boundary, handoff !== null, target?.outgoing ?? null) }, PRIORITY.notice);
  } else if (c.after === TELL_LEAD_AFTER_MS && d.policy.people.engineering_lead) {
    const hours = Math.round(c.after / HOUR);
    d.post(
      d.policy.people.engineering_lead,
      { text: unconfirmedLeadText(c.rotation, c.boundary, hours, incoming, handoff !== null) },
      PRIORITY.notice,
    );
  }
}

/** The form submitted: the handoff is written and posted in the channel with its confirm button. */
function post(d: Decider, c: Extract<HandoffCommand, { kind: 'post' }>): void {
  const { rotation, boundary, outgoing, incoming } = c.target;
  const row = {
    id: d.state.nextId,
    rotation,
    boundary,
    outgoing,
    incoming,
    postedBy: c.by,
    fields: c.fields,
    channel: c.channel,
    postedAt: d.now,
  };
  d.effects.writes.push({ kind: 'insert', row });
  d.post(c.channel, d.message({ ...row, confirmedBy: null, confirmedAt: null }), PRIORITY.notice, handoffRef(row.id));
}

/** "Handoff received, I'm on": the incoming primary, or whoever an override has put in their place since. */
function confirm(d: Decider, id: number, by: string): HandoffOutcome {
  const h = d.state.handoff;
  if (!h) return refuse(`There is no handoff #${id}.`);
  if (h.confirmedBy) return refuse(`This handoff was already confirmed by ${mention(h.confirmedBy)} ${slackDate(h.confirmedAt!)}.`);
  const standingIn = d.state.onCall?.primary ?? null;
  if (by !== h.incoming && by !== standingIn) {
    return refuse(
      `Only ${h.incoming ? mention(h.incoming) : 'the incoming primary'}${standingIn && standingIn !== h.incoming ? ` (or ${mention(standingIn)}, covering)` : ''} can confirm this handoff: it is theirs to receive.`,
    );
  }
  const changes = { confirmedBy: by, confirmedAt: d.now };
  d.effects.writes.push({ kind: 'update', id, changes });
  d.effects.timers.push({ op: 'cancel', subject: boundarySubject(h.rotation, h.boundary), kind: HANDOFF_TIMERS.unconfirmed.kind });
  d.call({ method: 'chat.update', args: d.message({ ...h, ...changes }), priority: PRIORITY.notice, targetRef: handoffRef(id) });
  return { ok: true, message: `You confirmed the ${h.rotation} handoff: you are on.` };
}

/** The primary leaves mid-shift: the secondary becomes primary until the shift ends, and secondary is open to a volunteer. */
function emergency(d: Decider, c: Extract<HandoffCommand, { kind: 'emergency' }>): HandoffOutcome {
  const rotation = d.policy.rotations[c.rotation];
  const onCall = d.state.onCall;
  if (!rotation || !onCall) return refuse(`*${c.rotation}* is not a rotation in the policy.`);
  const leaving = onCall.primary;
  const takingOver = onCall.secondary;
  if (!leaving) return refuse(`Nobody is primary on *${c.rotation}* right now; there is nobody to hand off from.`);
  if (c.by !== leaving && !mayActFor(d.policy, [c.rotation], c.by)) {
    return refuse(
      refusal(
        d.policy,
        { first: [`the primary (${mention(leaving)})`], rotations: [c.rotation] },
        `make an emergency handoff for *${c.rotation}*`,
      ),
    );
  }
  if (!takingOver)
    return refuse(`*${c.rotation}* has no secondary to take over. Set one with \`/oncall override ${c.rotation} @who\` instead.`);
  d.override({
    rotation: c.rotation,
    role: 'primary',
    userId: takingOver,
    startsAt: d.now,
    endsAt: onCall.shiftEnd,
    reason: 'override',
    createdBy: c.by,
  });
  const id = d.state.nextId;
  const channel = rotation.channel ?? c.channel;
  d.effects.writes.push({
    kind: 'insert',
    row: {
      id,
      rotation: c.rotation,
      boundary: d.now,
      outgoing: leaving,
      incoming: takingOver,
      postedBy: c.by,
      fields: [],
      channel,
      postedAt: d.now,
      emergencyReason: c.reason || NO_REASON,
      confirmedBy: takingOver,
      confirmedAt: d.now,
    },
  });
  d.post(channel, emergencyMessage(c.rotation, leaving, takingOver, onCall.shiftEnd, c.reason, id, null), PRIORITY.page, handoffRef(id));
  d.post(takingOver, { text: emergencyDmText(c.rotation, leaving, onCall.shiftEnd, c.reason) }, PRIORITY.page);
  return {
    ok: true,
    message: `${mention(takingOver)} is ${c.rotation} primary until ${slackDate(onCall.shiftEnd)}; the channel is asked who covers secondary.`,
  };
}

/** "I'll cover secondary" on an emergency handoff: the first volunteer who may change the schedule, until the shift ends. */
function cover(d: Decider, id: number, by: string): HandoffOutcome {
  const h = d.state.handoff;
  if (!h?.emergencyReason) return refuse('That button belongs to no emergency handoff.');
  if (h.coveredBy) return refuse(`${mention(h.coveredBy)} already covers secondary. Thank you all the same.`);
  if (by === h.outgoing || by === h.incoming)
    return refuse(
      by === h.outgoing
        ? 'You just handed off: someone else needs to cover.'
        : 'You are primary now: someone else needs to cover secondary.',
    );
  // Covering puts the volunteer on call: the same people who may change the rotation's schedule.
  if (!mayActFor(d.policy, [h.rotation], by))
    return refuse(refusal(d.policy, { rotations: [h.rotation] }, `cover *${h.rotation}* secondary`));
  const rotation = d.policy.rotations[h.rotation];
  if (!rotation) return refuse(`*${h.rotation}* is no longer a rotation in the policy.`);
  const shiftEnd = nextBoundaryAfter(rotation, d.now);
  d.override({ rotation: h.rotation, role: 'secondary', userId: by, startsAt: d.now, endsAt: shiftEnd, reason: 'override', createdBy: by });
  d.effects.writes.push({ kind: 'update', id, changes: { coveredBy: by } });
  d.call({
    method: 'chat.update',
    args: emergencyMessage(h.rotation, h.outgoing!, h.incoming, shiftEnd, h.emergencyReason === NO_REASON ? '' : h.emergencyReason, id, by),
    priority: PRIORITY.notice,
    targetRef: handoffRef(id),
  });
  return { ok: true, message: `You cover ${h.rotation} secondary until ${slackDate(shiftEnd)}.` };
}
