/**
 * Slack's documented Block Kit limits, in one table, and the check the stand-in runs on every message and view
 * before it accepts them, so a test meets the refusal production would meet.
 *
 * Numbers are from Slack's Block Kit reference (blocks, block elements, composition objects, view objects) and
 * the chat.postMessage page. What Slack answers: a message with bad blocks is `invalid_blocks`, a bad view is
 * `invalid_arguments`, each with `response_metadata.messages` lines such as
 * `[ERROR] must be less than 3001 characters [json-pointer:/blocks/2/text/text]`. Ours add, after the pointer,
 * which limit it was (`section text: at most 3000 characters`), so a failing test says what to fix.
 *
 * Not every rule of Slack's is here: what the bot builds is (sections, fields, headers, context, actions, inputs,
 * buttons, selects, checkboxes, radio buttons, overflow menus, text inputs, confirm dialogs, images, dividers).
 * An unknown block or element type is refused, as Slack refuses it.
 */

export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  /** chat.postMessage's `text`: longer is cut (not refused) at this many characters. */
  messageText: 40_000,
  blockId: 255,
  actionId: 255,
  sectionText: 3_000,
  sectionFields: 10,
  sectionFieldText: 2_000,
  headerText: 150,
  contextElements: 10,
  /** A context element's text: Slack documents no own number; its text object is cut at the section's. */
  contextText: 3_000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2_000,
  url: 3_000,
  staticSelectOptions: 100,
  checkboxOptions: 10,
  radioOptions: 10,
  overflowOptions: 5,
  optionText: 75,
  optionValue: 150,
  optionDescription: 75,
  placeholder: 150,
  inputLabel: 2_000,
  inputHint: 2_000,
  textInputLength: 3_000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  imageAltText: 2_000,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3_000,
  callbackId: 255,
} as const;

export type LimitName = keyof typeof LIMITS;

/** One refusal: where (a JSON pointer into the call's arguments) and what, as Slack words it. */
export interface BlockKitError {
  pointer: string;
  /** Slack's own words ("must be less than 3001 characters"). */
  message: string;
  /** Ours: which rule, and what was sent ("section text: at most 3000 characters, got 3001"). */
  detail: string;
}

