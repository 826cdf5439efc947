/** Gather: what a swap decision (swap-decide.ts SwapState) needs, read in the caller's transaction through the stores. */
import type { EngineTx } from '../engine/engine.js';
import { activeOverrides } from './override-store.js';
import type { SwapCommand, SwapState } from './swap-decide.js';
import { findSwap, nextSwapId } from './swap-store.js';

export function gatherSwapState(tx: EngineTx, command: SwapCommand): SwapState {
  if (command.kind === 'request') return { swap: null, overrides: activeOverrides(tx.db, tx.now), nextId: nextSwapId(tx.db) };
  return { swap: findSwap(tx.db, command.id), overrides: [], nextId: 0 };
}
