import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import type { Registry } from 'prom-client';

export interface ReadinessCheck {
  ready: boolean;
  checks: Record<string, { ok: boolean; detail: string }>;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** /healthz (the process answers), /readyz (it can do its job), /metrics (Prometheus), on the Slack port. */
export function operationalRoutes(readiness: () => ReadinessCheck, registry: Registry): CustomRoute[] {
  return [
    {
      path: '/healthz',
      method: ['GET'],
      handler: (_req: IncomingMessage, res: ServerResponse) => sendJson(res, 200, { ok: true }),
    },
    {
      path: '/readyz',
      method: ['GET'],
      handler: (_req: IncomingMessage, res: ServerResponse) => {
        const result = readiness();
        sendJson(res, result.ready ? 200 : 503, result);
      },
    },
    {
      path: '/metrics',
      method: ['GET'],
      handler: (_req: IncomingMessage, res: ServerResponse) => {
        registry
          .metrics()
          .then((text) => {
            res.writeHead(200, { 'content-type': registry.contentType });
            res.end(text);
          })
          .catch(() => sendJson(res, 500, { error: 'metrics could not be collected' }));
      },
    },
  ];
}
