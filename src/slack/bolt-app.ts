import type { Server } from 'node:http';
import { App, HTTPReceiver, SocketModeReceiver, type CustomRoute, type Receiver } from '@slack/bolt';
import type { Env } from '../config/env.js';
import { slackLoggerFrom, type Logger } from '../logger.js';
import type { SlashCommand } from './commands.js';

export const SLACK_EVENTS_PATH = '/slack/events';

/**
 * The Bolt app: Socket Mode when SLACK_APP_TOKEN is set (no public URL needed), HTTP with request signing
 * otherwise. Same handlers either way; the custom routes (health, metrics, webhooks) share the one port.
 */
export function createBoltApp(env: Env, logger: Logger, customRoutes: CustomRoute[]): App {
  const slackLogger = slackLoggerFrom(logger);
  const clientOptions = { slackApiUrl: env.SLACK_API_URL, rejectRateLimitedCalls: true };
  if (env.SLACK_APP_TOKEN) {
    const receiver = new SocketModeWithRoutes(
      // A copy of the options: the Socket Mode client writes its own retry policy into the object it is given.
      new SocketModeReceiver({ appToken: env.SLACK_APP_TOKEN, logger: slackLogger, installerOptions: { clientOptions: { ...clientOptions } } }),
      // No Slack endpoint here: in Socket Mode, Slack's requests come over the socket, never over HTTP.
      new HTTPReceiver({ signingSecret: '', signatureVerification: false, endpoints: [], customRoutes, logger: slackLogger }),
    );
    return new App({ token: env.SLACK_BOT_TOKEN, receiver, logger: slackLogger, clientOptions });
  }
  const receiver = new HTTPReceiver({
    signingSecret: env.SLACK_SIGNING_SECRET ?? '',
    endpoints: SLACK_EVENTS_PATH,
    customRoutes,
    logger: slackLogger,
  });
  return new App({ token: env.SLACK_BOT_TOKEN, receiver, logger: slackLogger, clientOptions });
}

/**
 * Socket Mode for Slack, the custom routes on an HTTPReceiver of their own: the same route serving as in HTTP
 * mode, on the port `start(port)` is given. Bolt's SocketModeReceiver would serve them too, but on a port fixed
 * when it is built, without telling which port it got (0: any), without waiting for the listen, and with no
 * handler for its errors (a port in use crashed the process with an uncaught EADDRINUSE).
 */
class SocketModeWithRoutes implements Receiver {
  constructor(
    private readonly socket: SocketModeReceiver,
    private readonly http: HTTPReceiver,
  ) {}

  init(app: App): void {
    this.socket.init(app);
    this.http.init(app);
  }

  /** Listens first (so /healthz and /readyz answer while Slack is reached), then connects; resolves with the server. */
  async start(port: number): Promise<Server> {
    const server = (await this.http.start(port)) as Server;
    try {
      await this.socket.start();
    } catch (error) {
      await this.http.stop().catch(() => undefined);
      throw error;
    }
    return server;
  }

  /** Closes the socket (waiting for Slack to see it go), then the port. */
  async stop(): Promise<void> {
    await this.socket.client.disconnect();
    await this.http.stop().catch(() => undefined);
  }
}

/** Acks within Slack's 3 s with the router's answer, shown only to the caller unless it says otherwise. */
export function mountCommand(app: App, command: SlashCommand, logger: Logger): void {
  app.command(command.name, async ({ command: body, ack }) => {
    try {
      const reply = await command.dispatch({
        userId: body.user_id,
        channelId: body.channel_id,
        text: body.text ?? '',
        triggerId: body.trigger_id,
      });
      if (reply.silent) return await ack();
      await ack({
        response_type: reply.inChannel ? 'in_channel' : 'ephemeral',
        text: reply.text,
        ...(reply.blocks ? { blocks: reply.blocks as never } : {}),
      });
    } catch (error) {
      logger.error({ err: error, command: command.name }, 'slash command failed');
      await ack({
        response_type: 'ephemeral',
        text: `Something went wrong running \`${command.name}\`; nothing was changed. Try again, or see \`${command.name} help\`.`,
      });
    }
  });
}
