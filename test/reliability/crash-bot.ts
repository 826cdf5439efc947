import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { TEST_SECRETS } from '../support/common.js';

/**
 * The bot as production runs it, in a child process that can be killed with SIGKILL: bundled once (`npm run
 * build`; it starts in half the time of the unbundled code, and the crash test starts it hundreds of times),
 * real SQLite file, real HTTP.
 */

export const REPO = resolve(import.meta.dirname, '../..');
export const ALERTS_TOKEN = 'crash-test-alerts-bearer-0123456789';

/**
 * One rotation of three, escalating every second: primary, then secondary, then the lead, once. Two integrations:
 * `jobs` (generic JSON, each alert its own group) and `storm` (Alertmanager, alerts grouped by service and name; each group declares an incident).
 */
export function writeCrashPolicy(dir: string): string {
  const path = join(dir, 'crash.policy.yml');
  writeFileSync(
    path,
    `timezone: UTC
people: { engineering_lead: U0LEAD, cto: U0CTO }
channels: { incidents: C0INCIDENTS, alerts: C0ALERTS }
rotations:
  core:
    members: [U0ANNA, U0BEN, U0CHLOE]
    shift: { every: 1w, handoff: "mon 09:00", timezone: UTC, start: "2026-01-05" }
    secondary_offset: 1
    channel: C0CORE
    alerts_channel: C0ALERTS
    escalation: fast
escalation:
  fast:
    P1: { loops: 1, steps: [{ page: primary }, { after: 1s, page: secondary }, { after: 1s, page: engineering_lead }] }
integrations:
  jobs:
    format: generic
    auth: { bearer_env: CRASH_ALERTS_TOKEN }
    routes: [{ rotation: core, severity: P1 }]
  storm:
    format: alertmanager
    auth: { bearer_env: CRASH_ALERTS_TOKEN }
    routes: [{ rotation: core, severity: P1 }]
    declare_incident: true
`,
  );
  return path;
}

/** A loopback port nobody uses now; the bot reuses it across restarts so the driver keeps one address. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export interface BotProcess {
  child: ChildProcess;
  /** Everything it wrote, for the failure report. */
  output: string[];
  exited: Promise<number | null>;
}

export function startBot(
  main: string,
  env: { port: number; dbPath: string; policyPath: string; slackUrl: string },
  /** More variables (a Twilio stand-in's TWILIO_*). */
  extra: Record<string, string> = {},
): BotProcess {
  const child = spawn(process.execPath, [main], {
    cwd: REPO,
    env: {
      PATH: process.env.PATH ?? '',
      SLACK_BOT_TOKEN: TEST_SECRETS.botToken,
      SLACK_SIGNING_SECRET: TEST_SECRETS.signingSecret,
      SLACK_API_URL: env.slackUrl,
      DATABASE_PATH: env.dbPath,
      POLICY_PATH: env.policyPath,
      PORT: String(env.port),
      LOG_LEVEL: process.env.CRASH_LOG_LEVEL ?? 'warn',
      CRASH_ALERTS_TOKEN: ALERTS_TOKEN,
      ...extra,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  return { child, output, exited };
}

/** Resolves once /healthz answers, or false if the process died first. */
export async function waitHealthy(bot: BotProcess, port: number, timeoutMs = 30_000): Promise<boolean> {
  let dead = false;
  void bot.exited.then(() => (dead = true));
  for (let waited = 0; waited < timeoutMs && !dead; waited += 20) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(500) });
      if (response.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}
