/**
 * A local stand-in for an ntfy server (https://docs.ntfy.sh/publish/), written from its documented API and
 * refusing what ntfy refuses, with ntfy's error body (`{"code":40007,"http":400,"error":"...","link":"..."}`):
 *
 * - `POST|PUT /<topic>`: the body is the message; Title, Priority (1-5 or min/low/default/high/max/urgent),
 *   Tags, Click and Actions come as headers (X- prefixed or not, or their short aliases) or query parameters.
 * - `POST /` with a JSON body `{"topic": ..., "message": ..., "actions": [...]}`: the JSON form.
 * - Actions in the short form (`http, Acknowledge, https://..., method=POST, headers.X=y, body=...; view, ...`)
 *   or as a JSON array; at most 3, each `view`, `http` or `broadcast` with a label, a url for view and http,
 *   no body with GET or HEAD.
 * - With a token set, `Authorization: Bearer <token>` is required: none is 403 (40301), a wrong one 401 (40101).
 * - `GET /<topic>/json?poll=1`: the topic's cached messages, one JSON object a line, then the response ends.
 * - `GET /<topic1>,<topic2>/json`: the subscribe API's JSON stream (https://docs.ntfy.sh/subscribe/api/): the
 *   response stays open; an `open` event first, then every message published to one of the topics, one JSON
 *   object a line, as it comes. `since=` (`all`, a unix timestamp, a duration such as `10m`, or a message id)
 *   first sends the cached messages since then, with a poll too.
 *
 * Publishes are recorded; `press` performs the HTTP request an `http` action describes, as the phone app does.
 * `dropStreams` ends every open stream (a server restart, a proxy's idle timeout), for a subscriber's reconnect.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpStandIn, readBody } from './local-server.js';

export interface NtfyAction {
  id: string;
  action: 'view' | 'http' | 'broadcast';
  label: string;
  clear: boolean;
  url?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  intent?: string;
  extras?: Record<string, string>;
}

export interface NtfyMessage {
  id: string;
  /** Seconds since the epoch, as ntfy writes it. */
  time: number;
  event: 'message';
  topic: string;
  message: string;
  title?: string;
  priority?: number;
  tags?: string[];
  click?: string;
  actions?: NtfyAction[];
}

export interface NtfyPublish {
  message: NtfyMessage;
  /** The Authorization header it came with, if any. */
  authorization: string | null;
}

export interface NtfyStandInOptions {
  /** When set, every publish must carry `Authorization: Bearer <token>`. */
  token?: string;
  now?: () => number;
}

interface Answer {
  status: number;
  body: string;
  contentType?: string;
}

class NtfyError extends Error {
  constructor(
    readonly code: number,
    readonly http: number,
    message: string,
    readonly link = '',
  ) {
    super(message);
  }
}

const ACTIONS_INVALID = (why: string) =>
  new NtfyError(40018, 400, `invalid request: actions invalid, ${why}`, 'https://ntfy.sh/docs/publish/#action-buttons');
const TOPIC = /^[-_A-Za-z0-9]{1,64}$/;
/** Paths ntfy serves itself, never topics. */
const DISALLOWED_TOPICS = new Set(['docs', 'static', 'file', 'app', 'metrics', 'account', 'settings', 'signup', 'login', 'v1']);
const PRIORITIES: Record<string, number> = {
  '1': 1,
  min: 1,
  '2': 2,
  low: 2,
  '3': 3,
  default: 3,
  '4': 4,
  high: 4,
  '5': 5,
  max: 5,
  urgent: 5,
};

/** ntfy's priority: empty is the default (3); anything not in the list is refused. */
export function parseNtfyPriority(text: string | null | undefined): number {
  const key = (text ?? '').trim().toLowerCase();
  if (key === '') return 3;
  const priority = PRIORITIES[key];
  if (priority === undefined)
    throw new NtfyError(40007, 400, 'invalid priority parameter', 'https://ntfy.sh/docs/publish/#message-priority');
  return priority;
}

/**
 * The short form of ntfy's Actions header, read as ntfy reads it: actions split by `;`, each a list of
 * `,`-separated sections; an unnamed first, second and (for view/http) third section are the action, label and
 * url; the rest are `key=value` (clear, url, method, body, intent, headers.<name>, extras.<name>). A value may be
 * quoted with " or ' to hold commas and semicolons (a backslash escapes the quote).
 */
