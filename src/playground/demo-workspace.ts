/**
 * The playground's seeded workspace: a handful of people in three zones, two rotations, the usual channels and
 * one integration of every alert format, so the first start already has someone on call and alerts to send.
 * The sample alerts are small hand-made payloads of each format (the shapes of src/alerts/sources/).
 */
import { randomBytes } from 'node:crypto';
import { hmacHex } from '../alerts/auth.js';
import { parsePolicyText, type Policy } from '../config/policy.js';

export interface DemoPerson {
  id: string;
  name: string;
  tz: string;
}

export const DEMO_PEOPLE: readonly DemoPerson[] = [
  { id: 'U0ANA', name: 'Ana Lopez', tz: 'Europe/London' },
  { id: 'U0BEN', name: 'Ben Okafor', tz: 'Europe/London' },
  { id: 'U0CHLOE', name: 'Chloe Martin', tz: 'America/New_York' },
  { id: 'U0DEV', name: 'Dev Patel', tz: 'Asia/Kolkata' },
  { id: 'U0EMMA', name: 'Emma Schmidt', tz: 'Europe/Berlin' },
  { id: 'U0LEE', name: 'Lee Park', tz: 'Europe/London' },
];

export const DEMO_CHANNELS: Readonly<Record<string, string>> = {
  C0BACKEND: 'backend-oncall',
  C0WEB: 'web-oncall',
  C0INCIDENTS: 'incidents',
  C0ALERTS: 'alerts',
};

/** Secret names the demo policy's integrations read; the playground makes up their values at each start. */
const SECRET_NAMES = [
  'DEMO_ALERTMANAGER_TOKEN',
  'DEMO_GRAFANA_PASSWORD',
  'DEMO_SENTRY_SECRET',
  'DEMO_UPTIME_TOKEN',
  'DEMO_PD_ROUTING_KEY',
  'DEMO_JOBS_SECRET',
];

export function demoPolicyText(startDate: string): string {
  return `
preset: p0-p3
timezone: Europe/London
business_hours: { days: [mon, tue, wed, thu, fri], start: "09:00", end: "18:00" }
people: { engineering_lead: U0LEE, cto: U0LEE }   # a small company: the lead is also the CTO
channels: { incidents: C0INCIDENTS, alerts: C0ALERTS }
services: [api, checkout, payments, web]
rotations:
  backend:
    members: [U0ANA, U0BEN, U0CHLOE, U0DEV]
    shift: { every: 1w, handoff: "mon 09:00", timezone: Europe/London, start: "${startDate}" }
    channel: C0BACKEND
    alerts_channel: C0ALERTS
  web:
    members: [U0EMMA, U0CHLOE, U0BEN]
    shift: { every: 1w, handoff: "mon 10:00", timezone: Europe/Berlin, start: "${startDate}" }
    channel: C0WEB
    alerts_channel: C0ALERTS
integrations:
  prometheus: { format: alertmanager, auth: { bearer_env: DEMO_ALERTMANAGER_TOKEN }, routes: [{ match: { service: web }, rotation: web }, { rotation: backend }], severity: { from_label: severity, map: { critical: P0, error: P1, warning: P2 }, default: P1 }, declare_incident: [P0] }
  grafana: { format: grafana, auth: { basic_env: { user: DEMO_GRAFANA_USER, password: DEMO_GRAFANA_PASSWORD } }, routes: [{ rotation: backend }] }
  sentry: { format: sentry, auth: { sentry_secret_env: DEMO_SENTRY_SECRET }, routes: [{ rotation: web, severity: P2 }] }
  uptime: { format: uptime-kuma, auth: { bearer_env: DEMO_UPTIME_TOKEN }, routes: [{ rotation: backend, severity: P1 }] }
  pagerduty: { format: pagerduty-events-v2, auth: { routing_key_env: DEMO_PD_ROUTING_KEY }, routes: [{ rotation: backend }] }
  jobs: { format: generic, auth: { hmac_sha256_env: DEMO_JOBS_SECRET, header: X-Signature }, routes: [{ rotation: backend }] }
`;
}

/** The demo policy, its first shift on the given date (the Monday of the week the playground starts in). */
export function demoPolicy(startDate: string): Policy {
  return parsePolicyText(demoPolicyText(startDate), 'playground demo policy');
}

export function demoSecrets(): Record<string, string> {
  const secrets: Record<string, string> = { DEMO_GRAFANA_USER: 'grafana' };
  for (const name of SECRET_NAMES) secrets[name] = randomBytes(16).toString('hex');
  return secrets;
}

export interface SampleAlert {
  integration: string;
  label: string;
  body: string;
  headers: Record<string, string>;
}

/**
 * One firing alert of each format, signed or authorised the way the demo policy asks. `n` makes each press a
 * new alert (a press of the same button twice would otherwise be deduplicated, which is right but dull).
 */
