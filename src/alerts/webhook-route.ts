/**
 * POST /webhooks/<integration>: read at most 1 MiB of raw body, authenticate, parse, normalize, then commit
 * (in one transaction with the requests that arrived alongside it) and answer 202. Every refusal is a 4xx with a one-line JSON reason and writes nothing.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import type { Policy } from '../config/policy.js';
import type { Engine, EngineTx } from '../engine/engine.js';
import { PRIORITY } from '../engine/outbox.js';
import { sendJson } from '../http/routes.js';
import type { Logger } from '../logger.js';
import { authenticate, type SecretLookup } from './auth.js';
import type { AlertService, IngestResult } from './alert-service.js';
import { ShapeError } from './normalized.js';
import { NORMALIZERS } from './sources/index.js';

export const MAX_WEBHOOK_BYTES = 1024 * 1024;

class TooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new TooLarge());
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new TooLarge());
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function lowerHeaders(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) out[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  return out;
}

/** JSON, or Uptime Kuma's form post whose one field `data` holds the JSON. */
function parseBody(raw: Buffer, contentType: string): unknown {
  const text = raw.toString('utf8');
  if (contentType.includes('application/x-www-form-urlencoded')) {
    const data = new URLSearchParams(text).get('data');
    if (data === null) throw new SyntaxError('form body without a data field');
    return JSON.parse(data) as unknown;
  }
  return JSON.parse(text) as unknown;
}

/** At most this many requests share one transaction: a long batch would hold back the pages it opened until it commits. */
export const INGEST_BATCH_MAX = 32;

/**
 * Whether a batch commits after the request it just ingested: when that request opened a page (it queued a call
 * of page priority: the page leaves now, not after the rest of a storm's batch), or when the batch is full.
 */
export function batchEndsAfter(taken: number, openedPage: boolean, max = INGEST_BATCH_MAX): boolean {
  return openedPage || taken >= max;
}

type Queued = { ingest: (tx: EngineTx) => IngestResult; resolve: (r: IngestResult) => void; reject: (e: unknown) => void };

/**
 * Ingests of concurrent requests in one transaction: what arrived in one turn of the event loop is committed
 * together (one commit instead of one per request), and each request is answered only after that commit, so a
 * 202 still means its alert is stored. A batch ends early after a request that opened a page, so the page's DM
 * is sent while the rest of a storm waits its turn (the rest follow in the next turn, in order). A batch that
 * fails is not one request's fault until shown: each of its requests is then ingested alone, in its own
 * transaction, and only the one that fails again is refused.
 */
export class IngestBatcher {
  private queue: Queued[] = [];
  private scheduled = false;

  constructor(private readonly engine: Engine) {}

  submit(ingest: (tx: EngineTx) => IngestResult): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ingest, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const batch: Queued[] = [];
    let results: IngestResult[] | null = null;
    let failure: unknown = null;
    try {
      results = this.engine.transact((tx) => {
        let openedPage = false;
        // The same transaction, watched for a call of page priority.
        const watched: EngineTx = {
          ...tx,
          enqueue: (call) => {
            if (call.priority === PRIORITY.page) openedPage = true;
            return tx.enqueue(call);
          },
        };
        const out: IngestResult[] = [];
        while (this.queue.length > 0) {
          const item = this.queue.shift()!;
          batch.push(item);
          out.push(item.ingest(watched));
          if (batchEndsAfter(batch.length, openedPage)) break;
        }
        return out;
      });
    } catch (error) {
      // rolled back as a whole: a lone request is refused, each of a batch's is tried alone below
      failure = error;
    }
    if (this.queue.length > 0) this.schedule();
    if (results) {
      for (const [i, item] of batch.entries()) item.resolve(results[i]!);
      return;
    }
    if (batch.length === 1) {
      batch[0]!.reject(failure);
      return;
    }
    for (const item of batch) {
      try {
        item.resolve(this.engine.transact((tx) => item.ingest(tx)));
      } catch (error) {
        item.reject(error);
      }
    }
  }
}

export interface WebhookDeps {
  policy: Policy;
  engine: Engine;
  alerts: AlertService;
  secret: SecretLookup;
  logger: Logger;
}

export function webhookRoute(deps: WebhookDeps): CustomRoute {
  const { policy, engine, alerts, secret, logger } = deps;
  const batcher = new IngestBatcher(engine);
  return {
    path: '/webhooks/:integration',
    method: ['POST'],
    handler: (req: IncomingMessage & { params?: Record<string, string | string[]> }, res: ServerResponse) => {
      const param = req.params?.integration;
      const name = typeof param === 'string' ? param : '';
      const integration = policy.integrations[name];
      if (!integration) {
        req.resume();
        sendJson(res, 404, {
          error: `no integration named "${name}" in the policy (known: ${Object.keys(policy.integrations).join(', ') || 'none'})`,
        });
        return;
      }
      readBody(req, MAX_WEBHOOK_BYTES)
        .then(async (raw) => {
          const headers = lowerHeaders(req);
          let parsed: unknown;
          try {
            parsed = parseBody(raw, headers['content-type'] ?? '');
          } catch {
            // Authenticate before saying anything about the body to an unauthenticated caller.
            const auth = authenticate(integration, secret, headers, raw, null);
            if (!auth.ok && !integration.auth?.routing_key_env) return sendJson(res, 401, { error: auth.reason });
            return sendJson(res, 400, { error: 'the body is not valid JSON' });
          }
          const auth = authenticate(integration, secret, headers, raw, parsed);
          if (!auth.ok) {
            logger.warn({ integration: name, reason: auth.reason }, 'webhook refused');
            return sendJson(res, 401, { error: auth.reason });
          }
          const normalize = NORMALIZERS[integration.format];
          let incoming: ReturnType<typeof normalize>;
          try {
            incoming = normalize(parsed, headers);
          } catch (error) {
            if (error instanceof ShapeError) return sendJson(res, 422, { error: error.message });
            throw error;
          }
          const result = await batcher.submit((tx) => alerts.ingest(tx, name, integration, incoming));
          sendJson(res, 202, { ok: true, ...result });
        })
        .catch((error: unknown) => {
          if (error instanceof TooLarge) return sendJson(res, 413, { error: `the body is larger than ${MAX_WEBHOOK_BYTES} bytes` });
          logger.error({ err: error, integration: name }, 'webhook failed');
          sendJson(res, 500, { error: 'the alert could not be stored; send it again' });
        });
    },
  };
}
