/**
 * Paging's tables (pages, page_messages), owned here: every read and write of them goes through this module,
 * and it hands out plain values. Other features (incidents, alerts, home, reports, the simulator) ask it;
 * none of them queries the tables. The one place in paging that speaks drizzle.
 */
import { and, asc, desc, eq, getTableColumns, gt, gte, inArray, isNotNull, lt, ne, sql } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { placeholdersFor, preparedOnce, updateById } from '../db/prepared.js';
import { type AckVia, pageMessages, pages, type PageStatus } from '../db/schema.js';

export type { AckVia, PageStatus };

/** A page as stored. */
export interface Page {
  id: number;
  rotation: string;
  severity: string;
  summary: string;
  /** person | alert | incident */
  source: string;
  sourceRef: string | null;
  createdBy: string | null;
  status: PageStatus;
  /** The step and loop most recently notified. */
  stepIndex: number;
  loop: number;
  exhaustedAt: number | null;
  createdAt: number;
  ackedBy: string | null;
  ackedAt: number | null;
  /** How it was acknowledged; null before this was kept, at its source, or by resolving it. */
  ackedVia: AckVia | null;
  resolvedBy: string | null;
  resolvedAt: number | null;
  resolvedVia: AckVia | null;
  toldAt: number | null;
  breachedAt: number | null;
  /** When Slack last failed to deliver a step's DMs within 60 s and the page reached them another way (page-fallback.ts). */
  slackFallbackAt: number | null;
  /** The ways it reached them then, comma-separated in order ("push,voice"). */
  slackFallbackVia: string | null;
}

/** What a page is raised with. */
export type PageInsert = Pick<Page, 'rotation' | 'severity' | 'summary' | 'source' | 'sourceRef' | 'createdBy' | 'createdAt'>;

/** The fields a decision may change. */
export type PagePatch = Partial<Omit<Page, 'id' | 'rotation' | 'summary' | 'source' | 'sourceRef' | 'createdBy' | 'createdAt'>>;

/** One message a page produced: a DM (userId), a user group it named (the group id), or a channel line (null). */
export interface PageMessage {
  pageId: number;
  userId: string | null;
  ref: string;
  stepIndex: number;
  loop: number;
  createdAt: number;
}

/** What every page runs when it is raised and climbs: built and compiled once per connection, then only run. */
const statements = preparedOnce((db) => ({
  insert: db
    .insert(pages)
    .values(placeholdersFor('rotation', 'severity', 'summary', 'source', 'sourceRef', 'createdBy', 'createdAt'))
    .returning()
    .prepare(),
  find: db
    .select()
    .from(pages)
    .where(eq(pages.id, sql.placeholder('id')))
    .prepare(),
  insertMessage: db
    .insert(pageMessages)
    .values(placeholdersFor('pageId', 'userId', 'ref', 'stepIndex', 'loop', 'createdAt'))
    .prepare(),
  messagesOf: db
    .select({
      pageId: pageMessages.pageId,
      userId: pageMessages.userId,
      ref: pageMessages.ref,
      stepIndex: pageMessages.stepIndex,
      loop: pageMessages.loop,
      createdAt: pageMessages.createdAt,
    })
    .from(pageMessages)
    .where(eq(pageMessages.pageId, sql.placeholder('pageId')))
    .orderBy(pageMessages.id)
    .prepare(),
}));

const updateRow = updateById(pages);

export function insertPage(db: Db, values: PageInsert): Page {
  return statements(db).insert.get(values)!;
}

export function findPage(db: Db, id: number): Page | null {
  return statements(db).find.get({ id }) ?? null;
}

export function updatePage(db: Db, id: number, patch: PagePatch): void {
  updateRow(db, id, patch);
}

export function insertPageMessages(db: Db, rows: readonly PageMessage[]): void {
  const { insertMessage } = statements(db);
  for (const row of rows) insertMessage.run({ ...row });
}

/** The pages raised for something (an incident's `incident:12`), newest first. */
export function pagesAbout(db: Db, sourceRef: string): Page[] {
  return db.select().from(pages).where(eq(pages.sourceRef, sourceRef)).all().reverse();
}

/** The first open page raised for something, if any. */
export function openPageAbout(db: Db, sourceRef: string): Page | null {
  return (
    db
      .select()
      .from(pages)
      .where(and(eq(pages.sourceRef, sourceRef), eq(pages.status, 'open')))
      .get() ?? null
  );
}

