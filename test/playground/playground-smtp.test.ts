/**
 * The playground's e-mail stays on the machine: SMTP_URL points at the SMTP stand-in it starts on loopback,
 * with the stand-in's login, so a code or a page by e-mail is accepted there and never leaves.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { providerConfig, providerSender } from '../../src/contacts/contact-sender.js';
import { type Playground, startPlayground } from '../../src/playground/playground.js';
import { FakeClock } from '../../src/time/clock.js';

let playground: Playground | undefined;
afterEach(async () => {
  await playground?.stop();
});

describe('playground: e-mail goes to the local SMTP stand-in', () => {
  it('SMTP_URL is the stand-in on 127.0.0.1 with its login, and it accepts what the bot sends', async () => {
    playground = await startPlayground({ PLAYGROUND: '1', DATABASE_PATH: ':memory:' }, new FakeClock('2026-01-05T09:00:00Z'));
    expect(playground.env.SMTP_URL).toMatch(/^smtp:\/\/oncall-bot:[^@]+@127\.0\.0\.1:\d+$/);
    expect(playground.env.SMTP_FROM).toBe('On-call bot <oncall@playground.invalid>');
    const sender = providerSender(providerConfig(playground.env));
    expect(sender.canSend('email')).toBe(true);
    expect(
      await sender.send({ kind: 'email', to: 'alice@example.com', title: 'On-call bot: your code', text: 'Your code is 123456.' }),
    ).toMatchObject({
      ok: true,
    });
  });
});
