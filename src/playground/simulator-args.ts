/**
 * What the simulator is asked, read from the command line (`npm run simulate -- --severity P1 --at ...`) or
 * from Slack (`/oncall simulate P1 "sat 03:00" ack-after 50m`). Pure: the caller passes the policy and `now`.
 * Every refusal names what was wrong and shows the right form, in the words of the front end that was used.
 */
import { DurationError, parseDuration } from '../config/duration.js';
import type { Policy } from '../config/policy.js';
import {
  addDaysToDate,
  instantToWallTime,
  isValidTimeZone,
  legacyZoneAdvice,
  parseDate,
  wallTimeToInstant,
  weekdayOfDate,
  type CalendarDate,
} from '../time/zoned.js';

export interface SimulationRequest {
  severity: string;
  /** The instant the page is raised. */
  at: number;
  /** The zone the times were typed in and are shown in. */
  zone: string;
  rotation: string;
  /** Acknowledge this long after the page was raised; null: nobody acknowledges. */
  ackAfterMs: number | null;
  /** Who presses Acknowledge (a user id); left out: the last person paged. */
  ackBy?: string;
  /** User groups' members for the dry run (Slack lists them for the bot; a dry run has no Slack to ask). */
  groups?: Record<string, string[]>;
}

/** Which input a problem is about, so each front end can show its own example. */
export type SimulationField = 'severity' | 'at' | 'zone' | 'rotation' | 'ack-after' | 'ack-by' | 'group' | 'usage';

export interface SimulationProblem {
  field: SimulationField;
  message: string;
  /** The policy cannot be simulated at all (no rotations), as opposed to a wrong argument. */
  policy?: boolean;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: SimulationProblem };

const fail = (field: SimulationField, message: string, policy = false): { ok: false; problem: SimulationProblem } => ({
  ok: false,
  problem: policy ? { field, message, policy } : { field, message },
});

/** Long enough to show what was typed, short enough that a 20k-character paste does not come back whole. */
function shown(text: string): string {
  const cut = text.length > 60 ? `${text.slice(0, 60)}...` : text;
  return JSON.stringify(cut);
}

// ---------------------------------------------------------------------------------------------------------
// When: "2026-11-28 03:00", "sat 03:00", "saturday 3:00", "today 09:00", "tomorrow 09:00", "now"

const WEEKDAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

function weekdayIndex(word: string): number | null {
  const i = WEEKDAY_NAMES.findIndex((name) => word === name || word === name.slice(0, 3));
  return i >= 0 ? i : null;
}

const MIN_YEAR = 2000;
const MAX_YEAR = 2199;
export const WHEN_FORMS = '"YYYY-MM-DD HH:MM" such as "2026-11-28 03:00", or a weekday and a time such as "sat 03:00" (the next one)';

/**
 * The instant `text` names in `zone`. A weekday means the next such day whose time is not already past, so
 * on a Saturday at 02:00 "sat 03:00" is in an hour and at 04:00 it is a week away. A wall time that falls in
 * a DST gap moves forward, one that shows twice is the first (time/zoned.ts decides both).
 */
export function parseWhen(text: string, zone: string, now: number): Parsed<number> {
  const words = text.trim().toLowerCase().split(/\s+/);
  const wrong = fail('at', `cannot read the time ${shown(text)}: use ${WHEN_FORMS}`);
  if (words.length === 1 && words[0] === 'now') return { ok: true, value: now - (((now % 60_000) + 60_000) % 60_000) };
  const joined = words.join(' ');
  const match = /^(\S+)[ t](\d{1,2}):(\d{2})$/.exec(joined);
  if (!match) return wrong;
  const [, day, hh, mm] = match as unknown as [string, string, string, string];
  const hour = Number(hh);
  const minute = Number(mm);
  if (hour > 23 || minute > 59) return fail('at', `${hh}:${mm} is not a time of day: use 00:00 to 23:59, e.g. "sat 03:00"`);

  let date: CalendarDate | null = parseDate(day);
  if (/^\d{4}-/.test(day)) {
    if (!date) return fail('at', `${shown(day)} is not a date: use YYYY-MM-DD, e.g. "2026-11-28 03:00"`);
    if (date.year < MIN_YEAR || date.year > MAX_YEAR)
      return fail('at', `${day} is too far away: use a date between ${MIN_YEAR} and ${MAX_YEAR}`);
    return { ok: true, value: wallTimeToInstant(zone, { ...date, hour, minute }) };
  }
  const today = instantToWallTime(zone, now);
  const todayDate: CalendarDate = { year: today.year, month: today.month, day: today.day };
  if (day === 'today' || day === 'tomorrow') {
    date = addDaysToDate(todayDate, day === 'today' ? 0 : 1);
    return { ok: true, value: wallTimeToInstant(zone, { ...date, hour, minute }) };
  }
  const weekday = weekdayIndex(day);
  if (weekday === null) return wrong;
  for (let d = 0; d <= 7; d += 1) {
    const candidate = addDaysToDate(todayDate, d);
    if (weekdayOfDate(candidate) !== weekday) continue;
    const instant = wallTimeToInstant(zone, { ...candidate, hour, minute });
    if (instant >= now) return { ok: true, value: instant };
  }
  return wrong; // unreachable: within 8 days every weekday comes round once with its time ahead
}

