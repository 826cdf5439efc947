/**
 * The HTTP shell the provider stand-ins share: a server on a free loopback port whose every request is answered
 * by the stand-in's handler, and a stop that closes open connections first (a test ends; nothing lingers).
 * The SMTP stand-in is no HTTP server: it shares only `listenOnLoopback`.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Server as NetServer } from 'node:net';

export interface LocalAnswer {
  status: number;
  /** Sent as it is (a string) or as JSON. */
  body: unknown;
  contentType?: string;
}

export async function startLocalServer(handle: (req: IncomingMessage) => Promise<LocalAnswer>): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
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
