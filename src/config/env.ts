import { createHmac } from 'node:crypto';
import { z } from 'zod';

/** Where each credential comes from, said in the error so nobody has to search for it. */
const WHERE = {
  SLACK_BOT_TOKEN:
    'create the app from manifest.yml at https://api.slack.com/apps, install it to your workspace, then copy "Bot User OAuth Token" (starts with xoxb-) from OAuth & Permissions',
  SLACK_SIGNING_SECRET: 'copy "Signing Secret" from Basic Information > App Credentials of your Slack app',
  SLACK_APP_TOKEN:
    'for Socket Mode, create an app-level token with the connections:write scope under Basic Information > App-Level Tokens (starts with xapp-)',
} as const;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** An address (`oncall@example.com`), alone or in brackets after a display name (`"On-call" <...>`); one line. */
const MAIL_FROM = /^(?:(?:"[^"\r\n]*"|[^<>"@\r\n]*)\s*<[^\s<>@"]+@[^\s<>@"]+\.[^\s<>@"]+>|[^\s<>@"]+@[^\s<>@"]+\.[^\s<>@"]+)$/;

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

export const envSchema = z.object({
  SLACK_BOT_TOKEN: optionalText.pipe(
    z
      .string({ error: `is not set: ${WHERE.SLACK_BOT_TOKEN}` })
      .startsWith('xoxb-', { error: `should start with xoxb- (a bot token): ${WHERE.SLACK_BOT_TOKEN}` }),
  ),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText.pipe(
    z
      .string()
      .startsWith('xapp-', { error: `should start with xapp- (an app-level token): ${WHERE.SLACK_APP_TOKEN}` })
      .optional(),
  ),
  SLACK_API_URL: optionalText.pipe(
    z
      .url({ error: 'should be a URL such as https://slack.com/api/ (leave it unset to use Slack itself)' })
      .default('https://slack.com/api/'),
  ),
  DATABASE_PATH: optionalText.pipe(z.string().default('./data/oncall.db')),
  PORT: optionalText.pipe(
    z.coerce
      .number<string | undefined>({ error: 'should be a port number from 1 to 65535, e.g. 3000' })
      .int({ error: 'should be a whole port number from 1 to 65535, e.g. 3000' })
      .min(0, { error: 'should be a port number from 1 to 65535, e.g. 3000' })
      .max(65535, { error: 'should be a port number from 1 to 65535, e.g. 3000' })
      .default(3000),
  ),
  POLICY_PATH: optionalText,
  /** Where people reach this bot from outside (calendar links); default http://localhost:<PORT>. */
  PUBLIC_URL: optionalText.pipe(
    z.url({ error: 'should be the URL people reach this bot at, such as https://oncall.example.com' }).optional(),
  ),
  /** Reaching people by phone (issue #21): a Twilio account, or any API that speaks Twilio's REST shape. */
  TWILIO_ACCOUNT_SID: optionalText.pipe(
    z
      .string()
      .regex(/^AC[0-9a-fA-F]{32}$/, {
        error: "should be your Twilio Account SID: AC and 32 hex characters, from the Twilio Console's Account Info",
      })
      .optional(),
  ),
  TWILIO_AUTH_TOKEN: optionalText,
  TWILIO_FROM_NUMBER: optionalText.pipe(
    z
      .string()
      .regex(/^\+[1-9]\d{7,14}$/, { error: 'should be your Twilio phone number in E.164 form, e.g. +15017122661' })
      .optional(),
  ),
  TWILIO_API_URL: optionalText.pipe(
    z.url({ error: 'should be a URL such as https://api.twilio.com (leave it unset for Twilio itself)' }).default('https://api.twilio.com'),
  ),
  /** Push through ntfy; NTFY_TOKEN is an access token (tk_...) for a server that requires one. */
  NTFY_URL: optionalText.pipe(z.url({ error: "should be the ntfy server's URL, such as https://ntfy.sh" }).default('https://ntfy.sh')),
  NTFY_TOKEN: optionalText,
  /**
   * E-mail through a mail server: smtps://user:password@host:465 (TLS from the start) or smtp://...:587 (STARTTLS
   * when the server offers it), and the address it comes from. A secret: the URL holds the password.
   */
  SMTP_URL: optionalText.pipe(
    z
      .url({
        protocol: /^smtps?$/,
        hostname: /^[^\s]+$/,
        error:
          'should be an SMTP URL such as smtps://user:password@smtp.example.com:465 or smtp://user:password@smtp.example.com:587 (write @ : / in the user or password as %40 %3A %2F)',
      })
      .optional(),
  ),
  SMTP_FROM: optionalText.pipe(
    z
      .string()
      .regex(MAIL_FROM, { error: 'should be the address e-mail comes from, e.g. oncall@example.com or On-call <oncall@example.com>' })
      .optional(),
  ),
  /** Signs the acknowledge links in pushes (/ack/<token>); default: derived from the Slack signing secret. */
  ACK_TOKEN_SECRET: optionalText.pipe(z.string().min(16, { error: 'should be at least 16 characters (a long random string)' }).optional()),
  LOG_LEVEL: optionalText.pipe(z.enum(LOG_LEVELS, { error: `should be one of ${LOG_LEVELS.join(', ')}` }).default('info')),
});

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(
      [
        `Cannot start the on-call bot: ${problems.length} problem${problems.length === 1 ? '' : 's'} with the environment.`,
        ...problems.map((p) => `- ${p}`),
        'Put them in the environment (or a .env file you source); README.md lists every variable.',
      ].join('\n'),
    );
    this.name = 'EnvError';
  }
}

