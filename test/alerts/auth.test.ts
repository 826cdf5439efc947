/**
 * Webhook authentication, as a pure function of the integration, the secrets and the request: each auth kind
 * accepts the right credential and refuses, with its own reason, a missing, wrong or unconfigured one.
 */
import { describe, expect, it } from 'vitest';
import { authenticate, hmacHex, integrationSecretNames, type AuthResult } from '../../src/alerts/auth.js';
import type { Integration } from '../../src/config/policy.js';

const SECRETS: Record<string, string> = {
  TOKEN: 'tok-123',
  USER: 'grafana',
  PASS: 'p@ss:word',
  SENTRY: 'sentry-key',
  HMAC: 'hmac-key',
  ROUTING: 'R0UTING',
};
const secret = (name: string) => SECRETS[name];
const noSecrets = () => undefined;

const BODY = Buffer.from('{"hello":"world"}');
const integration = (auth: Integration['auth']): Integration =>
  ({ format: 'generic', auth, routes: [{ rotation: 'backend' }] }) as Integration;
const basic = (text: string) => `Basic ${Buffer.from(text, 'utf8').toString('base64')}`;

type Headers = Record<string, string | undefined>;
type Case = [what: string, auth: Integration['auth'], headers: Headers, parsed: unknown, expected: AuthResult];

/**
 * In the table, `<sig:KEY>` stands for the body's hex HMAC with KEY and `<SIG:KEY>` for it in capitals. They are
 * filled in when the test runs, not when the table is built, so a broken hmacHex fails a test instead of the file.
 */
function signed(headers: Headers): Headers {
  const fill = (v: string) =>
    v.replace(/<(sig|SIG):([a-z-]+)>/g, (_, kind: string, key: string) =>
      kind === 'SIG' ? hmacHex(key, BODY).toUpperCase() : hmacHex(key, BODY),
    );
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v === undefined ? v : fill(v)]));
}
const ok: AuthResult = { ok: true };
const no = (reason: string): AuthResult => ({ ok: false, reason });

