/**
 * `/oncall test-page [@who]`: a test through every verified way of one person, one after another (Slack's DM with
 * an Acknowledge button first, then push, text, call, e-mail, a minute apart) until they acknowledge; then the
 * requester is told which way woke them and how long it took, and their Home shows it. Admins may test someone
 * else. A test has its own table (contact_tests) and timers: it is never a page, climbs no chain, counts in no
 * report.
 *
 * Each step is gather (the test row), decide (contact-test-rules.ts, pure), apply (row, timer, outbox) in one
 * transaction. What goes to a phone is an outbox call naming the test and the way (`contact_test.send`); the
 * number, topic or address is read only when it is sent, and its acknowledge link is signed for that test, that
 * person and that way (contact-test-routes.ts takes it back).
 */
import type { App } from '@slack/bolt';
import { z } from 'zod';
import type { Policy } from '../config/policy.js';
import type { Db } from '../db/connection.js';
import type { CallOutcome } from '../engine/delivery.js';
import type { Engine, EngineTx } from '../engine/engine.js';
import { PRIORITY, type SlackCaller } from '../engine/outbox.js';
import { timerKind } from '../engine/timer-registry.js';
import type { Logger } from '../logger.js';
import { allowedPeople, isAdmin, listOf } from '../permissions/who-may.js';
import type { SlashCommand } from '../slack/commands.js';
import { pressButton, type ButtonArgs } from '../slack/pre-ack.js';
import { mention, parseMention, slackDate } from '../slack/format.js';
import type { Clock } from '../time/clock.js';
import { channelOf, type ContactKind } from './contact-rules.js';
import type { ContactSender, ContactMessage } from './contact-sender.js';
import { recordTest, verifiedKindsByUser, verifiedValue } from './contact-store.js';
import {
  decideTest,
  makeTestToken,
  TEST_TOKEN_TTL_MS,
  testMethods,
  testOutcomeWords,
  VIA_WORDS,
  type TestVia,
} from './contact-test-rules.js';
import { createTest, findTest, runningTestOf, updateTest, type ContactTest } from './contact-test-store.js';

/** The next way of a test (or giving up, at index === methods.length). */
export const CONTACT_TEST_TIMER = timerKind(
  'contact_test.next',
  z.object({ testId: z.number().int().positive(), index: z.number().int().nonnegative() }),
);

/** The outbox method that sends one way of a test through a provider. */
export const CONTACT_TEST_SEND = 'contact_test.send';
export const isContactTestMethod = (method: string): boolean => method === CONTACT_TEST_SEND;

export const CONTACT_TEST_ACK_ACTION = 'contact_test_ack';

const subjectOf = (testId: number) => `contact-test:${testId}`;
/** The outbox ref of the test's Slack DM, edited when the test is over. */
export const testDmRef = (testId: number) => `contact-test:${testId}:dm`;

export interface ContactTestDeps {
  db: Db;
  engine: Engine;
  policy: Policy;
  clock: Clock;
  logger: Logger;
  sender: ContactSender;
  /** The bot's public base URL, without a trailing slash. */
  publicUrl(): string;
  ackSecret: string;
  /** The person's Home shows the test: redraw it (in the same transaction). */
  homeChanged(tx: EngineTx): void;
}

export type TestAckOutcome = { ok: true; test: ContactTest; words: string } | { ok: false; message: string };

/** Test pages: start, next way, acknowledge. Every method runs inside the caller's transaction. */
export class ContactTestService {
  constructor(private readonly deps: Pick<ContactTestDeps, 'sender' | 'logger' | 'homeChanged'>) {}

  register(engine: Engine): void {
    engine.on(CONTACT_TEST_TIMER, (timer, tx) => this.next(tx, timer.payload.testId, timer.payload.index));
  }

