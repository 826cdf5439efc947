import type { Policy } from '../config/policy.js';

/** A Slack user group id as the policy writes it ("S0ALLENG"); user ids start with U or W, channels with C, G or D. */
export const USERGROUP_ID = /^S[A-Z0-9]+$/;

export function isUsergroupId(target: string): boolean {
  return USERGROUP_ID.test(target);
}

/**
 * The user groups whose members the bot must know to run the policy as written: every group named as a chain
 * step's `page`, a notify rule's `who` or a playbook trigger's `who`, sorted, each once.
 *
 * A rotation's `usergroup` is left out: the bot writes that group (it is kept pointed at the primary), so its
 * members are the rotation's, never something to ask Slack for. A group named in both places is watched.
 */
export function watchedUsergroups(policy: Policy): string[] {
  const named = [
    ...Object.values(policy.escalation).flatMap((bySeverity) =>
      Object.values(bySeverity).flatMap((chain) =>
        chain.steps.flatMap(({ target }) => (target.kind === 'usergroup' ? [target.usergroupId] : [])),
      ),
    ),
    ...policy.notify.map((rule) => rule.who),
    ...Object.values(policy.playbooks.triggers).map((trigger) => trigger.who),
  ];
  return [...new Set(named.filter(isUsergroupId))].sort();
}
