/**
 * The override form's submission: read it tolerantly, then the same rules and write as `/oncall override`
 * (override-request.ts). A problem is shown on its field and nothing is written; on success the form closes,
 * the asker gets the confirmation by DM through the outbox, and the Home tabs republish in the same transaction.
 */
import type { App } from '@slack/bolt';
import { PRIORITY } from '../engine/outbox.js';
import type { Logger } from '../logger.js';
import { plainText } from '../slack/format.js';
import { viewValues } from '../slack/interaction-input.js';
import { submitForm, type ViewSubmission } from '../slack/pre-ack.js';
import { OVERRIDE_BLOCKS, OVERRIDE_VIEW, readOverrideForm } from './override-form.js';
import { requestOverride, type OverrideDeps } from './override-request.js';

export function registerOverrideForm(bolt: App, deps: OverrideDeps & { logger: Logger }): void {
  const { logger } = deps;
  const failure = {
    log: 'saving an override from the form failed',
    message: 'Something went wrong saving the override, and nothing was changed. Please try again.',
  };

  /** Checked and written before the ack: a problem is shown on its field and the form stays open. */
  async function overrideSubmitted({ ack, body, view }: ViewSubmission): Promise<void> {
    await submitForm(ack, { logger, failureBlock: OVERRIDE_BLOCKS.rotation, failure }, async () => {
      const read = readOverrideForm(viewValues(view));
      if (!read.ok) return { errors: read.errors };
      const userId = body.user.id;
      const outcome = await requestOverride(deps, { ...read.request, requestedBy: userId }, (tx, _id, message) => {
        tx.enqueue({
          method: 'chat.postMessage',
          args: { channel: userId, text: `:white_check_mark: ${message}` },
          priority: PRIORITY.notice,
        });
      });
      // The same words as the command's reply, as plain text: a field error shows no mrkdwn.
      if (!outcome.ok) return { errors: { [OVERRIDE_BLOCKS[outcome.field]]: plainText(outcome.message) } };
      return { done: outcome };
    });
  }

  bolt.view(OVERRIDE_VIEW, overrideSubmitted);
}
