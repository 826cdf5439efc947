import type { RecordedCall } from '../../src/playground/slack-stand-in.js';

/**
 * What the crash test compares after the last life: what Slack shows (rebuilt from the stand-in's record of
 * accepted calls) against what the bot's database says it decided. Each check returns the problems it found,
 * one line each, so a failure names the page, the message and what was wrong.
 */

export interface PageRow {
  id: number;
  summary: string;
  status: 'open' | 'acknowledged' | 'resolved';
  created_at: number;
  acked_by: string | null;
  acked_at: number | null;
  resolved_at: number | null;
  exhausted_at: number | null;
}

export interface PageMessageRow {
  page_id: number;
  user_id: string | null;
  ref: string;
  step_index: number;
  loop: number;
  created_at: number;
}

export interface AlertRow {
  id: number;
  dedup_key: string;
  status: 'firing' | 'acknowledged' | 'resolved';
  page_id: number | null;
}

export interface OutboxRow {
  id: number;
  method: string;
  ref: string | null;
  target_ref: string | null;
  status: string;
  args: string;
}

export interface SlackMessageRow {
  ref: string;
  channel: string;
  ts: string;
}

/** One message as Slack shows it at the end: its first text, its text now, and the outbox row that posted it. */
export interface VisibleMessage {
  conversation: string;
  ts: string;
  postedText: string;
  text: string;
  /** The mrkdwn of its blocks as shown now (a digest lists each page there, with its state). */
  blocksText: string;
  outboxId: number | null;
  edits: number;
}

/** The mrkdwn texts of a message's blocks, one per line. */
function blocksTextOf(blocks: unknown): string {
  if (!Array.isArray(blocks)) return '';
  return blocks
    .map((b) => (b as { text?: { text?: unknown } }).text?.text)
    .filter((t): t is string => typeof t === 'string')
    .join('\n');
}

/** Whether a channel message is a digest line that lists this page (page-blocks.ts channelDigestBlocks). */
export const inChannelDigest = (m: VisibleMessage, pageId: number): boolean =>
  /more pages? in the last minute/.test(m.text) && m.blocksText.includes(`(#${pageId})`);

/** Whether a ref names a digest (one message listing many pages: page-digest.ts). */
export const isDigestRef = (ref: string): boolean => ref.startsWith('page-digest:');

/** A DM is posted to a user id and read back (conversations.open) as D<user>: one conversation either way. */
export function conversationOf(channel: unknown): string {
  const id = String(channel ?? '');
  return /^[UW]/.test(id) ? `D${id}` : id;
}

function outboxIdOf(call: RecordedCall): number | null {
  const metadata = call.args.metadata as { event_payload?: { outbox_id?: unknown } } | undefined;
  return typeof metadata?.event_payload?.outbox_id === 'number' ? metadata.event_payload.outbox_id : null;
}

/**
 * Replays the accepted posts and edits in the order Slack received them. An edit of a message Slack never
 * showed is a problem (the bot edited something it had not posted).
 */
export function visibleMessages(calls: readonly RecordedCall[]): { messages: Map<string, VisibleMessage>; problems: string[] } {
  const messages = new Map<string, VisibleMessage>();
  const problems: string[] = [];
  for (const call of calls) {
    if (!call.ok) continue;
    if (call.method === 'chat.postMessage') {
      const conversation = conversationOf(call.response.channel);
      const ts = String(call.response.ts);
      const text = String(call.args.text ?? '');
      messages.set(`${conversation}/${ts}`, {
        conversation,
        ts,
        postedText: text,
        text,
        blocksText: blocksTextOf(call.args.blocks),
        outboxId: outboxIdOf(call),
        edits: 0,
      });
    } else if (call.method === 'chat.update') {
      const key = `${conversationOf(call.args.channel)}/${String(call.args.ts)}`;
      const message = messages.get(key);
      if (!message) problems.push(`chat.update of ${key}, a message Slack never showed: ${String(call.args.text).slice(0, 80)}`);
      else
        Object.assign(message, {
          text: String(call.args.text ?? ''),
          blocksText: blocksTextOf(call.args.blocks),
          edits: message.edits + 1,
        });
    }
  }
  return { messages, problems };
}

function textOf(row: OutboxRow): string {
  return String((JSON.parse(row.args) as { text?: unknown }).text ?? '');
}

/**
 * The outbox against Slack: every post Slack shows was decided (a sent row, the same text) and shown once;
 * every sent post is shown; every remembered message is where the database says; and each message's final
 * text is the text of the last row decided for it (its post, or the latest edit).
 */
