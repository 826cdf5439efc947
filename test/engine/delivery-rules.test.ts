/**
 * The outbox's pure delivery decisions, every branch and edge: which Slack errors are final, how long each
 * retry waits, and what a 429 blocks. (delivery.test.ts has the main cases; this pins the rest.)
 */
import { describe, expect, it } from 'vitest';
import {
  AUTH_RETRY_ATTEMPTS,
  AUTH_SLACK_ERRORS,
  BACKOFF_BASE_MS,
  BACKOFF_CAP_MS,
  backoffDelay,
  decideDelivery,
  PERMANENT_SLACK_ERRORS,
} from '../../src/engine/delivery.js';

const NOW = Date.UTC(2026, 0, 5, 9, 0);

/** Errors a retry cannot fix: the message would fail the same way forever. */
const PERMANENT = [
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'user_not_found',
  'users_not_found',
  'user_disabled',
  'cannot_dm_bot',
  'msg_too_long',
  'no_text',
  'invalid_blocks',
  'invalid_blocks_format',
  'invalid_arguments',
  'invalid_arg_name',
  'message_not_found',
  'cant_update_message',
  'edit_window_closed',
  'restricted_action',
  'missing_scope',
  'no_permission',
  'ekm_access_denied',
  'team_access_not_granted',
  'not_allowed_token_type',
  'method_deprecated',
  'name_taken',
  'already_in_channel',
  'cant_invite_self',
  'subteam_not_found',
  'oncall_could_not_prepare',
];

describe('Slack refusing the token', () => {
  it.each([...AUTH_SLACK_ERRORS])('%s is retried with backoff for about an hour, then failed', (error) => {
    expect(decideDelivery({ kind: 'platform_error', error }, 1, NOW)).toEqual({
      status: 'retry',
      nextAttemptAt: NOW + 1000,
      reason: error,
    });
    expect(decideDelivery({ kind: 'platform_error', error }, AUTH_RETRY_ATTEMPTS - 1, NOW)).toEqual({
      status: 'retry',
      nextAttemptAt: NOW + 60_000,
      reason: error,
    });
    expect(decideDelivery({ kind: 'platform_error', error }, AUTH_RETRY_ATTEMPTS, NOW)).toEqual({ status: 'failed', reason: error });
  });

  it('the token errors are exactly those, and none is also permanent', () => {
    expect([...AUTH_SLACK_ERRORS].sort()).toEqual(['account_inactive', 'invalid_auth', 'not_authed', 'token_expired', 'token_revoked']);
    expect([...AUTH_SLACK_ERRORS].filter((e) => PERMANENT_SLACK_ERRORS.has(e))).toEqual([]);
  });
});

describe('permanent and transient Slack errors', () => {
  it.each(PERMANENT)('%s fails at once, with itself as the reason, on any attempt', (error) => {
    for (const attempts of [1, 2, 50]) {
      expect(decideDelivery({ kind: 'platform_error', error }, attempts, NOW)).toEqual({ status: 'failed', reason: error });
    }
  });

  it('the permanent list is exactly those', () => {
    expect([...PERMANENT_SLACK_ERRORS].sort()).toEqual([...PERMANENT].sort());
  });

  it.each([
    'internal_error',
    'fatal_error',
    'service_unavailable',
    'request_timeout',
    'ratelimited',
    'team_added_to_org',
    '',
    'CHANNEL_NOT_FOUND',
  ])('%j is retried with backoff, naming the error', (error) => {
    expect(decideDelivery({ kind: 'platform_error', error }, 2, NOW)).toEqual({
      status: 'retry',
      nextAttemptAt: NOW + 2_000,
      reason: error,
    });
  });
});

describe('backoff', () => {
  it.each([
    [-3, 1_000],
    [0, 1_000],
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [6, 32_000],
    [7, BACKOFF_CAP_MS],
    [17, BACKOFF_CAP_MS],
    [18, BACKOFF_CAP_MS],
    [1_000, BACKOFF_CAP_MS],
    [Number.MAX_SAFE_INTEGER, BACKOFF_CAP_MS],
  ])('after %i attempts waits %i ms', (attempts, ms) => {
    expect(backoffDelay(attempts)).toBe(ms);
  });

  it('doubles from the base up to the cap of a minute', () => {
    expect(BACKOFF_BASE_MS).toBe(1_000);
    expect(BACKOFF_CAP_MS).toBe(60_000);
    for (let a = 1; a < 6; a += 1) expect(backoffDelay(a + 1)).toBe(2 * backoffDelay(a));
  });

  it('HTTP and network errors retry with the same backoff, and never block the method', () => {
    expect(decideDelivery({ kind: 'http_error', status: 502 }, 4, NOW)).toEqual({
      status: 'retry',
      nextAttemptAt: NOW + 8_000,
      reason: 'http 502',
    });
    expect(decideDelivery({ kind: 'network_error', message: 'socket hang up' }, 1, NOW)).toEqual({
      status: 'retry',
      nextAttemptAt: NOW + 1_000,
      reason: 'socket hang up',
    });
    // A provider's 4xx, or a wake call whose contact method is gone: given up at once, with the reason.
    expect(decideDelivery({ kind: 'refused', reason: 'Twilio refused it (HTTP 400, error 21211)' }, 1, NOW)).toEqual({
      status: 'failed',
      reason: 'Twilio refused it (HTTP 400, error 21211)',
    });
    expect(decideDelivery({ kind: 'platform_error', error: 'internal_error' }, 9, NOW)).toEqual({
      status: 'retry',
      nextAttemptAt: NOW + 60_000,
      reason: 'internal_error',
    });
  });
});

describe('rate limits', () => {
  it.each([
    [0, 1_000],
    [1, 1_000],
    [999, 1_000],
    [1_000, 1_000],
    [1_001, 1_001],
    [30_000, 30_000],
    [10 * 60_000, 10 * 60_000],
  ])('Retry-After %i ms: the call and its whole method wait %i ms, whatever the attempt', (retryAfterMs, wait) => {
    for (const attempts of [1, 8]) {
      expect(decideDelivery({ kind: 'rate_limited', retryAfterMs }, attempts, NOW)).toEqual({
        status: 'retry',
        nextAttemptAt: NOW + wait,
        reason: 'ratelimited',
        blockMethodUntil: NOW + wait,
      });
    }
  });

  it('an ok call is sent whatever else it carries', () => {
    expect(decideDelivery({ kind: 'ok' }, 3, NOW)).toEqual({ status: 'sent' });
  });
});