/** As Slack writes it in `response_metadata.messages`, with our detail after the pointer. */
export function errorLine(e: BlockKitError): string {
  return `[ERROR] ${e.message} [json-pointer:${e.pointer}] (${e.detail})`;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

class Checker {
  readonly errors: BlockKitError[] = [];

  /** `message` is "Slack's words (our detail)". */
  fail(pointer: string, message: string): void {
    const m = /^(.*?) \((.*)\)$/.exec(message);
    this.errors.push({ pointer, message: m ? m[1]! : message, detail: m ? m[2]! : message });
  }

  /** A string no longer than `limit` (Slack's wording: "must be less than limit+1 characters"). */
  length(value: unknown, pointer: string, limit: number, what: string, { required = false } = {}): void {
    if (value === undefined) {
      if (required) this.fail(pointer, `missing required field (${what})`);
      return;
    }
    if (typeof value !== 'string') return void this.fail(pointer, `must be a string (${what})`);
    if (required && value.length === 0) return void this.fail(pointer, `must be more than 0 characters (${what})`);
    if (value.length > limit)
      this.fail(pointer, `must be less than ${limit + 1} characters (${what}: at most ${limit} characters, got ${value.length})`);
  }

  count(value: unknown, pointer: string, limit: number, what: string, options: { required?: boolean; min?: number } = {}): unknown[] {
    const required = options.required ?? false;
    const min = options.min ?? (required ? 1 : 0);
    if (value === undefined) {
      if (required) this.fail(pointer, `missing required field (${what})`);
      return [];
    }
    if (!Array.isArray(value)) {
      this.fail(pointer, `must be an array (${what})`);
      return [];
    }
    if (value.length < min) this.fail(pointer, `must provide at least ${min} items (${what})`);
    if (value.length > limit) this.fail(pointer, `must be less than ${limit + 1} items (${what}: at most ${limit}, got ${value.length})`);
    return value;
  }

  /** A text object: plain_text where Slack wants plain_text, non-empty, within `limit`. */
  text(value: unknown, pointer: string, limit: number, what: string, { plainOnly = false, required = true } = {}): void {
    if (value === undefined) {
      if (required) this.fail(pointer, `missing required field (${what})`);
      return;
    }
    if (!isObject(value)) return void this.fail(pointer, `must be a text object (${what})`);
    if (value.type !== 'plain_text' && value.type !== 'mrkdwn')
      return void this.fail(`${pointer}/type`, `must be one of plain_text, mrkdwn (${what})`);
    if (plainOnly && value.type !== 'plain_text')
      return void this.fail(`${pointer}/type`, `must be plain_text (${what}: Slack takes no mrkdwn here)`);
    this.length(value.text, `${pointer}/text`, limit, what, { required: true });
  }

  blockId(block: Json, pointer: string, seen: Set<string>): void {
    this.length(block.block_id, `${pointer}/block_id`, LIMITS.blockId, 'block_id');
    if (typeof block.block_id === 'string') {
      if (seen.has(block.block_id))
        this.fail(`${pointer}/block_id`, `duplicate block_id "${block.block_id}" (each block_id once per message or view)`);
      seen.add(block.block_id);
    }
  }

  option(o: unknown, pointer: string, plainOnly: boolean): void {
    if (!isObject(o)) return void this.fail(pointer, 'must be an option object');
    this.text(o.text, `${pointer}/text`, LIMITS.optionText, 'option text', { plainOnly });
    this.length(o.value, `${pointer}/value`, LIMITS.optionValue, 'option value', { required: true });
    if (o.description !== undefined)
      this.text(o.description, `${pointer}/description`, LIMITS.optionDescription, 'option description', { plainOnly });
    if (o.url !== undefined) this.length(o.url, `${pointer}/url`, LIMITS.url, 'option url');
  }

  /** Options within their limit, each valid; initial options must be among them, as Slack checks. */
  options(element: Json, pointer: string, limit: number, what: string, plainOnly: boolean, { min = 1 } = {}): void {
    const options = this.count(element.options, `${pointer}/options`, limit, `${what} options`, { required: true, min });
    options.forEach((o, i) => void this.option(o, `${pointer}/options/${i}`, plainOnly));
    const known = new Set(options.filter(isObject).map((o) => JSON.stringify([o.value, isObject(o.text) ? o.text.text : undefined])));
    const initial = element.initial_options ?? (element.initial_option === undefined ? [] : [element.initial_option]);
    const key = element.initial_options !== undefined ? 'initial_options' : 'initial_option';
    (Array.isArray(initial) ? initial : [initial]).forEach((o, i) => {
      const p = key === 'initial_options' ? `${pointer}/initial_options/${i}` : `${pointer}/initial_option`;
      if (!isObject(o) || !known.has(JSON.stringify([o.value, isObject(o.text) ? o.text.text : undefined])))
        this.fail(p, `${key} must match one of the options exactly (${what})`);
    });
  }

  confirm(value: unknown, pointer: string): void {
    if (value === undefined) return;
    if (!isObject(value)) return void this.fail(pointer, 'must be a confirm object');
    this.text(value.title, `${pointer}/title`, LIMITS.confirmTitle, 'confirm title', { plainOnly: true });
    this.text(value.text, `${pointer}/text`, LIMITS.confirmText, 'confirm text');
    this.text(value.confirm, `${pointer}/confirm`, LIMITS.confirmButton, 'confirm button', { plainOnly: true });
    this.text(value.deny, `${pointer}/deny`, LIMITS.confirmButton, 'deny button', { plainOnly: true });
  }

  element(e: unknown, pointer: string, where: 'section' | 'actions' | 'input' | 'context'): void {
    if (!isObject(e)) return void this.fail(pointer, 'must be a block element');
    if (e.type !== 'image') this.length(e.action_id, `${pointer}/action_id`, LIMITS.actionId, 'action_id');
    this.confirm(e.confirm, `${pointer}/confirm`);
    if (e.placeholder !== undefined)
      this.text(e.placeholder, `${pointer}/placeholder`, LIMITS.placeholder, 'placeholder', { plainOnly: true });
    switch (e.type) {
      case 'button':
        if (where === 'input') this.fail(`${pointer}/type`, 'a button cannot be an input element');
        this.text(e.text, `${pointer}/text`, LIMITS.buttonText, 'button text', { plainOnly: true });
        this.length(e.value, `${pointer}/value`, LIMITS.buttonValue, 'button value');
        this.length(e.url, `${pointer}/url`, LIMITS.url, 'button url');
        if (e.style !== undefined && e.style !== 'primary' && e.style !== 'danger')
          this.fail(`${pointer}/style`, 'must be one of primary, danger');
        return;
      case 'static_select':
      case 'multi_static_select':
        if (e.option_groups !== undefined) {
          this.count(e.option_groups, `${pointer}/option_groups`, LIMITS.staticSelectOptions, 'option groups', { required: true }).forEach(
            (g, i) => {
              if (isObject(g)) this.options(g, `${pointer}/option_groups/${i}`, LIMITS.staticSelectOptions, 'option group', true);
            },
          );
          return;
        }
        this.options(e, pointer, LIMITS.staticSelectOptions, e.type, true);
        return;
      case 'overflow':
        this.options(e, pointer, LIMITS.overflowOptions, 'overflow', true);
        return;
      case 'checkboxes':
        this.options(e, pointer, LIMITS.checkboxOptions, 'checkboxes', false);
        return;
      case 'radio_buttons':
        this.options(e, pointer, LIMITS.radioOptions, 'radio_buttons', false);
        return;
      case 'plain_text_input':
        this.length(e.initial_value, `${pointer}/initial_value`, LIMITS.textInputLength, 'initial_value');
        for (const key of ['min_length', 'max_length'] as const) {
          const n = e[key];
          if (n !== undefined && (typeof n !== 'number' || n < 0 || n > LIMITS.textInputLength))
            this.fail(`${pointer}/${key}`, `must be a number from 0 to ${LIMITS.textInputLength} (${key})`);
        }
        if (typeof e.initial_value === 'string' && typeof e.max_length === 'number' && e.initial_value.length > e.max_length)
          this.fail(
            `${pointer}/initial_value`,
            `must be less than ${e.max_length + 1} characters (initial_value: longer than the input's own max_length)`,
          );
        if (where !== 'input' && where !== 'actions') this.fail(`${pointer}/type`, `a plain_text_input cannot be in a ${where} block`);
        return;
      case 'image':
        this.length(e.image_url, `${pointer}/image_url`, LIMITS.url, 'image_url', { required: true });
        this.length(e.alt_text, `${pointer}/alt_text`, LIMITS.imageAltText, 'alt_text', { required: true });
        return;
      case 'users_select':
      case 'multi_users_select':
      case 'conversations_select':
      case 'multi_conversations_select':
      case 'channels_select':
      case 'multi_channels_select':
      case 'datepicker':
      case 'timepicker':
      case 'datetimepicker':
      case 'number_input':
      case 'email_text_input':
      case 'url_text_input':
        return;
      default:
        this.fail(`${pointer}/type`, `unknown element type ${JSON.stringify(e.type)}`);
    }
  }

  block(b: unknown, pointer: string, surface: 'message' | 'modal' | 'home', seen: Set<string>): void {
    if (!isObject(b)) return void this.fail(pointer, 'must be a block');
    this.blockId(b, pointer, seen);
    switch (b.type) {
      case 'section': {
        if (b.text === undefined && b.fields === undefined) this.fail(pointer, 'must provide text or fields (section)');
        if (b.text !== undefined) this.text(b.text, `${pointer}/text`, LIMITS.sectionText, 'section text');
        this.count(b.fields, `${pointer}/fields`, LIMITS.sectionFields, 'section fields', { min: 1 }).forEach(
          (f, i) => void this.text(f, `${pointer}/fields/${i}`, LIMITS.sectionFieldText, 'section field'),
        );
        if (b.accessory !== undefined) this.element(b.accessory, `${pointer}/accessory`, 'section');
        return;
      }
      case 'header':
        this.text(b.text, `${pointer}/text`, LIMITS.headerText, 'header text', { plainOnly: true });
        return;
      case 'context':
        this.count(b.elements, `${pointer}/elements`, LIMITS.contextElements, 'context elements', { required: true }).forEach((e, i) => {
          if (isObject(e) && e.type === 'image') this.element(e, `${pointer}/elements/${i}`, 'context');
          else this.text(e, `${pointer}/elements/${i}`, LIMITS.contextText, 'context text');
        });
        return;
      case 'actions':
        this.count(b.elements, `${pointer}/elements`, LIMITS.actionsElements, 'actions elements', { required: true }).forEach(
          (e, i) => void this.element(e, `${pointer}/elements/${i}`, 'actions'),
        );
        return;
      case 'input':
        this.text(b.label, `${pointer}/label`, LIMITS.inputLabel, 'input label', { plainOnly: true });
        if (b.hint !== undefined) this.text(b.hint, `${pointer}/hint`, LIMITS.inputHint, 'input hint', { plainOnly: true });
        if (b.element === undefined) this.fail(`${pointer}/element`, 'missing required field (input element)');
        else this.element(b.element, `${pointer}/element`, 'input');
        return;
      case 'divider':
        return;
      case 'image':
        this.length(b.image_url, `${pointer}/image_url`, LIMITS.url, 'image_url', { required: b.slack_file === undefined });
        this.length(b.alt_text, `${pointer}/alt_text`, LIMITS.imageAltText, 'alt_text', { required: true });
        if (b.title !== undefined) this.text(b.title, `${pointer}/title`, LIMITS.imageAltText, 'image title', { plainOnly: true });
        return;
      default:
        this.fail(`${pointer}/type`, `unknown block type ${JSON.stringify(b.type)} in a ${surface}`);
    }
  }

  blocks(blocks: unknown, pointer: string, surface: 'message' | 'modal' | 'home'): void {
    const limit = surface === 'message' ? LIMITS.messageBlocks : LIMITS.viewBlocks;
    const seen = new Set<string>();
    this.count(blocks, pointer, limit, `blocks in a ${surface}`, { required: surface !== 'message', min: 0 }).forEach(
      (b, i) => void this.block(b, `${pointer}/${i}`, surface, seen),
    );
  }
}

/**
 * A message's blocks (chat.postMessage, chat.update, chat.postEphemeral): the errors Slack would answer with
 * (empty when it would accept them). `text` is not checked here: Slack cuts it, see `cutMessageText`.
 */
export function checkMessageBlocks(args: Record<string, unknown>): BlockKitError[] {
  const checker = new Checker();
  if (args.blocks !== undefined) checker.blocks(args.blocks, '/blocks', 'message');
  return checker.errors;
}

/** A view (views.open, .push, .update, .publish): the errors Slack would answer `invalid_arguments` with. */
export function checkView(view: unknown): BlockKitError[] {
  const checker = new Checker();
  if (!isObject(view)) {
    checker.fail('/view', 'missing required field (view)');
    return checker.errors;
  }
  const surface = view.type === 'home' ? 'home' : view.type === 'modal' ? 'modal' : null;
  if (!surface) {
    checker.fail('/view/type', 'must be one of modal, home');
    return checker.errors;
  }
  checker.blocks(view.blocks, '/view/blocks', surface);
  checker.length(view.private_metadata, '/view/private_metadata', LIMITS.privateMetadata, 'private_metadata');
  checker.length(view.callback_id, '/view/callback_id', LIMITS.callbackId, 'callback_id');
  checker.length(view.external_id, '/view/external_id', LIMITS.callbackId, 'external_id');
  if (surface === 'modal') {
    checker.text(view.title, '/view/title', LIMITS.modalTitle, 'modal title', { plainOnly: true });
    checker.text(view.submit, '/view/submit', LIMITS.modalButton, 'modal submit', { plainOnly: true, required: false });
    checker.text(view.close, '/view/close', LIMITS.modalButton, 'modal close', { plainOnly: true, required: false });
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObject(b) && b.type === 'input');
    if (hasInput && view.submit === undefined)
      checker.fail('/view/submit', 'missing required field (a modal with an input block needs submit)');
  }
  return checker.errors;
}

