/**
 * Waking a person by e-mail, through the real app: signed requests, the Slack stand-in, the SMTP stand-in (via
 * SMTP_URL, nodemailer on the wire) and the fake clock. A P0 nobody acknowledges gets its e-mail at the policy's
 * minute with a signed acknowledge link; following the link acknowledges as that person and edits the Slack DM;
 * a 451 is retried through the outbox, a 550 is given up; the address is in no log line and no outbox row.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { outbox, pages } from '../../src/db/schema.js';
import type { SmtpStandIn } from '../../src/playground/smtp-stand-in.js';
import { MINUTE } from '../../src/time/clock.js';
import type { TestApp } from '../support/harness.js';
import { pagingPolicy, WED_0300, commandPage } from '../support/paging-scenario.js';
import { startWithProviders, stopProviders } from '../support/providers.js';

const ALICE_EMAIL = 'alice.oncall@example.com';
const WAKE = 'wake: { P0: [{ after: 0, via: slack }, { after: 2m, via: email }] }';

let t: TestApp;
let smtp: SmtpStandIn;
afterEach(stopProviders);

async function started(): Promise<TestApp> {
  // Alice's address, verified (the form's own path, code by e-mail, is in test/contacts/contact-email.test.ts).
  ({ t, smtp } = await startWithProviders({
    at: WED_0300,
    providers: ['smtp'],
    policy: pagingPolicy([WAKE]),
    verified: { U0ALICE: { email: ALICE_EMAIL } },
  }));
  return t;
}

async function page(): Promise<number> {
  const id = await commandPage(t, '--severity P0 checkout down');
  await t.tick();
  await t.app.drainer.drain();
  return id;
}

/** Minute by minute: the minute each e-mail arrived at the stand-in. */
async function mailsOver(minutes: number): Promise<string[]> {
  const lines: string[] = [];
  let seen = smtp.messages.length;
  for (let i = 0; i < minutes; i += 1) {
    await t.advance(MINUTE);
    await t.app.drainer.drain();
    for (const m of smtp.messages.slice(seen)) lines.push(`${Math.round((t.clock.now() - WED_0300) / MINUTE)} email ${m.to.join(',')}`);
    seen = smtp.messages.length;
  }
  return lines;
}

const emailRow = () =>
  t.store.db
    .select()
    .from(outbox)
    .all()
    .find((r) => r.method === 'email.send');

function expectNoAddressAnywhere(): void {
  expect(JSON.stringify(t.store.db.select().from(outbox).all())).not.toContain(ALICE_EMAIL);
  const logs = t.logs.lines.join('\n');
  expect(logs).not.toContain(ALICE_EMAIL);
  expect(logs).not.toContain('alice.oncall');
}

describe('wake by e-mail: a P0 nobody acknowledges', () => {
  it('the e-mail arrives at 2 min with the acknowledge link; following it acknowledges as Alice and edits the Slack DM', async () => {
    await started();
    const id = await page();
    t.standIn.take('chat.postMessage');
    expect(await mailsOver(5)).toEqual([`2 email ${ALICE_EMAIL}`]);
    const mail = smtp.messages[0]!;
    expect(mail).toMatchObject({ from: 'oncall@example.org', user: 'oncall-bot', subject: '[P0] checkout down' });
    expect(mail.text).toMatch(new RegExp(`^\\[P0\\] checkout down: page #${id} \\(backend\\) is not acknowledged\\. Acknowledge: `));
    const link = /Acknowledge: (\S+)$/.exec(mail.text)![1]!;
    const path = new URL(link).pathname;
    expect(path).toMatch(new RegExp(`^/ack/v1\\.${id}\\.U0ALICE\\.`));

    // A mail scanner or a click opens the link: GET only shows a confirmation with a POST form.
    const shown = await t.get(`${path}${new URL(link).search}`);
    expect(shown.status).toBe(200);
    const confirm = await shown.text();
    expect(confirm).toContain(`Acknowledge page #${id}?`);
    expect(new URL(link).search).toBe('?via=email');
    expect(confirm).toContain('<form method="post" action="?via=email"');
    expect(t.store.db.select().from(pages).get()!.status).toBe('open');

    // The form's POST acknowledges, as the person the link was for, and the page says it came by e-mail.
    const posted = await fetch(`${t.baseUrl}${path}?via=email`, { method: 'POST' });
    expect(posted.status).toBe(200);
    expect(await posted.text()).toContain(`Acknowledged page #${id}`);
    expect(t.store.db.select().from(pages).get()).toMatchObject({
      status: 'acknowledged',
      ackedBy: 'U0ALICE',
      ackedAt: WED_0300 + 5 * MINUTE,
      ackedVia: 'email',
    });
    await t.app.drainer.drain();
    const edits = t.standIn.take('chat.update');
    expect(edits.map((e) => e.args.channel)).toContain('U0ALICE');
    expect(edits.every((e) => String(e.args.text).includes(':white_check_mark: Acknowledged by <@U0ALICE>'))).toBe(true);

    // Used once: the link again is refused and changes nothing.
    const again = await fetch(`${t.baseUrl}${path}`, { method: 'POST' });
    expect(again.status).toBe(403);
    expect(t.store.db.select().from(pages).get()).toMatchObject({ ackedAt: WED_0300 + 5 * MINUTE });
    expect(await mailsOver(20)).toEqual([]);
    expectNoAddressAnywhere();
  });

  it('a 451 from the mail server is retried through the outbox and delivered once', async () => {
    await started();
    smtp.failNext({ code: 451 }, 2);
    await page();
    expect(await mailsOver(2)).toEqual([]);
    expect(emailRow()).toMatchObject({ status: 'pending', attempts: 1, lastError: 'the mail server deferred it (SMTP 451 4.7.1)' });
    // Backoff 1 s, then 2 s: the third try goes through.
    for (let i = 0; i < 4; i += 1) await t.advance(1_000);
    expect(smtp.messages.map((m) => m.to)).toEqual([[ALICE_EMAIL]]);
    expect(smtp.refusals).toEqual(['RCPT -> 451', 'RCPT -> 451']);
    expect(emailRow()).toMatchObject({ status: 'sent', attempts: 3 });
    expect(await mailsOver(10)).toEqual([]);
    expectNoAddressAnywhere();
  });

  it('a 550 is refused for good: logged with its code, never the address, and not retried', async () => {
    await started();
    smtp.failNext({ code: 550 }, 5);
    const id = await page();
    expect(await mailsOver(10)).toEqual([]);
    expect(emailRow()).toMatchObject({ status: 'failed', attempts: 1, lastError: 'the mail server refused it (SMTP 550 5.1.1)' });
    expect(smtp.refusals).toEqual(['RCPT -> 550']);
    expect(t.logs.lines.join('\n')).toContain('the mail server refused it (SMTP 550 5.1.1)');
    expect(t.store.db.select().from(pages).get()).toMatchObject({ id, status: 'open' });
    expectNoAddressAnywhere();
  });
});
