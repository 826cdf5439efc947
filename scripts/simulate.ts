/**
 * `npm run simulate -- --severity P1 --at "2026-11-28 03:00" [--zone Europe/London] [--rotation backend]
 * [--ack-after 50m] [--policy file]`: who is paged when, answered by the unchanged bot on a fake clock against
 * a Slack stand-in. The work is in src/playground/simulator-cli.ts; this only wires it to the process.
 */
import { createOncallApp } from '../src/app.js';
import { simulateCli } from '../src/playground/simulator-cli.js';
import { systemClock } from '../src/time/clock.js';

const code = await simulateCli({
  argv: process.argv.slice(2),
  env: process.env,
  now: systemClock.now(),
  stdout: process.stdout,
  stderr: process.stderr,
  createApp: createOncallApp,
});
process.exitCode = code;