describe('authenticate', () => {
  it.each<Case>([
    ['no auth accepts anyone', undefined, {}, null, ok],

    ['bearer: the right token', { bearer_env: 'TOKEN' }, { authorization: 'Bearer tok-123' }, null, ok],
    [
      'bearer: the scheme is case-insensitive and spaces are trimmed',
      { bearer_env: 'TOKEN' },
      { authorization: 'bearer   tok-123  ' },
      null,
      ok,
    ],
    ['bearer: a wrong token', { bearer_env: 'TOKEN' }, { authorization: 'Bearer tok-124' }, null, no('wrong bearer token')],
    [
      'bearer: a longer token with the right prefix',
      { bearer_env: 'TOKEN' },
      { authorization: 'Bearer tok-1234' },
      null,
      no('wrong bearer token'),
    ],
    ['bearer: no header', { bearer_env: 'TOKEN' }, {}, null, no('missing Authorization: Bearer <token>')],
    [
      'bearer: no token after the scheme',
      { bearer_env: 'TOKEN' },
      { authorization: 'Bearer ' },
      null,
      no('missing Authorization: Bearer <token>'),
    ],
    [
      'bearer: only spaces after the scheme',
      { bearer_env: 'TOKEN' },
      { authorization: 'Bearer     ' },
      null,
      no('missing Authorization: Bearer <token>'),
    ],
    [
      'bearer: another scheme',
      { bearer_env: 'TOKEN' },
      { authorization: 'Token tok-123' },
      null,
      no('missing Authorization: Bearer <token>'),
    ],
    [
      'bearer: text before the scheme',
      { bearer_env: 'TOKEN' },
      { authorization: 'xBearer tok-123' },
      null,
      no('missing Authorization: Bearer <token>'),
    ],
    [
      'bearer: no space after the scheme',
      { bearer_env: 'TOKEN' },
      { authorization: 'Bearertok-123' },
      null,
      no('missing Authorization: Bearer <token>'),
    ],
    [
      'bearer: a second line after the token',
      { bearer_env: 'TOKEN' },
      { authorization: 'Bearer tok-123\nX-Other: 1' },
      null,
      no('missing Authorization: Bearer <token>'),
    ],
    [
      'bearer: not configured',
      { bearer_env: 'MISSING' },
      { authorization: 'Bearer tok-123' },
      null,
      no('the secret for this integration is not configured (set MISSING)'),
    ],

    [
      'basic: the right user and password',
      { basic_env: { user: 'USER', password: 'PASS' } },
      { authorization: basic('grafana:p@ss:word') },
      null,
      ok,
    ],
    [
      'basic: the scheme is case-insensitive',
      { basic_env: { user: 'USER', password: 'PASS' } },
      { authorization: basic('grafana:p@ss:word').replace('Basic', 'BASIC') },
      null,
      ok,
    ],
    [
      'basic: a wrong password',
      { basic_env: { user: 'USER', password: 'PASS' } },
      { authorization: basic('grafana:nope') },
      null,
      no('wrong basic auth credentials'),
    ],
    [
      'basic: user and password swapped',
      { basic_env: { user: 'USER', password: 'PASS' } },
      { authorization: basic('p@ss:word:grafana') },
      null,
      no('wrong basic auth credentials'),
    ],
    [
      'basic: a bearer header instead',
      { basic_env: { user: 'USER', password: 'PASS' } },
      { authorization: 'Bearer tok-123' },
      null,
      no('missing Authorization: Basic credentials'),
    ],
    [
      'basic: text before the scheme',
      { basic_env: { user: 'USER', password: 'PASS' } },
      { authorization: `x${basic('grafana:p@ss:word')}` },
      null,
      no('missing Authorization: Basic credentials'),
    ],
    [
      'basic: a second line after the credentials',
      { basic_env: { user: 'USER', password: 'PASS' } },
      { authorization: `${basic('grafana:p@ss:word')}\nX-Other: 1` },
      null,
      no('missing Authorization: Basic credentials'),
    ],
    ['basic: no header', { basic_env: { user: 'USER', password: 'PASS' } }, {}, null, no('missing Authorization: Basic credentials')],
    [
      'basic: the user not configured',
      { basic_env: { user: 'NOUSER', password: 'PASS' } },
      { authorization: basic('grafana:p@ss:word') },
      null,
      no('the secret for this integration is not configured (set NOUSER and PASS)'),
    ],
    [
      'basic: the password not configured',
      { basic_env: { user: 'USER', password: 'NOPASS' } },
      { authorization: basic('grafana:p@ss:word') },
      null,
      no('the secret for this integration is not configured (set USER and NOPASS)'),
    ],

    ['sentry: the right signature', { sentry_secret_env: 'SENTRY' }, { 'sentry-hook-signature': '<sig:sentry-key>' }, null, ok],
    [
      'sentry: upper-case hex is the same signature',
      { sentry_secret_env: 'SENTRY' },
      { 'sentry-hook-signature': '<SIG:sentry-key>' },
      null,
      ok,
    ],
    [
      'sentry: signed with another key',
      { sentry_secret_env: 'SENTRY' },
      { 'sentry-hook-signature': '<sig:other>' },
      null,
      no('wrong Sentry-Hook-Signature'),
    ],
    ['sentry: no signature', { sentry_secret_env: 'SENTRY' }, {}, null, no('missing Sentry-Hook-Signature')],
    [
      'sentry: an empty signature',
      { sentry_secret_env: 'SENTRY' },
      { 'sentry-hook-signature': '' },
      null,
      no('missing Sentry-Hook-Signature'),
    ],
    [
      'sentry: not configured',
      { sentry_secret_env: 'NOSENTRY' },
      { 'sentry-hook-signature': '<sig:sentry-key>' },
      null,
      no('the secret for this integration is not configured (set NOSENTRY)'),
    ],

    ['hmac: the right signature in X-Signature', { hmac_sha256_env: 'HMAC' }, { 'x-signature': '<sig:hmac-key>' }, null, ok],
    ['hmac: a sha256= prefix is allowed', { hmac_sha256_env: 'HMAC' }, { 'x-signature': 'sha256=<sig:hmac-key>' }, null, ok],
    ['hmac: the prefix in capitals, the hex too', { hmac_sha256_env: 'HMAC' }, { 'x-signature': 'SHA256=<SIG:hmac-key>' }, null, ok],
    [
      'hmac: sha256= only at the start',
      { hmac_sha256_env: 'HMAC' },
      { 'x-signature': '<sig:hmac-key>sha256=' },
      null,
      no('wrong X-Signature'),
    ],
    [
      'hmac: a named header, written in any case in the policy',
      { hmac_sha256_env: 'HMAC', header: 'X-Hub-Signature-256' },
      { 'x-hub-signature-256': '<sig:hmac-key>' },
      null,
      ok,
    ],
    [
      'hmac: a named header, signature in X-Signature',
      { hmac_sha256_env: 'HMAC', header: 'X-Hub-Signature-256' },
      { 'x-signature': '<sig:hmac-key>' },
      null,
      no('missing X-Hub-Signature-256 (hex HMAC-SHA256 of the body)'),
    ],
    [
      'hmac: a named header, wrong signature',
      { hmac_sha256_env: 'HMAC', header: 'X-Hub-Signature-256' },
      { 'x-hub-signature-256': '<sig:nope>' },
      null,
      no('wrong X-Hub-Signature-256'),
    ],
    ['hmac: signed with another key', { hmac_sha256_env: 'HMAC' }, { 'x-signature': '<sig:nope>' }, null, no('wrong X-Signature')],
    ['hmac: no signature', { hmac_sha256_env: 'HMAC' }, {}, null, no('missing X-Signature (hex HMAC-SHA256 of the body)')],
    [
      'hmac: only the prefix',
      { hmac_sha256_env: 'HMAC' },
      { 'x-signature': 'sha256=' },
      null,
      no('missing X-Signature (hex HMAC-SHA256 of the body)'),
    ],
    [
      'hmac: not configured',
      { hmac_sha256_env: 'NOHMAC' },
      { 'x-signature': '<sig:hmac-key>' },
      null,
      no('the secret for this integration is not configured (set NOHMAC)'),
    ],

    ['routing key: the right one in the body', { routing_key_env: 'ROUTING' }, {}, { routing_key: 'R0UTING' }, ok],
    ['routing key: a wrong one', { routing_key_env: 'ROUTING' }, {}, { routing_key: 'R0UTINH' }, no('wrong or missing routing_key')],
    ['routing key: not a string', { routing_key_env: 'ROUTING' }, {}, { routing_key: 7 }, no('wrong or missing routing_key')],
    ['routing key: no body', { routing_key_env: 'ROUTING' }, {}, null, no('wrong or missing routing_key')],
    [
      'routing key: not configured',
      { routing_key_env: 'NOROUTING' },
      {},
      { routing_key: 'R0UTING' },
      no('the secret for this integration is not configured (set NOROUTING)'),
    ],
  ])('%s', (_what, auth, headers, parsed, expected) => {
    expect(authenticate(integration(auth), secret, signed(headers), BODY, parsed)).toEqual(expected);
  });

  it('signs the raw bytes received: the same JSON re-spaced is another signature', () => {
    const auth = { hmac_sha256_env: 'HMAC' };
    const signature = hmacHex('hmac-key', BODY);
    expect(authenticate(integration(auth), secret, { 'x-signature': signature }, Buffer.from('{ "hello": "world" }'), null)).toEqual(
      no('wrong X-Signature'),
    );
  });

  it('an empty secret counts as not configured, never as "anything matches"', () => {
    const empty = () => '';
    expect(authenticate(integration({ bearer_env: 'TOKEN' }), empty, { authorization: 'Bearer x' }, BODY, null)).toEqual(
      no('the secret for this integration is not configured (set TOKEN)'),
    );
    expect(authenticate(integration({ routing_key_env: 'ROUTING' }), empty, {}, BODY, { routing_key: '' })).toEqual(
      no('the secret for this integration is not configured (set ROUTING)'),
    );
  });

  it('every configured kind must pass, not just one', () => {
    const both = { bearer_env: 'TOKEN', routing_key_env: 'ROUTING' };
    const headers = { authorization: 'Bearer tok-123' };
    expect(authenticate(integration(both), secret, headers, BODY, { routing_key: 'R0UTING' })).toEqual(ok);
    expect(authenticate(integration(both), secret, headers, BODY, { routing_key: 'nope' })).toEqual(no('wrong or missing routing_key'));
    expect(authenticate(integration(both), secret, { authorization: 'Bearer nope' }, BODY, { routing_key: 'R0UTING' })).toEqual(
      no('wrong bearer token'),
    );
    expect(authenticate(integration({ bearer_env: 'TOKEN' }), noSecrets, headers, BODY, null).ok).toBe(false);
  });
});

describe('hmacHex', () => {
  it('is the hex HMAC-SHA256 (RFC 4231 test case 2)', () => {
    expect(hmacHex('Jefe', 'what do ya want for nothing?')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });
});

describe('integrationSecretNames', () => {
  it('names every variable an integration reads, for the logger to scrub', () => {
    expect(integrationSecretNames(integration(undefined))).toEqual([]);
    expect(integrationSecretNames(integration({ bearer_env: 'TOKEN' }))).toEqual(['TOKEN']);
    expect(integrationSecretNames(integration({ basic_env: { user: 'USER', password: 'PASS' } }))).toEqual(['USER', 'PASS']);
    expect(
      integrationSecretNames(
        integration({
          bearer_env: 'A',
          basic_env: { user: 'B', password: 'C' },
          sentry_secret_env: 'D',
          hmac_sha256_env: 'E',
          routing_key_env: 'F',
        } as Integration['auth']),
      ),
    ).toEqual(['A', 'B', 'C', 'D', 'E', 'F']);
  });
});
