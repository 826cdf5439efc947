import type { App } from '@slack/bolt';
import type { Logger } from '../logger.js';

export interface EphemeralAnswer {
  channel: string;
  user: string;
  text: string;
  thread_ts?: string;
}

/** A reply only one person sees (a refusal, a warning). Best effort: a failure is logged, never thrown at Slack's ack. */
export async function answerPrivately(client: App['client'], logger: Logger, answer: EphemeralAnswer, what: string): Promise<void> {
  await client.chat.postEphemeral(answer).catch((error: unknown) => logger.warn({ err: error }, `could not answer ${what}`));
}

/** Where a button's answer goes: the channel the button was in, else the presser's DM. */
export function channelOf(body: { user: { id: string }; channel?: { id?: string } }): string {
  return body.channel?.id ?? body.user.id;
}
