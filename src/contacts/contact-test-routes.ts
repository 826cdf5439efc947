/**
 * A test page's own acknowledge routes (its links are signed for one test, one person and one way:
 * contact-test-rules.ts), apart from a page's /ack and /twilio routes:
 *
 *   /ack-test/<token>          GET shows a button, POST acknowledges (a push's action, the link in a text or e-mail)
 *   /ack-test/<token>/voice    the call's TwiML: "press any key" inside a <Gather>    (signed by Twilio)
 *   /ack-test/<token>/gather   the key pressed: acknowledges by phone call            (signed by Twilio)
 *   /ack-test/<token>/status   how the call ended: busy, no answer or failed moves on (signed by Twilio)
 *
 * A malformed, forged or expired link, or a test already over, is 403 with a page that says why; nothing changes.
 * The token is never logged.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import type { Engine } from '../engine/engine.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../time/clock.js';
import { escapeMarkup, readForm, sendHtmlPage as sendPage, sendTwiml } from '../http/replies.js';
import type { ContactTestService } from './contact-test.js';
import { checkTestToken, testOutcomeWords, VIA_WORDS, type TestClaim } from './contact-test-rules.js';
import { findTest } from './contact-test-store.js';
import { isTwilioSignatureValid } from './twilio-signature.js';

export interface TestRouteDeps {
  engine: Engine;
  tests: ContactTestService;
  clock: Clock;
  logger: Logger;
  secret: string;
  /** Twilio's auth token, to check the call's callbacks; null: not configured, every callback is refused. */
  twilioAuthToken: string | null;
  publicUrl(): string;
}

const WHY = {
  malformed: 'This test link is incomplete or was changed.',
  forged: 'This test link was not made by this on-call bot.',
  expired: 'This test link has expired (test links work for an hour).',
} as const;

/** How a call ends without reaching anyone (Twilio's CallStatus). */
const CALL_UNANSWERED: ReadonlySet<string> = new Set(['busy', 'no-answer', 'failed']);

const esc = escapeMarkup;
/** Slack's mrkdwn out of a message meant for a web page or a voice. */
const plain = (text: string) => text.replace(/<@(\w+)>/g, 'someone').replace(/<!date\^\d+\^[^|>]*\|([^>]*)>/g, '$1');

type Req = IncomingMessage & { params?: Record<string, string | string[]> };

function claimOf(deps: TestRouteDeps, req: Req): { ok: true; claim: TestClaim } | { ok: false; why: keyof typeof WHY } {
  const token = typeof req.params?.token === 'string' ? req.params.token : '';
  const check = checkTestToken(deps.secret, token, deps.clock.now());
  if (!check.ok) deps.logger.info({ why: check.why }, 'test acknowledge link refused');
  return check;
}

/** GET: a page with a button; POST: acknowledge. */
function linkRoute(deps: TestRouteDeps): CustomRoute {
  return {
    path: '/ack-test/:token',
    method: ['GET', 'POST'],
    handler: (req: Req, res: ServerResponse) => {
      req.resume();
      try {
        const check = claimOf(deps, req);
        if (!check.ok) return sendPage(res, 403, 'Not acknowledged', `<p>${esc(WHY[check.why])}</p>`);
        const { testId, userId, via } = check.claim;
        if (req.method !== 'POST') {
          // A link opened after the test is over says so rather than offering a button that cannot work.
          const test = deps.engine.transact((tx) => findTest(tx.db, testId));
          if (!test) return sendPage(res, 403, 'Not acknowledged', `<p>There is no test page #${testId}.</p>`);
          if (test.status !== 'running')
            return sendPage(res, 403, 'Not acknowledged', `<p>Test page #${testId} is already over: ${esc(testOutcomeWords(test))}.</p>`);
          return sendPage(
            res,
            200,
            `Acknowledge test page #${testId}?`,
            `<p>Nothing is wrong: this is a test of how the on-call bot reaches you (this link came by ${esc(VIA_WORDS[via])}).</p><form method="post"><button type="submit">Acknowledge test page #${testId}</button></form>`,
          );
        }
        const outcome = deps.engine.transact((tx) => deps.tests.acknowledge(tx, testId, userId, via));
        if (!outcome.ok) return sendPage(res, 403, 'Not acknowledged', `<p>${esc(plain(outcome.message))}</p>`);
        sendPage(res, 200, `Acknowledged test page #${testId}`, `<p>Thank you: ${esc(outcome.words)}.</p>`);
      } catch (error) {
        deps.logger.error({ err: error }, 'test acknowledge link failed');
        sendPage(res, 500, 'Something went wrong', '<p>The test could not be acknowledged here; press Acknowledge in Slack.</p>');
      }
    },
  };
}