/** The ids of the pages raised for something that are not resolved yet. */
export function unresolvedPageIdsAbout(db: Db, sourceRef: string): number[] {
  return db
    .select({ id: pages.id })
    .from(pages)
    .where(and(eq(pages.sourceRef, sourceRef), ne(pages.status, 'resolved')))
    .all()
    .map((r) => r.id);
}

/** Every message row of a page, oldest first. */
export function messagesOf(db: Db, pageId: number): PageMessage[] {
  return statements(db).messagesOf.all({ pageId });
}

/** Whether the page has a message row for this user (or group) id. */
export function hasReached(db: Db, pageId: number, userId: string): boolean {
  return (
    db
      .select({ id: pageMessages.id })
      .from(pageMessages)
      .where(and(eq(pageMessages.pageId, pageId), eq(pageMessages.userId, userId)))
      .get() !== undefined
  );
}

/** The page a message ref belongs to. */
export function pageIdOfMessageRef(db: Db, ref: string): number | null {
  return db.select({ pageId: pageMessages.pageId }).from(pageMessages).where(eq(pageMessages.ref, ref)).get()?.pageId ?? null;
}

/** `/oncall pages`: the open pages, or those raised since an instant; newest first, at most `limit`. */
export function listPages(db: Db, which: { status: 'open' } | { since: number }, limit: number): Page[] {
  return db
    .select()
    .from(pages)
    .where('status' in which ? eq(pages.status, which.status) : gte(pages.createdAt, which.since))
    .orderBy(desc(pages.createdAt))
    .limit(limit)
    .all();
}

/** The open pages that reached this person (a DM, a chat message, a mention): their Home tab lists them. */
export function openPagesThatReached(db: Db, userId: string): Page[] {
  // From the open pages (few) to their messages, not from every message this person ever got (years of them).
  return db
    .selectDistinct(getTableColumns(pages))
    .from(pages)
    .innerJoin(pageMessages, eq(pageMessages.pageId, pages.id))
    .where(and(eq(pages.status, 'open'), eq(pageMessages.userId, userId)))
    .orderBy(asc(pages.id))
    .all();
}

/** Pages raised in [from, to), of one rotation or all. */
export function pagesRaisedBetween(db: Db, from: number, to: number, rotation: string | null): Page[] {
  return db
    .select()
    .from(pages)
    .where(and(gte(pages.createdAt, from), lt(pages.createdAt, to), rotation ? eq(pages.rotation, rotation) : undefined))
    .all();
}

/** Ids per statement when asking about many pages at once (SQLite's limit is 32,766 values). */
export const PAGE_IDS_PER_QUERY = 5_000;

/** Page id -> the user (and group) ids its messages reached. */
export function reachedByPage(db: Db, pageIds: readonly number[]): Map<number, Set<string>> {
  const reached = new Map<number, Set<string>>();
  if (pageIds.length === 0) return reached;
  const rows: Array<{ pageId: number; userId: string | null }> = [];
  // SQLite takes at most 32,766 values in one statement: a month of a busy team's pages is asked in slices.
  for (let start = 0; start < pageIds.length; start += PAGE_IDS_PER_QUERY) {
    const slice = pageIds.slice(start, start + PAGE_IDS_PER_QUERY);
    rows.push(
      ...db
        .select({ pageId: pageMessages.pageId, userId: pageMessages.userId })
        .from(pageMessages)
        .where(and(inArray(pageMessages.pageId, slice), isNotNull(pageMessages.userId)))
        .all(),
    );
  }
  for (const m of rows) reached.set(m.pageId, (reached.get(m.pageId) ?? new Set()).add(m.userId!));
  return reached;
}

/** The newest page (the simulator raises one and follows it). */
export function latestPage(db: Db): Page | null {
  return db.select().from(pages).orderBy(desc(pages.id)).get() ?? null;
}

/** The first string after every string that starts with `prefix` (its last character's next code unit). */
const prefixEnd = (prefix: string): string => `${prefix.slice(0, -1)}${String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1)}`;

