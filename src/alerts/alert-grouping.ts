/**
 * Which alert group a new alert joins. Pure: (open groups, alert, grouping policy, now) -> join group N | new group.
 *
 * A group's identity is its integration, the rotation its alerts route to, whether it pages (a silenced alert
 * never joins a group that pages, nor the other way round) and the values of `grouping.by` (by default the
 * service and the alert name). An open group takes an alert alike while the alert comes less than `window` after
 * the group's latest alert: the window slides, so a storm that goes on is still one group and one page.
 * Worked example, window 5m: alerts at 10:00, 10:04 and 10:08 are one group (each within 5m of the one before);
 * an alert at exactly 10:13 (5m after 10:08) starts a new group, as does any alert after the group closed (all
 * its members resolved, or its page resolved by hand): a member that re-fires after that is a new page.
 */
import { GROUPING_LABEL_PREFIX } from '../config/policy-schema.js';
import type { GroupingPolicy } from '../config/policy.js';
import type { NormalizedAlert } from './normalized.js';

/** An open group as the decision sees it. */
export interface GroupFact {
  id: number;
  integration: string;
  rotation: string;
  groupKey: string;
  /** firing or acknowledged: open; resolved: closed for good. */
  status: 'firing' | 'acknowledged' | 'resolved';
  lastSeenAt: number;
}

/** The alert to place: where it routes, and whether a silence keeps it from paging. */
export interface IncomingFact {
  integration: string;
  rotation: string;
  silenced: boolean;
  alert: Pick<NormalizedAlert, 'service' | 'summary' | 'sourceSeverity' | 'labels'>;
}

export type GroupingDecision = { kind: 'join'; groupId: number } | { kind: 'new'; groupKey: string };

/** The alert's name: Alertmanager's and Grafana's `alertname` label, else its title. */
export function alertNameOf(alert: Pick<NormalizedAlert, 'summary' | 'labels'>): string {
  return alert.labels.alertname ?? alert.summary;
}

function fieldValue(alert: IncomingFact['alert'], field: string): string | null {
  if (field === 'service') return alert.service;
  if (field === 'alertname') return alertNameOf(alert);
  if (field === 'severity') return alert.sourceSeverity;
  if (field === 'summary') return alert.summary;
  if (field.startsWith(GROUPING_LABEL_PREFIX)) return alert.labels[field.slice(GROUPING_LABEL_PREFIX.length)] ?? null;
  return null; // the policy schema lets no other field through
}

/** The grouping key: `by`'s values in order (null for one the alert lacks), and whether it pages, as JSON. */
export function groupKeyOf(incoming: Pick<IncomingFact, 'alert' | 'silenced'>, grouping: GroupingPolicy): string {
  return JSON.stringify([incoming.silenced ? 'silenced' : 'pages', ...grouping.by.map((field) => fieldValue(incoming.alert, field))]);
}

/** Join the open group alike whose latest alert is less than the window ago (the newest such), else a new group. */
export function decideGrouping(
  groups: readonly GroupFact[],
  incoming: IncomingFact,
  grouping: GroupingPolicy,
  now: number,
): GroupingDecision {
  const groupKey = groupKeyOf(incoming, grouping);
  let best: GroupFact | null = null;
  for (const g of groups) {
    if (g.status === 'resolved' || g.integration !== incoming.integration || g.rotation !== incoming.rotation || g.groupKey !== groupKey)
      continue;
    if (now >= g.lastSeenAt + grouping.windowMs) continue;
    if (!best || g.lastSeenAt > best.lastSeenAt || (g.lastSeenAt === best.lastSeenAt && g.id > best.id)) best = g;
  }
  return best ? { kind: 'join', groupId: best.id } : { kind: 'new', groupKey };
}
