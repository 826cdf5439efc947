/** Apply: a Home decision's effects (outbox calls only) enqueued in the caller's transaction (engine/effects.ts). */
import { applyEffects } from '../engine/effects.js';
import type { EngineTx } from '../engine/engine.js';
import type { HomeEffects } from './home-decide.js';

export function applyHomeEffects(tx: EngineTx, effects: HomeEffects): void {
  applyEffects(tx, effects, {
    write: () => undefined,
    dispatch: () => undefined,
  });
}
