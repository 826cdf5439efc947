/**
 * Retention: delivered outbox rows older than the policy's window are deleted, a small batch per transaction,
 * so the table holds what is in flight and the recent past, not years of sent messages. A batch that comes back
 * full runs again in the next round; otherwise the next look is an hour later, after SQLite's own upkeep
 * (`PRAGMA optimize`, and an incremental vacuum when the file was made with it).
 */
import { z } from 'zod';
import { maintainDatabase } from '../db/connection.js';
import { HOUR } from '../time/clock.js';
import type { Engine } from './engine.js';
import { deleteDeliveredBefore } from './outbox.js';
import { timerKind } from './timer-registry.js';
import type { TimerSpec } from './timers.js';

export const RETENTION_TIMER = timerKind('engine.retention', z.object({}));
/** Rows deleted in one transaction: short enough never to hold the ticker up. */
export const RETENTION_BATCH = 500;
export const RETENTION_EVERY_MS = HOUR;
/**
 * After a full batch, the next one a second later: the next ticker round, never the same one (the engine fires
 * timers that fall due while it works, so a timer set for now would run a year's backlog in one round).
 */
export const RETENTION_AGAIN_MS = 1_000;

/** The one retention timer (keyed: a restart or a second start adds none). */
export function retentionTimer(dueAt: number): TimerSpec {
  return RETENTION_TIMER.spec({ subject: 'engine:retention', key: 'engine:retention', dueAt, payload: {} });
}

export function registerRetention(engine: Engine, retentionMs: number): void {
  engine.on(RETENTION_TIMER, (_timer, tx) => {
    const removed = deleteDeliveredBefore(tx.db, tx.now - retentionMs, RETENTION_BATCH);
    if (removed === RETENTION_BATCH) {
      tx.schedule(retentionTimer(tx.now + RETENTION_AGAIN_MS));
      return;
    }
    maintainDatabase(tx.db);
    tx.schedule(retentionTimer(tx.now + RETENTION_EVERY_MS));
  });
}
