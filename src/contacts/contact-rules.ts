/**
 * The rules of a person's contact methods, pure: what a phone number, an ntfy topic and an e-mail address must
 * look like (each refusal says what was wrong and shows a right one), how each is masked wherever it could be
 * seen by someone else (logs, an admin's view), and the 6-digit verification codes: made from injected
 * randomness, kept only as a keyed hash bound to the value they verify, valid 10 minutes, 5 tries, used once.
 */
import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

export const CONTACT_KINDS = ['voice', 'sms', 'push', 'email'] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];

/** What a code is sent through and verifies: one phone number serves voice and SMS alike. */
export type ContactChannel = 'phone' | 'push' | 'email';

export function channelOf(kind: ContactKind): ContactChannel {
  return kind === 'voice' || kind === 'sms' ? 'phone' : kind;
}

export function kindsOf(channel: ContactChannel): ContactKind[] {
  return channel === 'phone' ? ['voice', 'sms'] : [channel];
}

/** Randomness, injected so tests choose it; production uses node:crypto. */
export interface Randomness {
  bytes(count: number): Uint8Array;
  /** A uniform whole number in [0, maxExclusive). */
  int(maxExclusive: number): number;
}

export const cryptoRandomness: Randomness = {
  bytes: (count) => randomBytes(count),
  int: (maxExclusive) => randomInt(maxExclusive),
};

export type Checked = { ok: true; value: string } | { ok: false; error: string };

const PHONE_EXAMPLE = 'e.g. +44 20 7946 0123 or +1 415 555 0123';

/**
 * An E.164 number: `+`, then 8 to 15 digits, the first not 0 (no country code starts with 0). Spaces, dashes,
 * dots and brackets people type are dropped; anything else is refused with what was wrong.
 *   "+44 (0)20..." is refused: the (0) is a national prefix that E.164 leaves out.
 */
export function checkPhone(input: string): Checked {
  const typed = input.trim();
  if (typed === '') return { ok: false, error: `Type a phone number with its country code, ${PHONE_EXAMPLE}.` };
  if (/\(0\)/.test(typed)) return { ok: false, error: `Leave out the (0): international numbers skip the national 0, ${PHONE_EXAMPLE}.` };
  const compact = typed.replace(/[\s\-.()]/g, '');
  if (compact.startsWith('00')) return { ok: false, error: `Write the country code after a + instead of 00, ${PHONE_EXAMPLE}.` };
  if (!compact.startsWith('+'))
    return { ok: false, error: `Start with + and the country code (the number as dialled from abroad), ${PHONE_EXAMPLE}.` };
  const digits = compact.slice(1);
  const stray = digits.match(/[^0-9]/);
  if (stray) return { ok: false, error: `After the + a phone number has only digits; "${stray[0]}" is not one. ${PHONE_EXAMPLE}.` };
  if (digits.startsWith('0'))
    return { ok: false, error: `No country code starts with 0: write the country code right after the +, ${PHONE_EXAMPLE}.` };
  if (digits.length < 8)
    return { ok: false, error: `That is ${digits.length} digits after the +; a full international number has 8 to 15, ${PHONE_EXAMPLE}.` };
  if (digits.length > 15)
    return { ok: false, error: `That is ${digits.length} digits after the +; an international number has at most 15, ${PHONE_EXAMPLE}.` };
  return { ok: true, value: `+${digits}` };
}

/** ntfy's own rule for a topic name. */
const TOPIC = /^[-_A-Za-z0-9]{1,64}$/;

/**
 * An ntfy topic: 1 to 64 letters, digits, `-` or `_` (what ntfy accepts). On a public server the topic is the
 * only secret: whoever knows it reads the pushes, so the form offers `suggestTopic()`.
 */
export function checkTopic(input: string): Checked {
  const typed = input.trim();
  if (typed === '') return { ok: false, error: 'Type an ntfy topic, e.g. the suggested one: letters, digits, - and _ only.' };
  if (typed.length > 64)
    return { ok: false, error: `That topic is ${typed.length} characters; ntfy allows at most 64 (letters, digits, - and _).` };
  const stray = typed.match(/[^-_A-Za-z0-9]/);
  if (stray || !TOPIC.test(typed))
    return {
      ok: false,
      error: `An ntfy topic has only letters, digits, - and _; "${stray?.[0] ?? typed}" is not allowed. e.g. oncall-3kq9x2mfp7wz4t8hv6cb1rnd.`,
    };
  return { ok: true, value: typed };
}

const TOPIC_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
export const TOPIC_RANDOM_CHARS = 24;

/**
 * A topic nobody can guess: `oncall-` and 24 characters from [a-z0-9] (about 124 bits), drawn without modulo
 * bias (bytes >= 252 are thrown away and drawn again).
 */
export function suggestTopic(random: Randomness): string {
  let out = '';
  while (out.length < TOPIC_RANDOM_CHARS) {
    for (const byte of random.bytes(TOPIC_RANDOM_CHARS)) {
      if (byte >= 252 || out.length >= TOPIC_RANDOM_CHARS) continue;
      out += TOPIC_ALPHABET[byte % TOPIC_ALPHABET.length];
    }
  }
  return `oncall-${out}`;
}

/**
 * A working e-mail address, pragmatically: one @, a local part of 1-64 characters without spaces or quotes,
 * a domain of dot-separated labels (letters, digits, inner hyphens) ending in a letter TLD; at most 254 in all.
 * The domain is lower-cased; the local part is kept as typed (some servers care).
 */
