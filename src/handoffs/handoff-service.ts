/**
 * Handoffs: which boundary a handoff is for, the facts of the shift that prefill it, posting and confirming it,
 * the timers around each boundary, and the emergency handoff mid-shift.
 *
 * Timers per rotation and boundary (keyed, so scheduling twice adds nothing): 1 h before, a DM to the outgoing
 * primary with a button to the prefilled modal; at the boundary, a channel reminder if nothing was posted (and
 * the next boundary's timers); 2 h after, a DM to the incoming one if unconfirmed; 4 h after, a notice to the lead.
 */
import { z } from 'zod';
import { timerKind } from '../engine/timer-registry.js';
import type { Policy, RotationPolicy } from '../config/policy.js';
import { pagesRaisedBetween } from '../paging/page-store.js';
import type { Engine, EngineTx } from '../engine/engine.js';
import { PRIORITY } from '../engine/outbox.js';
import { alertsSeenSince } from '../alerts/alert-store.js';
import { incidentsDeclaredOrResolvedSince, unresolvedIncidentsCommandedBy, unresolvedIncidentsOf } from '../incidents/incident-store.js';
import { mayActFor, refusal } from '../permissions/who-may.js';
import { activeOverrides, insertOverride, type ScheduleChanged } from '../schedules/override-store.js';
import { isShiftBoundary, shiftIndexAt, shiftStartAt, whoIsOnCall } from '../schedules/rotation.js';
import { mention, slackDate } from '../slack/format.js';
import { messageLocation } from '../slack/slack-message-store.js';
import { HOUR } from '../time/clock.js';
import { emergencyMessage, handoffMessage, promptDm, type HandoffTarget, type PostedHandoff } from './handoff-blocks.js';
import { findHandoff, handoffFor, handoffHistory, insertHandoff, updateHandoff, type HandoffRow } from './handoff-store.js';
import type { ShiftFacts } from './prefill.js';

const shiftChange = z.object({ rotation: z.string(), boundary: z.number().int() });

/** The handoffs feature's timer kinds, each with its payload's schema (checked when set and when read). */
export const HANDOFF_TIMERS = {
  prompt: timerKind('handoff.prompt', shiftChange),
  due: timerKind('handoff.due', shiftChange),
  unconfirmed: timerKind('handoff.unconfirmed', shiftChange.extend({ after: z.number().int().nonnegative() })),
} as const;

/** A handoff written this long after a boundary that had none still counts for it. */
export const LATE_HANDOFF_MS = 4 * HOUR;
const PROMPT_BEFORE_MS = HOUR;
const NUDGE_INCOMING_AFTER_MS = 2 * HOUR;
const TELL_LEAD_AFTER_MS = 4 * HOUR;

export type { HandoffRow };
export type HandoffOutcome = { ok: true; message: string } | { ok: false; message: string };

const ref = (id: number) => `handoff:${id}`;
const refuse = (message: string): HandoffOutcome => ({ ok: false, message });

export class HandoffService {
  constructor(
    private readonly policy: Policy,
    /** An emergency take-over or a volunteer covering secondary changes who is on call. */
    private readonly scheduleChanged: ScheduleChanged,
  ) {}

