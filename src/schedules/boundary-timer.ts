import type { Policy } from '../config/policy.js';
import type { Engine, EngineTx } from '../engine/engine.js';
import { BOUNDARY_TIMER_KIND, decideBoundary, nextBoundaryTimer } from './boundary.js';
import { activeOverrides } from './override-store.js';

/**
 * Gather (overrides) -> decide (pure) -> apply (enqueue + next timer), in the timer's one transaction.
 * `atBoundary` lets other features act on a shift change in the same transaction (the weekly report).
 */
export function registerBoundaryTimer(engine: Engine, policy: Policy, atBoundary?: (tx: EngineTx, rotation: string) => void): void {
  engine.on(BOUNDARY_TIMER_KIND, (timer, tx) => {
    const payload = timer.payload;
    const decision = decideBoundary(policy, payload, activeOverrides(tx.db, tx.now), tx.now);
    for (const call of decision.calls) tx.enqueue(call);
    if (decision.next) tx.schedule(decision.next);
    atBoundary?.(tx, payload.rotation);
  });
}

/** On start: every rotation has its next boundary timer (keyed, so a restart adds nothing twice). */
export function ensureBoundaryTimers(engine: Engine, policy: Policy): void {
  engine.transact((tx) => {
    for (const rotation of Object.values(policy.rotations)) tx.schedule(nextBoundaryTimer(rotation, tx.now));
  });
}
