/**
 * The names of a page's messages and timers, built and parsed here only. A ref is the outbox's name for a
 * message (the ts is stored under it so a later edit finds it); a page's message rows (page_messages) and its
 * notices carry one, and whoever needs to know what a message was (the simulator's timeline) parses it here
 * instead of reading its words.
 *
 *   page:12                          the page's timer subject (and its buttons' block_id)
 *   page:12:dm:U0ALICE:0:1           the DM of round 1 (loop 0), step 2 (stepIndex 1)
 *   page:12:channel:0:1              the channel line of that step
 *   page:12:chat:C0TEAM:0:1          a chat-only step's message, where it was posted
 *   page:12:task                     a task severity's one message
 *   page:12:rule:3:U0CTO             a notify rule (index 3) that pages, its DM
 *   page:12:rule:3:channel           ... and its channel line
 *   page:12:fyi:3:U0CTO              a notify rule's FYI to one person
 *   page:12:fyi:3:channel            ... and the mention of its user groups where the page is followed
 *   page:12:held                     the page waits for business hours (quiet at night)
 *   page:12:skip:0:1                 round 1, step 2 named nobody and was skipped
 *   page:12:via:0:1                  round 1, step 2's `via` method is not verified for some it reached
 *   page:12:exhausted                nobody acknowledged after the whole chain
 *
 * A digest (page-digest.ts) is one message for many pages; each page it lists has a message row with its ref:
 *
 *   page-digest:U0BOB:40             Bob's digest DM, started by page #40
 *   page-digest:C0ALERTS:41          a digest line in the alerts channel, started by page #41
 */

export type PageRef =
  | { kind: 'dm'; pageId: number; userId: string; loop: number; stepIndex: number }
  | { kind: 'channel'; pageId: number; loop: number; stepIndex: number }
  | { kind: 'chat'; pageId: number; target: string; loop: number; stepIndex: number }
  | { kind: 'task'; pageId: number }
  | { kind: 'rule'; pageId: number; rule: number; to: string | 'channel' }
  | { kind: 'fyi'; pageId: number; rule: number; to: string | 'channel' }
  | { kind: 'held'; pageId: number }
  | { kind: 'skip'; pageId: number; loop: number; stepIndex: number }
  | { kind: 'via'; pageId: number; loop: number; stepIndex: number }
  | { kind: 'exhausted'; pageId: number };

/** The subject every timer of the page is filed under (cancelling it stops the page's timers). */
export const pageSubject = (pageId: number): string => `page:${pageId}`;

/** The block_id of a page's buttons. */
export const pageBlockId = (pageId: number): string => `page:${pageId}`;

export function pageRef(ref: PageRef): string {
  const head = `page:${ref.pageId}`;
  switch (ref.kind) {
    case 'dm':
      return `${head}:dm:${ref.userId}:${ref.loop}:${ref.stepIndex}`;
    case 'channel':
      return `${head}:channel:${ref.loop}:${ref.stepIndex}`;
    case 'chat':
      return `${head}:chat:${ref.target}:${ref.loop}:${ref.stepIndex}`;
    case 'task':
      return `${head}:task`;
    case 'rule':
      return `${head}:rule:${ref.rule}:${ref.to}`;
    case 'fyi':
      return `${head}:fyi:${ref.rule}:${ref.to}`;
    case 'held':
      return `${head}:held`;
    case 'skip':
    case 'via':
      return `${head}:${ref.kind}:${ref.loop}:${ref.stepIndex}`;
    case 'exhausted':
      return `${head}:exhausted`;
  }
}

const num = (s: string | undefined): number | null => (s !== undefined && /^\d+$/.test(s) ? Number(s) : null);

/** The inverse of pageRef; null for anything that is not a page's message ref (another feature's, or malformed). */
export function parsePageRef(ref: string): PageRef | null {
  const parts = ref.split(':');
  if (parts[0] !== 'page') return null;
  const pageId = num(parts[1]);
  if (pageId === null) return null;
  const [kind, ...rest] = parts.slice(2);
  const position = (loop: string | undefined, step: string | undefined) => {
    const l = num(loop);
    const s = num(step);
    return l === null || s === null ? null : { loop: l, stepIndex: s };
  };
  switch (kind) {
    case 'dm': {
      const p = rest.length === 3 && rest[0] ? position(rest[1], rest[2]) : null;
      return p ? { kind, pageId, userId: rest[0]!, ...p } : null;
    }
    case 'channel': {
      const p = rest.length === 2 ? position(rest[0], rest[1]) : null;
      return p ? { kind, pageId, ...p } : null;
    }
    case 'chat': {
      const p = rest.length === 3 && rest[0] ? position(rest[1], rest[2]) : null;
      return p ? { kind, pageId, target: rest[0]!, ...p } : null;
    }
    case 'skip':
    case 'via': {
      const p = rest.length === 2 ? position(rest[0], rest[1]) : null;
      return p ? { kind, pageId, ...p } : null;
    }
    case 'rule':
    case 'fyi': {
      const rule = num(rest[0]);
      // The rest is a user or group id, or "channel" (ids never hold a colon).
      const to = rest.slice(1).join(':');
      return rule !== null && to !== '' ? { kind, pageId, rule, to } : null;
    }
    case 'task':
    case 'held':
    case 'exhausted':
      return rest.length === 0 ? { kind, pageId } : null;
    default:
      return null;
  }
}

/** The page a timer subject or a ref names ("page:12..." -> 12), else null. */
export function pageIdOf(subjectOrRef: string): number | null {
  const parts = subjectOrRef.split(':');
  return parts[0] === 'page' ? num(parts[1]) : null;
}

/**
 * The number in a page's sourceRef, which names what the page is about as `<source>:<id>` ("incident:12",
 * "alert:40"): the page's own field, written by whoever raised the page, so paging reads it without knowing that
 * feature's refs. Null when the ref is not of that form for the page's source.
 */
export function sourceIdOf(page: { source: string; sourceRef?: string | null }): number | null {
  const prefix = `${page.source}:`;
  if (!page.sourceRef?.startsWith(prefix)) return null;
  const rest = page.sourceRef.slice(prefix.length);
  return /^\d+$/.test(rest) ? Number(rest) : null;
}

/** A digest message: one DM for a person (U...) or one line in a channel (C...), named after the page that started it. */
export interface DigestRef {
  target: string;
  first: number;
}

const DIGEST_HEAD = 'page-digest';

export const digestRef = (ref: DigestRef): string => `${DIGEST_HEAD}:${ref.target}:${ref.first}`;

/**
 * GLOB patterns (SQLite) of the message refs that count toward a person's digest: a page's own DM, a rule's DM,
 * and a digest's row (parsePageRef kinds 'dm' and 'rule', parseDigestRef): so they are counted without reading each.
 */
export const PERSON_DIGEST_REF_GLOBS: readonly [string, string, string] = ['page:*:dm:*', 'page:*:rule:*', `${DIGEST_HEAD}:*:*`];

/** The prefix every digest ref of one target starts with (to find the newest). */
export const digestRefPrefix = (target: string): string => `${DIGEST_HEAD}:${target}:`;

/** The inverse of digestRef; null for anything else. */
export function parseDigestRef(ref: string): DigestRef | null {
  const parts = ref.split(':');
  if (parts.length !== 3 || parts[0] !== DIGEST_HEAD || !parts[1]) return null;
  const first = num(parts[2]);
  return first === null ? null : { target: parts[1], first };
}
