/**
 * Twilio's callbacks for a wake call (issue #21): `/twilio/voice` answers the TwiML a call fetches when it is
 * picked up (the page read out inside a <Gather>: "press 4 to acknowledge, 5 to escalate, 6 to resolve", said
 * twice), and `/twilio/gather` takes the key pressed, as the person called, through the page service (the paths
 * the Slack buttons take): 4 acknowledges, 5 escalates to the chain's next step, 6 resolves; the answer says what
 * was done, or why nothing was (the page is closed, the person may not act on it). Another key is said back
 * ("I did not understand") and the keys are offered once more; a second wrong key ends the call, nothing done.
 * `/twilio/sms` takes the same digits by text: "4 12", "5 12", "6 12".
 *
 * Every request must carry Twilio's X-Twilio-Signature over the URL Twilio called (the bot's public URL and the
 * path) and the POST parameters, keyed by the auth token: missing or wrong is 403 and changes nothing.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import { userWithVerified } from '../contacts/contact-store.js';
import { isTwilioSignatureValid } from '../contacts/twilio-signature.js';
import type { Db } from '../db/connection.js';
import type { Engine } from '../engine/engine.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../time/clock.js';
import { escapeMarkup, readForm, sendTwiml as twiml } from '../http/replies.js';
import type { PageOutcome, PageService } from './page-service.js';
import type { ActedVia } from './page-decide.js';
import { openPagesThatReached, type Page } from './page-store.js';
import { callSpeech, pagesNamed, type SpokenPage } from './wake-call.js';
import { callAnswered, callEnded } from './wake-call-store.js';

export interface TwilioRouteDeps {
  db: Db;
  engine: Engine;
  pager: PageService;
  clock: Clock;
  logger: Logger;
  /** null: Twilio is not configured, so no callback can be checked and every one is refused. */
  authToken: string | null;
  publicUrl(): string;
}

const xml = escapeMarkup;

function forbidden(res: ServerResponse): void {
  res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' });
  res.end('forbidden: not signed by Twilio for this bot\n');
}

interface Callback {
  pageId: number;
  userId: string;
  params: Map<string, string>;
  query: URLSearchParams;
}