export function outboxAgreesWithSlack(
  outbox: readonly OutboxRow[],
  remembered: readonly SlackMessageRow[],
  messages: ReadonlyMap<string, VisibleMessage>,
): { problems: string[]; duplicates: number; checked: number } {
  const problems: string[] = [];
  const rows = new Map(outbox.map((row) => [row.id, row]));
  const shown = new Map<number, VisibleMessage[]>();
  for (const message of messages.values()) {
    if (message.outboxId === null) {
      problems.push(`${message.conversation}/${message.ts} carries no outbox id: "${message.postedText.slice(0, 80)}"`);
      continue;
    }
    const row = rows.get(message.outboxId);
    if (!row || row.method !== 'chat.postMessage')
      problems.push(`${message.conversation}/${message.ts} names outbox row ${message.outboxId}, which posted nothing`);
    else if (textOf(row) !== message.postedText) problems.push(`outbox row ${row.id} was posted with other text than decided`);
    shown.set(message.outboxId, [...(shown.get(message.outboxId) ?? []), message]);
  }
  let duplicates = 0;
  for (const [id, copies] of shown) {
    if (copies.length > 1) {
      duplicates += copies.length - 1;
      problems.push(`outbox row ${id} is shown ${copies.length} times (${copies.map((m) => m.ts).join(', ')})`);
    }
  }
  for (const row of outbox) {
    if (row.method === 'chat.postMessage' && row.status === 'sent' && !shown.has(row.id)) {
      problems.push(
        `outbox row ${row.id} (${row.ref ?? 'no ref'}) is marked sent but Slack never showed it: "${textOf(row).slice(0, 80)}"`,
      );
    }
  }
  // The last decision for each remembered message is what it must show now.
  const lastForRef = new Map<string, OutboxRow>();
  for (const row of outbox) {
    const ref = row.method === 'chat.postMessage' ? row.ref : row.method === 'chat.update' ? row.target_ref : null;
    if (ref && row.status === 'sent' && (lastForRef.get(ref)?.id ?? -1) < row.id) lastForRef.set(ref, row);
  }
  let checked = 0;
  for (const { ref, channel, ts } of remembered) {
    const message = messages.get(`${conversationOf(channel)}/${ts}`);
    if (!message) {
      problems.push(`${ref} is remembered at ${channel}/${ts}, where Slack shows nothing`);
      continue;
    }
    const last = lastForRef.get(ref);
    checked += 1;
    if (!last) problems.push(`${ref} is shown but no sent row decided it`);
    else if (textOf(last) !== message.text) {
      problems.push(
        `${ref} shows "${message.text.slice(0, 90)}" but the last decision (outbox row ${last.id}) says "${textOf(last).slice(0, 90)}"`,
      );
    }
  }
  return { problems, duplicates, checked };
}

export interface ChainExpectation {
  /** Who each step of the page's chain pages, in order (computed from the rotation at the page's start). */
  chainFor(page: PageRow): string[];
  stepMs: number;
  /** The exhaust notice is due this long after the last step (the last step's wait). */
  exhaustAfterLastStepMs: number;
  /** A step due this long before the page was closed must have been sent. */
  graceMs: number;
  alertsChannel: string;
}

/**
 * The pages' decisions against Slack: every step that was due before the page was closed left a DM to its
 * person and a line in the alerts channel, nothing was decided after the page closed, every message of a
 * page shows how it ended (acknowledged by whom, resolved, or still open with nothing claiming otherwise),
 * and a chain that ran out said so in the channel exactly once.
 */
