/**
 * The guard's corpus: messages with a secret (and the kind it must be named as) and look-alikes that are not.
 * Every token here is fake, built to the issuer's documented shape.
 */
import type { SecretKind } from '../../src/playbooks/secret-scan.js';

export const TRUE_POSITIVES: Array<[string, SecretKind]> = [
  ['here is the bot token xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx', 'Slack token'],
  ['user token: xoxp-2222222222-3333333333-4444444444-0123456789abcdef0123456789abcdef', 'Slack token'],
  ['app token xapp-1-A0123ABCDEF-1234567890123-0123456789abcdef0123456789abcdef', 'Slack token'],
  ['posting to https://hooks.slack.com/services/T0ABCDEF1/B0ABCDEF2/AbCdEfGhIjKlMnOpQrStUvWx', 'Slack webhook URL'],
  ['AWS key AKIAIOSFODNN7EXAMPL3 for the bucket', 'AWS access key'],
  ['temp creds ASIAY34FZKBOKMUTVV7A', 'AWS access key'],
  ['aws_secret_access_key = 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', 'AWS secret key'],
  ['try ghp_abcdefghijklmnopqrstuvwxyz0123456789AB', 'GitHub token'],
  ['github_pat_11ABCDEFG0123456789abcdef_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN', 'GitHub token'],
  ['stripe sk_live_51H8abcdefghijklmnopqrstuvwx', 'Stripe secret key'],
  ['maps key AIzaSyA-abcdefghijklmnopqrstuvwxyz01234', 'Google API key'],
  ['-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA...', 'private key'],
  ['-----BEGIN OPENSSH PRIVATE KEY-----', 'private key'],
  ['-----BEGIN PRIVATE KEY-----\nMIIEvQ...', 'private key'],
  ['curl -H "Authorization: Bearer 4f9c1e2b7a6d5c3e8f0a1b2c3d4e5f60"', 'bearer token'],
  ['token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', 'JSON Web Token'],
  ['db is postgres://app:s3cr3t-P4ss@db.internal:5432/app', 'password in a URL'],
  ['redis://default:hunter2hunter2@cache:6379', 'password in a URL'],
  ['password=Tr0ub4dor&3x', 'password'],
  ['the admin PASSWORD: correct-horse-battery', 'password'],
  ['api_key: 9f8e7d6c5b4a39281706f5e4d3c2b1a0', 'password'],
  ['client_secret="Zx9-Yw8_Vu7.Ts6~Rq5"', 'password'],
];

export const FALSE_POSITIVES: string[] = [
  'the token starts with xoxb- and that is all you need to know',
  'rotate the xoxb token in the Slack admin',
  'AKIA is the prefix of AWS access keys',
  'commit 9fceb02d0ae598e95dc970b74767f19372d61af8 broke it',
  'request id 3f2504e0-4f89-11d3-9a0c-0305e82c3301 failed',
  'Bearer token expired at 10:02, re-auth worked',
  'Authorization: Bearer <token>',
  'Authorization: Bearer ${API_TOKEN}',
  '-----BEGIN PUBLIC KEY-----',
  '-----BEGIN CERTIFICATE-----',
  'password reset emails are delayed',
  'password: ********',
  'password=<redacted>',
  'set password: ${DB_PASSWORD} in the env',
  'https://user@example.com/path has no password',
  'postgres://app@db.internal:5432/app',
  'see https://grafana.example.com/d/abc?from=now-1h&to=now',
  'ghp_ tokens should never be pasted here',
  'sk_live_ keys live in the vault',
  'AIza keys are restricted by referrer',
  'eyJ is how a JWT starts',
  'error rate 3.2% on checkout, p99 1.8s',
  'the secret: do not paste secrets here',
  'mailto support@example.com for help',
  'api_key: xxxxxxxxxxxx',
];
