/** planWake, pure: which of policy.wake's steps reach a person beyond their Slack DM. */
import { describe, expect, it } from 'vitest';
import type { WakeStep } from '../../src/config/policy.js';
import { planWake, type PlannedWake } from '../../src/paging/page-wake.js';
import { MINUTE } from '../../src/time/clock.js';

const P0: WakeStep[] = [
  { afterMs: 0, via: 'slack' },
  { afterMs: MINUTE, via: 'push' },
  { afterMs: 3 * MINUTE, via: 'voice' },
];
const paging = { chatOnly: false, task: false };

describe('planWake', () => {
  it.each<[string, Parameters<typeof planWake>[0], PlannedWake[]]>([
    [
      'push and voice verified: push at 1 min, call at 3 min',
      { chain: paging, steps: P0, verified: ['push', 'voice'] },
      [
        { index: 1, afterMs: MINUTE, via: 'push' },
        { index: 2, afterMs: 3 * MINUTE, via: 'voice' },
      ],
    ],
    [
      'only push verified: push only',
      { chain: paging, steps: P0, verified: new Set(['push', 'sms']) },
      [{ index: 1, afterMs: MINUTE, via: 'push' }],
    ],
    ['nothing verified: nothing beyond Slack', { chain: paging, steps: P0, verified: [] }, []],
    ['a method verified but not in the rules: not used', { chain: paging, steps: P0, verified: ['sms', 'email'] }, []],
    ['slack is never planned (it is the DM)', { chain: paging, steps: [{ afterMs: 0, via: 'slack' }], verified: ['push'] }, []],
    ['a severity without wake steps', { chain: paging, steps: undefined, verified: ['push', 'voice'] }, []],
    ['a chat-only chain never calls', { chain: { chatOnly: true, task: false }, steps: P0, verified: ['push', 'voice'] }, []],
    ['a task never calls', { chain: { chatOnly: false, task: true }, steps: P0, verified: ['push', 'voice'] }, []],
    [
      'email when verified keeps its index',
      {
        chain: paging,
        steps: [
          { afterMs: 0, via: 'slack' },
          { afterMs: 2 * MINUTE, via: 'email' },
        ],
        verified: ['email'],
      },
      [{ index: 1, afterMs: 2 * MINUTE, via: 'email' }],
    ],
  ])('%s', (_name, input, expected) => {
    expect(planWake(input)).toEqual(expected);
  });
});
