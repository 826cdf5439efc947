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

/** `text` cut to at most `max` characters, ending in "…" when cut (Slack refuses a block's text over its limit). */
export function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(max - 1, 0))}…`;
}

/**
 * Lines joined by newlines within `max` characters: as many whole lines as fit, then `more(n)` saying how many
 * were left out (and where to see them). A single line longer than `max` is cut with "…".
 */
export function fitLines(lines: readonly string[], max: number, more: (left: number) => string): string {
  const all = lines.join('\n');
  if (all.length <= max) return all;
  const kept: string[] = [];
  let length = 0;
  for (const [n, line] of lines.entries()) {
    const tail = `\n${more(lines.length - n)}`;
    const next = (kept.length ? 1 : 0) + line.length;
    if (length + next + tail.length > max) return cut(`${kept.join('\n')}${kept.length ? tail : tail.slice(1)}`, max);
    kept.push(line);
    length += next;
  }
  return cut(kept.join('\n'), max);
}

/**
 * The newest lines that fit in `max` characters, in order, after `more(n)` saying how many earlier ones were left
 * out (and where to see them); fitLines keeps the first lines instead. A single line longer than `max` is cut with "…".
 */
export function fitLastLines(lines: readonly string[], max: number, more: (left: number) => string): string {
  const all = lines.join('\n');
  if (all.length <= max) return all;
  const kept: string[] = [];
  let length = 0;
  for (let n = lines.length - 1; n >= 0; n -= 1) {
    const head = `${more(n + 1)}\n`;
    const line = lines[n]!;
    const next = line.length + (kept.length ? 1 : 0);
    if (length + next + head.length > max) return cut(`${kept.length ? head : head.slice(0, -1)}${kept.join('\n')}`, max);
    kept.unshift(line);
    length += next;
  }
  return cut(kept.join('\n'), max);
}

/** Slack's limits on checkboxes: 10 options a group, 75 characters an option's text (more is refused). */
export const CHECKBOX_OPTIONS = 10;
export const OPTION_TEXT = 75;

/**
 * Options split into groups of at most 10, each with its block id: `blockId` for the first (so a form or message
 * with 10 or fewer reads as before), then `blockId:2`, `blockId:3`, ...; read them back with selectedInGroups.
 */
export function checkboxGroups<T>(blockId: string, options: readonly T[]): Array<{ blockId: string; options: T[]; first: number }> {
  const groups: Array<{ blockId: string; options: T[]; first: number }> = [];
  for (let first = 0; first < options.length; first += CHECKBOX_OPTIONS) {
    const n = first / CHECKBOX_OPTIONS;
    groups.push({ blockId: n === 0 ? blockId : `${blockId}:${n + 1}`, options: options.slice(first, first + CHECKBOX_OPTIONS), first });
  }
  return groups;
}