export function pagesAgreeWithSlack(
  pages: readonly PageRow[],
  pageMessages: readonly PageMessageRow[],
  remembered: readonly SlackMessageRow[],
  messages: ReadonlyMap<string, VisibleMessage>,
  expect: ChainExpectation,
): { problems: string[]; dueSteps: number; messagesChecked: number } {
  const problems: string[] = [];
  const where = new Map(remembered.map((m) => [m.ref, m]));
  const byPage = new Map<number, PageMessageRow[]>();
  for (const row of pageMessages) byPage.set(row.page_id, [...(byPage.get(row.page_id) ?? []), row]);
  const channelMessages = [...messages.values()].filter((m) => m.conversation === expect.alertsChannel);
  let dueSteps = 0;
  let messagesChecked = 0;

  for (const page of pages) {
    const rows = byPage.get(page.id) ?? [];
    const closedAt = Math.min(page.acked_at ?? Infinity, page.resolved_at ?? Infinity);
    const chain = expect.chainFor(page);
    chain.forEach((user, step) => {
      if (page.created_at + step * expect.stepMs > closedAt - expect.graceMs) return;
      dueSteps += 1;
      if (!rows.some((r) => r.step_index === step && r.loop === 0 && r.user_id === user))
        problems.push(`page #${page.id} step ${step + 1}: no DM to ${user} was decided`);
      if (!rows.some((r) => r.step_index === step && r.loop === 0 && r.user_id === null))
        problems.push(`page #${page.id} step ${step + 1}: no channel line was decided`);
    });
    for (const row of rows) {
      if (row.created_at > closedAt)
        problems.push(`page #${page.id}: ${row.ref} was decided at ${row.created_at}, after the page closed at ${closedAt}`);
      const place = where.get(row.ref);
      const message = place && messages.get(`${conversationOf(place.channel)}/${place.ts}`);
      if (!message) {
        problems.push(`page #${page.id}: ${row.ref} never reached Slack`);
        continue;
      }
      if (row.user_id === null && message.conversation !== expect.alertsChannel)
        problems.push(`page #${page.id}: its channel line ${row.ref} is in ${message.conversation}`);
      if (row.user_id !== null && message.conversation !== conversationOf(row.user_id))
        problems.push(`page #${page.id}: its DM ${row.ref} is in ${message.conversation}`);
      messagesChecked += 1;
      if (isDigestRef(row.ref)) {
        // A digest lists the page on a line of its own: plain while open, struck through with its state once closed.
        const problem = digestShows(message, page);
        if (problem) problems.push(`page #${page.id}: ${row.ref} ${problem}`);
        continue;
      }
      const outcome = finalOutcome(page);
      if (!message.text.includes(page.summary))
        problems.push(`page #${page.id}: ${row.ref} does not name the page ("${message.text.slice(0, 80)}")`);
      if (outcome && !message.text.includes(outcome))
        problems.push(`page #${page.id} is ${page.status}, but ${row.ref} shows "${message.text.slice(0, 100)}" (expected "${outcome}")`);
      if (!outcome && /Acknowledged|Resolved/.test(message.text))
        problems.push(`page #${page.id} is open, but ${row.ref} shows "${message.text.slice(0, 100)}"`);
    }
    const exhaustNotices = channelMessages.filter(
      (m) => m.postedText.includes('Nobody acknowledged') && m.postedText.includes(`(#${page.id})`),
    );
    const lastStepDue = page.created_at + (chain.length - 1) * expect.stepMs;
    const exhaustDue = lastStepDue + expect.exhaustAfterLastStepMs;
    if (page.exhausted_at !== null && exhaustNotices.length !== 1)
      problems.push(`page #${page.id} ran out of steps, and the channel was told ${exhaustNotices.length} times`);
    if (page.exhausted_at === null && exhaustNotices.length > 0)
      problems.push(`page #${page.id} did not run out, yet the channel was told it had`);
    if (page.exhausted_at === null && exhaustDue <= closedAt - expect.graceMs)
      problems.push(`page #${page.id}: its chain ran out at ${exhaustDue} with nobody told (closed at ${closedAt})`);
    if (page.exhausted_at !== null && page.exhausted_at > closedAt) problems.push(`page #${page.id} was marked run out after it closed`);
  }
  return { problems, dueSteps, messagesChecked };
}

/** What is wrong with how a digest shows one of its pages, or null (page-blocks.ts digestLine). */
function digestShows(message: VisibleMessage, page: PageRow): string | null {
  const id = `(#${page.id})`;
  if (!message.blocksText.includes(id)) return /…and \d+ more/.test(message.blocksText) ? null : 'does not list the page';
  const struck = message.blocksText.includes(`${id}~ ${page.status}`);
  if (page.status === 'open' && message.blocksText.includes(`${id}~`)) return 'shows the open page as closed';
  if (page.status !== 'open' && !struck) return `does not show it ${page.status}`;
  return null;
}

/** What every message of a closed page must say; null while it is open. */
function finalOutcome(page: PageRow): string | null {
  if (page.status === 'acknowledged') return `Acknowledged by <@${page.acked_by}>`;
  if (page.status === 'resolved') return 'Resolved';
  return null;
}

const ALERT_ICON: Record<AlertRow['status'], string> = {
  firing: ':red_circle:',
  acknowledged: ':large_orange_circle:',
  resolved: ':large_green_circle:',
};

/** Each alert is one message in the alerts channel whose icon shows its state now. */
export function alertsAgreeWithSlack(
  alerts: readonly AlertRow[],
  messages: ReadonlyMap<string, VisibleMessage>,
  alertsChannel: string,
): string[] {
  const problems: string[] = [];
  const posted = [...messages.values()].filter((m) => m.conversation === alertsChannel);
  for (const alert of alerts) {
    const mine = posted.filter((m) => m.postedText.endsWith(`(alert #${alert.id})`));
    // While the channel was backlogged, the alert's page went into the channel's digest line instead (page-digest.ts).
    if (mine.length === 0 && alert.page_id !== null && posted.some((m) => inChannelDigest(m, alert.page_id!))) continue;
    if (mine.length !== 1) {
      problems.push(`alert #${alert.id} (${alert.dedup_key}) is shown ${mine.length} times in ${alertsChannel}`);
      continue;
    }
    if (!mine[0]!.text.startsWith(ALERT_ICON[alert.status]))
      problems.push(`alert #${alert.id} is ${alert.status}, but its message shows "${mine[0]!.text.slice(0, 80)}"`);
  }
  return problems;
}
