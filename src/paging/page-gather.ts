/**
 * Gather: what a decision about one page needs (page-decide.ts PageState), read in the caller's transaction
 * through the stores: the page and its message rows (page-store.ts), who is on call now (schedules), the
 * members of the user groups it may name (usergroups), and what the feature the page is about says of it.
 */
import type { Policy } from '../config/policy.js';
import type { EngineTx } from '../engine/engine.js';
import { membersOf } from '../usergroups/usergroup-store.js';
import { verifiedKindsByUser } from '../contacts/contact-store.js';
import { personalRulesByUser } from '../contacts/contact-wake-store.js';
import type { OnCallNow } from './escalation.js';
import { onCallNow } from './on-call-now.js';
import { isGroupId, stepDmRecipient, type PageState } from './page-decide.js';
import { chainFor } from './page-policy.js';
import { firstMessageAt, messagesOf, newestRefSince, personDigestFacts, type Page } from './page-store.js';
import { callsInFlightFor } from './wake-call-store.js';
import { deliveredMessage, editsOf, pendingPostsInChannel, postUnder } from '../engine/outbox.js';
import {
  DIGEST_PACE_HISTORY_MS,
  DIGEST_WINDOW_MS,
  type ChannelDigestState,
  type DigestDrawState,
  type PersonDigestState,
} from './page-digest.js';
import { alertsChannelOf } from './page-policy.js';
import { pendingTimerKeys } from '../engine/timers.js';
import type { StepPosition } from './escalation.js';
import { digestRefPrefix, PERSON_DIGEST_REF_GLOBS, pageSubject } from './page-refs.js';
import { PAGE_TIMERS } from './page-timers.js';

/**
 * What paging asks about the thing a page is for, without importing the feature that owns it: an incident's
 * page is mitigated when the incident is Monitoring or Resolved, and carries the incident's tags.
 */
export interface PageContext {
  /** true or false for a page about something with a status of its own; null: the page's own state decides. */
  isMitigated(tx: EngineTx, page: Page): boolean | null;
  tagsOf(tx: EngineTx, page: Page): string[];
}

export const NO_CONTEXT: PageContext = { isMitigated: () => null, tagsOf: () => [] };

/** `withDigests`: the decision may DM someone or post a channel line (page-decide.ts `mayMessage`), so the digests' state is read. */
export function gatherPageState(tx: EngineTx, policy: Policy, context: PageContext, page: Page, withDigests = false): PageState {
  const messages = messagesOf(tx.db, page.id);
  const chain = chainFor(policy, page);
  // The on-call now of the other rotations the chain's steps name ("frontend.primary").
  const others: Record<string, OnCallNow> = {};
  for (const { target } of chain.steps) {
    if (target.kind !== 'rotation') continue;
    const name = target.rotation;
    if (policy.rotations[name] && !others[name]) others[name] = onCallNow(tx.db, policy, name, tx.now);
  }
  // Every user group a decision about this page may reach or let act: the chain's, the rules', those it named.
  const chainGroups = chain.steps.flatMap(({ target }) => (target.kind === 'usergroup' ? [target.usergroupId] : []));
  const named = [...policy.notify.map((r) => r.who), ...messages.map((m) => m.userId ?? '')].filter(
    (id) => isGroupId(id) && !(id in policy.people),
  );
  const members: Record<string, string[] | null> = {};
  for (const id of [...chainGroups, ...named]) if (!(id in members)) members[id] = membersOf(tx.db, id);
  const onCall = onCallNow(tx.db, policy, page.rotation, tx.now);
  return {
    page,
    messages,
    onCall,
    others,
    members,
    tags: context.tagsOf(tx, page),
    mitigated: context.isMitigated(tx, page),
    // Only a page still open wakes anyone; the contacts table holds a few rows per person, read whole.
    verified: page.status === 'open' ? verifiedKindsByUser(tx.db) : {},
    // The calls a closing page ends (page-call-end.ts).
    callsInFlight: page.status === 'resolved' ? [] : callsInFlightFor(tx.db, page.id),
    personal: page.status === 'open' ? personalRulesByUser(tx.db) : {},
    ...(withDigests && page.status === 'open'
      ? { digest: gatherDigests(tx, policy, page, [onCall, ...Object.values(others)], members) }
      : {}),
  };
}

