/**
 * Try it without Slack: the unchanged bot against the local stand-in, a seeded demo workspace, and the page at
 * /playground that plays Slack's client. Credentials are made up per start and never leave the process; the
 * database is a fresh file per start (the stand-in's messages live in memory, so an old database would point
 * at messages that no longer exist).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv, type Env } from '../config/env.js';
import { loadPolicyFile, type Policy } from '../config/policy.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../time/clock.js';
import { addDaysToDate, instantToWallTime } from '../time/zoned.js';
import { DEMO_CHANNELS, DEMO_PEOPLE, demoPolicy, demoSecrets, sampleAlerts, stormAlerts } from './demo-workspace.js';
import { playgroundRoutes, PLAYGROUND_PATH, userOfTrigger } from './playground-routes.js';
import { NtfyStandIn } from './ntfy-stand-in.js';
import { PhonePanel, type PhonePanelDeps } from './phone-panel.js';
import { policyChannelIds, SlackStandIn } from './slack-stand-in.js';
import { SmtpStandIn } from './smtp-stand-in.js';
import { TwilioStandIn } from './twilio-stand-in.js';

export interface Playground {
  env: Env;
  policy: Policy;
  secrets: Record<string, string>;
  standIn: SlackStandIn;
  /**
   * The page and its API, to mount on the bot's port. `contacts` reads a person's contact methods (the bot's
   * store), for the phone panel.
   */
  routes(logger: Logger, contacts?: PhonePanelDeps['contacts']): ReturnType<typeof playgroundRoutes>;
  /** Tell the routes where the bot listens, once it does. */
  listening(port: number): void;
  url(port: number): string;
  stop(): Promise<void>;
}

/**
 * The Monday whose 09:00 London handoff began the week in progress, so the demo rotations' first members are on
 * call from the first start: early on a Monday, before 09:00, that is the Monday before.
 */
export function thisMonday(now: number): string {
  const today = instantToWallTime('Europe/London', now);
  const sinceMonday = (today.weekday + 6) % 7;
  const beforeHandoff = sinceMonday === 0 && today.hour < 9;
  const monday = addDaysToDate(today, -(sinceMonday + (beforeHandoff ? 7 : 0)));
  return `${monday.year}-${String(monday.month).padStart(2, '0')}-${String(monday.day).padStart(2, '0')}`;
}

export async function startPlayground(source: Record<string, string | undefined>, clock: Clock): Promise<Playground> {
  const standIn = await new SlackStandIn({ now: () => clock.now(), triggerUser: userOfTrigger }).start();
  // As strict as Slack, rate limits by tier included: a burst the bot sends is held back as Slack would hold it.
  standIn.enforceRateLimits();
  for (const person of DEMO_PEOPLE) standIn.addUser(person);
  for (const [id, name] of Object.entries(DEMO_CHANNELS)) standIn.addChannel(id, { name });
  // A policy file of the team's own: the bot is in the channels it names, as the team invited it.
  const declare = (ids: readonly string[]) => ids.filter((id) => !standIn.channels.has(id)).forEach((id) => void standIn.addChannel(id));
  // Codes and pages to phones, ntfy and e-mail stay on this machine: the playground never calls Twilio, ntfy.sh or a mail server.
  const twilio = await new TwilioStandIn({ now: () => clock.now() }).start();
  const ntfy = await new NtfyStandIn({ now: () => clock.now() }).start();
  const smtp = await new SmtpStandIn({ now: () => clock.now() }).start();
  const env = parseEnv({
    ...source,
    TWILIO_ACCOUNT_SID: twilio.accountSid,
    TWILIO_AUTH_TOKEN: twilio.authToken,
    TWILIO_FROM_NUMBER: '+15005550006',
    TWILIO_API_URL: twilio.url,
    NTFY_URL: ntfy.url,
    NTFY_TOKEN: undefined,
    SMTP_URL: smtp.url,
    SMTP_FROM: 'On-call bot <oncall@playground.invalid>',
    SLACK_BOT_TOKEN: `xoxb-playground-${randomBytes(12).toString('hex')}`,
    SLACK_SIGNING_SECRET: randomBytes(16).toString('hex'),
    SLACK_APP_TOKEN: undefined,
    SLACK_API_URL: standIn.url,
    DATABASE_PATH: source.DATABASE_PATH?.trim() || join(mkdtempSync(join(tmpdir(), 'oncall-playground-')), 'playground.db'),
  });
  const policy = env.POLICY_PATH ? loadPolicyFile(env.POLICY_PATH) : demoPolicy(thisMonday(clock.now()));
  declare(policyChannelIds(policy));
  const secrets = demoSecrets();
  let botUrl = '';
  return {
    env,
    policy,
    secrets,
    standIn,
    routes: (logger, contacts) =>
      playgroundRoutes({
        ...(contacts ? { phone: new PhonePanel({ twilio, ntfy, contacts }) } : {}),
        standIn,
        signingSecret: env.SLACK_SIGNING_SECRET ?? '',
        botUrl: () => botUrl,
        people: DEMO_PEOPLE,
        channels: new Map(Object.entries(DEMO_CHANNELS)),
        policy,
        samples: (n) => sampleAlerts(policy, secrets, n),
        storm: (n) => stormAlerts(policy, secrets, n),
        clock,
        logger,
        pageFolder: new URL('./page/', import.meta.url),
      }),
    listening(port) {
      botUrl = `http://127.0.0.1:${port}`;
    },
    url: (port) => `http://localhost:${port}${PLAYGROUND_PATH}`,
    stop: async () => {
      await Promise.all([standIn.stop(), twilio.stop(), ntfy.stop(), smtp.stop()]);
    },
  };
}
