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

/**
 * A message for a place that shows plain text only (a modal's field error): a date token becomes its fallback
 * ("20 Nov 2026, 18:00 UTC"), a mention `@U0ALICE`, *bold* plain, and `code` quoted.
 */
export function plainText(mrkdwn: string): string {
  return mrkdwn
    .replace(/<!date\^\d+\^[^|>]*\|([^>]*)>/g, '$1')
    .replace(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g, '@$1')
    .replace(/\*([^*\n]+)\*/g, '$1')
    .replace(/`([^`\n]+)`/g, '"$1"');
}
