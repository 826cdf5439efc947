/**
 * A local stand-in for the part of Twilio's REST API (2010-04-01) the bot uses to reach a person by phone,
 * written from Twilio's documented API and as strict as it is:
 *
 * - `POST /2010-04-01/Accounts/{AccountSid}/Calls.json` and `.../Messages.json`, form-encoded, HTTP Basic auth
 *   with the account SID and auth token (401 and Twilio's 20003 error otherwise); a missing or malformed
 *   parameter is a 400 with Twilio's code (21201 no To, 21213 no From, 21205 no Url/Twiml, 21211 To not E.164,
 *   21604/21603/21602 for messages...). A created resource is a 201 with its `sid` (CA.../SM...), `status: queued`.
 * - `POST .../Calls/{CallSid}.json` with `Status=completed` (or `canceled` before it is answered) ends a call
 *   (its status callback is posted, as Twilio does); an unknown sid is Twilio's 404 (20404). Each is recorded in
 *   `updates`; `settled()` waits for the callbacks such an update set off.
 * - `GET .../Calls.json?To=...&From=...&StartTime>=YYYY-MM-DD` lists calls (newest first), `GET .../Calls/{CallSid}.json`
 *   one; `GET .../Messages.json?To=...&From=...&DateSent>=YYYY-MM-DD` lists messages. Lists answer Twilio's page
 *   fields (`calls` or `messages`, `page`, `page_size`, `start`, `end`, `first_page_uri`, `next_page_uri`, `uri`).
 *
 * Calls and messages are recorded. A test plays the phone: `answer` fetches the call's TwiML (a signed POST to
 * its Url, or the inline Twiml), `pressDigits` posts a <Gather>'s digits to its action, `finish` ends the call
 * as completed / busy / no-answer / failed and posts the status callback, `incomingSms` posts an SMS webhook.
 * Every request it makes carries X-Twilio-Signature made with the auth token (src/contacts/twilio-signature.ts).
 */
import { HttpStandIn, readBody } from './local-server.js';
import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import { twilioSignature } from '../contacts/twilio-signature.js';

export type CallStatus = 'queued' | 'ringing' | 'in-progress' | 'completed' | 'busy' | 'failed' | 'no-answer' | 'canceled';
export type CallEnd = 'completed' | 'busy' | 'no-answer' | 'failed';
export type MessageStatus = 'queued' | 'sent' | 'delivered' | 'undelivered' | 'failed';

export interface StandInCall {
  sid: string;
  to: string;
  from: string;
  url: string | null;
  twiml: string | null;
  statusCallback: string | null;
  status: CallStatus;
  /** Epoch ms: when it was created (Twilio's start_time for a call the API placed). */
  createdAt: number;
  endedAt: number | null;
  /** Every form parameter as sent. */
  params: Record<string, string>;
  /** performance.now() when the request arrived (latency benchmarks). */
  receivedAt: number;
}

export interface StandInMessage {
  sid: string;
  to: string;
  from: string;
  body: string;
  statusCallback: string | null;
  status: MessageStatus;
  createdAt: number;
  params: Record<string, string>;
  /** performance.now() when the request arrived (latency benchmarks). */
  receivedAt: number;
}

/** A `POST Calls/{CallSid}.json` received: the sid, the status asked for, and the HTTP status answered. */
export interface StandInCallUpdate {
  sid: string;
  status: string | null;
  at: number;
  answer: number;
}

/** A request the stand-in made to the bot (a webhook or callback), with the bot's answer. */
export interface StandInWebhook {
  url: string;
  params: Record<string, string>;
  signature: string;
  status: number;
  body: string;
}

export interface TwilioStandInOptions {
  accountSid?: string;
  authToken?: string;
  /** The clock for date_created and the StartTime filter; default a fixed instant. */
  now?: () => number;
}

const API = '/2010-04-01';
const E164 = /^\+[1-9]\d{7,14}$/;

interface Answer {
  status: number;
  body: unknown;
}

