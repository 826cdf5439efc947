import { App, HTTPReceiver, type CustomRoute } from '@slack/bolt';
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
    return new App({
      token: env.SLACK_BOT_TOKEN,
      appToken: env.SLACK_APP_TOKEN,
      socketMode: true,
      customRoutes,
      installerOptions: { port: env.PORT },
      logger: slackLogger,
      clientOptions,
    });
  }
  const receiver = new HTTPReceiver({
    signingSecret: env.SLACK_SIGNING_SECRET ?? '',
    endpoints: SLACK_EVENTS_PATH,
    customRoutes,
    logger: slackLogger,
  });
  return new App({ token: env.SLACK_BOT_TOKEN, receiver, logger: slackLogger, clientOptions });
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
