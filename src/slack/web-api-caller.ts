import { ErrorCode, WebClient } from '@slack/web-api';
import type { CallOutcome } from '../engine/delivery.js';
import type { SlackCaller } from '../engine/outbox.js';

/**
 * A WebClient that never retries by itself: the outbox owns retries (per method, honouring Retry-After),
 * so a 429 on one call must come back to it at once instead of sleeping inside the client.
 */
export function createOutboxClient(token: string, slackApiUrl: string, logger?: WebClient['logger']): WebClient {
  return new WebClient(token, {
    slackApiUrl,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: 15_000,
    ...(logger ? { logger } : {}),
  });
}

/**
 * Turns a queued row's arguments into the call's (a report chart drawn into a PNG at send time, so the outbox
 * stores a small description, not the image). Throwing means the row can never be sent.
 */
export type PrepareCall = (method: string, args: Record<string, unknown>) => Promise<Record<string, unknown>>;

/** Slack never says this; the outbox records it as a permanent failure of a row that could not be prepared. */
export const UNPREPARABLE = 'oncall_could_not_prepare';

/** Reduces a WebClient call to the plain outcome the delivery rules decide on. */
export function webApiCaller(client: WebClient, prepare?: PrepareCall): SlackCaller {
  return {
    async call(method, queuedArgs) {
      let args = queuedArgs;
      if (prepare) {
        try {
          args = await prepare(method, queuedArgs);
        } catch {
          return { kind: 'platform_error', error: UNPREPARABLE };
        }
      }
      try {
        // files.uploadV2 is three calls (upload URL, the bytes, complete), which only the client's helper makes.
        const result = (method === 'files.uploadV2' ? await client.files.uploadV2(args as never) : await client.apiCall(method, args)) as {
          channel?: unknown;
          ts?: unknown;
        };
        return {
          kind: 'ok',
          channel: typeof result.channel === 'string' ? result.channel : undefined,
          ts: typeof result.ts === 'string' ? result.ts : undefined,
        };
      } catch (error) {
        return outcomeOf(error);
      }
    },
    async read(method, args) {
      return (await client.apiCall(method, args)) as unknown as Record<string, unknown>;
    },
  };
}

export function outcomeOf(error: unknown): CallOutcome {
  const e = error as { code?: string; retryAfter?: number; data?: { error?: string }; statusCode?: number; message?: string };
  switch (e.code) {
    case ErrorCode.RateLimitedError:
      return { kind: 'rate_limited', retryAfterMs: (e.retryAfter ?? 1) * 1000 };
    case ErrorCode.PlatformError:
      return { kind: 'platform_error', error: e.data?.error ?? 'unknown_error' };
    case ErrorCode.HTTPError:
      return { kind: 'http_error', status: e.statusCode ?? 0 };
    default:
      return { kind: 'network_error', message: e.message ?? String(error) };
  }
}