  register(engine: Engine): void {
    engine.on(HANDOFF_TIMERS.prompt, (timer, tx) => {
      const { rotation, boundary } = timer.payload;
      const target = this.targetFor(tx, rotation, boundary);
      // Past the boundary (the bot was down), a "your shift ends soon" DM would be wrong.
      if (tx.now >= boundary || !target?.outgoing || this.posted(tx, rotation, boundary)) return;
      tx.enqueue({ method: 'chat.postMessage', args: { channel: target.outgoing, ...promptDm(target) }, priority: PRIORITY.notice });
    });
    engine.on(HANDOFF_TIMERS.due, (timer, tx) => {
      const { rotation, boundary } = timer.payload;
      const r = this.policy.rotations[rotation];
      if (!r) return; // removed from the policy
      const target = this.targetFor(tx, rotation, boundary)!;
      const stale = tx.now - boundary > LATE_HANDOFF_MS; // the bot was down across it: nag about what is current only
      if (!stale && !this.posted(tx, rotation, boundary) && r.channel) {
        const who = target.outgoing ? `${mention(target.outgoing)}, please` : 'Please';
        tx.enqueue({
          method: 'chat.postMessage',
          args: {
            channel: r.channel,
            text: `:bell: No handoff was posted for the *${rotation}* shift change at ${slackDate(boundary)}. ${who} post it with \`/handoff ${rotation}\`.`,
          },
          priority: PRIORITY.notice,
        });
      }
      for (const after of [NUDGE_INCOMING_AFTER_MS, TELL_LEAD_AFTER_MS]) {
        tx.schedule(
          HANDOFF_TIMERS.unconfirmed.spec({
            subject: `handoff:${rotation}:${boundary}`,
            key: `handoff-unconfirmed:${rotation}:${boundary}:${after}`,
            dueAt: boundary + after,
            payload: { rotation, boundary, after },
          }),
        );
      }
      this.scheduleBoundary(tx, r, shiftStartAt(r, shiftIndexAt(r, Math.max(boundary, tx.now)) + 1));
    });
    engine.on(HANDOFF_TIMERS.unconfirmed, (timer, tx) => {
      const { rotation, boundary, after } = timer.payload;
      const handoff = this.posted(tx, rotation, boundary);
      if (handoff?.confirmedAt || tx.now - timer.dueAt > HOUR) return; // confirmed, or stale after downtime
      const target = this.targetFor(tx, rotation, boundary);
      const incoming = handoff?.incoming ?? target?.incoming ?? null;
      const hours = Math.round(after / HOUR);
      if (after === NUDGE_INCOMING_AFTER_MS && incoming) {
        const text = handoff
          ? `:wave: You are on call for *${rotation}* since ${slackDate(boundary)}. Please read the handoff and press "Handoff received, I'm on".`
          : `:wave: You are on call for *${rotation}* since ${slackDate(boundary)}, and no handoff was posted: ask ${target?.outgoing ? mention(target.outgoing) : 'the previous primary'} what you should know.`;
        tx.enqueue({ method: 'chat.postMessage', args: { channel: incoming, text }, priority: PRIORITY.notice });
      } else if (after === TELL_LEAD_AFTER_MS && this.policy.people.engineering_lead) {
        const text = `:information_source: The *${rotation}* handoff of ${slackDate(boundary)} is still unconfirmed ${hours} h later (${incoming ? mention(incoming) : 'nobody'} is primary${handoff ? '' : '; no handoff was posted'}).`;
        tx.enqueue({ method: 'chat.postMessage', args: { channel: this.policy.people.engineering_lead, text }, priority: PRIORITY.notice });
      }
    });
  }

  private scheduleBoundary(tx: EngineTx, rotation: RotationPolicy, boundary: number): void {
    const payload = { rotation: rotation.name, boundary };
    const subject = `handoff:${rotation.name}:${boundary}`;
    tx.schedule(
      HANDOFF_TIMERS.prompt.spec({
        subject,
        key: `handoff-prompt:${rotation.name}:${boundary}`,
        dueAt: boundary - PROMPT_BEFORE_MS,
        payload,
      }),
    );
    tx.schedule(HANDOFF_TIMERS.due.spec({ subject, key: `handoff-due:${rotation.name}:${boundary}`, dueAt: boundary, payload }));
  }

  /** On start: every rotation has the timers of its next boundary. */
  ensureTimers(tx: EngineTx): void {
    for (const r of Object.values(this.policy.rotations)) this.scheduleBoundary(tx, r, shiftStartAt(r, shiftIndexAt(r, tx.now) + 1));
  }

  /** Outgoing = the primary just before the boundary, incoming = the primary from it, overrides included. */
  targetFor(tx: EngineTx, rotationName: string, boundary: number): HandoffTarget | null {
    const rotation = this.policy.rotations[rotationName];
    if (!rotation || !isShiftBoundary(rotation, boundary)) return null;
    const overrides = activeOverrides(tx.db, Math.min(tx.now, boundary - 1));
    return {
      rotation: rotationName,
      boundary,
      outgoing: whoIsOnCall(rotation, overrides, boundary - 1).primary?.userId ?? null,
      incoming: whoIsOnCall(rotation, overrides, boundary).primary?.userId ?? null,
    };
  }

  /** The boundary a handoff written now is for: the coming one, or one just passed that got none. */
  currentTarget(tx: EngineTx, rotationName: string): HandoffTarget | null {
    const rotation = this.policy.rotations[rotationName];
    if (!rotation) return null;
    const k = shiftIndexAt(rotation, tx.now);
    const last = shiftStartAt(rotation, k);
    const late = tx.now - last < LATE_HANDOFF_MS && !this.posted(tx, rotationName, last);
    return this.targetFor(tx, rotationName, late ? last : shiftStartAt(rotation, k + 1));
  }

  /** The rotation a bare `/handoff` by this person means: the one they are primary of now. */
  rotationOf(tx: EngineTx, userId: string): string | null {
    const overrides = activeOverrides(tx.db, tx.now);
    const mine = Object.values(this.policy.rotations).filter((r) => whoIsOnCall(r, overrides, tx.now).primary?.userId === userId);
    return mine.length === 1 ? mine[0]!.name : null;
  }

