/**
 * `/oncall contact` through the real app: signed slash commands and view submissions, the Slack stand-in, and
 * codes sent through the Twilio and ntfy stand-ins (the test reads each code from the SMS or push, as the person would).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CONTACT_BLOCKS, CONTACT_VIEW, VERIFY_VIEW } from '../../src/contacts/contact-form.js';
import { contactsOf } from '../../src/contacts/contact-store.js';
import type { NtfyStandIn } from '../../src/playground/ntfy-stand-in.js';
import type { TwilioStandIn } from '../../src/playground/twilio-stand-in.js';
import { openHome } from '../home/home-support.js';
import { EXAMPLE_POLICY } from '../support/fixtures.js';
import type { TestApp } from '../support/harness.js';
import { startWithProviders, stopProviders, ALICE_PHONE, ALICE_TOPIC } from '../support/providers.js';
import { viewSubmissionPayload } from '../support/signed-requests.js';

const NOW = Date.parse('2026-03-02T10:00:00Z');

let t: TestApp;
let twilio: TwilioStandIn;
let ntfy: NtfyStandIn;
afterEach(stopProviders);

const NTFY_TOKEN = 'tk_ntfy-access-token-000000';

async function started(twilioToken?: string): Promise<TestApp> {
  const env = { NTFY_TOKEN, ...(twilioToken ? { TWILIO_AUTH_TOKEN: twilioToken } : {}) };
  ({ t, twilio, ntfy } = await startWithProviders({ at: NOW, ntfyToken: NTFY_TOKEN, policy: EXAMPLE_POLICY, env }));
  return t;
}

type Values = Record<string, Record<string, unknown>>;
function form(fields: { phone?: string; uses?: string[]; push?: string; email?: string }): Values {
  const text = (value: string | undefined) => ({ value: { type: 'plain_text_input', value: value ?? null } });
  return {
    [CONTACT_BLOCKS.phone]: text(fields.phone),
    [CONTACT_BLOCKS.phoneUses]: { value: { type: 'checkboxes', selected_options: (fields.uses ?? []).map((value) => ({ value })) } },
    [CONTACT_BLOCKS.push]: text(fields.push),
    [CONTACT_BLOCKS.email]: text(fields.email),
  };
}

const submit = async (userId: string, values: Values, callbackId = CONTACT_VIEW) =>
  (await t.interact(viewSubmissionPayload(userId, callbackId, values))).json() as Record<string, unknown> | null;
const codeIn = (text: string | undefined) => text?.match(/\b(\d{6})\b/)?.[1];

describe('/oncall contact: the form', () => {
  it("opens a modal within Block Kit's limits, with an unguessable ntfy topic suggested", async () => {
    t = await started();
    const answer = await t.command('/oncall', 'contact', 'U0ALICE');
    expect(answer.status).toBe(200);
    await t.settled();
    const modal = [...t.standIn.views.values()].find((v) => v.view.callback_id === CONTACT_VIEW)!;
    const view = modal.view as {
      title: { text: string };
      submit: { text: string };
      blocks: Array<{ block_id?: string; label?: { text: string }; element?: { initial_value?: string }; hint?: { text: string } }>;
    };
    expect(view.title.text.length).toBeLessThanOrEqual(24);
    expect(view.submit.text.length).toBeLessThanOrEqual(24);
    for (const block of view.blocks) {
      expect(block.label?.text.length ?? 0).toBeLessThanOrEqual(2000);
      expect(block.hint?.text.length ?? 0).toBeLessThanOrEqual(150);
    }
    expect(view.blocks.find((b) => b.block_id === CONTACT_BLOCKS.push)?.element?.initial_value).toMatch(/^oncall-[a-z0-9]{24}$/);
  });

  it.each([
    ['a number without country code', { phone: '07700 900123', uses: ['sms'] }, CONTACT_BLOCKS.phone, /Start with \+ and the country code/],
    ['a number used for nothing', { phone: ALICE_PHONE, uses: [] }, CONTACT_BLOCKS.phoneUses, /Tick how the number may be used/],
    ['a topic ntfy refuses', { push: 'my topic' }, CONTACT_BLOCKS.push, /" " is not allowed/],
    ['an address with no domain', { email: 'alice@' }, CONTACT_BLOCKS.email, /not a mail domain/],
  ])('%s: the error is on its field and nothing is saved or sent', async (_name, fields, block, message) => {
    t = await started();
    const answer = await submit('U0ALICE', form(fields));
    expect(answer).toMatchObject({ response_action: 'errors' });
    const errors = (answer as { errors: Record<string, string> }).errors;
    expect(Object.keys(errors)).toEqual([block]);
    expect(errors[block]).toMatch(message);
    await t.settled();
    expect(contactsOf(t.store.db, 'U0ALICE')).toEqual([]);
    expect(twilio.messages).toEqual([]);
  });
});

describe('/oncall contact: saving sends each new value a code through itself, and the code verifies it', () => {
  it('phone and push: a code by SMS and one by push; typed back in the code modal and by command', async () => {
    t = await started();
    const answer = await submit('U0ALICE', form({ phone: '+44 7700 900123', uses: ['voice', 'sms'], push: ALICE_TOPIC }));
    expect(answer).toMatchObject({ response_action: 'update', view: { callback_id: VERIFY_VIEW } });
    const labels = JSON.stringify(answer);
    expect(labels).toContain('+44•••••0123');
    expect(labels).not.toContain(ALICE_PHONE);
    await t.settled();

    const sms = twilio.lastMessageTo(ALICE_PHONE);
    expect(sms).toMatchObject({ from: '+15017122661' });
    const push = ntfy.messagesOn(ALICE_TOPIC);
    expect(push).toHaveLength(1);
    expect(ntfy.publishes[0]!.authorization).toBe('Bearer tk_ntfy-access-token-000000');
    const phoneCode = codeIn(sms?.body)!;
    const pushCode = codeIn(push[0]!.message)!;
    expect(phoneCode).toMatch(/^\d{6}$/);

    // Saved unverified; the codes are nowhere in the database in clear.
    expect(contactsOf(t.store.db, 'U0ALICE').map((c) => [c.kind, c.value, c.verifiedAt, c.lastTestResult])).toEqual([
      ['voice', ALICE_PHONE, null, 'code sent (sms)'],
      ['sms', ALICE_PHONE, null, 'code sent (sms)'],
      ['push', ALICE_TOPIC, null, 'code sent (push)'],
    ]);
    const dump = JSON.stringify(t.store.sqlite.prepare('SELECT * FROM contact_codes').all());
    expect(dump).not.toContain(phoneCode);
    expect(dump).not.toContain(pushCode);

    // The phone code is right, the push box holds a wrong one: only the push box shows an error.
    const wrong = pushCode === '000000' ? '111111' : '000000';
    const verify = await submit(
      'U0ALICE',
      {
        code_phone: { value: { type: 'plain_text_input', value: phoneCode } },
        code_push: { value: { type: 'plain_text_input', value: wrong } },
      },
      VERIFY_VIEW,
    );
    expect(verify).toMatchObject({ response_action: 'errors', errors: { code_push: 'That is not the code. 4 tries left.' } });
    expect(
      contactsOf(t.store.db, 'U0ALICE')
        .filter((c) => c.verifiedAt !== null)
        .map((c) => c.kind),
    ).toEqual(['voice', 'sms']);

    const typed = (await t.command('/oncall', `contact verify ${pushCode.slice(0, 3)} ${pushCode.slice(3)}`, 'U0ALICE')).json() as {
      text: string;
    };
    expect(typed.text).toMatch(/^Verified: oncall-•••••9f2a will reach you/);
    expect(contactsOf(t.store.db, 'U0ALICE').every((c) => c.verifiedAt === NOW)).toBe(true);
    // Used once: the same code again finds nothing waiting.
    expect(((await t.command('/oncall', `contact verify ${pushCode}`, 'U0ALICE')).json() as { text: string }).text).toMatch(
      /No code is waiting/,
    );

    // Nothing personal in any log line.
    const logs = t.logs.lines.join('\n');
    for (const secret of [ALICE_PHONE, ALICE_TOPIC, phoneCode, pushCode]) expect(logs).not.toContain(secret);
  });

  it('saving the same values again sends no new code and keeps them verified; a changed number starts over', async () => {
    t = await started();
    await submit('U0ALICE', form({ phone: ALICE_PHONE, uses: ['sms'] }));
    await t.settled();
    await t.command('/oncall', `contact verify ${codeIn(twilio.lastMessageTo(ALICE_PHONE)?.body)}`, 'U0ALICE');
    expect(await submit('U0ALICE', form({ phone: ALICE_PHONE, uses: ['sms'] }))).toMatchObject({
      view: { blocks: [{ text: { text: 'Saved.' } }] },
    });
    // Adding calls to a verified number needs no code either.
    await submit('U0ALICE', form({ phone: ALICE_PHONE, uses: ['sms', 'voice'] }));
    await t.settled();
    expect(twilio.messages).toHaveLength(1);
    expect(contactsOf(t.store.db, 'U0ALICE').every((c) => c.verifiedAt !== null)).toBe(true);

    await submit('U0ALICE', form({ phone: '+447700900999', uses: ['sms'] }));
    await t.settled();
    expect(twilio.messages.map((m) => m.to)).toEqual([ALICE_PHONE, '+447700900999']);
    expect(contactsOf(t.store.db, 'U0ALICE')).toEqual([expect.objectContaining({ kind: 'sms', value: '+447700900999', verifiedAt: null })]);
  });

  it('a code expires after 10 minutes; five wrong tries use it up', async () => {
    t = await started();
    await submit('U0ALICE', form({ phone: ALICE_PHONE, uses: ['voice'] }));
    await t.settled();
    // Calls only: the code is read out in a call, its TwiML inline.
    const call = twilio.lastCallTo(ALICE_PHONE)!;
    const code = (await twilio.answer(call.sid)).match(/code is ((?:\d, ){5}\d)/)?.[1]?.replace(/, /g, '');
    expect(code).toMatch(/^\d{6}$/);
    t.clock.advance(10 * 60_000);
    expect(((await t.command('/oncall', `contact verify ${code}`, 'U0ALICE')).json() as { text: string }).text).toMatch(/expired/);

    expect(((await t.command('/oncall', 'contact resend', 'U0ALICE')).json() as { text: string }).text).toMatch(
      /new code is on its way to \+44•••••0123/,
    );
    await t.settled();
    const fresh = (await twilio.answer(twilio.lastCallTo(ALICE_PHONE)!.sid)).match(/code is ((?:\d, ){5}\d)/)![1]!.replace(/, /g, '');
    const wrong = fresh === '000000' ? '111111' : '000000';
    const replies: string[] = [];
    for (let i = 0; i < 5; i += 1)
      replies.push(((await t.command('/oncall', `contact verify ${wrong}`, 'U0ALICE')).json() as { text: string }).text);
    expect(replies.at(-2)).toMatch(/1 try left/);
    expect(replies.at(-1)).toMatch(/Too many wrong codes/);
    expect(((await t.command('/oncall', `contact verify ${fresh}`, 'U0ALICE')).json() as { text: string }).text).toMatch(
      /No code is waiting/,
    );
  });

  it('when Twilio refuses, the person is told by DM (masked), and the refusal is the last test', async () => {
    t = await started('not-the-auth-token-000000000000');
    for (const id of ['U0ALICE']) t.standIn.addUser({ id });
    await submit('U0ALICE', form({ phone: ALICE_PHONE, uses: ['sms'] }));
    await t.settled();
    await t.app.drainer.drain();
    const dm = await t.standIn.waitFor('chat.postMessage', (a) => a.channel === 'U0ALICE');
    expect(dm.args.text).toContain('The code for +44•••••0123 could not be sent: Twilio refused it (HTTP 401, error 20003)');
    expect(dm.args.text).not.toContain(ALICE_PHONE);
    expect(contactsOf(t.store.db, 'U0ALICE')[0]).toMatchObject({
      lastTestAt: NOW,
      lastTestResult: 'failed: Twilio refused it (HTTP 401, error 20003)',
    });
  });

  it('e-mail without SMTP_URL is saved but not verified, and the form says why', async () => {
    t = await started();
    const answer = JSON.stringify(await submit('U0ALICE', form({ email: 'alice@example.com' })));
    expect(answer).toContain('a•••@example.com is saved but not verified: e-mail is not set up on this bot (SMTP_URL).');
    expect(contactsOf(t.store.db, 'U0ALICE')).toEqual([expect.objectContaining({ kind: 'email', verifiedAt: null })]);
  });
});

describe('/oncall contact: who sees what', () => {
  it('the owner and the admins see the values; anyone else is told who may', async () => {
    t = await started();
    await submit('U0ALICE', form({ phone: ALICE_PHONE, uses: ['sms'] }));
    await t.settled();
    const mine = (await t.command('/oncall', 'contact show', 'U0ALICE')).json() as { text: string };
    expect(mine.text).toContain(`Text messages: ${ALICE_PHONE} (not verified; last test`);
    const lead = (await t.command('/oncall', 'contact <@U0ALICE>', 'U0LEAD')).json() as { text: string };
    expect(lead.text).toContain(ALICE_PHONE);
    const bob = (await t.command('/oncall', 'contact <@U0ALICE|alice>', 'U0BOB')).json() as { text: string };
    expect(bob.text).toMatch(/^Only <@U0ALICE> and the on-call admins \(.*<@U0LEAD>.*\) can see how <@U0ALICE> is reached\.$/);
    expect(bob.text).not.toContain('+44');
  });

  it('the Home tab says how I will be reached, masked, verified or not, and the last test', async () => {
    t = await started();
    t.standIn.addUser({ id: 'U0ALICE' });
    let home = await openHome(t, 'U0ALICE');
    expect(home.text).toContain('Slack only: DMs and the rotation channel.');
    await submit('U0ALICE', form({ phone: ALICE_PHONE, uses: ['sms'], push: ALICE_TOPIC }));
    await t.settled();
    await t.command('/oncall', `contact verify ${codeIn(twilio.lastMessageTo(ALICE_PHONE)?.body)}`, 'U0ALICE');
    t.standIn.take('views.publish');
    home = await openHome(t, 'U0ALICE');
    expect(home.text).toMatch(
      /\*Text messages\*: \+44•••••0123, :white_check_mark: verified; last test <!date\^\d+\^[^>]*>: code sent \(sms\)/,
    );
    expect(home.text).toMatch(/\*Push \(ntfy\)\*: oncall-•••••9f2a, :grey_question: not verified yet; last test/);
    expect(home.text).not.toContain(ALICE_PHONE);
  });
});
