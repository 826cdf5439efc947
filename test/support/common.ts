import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, type Logger } from '../../src/logger.js';

export const TEST_SECRETS = {
  botToken: 'xoxb-test-4242-bot-token-never-logged',
  signingSecret: 'test-signing-secret-never-logged-0123',
  /** Socket Mode's app-level token (test/slack/socket-mode.test.ts). */
  appToken: 'xapp-1-A0APP-4242-test-app-token-never-logged',
};

/** A fresh temp directory with a SQLite file path in it. */
export function tempDbPath(): { path: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'oncall-test-'));
  return { path: join(dir, 'oncall.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface CapturedLogs {
  lines: string[];
  logger: Logger;
}

export function captureLogs(secrets: string[] = Object.values(TEST_SECRETS)): CapturedLogs {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', secrets, destination: { write: (line: string) => lines.push(line) } });
  return { lines, logger };
}
