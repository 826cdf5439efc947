/** PagerDuty Events API v2: trigger, acknowledge, resolve by dedup_key. */
import { z } from 'zod';
import { clip, instant, parseShape, ShapeError, type NormalizedAlert } from '../normalized.js';

export const pagerdutySchema = z.looseObject({
  routing_key: z.string(),
  event_action: z.enum(['trigger', 'acknowledge', 'resolve']),
  dedup_key: z.string().optional(),
  payload: z
    .looseObject({
      summary: z.string(),
      source: z.string().optional(),
      severity: z.string(),
      timestamp: z.string().optional(),
      component: z.string().optional(),
      group: z.string().optional(),
      class: z.string().optional(),
      custom_details: z.unknown().optional(),
    })
    .optional(),
  links: z.array(z.looseObject({ href: z.string(), text: z.string().optional() })).optional(),
});

export function normalizePagerduty(body: unknown): NormalizedAlert[] {
  const event = parseShape(pagerdutySchema, body);
  if (event.event_action === 'trigger' && !event.payload)
    throw new ShapeError('payload', 'expected object, got nothing (a trigger needs a payload)');
  // PagerDuty derives a key when a trigger has none; we need one to match later events, so use the summary.
  const dedupKey = event.dedup_key ?? (event.payload ? `summary:${event.payload.summary}` : null);
  if (!dedupKey)
    throw new ShapeError('dedup_key', `expected string, got nothing (${event.event_action} needs the dedup_key of its trigger)`);
  const p = event.payload;
  return [
    {
      source: 'pagerduty',
      dedupKey,
      status: event.event_action === 'trigger' ? 'firing' : event.event_action === 'resolve' ? 'resolved' : 'acknowledged',
      service: p?.component ?? p?.group ?? null,
      sourceSeverity: p?.severity ?? null,
      summary: clip(p?.summary ?? dedupKey, 200),
      details: clip(p?.custom_details ? JSON.stringify(p.custom_details, null, 1) : '', 2000),
      links: (event.links ?? []).map((l) => ({ href: l.href, text: l.text ?? l.href })),
      labels: Object.fromEntries(
        Object.entries({ source: p?.source, group: p?.group, class: p?.class }).filter(
          (e): e is [string, string] => typeof e[1] === 'string',
        ),
      ),
      startedAt: instant(p?.timestamp),
    },
  ];
}
