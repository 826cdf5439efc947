/**
 * Slack refusing or failing a call the bot made while answering someone (views.open after a command, a
 * chat.postEphemeral...): not a bug of the bot, so the person is told Slack is busy or unreachable and when to try
 * again, and the log says warn, not error. Anything else is not Slack's trouble and returns null.
 *
 *   WebAPIRateLimitedError, retryAfter 7   -> { kind: 'rate_limited', retryAfterS: 7 }
 *   WebAPIHTTPError 503                     -> { kind: 'unavailable' }
 *   WebAPIRequestError (timeout, refused)   -> { kind: 'unavailable' }
 *   a platform error (invalid_blocks)       -> null
 */
export type SlackTrouble = { kind: 'rate_limited'; retryAfterS: number } | { kind: 'unavailable' };

export function slackTrouble(error: unknown): SlackTrouble | null {
  if (typeof error !== 'object' || error === null) return null;
  const { code, retryAfter, statusCode } = error as { code?: unknown; retryAfter?: unknown; statusCode?: unknown };
  if (code === 'slack_webapi_rate_limited_error') {
    const seconds = typeof retryAfter === 'number' && Number.isFinite(retryAfter) && retryAfter > 0 ? Math.ceil(retryAfter) : 1;
    return { kind: 'rate_limited', retryAfterS: seconds };
  }
  if (code === 'slack_webapi_request_error') return { kind: 'unavailable' };
  if (code === 'slack_webapi_http_error' && typeof statusCode === 'number' && (statusCode >= 500 || statusCode === 408))
    return { kind: 'unavailable' };
  return null;
}

/** What the person reads: what happened, that nothing changed, and when to try again. */
export function slackTroubleText(trouble: SlackTrouble, what: string): string {
  return trouble.kind === 'rate_limited'
    ? `Slack is busy and asked the bot to wait ${trouble.retryAfterS} s, so ${what} did not go through; nothing was changed. Try again in ${trouble.retryAfterS} seconds.`
    : `Slack did not answer the bot, so ${what} did not go through; nothing was changed. Try again in a minute (status.slack.com says whether Slack has trouble).`;
}
