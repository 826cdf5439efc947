import { describe, expect, it } from 'vitest';
import { smtpFailure, smtpTransportOptions, type SmtpError } from '../../src/contacts/contact-sender.js';

describe('smtpFailure: a failed e-mail, try again later or not, and a reason without the address', () => {
  it.each<[string, SmtpError, boolean, string]>([
    [
      'greylisted at RCPT',
      { code: 'EENVELOPE', responseCode: 451, response: '451 4.7.1 <a@b.c>: Greylisted' },
      true,
      'the mail server deferred it (SMTP 451 4.7.1)',
    ],
    [
      'server busy, closing',
      { code: 'ECONNECTION', responseCode: 421, response: '421 Service not available' },
      true,
      'the mail server deferred it (SMTP 421)',
    ],
    [
      'mailbox full (452)',
      { code: 'EENVELOPE', responseCode: 452, response: '452-4.2.2 The mailbox is full' },
      true,
      'the mail server deferred it (SMTP 452 4.2.2)',
    ],
    [
      'no such mailbox',
      { code: 'EENVELOPE', responseCode: 550, response: '550 5.1.1 <alice@example.com>: User unknown' },
      false,
      'the mail server refused it (SMTP 550 5.1.1)',
    ],
    [
      'rejected as spam after DATA',
      { code: 'EMESSAGE', responseCode: 554, response: '554 5.7.1 spam' },
      false,
      'the mail server refused it (SMTP 554 5.7.1)',
    ],
    [
      'a wrong login',
      { code: 'EAUTH', responseCode: 535, response: '535 5.7.8 Authentication credentials invalid' },
      false,
      'the mail server refused the login in SMTP_URL (SMTP 535 5.7.8)',
    ],
    [
      'a reply with no enhanced code',
      { code: 'EENVELOPE', responseCode: 553, response: '553 sorry, alice@example.com not allowed' },
      false,
      'the mail server refused it (SMTP 553)',
    ],
    ['connection refused', { code: 'ESOCKET' }, true, 'could not reach the mail server (ESOCKET)'],
    ['connection lost', { code: 'ECONNECTION' }, true, 'could not reach the mail server (ECONNECTION)'],
    ['timed out', { code: 'ETIMEDOUT' }, true, 'could not reach the mail server (ETIMEDOUT)'],
    ['no DNS answer', { code: 'EDNS' }, true, 'could not reach the mail server (EDNS)'],
    ['TLS failed (a certificate that does not match)', { code: 'ETLS' }, false, 'could not send the e-mail (ETLS)'],
    [
      'STARTTLS refused by the server',
      { code: 'ETLS', responseCode: 502, response: '502 5.5.1 Unknown command' },
      false,
      'the mail server would not start TLS (SMTP 502 5.5.1)',
    ],
    ['credentials missing', { code: 'EAUTH' }, false, 'could not send the e-mail (EAUTH)'],
    ['an unknown error: retried, as a network error is', {}, true, 'could not reach the mail server (error)'],
    ['a code that is no code is not repeated', { code: 'alice@example.com' }, true, 'could not reach the mail server (error)'],
  ])('%s', (_name, error, transient, reason) => {
    expect(smtpFailure(error)).toEqual({ ok: false, transient, reason });
  });
});

describe('smtpTransportOptions: a password goes over TLS unless the server is on this machine', () => {
  it.each([
    ['smtp://u:p@smtp.example.com:587', true],
    ['smtps://u:p@smtp.example.com:465', true],
    ['smtp://u:p@10.0.0.5:25', true],
    ['smtp://u:p@127.0.0.1:2525', false],
    ['smtp://u:p@127.0.1.1:25', false],
    ['smtp://u:p@localhost:25', false],
    ['smtp://u:p@[::1]:25', false],
  ])('%s: requireTLS %s', (url, requireTLS) => {
    expect(smtpTransportOptions(url, 10_000)).toMatchObject({ url, requireTLS, logger: false, socketTimeout: 10_000 });
  });
});
