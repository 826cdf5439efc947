/**
 * Retention survives kill -9 mid-batch: a process deleting old delivered outbox rows batch by batch is killed
 * with SIGKILL at a random point; the database is whole, only whole batches are gone, nothing pending or recent
 * is touched, and the next run finishes the job.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateStore, openStore, type Store } from '../../src/db/connection.js';
import { deleteDeliveredBefore } from '../../src/engine/outbox.js';
import { DAY } from '../../src/time/clock.js';
import { tempDbPath } from '../support/common.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = fileURLToPath(new URL('./retention-child.ts', import.meta.url));
const NOW = Date.parse('2026-11-20T03:00:00Z');
const BATCH = 50;
const OLD = 20_000;

function addRows(store: Store, count: number, status: 'sent' | 'pending', at: number): void {
  const insert = store.sqlite.prepare(
    `insert into outbox (priority, method, args, lane, status, attempts, next_attempt_at, created_at, sent_at) values (1, 'chat.postMessage', '{"channel":"C0X","text":"x"}', 'channel:C0X', ?, 1, ?, ?, ?)`,
  );
  store.sqlite.transaction(() => {
    for (let i = 0; i < count; i += 1) insert.run(status, at, at, status === 'sent' ? at + 100 : null);
  })();
}

const countWhere = (store: Store, where: string) =>
  (store.sqlite.prepare(`select count(*) as n from outbox where ${where}`).get() as { n: number }).n;

/** Runs the child until it has reported `batches` batches, then kills it with SIGKILL; resolves with the batches it saw. */
function killAfter(dbPath: string, before: number, batches: number): Promise<number> {
  return new Promise((resolve, reject) => {
    // node itself with tsx's loader (not the tsx wrapper, whose child would live on after the kill).
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dbPath, String(before), String(BATCH)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let seen = 0;
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk
        .toString()
        .split('\n')
        .filter((line) => line.startsWith('batch')).length;
      if (seen >= batches) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(seen);
      else reject(new Error(`the child ended by itself (code ${code}) before it was killed: ${errors}`));
    });
  });
}

describe('retention under kill -9', () => {
  const temp = tempDbPath();
  let store: Store | undefined;
  afterEach(() => {
    store?.close();
    temp.cleanup();
  });

  it('a kill mid-way leaves the database whole, only whole batches gone, pending and recent rows kept; the next run finishes', async () => {
    store = openStore(temp.path);
    migrateStore(store);
    addRows(store, OLD, 'sent', NOW - 40 * DAY);
    addRows(store, 30, 'pending', NOW - 40 * DAY);
    addRows(store, 40, 'sent', NOW - DAY);
    store.close();
    store = undefined;
    const before = NOW - 30 * DAY;

    // Killed after a random number of reported batches: the kill lands inside a later batch's transaction or between two.
    const reported = await killAfter(temp.path, before, 1 + Math.floor(Math.random() * 20));
    expect(reported).toBeGreaterThan(0);

    store = openStore(temp.path);
    expect(store.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    const oldLeft = countWhere(store, `status = 'sent' and created_at < ${before}`);
    expect(oldLeft).toBeLessThan(OLD);
    expect((OLD - oldLeft) % BATCH).toBe(0);
    expect(OLD - oldLeft).toBeGreaterThanOrEqual(reported * BATCH);
    expect(countWhere(store, `status = 'pending'`)).toBe(30);
    expect(countWhere(store, `status = 'sent' and created_at >= ${before}`)).toBe(40);

    // The next run (the timer fires again after the restart) deletes the rest, and nothing else.
    while (store.sqlite.transaction(() => deleteDeliveredBefore(store!.db, before, BATCH))() > 0);
    expect(countWhere(store, `status = 'sent' and created_at < ${before}`)).toBe(0);
    expect(countWhere(store, `status = 'pending'`)).toBe(30);
    expect(countWhere(store, `status = 'sent' and created_at >= ${before}`)).toBe(40);
  }, 60_000);
});
