/**
 * Composition root: environment + policy -> SQLite -> engine -> Bolt app and HTTP routes -> ticker.
 * Configuration problems end the process with one readable message, never a stack trace.
 */
import { integrationSecretNames } from './alerts/auth.js';
import { createOncallApp } from './app.js';
import { EnvError, parseEnv, secretValues, wantsPlayground } from './config/env.js';
import { defaultPolicy, loadPolicyFile, PolicyError } from './config/policy.js';
import { openStore } from './db/connection.js';
import { lintRotation } from './schedules/lint.js';
import { activeOverrides } from './schedules/override-store.js';
import { createLogger } from './logger.js';
import { contactsOf } from './contacts/contact-store.js';
import { checkPolicyChannels } from './slack/channel-check.js';
import { systemClock } from './time/clock.js';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

async function readConfiguration() {
  try {
    if (wantsPlayground(process.env)) {
      // Loaded only when asked for: the stand-ins (Slack, Twilio, ntfy, SMTP servers) are no part of a real bot's memory.
      const { startPlayground } = await import('./playground/playground.js');
      const playground = await startPlayground(process.env, systemClock);
      return { env: playground.env, policy: playground.policy, secrets: { ...process.env, ...playground.secrets }, playground };
    }
    const env = parseEnv(process.env);
    const policy = env.POLICY_PATH ? loadPolicyFile(env.POLICY_PATH) : defaultPolicy();
    return { env, policy, secrets: process.env, playground: null };
  } catch (error) {
    if (error instanceof EnvError || error instanceof PolicyError) fail(error.message);
    throw error;
  }
}

async function main(): Promise<void> {
  const { env, policy, secrets, playground } = await readConfiguration();
  const integrationSecrets = Object.values(policy.integrations)
    .flatMap(integrationSecretNames)
    .map((name) => secrets[name])
    .filter((v): v is string => typeof v === 'string' && v.length >= 6);
  const logger = createLogger({ level: env.LOG_LEVEL, secrets: [...secretValues(env), ...integrationSecrets] });
  const store = openStore(env.DATABASE_PATH);
  const app = createOncallApp({
    env,
    policy,
    clock: systemClock,
    logger,
    store,
    secrets,
    extraRoutes: playground?.routes(logger, (userId) => contactsOf(store.db, userId)),
  });

  // Listen first so /readyz can say "migrating" instead of refusing connections.
  const port = await app.listen(env.PORT);
  playground?.listening(port);
  app.migrate();
  // Timers that fell due while the bot was down fire before any request is handled: an escalation that was
  // due at 03:00 goes out even if an acknowledgement arrives in the first second after a restart.
  await app.engine.fireDueTimers();
  app.engine.start();
  // The fairness lint at start-up, so a schedule problem shows before it bites (also: /oncall lint).
  const now = systemClock.now();
  for (const rotation of Object.values(policy.rotations)) {
    for (const finding of lintRotation(rotation, activeOverrides(store.db, now), now, now + 12 * 7 * 24 * 3_600_000)) {
      logger.warn({ rotation: finding.rotation, at: finding.at }, `schedule check: ${finding.message}`);
    }
  }
  // Whether the bot is in the channels the policy names, so a missing /invite shows before a page needs it.
  void checkPolicyChannels(app.bolt.client, policy).then(
    (findings) => findings.forEach((f) => void logger.warn({ channel: f.channel, namedAt: f.namedAt }, `channel check: ${f.message}`)),
    (error: unknown) => logger.warn({ err: error }, 'channel check: could not ask Slack'),
  );
  if (playground) {
    process.stdout.write(
      [
        '',
        `  Playground: open ${playground.url(port)} in your browser.`,
        '  No Slack app needed: the bot runs unchanged against a local stand-in for Slack, with a demo workspace',
        `  (${env.POLICY_PATH ? `your policy ${env.POLICY_PATH}` : 'six people, rotations backend and web'}). Its database is a fresh file: ${env.DATABASE_PATH}`,
        '  To connect a real workspace, create the Slack app from manifest.yml and set SLACK_BOT_TOKEN with',
        '  SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode); README.md, "Create the Slack app", says how.',
        '',
      ].join('\n'),
    );
  }
  logger.info(
    {
      port,
      mode: playground ? 'playground' : env.SLACK_APP_TOKEN ? 'socket' : 'http',
      database: env.DATABASE_PATH,
      policy: env.POLICY_PATH ?? (playground ? 'playground demo policy' : 'built-in default preset'),
    },
    env.SLACK_APP_TOKEN
      ? `on-call bot connected over Socket Mode; health at http://localhost:${port}/healthz`
      : `on-call bot listening on http://localhost:${port} (Slack requests at /slack/events)`,
  );

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    app
      .stop()
      .then(() => store.close())
      .then(() => playground?.stop())
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  fail(`The on-call bot stopped while starting: ${error instanceof Error ? error.message : String(error)}`);
});