/** Reads the environment; every problem is reported at once, never as a stack trace. Values are never echoed. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  const problems = result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.') || 'environment'} ${issue.message}`);
  // HTTP mode verifies every request with the signing secret; Socket Mode does not need it.
  if (!source.SLACK_APP_TOKEN?.trim() && !source.SLACK_SIGNING_SECRET?.trim()) {
    problems.push(`SLACK_SIGNING_SECRET is not set (needed unless SLACK_APP_TOKEN turns on Socket Mode): ${WHERE.SLACK_SIGNING_SECRET}`);
  }
  // Twilio needs all three or none: a half-configured phone would fail only when someone is paged.
  const twilio = (['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM_NUMBER'] as const).filter((name) => source[name]?.trim());
  if (twilio.length > 0 && twilio.length < 3) {
    const missing = (['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM_NUMBER'] as const).filter((name) => !twilio.includes(name));
    problems.push(
      `${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not set, but ${twilio.join(' and ')} ${twilio.length === 1 ? 'is' : 'are'}: calls and text messages need all three (Twilio Console > Account Info, and a number under Phone Numbers)`,
    );
  }
  // E-mail needs both: where it is sent through and whom it comes from.
  const smtpUrl = Boolean(source.SMTP_URL?.trim());
  const smtpFrom = Boolean(source.SMTP_FROM?.trim());
  if (smtpUrl && !smtpFrom)
    problems.push(
      'SMTP_FROM is not set, but SMTP_URL is: e-mail needs the address it comes from, e.g. SMTP_FROM="On-call <oncall@example.com>" (one your mail server lets this login send as)',
    );
  if (smtpFrom && !smtpUrl)
    problems.push(
      'SMTP_URL is not set, but SMTP_FROM is: e-mail needs the mail server, e.g. SMTP_URL=smtps://user:password@smtp.example.com:465',
    );
  if (!result.success || problems.length > 0) throw new EnvError(problems);
  return result.data;
}

/** Every secret value in the environment, so the logger can scrub them wherever they appear. */
export function secretValues(env: Env): string[] {
  return [
    env.SLACK_BOT_TOKEN,
    env.SLACK_SIGNING_SECRET,
    env.SLACK_APP_TOKEN,
    env.ACK_TOKEN_SECRET,
    env.TWILIO_AUTH_TOKEN,
    env.NTFY_TOKEN,
    env.SMTP_URL,
    smtpPassword(env.SMTP_URL),
  ].filter((v): v is string => typeof v === 'string' && v.length >= 6);
}

/**
 * The key that signs acknowledge links: ACK_TOKEN_SECRET, or one derived from the Slack signing secret (the
 * app token in Socket Mode), so a bot needs nothing new to be set and a link never carries the secret itself.
 */
export function ackTokenSecret(env: Env): string {
  if (env.ACK_TOKEN_SECRET) return env.ACK_TOKEN_SECRET;
  const base = env.SLACK_SIGNING_SECRET ?? env.SLACK_APP_TOKEN ?? env.SLACK_BOT_TOKEN;
  return createHmac('sha256', base).update('oncall:ack-token:v1').digest('base64url');
}

/**
 * How people reach the bot from outside, decided once from the environment:
 *
 *   PUBLIC_URL set                          -> reachable: links, push actions, key presses and SMS replies come to it
 *   no PUBLIC_URL, Socket Mode (app token)  -> outbound only: pushes are acknowledged through a reply topic the bot
 *                                              reads from ntfy, calls are read out inline (no key presses)
 *   no PUBLIC_URL, HTTP mode                -> local: links point at http://localhost:<PORT> (Slack reaches it, so can a
 *                                              person on this network)
 */
export type ReachMode = 'reachable' | 'outbound-only' | 'local';

export function reachMode(env: Pick<Env, 'PUBLIC_URL' | 'SLACK_APP_TOKEN'>): ReachMode {
  if (env.PUBLIC_URL) return 'reachable';
  return env.SLACK_APP_TOKEN ? 'outbound-only' : 'local';
}

/** The password inside an SMTP URL, so it is scrubbed even where the URL is printed in pieces. */
function smtpPassword(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}

const SLACK_CREDENTIALS = ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN'] as const;

/**
 * The playground runs when asked (PLAYGROUND=1) or when no Slack credential at all is set: a fresh clone starts
 * without a Slack app. Some but not all set is a half-configured bot, and parseEnv says what is missing: it
 * must never quietly turn into a playground.
 */
export function wantsPlayground(source: Record<string, string | undefined>): boolean {
  const flag = source.PLAYGROUND?.trim().toLowerCase();
  if (flag === '1' || flag === 'true' || flag === 'yes') return true;
  return SLACK_CREDENTIALS.every((name) => !source[name]?.trim());
}
