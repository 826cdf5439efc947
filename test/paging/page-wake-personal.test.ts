/** planWake with a person's own rules, pure: they add ways or bring them earlier, never remove or delay one. */
import { describe, expect, it } from 'vitest';
import type { WakeStep } from '../../src/config/policy.js';
import type { PersonalWakeRule } from '../../src/contacts/contact-wake-rules.js';
import { planWake, type PlannedWake } from '../../src/paging/page-wake.js';
import { MINUTE } from '../../src/time/clock.js';

const P0: WakeStep[] = [
  { afterMs: 0, via: 'slack' },
  { afterMs: MINUTE, via: 'push' },
  { afterMs: 3 * MINUTE, via: 'voice' },
];
const paging = { chatOnly: false, task: false };
const rule = (via: PersonalWakeRule['via'], afterMs: number, severity = 'P0'): PersonalWakeRule => ({ severity, via, afterMs });
const all = ['push', 'sms', 'voice', 'email'];

describe('planWake with personal rules', () => {
  it.each<[string, Parameters<typeof planWake>[0], PlannedWake[]]>([
    [
      'a way the policy lacks is added (text at once), after the policy steps in index',
      { chain: paging, steps: P0, verified: all, severity: 'P0', personal: [rule('sms', 0)] },
      [
        { index: 3, afterMs: 0, via: 'sms' },
        { index: 1, afterMs: MINUTE, via: 'push' },
        { index: 2, afterMs: 3 * MINUTE, via: 'voice' },
      ],
    ],
    [
      'a way the policy uses comes at the earlier of the two (call at 1m, not 3m), once',
      { chain: paging, steps: P0, verified: all, severity: 'P0', personal: [rule('voice', MINUTE)] },
      [
        { index: 1, afterMs: MINUTE, via: 'push' },
        { index: 2, afterMs: MINUTE, via: 'voice' },
      ],
    ],
    [
      'a later personal delay never delays the policy (push stays at 1m)',
      { chain: paging, steps: P0, verified: all, severity: 'P0', personal: [rule('push', 5 * MINUTE)] },
      [
        { index: 1, afterMs: MINUTE, via: 'push' },
        { index: 2, afterMs: 3 * MINUTE, via: 'voice' },
      ],
    ],
    [
      'a rule for another severity is ignored',
      { chain: paging, steps: P0, verified: all, severity: 'P0', personal: [rule('sms', 0, 'P1')] },
      [
        { index: 1, afterMs: MINUTE, via: 'push' },
        { index: 2, afterMs: 3 * MINUTE, via: 'voice' },
      ],
    ],
    [
      'a rule through a way not verified is ignored',
      { chain: paging, steps: P0, verified: ['push'], severity: 'P0', personal: [rule('sms', 0)] },
      [{ index: 1, afterMs: MINUTE, via: 'push' }],
    ],
    [
      'a severity without policy wake steps: the person rules alone',
      { chain: paging, steps: undefined, verified: all, severity: 'P1', personal: [rule('push', 2 * MINUTE, 'P1'), rule('sms', 0, 'P1')] },
      [
        { index: 1, afterMs: 0, via: 'sms' },
        { index: 0, afterMs: 2 * MINUTE, via: 'push' },
      ],
    ],
    [
      'a chat-only chain never wakes anyone, whatever the person asks',
      { chain: { chatOnly: true, task: false }, steps: P0, verified: all, severity: 'P0', personal: [rule('voice', 0)] },
      [],
    ],
    [
      'a task never wakes anyone, whatever the person asks',
      { chain: { chatOnly: false, task: true }, steps: P0, verified: all, severity: 'P0', personal: [rule('sms', 0)] },
      [],
    ],
  ])('%s', (_name, input, expected) => {
    expect(planWake(input)).toEqual(expected);
  });
});
