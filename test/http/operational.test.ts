import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '../../src/db/connection.js';
import { PRIORITY } from '../../src/engine/outbox.js';
import { SECOND } from '../../src/time/clock.js';
import { TestApp } from '../support/harness.js';

let t: TestApp;
afterEach(async () => t?.close());

describe('health, readiness and metrics on the Slack port', () => {
  it('/readyz is 503 before migrations and 200 after (with a recent ticker round)', async () => {
    t = await TestApp.start({ skipMigrations: true });
    const before = await t.get('/readyz');
    expect(before.status).toBe(503);
    const body = (await before.json()) as { checks: { migrations: { ok: boolean; detail: string } } };
    const migrationCount = (JSON.parse(readFileSync(`${MIGRATIONS_FOLDER}/meta/_journal.json`, 'utf8')) as { entries: unknown[] }).entries
      .length;
    expect(body.checks.migrations).toEqual({ ok: false, detail: `${migrationCount} pending` });

    t.app.migrate();
    await t.tick();
    const after = await t.get('/readyz');
    expect(after.status).toBe(200);
    expect(await after.json()).toMatchObject({ ready: true, checks: { migrations: { ok: true, detail: 'applied' } } });
  });

  it('/readyz goes 503 when the ticker has not run for more than 5 s', async () => {
    t = await TestApp.start();
    await t.tick();
    expect((await t.get('/readyz')).status).toBe(200);
    t.clock.advance(6 * SECOND);
    const stale = await t.get('/readyz');
    expect(stale.status).toBe(503);
    expect(await stale.json()).toMatchObject({ checks: { ticker: { ok: false, detail: 'last round 6 s ago' } } });
  });

  it('/healthz answers 200', async () => {
    t = await TestApp.start({ skipMigrations: true });
    expect((await t.get('/healthz')).status).toBe(200);
  });

  it('/metrics shows the outbox backlog, its age and Slack errors by method', async () => {
    t = await TestApp.start({ channels: ['C1'] });
    t.standIn.failNext('chat.postMessage', { status: 500 }, 3);
    t.app.engine.transact((tx) => tx.enqueue({ method: 'chat.postMessage', args: { channel: 'C1', text: 'x' }, priority: PRIORITY.page }));
    await t.app.drainer.drain();
    t.clock.advance(30 * SECOND);
    const during = await (await t.get('/metrics')).text();
    expect(during).toMatch(/^oncall_outbox_depth 1$/m);
    expect(during).toMatch(/^oncall_outbox_oldest_undelivered_seconds 30$/m);
    expect(during).toMatch(/^oncall_slack_call_errors_total\{method="chat.postMessage",error="http 500"\} 1$/m);

    for (let i = 0; i < 5; i += 1) await t.advance(10 * SECOND);
    const after = await (await t.get('/metrics')).text();
    expect(after).toMatch(/^oncall_outbox_depth 0$/m);
    expect(after).toMatch(/^oncall_slack_calls_delivered_total\{method="chat.postMessage"\} 1$/m);
    // The database's size, as SQLite counts its pages: the file on disk (WAL aside) is that big.
    const total = Number(/^oncall_database_size_bytes\{state="total"\} (\d+)$/m.exec(after)?.[1]);
    expect(total).toBeGreaterThan(0);
    expect(total % 4096 === 0 || total % 1024 === 0).toBe(true);
    expect(after).toMatch(/^oncall_database_size_bytes\{state="free"\} \d+$/m);
  });
});

