/**
 * An alert group that declares an incident (the integration's `declare_incident`), and the link between them:
 * gather (the group, who is on call) -> decide (alert-declare.ts) -> apply (incident-service's declare, the
 * link in the group's row, the group's alerts listed in the incident), all in the transaction that placed the
 * alert. The link is written in that same transaction and taken only once (linkIncident), so a restart or a
 * retried webhook never declares twice. The incident does not page again: the group's page is out already.
 */
import type { Policy } from '../config/policy.js';
import type { EngineTx } from '../engine/engine.js';
import { PRIORITY } from '../engine/outbox.js';
import type { IncidentService } from '../incidents/incident-service.js';
import { onCallNow } from '../paging/on-call-now.js';
import { viaText } from '../paging/page-blocks.js';
import type { PageEvent } from '../paging/page-service.js';
import { mention } from '../slack/format.js';
import { alertsChannelOf } from '../paging/page-policy.js';
import { decideDeclare, declaresAt } from './alert-declare.js';
import { findGroup, groupOfPage, latestMembers, linkIncident, type AlertGroupRow } from './alert-group-store.js';
import type { AlertRow } from './alert-store.js';

/** How many of the group's alerts the incident's first message lists (the rest: `/oncall alerts`, the group's message). */
export const INCIDENT_ALERTS_LISTED = 20;

type Incidents = Pick<IncidentService, 'declare' | 'record' | 'post'>;

function alertLine(alert: AlertRow): string {
  return `• ${alert.summary}${alert.service ? ` (${alert.service})` : ''} · alert #${alert.id}`;
}

export class AlertIncidentLink {
  constructor(
    private readonly policy: Policy,
    private readonly incidents: Incidents,
  ) {}

  /**
   * A group started (`joined` is its first alert) or took a member (`seen`: the group as read before): declare its incident if the policy asks now,
   * else add the member to the incident it declared before. Returns true when it declared one now (the group's
   * message then shows the link).
   */
  groupChanged(tx: EngineTx, seen: AlertGroupRow, joined: AlertRow): boolean {
    if (seen.incidentId !== null) {
      this.incidents.record(tx, seen.incidentId, 'alert', null, `Alert #${joined.id} joined alert group #${seen.id}: ${joined.summary}`);
      return false;
    }
    // The storm's hot path: an integration that never declares costs nothing more, a severity that does not
    // declare one primary-key read.
    const rule = this.policy.integrations[seen.integration]?.declare_incident;
    if (!rule) return false;
    const group = findGroup(tx.db, seen.id); // as it is now (a member may have raised it)
    if (!group || !declaresAt(rule, group.severity)) return false;
    const onCall = onCallNow(tx.db, this.policy, group.rotation, tx.now);
    const decision = decideDeclare({
      rule,
      severity: group.severity,
      status: group.status,
      silenced: group.silenceId !== null,
      incidentId: group.incidentId,
      declarer: onCall.primary ?? onCall.secondary,
    });
    if (decision.kind !== 'declare') return false;
    this.declare(tx, group, decision.declaredBy);
    return true;
  }

  /** The group's page was acknowledged or resolved: the incident the group declared says so in its timeline. */
  pageEvent(tx: EngineTx, event: PageEvent): void {
    const group = groupOfPage(tx.db, event.page.id);
    if (group?.incidentId == null) return;
    const done = event.type === 'page.acknowledged' ? 'acknowledged' : 'resolved';
    const who = /^[UW][A-Z0-9]+$/.test(event.by) ? mention(event.by) : event.by;
    this.incidents.record(
      tx,
      group.incidentId,
      done === 'acknowledged' ? 'ack' : 'page',
      event.by,
      `Page #${event.page.id} of alert group #${group.id} ${done} by ${who}${viaText(event.via)}`,
    );
  }

  private declare(tx: EngineTx, group: AlertGroupRow, declaredBy: string): void {
    const incident = this.incidents.declare(tx, {
      title: group.summary.slice(0, 150),
      severity: group.severity,
      service: group.service,
      environment: null,
      impact: `declared by the policy (declare_incident of ${group.integration}) for alert group #${group.id} at ${group.severity}; impact to be assessed`,
      tags: [],
      declaredBy,
      rotation: group.rotation,
      // No channel is made inside the alert's transaction: the incident runs in a thread of the incidents channel.
      channelId: null,
      announceChannel: this.policy.channels.incidents ?? alertsChannelOf(this.policy, group.rotation),
      pagedBy: group.pageId === null ? undefined : { pageId: group.pageId, what: `alert group #${group.id}` },
    });
    if (!linkIncident(tx.db, group.id, incident.id)) return;
    const members = latestMembers(tx.db, group.id, INCIDENT_ALERTS_LISTED);
    const more = group.count - members.length;
    this.incidents.record(
      tx,
      incident.id,
      'alert',
      null,
      `Declared from alert group #${group.id} (${group.count} alert${group.count === 1 ? '' : 's'} so far)`,
    );
    this.incidents.post(
      tx,
      incident,
      {
        text: [
          `:rotating_light: Declared from alert group #${group.id} (${group.integration}): ${group.count} alert${group.count === 1 ? '' : 's'} so far. Later alerts of the group go into this incident's timeline.`,
          ...members.map(alertLine),
          ...(more > 0 ? [`… and ${more} more (the group's message in the alerts channel counts them all)`] : []),
        ].join('\n'),
      },
      PRIORITY.notice,
    );
  }
}
