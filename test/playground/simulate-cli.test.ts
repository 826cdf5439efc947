/**
 * `npm run simulate`: 0 with the timeline; 1 with the bot's own policy message; 2 with what was wrong and an
 * example. The script runs as a child process where the process matters (a happy path, a bad policy file
 * next to the bot's own start, one wrong flag); the other refusals run simulateCli in-process.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runScript, type ScriptOutcome } from '../support/run-script.js';
import { createOncallApp } from '../../src/app.js';
import { simulateCli } from '../../src/playground/simulator-cli.js';

const EXAMPLE_POLICY = fileURLToPath(new URL('../../../shared/policy.example.yml', import.meta.url));

const run = runScript;
type Outcome = ScriptOutcome;

const simulate = (args: string[], env?: Record<string, string>) => run('scripts/simulate.ts', args, env);

const dir = mkdtempSync(join(tmpdir(), 'oncall-simulate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** simulateCli in-process, with only the variables given, at Wednesday 2026-11-25 10:00 UTC. */
async function inProcess(argv: string[], env: Record<string, string> = {}): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const code = await simulateCli({
    argv,
    env,
    now: Date.parse('2026-11-25T10:00:00Z'),
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    createApp: createOncallApp,
  });
  return { code, stdout, stderr };
}

// Each child is a whole tsx start (a few seconds on a small machine, more when the suite runs beside it).
const CHILD_TIMEOUT = 120_000;

