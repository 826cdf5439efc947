/** The swap store against real SQLite: the id a request is reserved, written with it, never reused. */
import { describe, expect, it } from 'vitest';
import { migratedStoreEachTest } from '../support/memory-store.js';
import type { SwapPlan } from '../../src/schedules/swap.js';
import { findSwap, insertSwap, nextSwapId, setSwapOutcome } from '../../src/schedules/swap-store.js';

const store = migratedStoreEachTest();

const T = 1_800_000_000_000;
const PLAN: SwapPlan = {
  rotation: 'backend',
  role: 'primary',
  requester: 'U1',
  partner: 'U2',
  shiftStart: T,
  shiftEnd: T + 1000,
  returnStart: null,
  returnEnd: null,
  expiresAt: T + 500,
};

describe('swap store', () => {
  it('reserves the id the next request gets, past every id ever used, and writes it with that id', () => {
    expect(nextSwapId(store.db)).toBe(1);
    insertSwap(store.db, T, PLAN);
    const last = insertSwap(store.db, T, PLAN);
    expect(nextSwapId(store.db)).toBe(last + 1);
    store.sqlite.prepare('delete from swap_requests where id = ?').run(last);
    const id = nextSwapId(store.db);
    expect(id).toBe(last + 1);
    expect(insertSwap(store.db, T, PLAN, id)).toBe(id);
    expect(findSwap(store.db, id)).toMatchObject({ status: 'pending', createdAt: T });
  });

  it('moves a pending request to its outcome once', () => {
    const id = insertSwap(store.db, T, PLAN);
    expect(setSwapOutcome(store.db, id, 'accepted', T + 1)).toBe(true);
    expect(setSwapOutcome(store.db, id, 'declined', T + 2)).toBe(false);
    expect(findSwap(store.db, id)).toMatchObject({ status: 'accepted', decidedAt: T + 1 });
  });
});
