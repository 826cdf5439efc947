/**
 * `npm run simulate`: flags -> policy (loaded as main.ts loads it) -> simulation -> the timeline on stdout.
 * Returns the exit code instead of exiting, so the tests can run it in-process; scripts/simulate.ts exits.
 * 0 the timeline was printed; 1 the policy cannot be used (the bot's own message); 2 a wrong argument.
 */
import { cliPolicy } from '../config/policy-cli.js';
import { createLogger } from '../logger.js';
import { CLI_EXAMPLES, CLI_USAGE, parseCliFlags, resolveSimulation, type SimulationProblem } from './simulator-args.js';
import { renderText } from './simulator-timeline.js';
import { simulate, type AppFactory } from './simulator.js';

export interface CliIo {
  argv: readonly string[];
  env: Record<string, string | undefined>;
  /** Now, for "sat 03:00" (the next Saturday). */
  now: number;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** createOncallApp, passed in by scripts/simulate.ts so this folder does not import the app above it. */
  createApp: AppFactory;
}

export async function simulateCli(io: CliIo): Promise<number> {
  const say = (stream: CliIo['stdout'], text: string) => stream.write(`${text}\n`);
  const refuse = (problem: SimulationProblem): number => {
    if (problem.policy) {
      say(io.stderr, `Cannot simulate: ${problem.message}.`);
      return 1;
    }
    say(io.stderr, `simulate: ${problem.message}.\nFor example: ${CLI_EXAMPLES[problem.field]}\n\n${CLI_USAGE}`);
    return 2;
  };

  const flags = parseCliFlags(io.argv);
  if (!flags.ok) return refuse(flags.problem);
  if (flags.value.help) {
    say(io.stdout, CLI_USAGE);
    return 0;
  }
  // As main.ts: a policy file (--policy, else POLICY_PATH) or the built-in preset; a bad file, the same message.
  const loaded = cliPolicy(flags.value.policy, io.env);
  if (!loaded.ok) {
    say(io.stderr, loaded.message);
    return 1;
  }
  const { policy, path: policyPath } = loaded;
  const { severity = '', at = '', zone, rotation, ackAfter, ackBy, groups } = flags.value;
  const request = resolveSimulation({ severity, at, zone, rotation, ackAfter, ackBy, groups }, policy, io.now);
  if (!request.ok) return refuse(request.problem);

  // The simulated bot's own log lines (warnings and errors only) go to stderr, apart from the timeline.
  const logger = createLogger({ level: 'warn', destination: io.stderr });
  const record = await simulate({ createApp: io.createApp, policy, logger }, request.value);
  say(io.stdout, renderText(record, policy, policyPath ?? 'the built-in preset (no --policy, no POLICY_PATH)'));
  return 0;
}
