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
import { OVERRIDE_BLOCKS, OVERRIDE_VIEW, readOverrideForm } from './override-form.js';
import { requestOverride, type OverrideDeps, type OverrideOutcome } from './override-request.js';

export function registerOverrideForm(bolt: App, deps: OverrideDeps & { logger: Logger }): void {
  const { logger } = deps;
  bolt.view(OVERRIDE_VIEW, async ({ ack, body, view }) => {
    const read = readOverrideForm(viewValues(view));
    if (!read.ok) {
      await ack({ response_action: 'errors', errors: read.errors });
      return;
    }
    const userId = body.user.id;
    let outcome: OverrideOutcome;
    try {
      outcome = await requestOverride(deps, { ...read.request, requestedBy: userId }, (tx, _id, message) => {
        tx.enqueue({
          method: 'chat.postMessage',
          args: { channel: userId, text: `:white_check_mark: ${message}` },
          priority: PRIORITY.notice,
        });
      });
    } catch (error) {
      logger.error({ err: error }, 'saving an override from the form failed');
      outcome = {
        ok: false,
        field: 'rotation',
        refused: false,
        message: 'Something went wrong saving the override, and nothing was changed. Please try again.',
      };
    }
    if (!outcome.ok) {
      // The same words as the command's reply, as plain text: a field error shows no mrkdwn.
      await ack({ response_action: 'errors', errors: { [OVERRIDE_BLOCKS[outcome.field]]: plainText(outcome.message) } });
      return;
    }
    await ack();
  });
}