  posted(tx: EngineTx, rotation: string, boundary: number): HandoffRow | null {
    return handoffFor(tx.db, rotation, boundary);
  }

  /** The shift's facts for the prefill: from the start of the outgoing shift until now. */
  facts(tx: EngineTx, target: HandoffTarget): ShiftFacts {
    const rotation = this.policy.rotations[target.rotation]!;
    const shiftStart = shiftStartAt(rotation, shiftIndexAt(rotation, target.boundary - 1));
    const activeIncidents = unresolvedIncidentsOf(tx.db, target.rotation);
    const shiftIncidents = incidentsDeclaredOrResolvedSince(tx.db, target.rotation, shiftStart);
    const shiftPages = pagesRaisedBetween(tx.db, shiftStart, tx.now + 1, target.rotation);
    const shiftAlerts = alertsSeenSince(tx.db, target.rotation, shiftStart);
    return {
      zone: rotation.shift.timezone,
      shiftStart,
      now: tx.now,
      activeIncidents,
      shiftIncidents,
      pages: shiftPages,
      alerts: shiftAlerts,
    };
  }

  private commanderNotes(tx: EngineTx, h: HandoffRow): string[] {
    if (!h.outgoing) return [];
    return unresolvedIncidentsCommandedBy(tx.db, h.outgoing).map(
      (i) =>
        `:warning: Incident #${i.id} [${i.severity}] ${i.title} is active: ${mention(h.outgoing!)} stays commander until they hand it over with \`/incident commander ${h.incoming ? mention(h.incoming) : '@incoming'}\`.`,
    );
  }

  private message(tx: EngineTx, h: HandoffRow) {
    return handoffMessage(h as PostedHandoff, this.commanderNotes(tx, h));
  }

  post(
    tx: EngineTx,
    target: HandoffTarget,
    postedBy: string,
    fields: Array<{ label: string; value: string }>,
    channel: string,
  ): HandoffRow {
    const row = insertHandoff(tx.db, {
      rotation: target.rotation,
      boundary: target.boundary,
      outgoing: target.outgoing,
      incoming: target.incoming,
      postedBy,
      fields,
      channel,
      postedAt: tx.now,
    });
    tx.enqueue({ method: 'chat.postMessage', args: { channel, ...this.message(tx, row) }, priority: PRIORITY.notice, ref: ref(row.id) });
    return row;
  }

  /** Who may write a rotation's handoff: its members and admins (who-may.ts), and the two it is between (an override may have put someone else on call). */
  mayHandOff(target: HandoffTarget, userId: string): boolean {
    return userId === target.outgoing || userId === target.incoming || mayActFor(this.policy, [target.rotation], userId);
  }

  handOffRefusal(target: HandoffTarget): string {
    const between = [target.outgoing, target.incoming].filter(
      (u): u is string => u !== null && !this.policy.rotations[target.rotation]?.members.includes(u),
    );
    return refusal(this.policy, { rotations: [target.rotation], also: between.map(mention) }, `post the *${target.rotation}* handoff`);
  }

  confirm(tx: EngineTx, id: number, userId: string): HandoffOutcome {
    const h = findHandoff(tx.db, id);
    if (!h) return refuse(`There is no handoff #${id}.`);
    if (h.confirmedBy) return refuse(`This handoff was already confirmed by ${mention(h.confirmedBy)} ${slackDate(h.confirmedAt!)}.`);
    // The incoming engineer, or whoever an override has put in their place since.
    const rotation = this.policy.rotations[h.rotation];
    const standingIn = rotation
      ? whoIsOnCall(rotation, activeOverrides(tx.db, tx.now), Math.max(tx.now, h.boundary)).primary?.userId
      : undefined;
    if (userId !== h.incoming && userId !== standingIn) {
      return refuse(
        `Only ${h.incoming ? mention(h.incoming) : 'the incoming primary'}${standingIn && standingIn !== h.incoming ? ` (or ${mention(standingIn)}, covering)` : ''} can confirm this handoff: it is theirs to receive.`,
      );
    }
    updateHandoff(tx.db, id, { confirmedBy: userId, confirmedAt: tx.now });
    tx.cancel(`handoff:${h.rotation}:${h.boundary}`, HANDOFF_TIMERS.unconfirmed.kind);
    const updated = { ...h, confirmedBy: userId, confirmedAt: tx.now };
    tx.enqueue({ method: 'chat.update', args: this.message(tx, updated), priority: PRIORITY.notice, targetRef: ref(id) });
    return { ok: true, message: `You confirmed the ${h.rotation} handoff: you are on.` };
  }

