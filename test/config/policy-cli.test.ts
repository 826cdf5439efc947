/**
 * `npm run policy -- explain [file] | check [file] | schema`: 0 with the answer; 1 with the bot's own message
 * at start for a file it cannot use; 2 with what was wrong and an example. The script runs as a child process
 * where the process matters (the example explained, a bad file beside the bot's own start, a wrong argument);
 * the rest runs policyCli in-process.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runScript, type ScriptOutcome } from '../support/run-script.js';
import { loadPolicyFile } from '../../src/config/policy.js';
import { POLICY_CLI_USAGE, policyCli } from '../../src/config/policy-cli.js';
import { policyJsonSchemaText } from '../../src/config/policy-json-schema.js';

const EXAMPLE = fileURLToPath(new URL('../../../shared/policy.example.yml', import.meta.url));

const run = runScript;
type Outcome = ScriptOutcome;

const dir = mkdtempSync(join(tmpdir(), 'oncall-policy-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** policyCli in-process, with only the variables given; `schema` writes into the test's folder. */
function inProcess(argv: string[], env: Record<string, string> = {}, schemaPath = join(dir, 'policy.schema.json')): Outcome {
  let stdout = '';
  let stderr = '';
  const code = policyCli({
    argv,
    env,
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    schemaPath,
  });
  return { code, stdout, stderr };
}

const BAD = [
  'escalation:',
  '  default:',
  '    P1:',
  '      steps:',
  '        - { page: primary }',
  '        - { after: fifteen, page: secondary }',
  '',
].join('\n');

// Each child is a whole tsx start (a few seconds on a small machine, more when the suite runs beside it).
const CHILD_TIMEOUT = 120_000;

