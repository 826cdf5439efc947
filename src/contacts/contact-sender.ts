/**
 * Sending one message through a contact method: an SMS or a call through a Twilio-compatible REST API, a push
 * through ntfy (plain fetch: the ntfy npm client needs Node 21), an e-mail through SMTP (nodemailer). The app
 * injects a ContactSender, so tests and the playground point it at the stand-ins and the paging step can reuse
 * it (or wrap it in the outbox).
 *
 * Verification codes are sent directly, not through the outbox: the outbox keeps each call's arguments in the
 * database after sending, and a code must never be stored in clear. A failure comes back as a reason that
 * names the provider and its error code, never the number, topic or address.
 */
import { createTransport } from 'nodemailer';
import type { Env } from '../config/env.js';
import { escapeMarkup } from '../http/replies.js';
import { instantToWallTime } from '../time/zoned.js';
import type { ContactKind } from './contact-rules.js';

export interface ContactMessage {
  kind: ContactKind;
  /** E.164 number, ntfy topic or e-mail address. */
  to: string;
  title: string;
  text: string;
  /** For a call: what is read out (TwiML is built from it). Default: `text`. */
  spoken?: string;
  /** For a call: where Twilio fetches its TwiML instead (`PUBLIC_URL/twilio/voice?...`), and where it reports how it ended. */
  url?: string;
  statusCallback?: string;
  /** For a push: ntfy's priority (1-5; 5 sounds through Do Not Disturb on Android), tags, click link and actions (short form). */
  priority?: number;
  tags?: string[];
  click?: string;
  actions?: string;
}

/** A failure says whether trying again later may help (a provider's 5xx, 429 or timeout) or not (a 4xx). */
export type SendResult = { ok: true; id: string } | { ok: false; reason: string; transient?: boolean };

/** A call or text the provider lists as sent to a number, or a push a topic holds. */
export interface RecentSend {
  /** Twilio's sid, ntfy's message id. */
  id: string;
  /** Epoch ms, at the provider's resolution (Twilio's dates are whole seconds). */
  createdAt: number;
  /** A text's body or a push's message; absent for a call (Twilio does not list a call's Url). */
  text?: string;
}

export interface ContactSender {
  /** Whether this bot can send through `kind` at all (Twilio configured, SMTP configured...). */
  canSend(kind: ContactKind): boolean;
  send(message: ContactMessage): Promise<SendResult>;
  /** Ends a call placed earlier (ringing or in progress) by the provider's call sid: Twilio's `Status=completed`. */
  endCall?(sid: string): Promise<SendResult>;
  /**
   * What was sent to `to` through `kind` since about `since` (newest first), for a restart that must tell
   * whether an interrupted send went out. Throws when the provider cannot be asked; null: `kind` has no lookup.
   */
  recent?(kind: ContactKind, to: string, since: number): Promise<RecentSend[] | null>;
}

