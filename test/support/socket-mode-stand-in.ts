import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { WebSocketServer, type WebSocket } from 'ws';
import { slashCommandFields } from './signed-requests.js';

/**
 * A loopback stand-in for Slack's Socket Mode WebSocket, built on `ws` (a dev dependency, hence here and not in
 * src/playground: the playground runs the bot in HTTP mode). The flow it plays, as Slack documents it:
 *
 * 1. the app calls apps.connections.open with its app-level token (the Slack stand-in answers with
 *    `connectionUrl()`, a single-use ticket on this server);
 * 2. the app connects; Slack says `{type:'hello', num_connections, connection_info, debug_info}`;
 * 3. Slack sends envelopes `{envelope_id, type, payload, accepts_response_payload}` (type `slash_commands`,
 *    `interactive` or `events_api`), and the app acknowledges each with `{envelope_id, payload?}` on the socket.
 *
 * Everything the app sends is kept in `received`; an upgrade with a ticket this server did not issue (or one
 * already used) is refused with 401, as Slack refuses a stale URL.
 */

export interface SocketEnvelope {
  envelope_id: string;
  type: 'slash_commands' | 'interactive' | 'events_api';
  payload: Record<string, unknown>;
  accepts_response_payload: boolean;
}

export interface SocketAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

export class SocketModeStandIn {
  /** Every frame the app sent, parsed (or `{unparsed}` when it was not JSON). */
  readonly received: unknown[] = [];
  /** Upgrade attempts, with whether they were let in. */
  readonly upgrades: Array<{ path: string; accepted: boolean }> = [];
  private readonly tickets = new Set<string>();
  private readonly sockets = new Set<WebSocket>();
  private ticketCount = 0;
  private envelopeCount = 0;
  /** Told of each trigger_id an envelope carries, so the Slack stand-in can issue it (TestApp wires it). */
  onTrigger: ((triggerId: string, userId: string | undefined) => void) | null = null;
  private server: Server | null = null;
  private wss: WebSocketServer | null = null;
  private port = 0;

  constructor(private readonly appId = 'A0APP') {}

  async start(): Promise<this> {
    const wss = new WebSocketServer({ noServer: true });
    const server = createServer((_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain' });
      res.end('a WebSocket upgrade is expected here');
    });
    server.on('upgrade', (req, socket, head) => {
      const path = req.url ?? '';
      const ticket = new URL(path, 'http://stand-in').searchParams.get('ticket') ?? '';
      const accepted = this.tickets.delete(ticket);
      this.upgrades.push({ path, accepted });
      if (!accepted) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    this.wss = wss;
    return this;
  }

  /** What apps.connections.open hands out: a fresh single-use URL on this server. */
  connectionUrl(): string {
    this.ticketCount += 1;
    const ticket = `ticket-${this.ticketCount}`;
    this.tickets.add(ticket);
    return `ws://127.0.0.1:${this.port}/link/?ticket=${ticket}&app_id=${this.appId}`;
  }

  /** Open connections (a client that said goodbye is no longer counted). */
  get connections(): number {
    return [...this.sockets].filter((s) => s.readyState === s.OPEN).length;
  }

  private accept(ws: WebSocket): void {
    this.sockets.add(ws);
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? null : data.toString();
      try {
        this.received.push(text === null ? { binary: true } : (JSON.parse(text) as unknown));
      } catch {
        this.received.push({ unparsed: text });
      }
    });
    ws.on('close', () => this.sockets.delete(ws));
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.sockets.size,
        connection_info: { app_id: this.appId },
        debug_info: { host: 'applink-stand-in', build_number: 1, approximate_connection_time: 18060 },
      }),
    );
  }

  /** Waits (real time, bounded) until the app has an open connection. */
  async waitForConnection(timeoutMs = 3000): Promise<void> {
    await this.until(() => this.connections > 0, timeoutMs, 'no Socket Mode client connected');
  }

  /**
   * Sends an envelope on the newest connection and resolves with the app's acknowledgement of it. Slack waits
   * 3 s for the ack; so does this (a missing ack is a failure, never a pass).
   */
  async deliver(
    type: SocketEnvelope['type'],
    payload: Record<string, unknown>,
    options: { acceptsResponsePayload?: boolean; timeoutMs?: number } = {},
  ): Promise<SocketAck> {
    const socket = [...this.sockets].filter((s) => s.readyState === s.OPEN).at(-1);
    if (!socket) throw new Error('no Socket Mode client is connected');
    this.envelopeCount += 1;
    if (typeof payload.trigger_id === 'string') {
      const user = payload.user_id ?? (payload.user as { id?: unknown } | undefined)?.id;
      this.onTrigger?.(payload.trigger_id, typeof user === 'string' ? user : undefined);
    }
    const envelope: SocketEnvelope = {
      envelope_id: `env-${this.envelopeCount}-${type}`,
      type,
      payload,
      accepts_response_payload: options.acceptsResponsePayload ?? type !== 'events_api',
    };
    socket.send(JSON.stringify(envelope));
    let ack: SocketAck | undefined;
    await this.until(
      () => {
        ack = this.received.find((m): m is SocketAck => (m as { envelope_id?: unknown }).envelope_id === envelope.envelope_id);
        return ack !== undefined;
      },
      options.timeoutMs ?? 3000,
      `envelope ${envelope.envelope_id} was not acknowledged`,
    );
    return ack!;
  }

  /** A slash command as Socket Mode carries it: the same fields as the HTTP form, as a JSON payload. */
  slashCommand(fields: {
    command: string;
    text?: string;
    userId?: string;
    channelId?: string;
    triggerId?: string;
    responseUrl?: string;
  }): Promise<SocketAck> {
    return this.deliver('slash_commands', { ...slashCommandFields({ ...fields, appId: this.appId }), is_enterprise_install: 'false' });
  }

  /** Asks the app to reconnect, as Slack does before it recycles a connection. */
  sendDisconnect(reason = 'refresh_requested'): void {
    for (const s of this.sockets) s.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-stand-in' } }));
  }

  private async until(done: () => boolean, timeoutMs: number, failure: string): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!done()) {
      if (performance.now() > deadline) throw new Error(`${failure} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.terminate();
    this.sockets.clear();
    this.wss?.close();
    const server = this.server;
    this.server = null;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
}