/** Twilio's error body: code, message, a link to the code's page, and the HTTP status again. */
function twilioError(status: number, code: number, message: string): Answer {
  return { status, body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status } };
}

const isAbsoluteHttpUrl = (text: string) => {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
};

/** RFC 2822, as Twilio writes date_created: "Tue, 31 Aug 2010 20:36:28 +0000". */
function rfc2822(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}

const DAY_MS = 86_400_000;

/**
 * A list's filters as Twilio reads them: To and From exactly, and a date (`StartTime` for calls, `DateSent` for
 * messages) as a whole UTC day, `YYYY-MM-DD`: `Name=` that day, `Name>=` on or after its midnight, `Name<=` on or
 * before the end of it (`StartTime>=2026-01-05` arrives as the parameter "StartTime>" with the value
 * "2026-01-05"). A malformed date or page size is a 400, as with Twilio.
 */
function listFilter(
  query: URLSearchParams,
  dateName: 'StartTime' | 'DateSent',
): { error: Answer } | { keep: (item: { to: string; from: string; createdAt: number }) => boolean; pageSize: number } {
  const to = query.get('To');
  const from = query.get('From');
  const bounds: Array<(ms: number) => boolean> = [];
  for (const [suffix, test] of [
    ['', (day: number, ms: number) => ms >= day && ms < day + DAY_MS],
    ['>', (day: number, ms: number) => ms >= day],
    ['<', (day: number, ms: number) => ms < day + DAY_MS],
  ] as const) {
    const value = query.get(`${dateName}${suffix}`);
    if (value === null) continue;
    const day = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Number.NaN;
    if (Number.isNaN(day)) return { error: twilioError(400, 20001, `Invalid ${dateName}: ${value} (expected YYYY-MM-DD)`) };
    bounds.push((ms) => test(day, ms));
  }
  const size = query.get('PageSize');
  const pageSize = size === null ? 50 : Number(size);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000)
    return { error: twilioError(400, 20001, `Invalid PageSize: ${size} (1 to 1000)`) };
  return {
    keep: (item) => (!to || item.to === to) && (!from || item.from === from) && bounds.every((b) => b(item.createdAt)),
    pageSize,
  };
}

export class TwilioStandIn extends HttpStandIn {
  readonly accountSid: string;
  readonly authToken: string;
  readonly calls: StandInCall[] = [];
  readonly messages: StandInMessage[] = [];
  /** Every webhook and callback sent to the bot, in order. */
  readonly webhooks: StandInWebhook[] = [];
  /** Every call update received (`POST Calls/{CallSid}.json`), refused ones too. */
  readonly updates: StandInCallUpdate[] = [];
  private held: Promise<void> = Promise.resolve();
  private listFault: Answer | null = null;
  /** Status callbacks set off by a call update, still on their way to the bot. */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(options: TwilioStandInOptions = {}) {
    super(options.now);
    this.accountSid = options.accountSid ?? `AC${'0'.repeat(31)}1`;
    this.authToken = options.authToken ?? 'standin-auth-token-0123456789abcd';
  }

  async start(): Promise<this> {
    // Every answer of Twilio's REST API is JSON, errors included.
    return this.listen(async (req) => {
      const answer = await this.handle(req);
      return { status: answer.status, body: JSON.stringify(answer.body) };
    });
  }

  private nextSid(prefix: 'CA' | 'SM'): string {
    this.seq += 1;
    return `${prefix}${this.seq.toString(16).padStart(32, '0')}`;
  }

  private async handle(req: IncomingMessage): Promise<Answer> {
    const url = new URL(req.url ?? '/', 'http://standin');
    const answer = await this.route(req, url);
    this.requests.push(`${req.method} ${url.pathname} -> ${answer.status}`);
    return answer;
  }

