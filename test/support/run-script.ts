import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: scripts run from here, as `npm run` runs them. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

export interface ScriptOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a TypeScript script with tsx and only the given variables (no POLICY_PATH leaking in from the machine). */
export function runScript(script: string, args: string[], env: Record<string, string> = {}): Promise<ScriptOutcome> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      [script, ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, encoding: 'utf8', timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: unknown }).code as number | null) : 0, stdout, stderr }),
    );
  });
}
