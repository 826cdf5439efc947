/**
 * Digests, pure: when a page's DM or channel line goes out one by one, and when it joins a digest instead.
 *
 * Per person: a storm of 200 pages is not 200 DMs. Once a person has `after` (policy `digest.after`, default 3)
 * unacknowledged pages that reached them by DM (or a digest) within the last minute, the next page joins one
 * digest DM ("4 more pages: ...", with Acknowledge all) edited in place, at most every DIGEST_EDIT_INTERVAL_MS.
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
 */
import { PRIORITY, type OutgoingCall } from '../engine/outbox.js';
import { MINUTE, SECOND } from '../time/clock.js';
import { channelDigestBlocks, personDigestBlocks, type DigestEntry } from './page-blocks.js';
import { digestRef, parseDigestRef } from './page-refs.js';

/** How far back a person's pages count toward the threshold, and how long a digest keeps taking pages. */
export const DIGEST_WINDOW_MS = MINUTE;
/** A digest is edited at most this often, however many pages join it. */
export const DIGEST_EDIT_INTERVAL_MS = 5 * SECOND;
/** Posts waiting for one channel beyond which a new line is folded into its digest line (Slack: ~1 post/s). */
export const CHANNEL_BACKLOG_LIMIT = 10;

/** What the decision about one person needs, gathered by page-gather.ts. */
export interface PersonDigestState {
  /** Open pages other than this one that reached the person by DM or in a digest within the last minute. */
  recentOpen: number;
  /** The person's newest digest that took a page within the last minute that is still open, or null. */
  current: string | null;
}

/** What the decision about one channel line needs. */
export interface ChannelDigestState {
  /** chat.postMessage calls for the channel still waiting in the outbox. */
  backlog: number;
  /** The channel's digest line started within the last minute, or null: a storm that goes on gets a new line each minute. */
  current: string | null;
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

/**
 * The edit that draws a digest anew with the pages it lists (`page.digest_refresh`): a person's DM or a channel's
 * line, by its target's id. An edit still waiting is replaced (supersedes): a storm queues one, not one per page.
 */
export function digestUpdate(ref: string, entries: readonly DigestEntry[]): OutgoingCall | null {
  const parsed = parseDigestRef(ref);
  if (!parsed || entries.length === 0) return null;
  const person = /^[UW]/.test(parsed.target);
  return {
    method: 'chat.update',
    args: person ? personDigestBlocks(ref, entries) : channelDigestBlocks(entries),
    priority: PRIORITY.cosmetic,
    targetRef: ref,
    supersedes: true,
  };
}