export function parseNtfyActions(text: string): NtfyAction[] {
  const input = text.trim();
  if (input === '') return [];
  const raw = input.startsWith('[') ? actionsFromJson(input) : actionsFromShortForm(input);
  if (raw.length > 3) throw ACTIONS_INVALID('only 3 actions allowed');
  return raw.map((r, i) => validAction(r, i));
}

type RawAction = Record<string, unknown>;

function actionsFromJson(input: string): RawAction[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(input);
  } catch {
    throw ACTIONS_INVALID('not valid JSON');
  }
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'object' && a !== null && !Array.isArray(a)))
    throw ACTIONS_INVALID('expected a JSON array of objects');
  return parsed as RawAction[];
}

function actionsFromShortForm(input: string): RawAction[] {
  const actions: RawAction[] = [];
  let pos = 0;
  const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
  const skipSpaces = () => {
    while (isSpace(input[pos])) pos += 1;
  };
  while (pos < input.length) {
    const action: RawAction = { headers: {}, extras: {} };
    for (let section = 0; ; section += 1) {
      skipSpaces();
      const keyMatch = input.slice(pos).match(/^([-.\w]+)\s*=\s*/);
      let key = '';
      if (keyMatch) {
        key = keyMatch[1]!;
        pos += keyMatch[0].length;
      }
      let value = '';
      let end: string | undefined;
      const quote = input[pos];
      if (quote === '"' || quote === "'") {
        pos += 1;
        let closed = false;
        while (pos < input.length) {
          const c = input[pos]!;
          if (c === '\\' && input[pos + 1] === quote) {
            value += quote;
            pos += 2;
            continue;
          }
          if (c === quote) {
            closed = true;
            pos += 1;
            break;
          }
          value += c;
          pos += 1;
        }
        if (!closed) throw ACTIONS_INVALID('unexpected end of input, a quote was not closed');
        skipSpaces();
        end = input[pos];
        if (end !== undefined && end !== ',' && end !== ';') throw ACTIONS_INVALID(`unexpected character '${end}' at position ${pos}`);
        pos += 1;
      } else {
        const start = pos;
        while (pos < input.length && input[pos] !== ',' && input[pos] !== ';') pos += 1;
        value = input.slice(start, pos);
        end = input[pos];
        pos += 1;
      }
      if (key === '' && section === 0) key = 'action';
      else if (key === '' && section === 1) key = 'label';
      else if (key === '' && section === 2 && (action.action === 'view' || action.action === 'http')) key = 'url';
      if (key === '') throw ACTIONS_INVALID(`term '${value}' unknown`);
      setField(action, key, value);
      if (end === undefined || end === ';') break;
    }
    actions.push(action);
    skipSpaces();
  }
  return actions;
}

function setField(action: RawAction, key: string, value: string): void {
  if (key.startsWith('headers.')) (action.headers as Record<string, string>)[key.slice('headers.'.length)] = value;
  else if (key.startsWith('extras.')) (action.extras as Record<string, string>)[key.slice('extras.'.length)] = value;
  else {
    const name = key.toLowerCase();
    if (!['action', 'label', 'clear', 'url', 'method', 'body', 'intent'].includes(name)) throw ACTIONS_INVALID(`key '${key}' unknown`);
    if (name === 'clear' && !['true', 'yes', '1', 'false', 'no', '0'].includes(value.toLowerCase()))
      throw ACTIONS_INVALID(`'clear=${value}' not allowed`);
    action[name] = name === 'clear' ? ['true', 'yes', '1'].includes(value.toLowerCase()) : value;
  }
}

