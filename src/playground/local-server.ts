/**
 * The HTTP shell the provider stand-ins share: a server on a free loopback port whose every request is answered
 * by the stand-in's handler, and a stop that closes open connections first (a test ends; nothing lingers);
 * HttpStandIn, what the Twilio and ntfy stand-ins keep alike. The SMTP stand-in is no HTTP server: it shares
 * only `listenOnLoopback` and `standInNow`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Server as NetServer } from 'node:net';

export interface LocalAnswer {
  status: number;
  /** Sent as it is (a string) or as JSON. */
  body: unknown;
  contentType?: string;
}

/**
 * `take`, when given, sees each request first and may answer it itself on the response (a stream that stays
 * open); it returns true when it did, and `handle` is not asked.
 */
export async function startLocalServer(
  handle: (req: IncomingMessage) => Promise<LocalAnswer>,
  take?: (req: IncomingMessage, res: ServerResponse) => boolean,
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    if (take?.(req, res)) return;
    void handle(req).then(
      ({ status, body, contentType }) => {
        res.writeHead(status, { 'content-type': contentType ?? 'application/json' });
        res.end(typeof body === 'string' ? body : JSON.stringify(body));
      },
      () => res.destroy(),
    );
  });
  return { server, url: `http://127.0.0.1:${await listenOnLoopback(server)}` };
}

/** A request's whole body as UTF-8 text. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Listens on a free port of 127.0.0.1 only (a stand-in is never reachable from another machine); the port. */
export async function listenOnLoopback(server: NetServer): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

export async function stopLocalServer(server: Server | null): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** The stand-ins' clock unless a test gives one: a fixed Monday morning, so what they stamp is the same every run. */
export const standInNow = (): number => Date.parse('2026-01-05T09:00:00Z');

/**
 * What every HTTP provider stand-in keeps and does alike: where it listens, the requests it received, a
 * sequence for the ids it makes up, its clock, and its start and stop on a loopback port.
 */
export abstract class HttpStandIn {
  /** Every request received, refused ones too: `${method} ${path} -> status`. */
  readonly requests: string[] = [];
  /** Where the stand-in listens, e.g. http://127.0.0.1:5000 (the provider's API URL for the bot). */
  url = '';
  protected server: Server | null = null;
  protected seq = 0;
  protected readonly now: () => number;

  constructor(now: (() => number) | undefined) {
    this.now = now ?? standInNow;
  }

  /** Listens on a free loopback port (startLocalServer: `take` may answer a request first). */
  protected async listen(
    handle: (req: IncomingMessage) => Promise<LocalAnswer>,
    take?: (req: IncomingMessage, res: ServerResponse) => boolean,
  ): Promise<this> {
    ({ server: this.server, url: this.url } = await startLocalServer(handle, take));
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    await stopLocalServer(server);
  }
}