describe.concurrent('npm run policy, as a child process', () => {
  it(
    'explain prints the example as the bot runs it, each value with its origin',
    async () => {
      const { code, stdout, stderr } = await run('scripts/policy.ts', ['explain', EXAMPLE]);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const out = stdout.split('\n');
      expect(out[0]).toBe(
        `The policy in ${EXAMPLE}, as the bot runs it. After each value (←): the file and line that wrote it, the preset it was inherited from, or the built-in default.`,
      );
      expect(stdout).toMatch(/\n {2}P2\.quiet_at_night: true +← policy\.example\.yml:\d+\n/);
      expect(stdout).toMatch(/\n {2}P0\.quiet_at_night: false +← built-in default \(escalation\.default\.P0 writes its steps/);
      expect(stdout).toMatch(/\n {2}P1: 15m +← preset p0-p3\n/);
    },
    CHILD_TIMEOUT,
  );

  it(
    'a file the bot cannot use: exit 1 with the message the bot prints at start',
    async () => {
      const bad = file('bad.policy.yml', BAD);
      const [cli, bot] = await Promise.all([
        run('scripts/policy.ts', ['explain', bad]),
        run('src/main.ts', [], { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret', POLICY_PATH: bad }),
      ]);
      expect(cli.code).toBe(1);
      expect(bot.code).toBe(1);
      expect(cli.stdout).toBe('');
      expect(cli.stderr).toBe(bot.stderr);
      expect(cli.stderr).toContain('bad.policy.yml:6 escalation.default.P1.steps[1].after: expected a duration like "15m", got "fifteen"');
    },
    CHILD_TIMEOUT,
  );

  it(
    'a wrong argument: exit 2 with what was wrong and an example',
    async () => {
      const { code, stdout, stderr } = await run('scripts/policy.ts', ['explian', EXAMPLE]);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toContain(
        'policy: there is no command "explian" (did you mean "explain"?); the commands are explain, check, schema.\nFor example: npm run policy -- explain oncall.policy.yml',
      );
    },
    CHILD_TIMEOUT,
  );

  it('is the package script "policy"', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.policy).toBe('tsx scripts/policy.ts');
  });
});

describe('policyCli', () => {
  it('explain without a file: POLICY_PATH, else the built-in preset', () => {
    const own = file('own.policy.yml', 'timezone: Asia/Tokyo\n');
    const fromEnv = inProcess(['explain'], { POLICY_PATH: own });
    expect(fromEnv.code).toBe(0);
    expect(fromEnv.stdout.split('\n')[0]).toContain(`The policy in ${own}`);
    expect(fromEnv.stdout).toMatch(/\ntimezone: Asia\/Tokyo +← own\.policy\.yml:1\n/);

    for (const env of [{}, { POLICY_PATH: '  ' }] as Array<Record<string, string>>) {
      const preset = inProcess(['explain'], env);
      expect(preset.code).toBe(0);
      expect(preset.stdout.split('\n')[0]).toContain('The built-in preset p0-p3 (no policy file');
      expect(preset.stdout).toMatch(/\ntimezone: UTC +← built-in default/);
    }
    // A file named wins over POLICY_PATH.
    expect(inProcess(['explain', EXAMPLE], { POLICY_PATH: own }).stdout).toContain(`The policy in ${EXAMPLE}`);
  });

  it("check: says the file can be used, or gives the bot's message", () => {
    const ok = inProcess(['check', EXAMPLE]);
    expect(ok).toEqual({
      code: 0,
      stdout: `OK: ${EXAMPLE} can be used (preset p0-p3, 1 rotation (backend), 1 escalation policy (default), 6 integrations (prometheus, sentry, uptime, grafana, pagerduty, jobs)).\n`,
      stderr: '',
    });
    expect(inProcess(['check']).stdout).toBe(
      'OK: no policy file (no file named, POLICY_PATH not set): the built-in preset runs (preset p0-p3, 0 rotations, 1 escalation policy (default), 0 integrations).\n',
    );

    const bad = file('check-bad.yml', BAD);
    let botMessage = '';
    try {
      loadPolicyFile(bad);
    } catch (error) {
      botMessage = (error as Error).message;
    }
    expect(inProcess(['check', bad])).toEqual({ code: 1, stdout: '', stderr: `${botMessage}\n` });
    const missing = inProcess(['explain', join(dir, 'nowhere.yml')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      `Cannot read the policy file "${join(dir, 'nowhere.yml')}" (no such file): set POLICY_PATH to your policy file, or copy policy.example.yml there and edit it.\n`,
    );
  });

  it('schema: writes the JSON Schema, then says it is up to date', () => {
    const target = join(dir, 'schema-out.json');
    const first = inProcess(['schema'], {}, target);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`Wrote ${target}.`);
    expect(first.stdout).toContain('# yaml-language-server: $schema=<path or URL>/policy.schema.json');
    expect(readFileSync(target, 'utf8')).toBe(policyJsonSchemaText());
    expect(inProcess(['schema'], {}, target)).toEqual({ code: 0, stdout: `${target} is up to date.\n`, stderr: '' });
  });

  it.each([
    ['--help', 0],
    ['help', 0],
    ['-h', 0],
  ])('%s prints the usage', (arg, code) => {
    expect(inProcess([arg])).toEqual({ code, stdout: `${POLICY_CLI_USAGE}\n`, stderr: '' });
  });

  it.each([
    [[], 'policy: name a command: explain, check, schema.\nFor example: npm run policy -- explain oncall.policy.yml'],
    [
      ['show'],
      'policy: there is no command "show"; the commands are explain, check, schema.\nFor example: npm run policy -- explain oncall.policy.yml',
    ],
    [
      ['shcema'],
      'policy: there is no command "shcema" (did you mean "schema"?); the commands are explain, check, schema.\nFor example: npm run policy -- schema',
    ],
    [
      ['explain', 'a.yml', 'b.yml'],
      'policy: explain takes one policy file, got 2: "a.yml", "b.yml".\nFor example: npm run policy -- explain oncall.policy.yml',
    ],
    [
      ['check', '--policy', 'a.yml'],
      'policy: check has no option "--policy": name the policy file after the command.\nFor example: npm run policy -- check oncall.policy.yml',
    ],
    [['explain', ''], 'policy: explain was given an empty file name.\nFor example: npm run policy -- explain oncall.policy.yml'],
    [
      ['schema', 'out.json'],
      'policy: schema takes no arguments (got "out.json"): it writes policy.schema.json at the repo root.\nFor example: npm run policy -- schema',
    ],
  ])('%j: exit 2, what was wrong and an example', (argv, message) => {
    const outcome = inProcess(argv as string[]);
    expect(outcome.code).toBe(2);
    expect(outcome.stdout).toBe('');
    expect(outcome.stderr).toBe(`${message}\n\n${POLICY_CLI_USAGE}\n`);
  });
});