function validAction(raw: RawAction, index: number): NtfyAction {
  const text = (name: string) => (typeof raw[name] === 'string' ? (raw[name] as string) : '');
  const kind = text('action').toLowerCase();
  if (kind !== 'view' && kind !== 'http' && kind !== 'broadcast') throw ACTIONS_INVALID(`action '${text('action')}' unknown`);
  const label = text('label');
  if (label === '') throw ACTIONS_INVALID("parameter 'label' is required");
  const url = text('url');
  if ((kind === 'view' || kind === 'http') && url === '') throw ACTIONS_INVALID(`parameter 'url' is required for action '${kind}'`);
  const method = kind === 'http' ? (text('method') || 'POST').toUpperCase() : undefined;
  const body = text('body');
  if (method && (method === 'GET' || method === 'HEAD') && body !== '')
    throw ACTIONS_INVALID(`parameter 'body' cannot be set if method is ${method}`);
  const headers = raw.headers && typeof raw.headers === 'object' ? (raw.headers as Record<string, string>) : {};
  const extras = raw.extras && typeof raw.extras === 'object' ? (raw.extras as Record<string, string>) : {};
  return {
    id: `a${index + 1}`,
    action: kind,
    label,
    clear: raw.clear === true,
    ...(url ? { url } : {}),
    ...(method ? { method } : {}),
    ...(kind === 'http' && Object.keys(headers).length ? { headers } : {}),
    ...(body ? { body } : {}),
    ...(kind === 'broadcast' && text('intent') ? { intent: text('intent') } : {}),
    ...(kind === 'broadcast' && Object.keys(extras).length ? { extras } : {}),
  };
}

/** A publish parameter from its headers (X-Name, Name, aliases) or the query string, as ntfy reads them. */
function param(req: IncomingMessage, query: URLSearchParams, ...names: string[]): string | null {
  for (const name of names) {
    const header = req.headers[name.toLowerCase()];
    if (typeof header === 'string' && header !== '') return header;
    const fromQuery = query.get(name.toLowerCase());
    if (fromQuery) return fromQuery;
  }
  return null;
}

/** A JSON stream open on the stand-in: the topics it follows and the `since` it was opened with. */
export interface NtfySubscription {
  topics: string[];
  since: string | null;
}

interface LiveStream extends NtfySubscription {
  res: ServerResponse;
}

const SUBSCRIBE = /^([-_A-Za-z0-9]{1,64}(?:,[-_A-Za-z0-9]{1,64})*)\/json$/;

export class NtfyStandIn extends HttpStandIn {
  readonly publishes: NtfyPublish[] = [];
  /** Every JSON stream opened, in order (closed ones too). */
  readonly subscriptions: NtfySubscription[] = [];
  private readonly live = new Set<LiveStream>();
  private readonly waiters = new Set<() => void>();

  constructor(private readonly options: NtfyStandInOptions = {}) {
    super(options.now);
  }

  async start(): Promise<this> {
    // A JSON stream stays open on its response; every other request gets one answer.
    return this.listen(
      (req) => this.handle(req),
      (req, res) => {
        const path = new URL(req.url ?? '/', 'http://standin').pathname.replace(/^\/+|\/+$/g, '');
        const query = new URL(req.url ?? '/', 'http://standin').searchParams;
        if (req.method !== 'GET' || !SUBSCRIBE.test(path) || query.get('poll') === '1') return false;
        this.subscribe(req, res, path, query);
        return true;
      },
    );
  }

  /** The JSON streams open now. */
  streams(): NtfySubscription[] {
    return [...this.live].map(({ topics, since }) => ({ topics, since }));
  }

  /** Resolves once a stream that `test` accepts is open (a subscriber connected or reconnected). */
  async waitForStream(test: (s: NtfySubscription) => boolean = () => true): Promise<NtfySubscription> {
    for (;;) {
      const found = this.streams().find(test);
      if (found) return found;
      await new Promise<void>((resolve) => this.waiters.add(resolve));
    }
  }

  /** Ends every open stream, as a restarting server or a proxy's idle timeout does; subscribers must reconnect. */
  dropStreams(): void {
    for (const stream of this.live) stream.res.end();
    this.live.clear();
  }

  private subscribe(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): void {
    const fail = (error: NtfyError) => {
      this.requests.push(`GET /${path} -> ${error.http}`);
      res.writeHead(error.http, { 'content-type': 'application/json' });
      res.end(
        `${JSON.stringify({ code: error.code, http: error.http, error: error.message, ...(error.link ? { link: error.link } : {}) })}\n`,
      );
    };
    let topics: string[];
    let cached: NtfyMessage[];
    try {
      this.authorize(req);
      topics = path
        .slice(0, -'/json'.length)
        .split(',')
        .map((t) => this.topic(t));
      cached = this.since(topics, query.get('since'));
    } catch (error) {
      fail(error instanceof NtfyError ? error : new NtfyError(50001, 500, 'internal server error'));
      return;
    }
    this.requests.push(`GET /${path} -> 200`);
    res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-cache' });
    this.seq += 1;
    const open = {
      id: `open${String(this.seq).padStart(8, '0')}`,
      time: Math.floor(this.now() / 1000),
      event: 'open',
      topic: topics.join(','),
    };
    res.write(`${JSON.stringify(open)}\n`);
    for (const message of cached) res.write(`${JSON.stringify(message)}\n`);
    const stream: LiveStream = { topics, since: query.get('since'), res };
    this.subscriptions.push({ topics, since: stream.since });
    this.live.add(stream);
    res.on('close', () => this.live.delete(stream));
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }

