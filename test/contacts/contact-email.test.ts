/**
 * Verifying an e-mail address through the real app: the form is saved with a signed view submission, the code
 * goes out through SMTP_URL (nodemailer) to the SMTP stand-in, and the test reads it there as the person would
 * and types it back. A refusal is told to the person by DM, masked.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CONTACT_BLOCKS, CONTACT_VIEW, VERIFY_VIEW } from '../../src/contacts/contact-form.js';
import { contactsOf } from '../../src/contacts/contact-store.js';
import type { SmtpStandIn } from '../../src/playground/smtp-stand-in.js';
import { EXAMPLE_POLICY } from '../support/fixtures.js';
import type { TestApp } from '../support/harness.js';
import { startWithProviders, stopProviders } from '../support/providers.js';
import { viewSubmissionPayload } from '../support/signed-requests.js';

const NOW = Date.parse('2026-03-02T10:00:00Z');
const EMAIL = 'alice.oncall@example.com';

let t: TestApp;
let smtp: SmtpStandIn;
afterEach(stopProviders);

async function started(): Promise<TestApp> {
  ({ t, smtp } = await startWithProviders({ at: NOW, providers: ['smtp'], policy: EXAMPLE_POLICY }));
  return t;
}

const text = (value: string | null) => ({ value: { type: 'plain_text_input', value } });
const emailForm = (email: string) => ({
  [CONTACT_BLOCKS.phone]: text(null),
  [CONTACT_BLOCKS.phoneUses]: { value: { type: 'checkboxes', selected_options: [] } },
  [CONTACT_BLOCKS.push]: text(null),
  [CONTACT_BLOCKS.email]: text(email),
});
const submit = async (userId: string, values: Record<string, unknown>, callbackId = CONTACT_VIEW) =>
  (await t.interact(viewSubmissionPayload(userId, callbackId, values as never))).json() as Record<string, unknown> | null;
const codeIn = (body: string | undefined) => body?.match(/\b(\d{6})\b/)?.[1];

describe('/oncall contact: an e-mail address is verified by a code sent by e-mail', () => {
  it('the code arrives at the mail server, typed back in the code modal it verifies the address', async () => {
    await started();
    const answer = await submit('U0ALICE', emailForm(EMAIL));
    expect(answer).toMatchObject({ response_action: 'update', view: { callback_id: VERIFY_VIEW } });
    const shown = JSON.stringify(answer);
    expect(shown).toContain('Code sent by e-mail to a•••@example.com');
    expect(shown).not.toContain(EMAIL);
    await t.settled();

    const mail = smtp.lastMessageTo(EMAIL)!;
    expect(mail).toMatchObject({ from: 'oncall@example.org', to: [EMAIL], subject: 'On-call bot: your code' });
    const code = codeIn(mail.text)!;
    expect(code).toMatch(/^\d{6}$/);
    expect(contactsOf(t.store.db, 'U0ALICE')).toEqual([
      expect.objectContaining({ kind: 'email', value: EMAIL, verifiedAt: null, lastTestResult: 'code sent (email)' }),
    ]);

    // The right code closes the modal: an empty ack.
    const verified = await t.interact(viewSubmissionPayload('U0ALICE', VERIFY_VIEW, { code_email: text(code) } as never));
    expect([verified.status, verified.text]).toEqual([200, '']);
    expect(contactsOf(t.store.db, 'U0ALICE')[0]).toMatchObject({ verifiedAt: NOW });
    const logs = t.logs.lines.join('\n');
    for (const secret of [EMAIL, code]) expect(logs).not.toContain(secret);
  });

  it('resend sends a new code by e-mail; the command takes it back', async () => {
    await started();
    await submit('U0ALICE', emailForm(EMAIL));
    await t.settled();
    const resent = (await t.command('/oncall', 'contact resend', 'U0ALICE')).json() as { text: string };
    expect(resent.text).toContain('A new code is on its way to a•••@example.com.');
    await t.settled();
    expect(smtp.messagesTo(EMAIL)).toHaveLength(2);
    const typed = (await t.command('/oncall', `contact verify ${codeIn(smtp.lastMessageTo(EMAIL)!.text)}`, 'U0ALICE')).json() as {
      text: string;
    };
    expect(typed.text).toMatch(/^Verified: a•••@example\.com will reach you/);
  });

  it('when the mail server refuses the address, the person is told by DM (masked) and the refusal is the last test', async () => {
    await started();
    t.standIn.addUser({ id: 'U0ALICE' });
    smtp.failNext({ code: 550 });
    await submit('U0ALICE', emailForm(EMAIL));
    await t.settled();
    await t.app.drainer.drain();
    const dm = await t.standIn.waitFor('chat.postMessage', (a) => a.channel === 'U0ALICE');
    expect(dm.args.text).toContain('The code for a•••@example.com could not be sent: the mail server refused it (SMTP 550 5.1.1)');
    expect(dm.args.text).not.toContain(EMAIL);
    expect(contactsOf(t.store.db, 'U0ALICE')[0]).toMatchObject({
      verifiedAt: null,
      lastTestResult: 'failed: the mail server refused it (SMTP 550 5.1.1)',
    });
    expect(smtp.messages).toEqual([]);
    expect(t.logs.lines.join('\n')).not.toContain(EMAIL);
  });
});
