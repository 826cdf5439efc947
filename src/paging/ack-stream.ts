/**
 * Reading push replies outbound (issue #21 item 4): a bot with no public URL follows the reply topics of its open
 * pages on ntfy through one long-lived `GET <NTFY_URL>/<topic1>,<topic2>/json` stream (ntfy's subscribe API), and
 * each message's body is used as an acknowledge token for that topic's page, through the same check as
 * POST /ack/<token> (ack-route.ts useAckToken): signed, single use, bound to the page and the person, dead once the
 * page closes. A forged or stale body changes nothing and is logged without its text.
 *
 * Which topics, and what a line does, are decided in ack-reply.ts. The stream is reopened when the set of
 * followed pages changes (a push went out, a page closed) or when it drops (retried after `retryMs`, doubling to
 * a minute), always with `since=` a day back: a reply published while it was down is read on reconnect, and the
 * messages it has read already are skipped by id.
 */
import type { Db } from '../db/connection.js';
import type { Logger } from '../logger.js';
import { MINUTE } from '../time/clock.js';
import { followedReplies, readReply, replyStreamUrl, sameTopics } from './ack-reply.js';
import { useAckToken, type AckRouteDeps } from './ack-route.js';
import { ACK_TOKEN_TTL_MS } from './ack-token.js';
import { listPages } from './page-store.js';

export interface AckStreamDeps extends AckRouteDeps {
  db: Db;
  logger: Logger;
  ntfyUrl: string;
  ntfyToken: string | null;
  /** Injected for tests; default the global fetch. */
  fetch?: typeof fetch;
  /** The first wait before reconnecting a dropped stream (default 1 s; doubles up to a minute). */
  retryMs?: number;
}

/** How many open pages are looked at for replies (the newest); ack-reply.ts keeps at most MAX_REPLY_TOPICS of them. */
const OPEN_PAGES_LOOKED_AT = 1_000;

export class AckStream {
  private followed: ReadonlyMap<string, number> = new Map();
  private readonly pushed = new Set<number>();
  private readonly seen = new Set<string>();
  private connection: { abort: AbortController; done: Promise<void> } | null = null;
  /** Between start() and stop(): a bot that is not listening follows nothing. */
  private running = false;
  /** Replies (messages on a followed topic) handled since start, acknowledged or not (tests wait on it). */
  handled = 0;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly deps: AckStreamDeps) {}

  /** Follows the replies of every page open now (after a restart the bot cannot tell which it pushed to). */
  start(): void {
    this.running = true;
    for (const page of listPages(this.deps.db, { status: 'open' }, OPEN_PAGES_LOOKED_AT)) this.pushed.add(page.id);
    this.refresh();
  }

  /** A push for this page went out: its replies are followed. */
  pushedFor(pageId: number): void {
    this.pushed.add(pageId);
    this.refresh();
  }

  /** Follows the pages wanted now: the stream is reopened only when they changed. */
  refresh(): void {
    if (!this.running) return;
    const open = listPages(this.deps.db, { status: 'open' }, OPEN_PAGES_LOOKED_AT).map((p) => p.id);
    for (const id of this.pushed) if (!open.includes(id)) this.pushed.delete(id);
    const wanted = followedReplies(this.deps.secret, open, this.pushed);
    if (this.connection && sameTopics(this.followed, wanted)) return;
    this.followed = wanted;
    this.connection?.abort.abort();
    this.connection = null;
    if (wanted.size === 0) return;
    const abort = new AbortController();
    this.connection = { abort, done: this.follow(wanted, abort.signal) };
  }

  /** Resolves once `handled` reaches `count`. */
  async handledAtLeast(count: number): Promise<void> {
    while (this.handled < count) await new Promise<void>((resolve) => this.listeners.add(resolve));
  }

  async stop(): Promise<void> {
    this.running = false;
    const connection = this.connection;
    this.connection = null;
    connection?.abort.abort();
    await connection?.done;
  }

  private async follow(followed: ReadonlyMap<string, number>, signal: AbortSignal): Promise<void> {
    const doFetch = this.deps.fetch ?? fetch;
    let wait = this.deps.retryMs ?? 1_000;
    while (!signal.aborted) {
      const url = replyStreamUrl(this.deps.ntfyUrl, followed.keys(), this.deps.clock.now() - ACK_TOKEN_TTL_MS);
      try {
        const response = await doFetch(url, {
          headers: this.deps.ntfyToken ? { authorization: `Bearer ${this.deps.ntfyToken}` } : {},
          signal,
        });
        // The status only: the URL holds the reply topics.
        if (!response.ok || !response.body) throw new Error(`ntfy refused the reply stream (HTTP ${response.status})`);
        wait = this.deps.retryMs ?? 1_000;
        let rest = '';
        const decoder = new TextDecoder();
        for await (const chunk of response.body) {
          rest += decoder.decode(chunk as Uint8Array, { stream: true });
          const lines = rest.split('\n');
          rest = lines.pop() ?? '';
          for (const line of lines) if (line.trim() !== '') this.line(line, followed);
        }
        if (!signal.aborted) this.deps.logger.info('the ntfy reply stream ended; reconnecting');
      } catch (error) {
        if (signal.aborted) return;
        // The error's name only: fetch's message can quote the URL, which holds the reply topics.
        this.deps.logger.warn(
          {
            error:
              error instanceof Error && error.message.startsWith('ntfy refused')
                ? error.message
                : error instanceof Error
                  ? error.name
                  : 'error',
          },
          'could not follow the ntfy reply stream; retrying',
        );
      }
      if (signal.aborted) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      wait = Math.min(wait * 2, MINUTE);
    }
  }

  private line(line: string, followed: ReadonlyMap<string, number>): void {
    const decision = readReply(line, followed, this.seen);
    if (decision.kind === 'use') {
      this.seen.add(decision.messageId);
      try {
        const use = useAckToken(this.deps, decision.token, { act: true, via: 'push', forPage: decision.pageId });
        if (use.kind === 'acknowledged') this.deps.logger.info({ pageId: use.pageId, via: 'push' }, 'page acknowledged by a push reply');
        // Never the body: it may be a token.
        else
          this.deps.logger.info(
            {
              pageId: decision.pageId,
              why: use.kind === 'refused' ? (use.tokenWas ?? 'the page is closed or the token is for another') : use.kind,
            },
            'push reply ignored',
          );
      } catch (error) {
        this.deps.logger.error({ err: error, pageId: decision.pageId }, 'a push reply could not be handled');
      }
      this.handled += 1;
      for (const listener of this.listeners) listener();
      this.listeners.clear();
    }
  }
}
