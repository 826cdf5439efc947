import type { Server } from 'node:http';
import { App, HTTPReceiver, SocketModeReceiver, type CustomRoute, type Receiver } from '@slack/bolt';
import type { Env } from '../config/env.js';
import { routesFirst } from '../http/route-table.js';
import { slackLoggerFrom, type Logger } from '../logger.js';
import type { CommandReply, SlashCommand } from './commands.js';
import type { SlackIdentity } from './slack-identity-store.js';
import { slackTrouble, slackTroubleText } from './slack-trouble.js';

export const SLACK_EVENTS_PATH = '/slack/events';

/**
 * The Bolt app: Socket Mode when SLACK_APP_TOKEN is set (no public URL needed), HTTP with request signing
 * otherwise. Same handlers either way; the custom routes (health, metrics, webhooks) share the one port.
 */
export function createBoltApp(env: Env, logger: Logger, customRoutes: CustomRoute[], identity: SlackIdentity | null = null): App {
  const slackLogger = slackLoggerFrom(logger);
  // Known from an earlier start, Bolt skips its own auth.test, which would fail every request while Slack is down.
  const known = identity ? { botUserId: identity.botUserId, botId: identity.botId } : {};
  const clientOptions = { slackApiUrl: env.SLACK_API_URL, rejectRateLimitedCalls: true };
  if (env.SLACK_APP_TOKEN) {
    const receiver = new SocketModeWithRoutes(
      // A copy of the options: the Socket Mode client writes its own retry policy into the object it is given.
      new SocketModeReceiver({
        appToken: env.SLACK_APP_TOKEN,
        logger: slackLogger,
        installerOptions: { clientOptions: { ...clientOptions } },
      }),
      // No Slack endpoint here: in Socket Mode, Slack's requests come over the socket, never over HTTP.
      withRoutesFirst(
        new HTTPReceiver({ signingSecret: '', signatureVerification: false, endpoints: [], customRoutes, logger: slackLogger }),
        customRoutes,
      ),
    );
    return new App({ token: env.SLACK_BOT_TOKEN, ...known, receiver, logger: slackLogger, clientOptions });
  }
  const receiver = withRoutesFirst(
    new HTTPReceiver({
      signingSecret: env.SLACK_SIGNING_SECRET ?? '',
      endpoints: SLACK_EVENTS_PATH,
      customRoutes,
      logger: slackLogger,
    }),
    customRoutes,
  );
  return new App({ token: env.SLACK_BOT_TOKEN, ...known, receiver, logger: slackLogger, clientOptions });
}

/** The receiver serves the custom routes by patterns compiled once (src/http/route-table.ts), Slack's path as before. */
function withRoutesFirst(receiver: HTTPReceiver, customRoutes: CustomRoute[]): HTTPReceiver {
  receiver.requestListener = routesFirst(customRoutes, receiver.requestListener, [SLACK_EVENTS_PATH]);
  return receiver;
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

/**
 * How long a command may work before the ack must go out anyway: Slack shows an error after 3 s, and the request
 * took some of that getting here. Past it, the caller is told the answer follows, and it comes by response_url.
 */
export const COMMAND_ACK_BUDGET_MS = 2_000;

const WORKING = Symbol('working');

/**
 * Acks within Slack's 3 s with the router's answer, shown only to the caller unless it says otherwise. A command
 * still working when the budget runs out (a dry run, a report over a year, a lint that asks Slack about every
 * member) is acked with "working on it" and its answer is sent by response_url when it is ready.
 */
export function mountCommand(app: App, command: SlashCommand, logger: Logger, ackBudgetMs = COMMAND_ACK_BUDGET_MS): void {
  const failed = `Something went wrong running \`${command.name}\`; nothing was changed. Try again, or see \`${command.name} help\`.`;
  // Slack's own trouble (a 429, a 5xx) is told as such, logged as a warning; anything else is the bot's error.
  const failure = (error: unknown, message: string): string => {
    const trouble = slackTrouble(error);
    if (!trouble) {
      logger.error({ err: error, command: command.name }, message);
      return failed;
    }
    logger.warn(
      { command: command.name, slack: trouble },
      `${message}: Slack ${trouble.kind === 'rate_limited' ? 'rate limited' : 'unavailable'}`,
    );
    return slackTroubleText(trouble, `\`${command.name}\``);
  };
  const answer = (reply: CommandReply) => ({
    response_type: reply.inChannel ? ('in_channel' as const) : ('ephemeral' as const),
    text: reply.text,
    ...(reply.blocks ? { blocks: reply.blocks as never } : {}),
  });
  app.command(command.name, async ({ command: body, ack, respond }) => {
    const running = command.dispatch({
      userId: body.user_id,
      channelId: body.channel_id,
      text: body.text ?? '',
      triggerId: body.trigger_id,
    });
    let budget: NodeJS.Timeout | undefined;
    const outOfTime = new Promise<typeof WORKING>((resolve) => (budget = setTimeout(() => resolve(WORKING), ackBudgetMs)));
    try {
      const first = await Promise.race([running, outOfTime]);
      if (first !== WORKING) {
        if (first.silent) return await ack();
        return await ack(answer(first));
      }
      await ack({
        response_type: 'ephemeral',
        text: `:hourglass_flowing_sand: Working on \`${command.name} ${(body.text ?? '').slice(0, 80)}\`: the answer follows here in a moment.`,
      });
    } catch (error) {
      return await ack({ response_type: 'ephemeral', text: failure(error, 'slash command failed') });
    } finally {
      clearTimeout(budget);
    }
    // Acked already: the answer replaces the "working on it" line.
    let reply: CommandReply;
    try {
      reply = await running;
    } catch (error) {
      reply = { text: failure(error, 'slash command failed after its ack') };
    }
    if (reply.silent) return;
    // Slack keeps a response_url for 30 minutes; one that cannot be reached loses only this answer.
    await respond({ ...answer(reply), replace_original: true }).catch((error: unknown) =>
      logger.warn(
        { command: command.name, error: error instanceof Error ? error.message : String(error) },
        "could not post a slash command's answer to its response_url",
      ),
    );
  });
}
