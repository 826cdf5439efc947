/**
 * The SMTP stand-in, driven by the bot's own sender (nodemailer through providerSender): what it records, how
 * strict it is about logging in and about the message, and the failures it can be told to give, as the sender
 * maps them (4xx and a lost connection: try again later; 5xx: refused for good; the address in no reason).
 */
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/env.js';
import { providerConfig, providerSender, type ContactSender } from '../../src/contacts/contact-sender.js';
import { readMessage, SmtpStandIn } from '../../src/playground/smtp-stand-in.js';

const TO = 'alice@example.com';
const FROM = 'On-call bot <oncall@example.org>';

let smtp: SmtpStandIn;
afterEach(async () => {
  await smtp?.stop();
});

function senderFor(url: string): ContactSender {
  return providerSender(providerConfig(parseEnv({ SLACK_BOT_TOKEN: 'xoxb-x', SLACK_SIGNING_SECRET: 's', SMTP_URL: url, SMTP_FROM: FROM })));
}

const mail = (text = 'Page #3 (backend) is not acknowledged.') => ({ kind: 'email' as const, to: TO, title: '[P0] checkout down', text });

/** One SMTP session by hand: each line sent after the previous reply; the replies. */
async function session(port: number, lines: string[]): Promise<string[]> {
  const socket = connect(port, '127.0.0.1');
  const replies: string[] = [];
  let buffer = '';
  let waiting: (() => void) | null = null;
  socket.on('data', (chunk) => {
    buffer += chunk.toString('utf8');
    // A reply is complete at a line "NNN text" (a "NNN-" line continues it).
    const done = /(?:^|\r\n)(\d{3}) [^\r\n]*\r\n$/.exec(buffer);
    if (done) {
      replies.push(buffer.trim());
      buffer = '';
      waiting?.();
    }
  });
  const reply = () => new Promise<void>((resolve) => (waiting = resolve));
  await reply();
  for (const line of lines) {
    const next = reply();
    socket.write(`${line}\r\n`);
    await next;
  }
  socket.end();
  return replies;
}

describe('SMTP stand-in: what the bot sends is what the person reads', () => {
  it('records envelope, login, subject and text; non-ASCII and long lines survive the encodings', async () => {
    smtp = await new SmtpStandIn({ now: () => 42 }).start();
    const sender = senderFor(smtp.url);
    expect(sender.canSend('email')).toBe(true);
    const link = `http://localhost:3000/ack/v1.3.U0ALICE.${'x'.repeat(120)}`;
    const text = `[P0] paiement en panne — café: page #3 is not acknowledged. Acknowledge: ${link}`;
    const sent = await sender.send({ ...mail(text), title: '[P0] paiement en panne — café ☕' });
    expect(sent).toMatchObject({ ok: true, id: expect.stringMatching(/^<.+@example\.org>$/) });
    expect(smtp.messages).toHaveLength(1);
    const got = smtp.messages[0]!;
    expect(got).toMatchObject({
      from: 'oncall@example.org',
      to: [TO],
      user: 'oncall-bot',
      subject: '[P0] paiement en panne — café ☕',
      receivedAt: 42,
    });
    expect(got.text).toBe(text);
    expect(got.headers.from).toBe('"On-call bot" <oncall@example.org>');
    expect(got.headers['auto-submitted']).toBe('auto-generated');
    expect(smtp.lastMessageTo('ALICE@example.com')).toBe(got);
  });

  it('no SMTP_URL: the sender cannot send e-mail and says what to set', async () => {
    const sender = providerSender(providerConfig(parseEnv({ SLACK_BOT_TOKEN: 'xoxb-x', SLACK_SIGNING_SECRET: 's' })));
    expect(sender.canSend('email')).toBe(false);
    expect(await sender.send(mail())).toEqual({ ok: false, reason: 'e-mail is not set up on this bot (SMTP_URL and SMTP_FROM)' });
  });
});

