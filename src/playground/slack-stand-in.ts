import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { systemClock } from '../time/clock.js';
import { refuseScope, repositoryBotScopes, type ConversationKind } from './slack-scopes.js';
import { checkMessageBlocks, checkView, cutMessageText, errorLine, hasNoContent, rateLimitWait } from './slack-limits.js';

/**
 * A loopback stand-in for Slack's Web API. WebClient's slackApiUrl points here; every call is recorded,
 * and the next N calls of a method can be made to fail with 429 + Retry-After, a 5xx, or {ok:false,error}.
 * It refuses what Slack refuses: blocks and views over Block Kit's limits (slack-limits.ts), and methods whose
 * scope the app's manifest.yml does not grant (slack-scopes.ts).
 * It also keeps what Slack would show (messages with their blocks, ephemeral replies, open modals, Home tabs,
 * reactions), which the playground page renders; tests use the same record.
 */

export type Fault = { status: 429; retryAfter: number } | { status: 500 | 502 | 503 } | { error: string };

export interface RecordedCall {
  seq: number;
  method: string;
  args: Record<string, unknown>;
  /** HTTP status answered and whether Slack would have said ok. */
  status: number;
  ok: boolean;
  response: Record<string, unknown>;
  /** performance.now() when the call arrived (latency benchmarks). */
  receivedAt: number;
}

export interface StandInUser {
  id: string;
  name?: string;
  tz?: string;
  deleted?: boolean;
}

function parseArgs(contentType: string, raw: string): Record<string, unknown> {
  if (contentType.includes('application/json')) return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    // WebClient sends nested values (blocks, attachments) as JSON strings inside the form.
    const looksJson = /^[[{]/.test(value);
    if (looksJson) {
      try {
        args[key] = JSON.parse(value);
        continue;
      } catch {
        // not JSON after all: keep the text
      }
    }
    args[key] = value;
  }
  return args;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('request aborted')));
  });
}

export interface StoredMessage {
  /** The conversation: a channel id, or D<user> for a DM. */
  conversation: string;
  text: string;
  user: string | null;
  ts: string;
  blocks?: unknown[];
  metadata?: unknown;
  threadTs?: string;
  /** Only this person sees it (chat.postEphemeral, a slash command's reply). */
  visibleTo?: string;
  reactions?: Record<string, string[]>;
  files?: string[];
}

/** A modal or a Home tab as views.open/update/push/publish left it. */
export interface StoredView {
  id: string;
  user: string;
  type: 'modal' | 'home';
  view: Record<string, unknown>;
  hash: string;
  /** Modals stack: views.push puts one on top of its parent. */
  parent?: string;
}

/** A trigger_id is good for one views.open (or push) within 3 seconds of the interaction. */
export const TRIGGER_LIFETIME_MS = 3_000;

/** A response_url takes 5 posts within 30 minutes of the command or interaction it came with (Slack's rule). */
export const RESPONSE_URL_USES = 5;
export const RESPONSE_URL_LIFETIME_MS = 30 * 60_000;

/** A post to a response_url the stand-in handed out, with Slack's answer (200 ok, or 404 used_url / expired_url). */
export interface ResponsePost {
  id: string;
  body: Record<string, unknown>;
  status: number;
  answer: string;
}

const MESSAGE_METHODS: ReadonlySet<string> = new Set(['chat.postMessage', 'chat.update', 'chat.postEphemeral']);
const VIEW_METHODS: ReadonlySet<string> = new Set(['views.open', 'views.push', 'views.update', 'views.publish']);

/** DMs are addressed by user id but live in a conversation of their own, as in Slack. */
function conversationKey(channel: unknown): string {
  const id = String(channel ?? '');
  return /^[UW]/.test(id) ? `D${id}` : id;
}

/** A file uploaded with files.uploadV2: its bytes arrive at the upload URL, the rest at completeUploadExternal. */
export interface StandInFile {
  id: string;
  filename: string;
  title?: string;
  altText?: string;
  bytes: Buffer | null;
  /** Where it was shared, once completed. */
  channel?: string;
  threadTs?: string;
}

/** A channel of the workspace: whether the bot is in it, and who else is (`everyone`: a channel the whole workspace is in). */
export interface StandInChannel {
  id: string;
  name: string;
  private: boolean;
  botIsMember: boolean;
  members: Set<string> | 'everyone';
}

/** Methods that act in a channel, and where their channel argument is: the bot must be in it (as Slack checks). */
const IN_CHANNEL: Readonly<Record<string, string>> = {
  'chat.postMessage': 'channel',
  'chat.update': 'channel',
  'chat.postEphemeral': 'channel',
  'chat.delete': 'channel',
  'conversations.history': 'channel',
  'conversations.replies': 'channel',
  'conversations.invite': 'channel',
  'pins.add': 'channel',
  'reactions.add': 'channel',
  'files.completeUploadExternal': 'channel_id',
};

