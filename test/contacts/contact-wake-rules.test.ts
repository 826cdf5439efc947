/** A person's own wake rules, pure: what `/oncall contact also ...` accepts, and every refusal says why. */
import { describe, expect, it } from 'vitest';
import { readPersonalRule, ruleWords } from '../../src/contacts/contact-wake-rules.js';
import { MINUTE } from '../../src/time/clock.js';
import { pagingPolicy } from '../support/paging-scenario.js';

const policy = pagingPolicy(['wake: { P0: [{ after: 0, via: slack }, { after: 1m, via: push }, { after: 3m, via: voice }] }']);

describe('readPersonalRule', () => {
  it.each<[string, string, unknown]>([
    ['text at once for P0', 'sms P0 now', { ok: true, rule: { severity: 'P0', via: 'sms', afterMs: 0 } }],
    ['no delay means at once', 'text p0', { ok: true, rule: { severity: 'P0', via: 'sms', afterMs: 0 } }],
    ['a call earlier than the policy', 'call P0 after 1m', { ok: true, rule: { severity: 'P0', via: 'voice', afterMs: MINUTE } }],
    [
      'push for P1, which the policy reaches by Slack alone',
      'push P1 after 2m',
      { ok: true, rule: { severity: 'P1', via: 'push', afterMs: 2 * MINUTE } },
    ],
  ])('%s', (_name, typed, expected) => {
    expect(readPersonalRule(typed.split(' '), policy)).toEqual(expected);
  });

  it.each<[string, string, string]>([
    ['not earlier than the policy', 'call P0 after 5m', 'The policy already uses phone call after 3m for P0'],
    ['the same as the policy', 'push P0 after 1m', 'adds nothing'],
    ['an unknown way', 'fax P0 now', '"fax" is not a way to reach you; use push, sms, call or email.'],
    ['an unknown severity', 'sms P9 now', '"P9" is not a severity; use one of P0, P1, P2, P3.'],
    ['a severity that pages nobody', 'sms P3 now', 'P3 never pages anyone'],
    ['not a delay', 'sms P0 after soon', '"after soon" is not a delay'],
    ['too long', 'sms P0 after 2h', "A rule's delay can be at most 1h"],
  ])('refuses %s', (_name, typed, error) => {
    const read = readPersonalRule(typed.split(' '), policy);
    expect(read.ok).toBe(false);
    expect(read.ok ? '' : read.error).toContain(error);
  });

  it('reads back in words', () => {
    expect(ruleWords({ severity: 'P0', via: 'sms', afterMs: 0 })).toBe('P0: text message at once');
    expect(ruleWords({ severity: 'P1', via: 'voice', afterMs: 2 * MINUTE })).toBe('P1: phone call after 2m');
  });
});
