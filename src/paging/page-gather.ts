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
import { isGroupId, type PageState } from './page-decide.js';
import { chainFor } from './page-policy.js';
import { messagesOf, type Page } from './page-store.js';
import { callsInFlightFor } from './wake-call-store.js';
import { deliveredMessage } from '../engine/outbox.js';
import { pendingTimerKeys } from '../engine/timers.js';
import type { StepPosition } from './escalation.js';
import { pageRef, pageSubject } from './page-refs.js';
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

export function gatherPageState(tx: EngineTx, policy: Policy, context: PageContext, page: Page): PageState {
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
  return {
    page,
    messages,
    onCall: onCallNow(tx.db, policy, page.rotation, tx.now),
    others,
    members,
    tags: context.tagsOf(tx, page),
    mitigated: context.isMitigated(tx, page),
    // Only a page still open wakes anyone; the contacts table holds a few rows per person, read whole.
    verified: page.status === 'open' ? verifiedKindsByUser(tx.db) : {},
    // The calls a closing page ends (page-call-end.ts).
    callsInFlight: page.status === 'resolved' ? [] : callsInFlightFor(tx.db, page.id),
    personal: page.status === 'open' ? personalRulesByUser(tx.db) : {},
  };
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
    if (m.userId === null || m.stepIndex !== position.stepIndex || m.loop !== position.loop) continue;
    if (m.ref !== pageRef({ kind: 'dm', pageId: page.id, userId: m.userId, ...position })) continue;
    if (deliveredMessage(tx.db, m.ref) !== null) delivered.push(m.userId);
  }
  return { delivered, pendingWakes: pendingTimerKeys(tx.db, pageSubject(page.id), PAGE_TIMERS.wake.kind) };
}
