import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

/** Starts the real entry point with only the given variables and returns what a user would see. */
function start(env: Record<string, string>) {
  const result = spawnSync(TSX, ['src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { code: result.status, stderr: result.stderr, stdout: result.stdout };
}

describe('starting the bot with a bad configuration', () => {
  it('without Slack credentials: exits 1 with one message naming each missing variable, no stack trace', () => {
    const { code, stderr } = start({});
    expect(code).toBe(1);
    expect(stderr).toContain('Cannot start the on-call bot: 2 problems with the environment.');
    expect(stderr).toContain('- SLACK_BOT_TOKEN is not set: create the app from manifest.yml');
    expect(stderr).toContain('- SLACK_SIGNING_SECRET is not set');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('with a bad policy value: exits 1 naming the file, line and path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oncall-policy-'));
    try {
      const policy = join(dir, 'oncall.policy.yml');
      writeFileSync(
        policy,
        ['escalation:', '  default:', '    P1:', '      steps:', '        - { page: primary }', '        - { after: fifteen, page: secondary }', ''].join('\n'),
      );
      const { code, stderr } = start({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret', POLICY_PATH: policy });
      expect(code).toBe(1);
      expect(stderr).toContain('oncall.policy.yml:6 escalation.default.P1.steps[1].after: expected a duration like "15m", got "fifteen"');
      expect(stderr).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
