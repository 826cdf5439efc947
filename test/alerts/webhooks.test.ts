import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { alerts, outbox, pages, timers } from '../../src/db/schema.js';
import { FakeClock, SECOND } from '../../src/time/clock.js';
import { EXAMPLE_POLICY, INTEGRATION_SECRETS, fixtureText } from '../support/fixtures.js';
import { TestApp } from '../support/harness.js';

const POLICY = EXAMPLE_POLICY;
const SECRETS = INTEGRATION_SECRETS;
// 2026-11-20 is in the shift that started Monday 2026-11-16 09:00 UTC: shift 45, 45 mod 4 = 1 -> Bob primary.
const NOW = Date.parse('2026-11-20T03:15:00Z');

let t: TestApp;
afterEach(async () => t?.close());

const start = async () => {
  t = await TestApp.start({ policy: POLICY, clock: new FakeClock(NOW), secrets: SECRETS });
  for (const id of ['U0ALICE', 'U0BOB', 'U0CAROL', 'U0DAN']) t.standIn.addUser({ id });
};

const hmac = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('hex');

interface Delivery {
  integration: string;
  firing: string;
  resolved: string;
  headers: (body: string) => Record<string, string>;
  resolvedHeaders?: (body: string) => Record<string, string>;
  /** A P2 at 03:15 waits for business hours: no DM at night. */
  quietAtNight?: boolean;
}

const DELIVERIES: Delivery[] = [
  {
    integration: 'prometheus',
    firing: 'alertmanager/firing.json',
    resolved: 'alertmanager/resolved.json',
    headers: () => ({ authorization: `Bearer ${SECRETS.ALERTMANAGER_TOKEN}` }),
  },
  {
    integration: 'grafana',
    firing: 'grafana/firing.json',
    resolved: 'grafana/resolved.json',
    headers: () => ({
      authorization: `Basic ${Buffer.from(`${SECRETS.GRAFANA_WEBHOOK_USER}:${SECRETS.GRAFANA_WEBHOOK_PASSWORD}`).toString('base64')}`,
    }),
  },
  {
    integration: 'sentry',
    firing: 'sentry/event_alert.json',
    resolved: 'sentry/issue-resolved.json',
    headers: (body) => ({ 'sentry-hook-resource': 'event_alert', 'sentry-hook-signature': hmac(SECRETS.SENTRY_CLIENT_SECRET, body) }),
    resolvedHeaders: (body) => ({ 'sentry-hook-resource': 'issue', 'sentry-hook-signature': hmac(SECRETS.SENTRY_CLIENT_SECRET, body) }),
  },
  { integration: 'pagerduty', firing: 'pagerduty/trigger.json', resolved: 'pagerduty/resolve.json', headers: () => ({}) },
  {
    integration: 'uptime',
    firing: 'uptime-kuma/down.json',
    resolved: 'uptime-kuma/up.json',
    headers: () => ({ authorization: `Bearer ${SECRETS.UPTIME_TOKEN}` }),
  },
  {
    integration: 'jobs',
    firing: 'generic/firing.json',
    resolved: 'generic/resolved.json',
    headers: (body) => ({ 'x-signature': hmac(SECRETS.JOBS_HMAC_SECRET, body) }),
    quietAtNight: true,
  },
];