export interface StandInOptions {
  /** Clock for message ts (the crash test reconciles by time); default: counted from a fixed instant. */
  now?: () => number;
  /** Who pressed the button or typed the command a trigger_id came from (the playground makes them). */
  triggerUser?: (triggerId: string) => string | undefined;
  /**
   * The bot token's scopes: a method that needs one it lacks is refused with missing_scope. Default: the bot
   * scopes of this repository's manifest.yml, so the manifest and the code cannot drift apart (where there is no
   * manifest, in a deployed image that runs the stand-in only to simulate, nothing is checked); null: no check.
   */
  scopes?: readonly string[] | null;
}

export class SlackStandIn {
  readonly calls: RecordedCall[] = [];
  readonly users = new Map<string, StandInUser>();
  private readonly faults = new Map<string, Fault[]>();
  private server: Server | null = null;
  private tsCounter = 0;
  /** Channels made by conversations.create, by name (a second create of a name is name_taken, as in Slack). */
  readonly createdChannels = new Map<string, string>();
  /** Messages by "channel/ts", for conversations.history. */
  private readonly messages = new Map<string, StoredMessage>();
  /** Modals and Home tabs by view id. */
  readonly views = new Map<string, StoredView>();
  /** Channel names by id, for rendering and conversations.info (seeded by the playground, or conversations.create). */
  readonly channelNames = new Map<string, string>();
  /** Bumped on every change of what Slack would show, so a page can poll cheaply. */
  version = 0;
  /** Files by id, as uploaded (files.getUploadURLExternal, the upload URL, files.completeUploadExternal). */
  readonly files = new Map<string, StandInFile>();
  /** Every method answers with this fault until cleared (an outage), after any queued one-off faults. */
  private outage: Fault | null = null;
  /** Socket Mode: the app-level token apps.connections.open accepts and where it sends the app. */
  private socketMode: { appToken: string; connectionUrl: () => string } | null = null;
  /** User groups by id, with their members (setUsergroup). */
  readonly usergroups = new Map<string, string[]>();

  /**
   * trigger_ids Slack handed out with an interaction (issueTrigger): who it came from, when (on the interaction
   * clock), and whether views.open or views.push has exchanged it already. Slack accepts one exchange within 3 s.
   */
  private readonly triggers = new Map<string, { user: string | undefined; issuedAt: number; exchanged: boolean }>();
  /** The clock trigger_ids expire on: the tests' fake clock (useClock), else the `now` option, else real time. */
  private interactionNow: () => number;

  /**
   * The workspace's channels (addChannel; conversations.create adds the ones the bot makes). Posting in a channel
   * not here is channel_not_found, in one the bot is not in not_in_channel, and an ephemeral message to someone not
   * in the channel user_not_in_channel, as in Slack. DMs (a user id, D...) need no declaring.
   */
  readonly channels = new Map<string, StandInChannel>();

  /** response_urls handed out (issueResponseUrl): when, on the interaction clock, and how many posts each took. */
  private readonly responseUrls = new Map<string, { issuedAt: number; uses: number }>();
  /** Every post to a response_url, accepted or not, oldest first. */
  readonly responsePosts: ResponsePost[] = [];

  /** Rate limits by tier, when turned on (enforceRateLimits): when each bucket's recent calls were let through. */
  private rateHistory: Map<string, number[]> | null = null;

  /** The bot token's scopes (null: not checked). */
  private readonly scopes: ReadonlySet<string> | null;
  /** Private channels (conversations.create with is_private, or added as private): their methods need groups:* scopes. */
  readonly privateChannels = new Set<string>();

