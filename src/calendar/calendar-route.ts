/**
 * GET /calendar/<rotation>.ics?token=… (a rotation's shifts) and /calendar/me.ics?token=… (the token holder's
 * own shifts in every rotation), the next 12 weeks. A wrong, revoked or missing token and an unknown rotation
 * all answer the same 404, so the route tells a guesser nothing.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import type { Policy } from '../config/policy.js';
import type { Db } from '../db/connection.js';
import { sendJson } from '../http/routes.js';
import type { Logger } from '../logger.js';
import { activeOverrides } from '../schedules/override-store.js';
import { DAY, type Clock } from '../time/clock.js';
import { calendarFeed, FEED_WEEKS, onCallSegments, type OnCallSegment } from './calendar-feed.js';
import { userForToken } from './calendar-tokens.js';

export interface CalendarRouteDeps {
  db: Db;
  policy: Policy;
  clock: Clock;
  logger: Logger;
  /** Display names for the people in a feed (Slack's, cached by the caller); ids where unknown. */
  names(userIds: readonly string[]): Promise<Map<string, string>>;
}

const NOT_FOUND = { error: 'no such calendar, or the link has been reset: run /oncall calendar in Slack for yours' };

export function calendarRoute(deps: CalendarRouteDeps): CustomRoute {
  return {
    path: '/calendar/:file',
    method: ['GET'],
    handler: (req: IncomingMessage & { params?: Record<string, string | string[]> }, res: ServerResponse) => {
      void answer(deps, req).then(
        (feed) => {
          if (!feed) return sendJson(res, 404, NOT_FOUND);
          res.writeHead(200, { 'content-type': 'text/calendar; charset=utf-8', 'cache-control': 'private, max-age=300' });
          res.end(feed);
        },
        (error: unknown) => {
          deps.logger.error({ err: error }, 'calendar feed failed');
          sendJson(res, 500, { error: 'the calendar could not be built; try again shortly' });
        },
      );
    },
  };
}

async function answer(
  deps: CalendarRouteDeps,
  req: IncomingMessage & { params?: Record<string, string | string[]> },
): Promise<string | null> {
  const { db, policy, clock } = deps;
  const file = req.params?.file;
  const token = new URL(req.url ?? '/', 'http://calendar.invalid').searchParams.get('token') ?? '';
  const userId = userForToken(db, token);
  if (!userId || typeof file !== 'string' || !file.endsWith('.ics')) return null;
  const name = file.slice(0, -'.ics'.length);
  const now = clock.now();
  const to = now + FEED_WEEKS * 7 * DAY;
  const overrides = activeOverrides(db, now);
  let segments: OnCallSegment[];
  let title: string;
  if (name === 'me') {
    segments = Object.values(policy.rotations)
      .flatMap((r) => onCallSegments(r, overrides, now, to))
      .filter((s) => s.userId === userId);
    title = 'My on-call shifts';
  } else {
    const rotation = Object.hasOwn(policy.rotations, name) ? policy.rotations[name] : undefined;
    if (!rotation) return null;
    segments = onCallSegments(rotation, overrides, now, to);
    title = `On call: ${rotation.name}`;
  }
  segments.sort((a, b) => a.start - b.start);
  const names = await deps.names([...new Set(segments.map((s) => s.userId))]);
  return calendarFeed({ title, segments, names, description: `The next ${FEED_WEEKS} weeks, refreshed from the on-call bot.` });
}