export function checkEmail(input: string): Checked {
  const typed = input.trim();
  const example = 'e.g. alice@example.com';
  if (typed === '') return { ok: false, error: `Type an e-mail address, ${example}.` };
  const at = typed.split('@');
  if (at.length !== 2) return { ok: false, error: `An e-mail address has exactly one @, ${example}.` };
  const [local, domain] = at as [string, string];
  if (local === '' || local.length > 64) return { ok: false, error: `The part before the @ must be 1 to 64 characters, ${example}.` };
  if (!/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$/.test(local) || local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    return {
      ok: false,
      error: `The part before the @ has a character an address cannot have (spaces, commas, quotes, a dot at an end or two in a row), ${example}.`,
    };
  }
  const labels = domain.toLowerCase().split('.');
  const goodLabel = (l: string) => /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(l);
  if (labels.length < 2 || !labels.every(goodLabel) || !/^[a-z]{2,}$/.test(labels[labels.length - 1]!)) {
    return { ok: false, error: `"${domain}" is not a mail domain (it needs a dot and a name like example.com), ${example}.` };
  }
  const value = `${local}@${labels.join('.')}`;
  if (value.length > 254) return { ok: false, error: `That address is ${value.length} characters; at most 254 work, ${example}.` };
  return { ok: true, value };
}

export function checkValue(kind: ContactKind, input: string): Checked {
  return kind === 'push' ? checkTopic(input) : kind === 'email' ? checkEmail(input) : checkPhone(input);
}

const DOTS = '•••••';

/**
 * How a contact value may be shown to anyone but its owner and in every log line: enough to recognise,
 * not enough to use. `+447700900123` -> `+44•••••0123`; `oncall-3kq9...9f2a` -> `oncall-•••••9f2a`;
 * `alice@example.com` -> `a•••@example.com`.
 */
export function maskValue(kind: ContactKind | ContactChannel, value: string): string {
  if (kind === 'email') {
    const at = value.lastIndexOf('@');
    if (at <= 0) return DOTS;
    return `${value[0]}•••${value.slice(at)}`;
  }
  if (kind === 'push') {
    // A short prefix that ends in - or _ (oncall-) is a label, not the secret part.
    const prefix = value.match(/^[A-Za-z]{1,10}[-_]/)?.[0] ?? '';
    const rest = value.slice(prefix.length);
    const tail = rest.length >= 12 ? rest.slice(-4) : '';
    return `${prefix}${DOTS}${tail}`;
  }
  const digits = value.replace(/^\+/, '');
  if (digits.length < 8) return `+${DOTS}`;
  return `+${digits.slice(0, 2)}${DOTS}${digits.slice(-4)}`;
}

// ---- verification codes ----

export const CODE_TTL_MS = 10 * 60_000;
export const CODE_MAX_TRIES = 5;
export const CODE_DIGITS = 6;

/** Six digits, leading zeros kept ("004217"). */
export function newCode(random: Randomness): string {
  return String(random.int(10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0');
}

/** A fresh salt for one code's hash. */
export function newSalt(random: Randomness): string {
  return Buffer.from(random.bytes(16)).toString('hex');
}

/** Whose code for which value: a code sent to an old number never verifies a new one. */
export interface CodeBinding {
  userId: string;
  channel: ContactChannel;
  value: string;
}

/**
 * The stored form of a code: HMAC-SHA256 keyed by the row's salt over who, which channel, which value and the
 * code. Six digits are a million guesses offline, so the hash keeps the code out of sight (logs, backups, a
 * glance at the table) rather than making it uncrackable; the 10-minute life and 5 tries are the real guard.
 */
export function hashCode(code: string, salt: string, binding: CodeBinding): string {
  return createHmac('sha256', salt).update(`${binding.userId}\n${binding.channel}\n${binding.value}\n${code}`).digest('hex');
}

export interface PendingCode extends CodeBinding {
  codeHash: string;
  salt: string;
  expiresAt: number;
  /** Wrong codes typed so far. */
  tries: number;
}

export type CodeDecision =
  | { outcome: 'verified' }
  | { outcome: 'wrong'; triesLeft: number }
  /** The last try was wrong: the code is gone, a new one must be asked for. */
  | { outcome: 'exhausted' }
  | { outcome: 'expired' };

/** What typing `typed` does to one pending code at `now`. */
export function decideCode(pending: PendingCode, typed: string, now: number): CodeDecision {
  if (now >= pending.expiresAt) return { outcome: 'expired' };
  if (pending.tries >= CODE_MAX_TRIES) return { outcome: 'exhausted' };
  const expected = Buffer.from(pending.codeHash, 'hex');
  const actual = Buffer.from(hashCode(typed, pending.salt, pending), 'hex');
  if (/^\d{6}$/.test(typed) && expected.length === actual.length && timingSafeEqual(expected, actual)) return { outcome: 'verified' };
  const tries = pending.tries + 1;
  return tries >= CODE_MAX_TRIES ? { outcome: 'exhausted' } : { outcome: 'wrong', triesLeft: CODE_MAX_TRIES - tries };
}

/** What a person types as a code: digits, maybe with a space or dash in the middle ("123 456"). Null: not a code. */
export function readCode(input: string): string | null {
  const compact = input.trim().replace(/[\s-]/g, '');
  return /^\d{6}$/.test(compact) ? compact : null;
}
