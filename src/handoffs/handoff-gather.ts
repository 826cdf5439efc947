/**
 * Gather: what a handoff decision (handoff-decide.ts HandoffState) needs, read in the caller's transaction
 * through the stores: the handoff (handoff-store.ts), who is on call with the overrides (schedules), the
 * incidents the outgoing primary commands (incidents), and the id a new handoff gets. Only what the command needs.
 */
import type { Policy } from '../config/policy.js';
import { alertsSeenSince } from '../alerts/alert-store.js';
import type { EngineTx } from '../engine/engine.js';
import { incidentsDeclaredOrResolvedSince, unresolvedIncidentsCommandedBy, unresolvedIncidentsOf } from '../incidents/incident-store.js';
import { pagesRaisedBetween } from '../paging/page-store.js';
import { activeOverrides } from '../schedules/override-store.js';
import { isShiftBoundary, whoIsOnCall } from '../schedules/rotation.js';
import type { CommandedIncident, HandoffTarget } from './handoff-blocks.js';
import { handoffBoundaryAt, lastBoundaryAt, type HandoffCommand, type HandoffState, type OnCallPair } from './handoff-decide.js';
import { findHandoff, handoffFor, nextHandoffId } from './handoff-store.js';
import type { ShiftFacts } from './prefill.js';

/** Outgoing = the primary just before the boundary, incoming = the primary from it, overrides included. */
export function gatherTarget(tx: EngineTx, policy: Policy, rotationName: string, boundary: number): HandoffTarget | null {
  const rotation = policy.rotations[rotationName];
  if (!rotation || !isShiftBoundary(rotation, boundary)) return null;
  const overrides = activeOverrides(tx.db, Math.min(tx.now, boundary - 1));
  return {
    rotation: rotationName,
    boundary,
    outgoing: whoIsOnCall(rotation, overrides, boundary - 1).primary?.userId ?? null,
    incoming: whoIsOnCall(rotation, overrides, boundary).primary?.userId ?? null,
  };
}

function onCallAt(tx: EngineTx, policy: Policy, rotationName: string, t: number): OnCallPair | null {
  const rotation = policy.rotations[rotationName];
  if (!rotation) return null;
  const onCall = whoIsOnCall(rotation, activeOverrides(tx.db, tx.now), t);
  return { primary: onCall.primary?.userId ?? null, secondary: onCall.secondary?.userId ?? null, shiftEnd: onCall.shiftEnd };
}

const commandedBy = (tx: EngineTx, outgoing: string | null): CommandedIncident[] =>
  outgoing ? unresolvedIncidentsCommandedBy(tx.db, outgoing).map(({ id, severity, title }) => ({ id, severity, title })) : [];

export function gatherHandoffState(tx: EngineTx, policy: Policy, command: HandoffCommand): HandoffState {
  const none: HandoffState = { target: null, handoff: null, onCall: null, commanded: [], nextId: 0 };
  switch (command.kind) {
    case 'prompt':
    case 'due':
    case 'unconfirmed':
      return {
        ...none,
        target: gatherTarget(tx, policy, command.rotation, command.boundary),
        handoff: handoffFor(tx.db, command.rotation, command.boundary),
      };
    case 'post':
      return { ...none, commanded: commandedBy(tx, command.target.outgoing), nextId: nextHandoffId(tx.db) };
    case 'confirm': {
      const handoff = findHandoff(tx.db, command.id);
      if (!handoff) return none;
      return {
        ...none,
        handoff,
        onCall: onCallAt(tx, policy, handoff.rotation, Math.max(tx.now, handoff.boundary)),
        commanded: commandedBy(tx, handoff.outgoing),
      };
    }
    case 'emergency':
      return { ...none, onCall: onCallAt(tx, policy, command.rotation, tx.now), nextId: nextHandoffId(tx.db) };
    case 'cover':
      return { ...none, handoff: findHandoff(tx.db, command.id) };
  }
}

/** The boundary a handoff written now is for (handoff-decide.ts handoffBoundaryAt), with its outgoing and incoming. */
export function gatherCurrentTarget(tx: EngineTx, policy: Policy, rotationName: string): HandoffTarget | null {
  const rotation = policy.rotations[rotationName];
  if (!rotation) return null;
  const lastPosted = handoffFor(tx.db, rotationName, lastBoundaryAt(rotation, tx.now)) !== null;
  return gatherTarget(tx, policy, rotationName, handoffBoundaryAt(rotation, tx.now, lastPosted));
}

/** The rotation a bare `/handoff` by this person means: the one they are primary of now. */
export function gatherRotationOf(tx: EngineTx, policy: Policy, userId: string): string | null {
  const overrides = activeOverrides(tx.db, tx.now);
  const mine = Object.values(policy.rotations).filter((r) => whoIsOnCall(r, overrides, tx.now).primary?.userId === userId);
  return mine.length === 1 ? mine[0]!.name : null;
}

/** The shift's facts for the prefill (prefill.ts): from the start of the outgoing shift until now. */
export function gatherShiftFacts(tx: EngineTx, policy: Policy, target: HandoffTarget): ShiftFacts {
  const rotation = policy.rotations[target.rotation]!;
  const shiftStart = lastBoundaryAt(rotation, target.boundary - 1);
  return {
    zone: rotation.shift.timezone,
    shiftStart,
    now: tx.now,
    activeIncidents: unresolvedIncidentsOf(tx.db, target.rotation),
    shiftIncidents: incidentsDeclaredOrResolvedSince(tx.db, target.rotation, shiftStart),
    pages: pagesRaisedBetween(tx.db, shiftStart, tx.now + 1, target.rotation),
    alerts: alertsSeenSince(tx.db, target.rotation, shiftStart),
  };
}
