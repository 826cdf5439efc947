/** "Who is on call now", as user ids, in one place for paging and whoever pages (incidents, playbooks). */
import type { Policy } from '../config/policy.js';
import type { Db } from '../db/connection.js';
import { activeOverrides } from '../schedules/override-store.js';
import { whoIsOnCall } from '../schedules/rotation.js';
import type { OnCallNow } from './escalation.js';

/** Who is primary and secondary of a rotation now, overrides included; nobody for a rotation the policy does not have (or none named). */
export function onCallNow(db: Db, policy: Policy, rotationName: string | null, now: number): OnCallNow {
  const rotation = rotationName ? policy.rotations[rotationName] : undefined;
  if (!rotation) return { primary: null, secondary: null };
  const oc = whoIsOnCall(rotation, activeOverrides(db, now), now);
  return { primary: oc.primary?.userId ?? null, secondary: oc.secondary?.userId ?? null };
}
