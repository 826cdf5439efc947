import { describe, expect, it } from 'vitest';
import { type EnvError, parseEnv, secretValues } from '../../src/config/env.js';

const BASE = { SLACK_BOT_TOKEN: 'xoxb-1-test', SLACK_SIGNING_SECRET: 'signing-secret-test' };
const TWILIO = {
  TWILIO_ACCOUNT_SID: `AC${'a1'.repeat(16)}`,
  TWILIO_AUTH_TOKEN: 'twilio-auth-token-0123',
  TWILIO_FROM_NUMBER: '+15017122661',
};

function problems(source: Record<string, string>): string[] {
  try {
    parseEnv({ ...BASE, ...source });
    return [];
  } catch (error) {
    return (error as EnvError).problems;
  }
}

describe('env: reaching people (Twilio, ntfy, SMTP)', () => {
  it("nothing set: Twilio's and ntfy's public URLs by default, no phone, no e-mail", () => {
    const env = parseEnv(BASE);
    expect(env).toMatchObject({ TWILIO_API_URL: 'https://api.twilio.com', NTFY_URL: 'https://ntfy.sh' });
    expect(env.TWILIO_ACCOUNT_SID).toBeUndefined();
    expect(env.SMTP_URL).toBeUndefined();
  });

  it('e-mail: an SMTP URL (smtp with STARTTLS, or smtps) and the address it comes from, with or without a name', () => {
    for (const [url, from] of [
      ['smtps://oncall%40example.com:p%2Fw@smtp.example.com:465', 'oncall@example.com'],
      ['smtp://oncall:pw@smtp.example.com:587', '"On-call bot" <oncall@example.com>'],
      ['smtp://127.0.0.1:2525', 'On-call <oncall@example.com>'],
    ] as const)
      expect(parseEnv({ ...BASE, SMTP_URL: url, SMTP_FROM: from })).toMatchObject({ SMTP_URL: url, SMTP_FROM: from });
  });

  it('all of Twilio set, and the URLs pointed at stand-ins', () => {
    const env = parseEnv({
      ...BASE,
      ...TWILIO,
      TWILIO_API_URL: 'http://127.0.0.1:5000',
      NTFY_URL: 'http://127.0.0.1:5001',
      NTFY_TOKEN: 'tk_ntfy-token-0123',
    });
    expect(env).toMatchObject({ ...TWILIO, TWILIO_API_URL: 'http://127.0.0.1:5000', NTFY_URL: 'http://127.0.0.1:5001' });
  });

  it.each([
    [{ TWILIO_ACCOUNT_SID: TWILIO.TWILIO_ACCOUNT_SID }, /TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER are not set, but TWILIO_ACCOUNT_SID is/],
    [{ ...TWILIO, TWILIO_ACCOUNT_SID: 'AC123' }, /TWILIO_ACCOUNT_SID should be your Twilio Account SID: AC and 32 hex/],
    [{ ...TWILIO, TWILIO_FROM_NUMBER: '020 7946 0123' }, /TWILIO_FROM_NUMBER should be your Twilio phone number in E.164 form/],
    [{ NTFY_URL: 'ntfy.sh' }, /NTFY_URL should be the ntfy server's URL/],
    [{ SMTP_URL: 'https://mail.example.com', SMTP_FROM: 'oncall@example.com' }, /SMTP_URL should be an SMTP URL/],
    [
      { SMTP_URL: 'smtps://oncall:pw@smtp.example.com:465' },
      /SMTP_FROM is not set, but SMTP_URL is: e-mail needs the address it comes from/,
    ],
    [{ SMTP_FROM: 'oncall@example.com' }, /SMTP_URL is not set, but SMTP_FROM is/],
    [
      { SMTP_URL: 'smtp://smtp.example.com', SMTP_FROM: 'On-call' },
      /SMTP_FROM should be the address e-mail comes from, e.g. oncall@example.com/,
    ],
    [{ SMTP_URL: 'smtp://smtp.example.com', SMTP_FROM: 'oncall@example.com\r\nBcc: x@y.z' }, /SMTP_FROM should be the address/],
  ])('%j is refused: %s', (source, message) => {
    expect(problems(source).join('\n')).toMatch(message);
  });

  it('the auth token, the ntfy token and the SMTP URL and its password are secrets the logger scrubs; a refusal never echoes them', () => {
    const env = parseEnv({
      ...BASE,
      ...TWILIO,
      NTFY_TOKEN: 'tk_ntfy-token-0123',
      SMTP_URL: 'smtps://oncall:mail-password-99@smtp.example.com:465',
      SMTP_FROM: 'On-call <oncall@example.com>',
    });
    expect(secretValues(env)).toEqual(
      expect.arrayContaining([
        'twilio-auth-token-0123',
        'tk_ntfy-token-0123',
        'smtps://oncall:mail-password-99@smtp.example.com:465',
        'mail-password-99',
      ]),
    );
    expect(problems({ ...TWILIO, TWILIO_FROM_NUMBER: 'bad' }).join('\n')).not.toContain('twilio-auth-token-0123');
    expect(problems({ SMTP_URL: 'smtps://oncall:mail-password-99@', SMTP_FROM: 'x' }).join('\n')).not.toContain('mail-password-99');
  });
});
