/** Shared text helpers for messages: Slack shows `<!date^...>` in each reader's own zone. */

export function slackDate(ms: number, format = '{date_short_pretty} {time}'): string {
  const seconds = Math.floor(ms / 1000);
  const fallback = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(ms);
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
