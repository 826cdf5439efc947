import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../src/alerts/normalized.js';
import { NORMALIZERS, type AlertFormat } from '../../src/alerts/sources/index.js';
import { INTEGRATION_FORMATS } from '../../src/config/policy-schema.js';
import { fixture } from '../support/fixtures.js';

const none = {};

describe('normalizers: each shared fixture, firing then resolved', () => {
  it('has one normalizer per format the policy accepts', () => {
    expect(Object.keys(NORMALIZERS).sort()).toEqual([...INTEGRATION_FORMATS].sort());
  });

  it('Alertmanager', () => {
    const [firing] = NORMALIZERS.alertmanager!(fixture('alertmanager/firing.json'), none);
    expect(firing).toEqual({
      source: 'alertmanager',
      dedupKey: '7f3c1e0a9b2d4c65',
      status: 'firing',
      service: 'api',
      sourceSeverity: 'critical',
      summary: 'p99 latency above 2s for 5 minutes',
      details: '',
      links: [
        { href: 'http://prometheus.example.com/graph?g0.expr=latency', text: 'Source' },
        { href: 'https://runbooks.example.com/high-latency', text: 'Runbook' },
      ],
      labels: { alertname: 'HighLatency', service: 'api', severity: 'critical', instance: 'api-1:9100', job: 'api' },
      startedAt: Date.parse('2026-11-20T03:12:00Z'),
      // Alertmanager's own group: its group resolve closes every alert still open in it.
      sourceGroup: { key: '{}:{alertname="HighLatency"}', status: 'firing' },
    });
    const [resolved] = NORMALIZERS.alertmanager!(fixture('alertmanager/resolved.json'), none);
    expect(resolved).toMatchObject({
      dedupKey: '7f3c1e0a9b2d4c65',
      status: 'resolved',
      sourceGroup: { key: '{}:{alertname="HighLatency"}', status: 'resolved' },
    });
  });

  it('Alertmanager from an older version without fingerprint falls back to the label set, stable across firing and resolve', () => {
    const alerts = NORMALIZERS.alertmanager!(fixture('upstream/alertmanager/metalmatze-alertmanager-bot-resolved-real-endsAt.json'), none);
    expect(alerts.length).toBeGreaterThan(0);
    expect(alerts[0]!.dedupKey).toMatch(/^labels:[0-9a-f]{16}$/);
    expect(alerts[0]!.status).toBe('resolved');
    const twoAlerts = NORMALIZERS.alertmanager!(fixture('upstream/alertmanager/zulip-fixture-firing-2-alerts.json'), none);
    expect(twoAlerts).toHaveLength(2);
    expect(new Set(twoAlerts.map((a) => a.dedupKey)).size).toBe(2);
  });

  it('Grafana', () => {
    const [firing] = NORMALIZERS.grafana!(fixture('grafana/firing.json'), none);
    expect(firing).toMatchObject({
      source: 'grafana',
      dedupKey: '4e2a91c0d7f35b18',
      status: 'firing',
      service: 'checkout',
      sourceSeverity: null,
      summary: '5xx rate on checkout above 2%',
      details: "Error ratio 0.043 over the last 5m\n[ var='A' value=0.043 ]",
      startedAt: Date.parse('2026-11-20T09:01:30Z'),
    });
    expect(firing!.links.map((l) => l.text)).toEqual(['Source', 'Dashboard', 'Silence']);
    expect(NORMALIZERS.grafana!(fixture('grafana/resolved.json'), none)[0]).toMatchObject({
      dedupKey: '4e2a91c0d7f35b18',
      status: 'resolved',
    });
    for (const f of [
      'docs-example-firing-2-alerts.json',
      'zulip-fixture-firing-values-v11.json',
      'zulip-fixture-resolved-v9.json',
      'zulip-fixture-test-notification-resolved.json',
    ]) {
      expect(NORMALIZERS.grafana!(fixture(`upstream/grafana/${f}`), none).length).toBeGreaterThan(0);
    }
  });

  it('Sentry event alert, metric alert and issue resolve', () => {
    const [event] = NORMALIZERS.sentry!(fixture('sentry/event_alert.json'), { 'sentry-hook-resource': 'event_alert' });
    expect(event).toMatchObject({
      source: 'sentry',
      dedupKey: 'issue:4821',
      status: 'firing',
      sourceSeverity: 'error',
      summary: "TypeError: Cannot read properties of undefined (reading 'price')",
      startedAt: Date.parse('2026-11-20T09:58:11.204Z'),
      labels: { environment: 'production', level: 'error', url: 'https://shop.example.com/checkout' },
    });
    const [resolvedIssue] = NORMALIZERS.sentry!(fixture('sentry/issue-resolved.json'), { 'sentry-hook-resource': 'issue' });
    expect(resolvedIssue).toMatchObject({ dedupKey: 'issue:4821', status: 'resolved' });
    const [metric] = NORMALIZERS.sentry!(fixture('sentry/metric_alert-critical.json'), { 'sentry-hook-resource': 'metric_alert' });
    expect(metric).toMatchObject({ dedupKey: 'metric:301', status: 'firing', sourceSeverity: 'critical', summary: 'Error spike on web' });
    expect(NORMALIZERS.sentry!(fixture('sentry/metric_alert-resolved.json'), { 'sentry-hook-resource': 'metric_alert' })[0]).toMatchObject({
      dedupKey: 'metric:301',
      status: 'resolved',
    });
  });

  it('Sentry event alert with only an issue_url (a real capture) still dedups by issue id', () => {
    const [event] = NORMALIZERS.sentry!(fixture('upstream/sentry/event_alert-zulip-fixture-python-exception.json'), {
      'sentry-hook-resource': 'event_alert',
    });
    expect(event!.dedupKey).toMatch(/^issue:\d+$/);
  });

  it('Sentry without a known resource header is a shape error naming the header', () => {
    expect(() => NORMALIZERS.sentry!(fixture('sentry/event_alert.json'), {})).toThrow(
      'Sentry-Hook-Resource: expected event_alert, metric_alert or issue, got null',
    );
  });

  it('PagerDuty Events v2 trigger, acknowledge, resolve', () => {
    const [trigger] = NORMALIZERS['pagerduty-events-v2']!(fixture('pagerduty/trigger.json'), none);
    expect(trigger).toMatchObject({
      source: 'pagerduty',
      dedupKey: 'disk-full/db-2',
      status: 'firing',
      service: 'postgres',
      sourceSeverity: 'critical',
      summary: 'Disk 95% full on db-2',
      links: [{ href: 'https://grafana.example.com/d/db', text: 'DB dashboard' }],
      startedAt: Date.parse('2026-11-20T02:10:00Z'),
    });
    expect(NORMALIZERS['pagerduty-events-v2']!(fixture('pagerduty/acknowledge.json'), none)[0]).toMatchObject({
      dedupKey: 'disk-full/db-2',
      status: 'acknowledged',
    });
    expect(NORMALIZERS['pagerduty-events-v2']!(fixture('pagerduty/resolve.json'), none)[0]).toMatchObject({
      dedupKey: 'disk-full/db-2',
      status: 'resolved',
    });
  });

  it('Uptime Kuma down and up; the Test button is accepted but is no alert', () => {
    expect(NORMALIZERS['uptime-kuma']!(fixture('uptime-kuma/down.json'), none)[0]).toMatchObject({
      source: 'uptime-kuma',
      dedupKey: 'monitor:14',
      status: 'firing',
      service: 'api',
      summary: 'Public API health is down',
      details: 'Request failed with status code 503',
    });
    expect(NORMALIZERS['uptime-kuma']!(fixture('uptime-kuma/up.json'), none)[0]).toMatchObject({
      dedupKey: 'monitor:14',
      status: 'resolved',
    });
    expect(NORMALIZERS['uptime-kuma']!({ heartbeat: null, monitor: null, msg: 'test' }, none)).toEqual([]);
  });

  it('generic JSON', () => {
    expect(NORMALIZERS.generic!(fixture('generic/firing.json'), none)[0]).toEqual({
      source: 'generic',
      dedupKey: 'billing-export/2026-11-20',
      status: 'firing',
      service: 'billing',
      sourceSeverity: 'P2',
      summary: 'Nightly billing export failed',
      details: 'exit code 3 after 41 min; last line: connection reset by peer',
      links: [{ href: 'https://ci.example.com/jobs/9912', text: 'Job log' }],
      labels: {},
      startedAt: null,
    });
    expect(NORMALIZERS.generic!(fixture('generic/resolved.json'), none)[0]).toMatchObject({
      dedupKey: 'billing-export/2026-11-20',
      status: 'resolved',
    });
  });

  it.each([
    ['alertmanager', { alerts: [{ status: 'firing', labels: 'oops' }] }, 'alerts[0].labels: expected object, got string'],
    ['alertmanager', { alerts: 'none' }, 'alerts: expected array, got string'],
    ['pagerduty-events-v2', { routing_key: 'k', event_action: 'trigger' }, 'payload: expected object, got nothing'],
    ['generic', { dedup_key: 'x', status: 'firing' }, 'title: expected string, got nothing'],
    ['uptime-kuma', { heartbeat: { status: 'down' }, monitor: null }, 'heartbeat.status: expected number, got string'],
  ])('%s with a wrong shape names the path', (format, body, message) => {
    expect(() => NORMALIZERS[format as AlertFormat](body, {})).toThrow(ShapeError);
    expect(() => NORMALIZERS[format as AlertFormat](body, {})).toThrow(message);
  });
});
