/**
 * Each normalizer on small inline payloads: every field of the result, the fallbacks when a field is missing,
 * and a ShapeError naming the path when a field has the wrong type (normalizers.test.ts covers the shared
 * real-world fixtures).
 */
import { describe, expect, it } from 'vitest';
import { ShapeError, type NormalizedAlert } from '../../src/alerts/normalized.js';
import { normalizeAlertmanager } from '../../src/alerts/sources/alertmanager.js';
import { normalizeGeneric } from '../../src/alerts/sources/generic.js';
import { normalizePagerduty } from '../../src/alerts/sources/pagerduty.js';
import { normalizeSentry } from '../../src/alerts/sources/sentry.js';
import { normalizeUptimeKuma } from '../../src/alerts/sources/uptime-kuma.js';

const sentry = (resource: string, body: unknown) => normalizeSentry(body, { 'sentry-hook-resource': resource });
const T = '2026-11-20T09:58:11.204Z';
/** A Sentry alert with nothing but its key, status and summary (title "T" unless said). */
const leastSentry = (dedupKey: string, status: 'firing' | 'resolved', summary = 'T') => ({
  source: 'sentry',
  dedupKey,
  status,
  service: null,
  sourceSeverity: null,
  summary,
  details: '',
  links: [],
  labels: {},
  startedAt: null,
});

function expectShapeError(run: () => unknown, message: string) {
  expect(run).toThrow(ShapeError);
  expect(run).toThrow(message);
}

describe('Alertmanager', () => {
  const alert = (extra: Record<string, unknown>) => ({ status: 'firing', labels: { alertname: 'HighLatency' }, ...extra });

  it('takes service and severity from the alert, else the common labels, else the job', () => {
    const body = (labels: Record<string, string>, commonLabels?: Record<string, string>) => ({
      alerts: [alert({ labels })],
      ...(commonLabels ? { commonLabels } : {}),
    });
    const pick = (a: NormalizedAlert) => [a.service, a.sourceSeverity];
    expect(
      pick(
        normalizeAlertmanager(body({ service: 'api', severity: 'critical', job: 'j' }, { service: 'billing', severity: 'warning' }))[0]!,
      ),
    ).toEqual(['api', 'critical']);
    expect(pick(normalizeAlertmanager(body({ job: 'j' }, { service: 'billing', severity: 'warning' }))[0]!)).toEqual([
      'billing',
      'warning',
    ]);
    expect(pick(normalizeAlertmanager(body({ job: 'j' }))[0]!)).toEqual(['j', null]);
    expect(pick(normalizeAlertmanager(body({}))[0]!)).toEqual([null, null]);
  });

  it('summary: the summary annotation, the description, the alert name, the title, else "alert"', () => {
    const summary = (a: Record<string, unknown>, title?: string) =>
      normalizeAlertmanager({ alerts: [a], ...(title ? { title } : {}) })[0]!.summary;
    expect(summary(alert({ annotations: { summary: 'S', description: 'D' } }))).toBe('S');
    expect(summary(alert({ annotations: { description: 'D' } }))).toBe('D');
    expect(summary(alert({}))).toBe('HighLatency');
    expect(summary({ status: 'firing', labels: {} }, 'Grafana title')).toBe('Grafana title');
    expect(summary({ status: 'firing', labels: {} })).toBe('alert');
  });

  it('details join the description and the value; links in order, only those given', () => {
    const [a] = normalizeAlertmanager({
      alerts: [
        alert({
          annotations: { description: 'p99 above 2s', runbook_url: 'https://rb' },
          valueString: '[ A=2.4 ]',
          generatorURL: 'https://gen',
          dashboardURL: 'https://dash',
          silenceURL: 'https://silence',
          startsAt: T,
        }),
      ],
    });
    expect(a!.details).toBe('p99 above 2s\n[ A=2.4 ]');
    expect(a!.links).toEqual([
      { href: 'https://gen', text: 'Source' },
      { href: 'https://rb', text: 'Runbook' },
      { href: 'https://dash', text: 'Dashboard' },
      { href: 'https://silence', text: 'Silence' },
    ]);
    expect(a!.startedAt).toBe(Date.parse(T));
    expect(normalizeAlertmanager({ alerts: [alert({ valueString: 'v' })] })[0]!).toMatchObject({
      details: 'v',
      links: [],
      startedAt: null,
    });
  });

  it('a payload with no alerts is no alert; wrong types name their path', () => {
    expect(normalizeAlertmanager({ alerts: [] })).toEqual([]);
    expectShapeError(() => normalizeAlertmanager({ alerts: [{ status: 'on', labels: {} }] }), 'alerts[0].status');
    expectShapeError(() => normalizeAlertmanager({ alerts: [alert({ annotations: { summary: 5 } })] }), 'alerts[0].annotations.summary');
    expectShapeError(() => normalizeAlertmanager({ alerts: [], commonLabels: { service: 5 } }), 'commonLabels.service');
  });
});

