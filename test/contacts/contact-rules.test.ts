import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CODE_MAX_TRIES,
  CODE_TTL_MS,
  checkEmail,
  checkPhone,
  checkTopic,
  decideCode,
  hashCode,
  maskValue,
  newCode,
  readCode,
  suggestTopic,
  type PendingCode,
} from '../../src/contacts/contact-rules.js';
import { scriptedRandomness } from './contact-support.js';

describe('checkPhone: E.164', () => {
  it.each([
    ['+447700900123', '+447700900123'],
    ['+44 7700 900123', '+447700900123'],
    ['+1 (415) 555-0123', '+14155550123'],
    ['  +33.1.23.45.67.89 ', '+33123456789'],
    ['+12345678', '+12345678'], // 8 digits: the shortest
    ['+123456789012345', '+123456789012345'], // 15 digits: the longest
  ])('%s is %s', (typed, value) => {
    expect(checkPhone(typed)).toEqual({ ok: true, value });
  });

  it.each([
    ['', /Type a phone number with its country code/],
    ['07700 900123', /Start with \+ and the country code/],
    ['0044 7700 900123', /after a \+ instead of 00/],
    ['+44 (0)20 7946 0123', /Leave out the \(0\)/],
    ['+44 7700 9001x3', /"x" is not one/],
    ['+0 123 456 789', /No country code starts with 0/],
    ['+1234567', /7 digits after the \+; a full international number has 8 to 15/],
    ['+1234567890123456', /16 digits after the \+; an international number has at most 15/],
  ])('%j is refused: %s', (typed, message) => {
    const checked = checkPhone(typed);
    expect(checked.ok).toBe(false);
    if (!checked.ok) {
      expect(checked.error).toMatch(message);
      expect(checked.error).toContain('e.g. +44 20 7946 0123');
    }
  });
});

describe('checkTopic: what ntfy accepts', () => {
  it.each(['a', 'oncall-alice', 'A_b-9', 'x'.repeat(64)])('%s is a topic', (topic) => {
    expect(checkTopic(topic)).toEqual({ ok: true, value: topic });
  });
  it.each([
    ['', /Type an ntfy topic/],
    ['x'.repeat(65), /65 characters; ntfy allows at most 64/],
    ['my topic', /" " is not allowed/],
    ['alerts/p0', /"\/" is not allowed/],
    ['café', /"é" is not allowed/],
  ])('%j is refused: %s', (topic, message) => {
    const checked = checkTopic(topic);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.error).toMatch(message);
  });

  it('suggests oncall- and 24 characters of [a-z0-9] from the randomness it is given, skipping biased bytes', () => {
    // 252..255 would bias the modulo: they are skipped, so 0 (a), 1 (b) and 35 (9) are what come through.
    const topic = suggestTopic(scriptedRandomness([255, 0, 252, 1, 35]));
    expect(topic).toBe(`oncall-${'ab9'.repeat(8)}`);
    expect(checkTopic(topic)).toEqual({ ok: true, value: topic });
  });

  it('two suggestions from real randomness differ and are long enough not to be guessed', () => {
    const a = suggestTopic({ bytes: (n) => crypto.getRandomValues(new Uint8Array(n)), int: () => 0 });
    const b = suggestTopic({ bytes: (n) => crypto.getRandomValues(new Uint8Array(n)), int: () => 0 });
    expect(a).not.toBe(b);
    expect(a).toMatch(/^oncall-[a-z0-9]{24}$/);
  });
});

describe('checkEmail', () => {
  it.each([
    ['alice@example.com', 'alice@example.com'],
    [' Alice.Smith+oncall@Mail.Example.CO.uk ', 'Alice.Smith+oncall@mail.example.co.uk'],
  ])('%j is %s', (typed, value) => {
    expect(checkEmail(typed)).toEqual({ ok: true, value });
  });
  it.each([
    ['', /Type an e-mail address/],
    ['alice.example.com', /exactly one @/],
    ['a@b@example.com', /exactly one @/],
    ['@example.com', /1 to 64 characters/],
    ['al ice@example.com', /a character an address cannot have/],
    ['alice..s@example.com', /a character an address cannot have/],
    ['alice@localhost', /"localhost" is not a mail domain/],
    ['alice@-bad.com', /not a mail domain/],
    ['alice@example.c0m', /not a mail domain/],
  ])('%j is refused: %s', (typed, message) => {
    const checked = checkEmail(typed);
    expect(checked.ok).toBe(false);
    if (!checked.ok) {
      expect(checked.error).toMatch(message);
      expect(checked.error).toContain('e.g. alice@example.com');
    }
  });
});

