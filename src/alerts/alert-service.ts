/**
 * Alerts into the bot: dedup by the source's key, route, post in the rotation's alerts channel, page.
 * Repeats count up (a storm is one alert, one page, and an edit at most every 10 s); a resolve closes the
 * alert, edits its message and closes its page if nobody has acknowledged it yet.
 */
import { alertIdOf, alertRef } from './alert-refs.js';
import { z } from 'zod';
import { timerKind } from '../engine/timer-registry.js';
import type { Integration, Policy } from '../config/policy.js';
import type { Engine, EngineTx } from '../engine/engine.js';
import { PRIORITY } from '../engine/outbox.js';
import type { PageService } from '../paging/page-service.js';
import { alertsChannelOf } from '../paging/page-policy.js';
import { mayActFor, refusal } from '../permissions/who-may.js';
import { mention, slackDate } from '../slack/format.js';
import { alertMessage, correlationNotice } from './alert-blocks.js';
import { correlatedWith, CORRELATION_WINDOW_MS } from './correlation.js';
import { ALERT_SOURCES, type NormalizedAlert } from './normalized.js';
import { routeAlert } from './routing.js';
import {
  correlationCandidates,
  findAlert,
  insertAlert,
  openAlert,
  silenceInForce,
  updateAlert,
  type AlertRow,
  type SilenceRow,
} from './alert-store.js';
import { messageRefAt } from '../slack/slack-message-store.js';

/** Edits an alert's channel message with its count, at most every 10 s in a storm. */
export const ALERT_REFRESH_TIMER = timerKind('alert.refresh', z.object({ alertId: z.number().int().positive() }));
/** A storm edits its message at most this often. */
export const ALERT_EDIT_INTERVAL_MS = 10_000;

export type { AlertRow };
export type AlertOutcome = { ok: true; message: string } | { ok: false; message: string };

export interface IngestResult {
  created: number;
  repeated: number;
  resolved: number;
  acknowledged: number;
  ignored: number;
}

export class AlertService {
  constructor(
    private readonly policy: Policy,
    private readonly pager: PageService,
  ) {}

  register(engine: Engine): void {
    engine.on(ALERT_REFRESH_TIMER, (timer, tx) => {
      const row = findAlert(tx.db, timer.payload.alertId);
      if (!row || row.status === 'resolved') return;
      this.edit(tx, row);
    });
  }

  channelFor(rotation: string): string | null {
    return alertsChannelOf(this.policy, rotation);
  }

  private edit(tx: EngineTx, row: AlertRow): void {
    if (!this.channelFor(row.rotation)) return;
    updateAlert(tx.db, row.id, { lastEditedAt: tx.now });
    tx.enqueue({ method: 'chat.update', args: alertMessage(row), priority: PRIORITY.cosmetic, targetRef: alertRef(row.id) });
  }

  private open(tx: EngineTx, integration: string, dedupKey: string): AlertRow | null {
    return openAlert(tx.db, integration, dedupKey);
  }

  ingest(tx: EngineTx, name: string, integration: Integration, incoming: NormalizedAlert[]): IngestResult {
    const result: IngestResult = { created: 0, repeated: 0, resolved: 0, acknowledged: 0, ignored: 0 };
    for (const alert of incoming) {
      const existing = this.open(tx, name, alert.dedupKey);
      if (alert.status === 'firing') {
        if (existing) {
          this.repeat(tx, existing);
          result.repeated += 1;
        } else if (this.create(tx, name, integration, alert)) result.created += 1;
        else result.ignored += 1;
      } else if (!existing) {
        result.ignored += 1; // a resolve or ack for something we never saw open
      } else if (alert.status === 'resolved') {
        this.resolve(tx, existing);
        result.resolved += 1;
      } else {
        this.acknowledge(tx, existing);
        result.acknowledged += 1;
      }
    }
    return result;
  }

  /** The silence covering a service now, if any. */
  activeSilence(tx: EngineTx, service: string | null): SilenceRow | null {
    if (!service) return null;
    return silenceInForce(tx.db, service, tx.now);
  }

  private create(tx: EngineTx, name: string, integration: Integration, alert: NormalizedAlert): boolean {
    const route = routeAlert(this.policy, integration, alert);
    if (!route) return false;
    const silence = this.activeSilence(tx, alert.service);
    const top = this.policy.severities[0]!.id;
    // Only other sources can correlate.
    const open = alert.service
      ? correlationCandidates(
          tx.db,
          alert.service,
          ALERT_SOURCES.filter((s) => s !== alert.source),
          tx.now - CORRELATION_WINDOW_MS,
        )
      : [];
    const partner = silence ? null : correlatedWith(alert, open, tx.now);
    const raised = partner !== null && route.severity !== top;
    const row = insertAlert(tx.db, {
      integration: name,
      source: alert.source,
      dedupKey: alert.dedupKey,
      status: 'firing',
      service: alert.service,
      severity: raised ? top : route.severity,
      routedSeverity: route.severity,
      silenceId: silence?.id ?? null,
      rotation: route.rotation,
      summary: alert.summary,
      details: alert.details,
      labels: alert.labels,
      links: alert.links,
      firstSeenAt: tx.now,
      lastSeenAt: tx.now,
      lastEditedAt: tx.now,
    });
    const channel = this.channelFor(route.rotation);
    const note = silence
      ? `:mute: silenced by ${mention(silence.createdBy)} until ${slackDate(silence.endsAt)} (${silence.reason}): nobody is paged`
      : '';
    // The page's DMs go first; the alert's channel post is the record everyone else reads.
    if (channel)
      tx.enqueue({
        method: 'chat.postMessage',
        args: { channel, ...alertMessage(row, note) },
        priority: PRIORITY.notice,
        ref: alertRef(row.id),
      });
    if (silence) return true;
    const page = this.pager.create(tx, {
      rotation: route.rotation,
      severity: row.severity,
      summary: alert.summary,
      source: 'alert',
      sourceRef: alertRef(row.id),
    });
    updateAlert(tx.db, row.id, { pageId: page.id });
    if (raised && channel && partner) {
      tx.enqueue({
        method: 'chat.postMessage',
        args: { channel, ...correlationNotice(row, partner, route.severity) },
        priority: PRIORITY.page,
      });
    }
    return true;
  }