/**
 * What the digest decisions (page-digest.ts) need: for everyone a decision about this page may DM (the on-call of
 * its rotations, the policy's people, the groups' members), their open pages of the last minute and their newest
 * digest; for the page's alerts channel, the posts still waiting for it and its newest digest line.
 */
function gatherDigests(
  tx: EngineTx,
  policy: Policy,
  page: Page,
  onCall: readonly OnCallNow[],
  members: Record<string, string[] | null>,
): NonNullable<PageState['digest']> {
  const since = tx.now - DIGEST_WINDOW_MS;
  const candidates = new Set<string>();
  for (const o of onCall) for (const id of [o.primary, o.secondary]) if (id) candidates.add(id);
  for (const id of Object.values(policy.people)) if (!isGroupId(id)) candidates.add(id);
  for (const list of Object.values(members)) for (const id of list ?? []) candidates.add(id);
  const people: Record<string, PersonDigestState> = {};
  for (const userId of candidates) {
    // Other open pages DM'd to them (or put in a digest) this minute, counted up to the digest's threshold (all
    // page-digest.ts asks), and their newest digest that took a page still open.
    const facts = personDigestFacts(tx.db, {
      userId,
      since,
      exceptPageId: page.id,
      globs: PERSON_DIGEST_REF_GLOBS,
      prefix: digestRefPrefix(userId),
      cap: policy.digest.after,
    });
    const current = facts.newest;
    const draw = current ? gatherDigestDraw(tx, current) : undefined;
    people[userId] = { recentOpen: facts.open, current, ...(draw ? { draw } : {}) };
  }
  const channelId = alertsChannelOf(policy, page.rotation);
  // A channel's digest line says "in the last minute": a storm that goes on starts a new line each minute.
  const newest = channelId ? newestRefSince(tx.db, digestRefPrefix(channelId), since) : null;
  const current = newest !== null && (firstMessageAt(tx.db, newest) ?? 0) > since ? newest : null;
  const draw = current ? gatherDigestDraw(tx, current) : undefined;
  const channel: ChannelDigestState | null = channelId
    ? { backlog: pendingPostsInChannel(tx.db, channelId), current, ...(draw ? { draw } : {}) }
    : null;
  return { people, channel };
}

/**
 * How a digest's post and edits stand in the outbox, for decideDigestDraw (page-digest.ts): whether one still
 * waiting will carry a change, and when the last minute's edits were queued. Undefined when no post of it is known.
 */
export function gatherDigestDraw(tx: EngineTx, ref: string): DigestDrawState | undefined {
  const post = postUnder(tx.db, ref);
  if (!post) return undefined;
  return { post: post.state, edits: editsOf(tx.db, ref, tx.now - DIGEST_PACE_HISTORY_MS) };
}

/**
 * What the 60-second Slack check needs beside the page's state (page-decide.ts `slack-check`): whose DM of the
 * step Slack delivered (the outbox stored its ts), and which of the page's wake timers have not fired yet.
 */
export function gatherSlackCheck(
  tx: EngineTx,
  page: Page,
  position: StepPosition,
): { delivered: string[]; pendingWakes: ReadonlySet<string> } {
  const delivered: string[] = [];
  for (const m of messagesOf(tx.db, page.id)) {
    // The step's DM, or the person's digest that took the page for that step.
    const userId = stepDmRecipient(m, position);
    if (userId !== null && deliveredMessage(tx.db, m.ref) !== null) delivered.push(userId);
  }
  return { delivered, pendingWakes: pendingTimerKeys(tx.db, pageSubject(page.id), PAGE_TIMERS.wake.kind) };
}