describe('maskValue', () => {
  it.each([
    ['voice', '+447700900123', '+44•••••0123'],
    ['sms', '+14155550123', '+14•••••0123'],
    ['push', 'oncall-3kq9x2mfp7wz4t8hv6cb9f2a', 'oncall-•••••9f2a'],
    ['push', 'alice', '•••••'],
    ['push', 'mytopicwithoutdash123456', '•••••3456'],
    ['email', 'alice@example.com', 'a•••@example.com'],
    ['email', 'broken', '•••••'],
  ] as const)('%s %s -> %s', (kind, value, masked) => {
    expect(maskValue(kind, value)).toBe(masked);
  });

  it('never shows more than the last four characters of the secret part', () => {
    const topic = 'oncall-abcdefghijklmnopqrstuvwx';
    const masked = maskValue('push', topic);
    expect(masked).not.toContain('abcd');
    expect(masked.replace(/^oncall-•+/, '')).toHaveLength(4);
  });
});

describe('verification codes', () => {
  const NOW = Date.parse('2026-03-01T12:00:00Z');
  const binding = { userId: 'U0ALICE', channel: 'phone' as const, value: '+447700900123' };
  const pending = (code: string, extra: Partial<PendingCode> = {}): PendingCode => ({
    ...binding,
    salt: 'salt0123',
    codeHash: hashCode(code, 'salt0123', binding),
    expiresAt: NOW + CODE_TTL_MS,
    tries: 0,
    ...extra,
  });

  it('six digits from the randomness, leading zeros kept', () => {
    expect(newCode(scriptedRandomness([0], [4217]))).toBe('004217');
    expect(newCode(scriptedRandomness([0], [999_999]))).toBe('999999');
  });

  it('the stored hash is an HMAC keyed by the salt over who, channel, value and code: never the code itself', () => {
    const hash = hashCode('123456', 'salt0123', binding);
    expect(hash).not.toContain('123456');
    expect(hash).toBe(createHmac('sha256', 'salt0123').update('U0ALICE\nphone\n+447700900123\n123456').digest('hex'));
    // bound to the value: the same code for another number hashes differently
    expect(hashCode('123456', 'salt0123', { ...binding, value: '+447700900124' })).not.toBe(hash);
  });

  it.each([
    ['the right code, in time', '123456', {}, NOW, { outcome: 'verified' }],
    ['the right code one ms before expiry', '123456', {}, NOW + CODE_TTL_MS - 1, { outcome: 'verified' }],
    ['the right code at expiry', '123456', {}, NOW + CODE_TTL_MS, { outcome: 'expired' }],
    ['a wrong code, first try', '654321', {}, NOW, { outcome: 'wrong', triesLeft: CODE_MAX_TRIES - 1 }],
    ['a wrong code on the fourth try', '654321', { tries: 3 }, NOW, { outcome: 'wrong', triesLeft: 1 }],
    ['a wrong code on the fifth try', '654321', { tries: 4 }, NOW, { outcome: 'exhausted' }],
    ['the right code after five wrong ones', '123456', { tries: 5 }, NOW, { outcome: 'exhausted' }],
    ['the right code on the fifth try', '123456', { tries: 4 }, NOW, { outcome: 'verified' }],
    ['no digits at all', 'abcdef', {}, NOW, { outcome: 'wrong', triesLeft: CODE_MAX_TRIES - 1 }],
  ] as const)('%s', (_name, typed, extra, now, decision) => {
    expect(decideCode(pending('123456', extra), typed, now)).toEqual(decision);
  });

  it('reads what people type as a code', () => {
    expect(readCode(' 123 456 ')).toBe('123456');
    expect(readCode('123-456')).toBe('123456');
    expect(readCode('12345')).toBeNull();
    expect(readCode('1234567')).toBeNull();
    expect(readCode('abcdef')).toBeNull();
  });
});
