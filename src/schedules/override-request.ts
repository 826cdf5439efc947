/**
 * One override asked for, from `/oncall override` or the Home tab's form: the same rules in the same words,
 * and the row written in one transaction with whoever shows the schedule told. Each problem names the part of
 * the request it is about, so the form can show it on that field and the command in its reply.
 */
import type { Policy } from '../config/policy.js';
import type { Engine, EngineTx } from '../engine/engine.js';
import { mayActFor, refusal } from '../permissions/who-may.js';
import { mention, slackDate } from '../slack/format.js';
import { insertOverride } from './override-store.js';
import type { ShiftChangedEvent } from './schedule-events.js';
import type { EventSink } from '../engine/effects.js';
import type { Role } from './rotation.js';

export interface OverrideRequest {
  rotation: string;
  role: Role;
  /** Who takes the role. */
  userId: string;
  startsAt: number;
  endsAt: number;
  /** Who asks: the one who needs the right to change the rotation's schedule. */
  requestedBy: string;
}

export type OverrideField = 'rotation' | 'who' | 'from' | 'to';

/** `refused`: the asker may not do it (said without the usage, which would not help). */
export type OverrideProblem = { ok: false; field: OverrideField; message: string; refused: boolean };
export type OverrideOutcome = { ok: true; id: number; message: string } | OverrideProblem;

export interface OverrideDeps {
  engine: Engine;
  policy: Policy;
  /** Whether the id is an active member of the workspace (users.info). */
  userExists(userId: string): Promise<boolean>;
  /** `shift.changed` once the override is written, told through the table in src/app.ts. */
  events: EventSink<ShiftChangedEvent>;
}

const problem = (field: OverrideField, message: string, refused = false): OverrideProblem => ({ ok: false, field, message, refused });

/** The rules an override must pass at `now`, in the order they are told. Pure. */
export function overrideProblem(policy: Policy, request: OverrideRequest, now: number): OverrideProblem | null {
  const names = Object.keys(policy.rotations);
  if (!Object.hasOwn(policy.rotations, request.rotation)) {
    return problem('rotation', `There is no rotation \`${request.rotation}\`. Rotations: ${names.map((n) => `\`${n}\``).join(', ')}.`);
  }
  if (request.endsAt <= request.startsAt)
    return problem('to', `The end (${slackDate(request.endsAt)}) must be after the start (${slackDate(request.startsAt)}).`);
  if (request.endsAt <= now) return problem('to', `That override would already be over (${slackDate(request.endsAt)} is in the past).`);
  if (!mayActFor(policy, [request.rotation], request.requestedBy)) {
    return problem(
      'rotation',
      `${refusal(policy, { rotations: [request.rotation] }, `change the schedule of *${request.rotation}*`)} Ask one of them.`,
      true,
    );
  }
  return null;
}

export function overrideMade(id: number, request: OverrideRequest): string {
  return `Override #${id}: ${mention(request.userId)} is ${request.role} of *${request.rotation}* from ${slackDate(request.startsAt)} to ${slackDate(request.endsAt)}. Undo with \`/oncall cancel ${id}\`.`;
}

/**
 * Checks the person with Slack, then checks the rules and writes the override in one transaction, telling
 * `shift.changed`; `alsoInTx` adds to the same transaction (a confirmation through the outbox).
 */
export async function requestOverride(
  deps: OverrideDeps,
  request: OverrideRequest,
  alsoInTx?: (tx: EngineTx, id: number, message: string) => void,
): Promise<OverrideOutcome> {
  if (!(await deps.userExists(request.userId)))
    return problem('who', `I cannot find ${mention(request.userId)} in this workspace (or they were deactivated).`);
  return deps.engine.transact((tx): OverrideOutcome => {
    const refused = overrideProblem(deps.policy, request, tx.now);
    if (refused) return refused;
    const { requestedBy, ...row } = request;
    const id = insertOverride(tx.db, tx.now, { ...row, reason: 'override', createdBy: requestedBy });
    deps.events(tx, { type: 'shift.changed', rotation: request.rotation });
    const message = overrideMade(id, request);
    alsoInTx?.(tx, id, message);
    return { ok: true, id, message };
  });
}