// ---------------------------------------------------------------------------------------------------------
// The shared checks, whichever front end the words came from

export interface SimulationInput {
  severity: string;
  at: string;
  zone?: string;
  rotation?: string;
  ackAfter?: string;
  /** "@U0DAN", "<@U0DAN>", "U0DAN" or a role under people ("cto"). */
  ackBy?: string;
  /** Each "S0OWNERS=@U0AMY,@U0BO": a user group's members, so they are paged and may acknowledge. */
  groups?: readonly string[];
}

const USER_ID = /^<?@?([UW][A-Z0-9]+)(?:\|[^>]*)?>?$/;

/** "S0OWNERS=@U0AMY,@U0BO" for each group named, checked, as members by group id. */
function resolveGroups(texts: readonly string[] | undefined): Parsed<Record<string, string[]> | undefined> {
  if (!texts || texts.length === 0) return { ok: true, value: undefined };
  const groups: Record<string, string[]> = {};
  for (const text of texts) {
    const [id = '', list = ''] = text.split('=', 2).map((part) => part.trim());
    if (!/^S[A-Z0-9]+$/.test(id) || !text.includes('='))
      return fail('group', `${shown(text)} is not a user group and its members: write S0123ABCD=@U0AMY,@U0BO`);
    if (Object.hasOwn(groups, id)) return fail('group', `${id} is given twice; list all its members once`);
    const members: string[] = [];
    for (const word of list.split(',').map((w) => w.trim())) {
      const member = USER_ID.exec(word)?.[1];
      if (!member) return fail('group', `${shown(word)} in ${id}'s members is not a user id (@U0123ABCD)`);
      if (!members.includes(member)) members.push(member);
    }
    groups[id] = members;
  }
  return { ok: true, value: groups };
}

/** Who is to press Acknowledge: a user id as typed or mentioned, or a role under people. */
function resolveAckBy(policy: Policy, text: string | undefined, ackAfterMs: number | null): Parsed<string | undefined> {
  if (text === undefined) return { ok: true, value: undefined };
  if (ackAfterMs === null) return fail('ack-by', 'say when they press it too, with ack-after (e.g. --ack-after 20m)');
  const id = USER_ID.exec(text.trim())?.[1];
  if (id) return { ok: true, value: id };
  const role = text.trim().replace(/^@/, '');
  if (Object.hasOwn(policy.people, role)) return { ok: true, value: policy.people[role]! };
  return fail(
    'ack-by',
    `${shown(text)} is not a user id (@U0123ABCD) or a role under people (${Object.keys(policy.people).join(', ') || 'none defined'})`,
  );
}

function resolveSeverity(policy: Policy, text: string): Parsed<string> {
  const ids = policy.severities.map((s) => s.id);
  const match = ids.find((id) => id.toLowerCase() === text.trim().toLowerCase());
  return match
    ? { ok: true, value: match }
    : fail('severity', `${shown(text)} is not a severity of this policy: use one of ${ids.join(', ')}`);
}

function resolveRotation(policy: Policy, text: string | undefined): Parsed<string> {
  const names = Object.keys(policy.rotations);
  if (names.length === 0) {
    return fail(
      'rotation',
      'the policy defines no rotations, so a page has nobody to go to (the bot refuses `/oncall page` too). Add one under `rotations:` in the policy file (see policy.example.yml)',
      true,
    );
  }
  if (text === undefined) {
    if (names.length === 1) return { ok: true, value: names[0]! };
    return fail('rotation', `the policy has ${names.length} rotations, so name one: ${names.join(', ')}`);
  }
  if (Object.hasOwn(policy.rotations, text)) return { ok: true, value: text };
  return fail('rotation', `there is no rotation ${shown(text)}: the policy has ${names.join(', ')}`);
}