describe('readiness says why, and /metrics counts what happened', () => {
  it('/readyz before the first ticker round: 503 with every check and its reason', async () => {
    t = await TestApp.start();
    const answer = await t.get('/readyz');
    expect(answer.status).toBe(503);
    expect(await answer.json()).toEqual({
      ready: false,
      checks: {
        database: { ok: true, detail: 'open' },
        migrations: { ok: true, detail: 'applied' },
        ticker: { ok: false, detail: 'has not run yet' },
      },
    });
  });

  it('/readyz: a round exactly 5 s ago is fresh, a millisecond more is not', async () => {
    t = await TestApp.start();
    await t.tick();
    t.clock.advance(5 * SECOND);
    expect((await t.get('/readyz')).status).toBe(200);
    t.clock.advance(1);
    const stale = await t.get('/readyz');
    expect(stale.status).toBe(503);
    expect(((await stale.json()) as { checks: { ticker: { ok: boolean } } }).checks.ticker.ok).toBe(false);
  });

  it('with the database closed: /readyz is 503 and says so (not "-1 pending"), /metrics is 500 with a reason, /healthz still 200', async () => {
    t = await TestApp.start();
    await t.tick();
    t.store.close();
    const ready = await t.get('/readyz');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      ready: false,
      checks: { database: { ok: false, detail: 'closed' }, migrations: { ok: false, detail: 'unknown: the database is closed' } },
    });
    const metrics = await t.get('/metrics');
    expect(metrics.status).toBe(500);
    expect(await metrics.json()).toEqual({ error: 'metrics could not be collected' });
    expect((await t.get('/healthz')).status).toBe(200);
  });

  it('/metrics: a timer left unfired is overdue after 5 s, and its lateness lands in the lag histogram when it fires', async () => {
    t = await TestApp.start();
    const fired: number[] = [];
    t.app.engine.register('test.probe', (timer) => fired.push(timer.dueAt));
    const dueAt = t.clock.now() + 60 * SECOND;
    t.app.engine.transact((tx) => tx.schedule({ kind: 'test.probe', subject: 'probe:1', dueAt }));

    t.clock.set(dueAt + 5 * SECOND);
    expect(await (await t.get('/metrics')).text()).toMatch(/^oncall_timers_overdue 0$/m);
    t.clock.set(dueAt + 12 * SECOND);
    const late = await (await t.get('/metrics')).text();
    expect(late).toMatch(/^oncall_timers_overdue 1$/m);
    expect(late).not.toMatch(/^oncall_timer_lag_seconds_count\{kind="test.probe"\}/m);

    await t.tick();
    expect(fired).toEqual([dueAt]);
    const after = await (await t.get('/metrics')).text();
    expect(after).toMatch(/^oncall_timers_overdue 0$/m);
    expect(after).toMatch(/^oncall_timer_lag_seconds_count\{kind="test.probe"\} 1$/m);
    expect(after).toMatch(/^oncall_timer_lag_seconds_sum\{kind="test.probe"\} 12$/m);
    expect(after).toMatch(/^oncall_timer_lag_seconds_bucket\{le="5",kind="test.probe"\} 0$/m);
    expect(after).toMatch(/^oncall_timer_lag_seconds_bucket\{le="15",kind="test.probe"\} 1$/m);
  });

  it('/metrics: edits whose message was never delivered are counted under one reason, not one series per message', async () => {
    t = await TestApp.start();
    t.standIn.failNext('chat.postMessage', { error: 'channel_not_found' }, 2);
    t.app.engine.transact((tx) => {
      for (const n of [1, 2]) {
        tx.enqueue({
          method: 'chat.postMessage',
          args: { channel: 'C0GONE', text: `card ${n}` },
          priority: PRIORITY.page,
          ref: `card:${n}`,
        });
        tx.enqueue({ method: 'chat.update', args: { text: `card ${n}, edited` }, priority: PRIORITY.cosmetic, targetRef: `card:${n}` });
      }
    });
    await t.app.drainer.drain();
    await t.app.drainer.drain();
    const text = await (await t.get('/metrics')).text();
    expect(text).toMatch(/^oncall_slack_call_errors_total\{method="chat.postMessage",error="channel_not_found"\} 2$/m);
    expect(text.match(/^oncall_slack_call_errors_total\{method="chat.update",.*$/gm)).toEqual([
      'oncall_slack_call_errors_total{method="chat.update",error="the message to edit was never delivered"} 2',
    ]);
    expect(text).toMatch(/^oncall_outbox_depth 0$/m);
  });
});