const digestFacts = preparedOnce((db) => {
  const recentToPerson = and(
    eq(pageMessages.userId, sql.placeholder('userId')),
    gt(pageMessages.createdAt, sql.placeholder('since')),
    eq(pages.status, 'open'),
  );
  return {
    // Counted up to `cap` pages: the rule only asks whether there are that many, and a storm has thousands.
    openPages: db
      .select({ n: sql<number>`count(*)` })
      .from(
        db
          .selectDistinct({ pageId: pageMessages.pageId })
          .from(pageMessages)
          .innerJoin(pages, eq(pages.id, pageMessages.pageId))
          .where(
            and(
              recentToPerson,
              ne(pageMessages.pageId, sql.placeholder('exceptPageId')),
              sql`(${pageMessages.ref} GLOB ${sql.placeholder('glob0')} OR ${pageMessages.ref} GLOB ${sql.placeholder('glob1')} OR ${pageMessages.ref} GLOB ${sql.placeholder('glob2')})`,
            ),
          )
          .limit(sql.placeholder('cap'))
          .as('recent'),
      )
      .prepare(),
    // SQLite gives a bare column the values of the row max() picked: the newest row's ref, with no sort of them all.
    newest: db
      .select({ ref: pageMessages.ref, id: sql<number | null>`max(${pageMessages.id})` })
      .from(pageMessages)
      .innerJoin(pages, eq(pages.id, pageMessages.pageId))
      .where(and(recentToPerson, gte(pageMessages.ref, sql.placeholder('from')), lt(pageMessages.ref, sql.placeholder('to'))))
      .prepare(),
  };
});

/**
 * One person's digest facts since an instant, among the messages to them of pages still open: how many pages
 * other than `exceptPageId` have a message whose ref matches one of `globs` (three GLOB patterns), counted up to
 * `cap`, and the newest ref starting with `prefix`. Counted by SQLite: a storm puts thousands of rows in the last
 * minute, and reading each of them into a value for every new page made a storm's ingest quadratic.
 */
export function personDigestFacts(
  db: Db,
  query: { userId: string; since: number; exceptPageId: number; globs: readonly [string, string, string]; prefix: string; cap: number },
): { open: number; newest: string | null } {
  const statements = digestFacts(db);
  const { userId, since, globs, prefix } = query;
  const open = statements.openPages.get({
    userId,
    since,
    exceptPageId: query.exceptPageId,
    glob0: globs[0],
    glob1: globs[1],
    glob2: globs[2],
    cap: query.cap,
  });
  const newest = statements.newest.get({ userId, since, from: prefix, to: prefixEnd(prefix) });
  return { open: open?.n ?? 0, newest: newest?.id != null ? newest.ref : null };
}

const refStatements = preparedOnce((db) => ({
  // A range, not LIKE: it can use an index (the last minute's rows by created_at, or the prefix's by ref). max(): SQLite
  // gives the bare column the newest row's ref, without sorting every row of the range first (a storm has thousands).
  newestSince: db
    .select({ ref: pageMessages.ref, id: sql<number | null>`max(${pageMessages.id})` })
    .from(pageMessages)
    .where(
      and(
        gte(pageMessages.ref, sql.placeholder('from')),
        lt(pageMessages.ref, sql.placeholder('to')),
        gt(pageMessages.createdAt, sql.placeholder('since')),
      ),
    )
    .prepare(),
  firstAt: db
    .select({ at: pageMessages.createdAt, id: sql<number | null>`min(${pageMessages.id})` })
    .from(pageMessages)
    .where(eq(pageMessages.ref, sql.placeholder('ref')))
    .prepare(),
}));

/** The newest message ref starting with `prefix` that a page joined since an instant (a digest still taking pages), or null. */
export function newestRefSince(db: Db, prefix: string, since: number): string | null {
  const row = refStatements(db).newestSince.get({ from: prefix, to: prefixEnd(prefix), since });
  return row?.id != null ? row.ref : null;
}

/** The pages that have a message row with this ref (the pages a digest lists), by page id. */
export function pagesWithMessage(db: Db, ref: string): Page[] {
  return db
    .selectDistinct(getTableColumns(pages))
    .from(pages)
    .innerJoin(pageMessages, eq(pageMessages.pageId, pages.id))
    .where(eq(pageMessages.ref, ref))
    .orderBy(asc(pages.id))
    .all();
}

/** When the first message row with this ref was written (when a digest started), or null. */
export function firstMessageAt(db: Db, ref: string): number | null {
  const row = refStatements(db).firstAt.get({ ref });
  return row?.id != null ? row.at : null;
}