describe('generic', () => {
  it('a full alert', () => {
    expect(
      normalizeGeneric({
        title: 'Nightly export failed',
        dedup_key: 'export/1',
        status: 'firing',
        severity: 'P2',
        service: 'billing',
        details: 'exit 3',
        links: [{ href: 'https://ci/1', text: 'Job' }, { href: 'https://ci/2' }],
        labels: { team: 'data' },
      }),
    ).toEqual([
      {
        source: 'generic',
        dedupKey: 'export/1',
        status: 'firing',
        service: 'billing',
        sourceSeverity: 'P2',
        summary: 'Nightly export failed',
        details: 'exit 3',
        links: [
          { href: 'https://ci/1', text: 'Job' },
          { href: 'https://ci/2', text: 'https://ci/2' },
        ],
        labels: { team: 'data' },
        startedAt: null,
      },
    ]);
  });

  it('a resolve needs only the key and the status', () => {
    expect(normalizeGeneric({ dedup_key: 'export/1', status: 'resolved' })).toEqual([
      {
        source: 'generic',
        dedupKey: 'export/1',
        status: 'resolved',
        service: null,
        sourceSeverity: null,
        summary: 'export/1',
        details: '',
        links: [],
        labels: {},
        startedAt: null,
      },
    ]);
  });

  it.each([
    [{ dedup_key: 'k', status: 'firing', title: '' }, 'title'],
    [{ dedup_key: '', status: 'resolved' }, 'dedup_key'],
    [{ dedup_key: 'k', status: 'open' }, 'status'],
    [{ dedup_key: 'k', status: 'resolved', links: [{ href: 5 }] }, 'links[0].href'],
    [{ dedup_key: 'k', status: 'resolved', links: [{ href: 'h', text: 5 }] }, 'links[0].text'],
    [{ dedup_key: 'k', status: 'resolved', labels: { a: 5 } }, 'labels.a'],
    [{ dedup_key: 'k', status: 'resolved', service: 'x'.repeat(101) }, 'service'],
  ])('%j is refused at %s', (body, path) => {
    expectShapeError(() => normalizeGeneric(body), path);
  });
});

