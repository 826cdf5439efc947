/**
 * Acknowledge links (`PUBLIC_URL/ack/<token>`), pure: a token names one page and one person, expires, and is
 * signed with a server key (HMAC-SHA256), so it cannot be forged or moved to another page or person. It is
 * single-use because it only ever acknowledges an open page: once the page is acknowledged or resolved, by
 * this link or any other way, the token is dead (the route says which).
 *
 *   v1.12.U0ALICE.1767582000000.<signature>     page 12, Alice, valid until that instant (epoch ms)
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { HOUR } from '../time/clock.js';

/** How long an acknowledge link works: a page still open after a day is better acknowledged in Slack. */
export const ACK_TOKEN_TTL_MS = 24 * HOUR;

export interface AckClaim {
  pageId: number;
  userId: string;
  expiresAt: number;
}

export type AckTokenCheck = { ok: true; claim: AckClaim } | { ok: false; why: 'malformed' | 'forged' | 'expired' };

const sign = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('base64url');

export function makeAckToken(secret: string, claim: AckClaim): string {
  const body = `v1.${claim.pageId}.${claim.userId}.${claim.expiresAt}`;
  return `${body}.${sign(secret, body)}`;
}

export function checkAckToken(secret: string, token: string, now: number): AckTokenCheck {
  const match = /^v1\.(\d{1,12})\.([A-Z0-9]{1,32})\.(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return { ok: false, why: 'malformed' };
  const [, pageId, userId, expiresAt, signature] = match;
  const expected = Buffer.from(sign(secret, `v1.${pageId}.${userId}.${expiresAt}`));
  const given = Buffer.from(signature!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, why: 'forged' };
  if (Number(expiresAt) <= now) return { ok: false, why: 'expired' };
  return { ok: true, claim: { pageId: Number(pageId), userId: userId!, expiresAt: Number(expiresAt) } };
}
