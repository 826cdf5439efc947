/**
 * The bot with the phone, push and e-mail providers' stand-ins, as the wake, test-page and contact tests start it:
 * the Slack stand-in (the harness's own), and the Twilio, ntfy and SMTP stand-ins on the test's fake clock, named
 * in the bot's env as production names the real ones. `verifyWays` saves a person's ways and verifies them through
 * the contact store (the form's own path is tested in test/contacts/contact-app.test.ts).
 *
 *   let t: TestApp;
 *   let twilio: TwilioStandIn;
 *   afterEach(stopProviders);
 *   ({ t, twilio } = await startWithProviders({ at: T0, policy: pagingPolicy(), verified: { U0ALICE: { voice: PHONE } } }));
 */
import { expect } from 'vitest';
import { parseEnv } from '../../src/config/env.js';
import { providerConfig, providerSender, type ContactSender } from '../../src/contacts/contact-sender.js';
import { issueCode, saveContacts, verifyCode, type DesiredContacts } from '../../src/contacts/contact-store.js';
import { NtfyStandIn } from '../../src/playground/ntfy-stand-in.js';
import { SmtpStandIn } from '../../src/playground/smtp-stand-in.js';
import { TwilioStandIn } from '../../src/playground/twilio-stand-in.js';
import { FakeClock } from '../../src/time/clock.js';
import { scriptedRandomness } from '../contacts/contact-support.js';
import { TestApp, type TestAppOptions } from './harness.js';

export type Provider = 'twilio' | 'ntfy' | 'smtp';

interface ByName {
  twilio: TwilioStandIn;
  ntfy: NtfyStandIn;
  smtp: SmtpStandIn;
}

/** Alice's phone number and ntfy topic, as the wake and contact tests verify them. */
export const ALICE_PHONE = '+447700900123';
export const ALICE_TOPIC = 'oncall-k3q9x2mfp7wz4t8hv6cb9f2a';

/** The number the bot sends texts and places calls from. */
export const TWILIO_FROM = '+15017122661';
/** The sender the bot's e-mails come from. */
export const SMTP_FROM = 'On-call bot <oncall@example.org>';

/** The env that points the bot at the given stand-ins, as production points it at Twilio, ntfy and an SMTP server. */
export function providerEnv(standIns: Partial<ByName>): Record<string, string> {
  const { twilio, ntfy, smtp } = standIns;
  return {
    ...(twilio
      ? {
          TWILIO_ACCOUNT_SID: twilio.accountSid,
          TWILIO_AUTH_TOKEN: twilio.authToken,
          TWILIO_FROM_NUMBER: TWILIO_FROM,
          TWILIO_API_URL: twilio.url,
        }
      : {}),
    ...(ntfy ? { NTFY_URL: ntfy.url } : {}),
    ...(smtp ? { SMTP_URL: smtp.url, SMTP_FROM } : {}),
  };
}

/** The stand-ins one test started, their clock, and the env that names them. */
export type StandIns<P extends Provider> = Pick<ByName, P> & {
  clock: FakeClock;
  env: Record<string, string>;
  /** The bot's own sender for these providers, for a test that wraps it (an outage, a recording e-mail). */
  sender(): ContactSender;
};

export interface StandInOptions<P extends Provider> {
  /** The fake clock's start; the stand-ins date what they record on the same clock. */
  at: number;
  /** Which stand-ins to start (default Twilio and ntfy). */
  providers?: readonly P[];
  /** A token the ntfy stand-in requires on every publish (the bot sends one only if its env says NTFY_TOKEN). */
  ntfyToken?: string;
}

// What the tests of this file started, stopped by `stopProviders` after each test.
const apps: TestApp[] = [];
const started: Array<TwilioStandIn | NtfyStandIn | SmtpStandIn> = [];

/** Starts the stand-ins on a new fake clock at `at`. */
export async function startStandIns<const P extends Provider = 'twilio' | 'ntfy'>(options: StandInOptions<P>): Promise<StandIns<P>> {
  const clock = new FakeClock(options.at);
  const now = () => clock.now();
  const which: readonly Provider[] = options.providers ?? ['twilio', 'ntfy'];
  const byName: Partial<ByName> = {};
  if (which.includes('twilio')) byName.twilio = await new TwilioStandIn({ now }).start();
  if (which.includes('ntfy'))
    byName.ntfy = await new NtfyStandIn({ now, ...(options.ntfyToken ? { token: options.ntfyToken } : {}) }).start();
  if (which.includes('smtp')) byName.smtp = await new SmtpStandIn({ now }).start();
  started.push(...Object.values(byName));
  const env = providerEnv(byName);
  const sender = () => providerSender(providerConfig(parseEnv({ SLACK_BOT_TOKEN: 'xoxb-x', SLACK_SIGNING_SECRET: 's', ...env })));
  return { ...byName, clock, env, sender } as StandIns<P>;
}

export interface ProviderAppOptions extends Omit<TestAppOptions, 'clock'> {
  /** False: the bot's env names no provider (a test that hands it its own `contactSender`). Default true. */
  providerEnv?: boolean;
}

/** The bot on the stand-ins' clock, its env naming them (and then `options.env`); stopped by `stopProviders`. */
export async function startApp(
  standIns: { clock: FakeClock; env: Record<string, string> },
  options: ProviderAppOptions = {},
): Promise<TestApp> {
  const { providerEnv: named = true, ...rest } = options;
  const t = await TestApp.start({ ...rest, clock: standIns.clock, env: { ...(named ? standIns.env : {}), ...options.env } });
  apps.push(t);
  return t;
}

export type StartedWithProviders<P extends Provider> = StandIns<P> & { t: TestApp };

/**
 * The stand-ins and the bot on them, in one call; then each person's ways in `verified` saved and verified.
 * The result's `t`, `twilio`, `ntfy` and `smtp` are what the tests keep in their `let`s.
 */
export async function startWithProviders<const P extends Provider = 'twilio' | 'ntfy'>(
  options: StandInOptions<P> & ProviderAppOptions & { verified?: Record<string, Partial<DesiredContacts>> },
): Promise<StartedWithProviders<P>> {
  const { at, providers, ntfyToken, verified, ...appOptions } = options;
  const standIns = await startStandIns<P>({ at, providers, ntfyToken });
  const t = await startApp(standIns, appOptions);
  for (const [userId, ways] of Object.entries(verified ?? {})) verifyWays(t, userId, ways);
  return { ...standIns, t };
}

/** For afterEach: the bots (once the calls' callbacks to them are answered), then the stand-ins. */
export async function stopProviders(): Promise<void> {
  for (const s of started) if (s instanceof TwilioStandIn) await s.settled();
  for (const t of apps.splice(0)) await t.close();
  for (const s of started.splice(0)) await s.stop();
}

/**
 * The person's ways (the others none), saved and verified now through the contact store, each with the code
 * it was sent: every way the save changed comes out verified.
 */
export function verifyWays(t: TestApp, userId: string, ways: Partial<DesiredContacts>): void {
  const desired: DesiredContacts = { voice: null, sms: null, push: null, email: null, ...ways };
  const { changed } = saveContacts(t.store.db, userId, desired, t.clock.now());
  for (const { channel } of changed) {
    const issued = issueCode(t.store.db, userId, channel, t.clock.now(), scriptedRandomness([7, 1, 3, 9, 2, 4], [123456]))!;
    expect(verifyCode(t.store.db, userId, issued.code, t.clock.now(), channel)).toMatchObject({ outcome: 'verified' });
  }
}
