/**
 * decideSlackFallback as a table: 60 s after a DM step, who is reached another way at once, and how.
 * Each row: the step's people (delivered or not, what they verified, what the wake rules planned and whether
 * it already fired), what the bot can send, and the decision as one line.
 */
import { describe, expect, it } from 'vitest';
import {
  decideSlackFallback,
  fallbackNotice,
  waysSaid,
  type FallbackDecision,
  type FallbackInput,
  type FallbackPerson,
} from '../../src/paging/page-fallback.js';

const DM_CHAIN = { chatOnly: false, task: false };
const ALL = ['push', 'sms', 'voice', 'email'] as const;

const person = (userId: string, p: Partial<FallbackPerson> = {}): FallbackPerson => ({
  userId,
  delivered: false,
  verified: [],
  planned: [],
  ...p,
});

function input(people: FallbackPerson[], i: Partial<FallbackInput> = {}): FallbackInput {
  return {
    page: { status: 'open', stepIndex: 0, loop: 0 },
    chain: DM_CHAIN,
    position: { stepIndex: 0, loop: 0 },
    people,
    sendable: [...ALL],
    ...i,
  };
}

/** The decision as one line: "skip why", or "wake U:via ... | cancel U#index ... | via a,b". */
function line(d: FallbackDecision): string {
  if (d.kind === 'skip') return `skip ${d.why}`;
  const wakes = d.wakes.map((w) => `${w.userId}:${w.via}`).join(' ');
  const cancel = d.cancel.map((c) => `${c.userId}#${c.index}`).join(' ') || '-';
  return `wake ${wakes} | cancel ${cancel} | via ${d.via.join(',')}`;
}

// The default P0 wake rules: [slack 0, push 1m, voice 3m] -> indexes 1 (push) and 2 (voice).
const P0_PLAN = (pushPending: boolean, voicePending: boolean) => [
  { index: 1, via: 'push' as const, pending: pushPending },
  { index: 2, via: 'voice' as const, pending: voicePending },
];

describe('decideSlackFallback', () => {
  it.each<[string, FallbackInput, string]>([
    [
      'Slack has not delivered Alice’s DM: push and call at once, the wake timers they replace cancelled',
      input([person('U0ALICE', { verified: ['voice', 'push'], planned: P0_PLAN(true, true) })]),
      'wake U0ALICE:push U0ALICE:voice | cancel U0ALICE#1 U0ALICE#2 | via push,voice',
    ],
    [
      'regardless of the wake rules: a severity with none still uses every verified way, in order push, sms, voice, email',
      input([person('U0ALICE', { verified: ['email', 'voice', 'sms', 'push'] })]),
      'wake U0ALICE:push U0ALICE:sms U0ALICE:voice U0ALICE:email | cancel - | via push,sms,voice,email',
    ],
    [
      'a way the wake rules already used this step (its timer fired) is not used twice',
      input([person('U0ALICE', { verified: ['push', 'voice'], planned: P0_PLAN(false, true) })]),
      'wake U0ALICE:voice | cancel U0ALICE#2 | via push,voice',
    ],
    [
      'every way already used: nothing left to add',
      input([person('U0ALICE', { verified: ['push', 'voice'], planned: P0_PLAN(false, false) })]),
      'skip no-other-way',
    ],
    [
      'only the ways the bot can send (no Twilio configured: push only)',
      input([person('U0ALICE', { verified: ['push', 'voice', 'sms'], planned: P0_PLAN(true, true) })], { sendable: ['push'] }),
      'wake U0ALICE:push | cancel U0ALICE#1 | via push',
    ],
    [
      'each person whose DM is undelivered; one whose DM arrived is left alone',
      input([
        person('U0ALICE', { verified: ['push'], delivered: true }),
        person('U0BOB', { verified: ['sms', 'push'] }),
        person('U0CAROL', { verified: ['voice'] }),
      ]),
      'wake U0BOB:push U0BOB:sms U0CAROL:voice | cancel - | via push,sms,voice',
    ],
    [
      'someone with no other way is skipped; the others are still reached',
      input([person('U0ALICE'), person('U0BOB', { verified: ['push'] })]),
      'wake U0BOB:push | cancel - | via push',
    ],
    ['every DM delivered: nothing', input([person('U0ALICE', { verified: ['push'], delivered: true })]), 'skip delivered'],
    ['Slack failed but nobody has another way', input([person('U0ALICE'), person('U0BOB')]), 'skip no-other-way'],
    [
      'the page was acknowledged (by phone, during the outage): nothing',
      input([person('U0ALICE', { verified: ['push'] })], { page: { status: 'acknowledged', stepIndex: 0, loop: 0 } }),
      'skip closed',
    ],
    [
      'the page was resolved: nothing',
      input([person('U0ALICE', { verified: ['push'] })], { page: { status: 'resolved', stepIndex: 0, loop: 0 } }),
      'skip closed',
    ],
    [
      'the page moved on to a later step (escalated): that step has its own check',
      input([person('U0ALICE', { verified: ['push'] })], { page: { status: 'open', stepIndex: 1, loop: 0 } }),
      'skip moved-on',
    ],
    [
      'the same step of a later round is another step',
      input([person('U0ALICE', { verified: ['push'] })], { page: { status: 'open', stepIndex: 0, loop: 1 } }),
      'skip moved-on',
    ],
    [
      'a chat-only chain never falls back',
      input([person('U0ALICE', { verified: ['push'] })], { chain: { chatOnly: true, task: false } }),
      'skip chat-or-task',
    ],
    [
      'a task never falls back',
      input([person('U0ALICE', { verified: ['push'] })], { chain: { chatOnly: false, task: true } }),
      'skip chat-or-task',
    ],
    ['a step that DMed nobody', input([]), 'skip delivered'],
  ])('%s', (_, given, expected) => {
    expect(line(decideSlackFallback(given))).toBe(expected);
  });

  it('a pending wake step of a way not used now (not verified, not sendable) is kept', () => {
    const d = decideSlackFallback(
      input([person('U0ALICE', { verified: ['push', 'voice'], planned: P0_PLAN(true, true) })], { sendable: ['push'] }),
    );
    expect(d).toMatchObject({ kind: 'fall-back', cancel: [{ userId: 'U0ALICE', index: 1 }] });
  });
});

describe('the fallback notice', () => {
  it.each([
    [['push'], 'push'],
    [['push', 'voice'], 'push and phone call'],
    [['push', 'sms', 'voice'], 'push, SMS and phone call'],
  ] as const)('%j -> %s', (via, said) => expect(waysSaid(via)).toBe(said));

  it('the record names the ways the wake rules already used this step too', () => {
    const d = decideSlackFallback(input([person('U0ALICE', { verified: ['push', 'voice'], planned: P0_PLAN(false, true) })]));
    expect(d).toMatchObject({ kind: 'fall-back', reached: [{ userId: 'U0ALICE', via: ['push', 'voice'] }] });
  });

  it('names people by their Slack id and the ways, never a number or topic', () => {
    expect(
      fallbackNotice('[P0] checkout down (#12)', [
        { userId: 'U0ALICE', via: ['push', 'voice'] },
        { userId: 'U0BOB', via: ['push'] },
      ]),
    ).toBe(
      ':satellite_antenna: [P0] checkout down (#12): Slack did not deliver within 60 s: reached <@U0ALICE> by push and phone call, <@U0BOB> by push.',
    );
  });
});