  /**
   * Starts a test for `userId`, asked by `requestedBy` (the permission is the command's to check). Refused when
   * one is running for them, or when they have no verified way beyond Slack the bot can send through.
   */
  start(
    tx: EngineTx,
    userId: string,
    requestedBy: string,
  ): { ok: true; test: ContactTest; unsendable: ContactKind[] } | { ok: false; message: string } {
    const self = userId === requestedBy;
    const running = runningTestOf(tx.db, userId);
    if (running)
      return {
        ok: false,
        message: `A test page for ${self ? 'you' : mention(userId)} is already running (started ${slackDate(running.startedAt)}, ${testOutcomeWords(running)}). Acknowledge it, or wait until it gives up.`,
      };
    const verified = verifiedKindsByUser(tx.db)[userId] ?? [];
    const { methods, unsendable } = testMethods(verified, (kind) => this.deps.sender.canSend(kind));
    if (methods.length < 2) {
      const why =
        unsendable.length > 0
          ? ` (${listOf(
              unsendable.map((k) => VIA_WORDS[k]),
              'and',
            )} ${unsendable.length === 1 ? 'is' : 'are'} verified, but this bot is not set up to send ${unsendable.length === 1 ? 'it' : 'them'})`
          : '';
      return {
        ok: false,
        message: self
          ? `You have no verified way beyond Slack to test${why}. Add a phone number, an ntfy topic or an e-mail address with \`/oncall contact\`, type back the code it sends, then \`/oncall test-page\`.`
          : `${mention(userId)} has no verified way beyond Slack to test${why}. They can add one with \`/oncall contact\`.`,
      };
    }
    const test = createTest(tx.db, { userId, requestedBy, methods, now: tx.now });
    this.apply(tx, test, decideTest(test, { kind: 'start' }, tx.now));
    this.deps.logger.info({ testId: test.id, userId, requestedBy, methods }, 'test page started');
    this.deps.homeChanged(tx);
    return { ok: true, test: findTest(tx.db, test.id)!, unsendable };
  }

  /** The timer for the way at `index` fired. */
  next(tx: EngineTx, testId: number, index: number): void {
    const test = findTest(tx.db, testId);
    if (!test) return;
    this.apply(tx, test, decideTest(test, { kind: 'next', index }, tx.now));
  }

  /**
   * The test's call through `via` ended unanswered (busy, no answer, failed): the next way goes at once instead of
   * at its minute (its timer is dropped, so it is not sent twice).
   */
  unanswered(tx: EngineTx, testId: number, via: TestVia): void {
    const test = findTest(tx.db, testId);
    if (!test) return;
    const decision = decideTest(test, { kind: 'unanswered', via }, tx.now);
    if (!decision.ok) return;
    tx.cancel(subjectOf(test.id), CONTACT_TEST_TIMER.kind, `${subjectOf(test.id)}:${test.sent}`);
    this.apply(tx, test, decision);
  }

  /** `userId` acknowledged test `testId` through `via`. Only the person tested may. */
  acknowledge(tx: EngineTx, testId: number, userId: string, via: TestVia): TestAckOutcome {
    const test = findTest(tx.db, testId);
    if (!test) return { ok: false, message: `There is no test page #${testId}.` };
    if (test.userId !== userId)
      return { ok: false, message: `Test page #${testId} is for ${mention(test.userId)}; only they can acknowledge it.` };
    const decision = decideTest(test, { kind: 'ack', via }, tx.now);
    if (!decision.ok)
      return {
        ok: false,
        message:
          decision.why === 'not_sent'
            ? `Test page #${testId} has not been sent by ${VIA_WORDS[via]} yet.`
            : `Test page #${testId} is already over: ${testOutcomeWords(test)}.`,
      };
    this.apply(tx, test, decision);
    const after = findTest(tx.db, testId)!;
    this.deps.logger.info({ testId, userId, via }, 'test page acknowledged');
    return { ok: true, test: after, words: testOutcomeWords(after) };
  }