  /** A :white_check_mark: on an alert's message acknowledges the alert and its page. Returns a refusal to show, or null. */
  acknowledgeByReaction(tx: EngineTx, channel: string, ts: string, userId: string): string | null {
    const message = messageRefAt(tx.db, channel, ts);
    const id = alertIdOf(message);
    if (id === null) return null; // a reaction on some other message: not ours to act on
    const row = findAlert(tx.db, id);
    if (!row || row.status !== 'firing') return null;
    const refused = this.refusalFor(tx, row, userId, `acknowledge alert #${row.id}`);
    if (refused) return refused;
    const page = row.pageId !== null ? this.pager.find(tx, row.pageId) : null;
    // A page someone already acknowledged or resolved still lets the alert be marked as seen.
    if (page?.status === 'open') {
      const outcome = this.pager.acknowledge(tx, page.id, userId, { via: 'reaction' });
      if (!outcome.ok) return outcome.message;
    }
    updateAlert(tx.db, row.id, { status: 'acknowledged' });
    this.edit(tx, { ...row, status: 'acknowledged' });
    return null;
  }

  /**
   * Who may act on an alert: whoever may act on its page (the rotation's members and admins, anyone it reached);
   * a silenced alert has no page, so the rotation's rule alone. Returns the refusal, or null when allowed.
   */
  private refusalFor(tx: EngineTx, row: AlertRow, userId: string, what: string): string | null {
    const page = row.pageId !== null ? this.pager.find(tx, row.pageId) : null;
    if (page) return this.pager.mayAct(tx, page, userId) ? null : this.pager.refusalFor(page, what);
    return mayActFor(this.policy, [row.rotation], userId) ? null : refusal(this.policy, { rotations: [row.rotation] }, what);
  }

  /** "Not P0": back to the severity routing gave, for the alert and its page. */
  lowerToRouted(tx: EngineTx, alertId: number, userId: string): AlertOutcome {
    const row = findAlert(tx.db, alertId);
    if (!row) return { ok: false, message: `There is no alert #${alertId}.` };
    const routed = row.routedSeverity ?? row.severity;
    if (row.severity === routed) return { ok: false, message: `Alert #${alertId} is already ${routed}.` };
    const refused = this.refusalFor(tx, row, userId, `say alert #${alertId} is not ${row.severity}`);
    if (refused) return { ok: false, message: refused };
    updateAlert(tx.db, alertId, { severity: routed });
    if (row.pageId !== null) this.pager.changeSeverity(tx, row.pageId, routed);
    this.edit(tx, { ...row, severity: routed });
    const channel = this.channelFor(row.rotation);
    if (channel)
      tx.enqueue({
        method: 'chat.postMessage',
        args: { channel, text: `${mention(userId)} says alert #${alertId} is not ${row.severity}: back to ${routed}.` },
        priority: PRIORITY.notice,
      });
    return { ok: true, message: `Alert #${alertId} is ${routed} again.` };
  }

  private repeat(tx: EngineTx, row: AlertRow): void {
    updateAlert(tx.db, row.id, { count: row.count + 1, lastSeenAt: tx.now });
    // One edit per interval however many repeats arrive: the keyed timer exists once per window.
    const windowStart = Math.max(row.lastEditedAt ?? row.firstSeenAt, tx.now - ALERT_EDIT_INTERVAL_MS);
    const dueAt = windowStart + ALERT_EDIT_INTERVAL_MS;
    tx.schedule(
      ALERT_REFRESH_TIMER.spec({ subject: alertRef(row.id), key: `alert-refresh:${row.id}:${dueAt}`, dueAt, payload: { alertId: row.id } }),
    );
  }

  private resolve(tx: EngineTx, row: AlertRow): void {
    updateAlert(tx.db, row.id, { status: 'resolved', resolvedAt: tx.now });
    tx.cancel(alertRef(row.id), ALERT_REFRESH_TIMER.kind);
    this.edit(tx, { ...row, status: 'resolved', resolvedAt: tx.now });
    if (row.pageId !== null) this.pager.closeFromSource(tx, row.pageId, 'resolved', row.source);
  }

  private acknowledge(tx: EngineTx, row: AlertRow): void {
    updateAlert(tx.db, row.id, { status: 'acknowledged' });
    this.edit(tx, { ...row, status: 'acknowledged' });
    if (row.pageId !== null) this.pager.closeFromSource(tx, row.pageId, 'acknowledged', row.source);
  }
}
