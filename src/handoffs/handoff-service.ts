/**
 * Handoffs, the shell: each command and timer is gather (handoff-gather.ts) -> decide (handoff-decide.ts, pure)
 * -> apply (handoff-apply.ts) in the caller's one transaction; the reads the Slack handlers ask for (the form's
 * target, the shift's facts, the history) go through the stores.
 */
import type { Policy } from '../config/policy.js';
import type { EventSink } from '../engine/effects.js';
import type { Engine, EngineTx } from '../engine/engine.js';
import { messageLocation } from '../slack/slack-message-store.js';
import { applyHandoffEffects } from './handoff-apply.js';
import type { HandoffTarget } from './handoff-blocks.js';
import {
  boundaryTimers,
  decideHandoff,
  handOffRefusal,
  mayHandOff,
  nextBoundaryAfter,
  type HandoffCommand,
  type HandoffEvent,
  type HandoffOutcome,
} from './handoff-decide.js';
import { gatherCurrentTarget, gatherHandoffState, gatherRotationOf, gatherShiftFacts, gatherTarget } from './handoff-gather.js';
import { handoffRef } from './handoff-refs.js';
import { handoffHistory, type HandoffRow } from './handoff-store.js';
import { HANDOFF_TIMERS } from './handoff-timers.js';
import type { ShiftFacts } from './prefill.js';

export { HANDOFF_TIMERS, LATE_HANDOFF_MS } from './handoff-timers.js';
export type { HandoffOutcome, HandoffRow };

export class HandoffService {
  constructor(
    private readonly policy: Policy,
    /** `shift.changed` (an emergency take-over or a volunteer covering secondary), told through the table in src/app.ts. */
    private readonly events: EventSink<HandoffEvent>,
  ) {}

  /** Gather, decide, apply: the one path of every handoff command and timer. */
  private run(tx: EngineTx, command: HandoffCommand): HandoffOutcome | null {
    const decision = decideHandoff(gatherHandoffState(tx, this.policy, command), command, this.policy, tx.now);
    applyHandoffEffects(tx, decision.effects, this.events);
    return decision.outcome;
  }

  register(engine: Engine): void {
    engine.on(HANDOFF_TIMERS.prompt, ({ payload }, tx) => void this.run(tx, { kind: 'prompt', ...payload }));
    engine.on(HANDOFF_TIMERS.due, ({ payload }, tx) => void this.run(tx, { kind: 'due', ...payload }));
    engine.on(HANDOFF_TIMERS.unconfirmed, ({ payload, dueAt }, tx) => void this.run(tx, { kind: 'unconfirmed', ...payload, dueAt }));
  }

  /** On start: every rotation has the timers of its next boundary. */
  ensureTimers(tx: EngineTx): void {
    for (const r of Object.values(this.policy.rotations))
      for (const timer of boundaryTimers(r.name, nextBoundaryAfter(r, tx.now))) if (timer.op === 'set') tx.schedule(timer.timer);
  }

  targetFor(tx: EngineTx, rotationName: string, boundary: number): HandoffTarget | null {
    return gatherTarget(tx, this.policy, rotationName, boundary);
  }

  /** The boundary a handoff written now is for: the coming one, or one just passed that got none. */
  currentTarget(tx: EngineTx, rotationName: string): HandoffTarget | null {
    return gatherCurrentTarget(tx, this.policy, rotationName);
  }

  /** The rotation a bare `/handoff` by this person means: the one they are primary of now. */
  rotationOf(tx: EngineTx, userId: string): string | null {
    return gatherRotationOf(tx, this.policy, userId);
  }

  /** The shift's facts for the prefill: from the start of the outgoing shift until now. */
  facts(tx: EngineTx, target: HandoffTarget): ShiftFacts {
    return gatherShiftFacts(tx, this.policy, target);
  }

  post(tx: EngineTx, target: HandoffTarget, postedBy: string, fields: Array<{ label: string; value: string }>, channel: string): void {
    this.run(tx, { kind: 'post', target, by: postedBy, fields, channel });
  }

  mayHandOff(target: HandoffTarget, userId: string): boolean {
    return mayHandOff(this.policy, target, userId);
  }

  handOffRefusal(target: HandoffTarget): string {
    return handOffRefusal(this.policy, target);
  }

  confirm(tx: EngineTx, id: number, userId: string): HandoffOutcome {
    return this.run(tx, { kind: 'confirm', id, by: userId })!;
  }

  /** The primary leaves mid-shift: the secondary becomes primary until the shift ends, and secondary is open to a volunteer. */
  emergency(tx: EngineTx, rotation: string, userId: string, reason: string, channel: string): HandoffOutcome {
    return this.run(tx, { kind: 'emergency', rotation, by: userId, reason, channel })!;
  }

  coverSecondary(tx: EngineTx, id: number, userId: string): HandoffOutcome {
    return this.run(tx, { kind: 'cover', id, by: userId })!;
  }

  /** Where the handoff's message is in Slack, once delivered. */
  messageOf(tx: EngineTx, id: number): { channel: string; ts: string } | null {
    return messageLocation(tx.db, handoffRef(id));
  }

  history(tx: EngineTx, rotation: string | null, n: number): HandoffRow[] {
    return handoffHistory(tx.db, rotation, n);
  }
}
