import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { databaseSize, type Db } from '../db/connection.js';
import type { EngineObserver } from '../engine/engine.js';
import { outboxStats, type DeliveryListener } from '../engine/outbox.js';
import { overdueTimerCount } from '../engine/timers.js';
import type { Clock } from '../time/clock.js';

export interface AppMetrics extends EngineObserver, DeliveryListener {
  registry: Registry;
  /** Slack did not deliver a page's DMs within 60 s and the page reached its people another way. */
  slackFellBack(): void;
}

/** One registry per app instance (tests run several in one process). Backlog figures are read at scrape time. */
export function createMetrics(db: Db, clock: Clock): AppMetrics {
  const registry = new Registry();
  new Gauge({
    name: 'oncall_outbox_depth',
    help: 'Slack calls waiting in the outbox',
    registers: [registry],
    collect() {
      this.set(outboxStats(db).pending);
    },
  });
  new Gauge({
    name: 'oncall_outbox_oldest_undelivered_seconds',
    help: 'Age of the oldest Slack call not yet delivered (0 when none)',
    registers: [registry],
    collect() {
      const { oldestPendingCreatedAt } = outboxStats(db);
      this.set(oldestPendingCreatedAt === null ? 0 : (clock.now() - oldestPendingCreatedAt) / 1000);
    },
  });
  new Gauge({
    name: 'oncall_timers_overdue',
    help: 'Timers due more than 5 seconds ago that have not fired',
    registers: [registry],
    collect() {
      this.set(overdueTimerCount(db, clock.now(), 5_000));
    },
  });
  new Gauge({
    name: 'oncall_database_size_bytes',
    help: 'Size of the SQLite database file, and (state="free") the part of it that is free pages',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const { bytes, freeBytes } = databaseSize(db);
      this.set({ state: 'total' }, bytes);
      this.set({ state: 'free' }, freeBytes);
    },
  });
  const timerLag = new Histogram({
    name: 'oncall_timer_lag_seconds',
    help: 'How late timers fired after their due time',
    labelNames: ['kind'],
    buckets: [0.1, 0.5, 1, 2, 5, 15, 60, 300],
    registers: [registry],
  });
  const delivered = new Counter({
    name: 'oncall_slack_calls_delivered_total',
    help: 'Slack calls delivered by the outbox',
    labelNames: ['method'],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'oncall_slack_call_errors_total',
    help: 'Slack calls that failed (retried or given up), by method and reason',
    labelNames: ['method', 'error'],
    registers: [registry],
  });
  const slackFallbacks = new Counter({
    name: 'oncall_page_slack_fallbacks_total',
    help: 'Page steps whose Slack DMs were not delivered within 60 s, so their people were reached by push, SMS, call or e-mail at once',
    registers: [registry],
  });
  return {
    registry,
    slackFellBack: () => slackFallbacks.inc(),
    timerFired: (kind, lagMs) => timerLag.observe({ kind }, Math.max(lagMs, 0) / 1000),
    delivered: (method) => delivered.inc({ method }),
    failed: (method, reason) => errors.inc({ method, error: reason.slice(0, 60) }),
  };
}