  /** The primary leaves mid-shift: the secondary becomes primary until the shift ends, and secondary is open to a volunteer. */
  emergency(tx: EngineTx, rotationName: string, userId: string, reason: string, channel: string): HandoffOutcome {
    const rotation = this.policy.rotations[rotationName]!;
    const onCall = whoIsOnCall(rotation, activeOverrides(tx.db, tx.now), tx.now);
    const leaving = onCall.primary?.userId ?? null;
    const takingOver = onCall.secondary?.userId ?? null;
    if (!leaving) return refuse(`Nobody is primary on *${rotationName}* right now; there is nobody to hand off from.`);
    if (userId !== leaving && !mayActFor(this.policy, [rotationName], userId)) {
      return refuse(
        refusal(
          this.policy,
          { first: [`the primary (${mention(leaving)})`], rotations: [rotationName] },
          `make an emergency handoff for *${rotationName}*`,
        ),
      );
    }
    if (!takingOver)
      return refuse(`*${rotationName}* has no secondary to take over. Set one with \`/oncall override ${rotationName} @who\` instead.`);
    insertOverride(tx.db, tx.now, {
      rotation: rotationName,
      role: 'primary',
      userId: takingOver,
      startsAt: tx.now,
      endsAt: onCall.shiftEnd,
      reason: 'override',
      createdBy: userId,
    });
    this.scheduleChanged(tx);
    const target = { rotation: rotationName, boundary: tx.now, outgoing: leaving, incoming: takingOver };
    const row = insertHandoff(tx.db, {
      ...target,
      postedBy: userId,
      fields: [],
      channel: rotation.channel ?? channel,
      postedAt: tx.now,
      emergencyReason: reason || 'no reason given',
      confirmedBy: takingOver,
      confirmedAt: tx.now,
    });
    tx.enqueue({
      method: 'chat.postMessage',
      args: { channel: row.channel, ...emergencyMessage(rotationName, leaving, takingOver, onCall.shiftEnd, reason, row.id, null) },
      priority: PRIORITY.page,
      ref: ref(row.id),
    });
    tx.enqueue({
      method: 'chat.postMessage',
      args: {
        channel: takingOver,
        text: `:sos: ${mention(leaving)} had to leave: you are *${rotationName}* primary until ${slackDate(onCall.shiftEnd)}${reason ? ` (${reason})` : ''}.`,
      },
      priority: PRIORITY.page,
    });
    return {
      ok: true,
      message: `${mention(takingOver)} is ${rotationName} primary until ${slackDate(onCall.shiftEnd)}; the channel is asked who covers secondary.`,
    };
  }

  coverSecondary(tx: EngineTx, id: number, userId: string): HandoffOutcome {
    const h = findHandoff(tx.db, id);
    if (!h?.emergencyReason) return refuse('That button belongs to no emergency handoff.');
    if (h.coveredBy) return refuse(`${mention(h.coveredBy)} already covers secondary. Thank you all the same.`);
    if (userId === h.outgoing || userId === h.incoming)
      return refuse(
        userId === h.outgoing
          ? 'You just handed off: someone else needs to cover.'
          : 'You are primary now: someone else needs to cover secondary.',
      );
    // Covering puts the volunteer on call: the same people who may change the rotation's schedule.
    if (!mayActFor(this.policy, [h.rotation], userId))
      return refuse(refusal(this.policy, { rotations: [h.rotation] }, `cover *${h.rotation}* secondary`));
    const rotation = this.policy.rotations[h.rotation]!;
    const shiftEnd = shiftStartAt(rotation, shiftIndexAt(rotation, tx.now) + 1);
    insertOverride(tx.db, tx.now, {
      rotation: h.rotation,
      role: 'secondary',
      userId,
      startsAt: tx.now,
      endsAt: shiftEnd,
      reason: 'override',
      createdBy: userId,
    });
    this.scheduleChanged(tx);
    updateHandoff(tx.db, id, { coveredBy: userId });
    tx.enqueue({
      method: 'chat.update',
      args: emergencyMessage(
        h.rotation,
        h.outgoing!,
        h.incoming,
        shiftEnd,
        h.emergencyReason === 'no reason given' ? '' : h.emergencyReason,
        id,
        userId,
      ),
      priority: PRIORITY.notice,
      targetRef: ref(id),
    });
    return { ok: true, message: `You cover ${h.rotation} secondary until ${slackDate(shiftEnd)}.` };
  }

  /** Where the handoff's message is in Slack, once delivered. */
  messageOf(tx: EngineTx, id: number): { channel: string; ts: string } | null {
    return messageLocation(tx.db, ref(id));
  }

  history(tx: EngineTx, rotation: string | null, n: number): HandoffRow[] {
    return handoffHistory(tx.db, rotation, n);
  }
}
