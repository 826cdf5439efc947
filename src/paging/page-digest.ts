/**
 * Digests, pure: when a page's DM or channel line goes out one by one, and when it joins a digest instead.
 *
 * Per person: a storm of 200 pages is not 200 DMs. Once a person has `after` (policy `digest.after`, default 3)
 * unacknowledged pages that reached them by DM (or a digest) within the last minute, the next page joins one
 * digest DM ("4 more pages: ...", with Acknowledge all) edited in place (see "Drawing a digest" below).
 * The page is not lost into it: it keeps its row, its timers, its escalation (a later step's DM to the same person
 * joins the digest again while they are over the threshold) and its acknowledgement.
 *
 *   after 3; pages for Bob at 0:00, 0:01, 0:02, 0:03, 0:04   -> DM, DM, DM, digest (started), digest (joined)
 *   Bob presses Acknowledge all at 0:30; a page at 0:31         -> DM (nothing open reached him in the last minute)
 *   nobody acknowledges; the next page at 1:05                  -> digest: the pages of 0:03, 0:04 still count
 *   nothing for a minute; a page at 2:10                        -> DM: the minute passed under the threshold
 *
 * Per channel: Slack posts about one message a second in a channel (a burst of a few). A channel line that would
 * wait behind more than CHANNEL_BACKLOG_LIMIT posts (about 10 s) joins the channel's digest line instead
 * ("+37 more pages in the last minute: ..."), edited in place. The count is of posts still in the outbox for that
 * channel, read when the line is decided: the decision stays where the line is made, and the outbox stays a queue.
 *
 * Drawing a digest (decideDigestDraw): a digest reaches the person as fast as a DM. Its post and its edits are drawn
 * when the outbox sends them (OutgoingCall.draw), from the pages it lists then: one post or edit carries every page
 * that joined before it left. So a page that joins needs a new edit only when no post or edit of the digest is
 * still waiting to leave; and edits are paced (a burst of DIGEST_PERSON_PACE.burst, then one every everyMs), so a
 * storm's first second costs a handful of edits and a long storm stays within Slack's limits (chat.update is
 * Tier 3, ~50 a minute per workspace). Past the pace, the edit is queued when the pace allows (a timer).
 *
 *   person pace: burst 5, then one every 2 s. The post leaves at 0.000 s and is on its way until 0.010 s.
 *   0.005 a page joins            -> edit now (the post left without it)
 *   0.006 a page joins            -> nothing: the edit queued at 0.005 has not left; it will carry this page too
 *   0.020..0.060 five more joins, each after the last edit left -> edits 2..5 now, then the 6th at 2.005 (a timer)
 */
import { PRIORITY, type CallState, type OutgoingCall, type Priority } from '../engine/outbox.js';
import { MINUTE, SECOND } from '../time/clock.js';
import { channelDigestBlocks, personDigestBlocks, type DigestEntry } from './page-blocks.js';
import { digestRef, parseDigestRef } from './page-refs.js';

/** How far back a person's pages count toward the threshold, and how long a digest keeps taking pages. */
export const DIGEST_WINDOW_MS = MINUTE;
/** A digest whose pages changed state (acknowledged, resolved) is redrawn at the end of such an interval: not urgent. */
export const DIGEST_EDIT_INTERVAL_MS = 5 * SECOND;
/** The drawer (OutboxDrainer.drawWith) that draws a digest's post or edit when it leaves, by the digest's ref. */
export const DIGEST_DRAWER = 'page-digest';

/** How a digest's edits are paced: `burst` at once, then one every `everyMs` (a token bucket, refilled one per everyMs). */
export interface DrawPace {
  burst: number;
  everyMs: number;
}
/** A person's digest carries pages: as fast as a DM for the first few, then one edit every 2 s (30 a minute at most). */
export const DIGEST_PERSON_PACE: DrawPace = { burst: 5, everyMs: 2 * SECOND };
/** A channel's digest line only informs (the channel is busy already): one edit at once, then one every 5 s. */
export const DIGEST_CHANNEL_PACE: DrawPace = { burst: 1, everyMs: DIGEST_EDIT_INTERVAL_MS };
/** How far back a digest's edits are read for its pace: far more than a burst takes to refill. */
export const DIGEST_PACE_HISTORY_MS = MINUTE;

/** What deciding whether to draw a digest anew needs, gathered from the outbox (page-gather.ts). */
export interface DigestDrawState {
  /** The digest's post: still queued (it is drawn when it leaves), on its way (drawn already), or done. */
  post: CallState;
  /** Its edits: those still pending, and those queued within DIGEST_PACE_HISTORY_MS, oldest first. */
  edits: ReadonlyArray<{ createdAt: number; state: CallState; priority: number }>;
}

/**
 * Whether a digest that changed (a page joined: `priority` page; a page's state changed: cosmetic) is drawn anew:
 * `none` when a post or edit that will carry the change has not left yet (it is drawn when it leaves, at the same
 * or a more urgent priority), `edit` now when its pace allows, else `later` at the instant it does.
 */
export type DigestDraw = { kind: 'none' } | { kind: 'edit' } | { kind: 'later'; at: number };

