/**
 * Who may do what, the one rule DESIGN.md states: for a rotation, its members and the policy's admins (by
 * default every role under `people`; `permissions.admins` narrows or widens that). Each feature adds only the
 * people its own thing names (whoever a page reached, an incident's commander, an override's author) and asks
 * here for the rest, so the rule and the words of a refusal are written once. Pure.
 */
import type { Policy } from '../config/policy.js';
import { mention } from '../slack/format.js';

export function isAdmin(policy: Policy, userId: string): boolean {
  return policy.permissions.admins.some((a) => a.userId === userId);
}

/** A member of any of these rotations, or an admin. A rotation no longer in the policy has no members. */
export function mayActFor(policy: Policy, rotations: readonly string[], userId: string): boolean {
  return isAdmin(policy, userId) || rotations.some((name) => policy.rotations[name]?.members.includes(userId) ?? false);
}

/** "a, b or c" (or "and") */
export function listOf(items: readonly string[], last: 'or' | 'and' = 'or'): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} ${last} ${items[items.length - 1]}`;
}

export interface Allowed {
  /** Named before the rotation's members: "the commander (<@U0ALICE>)". */
  first?: readonly string[];
  rotations: readonly string[];
  /** Named after the members: "someone page #3 reached". */
  also?: readonly string[];
}

/** Everyone the rule allows, in words: the feature's own people, the members of each rotation, then the admins. */
export function allowedPeople(policy: Policy, allowed: Allowed): string[] {
  const members = allowed.rotations.flatMap((name) => {
    const rotation = policy.rotations[name];
    return rotation ? [`members of *${name}* (${rotation.members.map(mention).join(', ')})`] : [];
  });
  const admins = policy.permissions.admins.map((a) =>
    a.roles.length ? `the ${listOf(a.roles, 'and')} (${mention(a.userId)})` : mention(a.userId),
  );
  return [...(allowed.first ?? []), ...members, ...(allowed.also ?? []), ...admins];
}

/** "Only members of *backend* (<@U0ALICE>, <@U0BOB>) or the engineering_lead (<@U0LEAD>) can cancel override #4." */
export function refusal(policy: Policy, allowed: Allowed, what: string): string {
  const people = allowedPeople(policy, allowed);
  return people.length
    ? `Only ${listOf(people)} can ${what}.`
    : `Nobody can ${what} under this policy: add yourself under \`permissions.admins\` in the policy file.`;
}
