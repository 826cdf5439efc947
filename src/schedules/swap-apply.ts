/** Apply: a swap decision's effects written in the caller's transaction (engine/effects.ts), rows through the stores. */
import type { Db } from '../db/connection.js';
import { applyEffects, type EventSink } from '../engine/effects.js';
import type { EngineTx } from '../engine/engine.js';
import { insertOverride } from './override-store.js';
import type { SwapEffects, SwapEvent, SwapWrite } from './swap-decide.js';
import { insertSwap, setSwapOutcome } from './swap-store.js';

function writeSwap(db: Db, write: SwapWrite): void {
  switch (write.kind) {
    case 'request': {
      const id = insertSwap(db, write.at, write.plan, write.id);
      // The decision named the DM and the timer by the id it was given: a different one would orphan them.
      if (id !== write.id) throw new Error(`swap request written as #${id}, decided as #${write.id}`);
      return;
    }
    case 'outcome':
      // The gather read it pending in this same transaction: nobody can have decided it since.
      setSwapOutcome(db, write.id, write.status, write.at);
      return;
    case 'override':
      insertOverride(db, write.at, write.override);
      return;
  }
}

export function applySwapEffects(tx: EngineTx, effects: SwapEffects, dispatch: EventSink<SwapEvent>): void {
  applyEffects(tx, effects, { write: writeSwap, dispatch });
}
