import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface PlaygroundProcess {
  url: string;
  base: string;
  output: () => string;
  stop(): Promise<void>;
}

/**
 * Starts the bot the way README's start command does on a machine with no Slack app (no SLACK_* variables),
 * on a free port, and waits for the line that says where the playground is.
 */
export async function startPlaygroundProcess(extraEnv: Record<string, string> = {}): Promise<PlaygroundProcess> {
  const child: ChildProcess = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), ['src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', LOG_LEVEL: 'warn', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the playground did not start in 30 s:\n${output}`)), 30_000);
    const look = () => {
      const found = /Playground: open (http:\/\/localhost:\d+\/playground)/.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]!);
      }
    };
    child.stdout!.on('data', look);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the bot exited (${code}) before the playground started:\n${output}`));
    });
  });
  return {
    url,
    base: url.replace(/\/playground$/, ''),
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
