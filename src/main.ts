/**
 * Composition root: environment + policy -> SQLite -> engine -> Bolt app and HTTP routes -> ticker.
 * Configuration problems end the process with one readable message, never a stack trace.
 */
import { integrationSecretNames } from './alerts/auth.js';
import { createOncallApp } from './app.js';
import { EnvError, parseEnv, secretValues } from './config/env.js';
import { defaultPolicy, loadPolicyFile, PolicyError } from './config/policy.js';
import { openStore } from './db/connection.js';
import { lintRotation } from './schedules/lint.js';
import { activeOverrides } from './schedules/override-store.js';
import { createLogger } from './logger.js';
import { systemClock } from './time/clock.js';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function readConfiguration() {
  try {
    const env = parseEnv(process.env);
    const policy = env.POLICY_PATH ? loadPolicyFile(env.POLICY_PATH) : defaultPolicy();
    return { env, policy };
  } catch (error) {
    if (error instanceof EnvError || error instanceof PolicyError) fail(error.message);
    throw error;
  }
}

async function main(): Promise<void> {
  const { env, policy } = readConfiguration();
  const integrationSecrets = Object.values(policy.integrations)
    .flatMap(integrationSecretNames)
    .map((name) => process.env[name])
    .filter((v): v is string => typeof v === 'string' && v.length >= 6);
  const logger = createLogger({ level: env.LOG_LEVEL, secrets: [...secretValues(env), ...integrationSecrets] });
  const store = openStore(env.DATABASE_PATH);
  const app = createOncallApp({ env, policy, clock: systemClock, logger, store, secrets: process.env });

  // Listen first so /readyz can say "migrating" instead of refusing connections.
  const port = await app.listen(env.PORT);
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
  logger.info(
    {
      port,
      mode: env.SLACK_APP_TOKEN ? 'socket' : 'http',
      database: env.DATABASE_PATH,
      policy: env.POLICY_PATH ?? 'built-in default preset',
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
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  fail(`The on-call bot stopped while starting: ${error instanceof Error ? error.message : String(error)}`);
});
