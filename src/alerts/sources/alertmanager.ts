/** Prometheus Alertmanager webhook (version 4) and Grafana's contact point, which shares its shape. */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { clip, instant, parseShape, type NormalizedAlert } from '../normalized.js';

const labels = z.record(z.string(), z.string());

const alertSchema = z.looseObject({
  status: z.enum(['firing', 'resolved']),
  labels,
  annotations: z.record(z.string(), z.string()).optional(),
  startsAt: z.string().optional(),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().optional(),
  dashboardURL: z.string().optional(),
  panelURL: z.string().optional(),
  silenceURL: z.string().optional(),
  valueString: z.string().optional(),
});

export const alertmanagerSchema = z.looseObject({
  version: z.string().optional(),
  groupKey: z.string().optional(),
  status: z.enum(['firing', 'resolved']).optional(),
  commonLabels: labels.optional(),
  commonAnnotations: z.record(z.string(), z.string()).optional(),
  externalURL: z.string().optional(),
  title: z.string().optional(),
  message: z.string().optional(),
  alerts: z.array(alertSchema),
});

/**
 * Older Alertmanagers send no fingerprint: the sorted label set identifies the alert instead. Written as JSON,
 * so a value holding "," or "=" cannot pass for other labels ({job: "api,instance=a"} vs {job: "api", instance: "a"}).
 */
function labelFingerprint(l: Record<string, string>): string {
  const canonical = JSON.stringify(
    Object.keys(l)
      .sort()
      .map((k) => [k, l[k]]),
  );
  return `labels:${createHash('sha256').update(canonical).digest('hex').slice(0, 16)}`;
}

function normalize(source: 'alertmanager' | 'grafana', body: unknown): NormalizedAlert[] {
  const payload = parseShape(alertmanagerSchema, body);
  return payload.alerts.map((alert) => {
    const annotations = alert.annotations ?? {};
    const summary = annotations.summary ?? annotations.description ?? alert.labels.alertname ?? payload.title ?? 'alert';
    const links = [
      alert.generatorURL && { href: alert.generatorURL, text: 'Source' },
      annotations.runbook_url && { href: annotations.runbook_url, text: 'Runbook' },
      alert.dashboardURL && { href: alert.dashboardURL, text: 'Dashboard' },
      alert.silenceURL && { href: alert.silenceURL, text: 'Silence' },
    ].filter((l): l is { href: string; text: string } => Boolean(l));
    return {
      source,
      dedupKey: alert.fingerprint ?? labelFingerprint(alert.labels),
      status: alert.status,
      service: alert.labels.service ?? payload.commonLabels?.service ?? alert.labels.job ?? null,
      sourceSeverity: alert.labels.severity ?? payload.commonLabels?.severity ?? null,
      summary: clip(summary, 200),
      details: clip([annotations.description, alert.valueString].filter(Boolean).join('\n'), 2000),
      links,
      labels: alert.labels,
      startedAt: instant(alert.startsAt),
      ...(payload.groupKey ? { sourceGroup: { key: payload.groupKey, status: payload.status ?? alert.status } } : {}),
    };
  });
}

export const normalizeAlertmanager = (body: unknown) => normalize('alertmanager', body);
export const normalizeGrafana = (body: unknown) => normalize('grafana', body);