/** The request's parameters and query, when it is signed by Twilio; null (and a 403 sent) when it is not. */
async function verified(
  deps: TwilioRouteDeps,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<{ pairs: Array<[string, string]>; query: URLSearchParams } | null> {
  const pairs = await readForm(req);
  const url = `${deps.publicUrl()}${req.url ?? '/'}`;
  const header = req.headers['x-twilio-signature'];
  if (deps.authToken === null || !isTwilioSignatureValid(deps.authToken, typeof header === 'string' ? header : undefined, url, pairs)) {
    deps.logger.warn({ path: new URL(url).pathname }, 'twilio callback refused: missing or wrong signature');
    forbidden(res);
    return null;
  }
  return { pairs, query: new URL(url).searchParams };
}

/** The request's page and person, when it is signed by Twilio; null (and a 403 sent) when it is not. */
async function signed(deps: TwilioRouteDeps, req: IncomingMessage, res: ServerResponse): Promise<Callback | null> {
  const checked = await verified(deps, req, res);
  if (!checked) return null;
  const { pairs, query } = checked;
  const pageId = Number(query.get('page'));
  const userId = query.get('user') ?? '';
  if (!Number.isInteger(pageId) || pageId <= 0 || !/^[A-Z0-9]{1,32}$/.test(userId)) {
    twiml(res, '<Say>This call is not about a page this bot knows. Goodbye.</Say><Hangup/>');
    return null;
  }
  return { pageId, userId, params: new Map(pairs), query };
}

function route(path: string, deps: TwilioRouteDeps, answer: (cb: Callback, res: ServerResponse) => void): CustomRoute {
  return {
    path,
    method: ['POST'],
    handler: (req: IncomingMessage, res: ServerResponse) => {
      signed(deps, req, res).then(
        (cb) => {
          if (cb) answer(cb, res);
        },
        (error: unknown) => {
          deps.logger.error({ err: error }, 'twilio callback failed');
          if (!res.headersSent) twiml(res, '<Say>Something went wrong. Please acknowledge the page in Slack.</Say>');
        },
      );
    },
  };
}

/** How long ago, said aloud: "4 minutes", "1 hour and 5 minutes". */
export function spokenAge(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const part = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  return h === 0 ? part(m, 'minute') : m === 0 ? part(h, 'hour') : `${part(h, 'hour')} and ${part(m, 'minute')}`;
}

/** A page outcome (Slack mrkdwn) as plain words for a call or a text: no mentions, date tokens or markup. */
function plain(text: string): string {
  return text
    .replace(/<@\w+>/g, 'a teammate')
    .replace(/<!subteam\^\w+>/g, 'a group')
    .replace(/<!date\^\d+\^[^|>]*\|([^>]*)>/g, '$1')
    .replace(/[`*]/g, '');
}

/** Said on a call: "page 12", not "page number-sign 12". */
const spoken = (text: string) => plain(text).replace(/#(\d)/g, '$1');

/** The keys a call offers (GoAlert's digits). */
const KEYS_SAID = 'Press 4 to acknowledge, 5 to escalate, 6 to resolve.';

/** What each key (and each SMS reply's first digit) does, as the person called. */
type PageKey = '4' | '5' | '6';

const isPageKey = (digit: string): digit is PageKey => digit === '4' || digit === '5' || digit === '6';

function act(
  deps: TwilioRouteDeps,
  key: PageKey,
  pageId: number,
  userId: string,
  acting: { via: 'voice' | 'sms'; callSid?: string },
): PageOutcome {
  return deps.engine.transact((tx): PageOutcome => {
    if (!deps.pager.find(tx, pageId)) return { ok: false, message: `There is no page ${pageId}.` };
    if (key === '4') return deps.pager.acknowledge(tx, pageId, userId, acting);
    if (key === '6') return deps.pager.resolve(tx, pageId, userId, acting);
    return deps.pager.escalateNow(tx, pageId, userId);
  });
}

/** What the person is told when a key did what it says. */
const DONE: Record<PageKey, (pageId: number, outcome: string) => string> = {
  '4': (id) => `Page ${id} is acknowledged.`,
  '5': (_id, outcome) => outcome,
  '6': (id) => `Page ${id} is resolved.`,
};

function smsReply(res: ServerResponse, text: string): void {
  twiml(res, `<Message>${xml(text)}</Message>`);
}

/**
 * A text to the bot's number: "4 12" acknowledges page 12 as the person whose verified SMS number sent it,
 * "5 12" escalates it, "6 12" resolves it. An unknown number, an unknown or closed page, a page the person may
 * not act on, or anything else gets a reply that says so.
 */
function smsRoute(deps: TwilioRouteDeps): CustomRoute {
  return {
    path: '/twilio/sms',
    method: ['POST'],
    handler: (req: IncomingMessage, res: ServerResponse) => {
      verified(deps, req, res).then(
        (checked) => {
          if (!checked) return;
          const params = new Map(checked.pairs);
          const userId = userWithVerified(deps.db, 'sms', params.get('From') ?? '');
          if (!userId) return smsReply(res, 'This number is not verified with the on-call bot. Acknowledge in Slack.');
          const match = /^\s*([456])\s+#?(\d{1,12})\s*$/.exec(params.get('Body') ?? '');
          if (!match)
            return smsReply(
              res,
              'Reply with a digit and the page number: 4 to acknowledge, 5 to escalate, 6 to resolve, e.g. "4 12" acknowledges page 12.',
            );
          const key = match[1] as PageKey;
          const pageId = Number(match[2]);
          const outcome = act(deps, key, pageId, userId, { via: 'sms' });
          deps.logger.info({ pageId, userId, key, ok: outcome.ok }, 'page answered by text message');
          smsReply(res, outcome.ok ? DONE[key](pageId, plain(outcome.message)) : plain(outcome.message));
        },
        (error: unknown) => {
          deps.logger.error({ err: error }, 'twilio sms webhook failed');
          if (!res.headersSent) smsReply(res, 'Something went wrong. Acknowledge in Slack.');
        },
      );
    },
  };
}

/** The page a call is for, then the person's other open pages it reached (oldest first), as the call reads them. */
function openPagesForCall(deps: TwilioRouteDeps, page: Page, userId: string): SpokenPage[] {
  const now = deps.clock.now();
  const open = new Map(openPagesThatReached(deps.db, userId).map((p) => [p.id, p]));
  open.set(page.id, page);
  return pagesNamed(page.id, [...open.keys()]).map((id) => {
    const p = open.get(id)!;
    return { id, severity: p.severity, rotation: p.rotation, summary: p.summary, age: spokenAge(now - p.createdAt) };
  });
}

/** The pages a call for several named (its Gather's `pages`, under Twilio's signature), or null for a call about one. */
function namedInCall(query: URLSearchParams, pageId: number): number[] | null {
  const ids = (query.get('pages') ?? '')
    .split(',')
    .filter((p) => /^\d{1,12}$/.test(p))
    .map(Number);
  return ids.length > 1 && ids.includes(pageId) ? ids : null;
}

/** Key 4 on a call about several pages: each one named is acknowledged as the person (one transaction). */
function acknowledgeNamed(deps: TwilioRouteDeps, ids: number[], userId: string, acting: ActedVia): string {
  const outcomes = deps.engine.transact((tx) => ids.map((id) => ({ id, ok: deps.pager.acknowledge(tx, id, userId, acting).ok })));
  const done = outcomes.filter((o) => o.ok).map((o) => o.id);
  deps.logger.info({ pageIds: done, userId, named: ids.length }, 'pages acknowledged by phone');
  if (done.length === ids.length) return `All ${ids.length} pages are acknowledged. Thank you.`;
  const left = ids.length - done.length;
  return `${done.length === 1 ? '1 page is' : `${done.length} pages are`} acknowledged. ${left === 1 ? '1 was' : `${left} were`} already handled or not yours to acknowledge.`;
}

export function twilioRoutes(deps: TwilioRouteDeps): CustomRoute[] {
  const gatherUrl = (pageId: number, userId: string) =>
    `${deps.publicUrl()}/twilio/gather?page=${pageId}&user=${encodeURIComponent(userId)}`;
  return [
    smsRoute(deps),
    route('/twilio/voice', deps, ({ pageId, userId, params }, res) => {
      const page = deps.engine.transact((tx) => deps.pager.find(tx, pageId));
      if (!page || page.status !== 'open') {
        twiml(res, `<Say>Page ${pageId} is ${page ? `already ${page.status}` : 'unknown'}. Nothing to do. Goodbye.</Say><Hangup/>`);
        return;
      }
      // One call for all of the person's open pages (wake-call.ts): "you have 3 open pages", key 4 acknowledges those named.
      const named = openPagesForCall(deps, page, userId);
      callAnswered(
        deps.db,
        params.get('CallSid') ?? '',
        named.map((p) => p.id),
        deps.clock.now(),
      );
      const said = xml(`This is the on-call bot. ${callSpeech(named)}`);
      const action = `${gatherUrl(page.id, userId)}${named.length > 1 ? `&pages=${named.map((p) => p.id).join(',')}` : ''}`;
      const gather = `<Gather numDigits="1" action="${xml(action)}" method="POST"><Say>${said}</Say><Pause length="2"/><Say>${said}</Say></Gather>`;
      twiml(res, `${gather}<Say>No key was pressed. The page is still open.</Say><Hangup/>`);
    }),
    // How a wake call ended (its StatusCallback): answered or not, Twilio wants an empty answer.
    route('/twilio/status', deps, ({ pageId, userId, params, query }, res) => {
      const stepIndex = Number(query.get('step'));
      const loop = Number(query.get('loop'));
      const status = params.get('CallStatus') ?? '';
      const sid = params.get('CallSid') ?? '';
      // The person's call is no longer in flight: their next voice wake places a call again.
      callEnded(deps.db, sid, status, deps.clock.now());
      if (Number.isInteger(stepIndex) && stepIndex >= 0 && Number.isInteger(loop) && loop >= 0) {
        deps.engine.transact((tx) =>
          deps.pager.callEnded(tx, pageId, { userId, stepIndex, loop, status, ...(/^[A-Za-z0-9]{2,64}$/.test(sid) ? { sid } : {}) }),
        );
        deps.logger.info({ pageId, userId, status }, 'wake call ended');
      }
      twiml(res, '');
    }),
    route('/twilio/gather', deps, ({ pageId, userId, params, query }, res) => {
      const digits = params.get('Digits') ?? '';
      if (!isPageKey(digits)) {
        const heard = digits === '' ? 'no key' : `the key ${digits.split('').join(' ')}`;
        if (query.get('retry') === '1') {
          twiml(
            res,
            `<Say>${xml(`I did not understand ${heard} either. Nothing was done about page ${pageId}. Answer it in Slack. Goodbye.`)}</Say><Hangup/>`,
          );
          return;
        }
        const again = `${gatherUrl(pageId, userId)}&retry=1`;
        twiml(
          res,
          `<Gather numDigits="1" action="${xml(again)}" method="POST"><Say>${xml(`I did not understand ${heard}. ${KEYS_SAID}`)}</Say></Gather><Say>No key was pressed. Nothing was done about page ${pageId}. Goodbye.</Say><Hangup/>`,
        );
        return;
      }
      const callSid = params.get('CallSid') ?? '';
      const acting = { via: 'voice' as const, ...(callSid ? { callSid } : {}) };
      // Key 4 on a call that read several pages acknowledges each of them; 5 and 6 act on the call's own page.
      const several = digits === '4' ? namedInCall(query, pageId) : null;
      if (several) return twiml(res, `<Say>${xml(acknowledgeNamed(deps, several, userId, acting))}</Say><Hangup/>`);
      const outcome = act(deps, digits, pageId, userId, acting);
      deps.logger.info({ pageId, userId, key: digits, ok: outcome.ok }, 'page answered by phone');
      const said = outcome.ok
        ? `${DONE[digits](pageId, spoken(outcome.message))} Thank you. Goodbye.`
        : `${spoken(outcome.message)} Goodbye.`;
      twiml(res, `<Say>${xml(said)}</Say><Hangup/>`);
    }),
  ];
}