  private async route(req: IncomingMessage, url: URL): Promise<Answer> {
    const body = req.method === 'POST' ? await readBody(req) : '';
    const match = url.pathname.match(/^\/2010-04-01\/Accounts\/([^/]+)\/(Calls|Messages)(?:\/([^/]+))?\.json$/);
    if (!match) return twilioError(404, 20404, `The requested resource ${url.pathname} was not found`);
    if (!this.authorized(req.headers.authorization))
      return {
        status: 401,
        body: {
          code: 20003,
          detail: 'Your AccountSid or AuthToken was incorrect.',
          message: 'Authenticate',
          more_info: 'https://www.twilio.com/docs/errors/20003',
          status: 401,
        },
      };
    const [, account, collection, sid] = match as unknown as [string, string, 'Calls' | 'Messages', string | undefined];
    if (account !== this.accountSid) return twilioError(404, 20404, `The requested resource ${url.pathname} was not found`);
    // Twilio reads parameters from a form body only: JSON (or anything else) reads as no parameters at all.
    const form = /^application\/x-www-form-urlencoded/i.test(req.headers['content-type'] ?? '')
      ? new URLSearchParams(body)
      : new URLSearchParams();
    const params = Object.fromEntries(form);
    if (collection === 'Calls') {
      if (req.method === 'POST' && !sid) {
        const created = this.createCall(params);
        // Recorded (the call is placed), the answer held back: the bot may die before it hears of the call.
        await this.held;
        return created;
      }
      if (req.method === 'POST' && sid) {
        const answer = this.updateCall(sid, params);
        this.updates.push({ sid, status: params.Status ?? null, at: this.now(), answer: answer.status });
        return answer;
      }
      if (req.method === 'GET' && !sid) return this.listFault ?? this.listCalls(url.searchParams);
      if (req.method === 'GET' && sid) {
        const call = this.calls.find((c) => c.sid === sid);
        return call
          ? { status: 200, body: this.callResource(call) }
          : twilioError(404, 20404, `The requested resource ${url.pathname} was not found`);
      }
    }
    if (collection === 'Messages' && req.method === 'POST' && !sid) return this.createMessage(params);
    if (collection === 'Messages' && req.method === 'GET' && !sid) return this.listFault ?? this.listMessages(url.searchParams);
    if (collection === 'Messages' && req.method === 'GET' && sid) {
      const message = this.messages.find((m) => m.sid === sid);
      return message
        ? { status: 200, body: this.messageResource(message) }
        : twilioError(404, 20404, `The requested resource ${url.pathname} was not found`);
    }
    return twilioError(405, 20004, 'Method not allowed');
  }

  private authorized(header: string | undefined): boolean {
    const basic = header?.match(/^Basic\s+(\S+)$/i);
    if (!basic) return false;
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon > 0 && decoded.slice(0, colon) === this.accountSid && decoded.slice(colon + 1) === this.authToken;
  }

  private createCall(params: Record<string, string>): Answer {
    const { To: to, From: from, Url: url, Twiml: twiml, ApplicationSid: app, StatusCallback: statusCallback } = params;
    if (!to) return twilioError(400, 21201, "No 'To' number is specified");
    if (!from) return twilioError(400, 21213, "No 'From' number is specified");
    if (!url && !twiml && !app) return twilioError(400, 21205, 'Url parameter is required.');
    if (!E164.test(to)) return twilioError(400, 21211, `Invalid 'To' Phone Number: ${to}`);
    if (!E164.test(from)) return twilioError(400, 21212, `Invalid 'From' Phone Number: ${from}`);
    if (url && !isAbsoluteHttpUrl(url)) return twilioError(400, 21205, `Url is not a valid URL: ${url}`);
    if (statusCallback && !isAbsoluteHttpUrl(statusCallback))
      return twilioError(400, 21609, `The StatusCallback URL ${statusCallback} is not a valid URL.`);
    for (const name of ['Method', 'StatusCallbackMethod'] as const) {
      if (params[name] && !/^(GET|POST)$/i.test(params[name]!)) return twilioError(400, 21200, `${name} must be GET or POST`);
    }
    const call: StandInCall = {
      sid: this.nextSid('CA'),
      to,
      from,
      url: url ?? null,
      twiml: twiml ?? null,
      statusCallback: statusCallback ?? null,
      status: 'queued',
      createdAt: this.now(),
      endedAt: null,
      params,
      receivedAt: performance.now(),
    };
    this.calls.push(call);
    return { status: 201, body: this.callResource(call) };
  }