describe.concurrent('npm run simulate, as a child process', () => {
  it(
    'prints the timeline of a P1 on Saturday 03:00 under the example policy, acknowledged after 50m',
    async () => {
      const { code, stdout, stderr } = await simulate([
        '--severity',
        'P1',
        '--at',
        '2026-11-28 03:00',
        '--zone',
        'Europe/London',
        '--ack-after',
        '50m',
        '--policy',
        EXAMPLE_POLICY,
      ]);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const rows = stdout.trimEnd().split('\n');
      expect(rows[0]).toBe(
        'Dry run: a P1 page on rotation backend, raised Sat 28 Nov 2026 03:00 Europe/London (UTC+00:00); the last person paged presses Acknowledge after 50m.',
      );
      // The example policy's P1 has three steps (no CTO); the week of 2026-11-23 has Carol primary, Dan secondary.
      const timeline = rows.filter((r) => /^(Sat|Sun|Mon) /.test(r)).map((r) => r.replace(/\s{2,}/g, ' | ').replace(/ \| ".*$/, ''));
      expect(timeline).toEqual([
        'Sat 28 Nov 03:00 | page #1 raised | P1 on rotation backend (`/oncall page backend --severity P1`)',
        'Sat 28 Nov 03:00 | DM (page) | U0CAROL | P1 step 1 of 3, round 1 of 2: primary, at once',
        'Sat 28 Nov 03:00 | channel post | #C0ALERTS (alerts, backend alerts) | P1 step 1 of 3, round 1 of 2: primary, at once',
        'Sat 28 Nov 03:15 | ack SLA passed | nobody acknowledged within the P1 ack SLA of 15m (a breach in `/oncall pages` and reports; no message)',
        'Sat 28 Nov 03:45 | DM (page) | U0DAN | P1 step 2 of 3, round 1 of 2: secondary, 45m after step 1',
        'Sat 28 Nov 03:45 | channel post | #C0ALERTS (alerts, backend alerts) | P1 step 2 of 3, round 1 of 2: secondary, 45m after step 1',
        'Sat 28 Nov 03:50 | presses Acknowledge | U0DAN | the last person paged, 50m after the page',
        'Sat 28 Nov 03:50 | edit | U0CAROL | page acknowledged: its DM of step 1 now says so',
        'Sat 28 Nov 03:50 | edit | #C0ALERTS (alerts, backend alerts) | page acknowledged: its channel post of step 1 now says so',
        'Sat 28 Nov 03:50 | edit | U0DAN | page acknowledged: its DM of step 2 now says so',
        'Sat 28 Nov 03:50 | edit | #C0ALERTS (alerts, backend alerts) | page acknowledged: its channel post of step 2 now says so',
        'Sat 28 Nov 04:00 | DM (FYI) | U0LEAD (engineering_lead) | notify rule: tell engineering_lead when a P1 is still unresolved after 1h',
        'Sat 28 Nov 04:00 | end | page #1 acknowledged by U0DAN; nothing more is due',
      ]);
      // What the bot said is quoted after the rule: the edits carry the acknowledgement.
      expect(stdout).toContain(
        'now says so | "[P1] Simulated P1 page (dry run): :white_check_mark: Acknowledged by @U0DAN via Slack button at 28 Nov 2026, 03:50 UTC (after the ack SLA), 50 min after it s..."',
      );
      expect(rows.at(-1)).toBe('Paged: U0CAROL at Sat 28 Nov 03:00, U0DAN at Sat 28 Nov 03:45.');
    },
    CHILD_TIMEOUT,
  );

  it(
    'a bad policy file: exit 1 with the very message the bot gives at start, from --policy or POLICY_PATH',
    async () => {
      const policy = join(dir, 'oncall.policy.yml');
      writeFileSync(
        policy,
        [
          'rotations:',
          '  backend:',
          '    members: [U0ALICE]',
          'escalation:',
          '  default:',
          '    P1:',
          '      steps:',
          '        - { page: primary }',
          '        - { afer: 15m, page: secondary }',
          '',
        ].join('\n'),
      );
      const [flag, env, bot] = await Promise.all([
        simulate(['--severity', 'P1', '--at', 'sat 03:00', '--policy', policy]),
        simulate(['--severity', 'P1', '--at', 'sat 03:00'], { POLICY_PATH: policy }),
        run('src/main.ts', [], { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret', POLICY_PATH: policy }),
      ]);
      expect(bot.code).toBe(1);
      expect(bot.stderr).toContain('oncall.policy.yml:9 escalation.default.P1.steps[1].afer: unknown key "afer" (did you mean "after"?)');
      for (const outcome of [flag, env]) {
        expect(outcome.code).toBe(1);
        expect(outcome.stderr).toBe(bot.stderr);
        expect(outcome.stdout).toBe('');
      }
    },
    CHILD_TIMEOUT,
  );

  it(
    'a wrong flag: exit 2',
    async () => {
      const { code, stderr, stdout } = await simulate(['--severity', 'P1', '--at', 'saturday night', '--policy', EXAMPLE_POLICY]);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toContain('simulate: cannot read the time "saturday night"');
    },
    CHILD_TIMEOUT,
  );
});

describe('npm run simulate: refusals', () => {
  it('a policy file that is not there: exit 1 saying so', async () => {
    const { code, stderr } = await inProcess(['--severity', 'P1', '--at', 'sat 03:00', '--policy', join(dir, 'missing.yml')]);
    expect(code).toBe(1);
    expect(stderr).toContain(`Cannot read the policy file "${join(dir, 'missing.yml')}" (no such file)`);
  });

  it('the built-in preset alone has no rotation: exit 1, nobody to page, and how to fix it', async () => {
    const { code, stderr } = await inProcess(['--severity', 'P1', '--at', 'sat 03:00']);
    expect(code).toBe(1);
    expect(stderr).toBe(
      'Cannot simulate: the policy defines no rotations, so a page has nobody to go to (the bot refuses `/oncall page` too). Add one under `rotations:` in the policy file (see policy.example.yml).\n',
    );
  });

  it.each([
    [['--severity', 'P9', '--at', 'sat 03:00'], '"P9" is not a severity of this policy: use one of P0, P1, P2, P3', '--severity P1'],
    [
      ['--severity', 'P1', '--at', 'saturday night'],
      'cannot read the time "saturday night"',
      '--at "2026-11-28 03:00" or --at "sat 03:00"',
    ],
    [['--severity', 'P1', '--at', '2026-02-30 03:00'], '"2026-02-30" is not a date', '--at "2026-11-28 03:00"'],
    [['--severity', 'P1', '--at', 'sat 03:00', '--zone', 'Europe/Lundon'], 'unknown time zone "Europe/Lundon"', '--zone Europe/London'],
    [
      ['--severity', 'P1', '--at', 'sat 03:00', '--rotation', 'frontend'],
      'there is no rotation "frontend": the policy has backend',
      '--rotation backend',
    ],
    [
      ['--severity', 'P1', '--at', 'sat 03:00', '--ack-after', 'fifty minutes'],
      'expected a duration like "15m", got "fifty minutes"',
      '--ack-after 50m',
    ],
    [
      ['--severity', 'P1', '--at', 'sat 03:00', '--ack'],
      'unknown option "--ack"',
      'npm run simulate -- --severity P1 --at "2026-11-28 03:00"',
    ],
    [['--at', 'sat 03:00'], '--severity is required', '--severity P1'],
  ])('%j: exit 2 naming what was wrong, with an example', async (args, message, example) => {
    const { code, stderr, stdout } = await inProcess([...args, '--policy', EXAMPLE_POLICY]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
    expect(stderr).toContain(`For example: ${example}`);
    expect(stderr).toContain('Usage: npm run simulate -- --severity');
  });

  it('POLICY_PATH is read when --policy is not given; --help prints the usage', async () => {
    const fromEnv = await inProcess(['--severity', 'P1', '--at', 'sat 03:00', '--rotation', 'frontend'], { POLICY_PATH: EXAMPLE_POLICY });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toContain('there is no rotation "frontend": the policy has backend');
    const help = await inProcess(['--help']);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toContain('Example: npm run simulate -- --severity P1 --at "2026-11-28 03:00"');
  });
});