/** Neither text nor blocks nor attachments: Slack answers `no_text`. */
export function hasNoContent(args: Record<string, unknown>): boolean {
  const empty = (v: unknown) => v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
  return empty(args.text) && empty(args.blocks) && empty(args.attachments);
}

/** chat.postMessage's `text` as Slack keeps it: cut at 40,000 characters, not refused. */
export function cutMessageText(text: string): { text: string; cut: boolean } {
  return text.length > LIMITS.messageText ? { text: text.slice(0, LIMITS.messageText), cut: true } : { text, cut: false };
}

/**
 * Slack's rate limits by tier (calls a minute per method, per workspace), as each method's page lists its tier;
 * chat.postMessage is "special": about one message a second per channel, short bursts allowed. Over the limit
 * Slack answers HTTP 429 `ratelimited` with Retry-After (seconds).
 */
export const TIER_PER_MINUTE = { 1: 1, 2: 20, 3: 50, 4: 100 } as const;

export const METHOD_TIERS: Readonly<Record<string, keyof typeof TIER_PER_MINUTE>> = {
  'chat.update': 3,
  'chat.postEphemeral': 4,
  'chat.delete': 3,
  'conversations.create': 2,
  'conversations.invite': 3,
  'conversations.history': 3,
  'conversations.replies': 3,
  'conversations.info': 3,
  'conversations.open': 3,
  'users.info': 4,
  'users.list': 2,
  'usergroups.users.list': 2,
  'usergroups.users.update': 2,
  'reactions.add': 3,
  'pins.add': 2,
  'files.getUploadURLExternal': 4,
  'files.completeUploadExternal': 4,
  'views.open': 4,
  'views.push': 4,
  'views.update': 4,
  'views.publish': 4,
};

/** chat.postMessage: one a second per channel, with a burst of this many allowed. */
export const POST_MESSAGE_BURST = 5;

/**
 * Whether a call at `now` is over its limit, given when the earlier ones of its bucket were made (a sliding window;
 * `history` is updated when the call is let through). Returns the seconds to wait (Retry-After), or null.
 */
export function rateLimitWait(method: string, channel: string | null, now: number, history: Map<string, number[]>): number | null {
  const tier = METHOD_TIERS[method];
  const [key, limit, windowMs] =
    method === 'chat.postMessage' && channel
      ? [`${method}:${channel}`, POST_MESSAGE_BURST, POST_MESSAGE_BURST * 1_000]
      : tier
        ? [method, TIER_PER_MINUTE[tier], 60_000]
        : [null, 0, 0];
  if (key === null) return null;
  const recent = (history.get(key) ?? []).filter((at) => at > now - windowMs);
  if (recent.length >= limit) {
    history.set(key, recent);
    return Math.max(1, Math.ceil((recent[0]! + windowMs - now) / 1_000));
  }
  recent.push(now);
  history.set(key, recent);
  return null;
}
