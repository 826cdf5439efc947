/** The page store's reads that a report makes over a long, busy period. */
import { afterEach, describe, expect, it } from 'vitest';
import { migrateStore, openStore, type Store } from '../../src/db/connection.js';
import {
  openPagesThatReached,
  PAGE_IDS_PER_QUERY,
  pageFiguresRaisedBetween,
  reachedByPage,
  reachedByPagesRaisedBetween,
} from '../../src/paging/page-store.js';
import { tempDbPath } from '../support/common.js';

describe('reachedByPage', () => {
  const temp = tempDbPath();
  let store: Store;
  afterEach(() => {
    store?.close();
    temp.cleanup();
  });

  it('answers for more pages than SQLite takes values in one statement (a busy year), each with whom it reached', () => {
    store = openStore(temp.path);
    migrateStore(store);
    const count = 40_000; // over SQLite's 32,766 bound parameters
    const page = store.sqlite.prepare(
      `insert into pages (rotation, severity, summary, source, created_at) values ('backend', 'P2', 'x', 'person', 1)`,
    );
    const message = store.sqlite.prepare(
      `insert into page_messages (page_id, user_id, ref, step_index, loop, created_at) values (?, ?, ?, 0, 0, 1)`,
    );
    store.sqlite.transaction(() => {
      for (let i = 1; i <= count; i += 1) {
        page.run();
        message.run(i, i % 2 === 0 ? 'U0ALICE' : 'U0BOB', `page:${i}:dm:x`);
        message.run(i, null, `page:${i}:channel`);
      }
    })();
    const ids = Array.from({ length: count }, (_, i) => i + 1);
    const reached = reachedByPage(store.db, ids);
    expect(reached.size).toBe(count);
    expect([...reached.get(2)!]).toEqual(['U0ALICE']);
    expect([...reached.get(count)!]).toEqual(['U0ALICE']);
    expect([...reached.get(1)!]).toEqual(['U0BOB']);
    expect(count).toBeGreaterThan(6 * PAGE_IDS_PER_QUERY);
  });

  it('reachedByPagesRaisedBetween and pageFiguresRaisedBetween: the pages raised in [from, to) of a rotation, and whom each reached, in one read', () => {
    store = openStore(temp.path);
    migrateStore(store);
    const page = store.sqlite.prepare(
      `insert into pages (rotation, severity, summary, source, created_at, acked_at) values (?, 'P1', 'x', 'person', ?, ?)`,
    );
    const message = store.sqlite.prepare(
      `insert into page_messages (page_id, user_id, ref, step_index, loop, created_at) values (?, ?, ?, 0, 0, 1)`,
    );
    // Pages at 9, 10, 15, 19, 20: [10, 20) holds the second to the fourth; the fourth is another rotation's.
    for (const [at, rotation, users] of [
      [9, 'backend', ['U0ALICE']],
      [10, 'backend', ['U0ALICE', 'U0BOB']],
      [15, 'backend', []],
      [19, 'web', ['U0CAROL']],
      [20, 'backend', ['U0DAN']],
    ] as const) {
      const id = Number(page.run(rotation, at, at + 1).lastInsertRowid);
      message.run(id, null, `page:${id}:channel`);
      for (const user of users) message.run(id, user, `page:${id}:dm:${user}`);
    }
    const reached = (rotation: string | null) =>
      [...reachedByPagesRaisedBetween(store.db, 10, 20, rotation)].map(([id, users]) => [id, [...users].sort()]);
    expect(reached(null)).toEqual([
      [2, ['U0ALICE', 'U0BOB']],
      [4, ['U0CAROL']],
    ]);
    expect(reached('backend')).toEqual([[2, ['U0ALICE', 'U0BOB']]]);
    expect(pageFiguresRaisedBetween(store.db, 10, 20, 'backend')).toEqual([
      { id: 2, severity: 'P1', createdAt: 10, ackedAt: 11, resolvedAt: null, breachedAt: null },
      { id: 3, severity: 'P1', createdAt: 15, ackedAt: 16, resolvedAt: null, breachedAt: null },
    ]);
  });

  it('openPagesThatReached: the open pages among years of closed ones that reached the person, each once, oldest first', () => {
    store = openStore(temp.path);
    migrateStore(store);
    const page = store.sqlite.prepare(
      `insert into pages (rotation, severity, summary, source, status, created_at) values ('backend', 'P2', ?, 'person', ?, 1)`,
    );
    const message = store.sqlite.prepare(
      `insert into page_messages (page_id, user_id, ref, step_index, loop, created_at) values (?, ?, ?, 0, 0, 1)`,
    );
    store.sqlite.transaction(() => {
      for (let i = 1; i <= 40_000; i += 1) {
        page.run(`old ${i}`, i === 7 || i === 39_999 ? 'open' : 'resolved');
        message.run(i, 'U0ALICE', `page:${i}:dm:a`);
        message.run(i, 'U0ALICE', `page:${i}:dm:b`); // reached twice (two loops): listed once
      }
      page.run('for bob', 'open');
      message.run(40_001, 'U0BOB', 'page:40001:dm:x');
    })();
    expect(openPagesThatReached(store.db, 'U0ALICE').map((p) => p.summary)).toEqual(['old 7', 'old 39999']);
    expect(openPagesThatReached(store.db, 'U0BOB').map((p) => p.id)).toEqual([40_001]);
    expect(openPagesThatReached(store.db, 'U0NOBODY')).toEqual([]);
  });
});
