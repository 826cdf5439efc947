/**
 * The custom routes (health, metrics, webhooks, acks) matched by patterns compiled once. Bolt's HTTPReceiver
 * compiles every route's pattern anew for every request (path-to-regexp's match() per route, per request), which
 * on the webhook path cost more than checking the request's token.
 *
 * Only plain patterns (literal segments and `:name` params) are compiled here, with Bolt's semantics: routes tried
 * in the order given (one path's methods merged), a path that matches with no handler for the method tried
 * against the next route, case-insensitive, an optional trailing slash, params URI-decoded into `req.params`.
 * Everything else goes to Bolt's own listener as before: Slack's endpoint, a path no compiled route takes, a
 * param that does not decode, and every route from the first pattern that is not plain on (so the order holds).
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';

type Handler = CustomRoute['handler'];

interface CompiledRoute {
  regexp: RegExp;
  names: string[];
  byMethod: Map<string, Handler>;
}

/** `/a/:b/c`: literal segments of URL-safe characters and named params, nothing else. */
const PLAIN = /^(?:\/(?:[A-Za-z0-9_~-][A-Za-z0-9._~-]*|:[A-Za-z_$][A-Za-z0-9_$]*))+$/;

function compile(path: string): { regexp: RegExp; names: string[] } {
  const names: string[] = [];
  const source = path
    .split('/')
    .slice(1)
    .map((segment) => {
      if (!segment.startsWith(':')) return `\\/${segment.replace(/\./g, '\\.')}`;
      names.push(segment.slice(1));
      return '\\/([^\\/]+)';
    })
    .join('');
  return { regexp: new RegExp(`^(?:${source})(?:\\/$)?$`, 'i'), names };
}

/** The routes Bolt would try, in its order, up to the first pattern that is not plain. */
export function compileRoutes(routes: readonly CustomRoute[]): CompiledRoute[] {
  const byPath = new Map<string, Map<string, Handler>>();
  for (const route of routes) {
    const methods = byPath.get(route.path) ?? new Map<string, Handler>();
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) methods.set(method.toUpperCase(), route.handler);
    byPath.set(route.path, methods);
  }
  const compiled: CompiledRoute[] = [];
  for (const [path, byMethod] of byPath) {
    if (!PLAIN.test(path)) break;
    compiled.push({ ...compile(path), byMethod });
  }
  return compiled;
}

export type RouteMatch = { handler: Handler; params: Record<string, string> } | null;

/** The route that takes this request (method and path), or null: Bolt's listener decides then. */
export function matchRoute(compiled: readonly CompiledRoute[], method: string, path: string): RouteMatch {
  for (const route of compiled) {
    const m = route.regexp.exec(path);
    if (!m) continue;
    const handler = route.byMethod.get(method);
    if (!handler) continue;
    const params: Record<string, string> = {};
    try {
      for (const [i, name] of route.names.entries()) params[name] = decodeURIComponent(m[i + 1]!);
    } catch {
      return null;
    }
    return { handler, params };
  }
  return null;
}

/**
 * A request listener that serves the custom routes it compiled and hands everything else to `bolt` (the receiver's
 * own listener), including any request to one of Slack's paths.
 */
export function routesFirst(routes: readonly CustomRoute[], bolt: RequestListener, slackPaths: readonly string[]): RequestListener {
  const compiled = compileRoutes(routes);
  return (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const found = slackPaths.includes(path) ? null : matchRoute(compiled, (req.method ?? '').toUpperCase(), path);
    if (!found) return bolt(req, res);
    found.handler(Object.assign(req, { params: found.params }), res);
  };
}
