/** Block Kit for pages: pure functions from page data to messages. */
import type { AckVia } from '../db/schema.js';
import { mention, slackDate } from '../slack/format.js';
import { pageBlockId, sourceIdOf } from './page-refs.js';

export const PAGE_ACTIONS = { ack: 'page.ack', escalate: 'page.escalate', resolve: 'page.resolve', ackAll: 'page.ack_all' } as const;

/** Reactions that acknowledge what they are put on (a page's message, an alert's). */
export const ACK_REACTIONS: ReadonlySet<string> = new Set(['white_check_mark', 'heavy_check_mark', 'ballot_box_with_check']);

export interface PageView {
  id: number;
  rotation: string;
  severity: string;
  summary: string;
  source: string;
  /** e.g. "incident:12" or "alert:40": what the page is about. */
  sourceRef?: string | null;
  createdBy: string | null;
  createdAt: number;
}

export function pageTitle(page: PageView): string {
  return `[${page.severity}] ${page.summary}`;
}

function sourceText(page: PageView): string {
  if (page.source === 'person' && page.createdBy) return `paged by ${mention(page.createdBy)}`;
  const incident = page.source === 'incident' ? sourceIdOf(page) : null;
  return incident !== null ? `from incident #${incident}` : `from ${page.source}`;
}

export function pageDmBlocks(page: PageView, others: string[], stepLabel: string): { text: string; blocks: unknown[] } {
  const paged = others.length ? others.map(mention).join(', ') : 'nobody else';
  return {
    text: `:rotating_light: Page ${pageTitle(page)} (${page.rotation}), ${sourceText(page)}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: `🚨 ${pageTitle(page)}`.slice(0, 150) } },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: `*Severity*\n${page.severity}` },
          { type: 'mrkdwn', text: `*Rotation*\n${page.rotation}` },
          { type: 'mrkdwn', text: `*Source*\n${sourceText(page)}` },
          { type: 'mrkdwn', text: `*Started*\n${slackDate(page.createdAt)}` },
        ],
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `${stepLabel} · also paged: ${paged} · page #${page.id}` }] },
      {
        type: 'actions',
        block_id: pageBlockId(page.id),
        elements: [
          {
            type: 'button',
            action_id: PAGE_ACTIONS.ack,
            style: 'primary',
            text: { type: 'plain_text', text: 'Acknowledge' },
            value: String(page.id),
          },
          { type: 'button', action_id: PAGE_ACTIONS.escalate, text: { type: 'plain_text', text: 'Escalate now' }, value: String(page.id) },
          {
            type: 'button',
            action_id: PAGE_ACTIONS.resolve,
            style: 'danger',
            text: { type: 'plain_text', text: 'Resolve' },
            value: String(page.id),
          },
        ],
      },
    ],
  };
}

const whoText = (users: readonly string[], groups: readonly string[]) =>
  [...users.map(mention), ...groups.map((g) => `<!subteam^${g}>`)].join(', ');

function actionButtons(page: PageView, withEscalate: boolean): unknown {
  return {
    type: 'actions',
    block_id: pageBlockId(page.id),
    elements: [
      { type: 'button', action_id: PAGE_ACTIONS.ack, text: { type: 'plain_text', text: 'Acknowledge' }, value: String(page.id) },
      ...(withEscalate
        ? [{ type: 'button', action_id: PAGE_ACTIONS.escalate, text: { type: 'plain_text', text: 'Escalate now' }, value: String(page.id) }]
        : []),
      { type: 'button', action_id: PAGE_ACTIONS.resolve, text: { type: 'plain_text', text: 'Resolve' }, value: String(page.id) },
    ],
  };
}

/**
 * A chat-only severity (seed 002's P2, "Slack message to primary"): a plain message that mentions who it is
 * for, with Acknowledge, in the rotation's channel. No siren, no header: it asks, it does not wake.
 */
export function chatMessageBlocks(
  page: PageView,
  users: string[],
  groups: string[],
  stepLabel: string,
): { text: string; blocks: unknown[] } {
  const text = `:speech_balloon: ${whoText(users, groups)}: ${pageTitle(page)} needs a look (#${page.id}, ${sourceText(page)})`;
  const context = `${stepLabel} · a chat message, not a page · started ${slackDate(page.createdAt)} · page #${page.id}`;
  return plainChannelMessage(page, text, context, true);
}

/** A task severity (seed 001's SEV-3 "log as a task"): logged in the rotation's channel, nobody paged. */
export function taskBlocks(page: PageView, targetAt: number | null): { text: string; blocks: unknown[] } {
  const target = targetAt === null ? 'no deadline' : `acknowledge by ${slackDate(targetAt)}`;
  const text = `:clipboard: Task ${pageTitle(page)} (#${page.id}, ${sourceText(page)}): logged for the rotation, nobody paged; ${target}`;
  const context = `${page.severity} is a task in this policy: fix it through the normal release · page #${page.id}`;
  return plainChannelMessage(page, text, context, false);
}

/** A page's plain line in its rotation's channel (no siren, no header): its text, a line of context, its buttons. */
function plainChannelMessage(page: PageView, text: string, context: string, withEscalate: boolean): { text: string; blocks: unknown[] } {
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: context }] },
      actionButtons(page, withEscalate),
    ],
  };
}

export function channelLine(page: PageView, users: string[], groups: string[], stepLabel: string): string {
  const who = [...users.map(mention), ...groups.map((g) => `<!subteam^${g}>`)].join(', ');
  return `:rotating_light: ${pageTitle(page)} (#${page.id}, ${sourceText(page)}): paging ${who} (${stepLabel})`;
}

