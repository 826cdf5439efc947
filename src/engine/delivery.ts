/**
 * Pure rules for what the outbox does after one Slack call: delivered, retry later, or give up.
 * No I/O here, so every branch is tested with plain values.
 */

/** The outcome of one Web API call, reduced to what the retry rules need. */
export type CallOutcome =
  | { kind: 'ok'; channel?: string; ts?: string }
  | { kind: 'rate_limited'; retryAfterMs: number }
  | { kind: 'platform_error'; error: string }
  | { kind: 'http_error'; status: number }
  | { kind: 'network_error'; message: string }
  /** Refused for good by whoever it was sent to (a provider's 4xx, a contact method gone): no retry can fix it. */
  | { kind: 'refused'; reason: string };

export type DeliveryDecision =
  | { status: 'sent' }
  | { status: 'failed'; reason: string }
  | { status: 'retry'; nextAttemptAt: number; reason: string; blockMethodUntil?: number };

export const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_CAP_MS = 60_000;

/**
 * Slack errors that no retry can fix: the message would fail the same way forever, so it is recorded as
 * failed with its reason. Anything not listed (internal_error, fatal_error, service_unavailable, ...) is retried.
 */
export const PERMANENT_SLACK_ERRORS: ReadonlySet<string> = new Set([
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
  // Ours: the row's arguments could not be turned into a call (web-api-caller's PrepareCall).
  'oncall_could_not_prepare',
]);

/**
 * Slack refusing the bot's token. Usually for good (a revoked token), but Slack has answered invalid_auth during
 * its own outages, and an admin can fix a token within the hour: so a page is not given up at once. Retried with
 * the same backoff for AUTH_RETRY_ATTEMPTS calls (about an hour at the minute cap), then recorded as failed.
 */
export const AUTH_SLACK_ERRORS: ReadonlySet<string> = new Set([
  'not_authed',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'token_expired',
]);
export const AUTH_RETRY_ATTEMPTS = 60;

/** 1 s, 2 s, 4 s ... capped at a minute: a long outage is retried every minute, never given up. */
export function backoffDelay(attemptsSoFar: number): number {
  const exponent = Math.min(Math.max(attemptsSoFar - 1, 0), 16);
  return Math.min(BACKOFF_BASE_MS * 2 ** exponent, BACKOFF_CAP_MS);
}

/** attempts counts the call just made. */
export function decideDelivery(outcome: CallOutcome, attempts: number, now: number): DeliveryDecision {
  switch (outcome.kind) {
    case 'ok':
      return { status: 'sent' };
    case 'rate_limited': {
      // Slack says when to come back; the whole method waits, other methods do not.
      // At least a second: a Retry-After of 0 must not turn into a tight loop.
      const until = now + Math.max(outcome.retryAfterMs, 1_000);
      return { status: 'retry', nextAttemptAt: until, reason: 'ratelimited', blockMethodUntil: until };
    }
    case 'platform_error':
      if (PERMANENT_SLACK_ERRORS.has(outcome.error)) return { status: 'failed', reason: outcome.error };
      if (AUTH_SLACK_ERRORS.has(outcome.error) && attempts >= AUTH_RETRY_ATTEMPTS) return { status: 'failed', reason: outcome.error };
      return { status: 'retry', nextAttemptAt: now + backoffDelay(attempts), reason: outcome.error };
    case 'http_error':
      return { status: 'retry', nextAttemptAt: now + backoffDelay(attempts), reason: `http ${outcome.status}` };
    case 'network_error':
      return { status: 'retry', nextAttemptAt: now + backoffDelay(attempts), reason: outcome.message };
    case 'refused':
      return { status: 'failed', reason: outcome.reason };
  }
}