  private updateCall(sid: string, params: Record<string, string>): Answer {
    const call = this.calls.find((c) => c.sid === sid);
    if (!call)
      return twilioError(404, 20404, `The requested resource /2010-04-01/Accounts/${this.accountSid}/Calls/${sid}.json was not found`);
    const status = params.Status;
    if (status !== 'completed' && status !== 'canceled')
      return twilioError(400, 21220, `Invalid call state: Status must be completed or canceled, not ${status ?? 'missing'}`);
    if (status === 'canceled' && call.status === 'in-progress')
      return twilioError(400, 21220, 'Invalid call state: an answered call is ended with Status=completed');
    // Ending a call that has already ended changes nothing, as with Twilio.
    if (['queued', 'ringing', 'in-progress'].includes(call.status)) {
      const ended: CallStatus = call.status === 'in-progress' || status === 'completed' ? 'completed' : 'canceled';
      call.status = ended;
      call.endedAt = this.now();
      // Twilio answers the update first, then posts the callback: the update's caller never waits on the bot.
      const callback = this.statusCallback(call).catch(() => null);
      this.inFlight.add(callback);
      void callback.finally(() => this.inFlight.delete(callback));
    }
    return { status: 200, body: this.callResource(call) };
  }

  private listCalls(query: URLSearchParams): Answer {
    const filter = listFilter(query, 'StartTime');
    if ('error' in filter) return filter.error;
    const status = query.get('Status');
    const calls = this.calls.filter((c) => filter.keep(c) && (!status || c.status === status));
    return this.listPage('Calls', 'calls', calls, filter.pageSize, (c) => this.callResource(c));
  }

  /** `GET .../Messages.json`: To, From, DateSent (or DateSent> / DateSent<, whole UTC days), PageSize; newest first. */
  private listMessages(query: URLSearchParams): Answer {
    const filter = listFilter(query, 'DateSent');
    if ('error' in filter) return filter.error;
    return this.listPage('Messages', 'messages', this.messages.filter(filter.keep), filter.pageSize, (m) => this.messageResource(m));
  }

  /** One page of a list, as Twilio answers it (the first: this stand-in never has more than a page's worth). */
  private listPage<T extends { createdAt: number; sid: string }>(
    resource: 'Calls' | 'Messages',
    key: 'calls' | 'messages',
    items: T[],
    pageSize: number,
    render: (item: T) => Record<string, unknown>,
  ): Answer {
    const page = [...items].sort((a, b) => b.createdAt - a.createdAt || (a.sid < b.sid ? 1 : -1)).slice(0, pageSize);
    const uri = `${API}/Accounts/${this.accountSid}/${resource}.json`;
    return {
      status: 200,
      body: {
        [key]: page.map(render),
        page: 0,
        page_size: pageSize,
        start: 0,
        end: Math.max(page.length - 1, 0),
        first_page_uri: `${uri}?PageSize=${pageSize}&Page=0`,
        next_page_uri: null,
        previous_page_uri: null,
        uri: `${uri}?PageSize=${pageSize}&Page=0`,
      },
    };
  }