  private apply(tx: EngineTx, test: ContactTest, decision: ReturnType<typeof decideTest>): void {
    if (!decision.ok) return;
    for (const { index, via } of decision.send) {
      if (via === 'slack') tx.enqueue(this.slackDm(test));
      else
        tx.enqueue({
          method: CONTACT_TEST_SEND,
          args: { testId: test.id, via, index },
          priority: PRIORITY.notice,
          lane: `contact-test:${test.userId}:${via}`,
        });
    }
    if (decision.next)
      tx.schedule(
        CONTACT_TEST_TIMER.spec({
          subject: subjectOf(test.id),
          dueAt: decision.next.dueAt,
          key: `${subjectOf(test.id)}:${decision.next.index}`,
          payload: { testId: test.id, index: decision.next.index },
        }),
      );
    if (!decision.end) {
      if (decision.sent !== test.sent) updateTest(tx.db, test.id, { sent: decision.sent });
      return;
    }
    const { status, via } = decision.end;
    updateTest(tx.db, test.id, { status, ackedVia: via, endedAt: tx.now });
    tx.cancel(subjectOf(test.id));
    const ended = findTest(tx.db, test.id)!;
    const words = testOutcomeWords(ended);
    // The DM the test began with says how it ended, its button gone.
    tx.enqueue({
      method: 'chat.update',
      targetRef: testDmRef(test.id),
      args: {
        text: `Test page #${test.id}: ${words}.`,
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:white_check_mark: *Test page #${test.id}*: ${words}.` } }],
      },
      priority: PRIORITY.cosmetic,
    });
    const whom = test.requestedBy === test.userId ? 'you' : mention(test.userId);
    tx.enqueue({
      method: 'chat.postMessage',
      args: {
        channel: test.requestedBy,
        text: `Test page #${test.id} for ${whom}: ${words}. Tried ${test.methods.map((v) => VIA_WORDS[v]).join(', then ')}.${
          status === 'unanswered' ? ' Check the methods in `/oncall contact show`.' : ''
        }`,
      },
      priority: PRIORITY.notice,
    });
    this.deps.homeChanged(tx);
  }

  private slackDm(test: ContactTest) {
    const from = test.requestedBy === test.userId ? 'you asked for it' : `${mention(test.requestedBy)} sent it`;
    const text = `:test_tube: Test page #${test.id}: nothing is wrong, ${from}. Acknowledge it from whichever way reaches you first (Slack now; then ${test.methods
      .slice(1)
      .map((v) => VIA_WORDS[v])
      .join(', then ')}, a minute apart).`;
    return {
      method: 'chat.postMessage',
      args: {
        channel: test.userId,
        text,
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text } },
          {
            type: 'actions',
            elements: [
              {
                type: 'button',
                action_id: CONTACT_TEST_ACK_ACTION,
                style: 'primary',
                text: { type: 'plain_text', text: 'Acknowledge' },
                value: String(test.id),
              },
            ],
          },
        ],
      },
      priority: PRIORITY.notice,
      ref: testDmRef(test.id),
    };
  }
}

const sendArgs = z.object({ testId: z.number().int().positive(), via: z.enum(['push', 'sms', 'voice', 'email']), index: z.number().int() });

/** The acknowledge link of one test, for one way. */
export function testAckUrl(deps: Pick<ContactTestDeps, 'publicUrl' | 'ackSecret'>, test: ContactTest, via: TestVia, now: number): string {
  return `${deps.publicUrl()}/ack-test/${makeTestToken(deps.ackSecret, { testId: test.id, userId: test.userId, via, expiresAt: now + TEST_TOKEN_TTL_MS })}`;
}

/** What one way of a test says. A call fetches its TwiML ("press any key") from the test's own route. */
export function testMessage(test: ContactTest, via: Exclude<TestVia, 'slack'>, ackUrl: string): Omit<ContactMessage, 'to'> {
  const title = `Test page #${test.id} from the on-call bot`;
  switch (via) {
    case 'push':
      return {
        kind: 'push',
        title,
        text: 'Nothing is wrong: this is a test. Tap Acknowledge to say this push woke you.',
        priority: 4,
        tags: ['test_tube'],
        click: ackUrl,
        actions: `http, Acknowledge, ${ackUrl}, method=POST, clear=true`,
      };
    case 'sms':
      return { kind: 'sms', title, text: `${title}: nothing is wrong. Open this link to say this text woke you: ${ackUrl}` };
    case 'voice':
      // How the call ended comes back to the test's own route: busy, no answer or failed moves on at once.
      return { kind: 'voice', title, text: title, url: `${ackUrl}/voice`, statusCallback: `${ackUrl}/status` };
    case 'email':
      return { kind: 'email', title, text: `${title}: nothing is wrong. Open this link to say this e-mail woke you: ${ackUrl}` };
  }
}

/**
 * The outbox's caller for `contact_test.send`: reads the test and the verified value now, sends, and records the
 * outcome as the method's last test. A test already over, or a way no longer verified, is refused for good.
 */
