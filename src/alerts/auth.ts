/**
 * Webhook authentication per integration. Secrets come from environment variables named in the policy and
 * are compared in constant time (over SHA-256 digests, so lengths never leak either). Pure given the secrets.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Integration } from '../config/policy.js';

export type SecretLookup = (envName: string) => string | undefined;

function same(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/** Hex HMAC-SHA256 of a body, as Sentry and the generic format sign it. */
export function hmacHex(secret: string, body: Buffer | string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

export type AuthResult = { ok: true } | { ok: false; reason: string };

/**
 * `headers` are lower-cased. `body` is the raw bytes received (signatures are over them, never a re-serialised
 * object); `parsed` is used only for PagerDuty's routing_key.
 */
export function authenticate(
  integration: Integration,
  secret: SecretLookup,
  headers: Record<string, string | undefined>,
  body: Buffer,
  parsed: unknown,
): AuthResult {
  const auth = integration.auth;
  if (!auth) return { ok: true };
  const need = (env: string): string | null => secret(env) ?? null;
  const authorization = headers.authorization ?? '';
  if (auth.bearer_env) {
    const expected = need(auth.bearer_env);
    if (!expected) return { ok: false, reason: `the secret for this integration is not configured (set ${auth.bearer_env})` };
    const given = /^Bearer\s+(.+)$/i.exec(authorization)?.[1]?.trim();
    if (!given) return { ok: false, reason: 'missing Authorization: Bearer <token>' };
    if (!same(given, expected)) return { ok: false, reason: 'wrong bearer token' };
  }
  if (auth.basic_env) {
    const user = need(auth.basic_env.user);
    const password = need(auth.basic_env.password);
    if (!user || !password)
      return {
        ok: false,
        reason: `the secret for this integration is not configured (set ${auth.basic_env.user} and ${auth.basic_env.password})`,
      };
    const encoded = /^Basic\s+(.+)$/i.exec(authorization)?.[1];
    if (!encoded) return { ok: false, reason: 'missing Authorization: Basic credentials' };
    if (!same(Buffer.from(encoded, 'base64').toString('utf8'), `${user}:${password}`))
      return { ok: false, reason: 'wrong basic auth credentials' };
  }
  if (auth.sentry_secret_env) {
    const key = need(auth.sentry_secret_env);
    if (!key) return { ok: false, reason: `the secret for this integration is not configured (set ${auth.sentry_secret_env})` };
    const signature = headers['sentry-hook-signature'];
    if (!signature) return { ok: false, reason: 'missing Sentry-Hook-Signature' };
    if (!same(signature.toLowerCase(), hmacHex(key, body))) return { ok: false, reason: 'wrong Sentry-Hook-Signature' };
  }
  if (auth.hmac_sha256_env) {
    const key = need(auth.hmac_sha256_env);
    const header = (auth.header ?? 'x-signature').toLowerCase();
    if (!key) return { ok: false, reason: `the secret for this integration is not configured (set ${auth.hmac_sha256_env})` };
    const signature = headers[header]?.replace(/^sha256=/i, '');
    if (!signature) return { ok: false, reason: `missing ${auth.header ?? 'X-Signature'} (hex HMAC-SHA256 of the body)` };
    if (!same(signature.toLowerCase(), hmacHex(key, body))) return { ok: false, reason: `wrong ${auth.header ?? 'X-Signature'}` };
  }
  if (auth.routing_key_env) {
    const expected = need(auth.routing_key_env);
    if (!expected) return { ok: false, reason: `the secret for this integration is not configured (set ${auth.routing_key_env})` };
    const given = (parsed as { routing_key?: unknown } | null)?.routing_key;
    if (typeof given !== 'string' || !same(given, expected)) return { ok: false, reason: 'wrong or missing routing_key' };
  }
  return { ok: true };
}

/** Every secret value an integration set reads, for the logger to scrub. */
export function integrationSecretNames(integration: Integration): string[] {
  const a = integration.auth;
  if (!a) return [];
  return [a.bearer_env, a.basic_env?.user, a.basic_env?.password, a.sentry_secret_env, a.hmac_sha256_env, a.routing_key_env].filter(
    (n): n is string => Boolean(n),
  );
}