describe('SMTP stand-in: strict as a submission server', () => {
  it('a wrong password is 535, refused for good with a hint; no login at all is 530; nothing is recorded', async () => {
    smtp = await new SmtpStandIn().start();
    const wrong = await senderFor(smtp.url.replace('standin-smtp-password-0123', 'not-the-password')).send(mail());
    expect(wrong).toEqual({ ok: false, transient: false, reason: 'the mail server refused the login in SMTP_URL (SMTP 535 5.7.8)' });
    const anonymous = await senderFor(`smtp://127.0.0.1:${smtp.port}`).send(mail());
    expect(anonymous).toEqual({ ok: false, transient: false, reason: 'the mail server refused it (SMTP 530 5.7.0)' });
    expect(smtp.messages).toEqual([]);
    expect(smtp.refusals).toEqual(['AUTH -> 535']);
  });

  it('a user and password with @ / : in them, percent-encoded in SMTP_URL as the README says, log in', async () => {
    smtp = await new SmtpStandIn({ credentials: { user: 'oncall@example.org', password: 'p@ss/wo:rd%1' } }).start();
    expect(smtp.url).toContain('oncall%40example.org:p%40ss%2Fwo%3Ard%251@');
    expect(await senderFor(smtp.url).send(mail())).toMatchObject({ ok: true });
    expect(smtp.messages[0]).toMatchObject({ user: 'oncall@example.org' });
  });

  it('a server that offers no STARTTLS where the URL asks for it: refused for good before the password is sent', async () => {
    smtp = await new SmtpStandIn().start();
    expect(await senderFor(`${smtp.url}?requireTLS=true`).send(mail())).toEqual({
      ok: false,
      transient: false,
      reason: 'the mail server would not start TLS (SMTP 500)',
    });
    expect(smtp.refusals).toEqual([]);
    expect(smtp.messages).toEqual([]);
  });

  it('without credentials it asks for no login', async () => {
    smtp = await new SmtpStandIn({ credentials: null }).start();
    expect(smtp.url).toBe(`smtp://127.0.0.1:${smtp.port}`);
    expect(await senderFor(smtp.url).send(mail())).toMatchObject({ ok: true });
    expect(smtp.messages[0]).toMatchObject({ user: null, to: [TO] });
  });

  it('a message without a Date header, or with raw 8-bit bytes in a header, is refused with 554 5.6.0', async () => {
    smtp = await new SmtpStandIn({ credentials: null }).start();
    const envelope = ['EHLO test.invalid', 'MAIL FROM:<oncall@example.org>', `RCPT TO:<${TO}>`, 'DATA'];
    const noDate = await session(smtp.port, [...envelope, 'From: oncall@example.org\r\nSubject: hi\r\n\r\nbody\r\n.', 'QUIT']);
    expect(noDate.at(-2)).toMatch(/^554 5\.6\.0 The message has no Date header/);
    const raw8bit = await session(smtp.port, [
      ...envelope,
      'From: oncall@example.org\r\nDate: Mon, 5 Jan 2026 09:00:00 +0000\r\nSubject: café\r\n\r\nbody\r\n.',
      'QUIT',
    ]);
    expect(raw8bit.at(-2)).toMatch(/^554 5\.6\.0 Header lines must be 7-bit ASCII/);
    expect(smtp.messages).toEqual([]);
    const fine = await session(smtp.port, [
      ...envelope,
      'From: oncall@example.org\r\nDate: Mon, 5 Jan 2026 09:00:00 +0000\r\nSubject: =?UTF-8?Q?caf=C3=A9?=\r\n\r\nbody\r\n.',
      'QUIT',
    ]);
    expect(fine.at(-2)).toMatch(/^250 /);
    expect(smtp.messages[0]).toMatchObject({ subject: 'café', text: 'body' });
  });
});

