/**
 * Sentry integration-platform webhooks. The resource comes from the Sentry-Hook-Resource header:
 * event_alert (an issue alert fired), metric_alert (critical/warning/resolved), issue (resolved, ...).
 */
import { z } from 'zod';
import { clip, instant, parseShape, ShapeError, type NormalizedAlert } from '../normalized.js';

const id = z.union([z.string(), z.number()]).transform(String);

const eventAlert = z.looseObject({
  action: z.string(),
  data: z.looseObject({
    triggered_rule: z.string().optional(),
    event: z.looseObject({
      issue_id: id.optional(),
      issue_url: z.string().optional(),
      title: z.string(),
      level: z.string().optional(),
      culprit: z.string().nullish(),
      environment: z.string().nullish(),
      datetime: z.string().optional(),
      web_url: z.string().optional(),
      tags: z.array(z.tuple([z.string(), z.string()]).or(z.array(z.unknown()))).optional(),
    }),
  }),
});

const metricAlert = z.looseObject({
  action: z.enum(['critical', 'warning', 'resolved']),
  data: z.looseObject({
    description_title: z.string().optional(),
    description_text: z.string().optional(),
    web_url: z.string().optional(),
    metric_alert: z.looseObject({
      id: id,
      title: z.string().optional(),
      date_started: z.string().nullish(),
      alert_rule: z.looseObject({ name: z.string().optional(), environment: z.string().nullish() }).optional(),
    }),
  }),
});

const issueHook = z.looseObject({
  action: z.string(),
  data: z.looseObject({
    issue: z.looseObject({
      id: id,
      title: z.string(),
      status: z.string().optional(),
      level: z.string().optional(),
      permalink: z.string().optional(),
      firstSeen: z.string().optional(),
      project: z.looseObject({ slug: z.string().optional() }).optional(),
    }),
  }),
});

/** A tag's key or value as text: Sentry sends strings; a number or boolean is written out, anything else is no tag. */
const tagText = (x: unknown): string | null =>
  typeof x === 'string' ? x : typeof x === 'number' || typeof x === 'boolean' ? String(x) : null;

/** Event tags, `[["service", "api"], ...]`, as labels; pairs that are not two texts are left out. */
function tagsOf(tags: readonly unknown[][]): Record<string, string> {
  const pairs = tags.filter((t) => t.length === 2).map((t) => [tagText(t[0]), tagText(t[1])] as const);
  return Object.fromEntries(pairs.filter((p): p is readonly [string, string] => p[0] !== null && p[1] !== null));
}

/** The issue id of an event alert: issue_id, or the number at the end of issue_url (real captures lack issue_id). */
function issueIdOf(event: { issue_id?: string; issue_url?: string }): string {
  if (event.issue_id) return event.issue_id;
  const fromUrl = event.issue_url && /\/issues\/(\d+)\/?$/.exec(event.issue_url)?.[1];
  if (fromUrl) return fromUrl;
  throw new ShapeError('data.event.issue_id', 'expected an issue id (or an issue_url ending in /issues/<id>/)');
}

export function normalizeSentry(body: unknown, headers: Record<string, string | undefined>): NormalizedAlert[] {
  const resource = headers['sentry-hook-resource'];
  if (resource === 'event_alert') {
    const { data } = parseShape(eventAlert, body);
    const tags = tagsOf(data.event.tags ?? []);
    return [
      {
        source: 'sentry',
        dedupKey: `issue:${issueIdOf(data.event)}`,
        status: 'firing',
        service: tags.service ?? null,
        sourceSeverity: data.event.level ?? null,
        summary: clip(data.event.title, 200),
        details: clip(
          [
            data.triggered_rule && `Rule: ${data.triggered_rule}`,
            data.event.culprit,
            data.event.environment && `Environment: ${data.event.environment}`,
          ]
            .filter(Boolean)
            .join('\n'),
          2000,
        ),
        links: data.event.web_url ? [{ href: data.event.web_url, text: 'Sentry event' }] : [],
        labels: tags,
        startedAt: instant(data.event.datetime),
      },
    ];
  }
  if (resource === 'metric_alert') {
    const payload = parseShape(metricAlert, body);
    const m = payload.data.metric_alert;
    return [
      {
        source: 'sentry',
        dedupKey: `metric:${m.id}`,
        status: payload.action === 'resolved' ? 'resolved' : 'firing',
        service: null,
        sourceSeverity: payload.action === 'resolved' ? null : payload.action,
        summary: clip(m.title ?? payload.data.description_title ?? 'Sentry metric alert', 200),
        details: clip(payload.data.description_text ?? '', 2000),
        links: payload.data.web_url ? [{ href: payload.data.web_url, text: 'Alert rule' }] : [],
        labels: m.alert_rule?.environment ? { environment: m.alert_rule.environment } : {},
        startedAt: instant(m.date_started ?? undefined),
      },
    ];
  }
  if (resource === 'issue') {
    const payload = parseShape(issueHook, body);
    const issue = payload.data.issue;
    // Only a resolve means something to on-call; created/assigned/ignored are not alerts.
    if (payload.action !== 'resolved') return [];
    return [
      {
        source: 'sentry',
        dedupKey: `issue:${issue.id}`,
        status: 'resolved',
        service: null,
        sourceSeverity: issue.level ?? null,
        summary: clip(issue.title, 200),
        details: '',
        links: issue.permalink ? [{ href: issue.permalink, text: 'Sentry issue' }] : [],
        labels: issue.project?.slug ? { project: issue.project.slug } : {},
        startedAt: instant(issue.firstSeen),
      },
    ];
  }
  throw new ShapeError('Sentry-Hook-Resource', `expected event_alert, metric_alert or issue, got ${JSON.stringify(resource ?? null)}`);
}