  constructor(private readonly options: StandInOptions = {}) {
    this.interactionNow = options.now ?? (() => systemClock.now());
    const scopes = options.scopes === undefined ? repositoryBotScopes() : options.scopes;
    this.scopes = scopes === null ? null : new Set(scopes);
  }
  private seq = 0;
  /** Calls a test has looked at; `unasserted()` lists the rest. */
  private readonly claimed = new Set<number>();
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req).then(
        ({ status, body, headers, raw }) => {
          // A response_url answers in plain text ("ok", "used_url"), the Web API in JSON.
          res.writeHead(status, { 'content-type': raw === undefined ? 'application/json' : 'text/plain', ...headers });
          res.end(raw ?? JSON.stringify(body));
        },
        // The caller went away mid-request (a bot killed with SIGKILL): nothing arrived, nothing to answer.
        () => res.destroy(),
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}/api/`;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  /** The next `times` calls of `method` answer with `fault`. */
  failNext(method: string, fault: Fault, times = 1): void {
    const queue = this.faults.get(method) ?? [];
    for (let i = 0; i < times; i += 1) queue.push(fault);
    this.faults.set(method, queue);
  }

  /** Slack is down: every call answers `fault` until `clearFaults()`. */
  failAll(fault: Fault): void {
    this.outage = fault;
  }

  /** Slack is healthy again. */
  clearFaults(): void {
    this.faults.clear();
    this.outage = null;
  }

  /** A message someone (not the bot) wrote, so conversations.history can return it. */
  addMessage(channel: string, ts: string, text: string, user: string): void {
    this.messages.set(`${conversationKey(channel)}/${ts}`, { conversation: conversationKey(channel), text, user, ts });
    this.version += 1;
  }

  /** A message the playground shows for a person: what they typed, or the reply only they see. */
  addVisible(message: Omit<StoredMessage, 'ts' | 'conversation'> & { channel: string }): StoredMessage {
    const { channel, ...rest } = message;
    const stored: StoredMessage = { ...rest, conversation: conversationKey(channel), ts: this.nextTs() };
    this.messages.set(`${stored.conversation}/${stored.ts}`, stored);
    this.version += 1;
    return stored;
  }

  /** Everything in a conversation that this person may see, oldest first. */
  conversationFor(conversation: string, userId: string): StoredMessage[] {
    return [...this.messages.values()]
      .filter((m) => m.conversation === conversation && (m.visibleTo === undefined || m.visibleTo === userId))
      .sort((a, b) => Number(a.ts) - Number(b.ts));
  }

  message(channel: string, ts: string): StoredMessage | undefined {
    return this.messages.get(`${conversationKey(channel)}/${ts}`);
  }

  react(channel: string, ts: string, name: string, userId: string): boolean {
    const message = this.message(channel, ts);
    if (!message) return false;
    const reactions = (message.reactions ??= {});
    const who = (reactions[name] ??= []);
    if (!who.includes(userId)) who.push(userId);
    this.version += 1;
    return true;
  }

  /** The modal on top of a person's stack, if one is open. */
  openModal(userId: string): StoredView | undefined {
    const mine = [...this.views.values()].filter((v) => v.user === userId && v.type === 'modal');
    return mine.find((v) => !mine.some((other) => other.parent === v.id));
  }

  home(userId: string): StoredView | undefined {
    return [...this.views.values()].find((v) => v.user === userId && v.type === 'home');
  }

  /** Closes a modal and everything stacked on it (a submission answered with no response_action). */
  closeModal(viewId: string, all = false): void {
    const view = this.views.get(viewId);
    if (!view) return;
    this.views.delete(viewId);
    for (const other of [...this.views.values()]) if (other.parent === viewId) this.closeModal(other.id, true);
    if (all && view.parent) this.closeModal(view.parent, true);
    this.version += 1;
  }

  private storeView(
    args: Record<string, unknown>,
    existing: StoredView | undefined,
    parent?: string,
    triggeredBy?: string,
  ): Record<string, unknown> {
    const view = typeof args.view === 'object' && args.view !== null ? (args.view as Record<string, unknown>) : {};
    const fromTrigger = triggeredBy ?? (this.options.triggerUser ? this.options.triggerUser(String(args.trigger_id ?? '')) : 'U0SOMEONE');
    const owner = existing?.user ?? (typeof args.user_id === 'string' ? args.user_id : fromTrigger);
    if (!owner) return { ok: false, error: 'invalid_trigger_id' };
    const id = existing?.id ?? `V${String(this.views.size + 1).padStart(8, '0')}${this.seq}`;
    const stored: StoredView = {
      id,
      user: owner,
      type: view.type === 'home' ? 'home' : 'modal',
      view,
      hash: `h${this.seq}`,
      ...(parent ? { parent } : existing?.parent ? { parent: existing.parent } : {}),
    };
    this.views.set(id, stored);
    this.version += 1;
    return { ok: true, view: { id, hash: stored.hash, ...view } };
  }

  /**
   * Turns on Slack's rate limits by tier (slack-limits.ts), counted on the interaction clock (the test's): over the
   * limit, HTTP 429 `ratelimited` with Retry-After. Off by default: most tests send bursts at one fake instant.
   */
  enforceRateLimits(): void {
    this.rateHistory = new Map();
  }

  /** trigger_ids expire on this clock (a test's FakeClock), so "3 s later" is a moved clock, not a wait. */
  useClock(now: () => number): void {
    this.interactionNow = now;
  }

  /**
   * Slack sends a fresh trigger_id with every slash command and interaction: whoever sends the bot one (the test
   * harness, the playground) issues it here first, so views.open can exchange it once within 3 s, as in Slack.
   * Issuing an id again makes it fresh again (tests reuse one id for many presses). `ageMs`: how long ago Slack
   * issued it (an interaction that reached the bot late).
   */
  issueTrigger(triggerId: string, user?: string, ageMs = 0): string {
    this.triggers.set(triggerId, { user, issuedAt: this.interactionNow() - ageMs, exchanged: false });
    return triggerId;
  }

  /**
   * A response_url as Slack sends one with a slash command or an interaction: it takes 5 posts within 30 minutes of
   * now (on the interaction clock, so "31 minutes later" is a moved clock), then answers 404 used_url or
   * expired_url. `ageMs`: how long ago Slack issued it.
   */
  issueResponseUrl(ageMs = 0): string {
    const id = `R${this.responseUrls.size + 1}`;
    this.responseUrls.set(id, { issuedAt: this.interactionNow() - ageMs, uses: 0 });
    return this.url.replace(/api\/$/, `response/${id}`);
  }

  /** Posts to a response_url, Slack's way: an unknown one is 404 no_service; blocks are held to Block Kit's limits. */
  private receiveResponse(id: string, raw: string): { status: number; body: Record<string, unknown>; raw: string } {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      body = { _unparsed: raw };
    }
    const url = this.responseUrls.get(id);
    const refusal = !url
      ? { status: 404, answer: 'no_service' }
      : this.interactionNow() - url.issuedAt > RESPONSE_URL_LIFETIME_MS
        ? { status: 404, answer: 'expired_url' }
        : url.uses >= RESPONSE_URL_USES
          ? { status: 404, answer: 'used_url' }
          : body.blocks !== undefined && checkMessageBlocks(body).length > 0
            ? { status: 400, answer: 'invalid_blocks' }
            : null;
    if (url && !refusal) url.uses += 1;
    const { status, answer } = refusal ?? { status: 200, answer: 'ok' };
    this.responsePosts.push({ id, body, status, answer });
    this.version += 1;
    return { status, body: {}, raw: answer };
  }

  /** Waits (real time, bounded) for the next post to a response_url that Slack accepted, and returns it. */
  async waitForResponse(timeoutMs = 15_000, after = 0): Promise<ResponsePost> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = this.responsePosts.slice(after).find((p) => p.status === 200);
      if (found) return found;
      if (performance.now() > deadline) throw new Error(`nothing was posted to a response_url within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** views.open / views.push: the trigger_id exchanged, or Slack's refusal (unknown, already used, or over 3 s old). */
  private exchangeTrigger(args: Record<string, unknown>): { ok: true; user: string | undefined } | { ok: false; error: string } {
    const trigger = this.triggers.get(String(args.trigger_id ?? ''));
    if (!trigger) return { ok: false, error: 'invalid_trigger_id' };
    if (trigger.exchanged) return { ok: false, error: 'exchanged_trigger_id' };
    if (this.interactionNow() - trigger.issuedAt > TRIGGER_LIFETIME_MS) return { ok: false, error: 'expired_trigger_id' };
    trigger.exchanged = true;
    return { ok: true, user: trigger.user };
  }

  /**
   * Turns on Socket Mode for the app: apps.connections.open, called with this app-level token (xapp-) in the
   * Authorization header, answers with `connectionUrl()` (a WebSocket server's single-use URL).
   */
  enableSocketMode(appToken: string, connectionUrl: () => string): void {
    this.socketMode = { appToken, connectionUrl };
  }

  /** A channel of the workspace (the bot in it unless `botIsMember: false`; everyone in it unless `members` lists who is). */
  addChannel(
    id: string,
    options: { name?: string; private?: boolean; botIsMember?: boolean; members?: readonly string[] | 'everyone' } = {},
  ): void {
    const name = options.name ?? this.channelNames.get(id) ?? id.toLowerCase();
    const members = options.members === undefined || options.members === 'everyone' ? 'everyone' : new Set(options.members);
    this.channels.set(id, { id, name, private: options.private ?? id.startsWith('G'), botIsMember: options.botIsMember ?? true, members });
    this.channelNames.set(id, name);
    if (options.private ?? id.startsWith('G')) this.privateChannels.add(id);
  }

  /**
   * Someone is in a channel: Slack only sends the app a command, a press or a message from a channel its sender
   * is in, so whoever sends one from a channel is a member of it (the harness and the playground say so here).
   */
  join(channelId: string, userId: string): void {
    const channel = this.channels.get(channelId);
    if (channel && channel.members !== 'everyone') channel.members.add(userId);
  }

  /** Not in the channel, or not a channel there is: Slack's refusal of a call made in it. */
  private refuseMembership(method: string, args: Record<string, unknown>): Record<string, unknown> | null {
    const field = IN_CHANNEL[method];
    if (field === undefined || args[field] === undefined) return null;
    const key = conversationKey(args[field]);
    if (key.startsWith('D')) return null;
    const channel = this.channels.get(key);
    if (!channel) return { ok: false, error: 'channel_not_found' };
    if (!channel.botIsMember) return { ok: false, error: 'not_in_channel' };
    if (method === 'chat.postEphemeral' && channel.members !== 'everyone' && !channel.members.has(String(args.user ?? '')))
      return { ok: false, error: 'user_not_in_channel' };
    if (method === 'conversations.invite' && channel.members !== 'everyone')
      for (const u of String(args.users ?? '').split(',')) channel.members.add(u);
    return null;
  }

  addUser(user: StandInUser): void {
    this.users.set(user.id, user);
  }

  /**
   * A user group and its members, as usergroups.users.list answers them (in this order); setting it again
   * replaces the members, as an admin editing the group in Slack would.
   */
  setUsergroup(id: string, members: readonly string[]): void {
    if (!/^S[A-Z0-9]+$/.test(id)) throw new Error(`setUsergroup: "${id}" is not a user group id (S...)`);
    const bad = members.find((m) => !/^[UW][A-Z0-9]+$/.test(m));
    if (bad !== undefined) throw new Error(`setUsergroup: "${bad}" is not a user id (U... or W...)`);
    this.usergroups.set(id, [...members]);
  }

  /** Successful calls of a method (what Slack actually accepted). */
  delivered(method?: string): RecordedCall[] {
    return this.calls.filter((c) => c.ok && (method === undefined || c.method === method));
  }

  attempts(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Marks matching delivered calls as seen by the test and returns them. */
  take(method: string, match: (args: Record<string, unknown>) => boolean = () => true): RecordedCall[] {
    const found = this.delivered(method).filter((c) => !this.claimed.has(c.seq) && match(c.args));
    for (const c of found) this.claimed.add(c.seq);
    return found;
  }

  /** Waits (real time, bounded) for a call that a handler makes after it has acked, then takes it. */
  async waitFor(method: string, match: (args: Record<string, unknown>) => boolean = () => true, timeoutMs = 3000): Promise<RecordedCall> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const [found] = this.take(method, match);
      if (found) return found;
      if (performance.now() > deadline) throw new Error(`the stand-in received no ${method} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Delivered messages no test has looked at (auth.test and reads are not messages). */
  unasserted(): RecordedCall[] {
    const quiet = new Set([
      'auth.test',
      'apps.connections.open',
      'users.info',
      'conversations.info',
      'users.list',
      'conversations.history',
      'usergroups.users.list',
    ]);
    return this.delivered().filter((c) => !quiet.has(c.method) && !this.claimed.has(c.seq));
  }

  private nextTs(): string {
    this.tsCounter += 1;
    const seconds = this.options.now ? Math.floor(this.options.now() / 1000) : 1767600000;
    return `${seconds}.${String(this.tsCounter % 1_000_000).padStart(6, '0')}`;
  }

  /** conversations.history and .replies: newest first, from `oldest`, at most `limit`, metadata on request. */
  private listMessages(channel: unknown, args: Record<string, unknown>, inThread: string | null): Record<string, unknown>[] {
    const key = conversationKey(channel);
    const oldest = Number(args.oldest ?? 0);
    const limit = Number(args.limit ?? 100);
    const withMetadata = args.include_all_metadata === true || args.include_all_metadata === 'true';
    return [...this.messages.entries()]
      .filter(
        ([k, m]) =>
          k.startsWith(`${key}/`) &&
          Number(m.ts) >= oldest &&
          (inThread === null ? m.threadTs === undefined : m.threadTs === inThread || m.ts === inThread),
      )
      .map(([, m]) => m)
      .sort((a, b) => Number(b.ts) - Number(a.ts))
      .slice(0, limit)
      .map((m) => ({
        type: 'message',
        ts: m.ts,
        text: m.text,
        user: m.user,
        ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}),
      }));
  }

  private async handle(
    req: IncomingMessage,
  ): Promise<{ status: number; body: Record<string, unknown>; headers?: Record<string, string>; raw?: string }> {
    const bytes = await readBody(req);
    const response = /^\/response\/(R[0-9]+)$/.exec(req.url ?? '');
    if (response) return this.receiveResponse(response[1]!, bytes.toString('utf8'));
    const upload = /^\/upload\/(F[A-Z0-9]+)$/.exec(req.url ?? '');
    if (upload) return this.receiveUpload(upload[1]!, String(req.headers['content-type'] ?? ''), bytes);
    const raw = bytes.toString('utf8');
    const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
    let args: Record<string, unknown>;
    try {
      args = parseArgs(String(req.headers['content-type'] ?? ''), raw);
    } catch {
      args = { _unparsed: raw };
    }
    this.seq += 1;
    const seq = this.seq;
    const fault = this.faults.get(method)?.shift() ?? this.outage;
    if (fault) {
      if ('error' in fault) {
        const body = { ok: false, error: fault.error };
        this.calls.push({ seq, method, args, status: 200, ok: false, response: body, receivedAt: performance.now() });
        return { status: 200, body };
      }
      const body = { ok: false, error: fault.status === 429 ? 'ratelimited' : 'internal_error' };
      this.calls.push({ seq, method, args, status: fault.status, ok: false, response: body, receivedAt: performance.now() });
      const headers: Record<string, string> = fault.status === 429 ? { 'retry-after': String(fault.retryAfter) } : {};
      return { status: fault.status, body, headers };
    }
    const wait = this.rateHistory
      ? rateLimitWait(
          method,
          typeof args.channel === 'string' ? conversationKey(args.channel) : null,
          this.interactionNow(),
          this.rateHistory,
        )
      : null;
    if (wait !== null) {
      const body = { ok: false, error: 'ratelimited' };
      this.calls.push({ seq, method, args, status: 429, ok: false, response: body, receivedAt: performance.now() });
      return { status: 429, body, headers: { 'retry-after': String(wait) } };
    }
    const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    const body =
      this.refuseToken(method, bearer, args) ??
      this.refuseScope(method, args) ??
      this.refuseMembership(method, args) ??
      this.answer(method, args);
    this.calls.push({ seq, method, args, status: 200, ok: body.ok === true, response: body, receivedAt: performance.now() });
    return { status: 200, body };
  }

  /**
   * Slack's token rules where they matter to this app: an app-level token (xapp-) opens Socket Mode
   * connections and nothing else; apps.connections.open takes only an app-level token, and only in the
   * Authorization header (in the body it is invalid_auth). Bot tokens are not checked for other methods.
   */
  private refuseToken(method: string, bearer: string | undefined, args: Record<string, unknown>): Record<string, unknown> | null {
    if (method !== 'apps.connections.open') return bearer?.startsWith('xapp-') ? { ok: false, error: 'not_allowed_token_type' } : null;
    if (bearer === undefined) return { ok: false, error: args.token === undefined ? 'not_authed' : 'invalid_auth' };
    if (!bearer.startsWith('xapp-')) return { ok: false, error: 'not_allowed_token_type' };
    if (!this.socketMode || bearer !== this.socketMode.appToken) return { ok: false, error: 'invalid_auth' };
    return { ok: true, url: this.socketMode.connectionUrl() };
  }

  /** The kind of conversation a call is about, which decides the scope some methods need. */
  private kindOf(method: string, args: Record<string, unknown>): ConversationKind {
    if (method === 'conversations.create') return args.is_private === true || args.is_private === 'true' ? 'private' : 'public';
    if (method === 'conversations.open') return String(args.users ?? '').includes(',') ? 'mpim' : 'im';
    const key = conversationKey(args.channel);
    if (key.startsWith('D')) return 'im';
    if (key.startsWith('G') || this.privateChannels.has(key)) return 'private';
    return 'public';
  }

  /** missing_scope for a method the bot token's scopes do not allow; unknown_method for one Slack has not. */
  private refuseScope(method: string, args: Record<string, unknown>): Record<string, unknown> | null {
    if (this.scopes === null || method === 'apps.connections.open') return null;
    return refuseScope(method, this.kindOf(method, args), this.scopes);
  }

  /** WebClient posts the bytes as multipart form data, field "body", to the URL getUploadURLExternal gave. */
  private async receiveUpload(id: string, contentType: string, bytes: Buffer): Promise<{ status: number; body: Record<string, unknown> }> {
    const file = this.files.get(id);
    if (!file) return { status: 404, body: { ok: false, error: 'file_not_found' } };
    const form = await new Response(new Uint8Array(bytes), { headers: { 'content-type': contentType } }).formData();
    const part = form.get('body');
    file.bytes = typeof part === 'string' ? Buffer.from(part) : part ? Buffer.from(await part.arrayBuffer()) : bytes;
    return { status: 200, body: { ok: true } };
  }

  /**
   * What Slack refuses before it does anything: blocks over Block Kit's limits (slack-limits.ts), a message with
   * nothing in it. A refused call changes nothing the stand-in shows.
   */
  private refuseContent(method: string, args: Record<string, unknown>): Record<string, unknown> | null {
    if (MESSAGE_METHODS.has(method)) {
      if (hasNoContent(args)) return { ok: false, error: 'no_text' };
      const errors = checkMessageBlocks(args);
      if (errors.length > 0) {
        return {
          ok: false,
          error: 'invalid_blocks',
          errors: errors.map((e) => errorLine(e).replace(/^\[ERROR\] /, '')),
          response_metadata: { messages: errors.map(errorLine) },
        };
      }
    }
    if (VIEW_METHODS.has(method)) {
      const errors = checkView(args.view);
      if (errors.length > 0) return { ok: false, error: 'invalid_arguments', response_metadata: { messages: errors.map(errorLine) } };
    }
    return null;
  }

  private answer(method: string, rawArgs: Record<string, unknown>): Record<string, unknown> {
    const refused = this.refuseContent(method, rawArgs);
    if (refused) return refused;
    // Slack keeps at most 40,000 characters of a message's text and cuts the rest.
    const args =
      typeof rawArgs.text === 'string' && MESSAGE_METHODS.has(method) ? { ...rawArgs, text: cutMessageText(rawArgs.text).text } : rawArgs;
    switch (method) {
      case 'files.getUploadURLExternal': {
        const id = `F${String(this.files.size + 1).padStart(8, '0')}`;
        this.files.set(id, {
          id,
          filename: String(args.filename ?? 'file'),
          bytes: null,
          ...(typeof args.alt_text === 'string' ? { altText: args.alt_text } : {}),
        });
        return { ok: true, upload_url: this.url.replace(/api\/$/, `upload/${id}`), file_id: id };
      }
      case 'files.completeUploadExternal': {
        const listed = (Array.isArray(args.files) ? args.files : []) as Array<{ id?: unknown; title?: unknown }>;
        const files = listed.map((f) => this.files.get(String(f.id)));
        if (files.length === 0 || files.some((f) => !f || !f.bytes)) return { ok: false, error: 'file_not_found' };
        const channel = typeof args.channel_id === 'string' ? args.channel_id : undefined;
        for (const [i, file] of files.entries()) {
          const title = listed[i]?.title;
          Object.assign(file!, {
            ...(typeof title === 'string' ? { title } : {}),
            ...(channel ? { channel } : {}),
            ...(typeof args.thread_ts === 'string' ? { threadTs: args.thread_ts } : {}),
          });
        }
        if (channel) {
          const comment = typeof args.initial_comment === 'string' ? args.initial_comment : '';
          this.addVisible({
            channel,
            text: comment,
            user: 'U0BOT',
            files: files.map((f) => f!.id),
            ...(typeof args.thread_ts === 'string' ? { threadTs: args.thread_ts } : {}),
          });
        }
        return { ok: true, files: files.map((f) => ({ id: f!.id, name: f!.filename, title: f!.title ?? f!.filename })) };
      }
      case 'auth.test':
        return {
          ok: true,
          url: 'https://standin.slack.test/',
          team: 'Stand-in',
          team_id: 'T0TEAM',
          user: 'oncall',
          user_id: 'U0BOT',
          bot_id: 'B0BOT',
        };
      case 'chat.postMessage':
      case 'chat.update': {
        const ts = method === 'chat.update' ? String(args.ts) : this.nextTs();
        const key = `${conversationKey(args.channel)}/${ts}`;
        const before = this.messages.get(key);
        if (method === 'chat.update' && !before && this.options.triggerUser) return { ok: false, error: 'message_not_found' };
        this.version += 1;
        this.messages.set(key, {
          conversation: conversationKey(args.channel),
          text: String(args.text ?? ''),
          user: 'U0BOT',
          ts,
          ...(Array.isArray(args.blocks) ? { blocks: args.blocks as unknown[] } : {}),
          ...(before?.reactions ? { reactions: before.reactions } : {}),
          metadata: args.metadata ?? before?.metadata,
          ...(typeof args.thread_ts === 'string' ? { threadTs: args.thread_ts } : before?.threadTs ? { threadTs: before.threadTs } : {}),
        });
        return { ok: true, channel: args.channel, ts, message: { text: args.text } };
      }
      case 'conversations.create': {
        const name = String(args.name ?? '');
        if (!/^[a-z0-9_-]{1,80}$/.test(name)) return { ok: false, error: 'invalid_name_specials' };
        if (this.createdChannels.has(name)) return { ok: false, error: 'name_taken' };
        const id = `C0INC${this.createdChannels.size + 1}`;
        this.createdChannels.set(name, id);
        // The bot made it, so it is in it; people join as they are invited.
        this.addChannel(id, { name, private: this.kindOf(method, args) === 'private', members: [] });
        this.version += 1;
        return { ok: true, channel: { id, name } };
      }
      case 'conversations.history': {
        if (args.latest === undefined) return { ok: true, messages: this.listMessages(args.channel, args, null), has_more: false };
        const message = this.messages.get(`${conversationKey(args.channel)}/${String(args.latest)}`);
        return { ok: true, messages: message ? [{ type: 'message', ts: args.latest, text: message.text, user: message.user }] : [] };
      }
      case 'conversations.replies':
        return { ok: true, messages: this.listMessages(args.channel, args, String(args.ts)), has_more: false };
      case 'chat.postEphemeral': {
        const stored = this.addVisible({
          channel: String(args.channel ?? ''),
          text: String(args.text ?? ''),
          user: 'U0BOT',
          visibleTo: String(args.user ?? ''),
          ...(Array.isArray(args.blocks) ? { blocks: args.blocks as unknown[] } : {}),
        });
        return { ok: true, message_ts: stored.ts };
      }
      case 'reactions.add':
        return this.react(String(args.channel ?? ''), String(args.timestamp ?? ''), String(args.name ?? ''), 'U0BOT')
          ? { ok: true }
          : { ok: false, error: 'message_not_found' };
      case 'conversations.info': {
        const id = String(args.channel ?? '');
        if (conversationKey(id).startsWith('D')) return { ok: true, channel: { id, is_im: true, is_member: true } };
        const channel = this.channels.get(id);
        if (!channel) return { ok: false, error: 'channel_not_found' };
        return { ok: true, channel: { id, name: channel.name, is_private: channel.private, is_member: channel.botIsMember } };
      }
      case 'conversations.open':
        return { ok: true, channel: { id: `D${String(args.users ?? '').split(',')[0]}` } };
      // As Slack answers it: `usergroup` left out is the common invalid_arguments error; one given (empty or not
      // an id included) that names no group is no_such_subteam; the answer is the members' ids only.
      case 'usergroups.users.list': {
        if (args.usergroup === undefined) {
          return { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] missing required field: usergroup'] } };
        }
        const members = this.usergroups.get(String(args.usergroup));
        if (!members) return { ok: false, error: 'no_such_subteam' };
        return { ok: true, users: [...members] };
      }
      case 'users.info': {
        const user = this.users.get(String(args.user));
        if (!user) return { ok: false, error: 'user_not_found' };
        return {
          ok: true,
          user: {
            id: user.id,
            name: user.name ?? user.id,
            real_name: user.name ?? user.id,
            tz: user.tz ?? 'UTC',
            deleted: user.deleted ?? false,
          },
        };
      }
      case 'views.open': {
        const trigger = this.exchangeTrigger(args);
        if (!trigger.ok) return trigger;
        return this.storeView(args, undefined, undefined, trigger.user);
      }
      case 'views.push': {
        const trigger = this.exchangeTrigger(args);
        if (!trigger.ok) return trigger;
        const pusher = trigger.user ?? this.options.triggerUser?.(String(args.trigger_id ?? ''));
        const parent = pusher ? this.openModal(pusher) : undefined;
        return this.storeView(args, undefined, parent?.id, trigger.user);
      }
      case 'views.update': {
        const existing = this.views.get(String(args.view_id ?? ''));
        if (!existing)
          return this.options.triggerUser
            ? { ok: false, error: 'not_found' }
            : {
                ok: true,
                view: { id: String(args.view_id ?? `V${this.seq}`), ...(typeof args.view === 'object' ? (args.view as object) : {}) },
              };
        if (typeof args.hash === 'string' && args.hash !== existing.hash) return { ok: false, error: 'hash_conflict' };
        return this.storeView(args, existing);
      }
      case 'views.publish':
        return this.storeView(
          { ...args, view: { ...(typeof args.view === 'object' ? (args.view as object) : {}), type: 'home' } },
          this.home(String(args.user_id ?? '')),
        );
      default:
        return { ok: true };
    }
  }
}

/** Every channel a policy names (its channels, each rotation's channel and alerts channel): where the team invited the bot. */
export function policyChannelIds(policy: {
  channels: Record<string, string>;
  rotations: Record<string, { channel: string | null; alertsChannel: string | null }>;
}): string[] {
  const ids = [...Object.values(policy.channels), ...Object.values(policy.rotations).flatMap((r) => [r.channel, r.alertsChannel])];
  return [...new Set(ids.filter((id): id is string => typeof id === 'string' && id !== ''))];
}
