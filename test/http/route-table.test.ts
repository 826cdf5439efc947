import { match } from 'path-to-regexp';
import type { CustomRoute } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { compileRoutes, matchRoute, routesFirst } from '../../src/http/route-table.js';

const handler = (name: string): CustomRoute['handler'] => Object.assign(() => undefined, { routeName: name });
const nameOf = (h: unknown) => (h as { routeName: string }).routeName;

const ROUTES: CustomRoute[] = [
  { path: '/healthz', method: ['GET'], handler: handler('healthz') },
  { path: '/webhooks/:integration', method: ['POST'], handler: handler('webhook') },
  { path: '/ack/:token', method: ['GET', 'POST'], handler: handler('ack') },
  { path: '/playground/api/state', method: 'GET', handler: handler('state') },
  { path: '/playground/api/:action', method: 'POST', handler: handler('action') },
  { path: '/calendar/:file', method: ['GET'], handler: handler('calendar') },
  { path: '/files/v1.2/:id', method: ['GET'], handler: handler('dotted') },
];

describe('custom routes compiled once match as Bolt matches them (path-to-regexp, per request)', () => {
  // [method, path, the route Bolt takes (null: none)]
  const cases: Array<[string, string, string | null]> = [
    ['GET', '/healthz', 'healthz'],
    ['GET', '/healthz/', 'healthz'],
    ['GET', '/HEALTHZ', 'healthz'],
    ['GET', '/healthz//', null],
    ['GET', '/healthzz', null],
    ['POST', '/healthz', null],
    ['POST', '/webhooks/prometheus', 'webhook'],
    ['POST', '/webhooks/prometheus/', 'webhook'],
    ['POST', '/webhooks/', null],
    ['POST', '/webhooks', null],
    ['POST', '/webhooks/a/b', null],
    ['POST', '/webhooks/gr%20afana', 'webhook'],
    ['GET', '/webhooks/prometheus', null],
    ['POST', '/ack/abc.def_1-2', 'ack'],
    ['GET', '/playground/api/state', 'state'],
    ['POST', '/playground/api/state', 'action'],
    ['POST', '/playground/api/ack', 'action'],
    ['GET', '/calendar/team.ics', 'calendar'],
    ['GET', '/files/v1.2/7', 'dotted'],
    ['GET', '/files/v1x2/7', null],
    ['GET', '/slack/events', null],
  ];
  const compiled = compileRoutes(ROUTES);

  it.each(cases)('%s %s', (method, path, expected) => {
    const ours = matchRoute(compiled, method, path);
    expect(ours ? nameOf(ours.handler) : null).toBe(expected);
    // The same answer and the same params as Bolt's way: path-to-regexp's match() of each route in order.
    const bolt = ROUTES.find((r) => {
      const methods = (Array.isArray(r.method) ? r.method : [r.method]).map((m) => m.toUpperCase());
      return match(r.path, { decode: decodeURIComponent })(path) !== false && methods.includes(method);
    });
    expect(bolt ? nameOf(bolt.handler) : null).toBe(expected);
    if (bolt && ours)
      expect(ours.params).toEqual({ ...(match(bolt.path, { decode: decodeURIComponent })(path) as { params: object }).params });
  });

  it('decodes params, and leaves a param that does not decode to Bolt', () => {
    expect(matchRoute(compiled, 'POST', '/webhooks/gr%20afana')?.params).toEqual({ integration: 'gr afana' });
    expect(matchRoute(compiled, 'POST', '/webhooks/%E0%A4%A')).toBeNull();
  });

  it('compiles nothing from the first pattern that is not plain on, so Bolt keeps the order', () => {
    const routes: CustomRoute[] = [
      { path: '/a', method: 'GET', handler: handler('a') },
      { path: '/files/*rest', method: 'GET', handler: handler('wild') },
      { path: '/b', method: 'GET', handler: handler('b') },
    ];
    const only = compileRoutes(routes);
    expect(only).toHaveLength(1);
    expect(matchRoute(only, 'GET', '/b')).toBeNull();
  });

  it("hands Slack's path and everything unmatched to Bolt's listener, serves the rest itself", () => {
    const seen: string[] = [];
    const listener = routesFirst(
      [{ path: '/:any', method: 'POST', handler: (req) => seen.push(`route ${JSON.stringify((req as { params?: unknown }).params)}`) }],
      () => seen.push('bolt'),
      ['/slack/events'],
    );
    const call = (method: string, url: string) => listener({ method, url } as never, {} as never);
    call('POST', '/slack/events');
    call('POST', '/x?y=1');
    call('GET', '/x');
    expect(seen).toEqual(['bolt', 'route {"any":"x"}', 'bolt']);
  });
});
