import type { App } from '@slack/bolt';
import type { Logger } from '../logger.js';
import { slackTrouble, slackTroubleText } from './slack-trouble.js';

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

/** Slack's refusals of views.open that pressing again fixes: the trigger_id was over 3 s old, or used already. */
const RETRY_TRIGGER_ERRORS = new Set(['expired_trigger_id', 'exchanged_trigger_id']);

/**
 * A form that did not open after a button press: logged, and the person told why and what to do, instead of a
 * press that silently does nothing. Slack keeps a trigger_id for 3 s, so a slow moment means pressing again.
 */
export async function formDidNotOpen(
  client: App['client'],
  logger: Logger,
  body: { user: { id: string }; channel?: { id?: string } },
  error: unknown,
  form: string,
): Promise<void> {
  const code = (error as { data?: { error?: unknown } }).data?.error;
  logger.warn({ err: error }, `could not open ${form}`);
  const trouble = slackTrouble(error);
  const text = trouble
    ? slackTroubleText(trouble, `opening ${form}`)
    : typeof code === 'string' && RETRY_TRIGGER_ERRORS.has(code)
      ? `${form[0]!.toUpperCase()}${form.slice(1)} did not open: Slack allows 3 seconds after a press and this took longer. Press the button again.`
      : `${form[0]!.toUpperCase()}${form.slice(1)} could not open (Slack said ${typeof code === 'string' ? code : 'nothing'}). Press the button again, or use the command.`;
  await answerPrivately(client, logger, { channel: channelOf(body), user: body.user.id, text }, `about ${form}`);
}
