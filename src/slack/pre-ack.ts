/**
 * Work done before the ack, one way for every listener. Slack waits up to 3 s for the ack, and what it shows
 * depends on it: a button's press is decided in one short transaction first (two presses at once are
 * serialized, one wins, the other is told why not), and a form's submission is checked and written first, so
 * a problem can be shown on its field (response_action: errors) and the form stays open.
 *
 * Either way, a decision that throws rolled its transaction back: it is logged, acked, and the person is told
 * that nothing changed and to try again, never left with a press or a submit that silently did nothing.
 */
import type { Logger } from '../logger.js';
import { answerPrivately, channelOf } from './ephemeral.js';
import type { AllMiddlewareArgs, App, SlackViewMiddlewareArgs, ViewResponseAction, ViewSubmitAction } from '@slack/bolt';

/** What a view submission's listener is given (named listeners take this). */
export type ViewSubmission = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
/** What a button's listener is given (named listeners take this). */
export type ButtonArgs = Parameters<Parameters<App['action']>[1]>[0];

/** What a decision that failed means to whoever pressed or submitted, and what the log says. */
export interface PreAckFailure {
  /** The log line, e.g. "page action failed". */
  log: string;
  /** Extra log fields (ids, never contact data). */
  fields?: Record<string, unknown>;
  /** What the person is told, e.g. "Something went wrong with page #3; nothing changed. Press the button again." */
  message: string;
}

/** A button's decision: done, or refused with a message for the presser (a refusal is a decision too). */
export type ButtonOutcome = { ok: true; message?: string } | { ok: false; message: string };

export interface ButtonPress {
  ack: () => Promise<void>;
  body: { user: { id: string }; channel?: { id?: string } };
  client: App['client'];
}

export interface ButtonSpec {
  logger: Logger;
  /** For the log when the private answer cannot be posted: "a page action". */
  what: string;
  failure: PreAckFailure;
  /** Tell the presser only when refused (default), or always (the decision's own words say what was done). */
  tell?: 'refusal' | 'always';
}

/**
 * A button press: decide (before the ack), ack, then tell the presser privately, in the channel of the button
 * (their DM when it has none), why not, or what was done when `tell` is 'always'.
 */
export async function pressButton(
  press: ButtonPress,
  spec: ButtonSpec,
  decide: () => ButtonOutcome | Promise<ButtonOutcome>,
): Promise<void> {
  const { logger, failure } = spec;
  let outcome: ButtonOutcome;
  try {
    outcome = await decide();
  } catch (error) {
    logger.error({ err: error, ...failure.fields }, failure.log);
    outcome = { ok: false, message: failure.message };
  }
  await press.ack();
  const tell = !outcome.ok || spec.tell === 'always';
  if (tell && outcome.message)
    await answerPrivately(
      press.client,
      logger,
      { channel: channelOf(press.body), user: press.body.user.id, text: outcome.message },
      spec.what,
    );
}

/** A form's answer to its submission: problems by block id (the form stays open), or done (it closes, or shows `update`). */
export type FormOutcome<T> = { errors: Record<string, string> } | { done: T; update?: Record<string, unknown> };

/** What Bolt's view listener acks with: nothing (the form closes), errors on fields, or the next view. */
export type ViewAck = (response?: ViewResponseAction) => Promise<void>;

export interface FormSpec {
  logger: Logger;
  /** A decision that threw is shown on this block of the form (one that the form has, or Slack refuses the answer). */
  failureBlock: string;
  failure: PreAckFailure;
}

/**
 * A view submission: read, check and write (before the ack), then ack with what came of it. Returns the
 * decision's value once acked when it was done (for work that follows the ack, e.g. sending codes), else null.
 */
export async function submitForm<T>(
  ack: ViewAck,
  spec: FormSpec,
  decide: () => FormOutcome<T> | Promise<FormOutcome<T>>,
): Promise<T | null> {
  const { logger, failure } = spec;
  let outcome: FormOutcome<T>;
  try {
    outcome = await decide();
  } catch (error) {
    logger.error({ err: error, ...failure.fields }, failure.log);
    outcome = { errors: { [spec.failureBlock]: failure.message } };
  }
  if ('errors' in outcome) {
    await ack({ response_action: 'errors', errors: outcome.errors });
    return null;
  }
  await ack(outcome.update ? { response_action: 'update', view: outcome.update as never } : undefined);
  return outcome.done;
}

/** A form check that found problems: a FormOutcome with them, or null when there were none. */
export function formErrors(errors: Record<string, string>): { errors: Record<string, string> } | null {
  return Object.keys(errors).length ? { errors } : null;
}
