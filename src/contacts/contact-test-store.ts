/**
 * Test pages (`/oncall test-page`): the only module that touches the contact_tests table. Plain values out; the
 * decision of what a test does next is contact-test-rules.ts's.
 */
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { contactTests } from '../db/schema.js';
import { isTestVia, type TestStatus, type TestVia } from './contact-test-rules.js';

export interface ContactTest {
  id: number;
  userId: string;
  requestedBy: string;
  methods: TestVia[];
  sent: number;
  status: TestStatus;
  startedAt: number;
  ackedVia: TestVia | null;
  endedAt: number | null;
}

const STATUSES: readonly TestStatus[] = ['running', 'acknowledged', 'unanswered'];

function toTest(row: typeof contactTests.$inferSelect): ContactTest {
  return {
    id: row.id,
    userId: row.userId,
    requestedBy: row.requestedBy,
    methods: row.methods.filter(isTestVia),
    sent: row.sent,
    status: (STATUSES as readonly string[]).includes(row.status) ? (row.status as TestStatus) : 'unanswered',
    startedAt: row.startedAt,
    ackedVia: row.ackedVia !== null && isTestVia(row.ackedVia) ? row.ackedVia : null,
    endedAt: row.endedAt,
  };
}

export function createTest(db: Db, test: { userId: string; requestedBy: string; methods: readonly TestVia[]; now: number }): ContactTest {
  const row = db
    .insert(contactTests)
    .values({
      userId: test.userId,
      requestedBy: test.requestedBy,
      methods: [...test.methods],
      sent: 0,
      status: 'running',
      startedAt: test.now,
    })
    .returning()
    .get();
  return toTest(row);
}

export function findTest(db: Db, id: number): ContactTest | null {
  const row = db.select().from(contactTests).where(eq(contactTests.id, id)).get();
  return row ? toTest(row) : null;
}

/** The person's test still running, if any (one at a time). */
export function runningTestOf(db: Db, userId: string): ContactTest | null {
  const row = db
    .select()
    .from(contactTests)
    .where(and(eq(contactTests.userId, userId), eq(contactTests.status, 'running')))
    .orderBy(desc(contactTests.startedAt), desc(contactTests.id))
    .get();
  return row ? toTest(row) : null;
}

/** The person's last test that is over (acknowledged or given up), for Home. */
export function lastEndedTestOf(db: Db, userId: string): ContactTest | null {
  const rows = db
    .select()
    .from(contactTests)
    .where(eq(contactTests.userId, userId))
    .orderBy(desc(contactTests.startedAt), desc(contactTests.id))
    .limit(5)
    .all();
  const ended = rows.find((r) => r.status !== 'running');
  return ended ? toTest(ended) : null;
}

export function updateTest(db: Db, id: number, change: Partial<Pick<ContactTest, 'sent' | 'status' | 'ackedVia' | 'endedAt'>>): void {
  db.update(contactTests).set(change).where(eq(contactTests.id, id)).run();
}
