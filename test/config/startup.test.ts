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
  it('with some but not all Slack credentials: exits 1 naming what is missing (a half-configured bot is no playground)', () => {
    const tokenOnly = start({ SLACK_BOT_TOKEN: 'xoxb-1' });
    expect(tokenOnly.code).toBe(1);
    expect(tokenOnly.stderr).toContain('Cannot start the on-call bot: 1 problem with the environment.');
    expect(tokenOnly.stderr).toContain('- SLACK_SIGNING_SECRET is not set');
    expect(tokenOnly.stdout).not.toContain('Playground');
    const secretOnly = start({ SLACK_SIGNING_SECRET: 'secret' });
    expect(secretOnly.code).toBe(1);
    expect(secretOnly.stderr).toContain('- SLACK_BOT_TOKEN is not set: create the app from manifest.yml');
    expect(secretOnly.stderr).not.toMatch(/\n\s+at /);
  });

  it('without Slack credentials and with a bad policy: the playground does not start either, and says why', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oncall-policy-'));
    try {
      const policy = join(dir, 'oncall.policy.yml');
      writeFileSync(policy, 'rotations:\n  backend:\n    members: []\n');
      const { code, stderr } = start({ POLICY_PATH: policy });
      expect(code).toBe(1);
      expect(stderr).toMatch(/oncall\.policy\.yml:3 rotations\.backend\.members/);
      expect(stderr).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('with a bad policy value: exits 1 naming the file, line and path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oncall-policy-'));
    try {
      const policy = join(dir, 'oncall.policy.yml');
      writeFileSync(
        policy,
        [
          'escalation:',
          '  default:',
          '    P1:',
          '      steps:',
          '        - { page: primary }',
          '        - { after: fifteen, page: secondary }',
          '',
        ].join('\n'),
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
