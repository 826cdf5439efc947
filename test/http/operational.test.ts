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
    const migrationCount = (JSON.parse(readFileSync(`${MIGRATIONS_FOLDER}/meta/_journal.json`, 'utf8')) as { entries: unknown[] }).entries.length;
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
    t = await TestApp.start();
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
  });
});
