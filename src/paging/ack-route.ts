/**
 * `/ack/<token>`: acknowledging a page from outside Slack (a push's Acknowledge button, a link). POST
 * acknowledges as the person the token names, through the page service's acknowledge (the path the Slack
 * button takes: Slack messages edited, the chain's and the wake's timers cancelled). GET only shows a page
 * with a button that POSTs: mail scanners and link previews fetch GETs, and a GET must never act.
 *
 * A malformed, forged or expired token, or one for a page no longer open, is 403 with a page that says why,
 * and nothing changes. The token itself is never logged.
 *
 * How it was acknowledged is kept on the page ("acknowledged by @alice via push notification"): a bare POST is a
 * push's action button; the confirmation page's form posts `?via=link`, or `?via=email` when the link it came
 * from said so (an e-mail's link: `<ack url>?via=email`). The label is not signed: changing it changes only the
 * words, never who acknowledged.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import type { Engine } from '../engine/engine.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../time/clock.js';
import { escapeMarkup, sendHtmlPage as sendPage } from '../http/replies.js';
import { checkAckToken } from './ack-token.js';
import type { PageService } from './page-service.js';
import type { AckVia } from './page-store.js';

export interface AckRouteDeps {
  engine: Engine;
  pager: PageService;
  clock: Clock;
  logger: Logger;
  secret: string;
}

const WHY = {
  malformed: 'This acknowledge link is incomplete or was changed. Acknowledge the page in Slack instead.',
  forged: 'This acknowledge link was not made by this on-call bot. Acknowledge the page in Slack instead.',
  expired: 'This acknowledge link has expired (links work for 24 hours). Acknowledge the page in Slack instead.',
} as const;

const html = escapeMarkup;

type Answer = { status: number; title: string; body: string };

const refused = (text: string): Answer => ({ status: 403, title: 'Not acknowledged', body: `<p>${html(text)}</p>` });

export function ackRoute(deps: AckRouteDeps): CustomRoute {
  return {
    path: '/ack/:token',
    method: ['GET', 'POST'],
    handler: (req: IncomingMessage & { params?: Record<string, string | string[]> }, res: ServerResponse) => {
      // Whatever a POST carries (a form's empty body) is not needed: the token says it all.
      req.resume();
      let answer: Answer;
      try {
        answer = respond(deps, req);
      } catch (error) {
        deps.logger.error({ err: error }, 'acknowledge link failed');
        answer = {
          status: 500,
          title: 'Something went wrong',
          body: '<p>The page could not be acknowledged here; acknowledge it in Slack.</p>',
        };
      }
      sendPage(res, answer.status, answer.title, answer.body);
    },
  };
}

/** How the link was used: `?via=` when it says (a known word), else a bare POST is a push's action button. */
function viaOf(req: IncomingMessage): { via: Extract<AckVia, 'push' | 'email' | 'link'>; said: boolean } {
  const said = new URL(req.url ?? '/', 'http://localhost').searchParams.get('via');
  return said === 'email' || said === 'link' || said === 'push' ? { via: said, said: true } : { via: 'push', said: false };
}

/** What using a token came to: refused (a sentence saying why, no markup), shown for confirmation, or acknowledged. */
export type TokenUse =
  | { kind: 'refused'; why: string; tokenWas?: 'malformed' | 'forged' | 'expired' }
  | { kind: 'confirm' | 'acknowledged'; pageId: number; title: string; rotation: string };

/**
 * Using an acknowledge token, the one check every way of sending one shares (this route, a push's reply through
 * ntfy: ack-stream.ts): signed, not expired, for a page still open, and, with `forPage`, for that page. `act`:
 * acknowledge as the person the token names (else only say what it would acknowledge). The token is never logged.
 */
export function useAckToken(
  deps: Omit<AckRouteDeps, 'logger'>,
  token: string,
  how: { act: boolean; via: Extract<AckVia, 'push' | 'email' | 'link'>; forPage?: number },
): TokenUse {
  const check = checkAckToken(deps.secret, token, deps.clock.now());
  if (!check.ok) return { kind: 'refused', why: WHY[check.why], tokenWas: check.why };
  const { pageId, userId } = check.claim;
  if (how.forPage !== undefined && how.forPage !== pageId)
    return { kind: 'refused', why: `This acknowledgement is for page #${pageId}, not page #${how.forPage}.` };
  return deps.engine.transact((tx): TokenUse => {
    const page = deps.pager.find(tx, pageId);
    if (!page) return { kind: 'refused', why: `There is no page #${pageId}.` };
    if (page.status === 'resolved') return { kind: 'refused', why: `Page #${pageId} is already resolved; this link no longer works.` };
    if (page.status === 'acknowledged') {
      return {
        kind: 'refused',
        why:
          page.ackedBy === userId
            ? `This link was already used: you acknowledged page #${pageId}.`
            : `Page #${pageId} was already acknowledged by someone else; this link no longer works.`,
      };
    }
    const shown = { pageId, title: `[${page.severity}] ${page.summary}`, rotation: page.rotation };
    if (!how.act) return { kind: 'confirm', ...shown };
    const outcome = deps.pager.acknowledge(tx, pageId, userId, { via: how.via });
    if (!outcome.ok)
      return { kind: 'refused', why: outcome.message.replace(/<@(\w+)>/g, '$1').replace(/<!date\^\d+\^[^|>]*\|([^>]*)>/g, '$1') };
    return { kind: 'acknowledged', ...shown };
  });
}

function respond(deps: AckRouteDeps, req: IncomingMessage & { params?: Record<string, string | string[]> }): Answer {
  const token = typeof req.params?.token === 'string' ? req.params.token : '';
  const acting = req.method === 'POST';
  const via = viaOf(req);
  const use = useAckToken(deps, token, { act: acting, via: via.via });
  if (use.kind === 'refused') {
    if (use.tokenWas) deps.logger.info({ why: use.tokenWas }, 'acknowledge link refused');
    return refused(use.why);
  }
  if (use.kind === 'confirm') {
    return {
      status: 200,
      title: `Acknowledge page #${use.pageId}?`,
      body: `<p>${html(use.title)} (${html(use.rotation)})</p><form method="post" action="?via=${via.said ? via.via : 'link'}"><button type="submit">Acknowledge page #${use.pageId}</button></form>`,
    };
  }
  deps.logger.info({ pageId: use.pageId, via: via.via, ok: true }, 'page acknowledged by link');
  return {
    status: 200,
    title: `Acknowledged page #${use.pageId}`,
    body: `<p>You acknowledged ${html(use.title)}. Nobody else will be paged for it.</p>`,
  };
}