  /**
   * The cached messages on `topics` a `since=` asks for, oldest first: none without it; `all`; a unix timestamp
   * (messages of that second or later); a duration back from now (`30s`, `10m`, `2h`, `1d`); a message id (those after it).
   */
  private since(topics: readonly string[], since: string | null): NtfyMessage[] {
    const on = this.publishes.map((p) => p.message).filter((m) => topics.includes(m.topic));
    if (since === null || since === '') return [];
    if (since === 'all') return on;
    if (/^\d{1,12}$/.test(since)) return on.filter((m) => m.time >= Number(since));
    const duration = /^(\d{1,9})([smhd])$/.exec(since);
    if (duration) {
      const seconds = Number(duration[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[duration[2] as 's' | 'm' | 'h' | 'd'];
      return on.filter((m) => m.time >= Math.floor(this.now() / 1000) - seconds);
    }
    const index = this.publishes.findIndex((p) => p.message.id === since);
    if (index >= 0)
      return this.publishes
        .slice(index + 1)
        .map((p) => p.message)
        .filter((m) => topics.includes(m.topic));
    throw new NtfyError(
      40008,
      400,
      'invalid request: since parameter invalid',
      'https://ntfy.sh/docs/subscribe/api/#fetch-cached-messages',
    );
  }

  override async stop(): Promise<void> {
    this.dropStreams();
    await super.stop();
  }

  /** Messages published to `topic`, oldest first. */
  messagesOn(topic: string): NtfyMessage[] {
    return this.publishes.filter((p) => p.message.topic === topic).map((p) => p.message);
  }

  private async handle(req: IncomingMessage): Promise<Answer> {
    const url = new URL(req.url ?? '/', 'http://standin');
    let answer: Answer;
    try {
      answer = await this.route(req, url);
    } catch (error) {
      const e = error instanceof NtfyError ? error : new NtfyError(50001, 500, 'internal server error');
      answer = {
        status: e.http,
        body: `${JSON.stringify({ code: e.code, http: e.http, error: e.message, ...(e.link ? { link: e.link } : {}) })}\n`,
      };
    }
    this.requests.push(`${req.method} ${url.pathname} -> ${answer.status}`);
    return answer;
  }

  private authorize(req: IncomingMessage): void {
    if (this.options.token === undefined) return;
    const header = req.headers.authorization;
    if (!header) throw new NtfyError(40301, 403, 'forbidden', 'https://ntfy.sh/docs/publish/#authentication');
    if (header !== `Bearer ${this.options.token}`)
      throw new NtfyError(40101, 401, 'unauthorized', 'https://ntfy.sh/docs/publish/#authentication');
  }

  private async route(req: IncomingMessage, url: URL): Promise<Answer> {
    const body = req.method === 'POST' || req.method === 'PUT' ? await readBody(req) : '';
    const path = url.pathname.replace(/^\/+|\/+$/g, '');
    const poll = path.match(/^([^/]+)\/json$/);
    if (req.method === 'GET' && poll) {
      this.authorize(req);
      // A poll without `since` returns every cached message (ntfy's poll=1 means since=all then).
      const topics = poll[1]!.split(',').map((t) => this.topic(t));
      const lines = this.since(topics, url.searchParams.get('since') ?? 'all').map((m) => JSON.stringify(m));
      return { status: 200, body: lines.map((l) => `${l}\n`).join(''), contentType: 'application/x-ndjson' };
    }
    if (req.method !== 'POST' && req.method !== 'PUT') throw new NtfyError(40401, 404, 'page not found');
    if (path === '') return this.publishJson(req, body);
    if (path.includes('/')) throw new NtfyError(40401, 404, 'page not found');
    this.authorize(req);
    const topic = this.topic(path);
    const q = url.searchParams;
    const title = param(req, q, 'X-Title', 'Title', 'ti', 't');
    const tags = param(req, q, 'X-Tags', 'Tags', 'Tag', 'ta');
    const click = param(req, q, 'X-Click', 'Click');
    const actions = parseNtfyActions(param(req, q, 'X-Actions', 'Actions', 'Action') ?? '');
    const priority = parseNtfyPriority(param(req, q, 'X-Priority', 'Priority', 'prio', 'p'));
    const message = param(req, q, 'X-Message', 'Message', 'm') ?? body;
    return this.record(req, {
      topic,
      message: message === '' ? 'triggered' : message,
      ...(title ? { title } : {}),
      priority,
      ...(tags
        ? {
            tags: tags
              .split(',')
              .map((t) => t.trim())
              .filter(Boolean),
          }
        : {}),
      ...(click ? { click } : {}),
      ...(actions.length ? { actions } : {}),
    });
  }

  private topic(name: string): string {
    if (!TOPIC.test(name)) throw new NtfyError(40009, 400, 'invalid request: topic invalid');
    if (DISALLOWED_TOPICS.has(name)) throw new NtfyError(40010, 400, 'invalid request: topic name is not allowed');
    return name;
  }

  private publishJson(req: IncomingMessage, body: string): Answer {
    let json: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(body);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      json = parsed as Record<string, unknown>;
    } catch {
      throw new NtfyError(
        40017,
        400,
        'invalid request: request body must be message JSON',
        'https://ntfy.sh/docs/publish/#publish-as-json',
      );
    }
    this.authorize(req);
    const topic = this.topic(typeof json.topic === 'string' ? json.topic : '');
    const priority =
      json.priority === undefined
        ? 3
        : typeof json.priority === 'number' && Number.isInteger(json.priority) && json.priority >= 1 && json.priority <= 5
          ? json.priority
          : parseNtfyPriority('invalid');
    const actions = json.actions === undefined ? [] : parseNtfyActions(JSON.stringify(json.actions));
    const text = (name: string) => (typeof json[name] === 'string' && json[name] !== '' ? (json[name] as string) : undefined);
    const tags = Array.isArray(json.tags) ? json.tags.filter((t): t is string => typeof t === 'string') : [];
    return this.record(req, {
      topic,
      message: text('message') ?? 'triggered',
      ...(text('title') ? { title: text('title') } : {}),
      priority,
      ...(tags.length ? { tags } : {}),
      ...(text('click') ? { click: text('click') } : {}),
      ...(actions.length ? { actions } : {}),
    });
  }

  private record(req: IncomingMessage, fields: Omit<NtfyMessage, 'id' | 'time' | 'event'>): Answer {
    this.seq += 1;
    const message: NtfyMessage = {
      id: `msg${String(this.seq).padStart(9, '0')}`,
      time: Math.floor(this.now() / 1000),
      event: 'message',
      ...fields,
    };
    this.publishes.push({ message, authorization: req.headers.authorization ?? null });
    for (const stream of this.live) if (stream.topics.includes(message.topic)) stream.res.write(`${JSON.stringify(message)}\n`);
    return { status: 200, body: `${JSON.stringify(message)}\n` };
  }

  /**
   * Someone taps the action labelled `label` on message `messageId`: an `http` action's request is made as the
   * ntfy app makes it (method, headers, body); a `view` action only opens its url, returned as is.
   */
  async press(messageId: string, label: string): Promise<{ status: number; body: string } | { opened: string }> {
    const message = this.publishes.find((p) => p.message.id === messageId)?.message;
    if (!message) throw new Error(`no message ${messageId}`);
    const action = message.actions?.find((a) => a.label === label);
    if (!action)
      throw new Error(
        `message ${messageId} has no action labelled "${label}" (it has: ${(message.actions ?? []).map((a) => a.label).join(', ') || 'none'})`,
      );
    if (action.action === 'view') return { opened: action.url! };
    if (action.action === 'broadcast') throw new Error('a broadcast action goes to another Android app, not over HTTP');
    const response = await fetch(action.url!, {
      method: action.method,
      headers: action.headers ?? {},
      ...(action.body ? { body: action.body } : {}),
    });
    return { status: response.status, body: await response.text() };
  }
}
