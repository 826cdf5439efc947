/**
 * Asking Slack who the bot is (auth.test) after the bot listens, and keeping the answer for the next start
 * (slack-identity-store.ts). Never in the way: a failure is logged and the bot goes on with what it has.
 */
import type { Db } from '../db/connection.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../time/clock.js';
import { saveIdentity, type SlackIdentity } from './slack-identity-store.js';

export interface ConfirmIdentityDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  token: string;
  /** The identity this process was built with (from the last start), or null when Bolt asked Slack itself. */
  startedWith: SlackIdentity | null;
  authTest(): Promise<{ user_id?: string; bot_id?: string }>;
}

export async function confirmSlackIdentity(deps: ConfirmIdentityDeps): Promise<void> {
  let answer: { user_id?: string; bot_id?: string };
  try {
    answer = await deps.authTest();
  } catch (error) {
    deps.logger.warn(
      { error: error instanceof Error ? error.message : String(error) },
      deps.startedWith
        ? 'could not ask Slack who the bot is (auth.test); serving with the identity kept from the last start'
        : 'could not ask Slack who the bot is (auth.test); Slack requests fail until Slack answers',
    );
    return;
  }
  if (!answer.user_id || !answer.bot_id) {
    deps.logger.warn('auth.test answered without the bot user: the identity is not kept');
    return;
  }
  const identity = { botUserId: answer.user_id, botId: answer.bot_id };
  try {
    saveIdentity(deps.db, deps.token, identity, deps.clock.now());
  } catch (error) {
    // Listening before migrating (readiness shows it): the table is not there yet; the next start keeps it.
    deps.logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'could not keep the bot identity');
  }
  if (deps.startedWith && deps.startedWith.botUserId !== identity.botUserId)
    deps.logger.error(
      { was: deps.startedWith.botUserId, now: identity.botUserId },
      'the bot token now belongs to another bot user than at the last start: restart the bot so it knows its own messages',
    );
}