export interface ProviderConfig {
  twilio: { apiUrl: string; accountSid: string; authToken: string; from: string } | null;
  ntfy: { url: string; token: string | null };
  /** SMTP_URL (smtp[s]://user:password@host:port) and SMTP_FROM. */
  smtp: { url: string; from: string } | null;
  /** Injected for tests; default the global fetch. */
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export function providerConfig(env: Env): ProviderConfig {
  const twilio =
    env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN && env.TWILIO_FROM_NUMBER
      ? { apiUrl: env.TWILIO_API_URL, accountSid: env.TWILIO_ACCOUNT_SID, authToken: env.TWILIO_AUTH_TOKEN, from: env.TWILIO_FROM_NUMBER }
      : null;
  const smtp = env.SMTP_URL && env.SMTP_FROM ? { url: env.SMTP_URL, from: env.SMTP_FROM } : null;
  return { twilio, ntfy: { url: env.NTFY_URL, token: env.NTFY_TOKEN ?? null }, smtp };
}

/** A header value as ntfy reads it: plain when it is printable ASCII, else RFC 2047 (=?UTF-8?B?...?=). */
function headerText(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

const xml = escapeMarkup;

/** Twilio and ntfy both answer errors as JSON with a numeric `code`; only the code is kept (the message may quote the number). */
async function refusal(provider: string, response: Response): Promise<SendResult> {
  let code: unknown;
  try {
    code = ((await response.json()) as { code?: unknown }).code;
  } catch {
    code = undefined;
  }
  const transient = response.status >= 500 || response.status === 429 || response.status === 408;
  return {
    ok: false,
    transient,
    reason: `${provider} refused it (HTTP ${response.status}${typeof code === 'number' ? `, error ${code}` : ''})`,
  };
}

/** What nodemailer's errors carry that may be kept: the SMTP reply code, its text (read for the enhanced code only), nodemailer's code. */
export interface SmtpError {
  responseCode?: unknown;
  response?: unknown;
  code?: unknown;
}

/**
 * Nodemailer's codes for a failure no retry can fix: the settings, the login or the message itself is wrong.
 * Any other (ECONNECTION, ETIMEDOUT, ESOCKET, EDNS, EPROTOCOL...): the server or the way to it was away.
 */
const SMTP_PERMANENT_CODES = new Set([
  'ETLS',
  'EREQUIRETLS',
  'EENVELOPE',
  'EMESSAGE',
  'EAUTH',
  'ENOAUTH',
  'EOAUTH2',
  'ECONFIG',
  'EMAXRECIPIENTS',
  'EFILEACCESS',
  'EURLACCESS',
]);

/**
 * A failed e-mail as a SendResult, pure. The server's reply decides when there is one (RFC 5321: 4xx is "try
 * again later", 5xx "no"); without one, nodemailer's code (a connection that failed is transient, a refused login
 * or TLS setup is not). The reason keeps the reply code, its enhanced status code and nodemailer's code only:
 * a server's reply text often quotes the recipient ("550 5.1.1 <alice@example.com>: user unknown").
 *
 *   { responseCode: 451, response: '451 4.7.1 Greylisted' } -> transient, 'the mail server deferred it (SMTP 451 4.7.1)'
 *   { responseCode: 550, response: '550 5.1.1 <a@b.c> ...' } -> permanent, 'the mail server refused it (SMTP 550 5.1.1)'
 *   { code: 'ECONNECTION' }                                   -> transient, 'could not reach the mail server (ECONNECTION)'
 */
export function smtpFailure(error: SmtpError): SendResult & { ok: false } {
  const code = typeof error.code === 'string' && /^E[A-Z0-9]{2,20}$/.test(error.code) ? error.code : null;
  const reply = typeof error.responseCode === 'number' && error.responseCode >= 400 && error.responseCode < 600 ? error.responseCode : null;
  if (reply !== null) {
    const enhanced =
      typeof error.response === 'string' ? /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})(?:\s|$)/.exec(error.response)?.[1] : undefined;
    const smtp = `SMTP ${reply}${enhanced ? ` ${enhanced}` : ''}`;
    if (reply < 500) return { ok: false, transient: true, reason: `the mail server deferred it (${smtp})` };
    if (code === 'EAUTH') return { ok: false, transient: false, reason: `the mail server refused the login in SMTP_URL (${smtp})` };
    if (code === 'ETLS') return { ok: false, transient: false, reason: `the mail server would not start TLS (${smtp})` };
    return { ok: false, transient: false, reason: `the mail server refused it (${smtp})` };
  }
  if (code !== null && SMTP_PERMANENT_CODES.has(code))
    return { ok: false, transient: false, reason: `could not send the e-mail (${code})` };
  // A connection that failed, or nothing known: tried again, as a Slack call with a network error is.
  return { ok: false, transient: true, reason: `could not reach the mail server (${code ?? 'error'})` };
}

/** This machine: 127.0.0.0/8, ::1, localhost. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Nodemailer's SMTP transport for SMTP_URL. One connection per message (no pool: pages are few), within the
 * same time limit as the HTTP providers. smtp:// must upgrade with STARTTLS before the password is sent, except
 * to this machine (a local relay, the stand-in); `?requireTLS=false` in the URL says otherwise. Nodemailer logs
 * nothing (its lines would carry the addresses); file and URL attachments are off.
 */
