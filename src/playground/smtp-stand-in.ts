/**
 * A local stand-in for the mail server the bot submits e-mail to (SMTP_URL), built on `smtp-server` (nodemailer's
 * author's SMTP server library) and as strict as a submission server:
 *
 * - AUTH (PLAIN or LOGIN) before MAIL FROM when it has credentials: `530 5.7.0 Authentication required` without,
 *   `535 5.7.8` for a wrong user or password. No TLS (it listens on loopback only), so STARTTLS is not offered.
 * - A message must be RFC 5322: a From and a Date header, header lines in 7-bit ASCII (a non-ASCII subject is
 *   RFC 2047-encoded, as nodemailer does), at most 10 MB; otherwise `554 5.6.0` and nothing is recorded.
 * - `failNext` makes the next messages fail as a real server can: `451 4.7.1` (greylisting, try later), `550 5.1.1`
 *   (no such mailbox), at RCPT TO or after DATA; each failure is used up by one message.
 *
 * Accepted messages are recorded with their envelope and their decoded subject and text (quoted-printable and
 * base64 bodies, encoded-word headers), so a test reads what the person would read.
 */
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { listenOnLoopback, standInNow } from './local-server.js';

export interface StandInMail {
  /** The stand-in's queue id, e.g. Q1. */
  id: string;
  /** The envelope: MAIL FROM and every RCPT TO. */
  from: string;
  to: string[];
  /** Who logged in (null when the stand-in has no credentials). */
  user: string | null;
  /** Every header, lower-cased name to decoded value (the first when repeated). */
  headers: Record<string, string>;
  subject: string;
  /** The plain-text body as the person reads it (line ends as \n, without the last one). */
  text: string;
  receivedAt: number;
}

/** An answer the stand-in gives instead of accepting a message. */
export interface SmtpFailure {
  /** 4xx: try again later; 5xx: refused for good. */
  code: number;
  /** The reply text after the code; default a realistic one (which quotes the recipient, as servers do). */
  message?: string;
  /** When: at RCPT TO (default; greylisting, unknown mailbox) or after the message was sent (DATA). */
  at?: 'rcpt' | 'data';
}

export interface SmtpStandInOptions {
  /** The login it requires; null: none (an open relay on loopback). Default: a made-up user and password. */
  credentials?: { user: string; password: string } | null;
  /** The clock for receivedAt; default a fixed instant. */
  now?: () => number;
}

const MAX_SIZE = 10 * 1024 * 1024;

