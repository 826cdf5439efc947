/**
 * A person's digest facts (page-gather.ts -> page-store.ts personDigestFacts), counted by SQLite instead of reading
 * every message of the last minute into a value per new page: the same answers as the reading did, on a table of
 * message rows of every kind, to the person and to others, on open and closed pages, inside and outside the minute.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { migrateStore, openStore, type Store } from '../../src/db/connection.js';
import { digestRef, digestRefPrefix, PERSON_DIGEST_REF_GLOBS, pageRef, parseDigestRef, parsePageRef } from '../../src/paging/page-refs.js';
import { personDigestFacts } from '../../src/paging/page-store.js';

const BOB = 'U0BOB';
const SINCE = 1_000_000;
const IN = SINCE + 5;
const OUT = SINCE - 5;

let store: Store;
afterEach(() => store?.close());

function seed(
  pages: Array<{ id: number; status: 'open' | 'acknowledged' | 'resolved' }>,
  messages: Array<[number, string | null, string, number]>,
) {
  store = openStore(':memory:');
  migrateStore(store);
  const page = store.sqlite.prepare(
    "insert into pages (id, rotation, severity, summary, source, status, created_at) values (?, 'r', 'P1', 's', 'alert', ?, 0)",
  );
  for (const p of pages) page.run(p.id, p.status);
  const message = store.sqlite.prepare(
    'insert into page_messages (page_id, user_id, ref, step_index, loop, created_at) values (?, ?, ?, 0, 0, ?)',
  );
  for (const [pageId, userId, ref, at] of messages) message.run(pageId, userId, ref, at);
}

/** What the gather read before: every message to the person since `since` on open pages, oldest first. */
function byReading(userId: string, exceptPageId: number): { open: number; newest: string | null } {
  const rows = store.sqlite
    .prepare(
      "select m.page_id as pageId, m.ref as ref from page_messages m join pages p on p.id = m.page_id where m.user_id = ? and m.created_at > ? and p.status = 'open' order by m.id",
    )
    .all(userId, SINCE) as Array<{ pageId: number; ref: string }>;
  const open = new Set<number>();
  let newest: string | null = null;
  for (const m of rows) {
    const digest = parseDigestRef(m.ref);
    if (digest?.target === userId) newest = m.ref;
    const ref = parsePageRef(m.ref);
    if (m.pageId !== exceptPageId && (ref?.kind === 'dm' || ref?.kind === 'rule' || digest !== null)) open.add(m.pageId);
  }
  return { open: open.size, newest };
}

const facts = (userId: string, exceptPageId: number, cap = Number.MAX_SAFE_INTEGER) =>
  personDigestFacts(store.db, { userId, since: SINCE, exceptPageId, globs: PERSON_DIGEST_REF_GLOBS, prefix: digestRefPrefix(userId), cap });

const dm = (pageId: number, userId = BOB) => pageRef({ kind: 'dm', pageId, userId, loop: 0, stepIndex: 0 });

describe('personDigestFacts', () => {
  it('counts what the reading counted and finds the digest it found, kind by kind', () => {
    seed(
      [
        { id: 1, status: 'open' },
        { id: 2, status: 'open' },
        { id: 3, status: 'open' },
        { id: 4, status: 'resolved' },
        { id: 5, status: 'open' },
        { id: 6, status: 'open' },
        { id: 7, status: 'acknowledged' },
        { id: 8, status: 'open' },
        { id: 9, status: 'open' },
        { id: 10, status: 'open' },
      ],
      [
        [1, BOB, dm(1), IN], // counts
        [1, BOB, pageRef({ kind: 'rule', pageId: 1, rule: 0, to: BOB }), IN], // the same page once
        [2, BOB, pageRef({ kind: 'rule', pageId: 2, rule: 1, to: BOB }), IN], // counts
        [3, BOB, pageRef({ kind: 'fyi', pageId: 3, rule: 1, to: BOB }), IN], // not a DM of the page
        [3, BOB, pageRef({ kind: 'skip', pageId: 3, loop: 0, stepIndex: 1 }), IN],
        [4, BOB, dm(4), IN], // resolved
        [5, BOB, dm(5), OUT], // before the minute
        [6, BOB, digestRef({ target: BOB, first: 6 }), IN], // counts, and is Bob's digest
        [7, BOB, digestRef({ target: BOB, first: 7 }), IN], // closed page: not the current digest
        [8, 'U0ALICE', dm(8, 'U0ALICE'), IN], // someone else
        [8, BOB, digestRef({ target: 'C0ALERTS', first: 8 }), IN], // a digest row (counts), not Bob's
        [9, BOB, dm(9), IN], // the page being decided: not counted
        [10, BOB, pageRef({ kind: 'fyi', pageId: 10, rule: 2, to: BOB }), IN], // not a DM of the page
      ],
    );
    expect(facts(BOB, 9)).toEqual({ open: 4, newest: digestRef({ target: BOB, first: 6 }) });
    expect(facts(BOB, 9)).toEqual(byReading(BOB, 9));
    expect(facts('U0ALICE', 9)).toEqual(byReading('U0ALICE', 9));
    expect(facts('U0NOBODY', 9)).toEqual({ open: 0, newest: null });
  });

  it('takes the newest of several digests of the person, and counts up to the cap', () => {
    seed(
      Array.from({ length: 6 }, (_, i) => ({ id: i + 1, status: 'open' as const })),
      [
        [1, BOB, dm(1), IN],
        [2, BOB, digestRef({ target: BOB, first: 2 }), IN],
        [3, BOB, digestRef({ target: BOB, first: 3 }), IN + 1],
        [4, BOB, digestRef({ target: BOB, first: 2 }), IN + 2],
        [5, BOB, dm(5), IN + 3],
      ],
    );
    expect(facts(BOB, 6)).toEqual({ open: 5, newest: digestRef({ target: BOB, first: 2 }) });
    expect(facts(BOB, 6)).toEqual(byReading(BOB, 6));
    expect(facts(BOB, 6, 3)).toEqual({ open: 3, newest: digestRef({ target: BOB, first: 2 }) });
  });
});