  private createMessage(params: Record<string, string>): Answer {
    const { To: to, From: from, Body: body, MessagingServiceSid: service, MediaUrl: media, StatusCallback: statusCallback } = params;
    if (!to) return twilioError(400, 21604, "A 'To' phone number is required.");
    if (!from && !service) return twilioError(400, 21603, "A 'From' phone number is required.");
    if (!body && !media) return twilioError(400, 21602, 'Message body is required.');
    if (!E164.test(to)) return twilioError(400, 21211, `Invalid 'To' Phone Number: ${to}`);
    if (from && !E164.test(from)) return twilioError(400, 21212, `Invalid 'From' Phone Number: ${from}`);
    if (body && body.length > 1600) return twilioError(400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
    if (statusCallback && !isAbsoluteHttpUrl(statusCallback))
      return twilioError(400, 21609, `The StatusCallback URL ${statusCallback} is not a valid URL.`);
    const message: StandInMessage = {
      sid: this.nextSid('SM'),
      to,
      from: from ?? '',
      body: body ?? '',
      statusCallback: statusCallback ?? null,
      status: 'queued',
      createdAt: this.now(),
      params,
      receivedAt: performance.now(),
    };
    this.messages.push(message);
    return { status: 201, body: this.messageResource(message) };
  }

  private callResource(call: StandInCall): Record<string, unknown> {
    return {
      sid: call.sid,
      account_sid: this.accountSid,
      to: call.to,
      from: call.from,
      status: call.status,
      direction: 'outbound-api',
      start_time: rfc2822(call.createdAt),
      end_time: call.endedAt === null ? null : rfc2822(call.endedAt),
      duration: call.endedAt === null ? null : String(Math.round((call.endedAt - call.createdAt) / 1000)),
      date_created: rfc2822(call.createdAt),
      date_updated: rfc2822(call.endedAt ?? call.createdAt),
      api_version: '2010-04-01',
      uri: `${API}/Accounts/${this.accountSid}/Calls/${call.sid}.json`,
    };
  }

  private messageResource(message: StandInMessage): Record<string, unknown> {
    return {
      sid: message.sid,
      account_sid: this.accountSid,
      to: message.to,
      from: message.from,
      body: message.body,
      status: message.status,
      direction: 'outbound-api',
      num_segments: String(Math.max(1, Math.ceil(message.body.length / 153))),
      date_created: rfc2822(message.createdAt),
      date_updated: rfc2822(message.createdAt),
      // Sent at once here (Twilio sets it when the carrier takes it).
      date_sent: rfc2822(message.createdAt),
      api_version: '2010-04-01',
      error_code: null,
      error_message: null,
      uri: `${API}/Accounts/${this.accountSid}/Messages/${message.sid}.json`,
    };
  }

  /** Waits until the status callbacks set off by call updates have been answered by the bot. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /**
   * From now on, a call created is recorded at once but its answer (201 and the sid) waits until the returned
   * function is called: a crash test kills the bot between "call requested" and "call recorded".
   */
  holdCallAnswers(): () => void {
    let release!: () => void;
    this.held = new Promise<void>((resolve) => {
      release = resolve;
    });
    return () => {
      release();
      this.held = Promise.resolve();
    };
  }

  /** Lists of calls and messages answer this HTTP status (a 5xx: Twilio cannot be asked) until `null`. */
  failLists(status: number | null): void {
    this.listFault = status === null ? null : twilioError(status, 20500, 'An internal server error has occurred');
  }

  // ---- playing the phone ----

  private call(sid: string): StandInCall {
    const call = this.calls.find((c) => c.sid === sid);
    if (!call) throw new Error(`no call ${sid}`);
    return call;
  }

  /** The last call placed to `to`. */
  lastCallTo(to: string): StandInCall | undefined {
    return this.calls.filter((c) => c.to === to).at(-1);
  }

  /** The last message sent to `to`. */
  lastMessageTo(to: string): StandInMessage | undefined {
    return this.messages.filter((m) => m.to === to).at(-1);
  }

  private callParams(call: StandInCall): Record<string, string> {
    return {
      AccountSid: this.accountSid,
      ApiVersion: '2010-04-01',
      CallSid: call.sid,
      CallStatus: call.status,
      Called: call.to,
      Caller: call.from,
      Direction: 'outbound-api',
      From: call.from,
      To: call.to,
    };
  }

  /** A signed POST to the bot, as Twilio makes it; recorded with the answer. */
  async post(url: string, params: Record<string, string>): Promise<StandInWebhook> {
    const signature = twilioSignature(this.authToken, url, params);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature, 'user-agent': 'TwilioProxy/1.1' },
      body: new URLSearchParams(params).toString(),
    });
    const hook: StandInWebhook = { url, params, signature, status: response.status, body: await response.text() };
    this.webhooks.push(hook);
    return hook;
  }

  /**
   * The person picks up: the call is in progress and its TwiML is fetched from its Url (a signed POST) or read
   * from the inline Twiml. Returns the TwiML.
   */
  async answer(sid: string): Promise<string> {
    const call = this.call(sid);
    if (call.status !== 'queued' && call.status !== 'ringing') throw new Error(`call ${sid} is ${call.status}, it cannot be answered`);
    call.status = 'in-progress';
    if (call.twiml !== null) return call.twiml;
    if (call.url === null) return '<Response/>';
    return (await this.post(call.url, this.callParams(call))).body;
  }

  /**
   * Keys pressed during a <Gather> of `twiml` (what `answer` returned): posted, signed, to the Gather's action
   * (or, without one, the call's Url as Twilio does). Returns the bot's answer.
   */
  async pressDigits(sid: string, digits: string, twiml: string): Promise<StandInWebhook> {
    const call = this.call(sid);
    if (call.status !== 'in-progress') throw new Error(`call ${sid} is ${call.status}: nobody is there to press keys`);
    const gather = twiml.match(/<Gather\b[^>]*>/);
    if (!gather) throw new Error('the TwiML has no <Gather>, so keys pressed go nowhere');
    const action = gather[0].match(/\baction="([^"]*)"/)?.[1]?.replace(/&amp;/g, '&') ?? call.url;
    if (!action) throw new Error('the <Gather> has no action and the call no Url');
    const target = call.url ? new URL(action, call.url).toString() : action;
    return this.post(target, { ...this.callParams(call), Digits: digits, FinishedOnKey: '' });
  }

  /** The call ends as `how` (busy, no-answer and failed before it was answered) and the status callback is posted. */
  async finish(sid: string, how: CallEnd): Promise<StandInWebhook | null> {
    const call = this.call(sid);
    if (['completed', 'busy', 'failed', 'no-answer', 'canceled'].includes(call.status))
      throw new Error(`call ${sid} has already ended (${call.status})`);
    if (how !== 'completed' && call.status === 'in-progress') throw new Error(`call ${sid} was answered: it can only end as completed`);
    call.status = how;
    call.endedAt = this.now();
    return this.statusCallback(call);
  }

  private async statusCallback(call: StandInCall): Promise<StandInWebhook | null> {
    if (!call.statusCallback) return null;
    const duration = call.endedAt === null ? 0 : Math.round((call.endedAt - call.createdAt) / 1000);
    return this.post(call.statusCallback, {
      ...this.callParams(call),
      CallDuration: String(duration),
      Timestamp: rfc2822(call.endedAt ?? this.now()),
    });
  }

  /** The carrier reports on a message: its status becomes `status` and the message's StatusCallback is posted. */
  async report(sid: string, status: Exclude<MessageStatus, 'queued'>): Promise<StandInWebhook | null> {
    const message = this.messages.find((m) => m.sid === sid);
    if (!message) throw new Error(`no message ${sid}`);
    message.status = status;
    if (!message.statusCallback) return null;
    return this.post(message.statusCallback, {
      AccountSid: this.accountSid,
      ApiVersion: '2010-04-01',
      From: message.from,
      MessageSid: message.sid,
      MessageStatus: status,
      SmsSid: message.sid,
      SmsStatus: status,
      To: message.to,
    });
  }

  /** Someone texts the bot's number: the SMS webhook is posted, signed, to `webhookUrl`. */
  incomingSms(webhookUrl: string, from: string, to: string, body: string): Promise<StandInWebhook> {
    const sid = this.nextSid('SM');
    return this.post(webhookUrl, {
      AccountSid: this.accountSid,
      ApiVersion: '2010-04-01',
      Body: body,
      From: from,
      MessageSid: sid,
      NumMedia: '0',
      NumSegments: '1',
      SmsMessageSid: sid,
      SmsSid: sid,
      SmsStatus: 'received',
      To: to,
    });
  }
}
