/**
 * Reading what a modal, a checkbox or a button sends back: `view.state.values`, `selected_options`, the
 * `private_metadata` and button values the app wrote. Whatever arrives (a field missing, a number where text
 * was, junk metadata, a value that is no id) reads as "no answer", never as an exception in a handler. Pure.
 */
import type { z } from 'zod';

/** `view.state.values`: block id -> action id -> the element's state. */
export type ViewValues = Record<string, Record<string, unknown>>;

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** The state values of a view, or none when they are not the shape Slack sends. */
export function viewValues(view: { state?: { values?: unknown } } | undefined): ViewValues {
  const values = view?.state?.values;
  if (!isRecord(values)) return {};
  return Object.fromEntries(Object.entries(values).filter((e): e is [string, Record<string, unknown>] => isRecord(e[1])));
}

/** The state of a block's one element. */
function elementOf(values: ViewValues, blockId: string): Record<string, unknown> | null {
  const block = Object.hasOwn(values, blockId) ? values[blockId] : undefined;
  const element = block ? Object.values(block)[0] : undefined;
  return isRecord(element) ? element : null;
}

/** The text of an input, or the value of a select's chosen option; undefined when there is none. */
export function textOf(values: ViewValues, blockId: string): string | undefined {
  const element = elementOf(values, blockId);
  if (!element) return undefined;
  if (typeof element.value === 'string') return element.value;
  const option = element.selected_option;
  return isRecord(option) && typeof option.value === 'string' ? option.value : undefined;
}

/** The values of ticked options (checkboxes, multi-selects); options without a text value are skipped. */
export function optionValues(options: unknown): string[] {
  if (!Array.isArray(options)) return [];
  return options.flatMap((o: unknown) => (isRecord(o) && typeof o.value === 'string' ? [o.value] : []));
}

/** The ticked values of a block's checkboxes. */
export function selectedOf(values: ViewValues, blockId: string): string[] {
  return optionValues(elementOf(values, blockId)?.selected_options);
}

/** The view's private_metadata read back with `schema`; null when it is not what the app wrote. */
export function metadataOf<T>(text: string | undefined, schema: z.ZodType<T>): T | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text || '{}');
  } catch {
    return null;
  }
  const result = schema.safeParse(parsed);
  return result.success ? result.data : null;
}

/** A button's value: the text the app put there, or '' when it is anything else. */
export function buttonValue(action: unknown): string {
  const value = isRecord(action) ? action.value : undefined;
  return typeof value === 'string' ? value : '';
}

/** The row id a button or block carries ("12"); null when the text is no such id. */
export function idFrom(text: unknown): number | null {
  if (typeof text !== 'string' || !/^\d{1,15}$/.test(text)) return null;
  const id = Number(text);
  return id > 0 ? id : null;
}

/** The answer to a button whose value names nothing (an old message, or not one of ours). */
export function staleButton(what: string): string {
  return `This button does not name any ${what} (it may be on an old or edited message), so nothing was changed.`;
}

/** The person a users_select chose; undefined when there is none. */
export function userOf(values: ViewValues, blockId: string): string | undefined {
  const user = elementOf(values, blockId)?.selected_user;
  return typeof user === 'string' ? user : undefined;
}

/** Slack sends a datetimepicker's choice in whole seconds; beyond this no Date can hold it. */
const MAX_EPOCH_SECONDS = 8.64e9;

/** The instant (epoch ms) a datetimepicker chose; undefined when there is none or it is no such time. */
export function dateTimeOf(values: ViewValues, blockId: string): number | undefined {
  const seconds = elementOf(values, blockId)?.selected_date_time;
  return typeof seconds === 'number' && Number.isSafeInteger(seconds) && seconds > 0 && seconds < MAX_EPOCH_SECONDS
    ? seconds * 1000
    : undefined;
}

/**
 * The ticked values of checkboxes split into groups (Slack allows 10 options per group): the block `blockId`
 * and its continuations `blockId:2`, `blockId:3`, ... (see checkboxGroups in format.ts).
 */
export function selectedInGroups(values: ViewValues, blockId: string): string[] {
  const continuation = new RegExp(`^${blockId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+$`);
  return Object.keys(values)
    .filter((id) => id === blockId || continuation.test(id))
    .flatMap((id) => selectedOf(values, id));
}