function resolveAckAfter(text: string | undefined): Parsed<number | null> {
  if (text === undefined) return { ok: true, value: null };
  try {
    return { ok: true, value: parseDuration(text) };
  } catch (error) {
    const why = error instanceof DurationError ? error.message : `cannot read ${shown(text)}`;
    return fail('ack-after', `the acknowledgement delay: ${why.slice(0, 200)}`);
  }
}

/** Checks every input against the policy; `defaultZone` is the caller's (Slack) or the policy's (command line). */
export function resolveSimulation(
  input: SimulationInput,
  policy: Policy,
  now: number,
  defaultZone = policy.timezone,
): Parsed<SimulationRequest> {
  const severity = resolveSeverity(policy, input.severity);
  if (!severity.ok) return severity;
  const zone = input.zone ?? defaultZone;
  if (!isValidTimeZone(zone))
    return fail('zone', `unknown time zone ${shown(zone)}: use an IANA name such as Europe/London, America/New_York or UTC`);
  const legacy = legacyZoneAdvice(zone);
  if (legacy) return fail('zone', legacy);
  const at = parseWhen(input.at, zone, now);
  if (!at.ok) return at;
  const ackAfter = resolveAckAfter(input.ackAfter);
  if (!ackAfter.ok) return ackAfter;
  const ackBy = resolveAckBy(policy, input.ackBy, ackAfter.value);
  if (!ackBy.ok) return ackBy;
  const groups = resolveGroups(input.groups);
  if (!groups.ok) return groups;
  const rotation = resolveRotation(policy, input.rotation);
  if (!rotation.ok) return rotation;
  return {
    ok: true,
    value: {
      severity: severity.value,
      at: at.value,
      zone,
      rotation: rotation.value,
      ackAfterMs: ackAfter.value,
      ...(ackBy.value ? { ackBy: ackBy.value } : {}),
      ...(groups.value ? { groups: groups.value } : {}),
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// The command line

export interface CliFlags extends Partial<Omit<SimulationInput, 'groups'>> {
  groups?: string[];
  policy?: string;
  help: boolean;
}

export const CLI_USAGE = [
  'Usage: npm run simulate -- --severity <P0..P3> --at <when> [--zone <IANA zone>] [--rotation <name>] [--ack-after <duration> [--ack-by <who>]] [--group <S...>=<@U...,@U...>]... [--policy <file>]',
  "  --severity   the page's severity, as the policy names it (default scale P0..P3)",
  `  --at         when the page is raised: ${WHEN_FORMS}`,
  "  --zone       the zone --at is read in and times are shown in (default: the policy's timezone)",
  '  --rotation   the rotation paged (needed when the policy has more than one)',
  '  --ack-after  the last person paged presses Acknowledge this long after the page, e.g. 50m or 1h30m',
  '  --ack-by     who presses it instead: a user id (@U0123ABCD) or a role under people (cto); the bot decides whether they may',
  "  --group      a user group's members for the dry run (Slack lists them for the bot), e.g. S0OWNERS=@U0AMY,@U0BO; repeat per group",
  '  --policy     the policy file (default: $POLICY_PATH, else the built-in preset, as the bot itself)',
  'Example: npm run simulate -- --severity P1 --at "2026-11-28 03:00" --zone Europe/London --ack-after 50m',
].join('\n');

/** Examples of the right form, one per input, for the command line. */
export const CLI_EXAMPLES: Record<SimulationField, string> = {
  severity: '--severity P1',
  at: '--at "2026-11-28 03:00" or --at "sat 03:00"',
  zone: '--zone Europe/London',
  rotation: '--rotation backend',
  'ack-after': '--ack-after 50m',
  'ack-by': '--ack-after 20m --ack-by @U0DAN',
  group: '--group S0OWNERS=@U0AMY,@U0BO',
  usage: 'npm run simulate -- --severity P1 --at "2026-11-28 03:00"',
};

const FLAG_NAMES = {
  '--severity': 'severity',
  '--at': 'at',
  '--zone': 'zone',
  '--rotation': 'rotation',
  '--ack-after': 'ackAfter',
  '--ack-by': 'ackBy',
  '--group': 'groups',
  '--policy': 'policy',
} as const;
type FlagKey = (typeof FLAG_NAMES)[keyof typeof FLAG_NAMES];
const FLAG_FIELDS: Record<FlagKey, SimulationField> = {
  severity: 'severity',
  at: 'at',
  zone: 'zone',
  rotation: 'rotation',
  ackAfter: 'ack-after',
  ackBy: 'ack-by',
  groups: 'group',
  policy: 'usage',
};

/** `--flag value` or `--flag=value`; unknown flags, missing values and stray words are refused. */
export function parseCliFlags(argv: readonly string[]): Parsed<CliFlags> {
  const flags: CliFlags = { help: false };
  for (let i = 0; i < argv.length; i += 1) {
    const word = argv[i]!;
    if (word === '--help' || word === '-h') {
      flags.help = true;
      continue;
    }
    const eq = word.indexOf('=');
    const name = eq > 0 ? word.slice(0, eq) : word;
    if (!Object.hasOwn(FLAG_NAMES, name)) {
      return fail(
        'usage',
        word.startsWith('-')
          ? `unknown option ${shown(word)}`
          : `unexpected word ${shown(word)} (every value follows its option, e.g. --at "2026-11-28 03:00")`,
      );
    }
    const key = FLAG_NAMES[name as keyof typeof FLAG_NAMES];
    let value: string | undefined;
    if (eq > 0) value = word.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value !== undefined && /^--[a-z]/.test(value)) value = undefined;
      else i += 1;
    }
    if (value === undefined || value.trim() === '') return fail(FLAG_FIELDS[key], `${name} needs a value`);
    if (key === 'groups') {
      (flags.groups ??= []).push(value); // one --group per user group
      continue;
    }
    if (flags[key] !== undefined) return fail(FLAG_FIELDS[key], `${name} is given twice`);
    flags[key] = value;
  }
  if (!flags.help) {
    if (flags.severity === undefined) return fail('severity', '--severity is required');
    if (flags.at === undefined) return fail('at', '--at is required');
  }
  return { ok: true, value: flags };
}

// ---------------------------------------------------------------------------------------------------------
// Slack: /oncall simulate P1 "sat 03:00" [rotation] [ack-after 50m]

export const SLACK_USAGE =
  'Usage: `/oncall simulate <severity> <when> [rotation] [ack-after <duration>]` (when: `"sat 03:00"`, `"2026-11-28 03:00"`, `tomorrow 09:00` or `now`)\n' +
  'Example: `/oncall simulate P1 "sat 03:00" ack-after 50m`';

/**
 * The words after `simulate`. The time may be one quoted word or two ("sat" "03:00"); a word naming a
 * rotation picks it; `ack-after 50m` (also `ack-after=50m`, `--ack-after 50m`) adds the acknowledgement.
 */
export function parseSlackSimulate(args: readonly string[], policy: Policy, now: number, zone: string): Parsed<SimulationRequest> {
  const [severity, ...rest] = args;
  if (severity === undefined || severity.trim() === '') return fail('usage', 'say the severity first, then when the page fires');
  let rotation: string | undefined;
  let ackAfter: string | undefined;
  const when: string[] = [];
  for (let i = 0; i < rest.length; i += 1) {
    const word = rest[i]!;
    const flag = /^(?:--)?ack-after(?:=(.*))?$/i.exec(word);
    if (flag) {
      if (ackAfter !== undefined) return fail('ack-after', 'ack-after is given twice');
      ackAfter = flag[1] ?? rest[(i += 1)];
      if (ackAfter === undefined || ackAfter.trim() === '') return fail('ack-after', 'ack-after needs a duration after it, such as 50m');
    } else if (Object.hasOwn(policy.rotations, word) && rotation === undefined) {
      rotation = word;
    } else {
      when.push(word);
    }
  }
  if (when.length === 0) return fail('at', `say when the page fires: ${WHEN_FORMS}`);
  const text = when.join(' ');
  if (when.length > 2 || text.length > 40) {
    const names = Object.keys(policy.rotations);
    const rotations = names.length > 0 ? ` (a rotation is named as it is in the policy: ${names.slice(0, 10).join(', ')})` : '';
    return fail('at', `cannot read the time ${shown(text)}: use ${WHEN_FORMS}${rotations}`);
  }
  return resolveSimulation({ severity, at: text, rotation, ackAfter }, policy, now, zone);
}