export function decideDigestDraw(state: DigestDrawState, pace: DrawPace, priority: Priority, now: number): DigestDraw {
  if (state.post === 'queued') return { kind: 'none' };
  const waiting = state.edits.find((e) => e.state === 'queued');
  // A queued edit carries the change when it leaves; one less urgent is replaced (it supersedes), not joined.
  if (waiting && waiting.priority <= priority) return { kind: 'none' };
  const paced = state.edits.filter((e) => e !== waiting).map((e) => e.createdAt);
  const at = nextEditAt(paced, pace);
  return at <= now ? { kind: 'edit' } : { kind: 'later', at };
}

/**
 * The earliest instant the next edit fits the pace, given when the earlier ones were queued (oldest first): a
 * token bucket of `burst` tokens, one back every `everyMs` (GCRA: each edit pushes the theoretical time by everyMs).
 */
export function nextEditAt(queuedAt: readonly number[], pace: DrawPace): number {
  let theoretical = Number.NEGATIVE_INFINITY;
  for (const at of queuedAt) theoretical = Math.max(theoretical, at) + pace.everyMs;
  return theoretical - pace.burst * pace.everyMs + pace.everyMs;
}
/** Posts waiting for one channel beyond which a new line is folded into its digest line (Slack: ~1 post/s). */
export const CHANNEL_BACKLOG_LIMIT = 10;

/** What the decision about one person needs, gathered by page-gather.ts. */
export interface PersonDigestState {
  /** Open pages other than this one that reached the person by DM or in a digest within the last minute. */
  recentOpen: number;
  /** The person's newest digest that took a page within the last minute that is still open, or null. */
  current: string | null;
  /** How the current digest's post and edits stand in the outbox (decideDigestDraw); absent: redrawn by a timer. */
  draw?: DigestDrawState;
}

/** What the decision about one channel line needs. */
export interface ChannelDigestState {
  /** chat.postMessage calls for the channel still waiting in the outbox. */
  backlog: number;
  /** The channel's digest line started within the last minute, or null: a storm that goes on gets a new line each minute. */
  current: string | null;
  /** How the current digest line's post and edits stand in the outbox (decideDigestDraw); absent: redrawn by a timer. */
  draw?: DigestDrawState;
}

export type DigestDecision = { kind: 'single' } | { kind: 'join'; ref: string } | { kind: 'start'; ref: string };

function digestOf(current: string | null, target: string, pageId: number): DigestDecision {
  return current ? { kind: 'join', ref: current } : { kind: 'start', ref: digestRef({ target, first: pageId }) };
}

/** Whether a channel with this many posts waiting could not post one more within ~10 s (Slack: ~1 post/s). */
export const channelBacklogged = (backlog: number): boolean => backlog >= CHANNEL_BACKLOG_LIMIT;

/** A page's DM for `userId`: on its own while they have fewer than `after` open pages from the last minute, else in their digest. */
export function decidePersonDigest(state: PersonDigestState, after: number, userId: string, pageId: number): DigestDecision {
  if (state.recentOpen < after) return { kind: 'single' };
  return digestOf(state.current, userId, pageId);
}

/** A page's line in `channel`: posted while the channel's backlog is under the limit, else in the channel's digest line. */
export function decideChannelDigest(state: ChannelDigestState, channel: string, pageId: number): DigestDecision {
  if (!channelBacklogged(state.backlog)) return { kind: 'single' };
  return digestOf(state.current, channel, pageId);
}

/** When a digest a page just joined (or changed in) is next edited: the end of the current interval, one timer per interval. */
export function digestRefreshAt(now: number): number {
  return (Math.floor(now / DIGEST_EDIT_INTERVAL_MS) + 1) * DIGEST_EDIT_INTERVAL_MS;
}

/** Whether a digest is a person's (their DM) rather than a channel's line. */
export const isPersonDigest = (ref: string): boolean => /^[UW]/.test(parseDigestRef(ref)?.target ?? '');

/** How a digest's edits are paced: a person's as fast as a DM at first, a channel's slower. */
export const digestPace = (ref: string): DrawPace => (isPersonDigest(ref) ? DIGEST_PERSON_PACE : DIGEST_CHANNEL_PACE);

/** A digest's text and blocks with the pages it lists: a person's DM or a channel's line, by its target's id; null for no digest. */
export function digestMessage(ref: string, entries: readonly DigestEntry[]): { text: string; blocks: unknown[] } | null {
  if (!parseDigestRef(ref) || entries.length === 0) return null;
  return isPersonDigest(ref) ? personDigestBlocks(ref, entries) : channelDigestBlocks(entries);
}

/**
 * The edit that draws a digest anew with the pages it lists when it leaves (OutgoingCall.draw; `entries` are
 * what it says if nothing is drawn then). An edit still waiting is replaced (supersedes): one waits at most.
 */
export function digestUpdate(ref: string, entries: readonly DigestEntry[], priority: Priority = PRIORITY.cosmetic): OutgoingCall | null {
  const message = digestMessage(ref, entries);
  if (!message) return null;
  return {
    method: 'chat.update',
    args: message,
    priority,
    targetRef: ref,
    supersedes: true,
    draw: { with: DIGEST_DRAWER, key: ref },
  };
}