class SmtpReply extends Error {
  constructor(
    readonly responseCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** What a real server says (Postfix's words); at RCPT it quotes the recipient, as servers do. */
function defaultText(failure: SmtpFailure, to: string | null): string {
  if (to !== null && failure.code === 451) return `4.7.1 <${to}>: Recipient address rejected: Greylisted, try again later`;
  if (to !== null && failure.code === 550) return `5.1.1 <${to}>: Recipient address rejected: User unknown in virtual mailbox table`;
  return failure.code < 500 ? '4.3.0 Temporary failure, try again later' : '5.7.1 Message rejected';
}

export class SmtpStandIn {
  readonly credentials: { user: string; password: string } | null;
  /** Every accepted message, in order. */
  readonly messages: StandInMail[] = [];
  /** The refusals it chose, in order: `AUTH -> 535`, `RCPT -> 451`, `DATA -> 554` (smtp-server's own 530 before AUTH is not listed). */
  readonly refusals: string[] = [];
  /** SMTP_URL for the bot: smtp://user:password@127.0.0.1:<port>. */
  url = '';
  port = 0;
  private server: SMTPServer | null = null;
  private readonly failures: SmtpFailure[] = [];
  private seq = 0;
  private readonly now: () => number;

  constructor(options: SmtpStandInOptions = {}) {
    this.credentials =
      options.credentials === undefined ? { user: 'oncall-bot', password: 'standin-smtp-password-0123' } : options.credentials;
    this.now = options.now ?? standInNow;
  }

  async start(): Promise<this> {
    const server = new SMTPServer({
      name: 'smtp.stand-in.invalid',
      logger: false,
      // Loopback only: no TLS, so no STARTTLS (a client would meet smtp-server's built-in test certificate).
      disabledCommands: this.credentials ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
      allowInsecureAuth: true,
      authOptional: this.credentials === null,
      authMethods: ['PLAIN', 'LOGIN'],
      // Answered by smtp-server itself to MAIL, RCPT or DATA before AUTH.
      authRequiredMessage: '5.7.0 Authentication required',
      size: MAX_SIZE,
      closeTimeout: 100,
      // No reverse DNS of the client: a stand-in never asks the network anything.
      disableReverseLookup: true,
      onAuth: (auth, _session, callback) => {
        const c = this.credentials;
        if (c && auth.username === c.user && auth.password === c.password) return callback(null, { user: auth.username });
        this.refusals.push('AUTH -> 535');
        callback(new SmtpReply(535, '5.7.8 Authentication credentials invalid'));
      },
      onRcptTo: (address, _session, callback) => {
        const failure = this.failures[0];
        if (failure && (failure.at ?? 'rcpt') === 'rcpt') {
          this.failures.shift();
          this.refusals.push(`RCPT -> ${failure.code}`);
          return callback(new SmtpReply(failure.code, failure.message ?? defaultText(failure, address.address)));
        }
        callback();
      },
      onData: (stream, session, callback) => {
        void this.receive(stream, session).then(
          () => callback(),
          (error: unknown) => {
            const reply = error instanceof SmtpReply ? error : new SmtpReply(451, '4.3.0 Internal error');
            this.refusals.push(`DATA -> ${reply.responseCode}`);
            callback(reply);
          },
        );
      },
    });
    this.port = await listenOnLoopback(server.server);
    this.server = server;
    const login = this.credentials ? `${encodeURIComponent(this.credentials.user)}:${encodeURIComponent(this.credentials.password)}@` : '';
    this.url = `smtp://${login}127.0.0.1:${this.port}`;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The next message (or the next `times`) fails with this reply instead of being accepted. */
  failNext(failure: SmtpFailure, times = 1): void {
    for (let i = 0; i < times; i += 1) this.failures.push(failure);
  }

  messagesTo(address: string): StandInMail[] {
    return this.messages.filter((m) => m.to.some((to) => to.toLowerCase() === address.toLowerCase()));
  }

  lastMessageTo(address: string): StandInMail | undefined {
    return this.messagesTo(address).at(-1);
  }

  private async receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    if (stream.sizeExceeded) throw new SmtpReply(552, `5.3.4 Message exceeds the fixed maximum message size of ${MAX_SIZE} bytes`);
    const failure = this.failures[0];
    if (failure?.at === 'data') {
      this.failures.shift();
      throw new SmtpReply(failure.code, failure.message ?? defaultText(failure, null));
    }
    const read = readMessage(Buffer.concat(chunks));
    if ('error' in read) throw new SmtpReply(554, `5.6.0 ${read.error}`);
    const envelopeFrom = session.envelope.mailFrom;
    this.seq += 1;
    this.messages.push({
      id: `Q${this.seq}`,
      from: envelopeFrom ? envelopeFrom.address : '',
      to: session.envelope.rcptTo.map((r) => r.address),
      user: typeof session.user === 'string' ? session.user : null,
      headers: read.headers,
      subject: read.headers.subject ?? '',
      text: read.text,
      receivedAt: this.now(),
    });
  }
}

/**
 * A message as a person reads it: its headers (unfolded, encoded words decoded) and its plain-text body
 * (transfer encoding and charset undone; the first text/plain part of a multipart one). Refuses what a strict
 * server refuses: no From or Date, raw 8-bit bytes in a header.
 */
export function readMessage(raw: Buffer): { headers: Record<string, string>; text: string } | { error: string } {
  const split = splitHead(raw.toString('latin1'));
  if ([...split.head].some((c) => c.charCodeAt(0) > 0x7f))
    return { error: 'Header lines must be 7-bit ASCII: encode other characters (RFC 2047)' };
  const headers = parseHeaders(split.head);
  for (const name of ['from', 'date'])
    if (!headers[name]) return { error: `The message has no ${name === 'from' ? 'From' : 'Date'} header (RFC 5322 requires it)` };
  return { headers, text: bodyText(headers, split.body) };
}

/** Head and body of a message or MIME part, split at the first empty line; latin1 keeps every byte as one char. */
function splitHead(message: string): { head: string; body: string } {
  const at = message.search(/\r?\n\r?\n/);
  if (at < 0) return { head: message, body: '' };
  const gap = /\r?\n\r?\n/.exec(message.slice(at))![0].length;
  return { head: message.slice(0, at), body: message.slice(at + gap) };
}

function parseHeaders(head: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n(?=[ \t])/g, '').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!(name in headers)) headers[name] = decodeWords(line.slice(colon + 1).trim());
  }
  return headers;
}

function charsetText(bytes: Uint8Array, charset: string): string {
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

/** Quoted-printable (RFC 2045) to bytes: soft line breaks joined, =XX undone. */
function quotedPrintable(text: string): Uint8Array {
  const joined = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i += 1) {
    const hex = joined.slice(i + 1, i + 3);
    if (joined[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(joined.charCodeAt(i) & 0xff);
  }
  return Uint8Array.from(bytes);
}

/** RFC 2047 encoded words (`=?UTF-8?Q?...?=`, `=?UTF-8?B?...?=`); the space between two of them is not text. */
function decodeWords(value: string): string {
  return value
    .replace(/(\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_all, charset: string, encoding: string, data: string) => {
      const bytes =
        encoding.toUpperCase() === 'B' ? Uint8Array.from(Buffer.from(data, 'base64')) : quotedPrintable(data.replace(/_/g, ' '));
      return charsetText(bytes, charset);
    });
}

function param(header: string | undefined, name: string): string | undefined {
  const match = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(header ?? '');
  return match ? (match[1] ?? match[2]) : undefined;
}

function bodyText(headers: Record<string, string>, body: string): string {
  const type = (headers['content-type'] ?? 'text/plain').toLowerCase();
  if (type.startsWith('multipart/')) {
    const boundary = param(headers['content-type'], 'boundary');
    if (!boundary) return '';
    for (const part of body.split(`--${boundary}`).slice(1)) {
      if (part.startsWith('--')) break;
      const inner = splitHead(part.replace(/^\r?\n/, ''));
      const partHeaders = parseHeaders(inner.head);
      const partType = (partHeaders['content-type'] ?? 'text/plain').toLowerCase();
      if (partType.startsWith('text/plain') || partType.startsWith('multipart/'))
        return bodyText(partHeaders, inner.body.replace(/\r?\n$/, ''));
    }
    return '';
  }
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  const bytes =
    encoding === 'quoted-printable'
      ? quotedPrintable(body)
      : encoding === 'base64'
        ? Uint8Array.from(Buffer.from(body.replace(/\s+/g, ''), 'base64'))
        : Uint8Array.from(Buffer.from(body, 'latin1'));
  return charsetText(bytes, param(headers['content-type'], 'charset') ?? 'utf-8')
    .replace(/\r\n/g, '\n')
    .replace(/\n$/, '');
}