describe('webhooks end to end', () => {
  it.each(DELIVERIES)('$integration: firing pages the on-call and posts in #alerts; resolved closes both', async (d) => {
    await start();
    const body = fixtureText(d.firing);
    const answer = await t.post(`/webhooks/${d.integration}`, body, d.headers(body));
    expect(answer.status).toBe(202);
    expect(await answer.json()).toMatchObject({ ok: true, created: 1 });
    await t.tick();
    const [line] = t.standIn.take('chat.postMessage', (a) => a.channel === 'C0ALERTS' && String(a.text).includes('(alert #1)'));
    expect(line).toBeDefined();
    const dm = t.standIn.take('chat.postMessage', (a) => a.channel === 'U0BOB');
    expect(dm).toHaveLength(d.quietAtNight ? 0 : 1);
    expect(t.store.db.select().from(alerts).get()).toMatchObject({ status: 'firing', rotation: 'backend', count: 1, pageId: 1 });

    const resolvedBody = fixtureText(d.resolved);
    const closed = await t.post(`/webhooks/${d.integration}`, resolvedBody, (d.resolvedHeaders ?? d.headers)(resolvedBody));
    expect(closed.status).toBe(202);
    expect(await closed.json()).toMatchObject({ resolved: 1 });
    await t.tick();
    expect(t.store.db.select().from(alerts).get()).toMatchObject({ status: 'resolved', resolvedAt: NOW });
    expect(t.store.db.select().from(pages).get()).toMatchObject({ status: 'resolved' });
    const edits = t.standIn.take('chat.update');
    expect(edits.some((e) => e.args.channel === 'C0ALERTS' && String(e.args.text).startsWith(':large_green_circle:'))).toBe(true);
    if (!d.quietAtNight)
      expect(edits.some((e) => e.args.channel === 'U0BOB' && String(e.args.text).includes('Resolved at the source'))).toBe(true);
  });

  it('maps severities by the policy: Alertmanager critical -> P0 pages per P0 (the lead is told at once)', async () => {
    await start();
    const body = fixtureText('alertmanager/firing.json');
    await t.post('/webhooks/prometheus', body, { authorization: `Bearer ${SECRETS.ALERTMANAGER_TOKEN}` });
    expect(t.store.db.select().from(alerts).get()?.severity).toBe('P0');
    await t.tick();
    expect(t.standIn.take('chat.postMessage', (a) => a.channel === 'U0LEAD')).toHaveLength(1);
  });

  describe('bad requests: a 4xx with a one-line reason, nothing stored', () => {
    const counts = () => [alerts, pages, outbox, timers].map((table) => t.store.db.select().from(table).all().length);
    const am = fixtureText('alertmanager/firing.json');
    const bearer = { authorization: `Bearer ${SECRETS.ALERTMANAGER_TOKEN}` };
    it.each([
      ['bad JSON', '/webhooks/prometheus', '{"alerts": [', bearer, 400, 'the body is not valid JSON'],
      [
        'wrong shape',
        '/webhooks/prometheus',
        JSON.stringify({ alerts: [{ status: 'firing', labels: 'x' }] }),
        bearer,
        422,
        'alerts[0].labels: expected object, got string',
      ],
      [
        'unknown integration',
        '/webhooks/nagios',
        am,
        bearer,
        404,
        'no integration named "nagios" in the policy (known: prometheus, sentry, uptime, grafana, pagerduty, jobs)',
      ],
      ['missing secret', '/webhooks/prometheus', am, {}, 401, 'missing Authorization: Bearer <token>'],
      ['wrong secret', '/webhooks/prometheus', am, { authorization: 'Bearer nope' }, 401, 'wrong bearer token'],
      [
        'wrong Sentry signature',
        '/webhooks/sentry',
        fixtureText('sentry/event_alert.json'),
        { 'sentry-hook-resource': 'event_alert', 'sentry-hook-signature': 'ab'.repeat(32) },
        401,
        'wrong Sentry-Hook-Signature',
      ],
      [
        'wrong PagerDuty routing key',
        '/webhooks/pagerduty',
        fixtureText('pagerduty/trigger.json').replace('R0UTINGKEY', 'WRONGKEY00'),
        {},
        401,
        'wrong or missing routing_key',
      ],
    ])('%s', async (_name, path, body, headers, status, reason) => {
      await start();
      const before = counts();
      const answer = await t.post(path, body, headers as Record<string, string>);
      expect(answer.status).toBe(status);
      expect(await answer.json()).toEqual({ error: reason });
      expect(counts()).toEqual(before);
      expect(t.logs.lines.join('')).not.toContain(SECRETS.ALERTMANAGER_TOKEN);
    });

    it('a body over 1 MiB is refused with 413', async () => {
      await start();
      const before = counts();
      const huge = JSON.stringify({ alerts: [], padding: 'x'.repeat(1024 * 1024) });
      const answer = await t.post('/webhooks/prometheus', huge, bearer);
      expect(answer.status).toBe(413);
      expect(await answer.json()).toEqual({ error: 'the body is larger than 1048576 bytes' });
      expect(counts()).toEqual(before);
    });
  });

  // Heavy (thousands of requests through the real app): a budget for a busy CI machine, not a speed target.
  it('a storm of 1,000 identical alerts in 10 s is one alert with count 1,000, one page, and at most one edit per 10 s', {
    timeout: 60_000,
  }, async () => {
    await start();
    const body = fixtureText('uptime-kuma/down.json');
    const headers = { authorization: `Bearer ${SECRETS.UPTIME_TOKEN}` };
    for (let i = 0; i < 1000; i += 1) {
      const answer = await t.post('/webhooks/uptime', body, headers);
      expect(answer.status).toBe(202);
      t.clock.advance(10);
      if (i % 100 === 99) await t.tick();
    }
    await t.advance(SECOND);
    expect(t.store.db.select().from(alerts).all()).toHaveLength(1);
    expect(t.store.db.select().from(alerts).get()).toMatchObject({ count: 1000 });
    expect(t.store.db.select().from(pages).all()).toHaveLength(1);
    const edits = t.standIn.take('chat.update', (a) => a.channel === 'C0ALERTS');
    expect(edits.length).toBeGreaterThanOrEqual(1);
    expect(edits.length).toBeLessThanOrEqual(2);
    expect(String(edits.at(-1)!.args.blocks && JSON.stringify(edits.at(-1)!.args.blocks))).toContain('×');
    await t.advance(10 * SECOND);
    const last = t.standIn.take('chat.update', (a) => a.channel === 'C0ALERTS').at(-1) ?? edits.at(-1)!;
    expect(JSON.stringify(last.args.blocks)).toContain('×1000');
  });
});
