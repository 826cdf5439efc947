/** Uptime Kuma webhook: monitor + heartbeat, status 0 down / 1 up (2 pending, 3 maintenance are not alerts). */
import { z } from 'zod';
import { clip, parseShape, ShapeError, type NormalizedAlert } from '../normalized.js';

const schema = z.looseObject({
  heartbeat: z.looseObject({ status: z.number().int(), msg: z.string().nullish(), time: z.string().optional() }).nullable(),
  monitor: z
    .looseObject({
      id: z.number().int(),
      name: z.string(),
      url: z.string().nullish(),
      tags: z.array(z.looseObject({ name: z.string(), value: z.string().nullish() })).optional(),
    })
    .nullable(),
  msg: z.string().optional(),
});

export function normalizeUptimeKuma(body: unknown): NormalizedAlert[] {
  const payload = parseShape(schema, body);
  // The "Test" button posts heartbeat: null, monitor: null: accepted, but not an alert.
  if (!payload.monitor || !payload.heartbeat) return [];
  const { status } = payload.heartbeat;
  if (status !== 0 && status !== 1) return [];
  if (!Number.isFinite(payload.monitor.id)) throw new ShapeError('monitor.id', 'expected number');
  const tags = Object.fromEntries((payload.monitor.tags ?? []).map((t) => [t.name, t.value ?? '']));
  return [
    {
      source: 'uptime-kuma',
      dedupKey: `monitor:${payload.monitor.id}`,
      status: status === 0 ? 'firing' : 'resolved',
      service: tags.service || null,
      sourceSeverity: null,
      summary: clip(`${payload.monitor.name} is ${status === 0 ? 'down' : 'up'}`, 200),
      details: clip(payload.heartbeat.msg ?? payload.msg ?? '', 2000),
      links: payload.monitor.url ? [{ href: payload.monitor.url, text: 'Monitored URL' }] : [],
      labels: tags,
      startedAt: null,
    },
  ];
}
