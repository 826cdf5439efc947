/**
 * Alerts into the bot: dedup by the source's key, route, post in the rotation's alerts channel, page.
 * Repeats count up (a storm is one alert, one page, and an edit at most every 10 s); a resolve closes the
 * alert, edits its message and closes its page if nobody has acknowledged it yet.
 */
import { and, desc, eq, ne } from 'drizzle-orm';
import type { Integration, Policy } from '../config/policy.js';
import { alerts } from '../db/schema.js';
import type { Engine, EngineTx } from '../engine/engine.js';
import { PRIORITY } from '../engine/outbox.js';
import type { PageService } from '../paging/page-service.js';
import { alertMessage } from './alert-blocks.js';
import type { NormalizedAlert } from './normalized.js';
import { routeAlert } from './routing.js';

export const ALERT_REFRESH_TIMER = 'alert.refresh';
/** A storm edits its message at most this often. */
export const ALERT_EDIT_INTERVAL_MS = 10_000;

export type AlertRow = typeof alerts.$inferSelect;

export interface IngestResult {
  created: number;
  repeated: number;
  resolved: number;
  acknowledged: number;
  ignored: number;
}

const ref = (id: number) => `alert:${id}`;

export class AlertService {
  constructor(
    private readonly policy: Policy,
    private readonly pager: PageService,
  ) {}

  register(engine: Engine): void {
    engine.register(ALERT_REFRESH_TIMER, (timer, tx) => {
      const row = tx.db.select().from(alerts).where(eq(alerts.id, (timer.payload as { alertId: number }).alertId)).get();
      if (!row || row.status === 'resolved') return;
      this.edit(tx, row);
    });
  }

  channelFor(rotation: string): string | null {
    const r = this.policy.rotations[rotation];
    return r?.alertsChannel ?? r?.channel ?? this.policy.channels.alerts ?? null;
  }

  private edit(tx: EngineTx, row: AlertRow): void {
    if (!this.channelFor(row.rotation)) return;
    tx.db.update(alerts).set({ lastEditedAt: tx.now }).where(eq(alerts.id, row.id)).run();
    tx.enqueue({ method: 'chat.update', args: alertMessage(row), priority: PRIORITY.cosmetic, targetRef: ref(row.id) });
  }

  private open(tx: EngineTx, integration: string, dedupKey: string): AlertRow | null {
    return (
      tx.db
        .select()
        .from(alerts)
        .where(and(eq(alerts.integration, integration), eq(alerts.dedupKey, dedupKey), ne(alerts.status, 'resolved')))
        .orderBy(desc(alerts.id))
        .get() ?? null
    );
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

  private create(tx: EngineTx, name: string, integration: Integration, alert: NormalizedAlert): boolean {
    const route = routeAlert(this.policy, integration, alert);
    if (!route) return false;
    const row = tx.db
      .insert(alerts)
      .values({
        integration: name,
        source: alert.source,
        dedupKey: alert.dedupKey,
        status: 'firing',
        service: alert.service,
        severity: route.severity,
        rotation: route.rotation,
        summary: alert.summary,
        details: alert.details,
        labels: alert.labels,
        links: alert.links,
        firstSeenAt: tx.now,
        lastSeenAt: tx.now,
        lastEditedAt: tx.now,
      })
      .returning()
      .get();
    const channel = this.channelFor(route.rotation);
    if (channel) tx.enqueue({ method: 'chat.postMessage', args: { channel, ...alertMessage(row) }, priority: PRIORITY.page, ref: ref(row.id) });
    const page = this.pager.create(tx, { rotation: route.rotation, severity: route.severity, summary: alert.summary, source: 'alert', sourceRef: ref(row.id) });
    tx.db.update(alerts).set({ pageId: page.id }).where(eq(alerts.id, row.id)).run();
    return true;
  }

  private repeat(tx: EngineTx, row: AlertRow): void {
    tx.db.update(alerts).set({ count: row.count + 1, lastSeenAt: tx.now }).where(eq(alerts.id, row.id)).run();
    // One edit per interval however many repeats arrive: the keyed timer exists once per window.
    const windowStart = Math.max(row.lastEditedAt ?? row.firstSeenAt, tx.now - ALERT_EDIT_INTERVAL_MS);
    const dueAt = windowStart + ALERT_EDIT_INTERVAL_MS;
    tx.schedule({ kind: ALERT_REFRESH_TIMER, subject: ref(row.id), key: `alert-refresh:${row.id}:${dueAt}`, dueAt, payload: { alertId: row.id } });
  }

  private resolve(tx: EngineTx, row: AlertRow): void {
    tx.db.update(alerts).set({ status: 'resolved', resolvedAt: tx.now }).where(eq(alerts.id, row.id)).run();
    tx.cancel(ref(row.id), ALERT_REFRESH_TIMER);
    this.edit(tx, { ...row, status: 'resolved', resolvedAt: tx.now });
    if (row.pageId !== null) this.pager.closeFromSource(tx, row.pageId, 'resolved', row.source);
  }

  private acknowledge(tx: EngineTx, row: AlertRow): void {
    tx.db.update(alerts).set({ status: 'acknowledged' }).where(eq(alerts.id, row.id)).run();
    this.edit(tx, { ...row, status: 'acknowledged' });
    if (row.pageId !== null) this.pager.closeFromSource(tx, row.pageId, 'acknowledged', row.source);
  }
}