describe('PagerDuty Events v2', () => {
  it('a full trigger', () => {
    expect(
      normalizePagerduty({
        routing_key: 'R',
        event_action: 'trigger',
        dedup_key: 'disk/db-2',
        payload: {
          summary: 'Disk full',
          source: 'db-2',
          severity: 'critical',
          timestamp: T,
          component: 'postgres',
          group: 'prod',
          class: 'disk',
          custom_details: { free: '1%' },
        },
        links: [{ href: 'https://g/d', text: 'Dashboard' }, { href: 'https://g/e' }],
      }),
    ).toEqual([
      {
        source: 'pagerduty',
        dedupKey: 'disk/db-2',
        status: 'firing',
        service: 'postgres',
        sourceSeverity: 'critical',
        summary: 'Disk full',
        details: '{\n "free": "1%"\n}',
        links: [
          { href: 'https://g/d', text: 'Dashboard' },
          { href: 'https://g/e', text: 'https://g/e' },
        ],
        labels: { source: 'db-2', group: 'prod', class: 'disk' },
        startedAt: Date.parse(T),
      },
    ]);
  });

  it('a trigger with only what is required: the group is the service, labels only what is given', () => {
    const [a] = normalizePagerduty({
      routing_key: 'R',
      event_action: 'trigger',
      payload: { summary: 'Disk full', severity: 'error', group: 'prod' },
    });
    expect(a).toStrictEqual({
      source: 'pagerduty',
      dedupKey: 'summary:Disk full',
      status: 'firing',
      service: 'prod',
      sourceSeverity: 'error',
      summary: 'Disk full',
      details: '',
      links: [],
      labels: { group: 'prod' },
      startedAt: null,
    });
  });

  it('acknowledge and resolve carry only the key', () => {
    expect(normalizePagerduty({ routing_key: 'R', event_action: 'resolve', dedup_key: 'k' })).toEqual([
      {
        source: 'pagerduty',
        dedupKey: 'k',
        status: 'resolved',
        service: null,
        sourceSeverity: null,
        summary: 'k',
        details: '',
        links: [],
        labels: {},
        startedAt: null,
      },
    ]);
    expect(normalizePagerduty({ routing_key: 'R', event_action: 'acknowledge', dedup_key: 'k' })[0]!.status).toBe('acknowledged');
  });

  it.each([
    [
      { routing_key: 'R', event_action: 'acknowledge' },
      'dedup_key: expected string, got nothing (acknowledge needs the dedup_key of its trigger)',
    ],
    [{ routing_key: 'R', event_action: 'resolve' }, 'dedup_key: expected string, got nothing (resolve needs the dedup_key of its trigger)'],
    [{ routing_key: 'R', event_action: 'trigger' }, 'payload: expected object, got nothing (a trigger needs a payload)'],
    [{ routing_key: 'R', event_action: 'trigger', payload: { summary: 5, severity: 'x' } }, 'payload.summary'],
    [{ routing_key: 'R', event_action: 'trigger', payload: { summary: 's', severity: 'x' }, links: [{ href: 5 }] }, 'links[0].href'],
    [
      { routing_key: 'R', event_action: 'trigger', payload: { summary: 's', severity: 'x' }, links: [{ href: 'h', text: 5 }] },
      'links[0].text',
    ],
    [{ routing_key: 5, event_action: 'trigger' }, 'routing_key'],
  ])('%j is refused: %s', (body, message) => {
    expectShapeError(() => normalizePagerduty(body), message);
  });
});

describe('Uptime Kuma', () => {
  const body = (status: number, extra: Record<string, unknown> = {}) => ({
    heartbeat: { status, msg: 'HTTP 503', time: '2026-11-20 10:00:00' },
    monitor: {
      id: 14,
      name: 'Public API',
      url: 'https://api.example.com/health',
      tags: [
        { name: 'service', value: 'api' },
        { name: 'critical', value: null },
      ],
    },
    msg: 'Public API went down',
    ...extra,
  });

  it('down is firing, up is resolved, with everything in between', () => {
    expect(normalizeUptimeKuma(body(0))).toEqual([
      {
        source: 'uptime-kuma',
        dedupKey: 'monitor:14',
        status: 'firing',
        service: 'api',
        sourceSeverity: null,
        summary: 'Public API is down',
        details: 'HTTP 503',
        links: [{ href: 'https://api.example.com/health', text: 'Monitored URL' }],
        labels: { service: 'api', critical: '' },
        startedAt: null,
      },
    ]);
    expect(normalizeUptimeKuma(body(1))[0]).toMatchObject({ status: 'resolved', summary: 'Public API is up' });
  });

  it('falls back to the top message, then nothing; no url, no link; no service tag, no service', () => {
    const bare = { heartbeat: { status: 0 }, monitor: { id: 3, name: 'DB' }, msg: 'DB went down' };
    expect(normalizeUptimeKuma(bare)[0]).toMatchObject({ details: 'DB went down', links: [], labels: {}, service: null });
    expect(normalizeUptimeKuma(bare)[0]!.labels).toStrictEqual({});
    expect(normalizeUptimeKuma({ heartbeat: { status: 0, msg: null }, monitor: { id: 3, name: 'DB', url: null } })[0]).toMatchObject({
      details: '',
      links: [],
    });
    expect(normalizeUptimeKuma(body(0, { monitor: { id: 3, name: 'DB', tags: [{ name: 'service', value: '' }] } }))[0]!.service).toBeNull();
  });

  it.each([
    ['pending', { heartbeat: { status: 2 }, monitor: { id: 1, name: 'x' } }],
    ['maintenance', { heartbeat: { status: 3 }, monitor: { id: 1, name: 'x' } }],
    ['no monitor', { heartbeat: { status: 0 }, monitor: null }],
    ['no heartbeat', { heartbeat: null, monitor: { id: 1, name: 'x' } }],
    ['the Test button', { heartbeat: null, monitor: null, msg: 'test' }],
  ])('%s is no alert', (_what, payload) => {
    expect(normalizeUptimeKuma(payload)).toEqual([]);
  });

  it.each([
    [{ heartbeat: { status: 0, msg: 5 }, monitor: { id: 1, name: 'x' } }, 'heartbeat.msg'],
    [{ heartbeat: { status: 0 }, monitor: { id: 1.5, name: 'x' } }, 'monitor.id'],
    [{ heartbeat: { status: 0 }, monitor: { id: 1, name: 'x', tags: [{ name: 5 }] } }, 'monitor.tags[0].name'],
    [{ heartbeat: { status: 0 }, monitor: { id: 1, name: 'x', url: 5 } }, 'monitor.url'],
  ])('%j is refused at %s', (payload, path) => {
    expectShapeError(() => normalizeUptimeKuma(payload), path);
  });
});

