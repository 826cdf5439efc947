/**
 * Generic JSON, for cron jobs and scripts:
 *   { "title": "...", "dedup_key": "...", "status": "firing" | "resolved",
 *     "severity"?: "P2" | "critical" | ..., "service"?: "billing", "details"?: "...", "links"?: [{ "href", "text" }] }
 * A resolve needs only dedup_key and status.
 */
import { z } from 'zod';
import { clip, parseShape, ShapeError, type NormalizedAlert } from '../normalized.js';

const schema = z.looseObject({
  title: z.string().min(1).max(500).optional(),
  dedup_key: z.string().min(1).max(255),
  status: z.enum(['firing', 'resolved']),
  severity: z.string().max(40).optional(),
  service: z.string().max(100).optional(),
  details: z.string().max(20_000).optional(),
  links: z
    .array(z.looseObject({ href: z.string().max(2000), text: z.string().max(200).optional() }))
    .max(20)
    .optional(),
  labels: z.record(z.string(), z.string()).optional(),
});

export function normalizeGeneric(body: unknown): NormalizedAlert[] {
  const a = parseShape(schema, body);
  if (a.status === 'firing' && !a.title) throw new ShapeError('title', 'expected string, got nothing (a firing alert needs a title)');
  return [
    {
      source: 'generic',
      dedupKey: a.dedup_key,
      status: a.status,
      service: a.service ?? null,
      sourceSeverity: a.severity ?? null,
      summary: clip(a.title ?? a.dedup_key, 200),
      details: clip(a.details ?? '', 2000),
      links: (a.links ?? []).map((l) => ({ href: l.href, text: l.text ?? l.href })),
      labels: a.labels ?? {},
      startedAt: null,
    },
  ];
}