export function contactTestCaller(deps: Pick<ContactTestDeps, 'db' | 'clock' | 'sender' | 'publicUrl' | 'ackSecret'>): SlackCaller {
  return {
    async call(method, raw): Promise<CallOutcome> {
      const parsed = sendArgs.safeParse(raw);
      if (method !== CONTACT_TEST_SEND || !parsed.success) return { kind: 'refused', reason: 'a test call with malformed arguments' };
      const { testId, via } = parsed.data;
      const test = findTest(deps.db, testId);
      if (!test) return { kind: 'refused', reason: 'the test no longer exists' };
      if (test.status !== 'running') return { kind: 'refused', reason: `not sent: the test was ${test.status} first` };
      const to = verifiedValue(deps.db, test.userId, via);
      if (to === null) return { kind: 'refused', reason: `the person has no verified ${via} method any more` };
      const now = deps.clock.now();
      const message = { ...testMessage(test, via, testAckUrl(deps, test, via, now)), to };
      let result: Awaited<ReturnType<ContactSender['send']>>;
      try {
        result = await deps.sender.send(message);
      } catch (error) {
        return { kind: 'network_error', message: `could not send (${error instanceof Error ? error.name : 'error'})` };
      }
      if (result.ok || !result.transient)
        recordTest(deps.db, test.userId, channelOf(via), to, now, result.ok ? `test page #${test.id} sent` : `failed: ${result.reason}`);
      if (result.ok) return { kind: 'ok' };
      return result.transient ? { kind: 'network_error', message: result.reason } : { kind: 'refused', reason: result.reason };
    },
  };
}

/** `/oncall test-page [@who]` and the Acknowledge button of its DM. */
export function registerTestPage(
  oncall: SlashCommand,
  bolt: App,
  service: ContactTestService,
  deps: Pick<ContactTestDeps, 'engine' | 'policy' | 'logger'>,
): void {
  const { engine, policy, logger } = deps;
  oncall.add('test-page', {
    usage: 'test-page [@someone]',
    summary: 'a test through each of your verified ways (Slack, push, text, call, e-mail), a minute apart, until you acknowledge',
    run: ({ args, userId }) => {
      if (args.length > 1 || (args.length === 1 && !parseMention(args[0])))
        return {
          text: `"${args.join(' ')}" is not someone to test. Usage: \`/oncall test-page\` tests you; admins: \`/oncall test-page @someone\`.`,
        };
      const target = args.length === 1 ? parseMention(args[0])! : userId;
      if (target !== userId && !isAdmin(policy, userId)) {
        const admins = allowedPeople(policy, { rotations: [] });
        return {
          text: admins.length
            ? `Only the on-call admins (${listOf(admins)}) can send a test page to someone else. \`/oncall test-page\` tests you; ${mention(target)} can run it themselves.`
            : `Only ${mention(target)} can send themselves a test page: \`/oncall test-page\`.`,
        };
      }
      const started = engine.transact((tx) => service.start(tx, target, userId));
      if (!started.ok) return { text: started.message };
      const { test, unsendable } = started;
      const order = test.methods.map((v) => VIA_WORDS[v]).join(', then ');
      const skipped = unsendable.length
        ? ` (${listOf(
            unsendable.map((k) => VIA_WORDS[k]),
            'and',
          )} skipped: this bot is not set up to send ${unsendable.length === 1 ? 'it' : 'them'})`
        : '';
      return {
        text: `Test page #${test.id} for ${target === userId ? 'you' : mention(target)} is on its way: ${order}, a minute apart${skipped}, until ${target === userId ? 'you acknowledge' : 'they acknowledge'}. You will get a DM with which way woke ${target === userId ? 'you' : 'them'} and how long it took. It never counts in reports.`,
      };
    },
  });

  /** The Acknowledge button of a test page's DM, decided before the ack like every button: only a refusal is answered. */
  async function testAcknowledged({ ack, body, action, client }: ButtonArgs): Promise<void> {
    const testId = Number((action as { value?: unknown }).value);
    const failure = {
      log: 'acknowledging a test page failed',
      fields: { test: testId },
      message: `Something went wrong acknowledging test page #${testId}; nothing changed. Press the button again.`,
    };
    await pressButton({ ack, body, client }, { logger, what: 'a test page', failure }, () =>
      Number.isInteger(testId)
        ? engine.transact((tx) => service.acknowledge(tx, testId, body.user.id, 'slack'))
        : { ok: false, message: 'This button is not about a test page this bot knows.' },
    );
  }

  bolt.action(CONTACT_TEST_ACK_ACTION, testAcknowledged);
}
