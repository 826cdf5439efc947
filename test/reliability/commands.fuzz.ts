/**
 * Every slash command's subcommands with random arguments, signed and sent through the real Bolt app.
 * Always a 200 with a non-empty answer (or the silent ack of a command that opened a modal), nothing at error
 * level in the log, nothing escaping the handlers.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitArgs } from '../../src/slack/commands.js';
import type { TestApp } from '../support/harness.js';
import {
  errorLines,
  escapedSinceLastLook,
  hostileText,
  hostileWord,
  longText,
  PEOPLE,
  PROTOTYPE_WORDS,
  runs,
  tally,
  writeCount,
  type HandlerProbe,
} from './fuzz-support.js';
import { seededApp } from './seeded-app.js';

const SUBCOMMANDS: Record<string, string[]> = {
  '/oncall': [
    'who',
    'next',
    'schedule',
    'override',
    'leave',
    'lint',
    'cancel',
    'swap',
    'page',
    'pages',
    'silence',
    'silences',
    'simulate',
    'policy',
    'help',
  ],
  '/incident': [
    'declare',
    'update',
    'status',
    'severity',
    'commander',
    'role',
    'timeline',
    'resolve',
    'postmortem',
    'list',
    'gate',
    'checklist',
    'trigger',
    'close',
    'help',
  ],
  '/handoff': ['backend', 'emergency', 'history', 'help'],
};

/** Commands whose answer is a modal: the ack is empty and views.open carries the form. */
const OPENS_A_MODAL: Record<string, string[]> = { '/incident': ['declare', 'resolve'], '/handoff': ['backend', ''] };

/** Words the commands understand, to get past their first checks, mixed with hostile ones. */
const meaningful = fc.constantFrom(
  '<@U0BOB>',
  '<@U0CAROL|carol>',
  '<@U0X|x>',
  '<@W0LONG>',
  '<@U0NOBODY>',
  '<@>',
  '<@u0lower>',
  '<#C0ALERTS|alerts>',
  '<!here>',
  '@bob',
  '2026-12-01',
  '2026-11-20',
  '2026-02-30',
  '9999-12-31',
  '0000-01-01',
  '2026-13-45',
  'today',
  'tomorrow',
  'now',
  'next',
  'next monday',
  'next funday',
  '09:00',
  '23:59',
  '24:00',
  '9:7',
  '25:99',
  '2h',
  '30m',
  '0m',
  '7d',
  '8d',
  '1w',
  '99999999999999999999w',
  '1h30m',
  '1',
  '4',
  '52',
  '53',
  '0',
  '-3',
  '#1',
  '#2',
  '#999',
  '1e3',
  '0x10',
  '99999999999999999999',
  'backend',
  'frontend',
  'primary',
  'secondary',
  'P0',
  'P1',
  'p3',
  'P9',
  '--severity',
  '--severity=P0',
  '--severity=',
  '-s',
  'api',
  'checkout',
  'payments',
  'investigating',
  'mitigating',
  'monitoring',
  'resolved',
  'done',
  'https://wiki.example.com/pm/1',
  '<https://x.example|x>',
  'bug',
  'config',
  'configuration',
  'support',
  'user-support',
  'scribe',
  'comms lead',
  'commander',
  'customer_impact',
  'security',
  'open',
  'today',
  'week',
  'help',
  'sat',
  'ack-after',
);

const argument = fc.oneof(
  { weight: 5, arbitrary: meaningful },
  { weight: 3, arbitrary: hostileWord },
  { weight: 2, arbitrary: fc.constantFrom(...PROTOTYPE_WORDS) },
);

/** What a reply must never show unless the caller typed it: JavaScript's own words for a missing value. */
const INTERNALS = ['undefined', 'NaN', '[object ', 'native code', 'Infinity', 'null'];
const quoted = fc.oneof(
  argument,
  hostileText.map((s) => `"${s}"`),
  hostileText.map((s) => `'${s}`),
);
const argumentText = fc.oneof(
  { weight: 6, arbitrary: fc.array(quoted, { maxLength: 8 }).map((words) => words.join(' ')) },
  { weight: 2, arbitrary: hostileText },
  { weight: 1, arbitrary: longText.map((s) => s.slice(0, 20_000)) },
);

