/**
 * Acknowledging from a push without a public URL, pure (issue #21 item 4). A bot in Socket Mode behind a
 * firewall cannot be POSTed to, so its push's Acknowledge button publishes the signed ack token to a reply topic
 * on the same ntfy server instead, and the bot reads that topic outbound (ntfy's JSON stream).
 *
 * The reply topic is one per page and unguessable: an HMAC of the page id under the ack secret. Knowing it lets
 * one publish a body to it, nothing more: only a body that is a valid token for that page acknowledges it
 * (ack-route.ts useAckToken, the same checks as POST /ack/<token>).
 *
 *   page 12, secret s            -> oncall-ack-<32 hex of HMAC-SHA256(s, "reply-topic:v1:12")>
 *   open [12, 9, 4], pushed {12, 4} -> follows pages 12 and 4 (newest first, at most MAX_REPLY_TOPICS)
 *   a message on page 12's topic -> use its body as a token for page 12
 *   an open or keepalive event, a topic not followed, a line that is not JSON -> nothing
 */
import { createHmac } from 'node:crypto';

/** The most reply topics one stream follows: the newest open pages first (a URL holds about 45 characters a topic). */
export const MAX_REPLY_TOPICS = 100;

export function replyTopic(secret: string, pageId: number): string {
  return `oncall-ack-${createHmac('sha256', secret).update(`reply-topic:v1:${pageId}`).digest('hex').slice(0, 32)}`;
}

/**
 * The pages whose reply topics the bot follows: the open ones it sent a push for, newest (highest id) first, at
 * most `max`. The topics are sorted, so the same pages always make the same stream.
 */
export function followedReplies(
  secret: string,
  open: readonly number[],
  pushed: ReadonlySet<number>,
  max = MAX_REPLY_TOPICS,
): Map<string, number> {
  const pageIds = [...new Set(open)]
    .filter((id) => pushed.has(id))
    .sort((a, b) => b - a)
    .slice(0, max);
  const topics = pageIds.map((id) => [replyTopic(secret, id), id] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return new Map(topics);
}

/** Whether a stream that follows `current` must be reopened to follow `wanted` (the same topics: no). */
export function sameTopics(current: ReadonlyMap<string, number>, wanted: ReadonlyMap<string, number>): boolean {
  return current.size === wanted.size && [...wanted.keys()].every((topic) => current.has(topic));
}

/**
 * The stream's URL: the topics comma-separated, and `since` (unix seconds) so that a reply published while the
 * stream was down or being reopened is still read. Acknowledge tokens live a day: older replies are worth nothing.
 */
export function replyStreamUrl(ntfyUrl: string, topics: Iterable<string>, sinceMs: number): string {
  return `${ntfyUrl.replace(/\/+$/, '')}/${[...topics].join(',')}/json?since=${Math.max(0, Math.floor(sinceMs / 1000))}`;
}

export type ReplyDecision =
  | { kind: 'skip'; why: 'not json' | 'not a message' | 'not followed' | 'seen' }
  | { kind: 'use'; pageId: number; token: string; messageId: string };

/**
 * What one line of the stream does: a message on a followed reply topic is its body used as an ack token for
 * that topic's page (once per message id: a reconnect's `since` sends some again); anything else is skipped.
 */
export function readReply(line: string, followed: ReadonlyMap<string, number>, seen: ReadonlySet<string>): ReplyDecision {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { kind: 'skip', why: 'not json' };
  }
  if (typeof parsed !== 'object' || parsed === null) return { kind: 'skip', why: 'not json' };
  const m = parsed as Record<string, unknown>;
  if (m.event !== 'message' || typeof m.id !== 'string' || typeof m.topic !== 'string') return { kind: 'skip', why: 'not a message' };
  const pageId = followed.get(m.topic);
  if (pageId === undefined) return { kind: 'skip', why: 'not followed' };
  if (seen.has(m.id)) return { kind: 'skip', why: 'seen' };
  return { kind: 'use', pageId, token: typeof m.message === 'string' ? m.message.trim() : '', messageId: m.id };
}
