/**
 * Alerts into the bot: dedup by the source's key, route, group, post the group in the rotation's alerts channel,
 * page once per group. Alerts alike (the policy's `grouping`, by default the same integration, service and alert
 * name within 5 minutes) join one alert group: one page, one channel message with the count and the latest
 * members, edited at most every 10 s however many alerts arrive (the `alert.group_refresh` timer). Repeats of
 * one alert count up on it. A resolve closes the alert; the group closes when all its members resolved (or the
 * source resolves its own group), which resolves its page unless somebody already has it. Acknowledging the
 * group's page acknowledges the group: they are one.
 *
 * The shell: every command runs gather (alert-gather.ts) -> decide (alert-decide.ts, pure, table-tested in
 * test/alerts/alert-decide.test.ts) -> apply (alert-apply.ts) in the caller's transaction; a webhook's batch
 * (webhook-route.ts IngestBatcher) runs one such round per alert it carries.
 */
import type { Integration, Policy } from '../config/policy.js';
import type { Engine, EngineTx } from '../engine/engine.js';
import { applyAlertEffects, applyAlertSteps, type GroupFollower } from './alert-apply.js';
import {
  decideAlertRefresh,
  decideGroupRefresh,
  decideSourceUpdate,
  decideFiring,
  decideLowerToRouted,
  decidePageEvent,
  decideReaction,
  decideResolve,
  type AlertOutcome,
  type AlertStep,
} from './alert-decide.js';
import { gatherFiring, gatherLower, gatherReaction, gatherResolve, gatherSourceUpdate } from './alert-gather.js';
import { ALERT_GROUP_REFRESH_TIMER, ALERT_REFRESH_TIMER } from './alert-timers.js';
import type { PageEvent, PageService } from '../paging/page-service.js';
import { alertsChannelOf } from '../paging/page-policy.js';
import { findGroup, groupOfPage, openAlertsInSourceGroup, type AlertGroupRow } from './alert-group-store.js';
import { findAlert, silenceInForce, type AlertRow, type SilenceRow } from './alert-store.js';
import type { NormalizedAlert } from './normalized.js';

export { ALERT_EDIT_INTERVAL_MS, ALERT_GROUP_REFRESH_TIMER, ALERT_REFRESH_TIMER } from './alert-timers.js';

export type { AlertRow, AlertGroupRow };
export type { AlertOutcome } from './alert-decide.js';

export interface IngestResult {
  created: number;
  repeated: number;
  resolved: number;
  acknowledged: number;
  ignored: number;
}

export type { GroupFollower } from './alert-apply.js';

export class AlertService {
  private follower: GroupFollower | null = null;

  constructor(
    private readonly policy: Policy,
    private readonly pager: PageService,
  ) {}

  /** The incident link (alert-incident-link.ts): set once by the app, after the incidents service exists. */
  followGroups(follower: GroupFollower): void {
    this.follower = follower;
  }

  register(engine: Engine): void {
    engine.on(ALERT_REFRESH_TIMER, (timer, tx) => {
      applyAlertEffects(tx, decideAlertRefresh(findAlert(tx.db, timer.payload.alertId), this.policy, tx.now));
    });
    engine.on(ALERT_GROUP_REFRESH_TIMER, (timer, tx) => {
      this.apply(tx, decideGroupRefresh(findGroup(tx.db, timer.payload.groupId)));
    });
  }

  /** A group's page, for listing it. */
  pageOf(tx: EngineTx, pageId: number): { id: number; status: string; ackedBy: string | null } | null {
    return this.pager.find(tx, pageId);
  }

  channelFor(rotation: string): string | null {
    return alertsChannelOf(this.policy, rotation);
  }

  /** Carries out a decision's steps in the caller's transaction (alert-apply.ts). */
  private apply(tx: EngineTx, steps: readonly AlertStep[]): string | null {
    return applyAlertSteps(tx, steps, { policy: this.policy, pager: this.pager, follower: this.follower });
  }

  ingest(tx: EngineTx, name: string, integration: Integration, incoming: NormalizedAlert[]): IngestResult {
    const result: IngestResult = { created: 0, repeated: 0, resolved: 0, acknowledged: 0, ignored: 0 };
    const resolvedSourceGroups = new Set<string>();
    for (const alert of incoming) {
      const { steps, counted } =
        alert.status === 'firing'
          ? decideFiring(
              gatherFiring(tx, this.policy, this.pager, name, integration, alert),
              { kind: 'firing', integration: name, config: integration, alert },
              this.policy,
              tx.now,
            )
          : decideSourceUpdate(gatherSourceUpdate(tx, name, alert), { kind: 'source-update', status: alert.status }, this.policy, tx.now);
      this.apply(tx, steps);
      result[counted] += 1;
      if (alert.sourceGroup?.status === 'resolved') resolvedSourceGroups.add(alert.sourceGroup.key);
    }
    // The source says its whole group resolved: what it left out of this payload (truncated) resolves too.
    for (const key of resolvedSourceGroups) {
      for (const row of openAlertsInSourceGroup(tx.db, name, key)) {
        this.apply(tx, decideResolve(gatherResolve(tx, row), this.policy, tx.now));
        result.resolved += 1;
      }
    }
    return result;
  }

  /** The silence covering a service now, if any. */
  activeSilence(tx: EngineTx, service: string | null): SilenceRow | null {
    if (!service) return null;
    return silenceInForce(tx.db, service, tx.now);
  }

  /** A :white_check_mark: on a group's message acknowledges the group and its page. Returns a refusal to show, or null. */
  acknowledgeByReaction(tx: EngineTx, channel: string, ts: string, userId: string): string | null {
    const state = gatherReaction(tx, this.pager, channel, ts, userId);
    const { steps, refusal } = decideReaction(state, userId, this.policy, tx.now);
    return refusal ?? this.apply(tx, steps);
  }

  /**
   * The group's page was acknowledged or resolved (by a person, or by us): they are one. Acknowledged: the
   * group and its firing members are. Resolved by a person: the group closes, so the next alert alike pages anew.
   */
  pageEvent(tx: EngineTx, event: PageEvent): void {
    this.apply(tx, decidePageEvent(groupOfPage(tx.db, event.page.id), event.type, tx.now));
  }

  /** "Not P0": back to the severity routing gave, for the group, its members and its page. */
  lowerToRouted(tx: EngineTx, groupId: number, userId: string): AlertOutcome {
    const state = gatherLower(tx, this.pager, groupId, userId);
    const { steps, outcome } = decideLowerToRouted(state, { groupId, by: userId }, this.policy);
    this.apply(tx, steps);
    return outcome;
  }
}