export function commandProperties(): void {
  describe('slash commands: random arguments, signed, through Bolt', () => {
    let t: TestApp;
    let probe: HandlerProbe;
    let channels: string[];
    let incidentChannels: string[];
    /** The INTERNALS words someone typed so far: an answer may quote them back, now or later. */
    const typed = new Set<string>();

    beforeAll(async () => {
      const seeded = await seededApp();
      ({ t, probe } = seeded);
      incidentChannels = seeded.incidentChannels;
      channels = ['C0GENERAL', 'C0ALERTS', 'C0BACKEND', 'C0INCIDENTS', ...incidentChannels];
    });
    afterAll(async () => t?.close());

    /** Sends one command and checks the invariants. */
    async function send(command: string, text: string, userId: string, channelId: string): Promise<void> {
      const from = t.logs.lines.length;
      for (const word of INTERNALS) if (text.includes(word)) typed.add(word);
      const answer = await t.command(command, text, userId, { channelId });
      await probe.settled();
      expect(answer.status).toBe(200);
      if (answer.text === '') {
        // The documented silent ack: the command opened its modal instead of answering.
        const first = splitArgs(text)[0]?.toLowerCase() ?? '';
        expect(OPENS_A_MODAL[command] ?? [], `an empty answer to ${command} ${text.slice(0, 200)}`).toContain(first);
        expect(t.standIn.take('views.open')).toHaveLength(1);
      } else {
        const body = answer.json() as { text?: unknown; response_type?: unknown };
        expect(typeof body.text === 'string' && body.text.trim().length > 0, `answer ${answer.text.slice(0, 300)}`).toBe(true);
        expect(['ephemeral', 'in_channel']).toContain(body.response_type);
        for (const word of INTERNALS) {
          if (String(body.text).includes(word))
            expect(typed, `"${word}" in the answer to ${command} ${text.slice(0, 200)}: ${String(body.text).slice(0, 500)}`).toContain(
              word,
            );
        }
      }
      expect(errorLines(t, from), `log for ${command} ${text.slice(0, 300)}`).toEqual([]);
      expect(escapedSinceLastLook()).toEqual([]);
    }

    it('every subcommand with a prototype word as its first or second argument', async () => {
      for (const [command, subs] of Object.entries(SUBCOMMANDS)) {
        for (const sub of subs) {
          for (const word of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
            for (const text of [`${sub} ${word}`, `${sub} ${word} 2026-12-01 ${word}`, `${sub} <@U0CAROL> ${word} x`, `${word} ${sub}`]) {
              tally();
              await send(command, text, 'U0BOB', command === '/incident' ? incidentChannels.at(-1)! : 'C0BACKEND');
            }
          }
        }
      }
    });

    it('/oncall simulate with a severity and time it reads, among random words: an answer, and the live bot writes nothing', async () => {
      // Random words alone seldom make a simulation that runs; these do, so its run is fuzzed too, not just its refusals.
      const severity = fc.constantFrom('P0', 'P1', 'p2', 'P3');
      const when = fc.constantFrom(
        '"sat 03:00"',
        'sat 03:00',
        'now',
        'tomorrow 09:00',
        '"2026-12-01 23:59"',
        'mon 09:00',
        '2026-03-29 01:30',
      );
      const extra = fc.array(fc.oneof(argument, fc.constantFrom('ack-after', 'ack-after=5m', '50m', 'backend')), { maxLength: 3 });
      await fc.assert(
        fc.asyncProperty(severity, when, extra, fc.constantFrom(...PEOPLE, 'U0STRANGER'), async (sev, at, words, userId) => {
          tally();
          const before = writeCount(t);
          await send('/oncall', `simulate ${sev} ${at} ${words.join(' ')}`, userId, 'C0BACKEND');
          expect(writeCount(t)).toBe(before);
        }),
        runs(25),
      );
    });

    it.each(Object.keys(SUBCOMMANDS))('%s', async (command) => {
      const sub = fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom(...SUBCOMMANDS[command]!) },
        { weight: 1, arbitrary: hostileWord },
        { weight: 1, arbitrary: fc.constant('') },
      );
      const user = fc.constantFrom(...PEOPLE, 'U0STRANGER');
      const channel = fc.oneof(fc.constantFrom(...channels), fc.constantFrom(...incidentChannels));
      await fc.assert(
        fc.asyncProperty(sub, argumentText, user, channel, fc.boolean(), async (word, args, userId, channelId, upper) => {
          tally();
          await send(command, `${upper ? word.toUpperCase() : word} ${args}`, userId, channelId);
        }),
        runs(200),
      );
    });
  });
}