/** A channel line that names a user group: the line itself carries Acknowledge, for the group's members. */
export function channelLineBlocks(page: PageView, text: string): unknown[] {
  return [{ type: 'section', text: { type: 'mrkdwn', text } }, actionButtons(page, false)];
}

/** The final state every message of a page is edited to. */
export function pageClosedBlocks(page: PageView, outcome: string): { text: string; blocks: unknown[] } {
  return {
    text: `${pageTitle(page)}: ${outcome}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${pageTitle(page)}* (${page.rotation}, page #${page.id})\n${outcome}` } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `Started ${slackDate(page.createdAt)} · ${sourceText(page)}` }] },
    ],
  };
}

export function stepLabel(stepIndex: number, steps: number, loop: number, loops: number): string {
  return `step ${stepIndex + 1} of ${steps}${loops > 1 ? `, round ${loop + 1} of ${loops}` : ''}`;
}

/** How a person acknowledged or resolved a page, as a page's messages and timelines say it ("via phone call"). */
export const VIA_TEXT: Record<AckVia, string> = {
  button: 'Slack button',
  reaction: 'reaction in Slack',
  voice: 'phone call',
  sms: 'text message',
  push: 'push notification',
  email: 'e-mail link',
  link: 'acknowledge link',
};

/** " via phone call", or nothing when how is not known. */
export const viaText = (via: AckVia | null | undefined): string => (via ? ` via ${VIA_TEXT[via]}` : '');

/** What a page's messages say once it is acknowledged: "Acknowledged by @alice via phone call at 03:04, 4 min after it started." */
export function acknowledgedOutcome(a: { by: string; via: AckVia | null | undefined; at: number; late: boolean; minutes: number }): string {
  return `:white_check_mark: Acknowledged by ${mention(a.by)}${viaText(a.via)} at ${slackDate(a.at)}${a.late ? ' (after the ack SLA)' : ''}, ${a.minutes} min after it started.`;
}

/** What a page's messages say once a person resolves it. */
export function resolvedOutcome(a: { by: string; via: AckVia | null | undefined; at: number }): string {
  return `:large_green_circle: Resolved by ${mention(a.by)}${viaText(a.via)} at ${slackDate(a.at)}.`;
}

/** A page as a digest lists it. */
export interface DigestEntry {
  id: number;
  severity: string;
  summary: string;
  status: string;
}

const DIGEST_SUMMARY_CHARS = 80;
/** Lines per section stay under Slack's 3,000 characters; sections under its 50 blocks. */
const DIGEST_SECTION_CHARS = 2_800;
const DIGEST_MAX_SECTIONS = 40;

function digestLine(e: DigestEntry): string {
  const summary = e.summary.length > DIGEST_SUMMARY_CHARS ? `${e.summary.slice(0, DIGEST_SUMMARY_CHARS - 1)}…` : e.summary;
  const title = `[${e.severity}] ${summary} (#${e.id})`;
  return e.status === 'open' ? `• ${title}` : `• ~${title}~ ${e.status}`;
}

/** The lines in sections of at most DIGEST_SECTION_CHARS; what does not fit in DIGEST_MAX_SECTIONS is counted at the end. */
function digestSections(entries: readonly DigestEntry[]): unknown[] {
  const sections: string[] = [];
  let current = '';
  let shown = 0;
  for (const entry of entries) {
    const line = digestLine(entry);
    if (current && current.length + line.length + 1 > DIGEST_SECTION_CHARS) {
      if (sections.length + 1 >= DIGEST_MAX_SECTIONS) break;
      sections.push(current);
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
    shown += 1;
  }
  if (current) sections.push(current);
  if (shown < entries.length) sections.push(`…and ${entries.length - shown} more: \`/oncall pages open\` lists them all.`);
  return sections.map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } }));
}

const pagesWord = (n: number) => `${n} more page${n === 1 ? '' : 's'}`;

/** The short text of a digest (notifications, screen readers): its first pages, cut well under Slack's limit. */
function digestText(head: string, entries: readonly DigestEntry[]): string {
  const text = `${head}: ${entries.map((e) => `[${e.severity}] ${e.summary} (#${e.id})`).join(', ')}`;
  return text.length > 3_000 ? `${text.slice(0, 2_999)}…` : text;
}

/**
 * A person's digest DM: the pages past their threshold, each with its number, and Acknowledge all (its value the
 * digest's ref). Each page still escalates on its own; the open ones read plain, the closed ones struck through.
 */
export function personDigestBlocks(ref: string, entries: readonly DigestEntry[]): { text: string; blocks: unknown[] } {
  const open = entries.filter((e) => e.status === 'open').length;
  const head = `:rotating_light: ${pagesWord(entries.length)}`;
  return {
    text: digestText(head, entries),
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `${head} for you in the last minute, collected here instead of one DM each (${open} open). Each still escalates on its own.`,
        },
      },
      ...digestSections(entries),
      {
        type: 'actions',
        block_id: ref,
        elements: [
          {
            type: 'button',
            action_id: PAGE_ACTIONS.ackAll,
            style: 'primary',
            text: { type: 'plain_text', text: 'Acknowledge all' },
            value: ref,
          },
        ],
      },
    ],
  };
}

/** A channel's digest line: the pages whose own line could not be posted in time (Slack's pace, one post a second). */
export function channelDigestBlocks(entries: readonly DigestEntry[]): { text: string; blocks: unknown[] } {
  const head = `:rotating_light: +${pagesWord(entries.length)} in the last minute`;
  return {
    text: digestText(head, entries),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `${head} (folded into one line: the channel is busy):` } },
      ...digestSections(entries),
    ],
  };
}
