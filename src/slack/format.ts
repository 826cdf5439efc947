/** Shared text helpers for messages: Slack shows `<!date^...>` in each reader's own zone. */

// Built once: an Intl formatter costs far more to construct than to use, and every message carries dates.
const UTC_FALLBACK = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

export function slackDate(ms: number, format = '{date_short_pretty} {time}'): string {
  const seconds = Math.floor(ms / 1000);
  const fallback = UTC_FALLBACK.format(ms);
  return `<!date^${seconds}^${format}|${fallback} UTC>`;
}

export function mention(userId: string): string {
  return `<@${userId}>`;
}

/** `<@U123>` or `<@U123|name>` as Slack sends mentions in command text (escaped). */
export function parseMention(token: string | undefined): string | null {
  const m = token ? /^<@([UW][A-Z0-9]+)(\|[^>]*)?>$/.exec(token) : null;
  return m ? m[1]! : null;
}