export function sampleAlerts(policy: Policy, secrets: Record<string, string>, n: number): SampleAlert[] {
  const json = (value: unknown) => JSON.stringify(value);
  const bearer = (name: string) => ({ authorization: `Bearer ${secrets[name] ?? ''}` });
  const hmac = (name: string, body: string) => hmacHex(secrets[name] ?? '', body);
  const samples: SampleAlert[] = [];
  const add = (integration: string, label: string, body: string, headers: Record<string, string>) => {
    if (policy.integrations[integration])
      samples.push({ integration, label, body, headers: { 'content-type': 'application/json', ...headers } });
  };
  add(
    'prometheus',
    'Alertmanager: HighErrorRate on checkout',
    json({
      version: '4',
      status: 'firing',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'HighErrorRate', service: 'checkout', severity: 'error', instance: `checkout-${n}` },
          annotations: { summary: `5xx above 5% on checkout-${n}` },
          fingerprint: `demo-am-${n}`,
        },
      ],
    }),
    bearer('DEMO_ALERTMANAGER_TOKEN'),
  );
  add(
    'grafana',
    'Grafana: p99 latency',
    json({
      status: 'firing',
      title: '[FIRING:1] p99 latency',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'LatencyP99', service: 'api', severity: 'warning', n: String(n) },
          annotations: { summary: 'p99 latency over 800 ms for 10 minutes' },
          fingerprint: `demo-gf-${n}`,
        },
      ],
    }),
    { authorization: `Basic ${Buffer.from(`grafana:${secrets.DEMO_GRAFANA_PASSWORD ?? ''}`).toString('base64')}` },
  );
  const sentry = json({
    action: 'triggered',
    data: {
      triggered_rule: 'New error in web',
      event: {
        issue_id: String(9000 + n),
        title: `TypeError: cannot read properties of undefined (reading 'cart') #${n}`,
        level: 'error',
        environment: 'prod',
        web_url: 'https://sentry.example/issues/9000',
      },
    },
  });
  add('sentry', 'Sentry: TypeError in web', sentry, {
    'sentry-hook-resource': 'event_alert',
    'sentry-hook-signature': hmac('DEMO_SENTRY_SECRET', sentry),
  });
  add(
    'uptime',
    'Uptime Kuma: status page down',
    json({
      heartbeat: { status: 0, msg: 'connect ETIMEDOUT' },
      monitor: { id: 100 + n, name: `status page ${n}`, url: 'https://status.example' },
      msg: `[status page ${n}] [DOWN] connect ETIMEDOUT`,
    }),
    bearer('DEMO_UPTIME_TOKEN'),
  );
  add(
    'pagerduty',
    'PagerDuty Events v2: disk full',
    json({
      routing_key: secrets.DEMO_PD_ROUTING_KEY ?? '',
      event_action: 'trigger',
      dedup_key: `demo-pd-${n}`,
      payload: { summary: `Disk 95% full on db-${n}`, source: `db-${n}`, severity: 'critical' },
    }),
    {},
  );
  const generic = json({
    title: `Nightly export failed (run ${n})`,
    dedup_key: `demo-job-${n}`,
    status: 'firing',
    severity: 'P2',
    service: 'api',
    details: 'exit code 1 after 12 min',
  });
  add('jobs', 'Generic JSON: nightly export failed', generic, { 'x-signature': hmac('DEMO_JOBS_SECRET', generic) });
  return samples;
}

/** The storm button's shape: 200 distinct alerts, Alertmanager's way (one request per group of 10), in 5 groups over 4 services. */
export const STORM = { alerts: 200, perRequest: 10 } as const;

/** The groups of a storm: a database falling over takes the services that use it with it. */
const STORM_GROUPS = [
  { service: 'payments', alertname: 'DbConnectionsExhausted', severity: 'critical', summary: 'payments cannot get a database connection' },
  { service: 'api', alertname: 'DbConnectionsExhausted', severity: 'error', summary: 'api cannot get a database connection' },
  { service: 'checkout', alertname: 'HighErrorRate', severity: 'error', summary: '5xx above 5% on checkout' },
  { service: 'api', alertname: 'LatencyP99', severity: 'error', summary: 'p99 latency over 2 s on api' },
  { service: 'web', alertname: 'HighErrorRate', severity: 'error', summary: '5xx above 5% on web' },
] as const;

/**
 * A storm of STORM.alerts distinct firing alerts for the Alertmanager integration `prometheus`, as Alertmanager
 * sends them: each request holds 10 alerts of one of the 5 groups (the payments one critical: P0, which the demo
 * policy's `declare_incident: [P0]` turns into an incident; the web one routes to the web rotation), the groups
 * interleaved. `n` makes each press new alerts (a second press within the grouping window joins the same groups).
 * Empty when the policy has no Alertmanager integration named prometheus.
 */
export function stormAlerts(policy: Policy, secrets: Record<string, string>, n: number): SampleAlert[] {
  if (policy.integrations.prometheus?.format !== 'alertmanager') return [];
  const requests: SampleAlert[] = [];
  for (let r = 0; r < STORM.alerts / STORM.perRequest; r += 1) {
    const group = STORM_GROUPS[r % STORM_GROUPS.length]!;
    const alerts = Array.from({ length: STORM.perRequest }, (_, i) => {
      const instance = `${group.service}-${Math.floor(r / STORM_GROUPS.length) * STORM.perRequest + i}`;
      return {
        status: 'firing',
        labels: { alertname: group.alertname, service: group.service, severity: group.severity, instance },
        annotations: { summary: `${group.summary} (${instance})` },
        fingerprint: `demo-storm-${n}-${group.service}-${group.alertname}-${instance}`,
      };
    });
    requests.push({
      integration: 'prometheus',
      label: `Storm: ${group.alertname} on ${group.service}`,
      body: JSON.stringify({
        version: '4',
        status: 'firing',
        groupKey: `{}:{alertname="${group.alertname}",service="${group.service}"}`,
        commonLabels: { alertname: group.alertname, service: group.service },
        alerts,
      }),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secrets.DEMO_ALERTMANAGER_TOKEN ?? ''}` },
    });
  }
  return requests;
}
