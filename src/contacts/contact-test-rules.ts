/**
 * Test pages (`/oncall test-page [@who]`), pure: which ways a test tries and in what order, what each event does
 * to a running test (which way goes next and when, when it is over), how its result reads, and the signed
 * links that acknowledge it from a phone. A test is not a page: it climbs no chain and counts in no report.
 *
 *   Alice verified push and voice: slack at 0, push at 1m, voice at 2m, given up 5m after the call (7m)
 *   she taps Acknowledge on the push at 1m 10s -> "reached by push after 1m 10s", the call never goes out
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { HOUR, MINUTE } from '../time/clock.js';
import type { ContactKind } from './contact-rules.js';

/** The order a test tries the ways: Slack's DM first (with its button), then the louder ones, e-mail last. */
export const TEST_ORDER = ['slack', 'push', 'sms', 'voice', 'email'] as const;
export type TestVia = (typeof TEST_ORDER)[number];

/** Time between one way and the next. */
export const TEST_GAP_MS = MINUTE;
/** How long after the last way the test waits before it gives up. */
export const TEST_GIVE_UP_MS = 5 * MINUTE;

export const isTestVia = (text: string): text is TestVia => (TEST_ORDER as readonly string[]).includes(text);

/**
 * The ways a test tries for someone with these verified kinds: Slack, then each verified kind the bot can send
 * through, in TEST_ORDER. `unsendable`: verified, but this bot is not set up for it (no Twilio, no SMTP).
 */
export function testMethods(
  verified: readonly ContactKind[],
  canSend: (kind: ContactKind) => boolean,
): { methods: TestVia[]; unsendable: ContactKind[] } {
  const methods: TestVia[] = ['slack'];
  const unsendable: ContactKind[] = [];
  for (const via of TEST_ORDER) {
    if (via === 'slack' || !verified.includes(via)) continue;
    if (canSend(via)) methods.push(via);
    else unsendable.push(via);
  }
  return { methods, unsendable };
}

export type TestStatus = 'running' | 'acknowledged' | 'unanswered';

export interface TestState {
  status: TestStatus;
  methods: readonly TestVia[];
  /** How many of `methods` have gone out. */
  sent: number;
  startedAt: number;
}

export type TestEvent =
  | { kind: 'start' }
  /** The timer for methods[index] (or, at index === methods.length, for giving up) fired. */
  | { kind: 'next'; index: number }
  | { kind: 'ack'; via: TestVia }
  /** The call (or another way) reported it did not reach the person (busy, no answer, failed): the next way goes now. */
  | { kind: 'unanswered'; via: TestVia };

export type TestDecision =
  | {
      ok: true;
      /** Ways to send now, by their index in `methods`. */
      send: Array<{ index: number; via: TestVia }>;
      sent: number;
      /** The next timer: the way at `index`, or giving up when index === methods.length. Null: none. */
      next: { index: number; dueAt: number } | null;
      /** The test is over. */
      end: { status: Exclude<TestStatus, 'running'>; via: TestVia | null; elapsedMs: number } | null;
    }
  /** Nothing happens: a stale timer, or an acknowledgement that comes too late or too early (the reason says which). */
  | { ok: false; why: 'over' | 'not_sent' | 'stale' };

/** The timer after methods[index] went out: the next way a gap later, or giving up after the last one. */
function nextAfter(state: TestState, index: number, now: number): { index: number; dueAt: number } {
  const following = index + 1;
  return { index: following, dueAt: now + (following < state.methods.length ? TEST_GAP_MS : TEST_GIVE_UP_MS) };
}

