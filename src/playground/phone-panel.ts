/**
 * The playground's "phone" panel: per person, what the Twilio and ntfy stand-ins recorded for that person's
 * numbers and topics (calls, texts, pushes), newest first, and the two things a phone does back: press 4 during a
 * call (the call is picked up, its TwiML fetched and the key posted to its <Gather>, each signed as Twilio signs)
 * and tap Acknowledge on a push (the ntfy app's http action). Everything stays on this machine: the playground
 * never calls Twilio or ntfy.sh.
 */
import type { ContactKind } from '../contacts/contact-rules.js';
import type { NtfyStandIn } from './ntfy-stand-in.js';
import type { TwilioStandIn } from './twilio-stand-in.js';

/** A person's contact methods as the panel shows them (the playground is local: the values are shown whole). */
export interface PhoneContact {
  kind: ContactKind;
  value: string;
  verifiedAt: number | null;
}

export interface PhonePanelDeps {
  twilio: TwilioStandIn;
  ntfy: NtfyStandIn;
  /** The person's methods, verified or not (a code sent to a new number shows here too). */
  contacts(userId: string): PhoneContact[];
}

export type PhoneItem =
  | { type: 'call'; id: string; to: string; at: number; status: string; canPress4: boolean }
  | { type: 'text'; id: string; to: string; at: number; body: string }
  | { type: 'push'; id: string; to: string; at: number; title: string; body: string; priority: number | null; canAcknowledge: boolean };

export interface PhoneView {
  contacts: Array<PhoneContact & { verified: boolean }>;
  items: PhoneItem[];
}

/** A wrong request from the page: the message says what was wrong. */
export class PhoneRequestError extends Error {}

const ENDED = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);

export class PhonePanel {
  /** What each answered call said (its TwiML), so a key can be pressed into its <Gather>. */
  private readonly said = new Map<string, string>();

  constructor(private readonly deps: PhonePanelDeps) {}

  private owned(userId: string): { phones: Set<string>; topics: Set<string> } {
    const contacts = this.deps.contacts(userId);
    const values = (kinds: ContactKind[]) => new Set(contacts.filter((c) => kinds.includes(c.kind)).map((c) => c.value));
    return { phones: values(['voice', 'sms']), topics: values(['push']) };
  }

  view(userId: string): PhoneView {
    const { twilio, ntfy } = this.deps;
    const { phones, topics } = this.owned(userId);
    const items: PhoneItem[] = [
      ...twilio.calls
        .filter((c) => phones.has(c.to))
        .map(
          (c): PhoneItem => ({
            type: 'call',
            id: c.sid,
            to: c.to,
            at: c.createdAt,
            status: c.status,
            canPress4: !ENDED.has(c.status) && (c.url !== null || /<Gather\b/.test(c.twiml ?? '')),
          }),
        ),
      ...twilio.messages
        .filter((m) => phones.has(m.to))
        .map((m): PhoneItem => ({ type: 'text', id: m.sid, to: m.to, at: m.createdAt, body: m.body })),
      ...ntfy.publishes
        .filter((p) => topics.has(p.message.topic))
        .map(
          ({ message: m }): PhoneItem => ({
            type: 'push',
            id: m.id,
            to: m.topic,
            at: m.time * 1000,
            title: m.title ?? '',
            body: m.message,
            priority: m.priority ?? null,
            canAcknowledge: (m.actions ?? []).some((a) => a.label === 'Acknowledge' && a.action === 'http'),
          }),
        ),
    ];
    // Newest first; among equals, the later recorded first (the stand-ins record in order).
    const order = (item: PhoneItem) => items.indexOf(item);
    items.sort((a, b) => b.at - a.at || order(b) - order(a));
    return { contacts: this.deps.contacts(userId).map((c) => ({ ...c, verified: c.verifiedAt !== null })), items };
  }

  /** Press 4 on the person's call `sid`: picked up if it is still ringing, then 4 into its <Gather>. Returns what the bot said. */
  async press4(userId: string, sid: string): Promise<{ status: number; said: string }> {
    const { twilio } = this.deps;
    const call = twilio.calls.find((c) => c.sid === sid);
    if (!call || !this.owned(userId).phones.has(call.to)) throw new PhoneRequestError(`no call "${sid}" to this person's phone`);
    if (ENDED.has(call.status)) throw new PhoneRequestError(`that call has ended (${call.status}); nothing to press`);
    let twiml = this.said.get(sid);
    if (call.status !== 'in-progress' || twiml === undefined) {
      twiml = call.status === 'in-progress' ? (call.twiml ?? '') : await twilio.answer(sid);
      this.said.set(sid, twiml);
    }
    if (!/<Gather\b/.test(twiml)) throw new PhoneRequestError('this call only reads something out (a code); it takes no keys');
    const hook = await twilio.pressDigits(sid, '4', twiml);
    return { status: hook.status, said: spoken(hook.body) };
  }

  /** Tap Acknowledge on the person's push `id`, as the ntfy app does. Returns the bot's answer, as text. */
  async acknowledgePush(userId: string, id: string): Promise<{ status: number; said: string }> {
    const { ntfy } = this.deps;
    const push = ntfy.publishes.find((p) => p.message.id === id)?.message;
    if (!push || !this.owned(userId).topics.has(push.topic)) throw new PhoneRequestError(`no push "${id}" on this person's topic`);
    if (!(push.actions ?? []).some((a) => a.label === 'Acknowledge')) throw new PhoneRequestError('that push has no Acknowledge button');
    const answer = await ntfy.press(id, 'Acknowledge');
    if ('opened' in answer) return { status: 200, said: `opened ${answer.opened}` };
    return { status: answer.status, said: pageText(answer.body) };
  }
}

/** What a TwiML answer says aloud, without the markup. */
function spoken(twiml: string): string {
  return [...twiml.matchAll(/<Say>([^<]*)<\/Say>/g)].map((m) => unescapeXml(m[1]!)).join(' ') || twiml;
}

/** The words of an HTML answer page (its heading and paragraphs). */
function pageText(html: string): string {
  return unescapeXml(
    html
      .replace(/<title>[^<]*<\/title>/, '')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
  );
}

const unescapeXml = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
