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

function respond(deps: AckRouteDeps, req: IncomingMessage & { params?: Record<string, string | string[]> }): Answer {
  const token = typeof req.params?.token === 'string' ? req.params.token : '';
  const check = checkAckToken(deps.secret, token, deps.clock.now());
  if (!check.ok) {
    deps.logger.info({ why: check.why }, 'acknowledge link refused');
    return refused(WHY[check.why]);
  }
  const { pageId, userId } = check.claim;
  const acting = req.method === 'POST';
  const via = viaOf(req);
  return deps.engine.transact((tx): Answer => {
    const page = deps.pager.find(tx, pageId);
    if (!page) return refused(`There is no page #${pageId}.`);
    if (page.status === 'resolved') return refused(`Page #${pageId} is already resolved; this link no longer works.`);
    if (page.status === 'acknowledged') {
      return refused(
        page.ackedBy === userId
          ? `This link was already used: you acknowledged page #${pageId}.`
          : `Page #${pageId} was already acknowledged by someone else; this link no longer works.`,
      );
    }
    const title = `[${page.severity}] ${page.summary}`;
    if (!acting) {
      return {
        status: 200,
        title: `Acknowledge page #${pageId}?`,
        body: `<p>${html(title)} (${html(page.rotation)})</p><form method="post" action="?via=${via.said ? via.via : 'link'}"><button type="submit">Acknowledge page #${pageId}</button></form>`,
      };
    }
    const outcome = deps.pager.acknowledge(tx, pageId, userId, { via: via.via });
    deps.logger.info({ pageId, userId, via: via.via, ok: outcome.ok }, 'page acknowledged by link');
    if (!outcome.ok) return refused(outcome.message.replace(/<@(\w+)>/g, '$1').replace(/<!date\^\d+\^[^|>]*\|([^>]*)>/g, '$1'));
    return {
      status: 200,
      title: `Acknowledged page #${pageId}`,
      body: `<p>You acknowledged ${html(title)}. Nobody else will be paged for it.</p>`,
    };
  });
}