describe('SMTP stand-in: failures it can be told to give, as the sender reads them', () => {
  it('451 at RCPT (greylisting): try again later; the next message goes through', async () => {
    smtp = await new SmtpStandIn().start();
    const sender = senderFor(smtp.url);
    smtp.failNext({ code: 451 });
    const deferred = await sender.send(mail());
    expect(deferred).toEqual({ ok: false, transient: true, reason: 'the mail server deferred it (SMTP 451 4.7.1)' });
    expect(await sender.send(mail())).toMatchObject({ ok: true });
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.refusals).toEqual(['RCPT -> 451']);
  });

  it("550 at RCPT (no such mailbox) is refused for good; the server's reply quotes the address, the reason does not", async () => {
    smtp = await new SmtpStandIn().start();
    smtp.failNext({ code: 550 }, 2);
    const sender = senderFor(smtp.url);
    for (let i = 0; i < 2; i += 1) {
      const refused = await sender.send(mail());
      expect(refused).toEqual({ ok: false, transient: false, reason: 'the mail server refused it (SMTP 550 5.1.1)' });
      expect(JSON.stringify(refused)).not.toContain('alice');
    }
    expect(await sender.send(mail())).toMatchObject({ ok: true });
  });

  it('after DATA: 451 is temporary, 554 is refused for good', async () => {
    smtp = await new SmtpStandIn().start();
    const sender = senderFor(smtp.url);
    smtp.failNext({ code: 451, at: 'data' });
    smtp.failNext({ code: 554, at: 'data', message: '5.7.1 Message rejected as spam' });
    expect(await sender.send(mail())).toEqual({ ok: false, transient: true, reason: 'the mail server deferred it (SMTP 451 4.3.0)' });
    expect(await sender.send(mail())).toEqual({ ok: false, transient: false, reason: 'the mail server refused it (SMTP 554 5.7.1)' });
    expect(smtp.refusals).toEqual(['DATA -> 451', 'DATA -> 554']);
    expect(smtp.messages).toEqual([]);
  });

  it('a mail server that is not there: try again later', async () => {
    smtp = await new SmtpStandIn().start();
    const sender = senderFor(smtp.url);
    await smtp.stop();
    const result = await sender.send(mail());
    expect(result).toMatchObject({
      ok: false,
      transient: true,
      reason: expect.stringMatching(/^could not reach the mail server \(E[A-Z]+\)$/),
    });
  });
});

describe('readMessage: the body and headers as a person reads them', () => {
  const head = 'From: a@example.org\r\nDate: Mon, 5 Jan 2026 09:00:00 +0000\r\n';
  it.each([
    ['7bit', `${head}Subject: plain\r\n\r\nhello\r\nworld`, 'plain', 'hello\nworld'],
    [
      'quoted-printable with a soft break',
      `${head}Subject: =?UTF-8?Q?a_b?= =?UTF-8?B?w6k=?=\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\ncaf=C3=A9 and a lo=\r\nng line`,
      'a bé',
      'café and a long line',
    ],
    [
      'base64, latin-1',
      `${head}Subject: x\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: base64\r\n\r\nY2Fm6Q==`,
      'x',
      'café',
    ],
    [
      'multipart: the text/plain part',
      `${head}Subject: m\r\nContent-Type: multipart/alternative; boundary="b1"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nthe text\r\n--b1\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n--b1--`,
      'm',
      'the text',
    ],
  ])('%s', (_name, raw, subject, text) => {
    const read = readMessage(Buffer.from(raw, 'latin1'));
    expect(read).toMatchObject({ headers: { subject }, text });
  });

  it.each([
    ['no From', 'Date: Mon, 5 Jan 2026 09:00:00 +0000\r\n\r\nx', /no From header/],
    ['no Date', 'From: a@example.org\r\n\r\nx', /no Date header/],
  ])('%s is refused', (_name, raw, error) => {
    expect(readMessage(Buffer.from(raw))).toEqual({ error: expect.stringMatching(error) });
  });
});
