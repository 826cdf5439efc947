/**
 * `npm run policy -- explain [file] | check [file] | schema`: the policy file seen from the command line.
 * Returns the exit code instead of exiting, so tests run it in-process; scripts/policy.ts sets it.
 * 0 done; 1 the policy file cannot be used (the bot's own message at start); 2 a wrong argument (what was
 * wrong, and the right form).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defaultPolicy, distance, loadPolicyFile, PolicyError, type Policy } from './policy.js';
import { explainPolicy, renderExplanation } from './policy-explain.js';
import { policyJsonSchemaText, SCHEMA_FILE } from './policy-json-schema.js';

export interface PolicyCliIo {
  argv: readonly string[];
  env: Record<string, string | undefined>;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Where `schema` writes policy.schema.json (the repo root, as scripts/policy.ts finds it). */
  schemaPath: string;
}

const COMMANDS = ['explain', 'check', 'schema'] as const;
type Command = (typeof COMMANDS)[number];

const EXAMPLES: Record<Command, string> = {
  explain: 'npm run policy -- explain oncall.policy.yml',
  check: 'npm run policy -- check oncall.policy.yml',
  schema: 'npm run policy -- schema',
};

export const POLICY_CLI_USAGE = [
  'Usage: npm run policy -- <command>',
  '  explain [file]  the policy as the bot runs it, each value with where it came from:',
  '                  the file and line that wrote it, the preset, or the built-in default',
  '  check [file]    load the file as the bot does at start, and say whether it can be used',
  `  schema          write ${SCHEMA_FILE}, the JSON Schema editors check policy files with`,
  '[file] defaults to POLICY_PATH, else the built-in preset (no file).',
  'Examples:',
  ...COMMANDS.map((c) => `  ${EXAMPLES[c]}`),
].join('\n');

function shown(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}...` : text);
}

type Parsed =
  | { ok: true; help: true }
  | { ok: true; help: false; command: Command; file: string | undefined }
  | { ok: false; message: string; example: string };

/** The command line, or what was wrong with it. */
export function parsePolicyArgs(argv: readonly string[]): Parsed {
  if (argv.some((a) => a === '--help' || a === '-h' || a === 'help')) return { ok: true, help: true };
  const [word, ...rest] = argv;
  if (word === undefined) return { ok: false, message: `name a command: ${COMMANDS.join(', ')}`, example: EXAMPLES.explain };
  const command = COMMANDS.find((c) => c === word.toLowerCase());
  if (!command) {
    const closest = COMMANDS.map((c) => ({ c, d: distance(word.toLowerCase(), c) })).sort((a, b) => a.d - b.d)[0]!;
    const hint = closest.d <= 2 ? ` (did you mean "${closest.c}"?)` : '';
    return {
      ok: false,
      message: `there is no command ${shown(word)}${hint}; the commands are ${COMMANDS.join(', ')}`,
      example: EXAMPLES[closest.d <= 2 ? closest.c : 'explain'],
    };
  }
  const option = rest.find((a) => a.startsWith('-'));
  if (option)
    return {
      ok: false,
      message: `${command} has no option ${shown(option)}${command === 'schema' ? '' : ': name the policy file after the command'}`,
      example: EXAMPLES[command],
    };
  if (command === 'schema') {
    if (rest.length > 0)
      return {
        ok: false,
        message: `schema takes no arguments (got ${rest.map(shown).join(' ')}): it writes ${SCHEMA_FILE} at the repo root`,
        example: EXAMPLES.schema,
      };
    return { ok: true, help: false, command, file: undefined };
  }
  if (rest.length > 1)
    return {
      ok: false,
      message: `${command} takes one policy file, got ${rest.length}: ${rest.map(shown).join(', ')}`,
      example: EXAMPLES[command],
    };
  if (rest[0] !== undefined && rest[0].trim() === '')
    return { ok: false, message: `${command} was given an empty file name`, example: EXAMPLES[command] };
  return { ok: true, help: false, command, file: rest[0] };
}

export function policyCli(io: PolicyCliIo): number {
  const say = (stream: PolicyCliIo['stdout'], text: string) => stream.write(`${text}\n`);
  const parsed = parsePolicyArgs(io.argv);
  if (!parsed.ok) {
    say(io.stderr, `policy: ${parsed.message}.\nFor example: ${parsed.example}\n\n${POLICY_CLI_USAGE}`);
    return 2;
  }
  if (parsed.help) {
    say(io.stdout, POLICY_CLI_USAGE);
    return 0;
  }

  if (parsed.command === 'schema') {
    const text = policyJsonSchemaText();
    const before = existsSync(io.schemaPath) ? readFileSync(io.schemaPath, 'utf8') : null;
    if (before === text) {
      say(io.stdout, `${io.schemaPath} is up to date.`);
      return 0;
    }
    writeFileSync(io.schemaPath, text);
    say(
      io.stdout,
      `Wrote ${io.schemaPath}. Put this first line in a policy file for your editor to check it:\n# yaml-language-server: $schema=<path or URL>/${SCHEMA_FILE}`,
    );
    return 0;
  }

  const loaded = cliPolicy(parsed.file, io.env);
  if (!loaded.ok) {
    say(io.stderr, loaded.message);
    return 1;
  }
  const { policy, path } = loaded;

  if (parsed.command === 'check') {
    const rotations = Object.keys(policy.rotations);
    const escalations = Object.keys(policy.escalation);
    const integrations = Object.keys(policy.integrations);
    const what = `preset ${policy.preset}, ${plural(rotations.length, 'rotation')}${names(rotations)}, ${plural(escalations.length, 'escalation policy', 'escalation policies')}${names(escalations)}, ${plural(integrations.length, 'integration')}${names(integrations)}`;
    say(
      io.stdout,
      path
        ? `OK: ${resolve(path)} can be used (${what}).`
        : `OK: no policy file (no file named, POLICY_PATH not set): the built-in preset runs (${what}).`,
    );
    return 0;
  }
  say(io.stdout, renderExplanation(explainPolicy(policy)));
  return 0;
}

/**
 * The policy a command-line tool runs on, found as main.ts finds it: the file named, else POLICY_PATH, else the
 * built-in preset (`path` undefined). A file that cannot be used: the bot's own message, for the tool to print.
 */
export function cliPolicy(
  file: string | undefined,
  env: Record<string, string | undefined>,
): { ok: true; policy: Policy; path: string | undefined } | { ok: false; message: string } {
  const path = file ?? (env.POLICY_PATH?.trim() || undefined);
  try {
    return { ok: true, policy: path ? loadPolicyFile(path) : defaultPolicy(), path };
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    return { ok: false, message: error.message };
  }
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function names(list: readonly string[]): string {
  return list.length > 0 ? ` (${list.join(', ')})` : '';
}
