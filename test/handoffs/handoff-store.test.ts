/** The handoffs store against real SQLite: which handoff a boundary has, and the history's order. */
import { describe, expect, it } from 'vitest';
import { migratedStoreEachTest } from '../support/memory-store.js';
import {
  findHandoff,
  handoffFor,
  handoffHistory,
  insertHandoff,
  nextHandoffId,
  updateHandoff,
  type NewHandoff,
} from '../../src/handoffs/handoff-store.js';

const store = migratedStoreEachTest();

const T = 1_800_000_000_000;

const post = (over: Partial<NewHandoff & { id: number }> = {}) =>
  insertHandoff(store.db, {
    rotation: 'backend',
    boundary: T,
    outgoing: 'U1',
    incoming: 'U2',
    postedBy: 'U1',
    fields: [{ label: 'Notes', value: 'quiet' }],
    channel: 'C0BACKEND',
    postedAt: T - 60_000,
    ...over,
  });

describe('handoff store', () => {
  it('answers the newest handoff of a boundary, and records its confirmation', () => {
    post();
    const again = post();
    post({ rotation: 'web' });
    expect(handoffFor(store.db, 'backend', T)?.id).toBe(again.id);
    expect(handoffFor(store.db, 'backend', T + 1)).toBeNull();
    expect(again).toMatchObject({
      confirmedBy: null,
      emergencyReason: null,
      coveredBy: null,
      fields: [{ label: 'Notes', value: 'quiet' }],
    });
    updateHandoff(store.db, again.id, { confirmedBy: 'U2', confirmedAt: T });
    expect(findHandoff(store.db, again.id)).toMatchObject({ confirmedBy: 'U2', confirmedAt: T });
  });

  it('lists the history latest boundary first (then latest posted), of one rotation or all, at most n', () => {
    const a = post({ boundary: T });
    const b = post({ boundary: T + 10 });
    const c = post({ boundary: T });
    const w = post({ rotation: 'web', boundary: T + 5 });
    expect(handoffHistory(store.db, null, 10).map((h) => h.id)).toEqual([b.id, w.id, c.id, a.id]);
    expect(handoffHistory(store.db, 'backend', 2).map((h) => h.id)).toEqual([b.id, c.id]);
  });

  it('reserves the id the next handoff gets, past every id ever used (a deleted one is not reused), and writes it with that id', () => {
    expect(nextHandoffId(store.db)).toBe(1);
    post();
    const last = post();
    expect(nextHandoffId(store.db)).toBe(last.id + 1);
    store.sqlite.prepare('delete from handoffs where id = ?').run(last.id);
    expect(nextHandoffId(store.db)).toBe(last.id + 1);
    const id = nextHandoffId(store.db);
    expect(post({ id }).id).toBe(id);
    expect(nextHandoffId(store.db)).toBe(id + 1);
  });
});