export function decideTest(state: TestState, event: TestEvent, now: number): TestDecision {
  if (state.status !== 'running') return { ok: false, why: event.kind === 'next' ? 'stale' : 'over' };
  switch (event.kind) {
    case 'start': {
      if (state.sent > 0 || state.methods.length === 0) return { ok: false, why: 'stale' };
      return { ok: true, send: [{ index: 0, via: state.methods[0]! }], sent: 1, next: nextAfter(state, 0, now), end: null };
    }
    case 'next': {
      // Only the timer for the way due next counts: a second firing (or a timer left from before) does nothing.
      if (event.index !== state.sent) return { ok: false, why: 'stale' };
      if (event.index >= state.methods.length)
        return {
          ok: true,
          send: [],
          sent: state.sent,
          next: null,
          end: { status: 'unanswered', via: null, elapsedMs: now - state.startedAt },
        };
      const via = state.methods[event.index]!;
      return { ok: true, send: [{ index: event.index, via }], sent: event.index + 1, next: nextAfter(state, event.index, now), end: null };
    }
    case 'unanswered': {
      // Only the way sent last moves the test on, and only to a way still to come: after the last way the test
      // keeps waiting for an acknowledgement through the others until it gives up.
      if (state.sent === 0 || state.methods[state.sent - 1] !== event.via || state.sent >= state.methods.length)
        return { ok: false, why: 'stale' };
      return decideTest(state, { kind: 'next', index: state.sent }, now);
    }
    case 'ack': {
      // A link is made only when its way is sent, so this is a forged-looking or out-of-order one: nothing changes.
      if (!state.methods.slice(0, state.sent).includes(event.via)) return { ok: false, why: 'not_sent' };
      return {
        ok: true,
        send: [],
        sent: state.sent,
        next: null,
        end: { status: 'acknowledged', via: event.via, elapsedMs: now - state.startedAt },
      };
    }
  }
}

/** "45s", "1m 10s", "3m", "1h 2m": how long a test took, to the second (below an hour). */
export function elapsedWords(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return m > 0 ? `${h}h ${m}m` : `${h}h`;
  if (m > 0) return s > 0 ? `${m}m ${s}s` : `${m}m`;
  return `${s}s`;
}

export const VIA_WORDS: Record<TestVia, string> = {
  slack: 'Slack',
  push: 'push',
  sms: 'text message',
  voice: 'phone call',
  email: 'e-mail',
};

/** The outcome in a few words: "reached by push after 1m 10s", "not acknowledged (tried Slack, push) after 7m". */
export function testOutcomeWords(test: {
  status: TestStatus;
  methods: readonly TestVia[];
  sent: number;
  ackedVia: TestVia | null;
  startedAt: number;
  endedAt: number | null;
}): string {
  if (test.status === 'running')
    return `running: ${test.methods
      .slice(0, test.sent)
      .map((v) => VIA_WORDS[v])
      .join(', ')} sent so far`;
  const took = elapsedWords((test.endedAt ?? test.startedAt) - test.startedAt);
  if (test.status === 'acknowledged' && test.ackedVia) return `reached by ${VIA_WORDS[test.ackedVia]} after ${took}`;
  return `not acknowledged (tried ${test.methods.map((v) => VIA_WORDS[v]).join(', ')}) after ${took}`;
}

// ---- acknowledge links of a test ----

/** How long a test's acknowledge link works: a test is over within minutes. */
export const TEST_TOKEN_TTL_MS = HOUR;

export interface TestClaim {
  testId: number;
  userId: string;
  /** The way the link was sent through: acknowledging with it says that way woke the person. */
  via: TestVia;
  expiresAt: number;
}

export type TestTokenCheck = { ok: true; claim: TestClaim } | { ok: false; why: 'malformed' | 'forged' | 'expired' };

// A domain of its own in the signed text: a test link can never pass for a page's, nor the reverse.
const sign = (secret: string, body: string) => createHmac('sha256', secret).update(`contact-test\n${body}`).digest('base64url');

/**
 *   t1.7.U0ALICE.push.1767585600000.<signature>     test 7, Alice, sent by push, valid until that instant
 */
export function makeTestToken(secret: string, claim: TestClaim): string {
  const body = `t1.${claim.testId}.${claim.userId}.${claim.via}.${claim.expiresAt}`;
  return `${body}.${sign(secret, body)}`;
}

export function checkTestToken(secret: string, token: string, now: number): TestTokenCheck {
  const match = /^t1\.(\d{1,12})\.([A-Z0-9]{1,32})\.([a-z]{1,8})\.(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match || !isTestVia(match[3]!)) return { ok: false, why: 'malformed' };
  const [, testId, userId, via, expiresAt, signature] = match;
  const expected = Buffer.from(sign(secret, `t1.${testId}.${userId}.${via}.${expiresAt}`));
  const given = Buffer.from(signature!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, why: 'forged' };
  if (Number(expiresAt) <= now) return { ok: false, why: 'expired' };
  return { ok: true, claim: { testId: Number(testId), userId: userId!, via: via as TestVia, expiresAt: Number(expiresAt) } };
}