describe('Sentry', () => {
  it('an event alert with everything', () => {
    const body = {
      action: 'triggered',
      data: {
        triggered_rule: 'Errors in checkout',
        event: {
          issue_id: 42,
          issue_url: 'https://sentry.io/api/0/issues/77/',
          title: 'TypeError: price',
          level: 'error',
          culprit: 'checkout.js in total',
          environment: 'production',
          datetime: T,
          web_url: 'https://sentry.io/e/1',
          tags: [['service', 'api'], ['count', 3], ['flag', true], [null, 'x'], ['k', { v: 1 }], ['a', 'b', 'c'], ['single']],
        },
      },
    };
    expect(sentry('event_alert', body)).toEqual([
      {
        source: 'sentry',
        dedupKey: 'issue:42',
        status: 'firing',
        service: 'api',
        sourceSeverity: 'error',
        summary: 'TypeError: price',
        details: 'Rule: Errors in checkout\ncheckout.js in total\nEnvironment: production',
        links: [{ href: 'https://sentry.io/e/1', text: 'Sentry event' }],
        labels: { service: 'api', count: '3', flag: 'true' },
        startedAt: Date.parse(T),
      },
    ]);
  });

  it('an event alert with the least: the issue id from the url', () => {
    expect(
      sentry('event_alert', { action: 'triggered', data: { event: { issue_url: 'https://sentry.io/api/0/issues/77', title: 'T' } } }),
    ).toEqual([leastSentry('issue:77', 'firing')]);
    expect(
      sentry('event_alert', {
        action: 'triggered',
        data: { event: { issue_url: 'https://sentry.io/api/0/issues/77/', title: 'T', culprit: null, environment: null } },
      })[0]!.details,
    ).toBe('');
  });

  it.each([
    ['no id at all', { title: 'T' }],
    ['a url that is no issue', { issue_url: 'https://sentry.io/api/0/projects/77/', title: 'T' }],
    ['a url that goes on past the issue', { issue_url: 'https://sentry.io/api/0/issues/77/events/', title: 'T' }],
  ])('an event alert with %s is refused', (_what, event) => {
    expectShapeError(
      () => sentry('event_alert', { action: 'triggered', data: { event } }),
      'data.event.issue_id: expected an issue id (or an issue_url ending in /issues/<id>/)',
    );
  });

  it('a metric alert with everything, then with the least', () => {
    expect(
      sentry('metric_alert', {
        action: 'warning',
        data: {
          description_title: 'Described',
          description_text: '5xx above 2%',
          web_url: 'https://sentry.io/alerts/301',
          metric_alert: { id: 301, title: 'Error spike', date_started: T, alert_rule: { name: 'r', environment: 'prod' } },
        },
      }),
    ).toEqual([
      {
        source: 'sentry',
        dedupKey: 'metric:301',
        status: 'firing',
        service: null,
        sourceSeverity: 'warning',
        summary: 'Error spike',
        details: '5xx above 2%',
        links: [{ href: 'https://sentry.io/alerts/301', text: 'Alert rule' }],
        labels: { environment: 'prod' },
        startedAt: Date.parse(T),
      },
    ]);
    expect(sentry('metric_alert', { action: 'resolved', data: { metric_alert: { id: '9', date_started: null, alert_rule: {} } } })).toEqual(
      [leastSentry('metric:9', 'resolved', 'Sentry metric alert')],
    );
    expect(
      sentry('metric_alert', { action: 'critical', data: { description_title: 'Described', metric_alert: { id: 1 } } })[0],
    ).toMatchObject({ summary: 'Described', status: 'firing', sourceSeverity: 'critical' });
  });

  it('an issue resolve with everything, then with the least; other issue actions are no alert', () => {
    expect(
      sentry('issue', {
        action: 'resolved',
        data: {
          issue: {
            id: 4821,
            title: 'TypeError',
            status: 'resolved',
            level: 'error',
            permalink: 'https://sentry.io/i/4821',
            firstSeen: T,
            project: { slug: 'web' },
          },
        },
      }),
    ).toEqual([
      {
        source: 'sentry',
        dedupKey: 'issue:4821',
        status: 'resolved',
        service: null,
        sourceSeverity: 'error',
        summary: 'TypeError',
        details: '',
        links: [{ href: 'https://sentry.io/i/4821', text: 'Sentry issue' }],
        labels: { project: 'web' },
        startedAt: Date.parse(T),
      },
    ]);
    expect(sentry('issue', { action: 'resolved', data: { issue: { id: '5', title: 'T', project: {} } } })).toEqual([
      leastSentry('issue:5', 'resolved'),
    ]);
    for (const action of ['created', 'assigned', 'ignored', 'unresolved']) {
      expect(sentry('issue', { action, data: { issue: { id: 5, title: 'T' } } })).toEqual([]);
    }
  });

  it.each([
    ['event_alert', {}, 'action'],
    ['event_alert', { action: 'triggered' }, 'data'],
    ['event_alert', { action: 'triggered', data: {} }, 'data.event'],
    ['event_alert', { action: 'triggered', data: { event: { issue_id: 1, title: 5 } } }, 'data.event.title'],
    ['event_alert', { action: 'triggered', data: { triggered_rule: 5, event: { issue_id: 1, title: 'T' } } }, 'data.triggered_rule'],
    ['event_alert', { action: 'triggered', data: { event: { issue_id: 1, title: 'T', tags: 'service:api' } } }, 'data.event.tags'],
    ['metric_alert', { action: 'info', data: { metric_alert: { id: 1 } } }, 'action'],
    ['metric_alert', { action: 'critical' }, 'data'],
    ['metric_alert', { action: 'critical', data: { description_text: 5, metric_alert: { id: 1 } } }, 'data.description_text'],
    ['metric_alert', { action: 'critical', data: { metric_alert: { id: 1, title: 5 } } }, 'data.metric_alert.title'],
    [
      'metric_alert',
      { action: 'critical', data: { metric_alert: { id: 1, alert_rule: { environment: 5 } } } },
      'data.metric_alert.alert_rule.environment',
    ],
    ['issue', { action: 'resolved' }, 'data'],
    ['issue', { action: 'resolved', data: { issue: { id: 1 } } }, 'data.issue.title'],
    ['issue', { action: 'resolved', data: { issue: { id: 1, title: 'T', level: 5 } } }, 'data.issue.level'],
    ['issue', { action: 'resolved', data: { issue: { id: 1, title: 'T', project: { slug: 5 } } } }, 'data.issue.project.slug'],
  ])('%s %j is refused at %s', (resource, body, path) => {
    expectShapeError(() => sentry(resource, body), path);
  });
});
