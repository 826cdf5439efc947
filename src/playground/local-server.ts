/**
 * The HTTP shell the provider stand-ins share: a server on a free loopback port whose every request is answered
 * by the stand-in's handler, and a stop that closes open connections first (a test ends; nothing lingers).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export async function stopLocalServer(server: Server | null): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
