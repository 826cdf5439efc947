import { createHmac } from 'node:crypto';

/**
 * Slack's v0 request signature: HMAC-SHA256 of "v0:<timestamp>:<raw body>" with the signing secret. Bolt checks
 * it on every request; the playground and the tests make it, to send what Slack would.
 */
export function slackSignature(secret: string, timestampSec: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestampSec}:${body}`).digest('hex')}`;
}