/** A Twilio callback for a test's call: signed over the URL Twilio called and its parameters, or 403. */
function callRoute(
  deps: TestRouteDeps,
  step: 'voice' | 'gather' | 'status',
  answer: (claim: TestClaim, token: string, res: ServerResponse, params: Map<string, string>) => void,
): CustomRoute {
  return {
    path: `/ack-test/:token/${step}`,
    method: ['POST'],
    handler: (req: Req, res: ServerResponse) => {
      readForm(req).then(
        (pairs) => {
          const url = `${deps.publicUrl()}${req.url ?? '/'}`;
          const header = req.headers['x-twilio-signature'];
          const signed =
            deps.twilioAuthToken !== null &&
            isTwilioSignatureValid(deps.twilioAuthToken, typeof header === 'string' ? header : undefined, url, pairs);
          if (!signed) {
            deps.logger.warn({ step }, 'test call callback refused: missing or wrong signature');
            res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
            res.end('forbidden: not signed by Twilio for this bot\n');
            return;
          }
          const check = claimOf(deps, req);
          if (!check.ok || check.claim.via !== 'voice')
            return sendTwiml(res, '<Say>This call is not about a test this bot knows. Goodbye.</Say><Hangup/>');
          answer(check.claim, typeof req.params?.token === 'string' ? req.params.token : '', res, new Map(pairs));
        },
        (error: unknown) => {
          deps.logger.error({ err: error }, 'test call callback failed');
          if (!res.headersSent) sendTwiml(res, '<Say>Something went wrong. Please acknowledge the test in Slack.</Say>');
        },
      );
    },
  };
}

export function contactTestRoutes(deps: TestRouteDeps): CustomRoute[] {
  return [
    linkRoute(deps),
    callRoute(deps, 'voice', ({ testId }, token, res) => {
      const action = `${deps.publicUrl()}/ack-test/${token}/gather`;
      const said = esc(`This is test page ${testId} from the on-call bot. Nothing is wrong. Press any key to say this call woke you.`);
      sendTwiml(
        res,
        `<Gather numDigits="1" action="${esc(action)}" method="POST"><Say>${said}</Say><Pause length="2"/><Say>${said}</Say></Gather><Say>No key was pressed. Goodbye.</Say><Hangup/>`,
      );
    }),
    // How the test's call ended (its StatusCallback): unanswered moves the test to its next way at once.
    callRoute(deps, 'status', ({ testId }, _token, res, params) => {
      const status = params.get('CallStatus') ?? '';
      if (CALL_UNANSWERED.has(status)) deps.engine.transact((tx) => deps.tests.unanswered(tx, testId, 'voice'));
      deps.logger.info({ testId, status }, 'test call ended');
      sendTwiml(res, '');
    }),
    callRoute(deps, 'gather', ({ testId, userId }, _token, res) => {
      const outcome = deps.engine.transact((tx) => deps.tests.acknowledge(tx, testId, userId, 'voice'));
      deps.logger.info({ testId, userId, ok: outcome.ok }, 'test page acknowledged by phone');
      const said = outcome.ok ? `Thank you. Test page ${testId} is acknowledged: ${outcome.words}.` : plain(outcome.message);
      sendTwiml(res, `<Say>${esc(said)}</Say><Hangup/>`);
    }),
  ];
}