export function smtpTransportOptions(url: string, timeoutMs: number) {
  let hostname = '';
  try {
    hostname = new URL(url).hostname;
  } catch {
    // parseEnv checked it; an unreadable URL is left to nodemailer, which fails it as a configuration error.
  }
  return {
    url,
    requireTLS: !isLoopbackHost(hostname),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    logger: false,
    debug: false,
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

export function providerSender(config: ProviderConfig): ContactSender {
  const doFetch = config.fetch ?? fetch;
  const timeout = config.timeoutMs ?? 10_000;
  const post = (url: string, init: RequestInit) => doFetch(url, { method: 'POST', ...init, signal: AbortSignal.timeout(timeout) });

  const basic = (t: NonNullable<ProviderConfig['twilio']>) => `Basic ${Buffer.from(`${t.accountSid}:${t.authToken}`).toString('base64')}`;

  /** `resource`: Messages or Calls to create one, `Calls/<sid>` to update a call. */
  async function twilio(resource: 'Messages' | 'Calls' | `Calls/${string}`, params: Record<string, string>): Promise<SendResult> {
    const t = config.twilio!;
    const url = `${t.apiUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${t.accountSid}/${resource}.json`;
    let response: Response;
    try {
      response = await post(url, {
        headers: {
          authorization: basic(t),
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams(resource.includes('/') ? params : { From: t.from, ...params }).toString(),
      });
    } catch (error) {
      return { ok: false, transient: true, reason: `could not reach Twilio (${error instanceof Error ? error.name : 'error'})` };
    }
    if (!response.ok) return refusal('Twilio', response);
    const sid = ((await response.json().catch(() => ({}))) as { sid?: unknown }).sid;
    return { ok: true, id: typeof sid === 'string' ? sid : '' };
  }

  const day = (ms: number) => {
    const { year, month, day: d } = instantToWallTime('UTC', ms);
    return `${year}-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  };

  /** JSON.parse's own error quotes the text (which may hold a number or topic): this one names the provider only. */
  const parseJson = (provider: string, text: string): Record<string, unknown> => {
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value === 'object' && value !== null) return value as Record<string, unknown>;
    } catch {
      // answered below
    }
    throw new Error(`${provider} answered the lookup with something that is not a JSON object`);
  };

  async function getJson(provider: string, url: string, headers: Record<string, string>): Promise<string> {
    let response: Response;
    try {
      response = await doFetch(url, { headers, signal: AbortSignal.timeout(timeout) });
    } catch (error) {
      // The error's name only: fetch's message can quote the URL, which holds the number or topic.
      throw new Error(`could not reach ${provider} for the lookup (${error instanceof Error ? error.name : 'error'})`);
    }
    // The status only: an error body may quote the number or topic.
    if (!response.ok) throw new Error(`${provider} refused the lookup (HTTP ${response.status})`);
    return response.text();
  }

  /**
   * Twilio's list of calls (`StartTime>=`) or messages (`DateSent>=`) to the number from the bot's own number,
   * since the day of `since` (Twilio filters by whole days in UTC), newest first.
   */
  async function twilioRecent(resource: 'Calls' | 'Messages', to: string, since: number): Promise<RecentSend[]> {
    const t = config.twilio!;
    const dateFilter = resource === 'Calls' ? 'StartTime>' : 'DateSent>';
    const query = new URLSearchParams({ To: to, From: t.from, [dateFilter]: day(since), PageSize: '50' });
    const url = `${t.apiUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${t.accountSid}/${resource}.json?${query}`;
    const body = parseJson('Twilio', await getJson('Twilio', url, { authorization: basic(t) }));
    const list = body[resource === 'Calls' ? 'calls' : 'messages'];
    if (!Array.isArray(list)) throw new Error(`Twilio's ${resource} list has no ${resource.toLowerCase()}`);
    return list.flatMap((item: Record<string, unknown>) => {
      const createdAt = typeof item.date_created === 'string' ? Date.parse(item.date_created) : Number.NaN;
      if (typeof item.sid !== 'string' || Number.isNaN(createdAt)) return [];
      return [{ id: item.sid, createdAt, ...(typeof item.body === 'string' ? { text: item.body } : {}) }];
    });
  }

  /** The topic's cached messages since `since` (`GET /<topic>/json?poll=1&since=<unix seconds>`). */
  async function ntfyRecent(topic: string, since: number): Promise<RecentSend[]> {
    const headers: Record<string, string> = config.ntfy.token ? { authorization: `Bearer ${config.ntfy.token}` } : {};
    const url = `${config.ntfy.url.replace(/\/+$/, '')}/${encodeURIComponent(topic)}/json?poll=1&since=${Math.floor(since / 1000)}`;
    const lines = (await getJson('ntfy', url, headers)).split('\n').filter((l) => l.trim() !== '');
    return lines
      .map((line) => parseJson('ntfy', line))
      .filter((m) => m.event === 'message' && typeof m.id === 'string' && typeof m.time === 'number')
      .map((m) => ({ id: m.id as string, createdAt: (m.time as number) * 1000, text: typeof m.message === 'string' ? m.message : '' }))
      .reverse();
  }

  async function ntfy(message: ContactMessage): Promise<SendResult> {
    const headers: Record<string, string> = {
      'content-type': 'text/plain; charset=utf-8',
      // Header values are Latin-1 on the wire: a title with other characters is sent RFC 2047-encoded, as ntfy reads it.
      title: headerText(message.title),
      priority: message.priority !== undefined ? String(message.priority) : 'default',
      tags: (message.tags ?? ['key']).join(','),
    };
    if (message.click) headers.click = message.click;
    if (message.actions) headers.actions = headerText(message.actions);
    if (config.ntfy.token) headers.authorization = `Bearer ${config.ntfy.token}`;
    let response: Response;
    try {
      response = await post(`${config.ntfy.url.replace(/\/+$/, '')}/${encodeURIComponent(message.to)}`, { headers, body: message.text });
    } catch (error) {
      return { ok: false, transient: true, reason: `could not reach ntfy (${error instanceof Error ? error.name : 'error'})` };
    }
    if (!response.ok) return refusal('ntfy', response);
    const id = ((await response.json().catch(() => ({}))) as { id?: unknown }).id;
    return { ok: true, id: typeof id === 'string' ? id : '' };
  }

  const mailer = config.smtp ? createTransport(smtpTransportOptions(config.smtp.url, timeout)) : null;

  async function email(message: ContactMessage): Promise<SendResult> {
    if (!mailer || !config.smtp) return { ok: false, reason: 'e-mail is not set up on this bot (SMTP_URL and SMTP_FROM)' };
    try {
      const info = await mailer.sendMail({
        from: config.smtp.from,
        to: message.to,
        subject: message.title,
        text: message.text,
        // An automatic message (RFC 3834): out-of-office replies are not sent back to it.
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
      return { ok: true, id: typeof info.messageId === 'string' ? info.messageId : '' };
    } catch (error) {
      return smtpFailure(typeof error === 'object' && error !== null ? (error as SmtpError) : {});
    }
  }

  return {
    async recent(kind, to, since) {
      if ((kind === 'voice' || kind === 'sms') && config.twilio) return twilioRecent(kind === 'voice' ? 'Calls' : 'Messages', to, since);
      if (kind === 'push') return ntfyRecent(to, since);
      return null;
    },
    canSend: (kind) =>
      kind === 'sms' || kind === 'voice' ? config.twilio !== null : kind === 'email' ? config.smtp !== null : kind === 'push',
    async send(message) {
      switch (message.kind) {
        case 'sms':
          if (!config.twilio) return { ok: false, reason: 'text messages are not set up on this bot (TWILIO_* variables)' };
          return twilio('Messages', { To: message.to, Body: message.text });
        case 'voice': {
          if (!config.twilio) return { ok: false, reason: 'calls are not set up on this bot (TWILIO_* variables)' };
          const callback: Record<string, string> = message.statusCallback
            ? { StatusCallback: message.statusCallback, StatusCallbackEvent: 'completed' }
            : {};
          if (message.url) return twilio('Calls', { To: message.to, Url: message.url, ...callback });
          const say = xml(message.spoken ?? message.text);
          return twilio('Calls', { To: message.to, Twiml: `<Response><Say>${say}</Say><Pause length="1"/><Say>${say}</Say></Response>` });
        }
        case 'push':
          return ntfy(message);
        case 'email':
          return email(message);
      }
    },
    // Ending a call: a call already over is left as it is by Twilio (200); an unknown sid is its 404, refused for good.
    async endCall(sid) {
      if (!config.twilio) return { ok: false, reason: 'calls are not set up on this bot (TWILIO_* variables)' };
      if (!/^[A-Za-z0-9]{2,64}$/.test(sid)) return { ok: false, reason: 'not a call sid' };
      return twilio(`Calls/${sid}`, { Status: 'completed' });
    },
  };
}
