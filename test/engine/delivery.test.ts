import { describe, expect, it } from 'vitest';
import { BACKOFF_CAP_MS, backoffDelay, decideDelivery } from '../../src/engine/delivery.js';

const NOW = Date.parse('2026-01-05T09:00:00Z');

describe('decideDelivery', () => {
  it('marks an ok call sent', () => {
    expect(decideDelivery({ kind: 'ok', channel: 'C1', ts: '1.2' }, 1, NOW)).toEqual({ status: 'sent' });
  });

  it('waits exactly Retry-After on a 429 and blocks only that method', () => {
    expect(decideDelivery({ kind: 'rate_limited', retryAfterMs: 2000 }, 1, NOW)).toEqual({
      status: 'retry',
      nextAttemptAt: NOW + 2000,
      reason: 'ratelimited',
      blockMethodUntil: NOW + 2000,
    });
  });

  it('never turns a Retry-After of 0 into a tight loop', () => {
    const d = decideDelivery({ kind: 'rate_limited', retryAfterMs: 0 }, 1, NOW);
    expect(d.status === 'retry' && d.nextAttemptAt).toBe(NOW + 1000);
  });

  it.each([['channel_not_found'], ['not_in_channel'], ['is_archived'], ['invalid_blocks']])(
    'records the permanent error %s as failed',
    (error) => {
      expect(decideDelivery({ kind: 'platform_error', error }, 1, NOW)).toEqual({ status: 'failed', reason: error });
    },
  );

  it('retries transient platform errors, 5xx and network errors with backoff', () => {
    expect(decideDelivery({ kind: 'platform_error', error: 'internal_error' }, 1, NOW)).toMatchObject({
      status: 'retry',
      nextAttemptAt: NOW + 1000,
    });
    expect(decideDelivery({ kind: 'http_error', status: 503 }, 2, NOW)).toMatchObject({
      status: 'retry',
      nextAttemptAt: NOW + 2000,
      reason: 'http 503',
    });
    expect(decideDelivery({ kind: 'network_error', message: 'ECONNREFUSED' }, 3, NOW)).toMatchObject({
      status: 'retry',
      nextAttemptAt: NOW + 4000,
    });
  });

  it('caps the backoff at a minute and never gives up', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(backoffDelay)).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000]);
    expect(backoffDelay(500)).toBe(BACKOFF_CAP_MS);
    expect(decideDelivery({ kind: 'http_error', status: 500 }, 500, NOW).status).toBe('retry');
  });
});
