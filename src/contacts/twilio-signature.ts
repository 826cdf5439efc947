/**
 * Twilio's request signature (X-Twilio-Signature), pure: base64 of HMAC-SHA1 keyed by the account's auth token
 * over the full URL Twilio called (query string included) followed by every POST parameter, sorted by name,
 * written as name + value with nothing between. The stand-in signs its callbacks with it and the bot checks
 * Twilio's with it, so both sides share one definition.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** POST parameters: a form can repeat a name, so pairs in any order, or a plain record. */
export type TwilioParams = Iterable<readonly [string, string]> | Record<string, string>;

function pairsOf(params: TwilioParams): Array<readonly [string, string]> {
  return Symbol.iterator in params ? [...(params as Iterable<readonly [string, string]>)] : Object.entries(params);
}

export function twilioSignature(authToken: string, url: string, params: TwilioParams = []): string {
  // Sorted by name; a repeated name keeps its values in sorted order too, as Twilio's own helpers do.
  const sorted = pairsOf(params).sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
  const data = url + sorted.map(([name, value]) => name + value).join('');
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** Whether `signature` is Twilio's for this request; compared in constant time, a missing header is false. */
export function isTwilioSignatureValid(authToken: string, signature: string | undefined, url: string, params: TwilioParams = []): boolean {
  if (!signature) return false;
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
