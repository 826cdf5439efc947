import { describe, expect, it } from 'vitest';
import { parseCliFlags, parseSlackSimulate, parseWhen, resolveSimulation } from '../../src/playground/simulator-args.js';
import { defaultPolicy, parsePolicyText } from '../../src/config/policy.js';
import { pagingPolicy } from '../support/paging-scenario.js';

const LONDON = 'Europe/London';
const at = (iso: string) => Date.parse(iso);
// Wednesday 2026-11-25 10:00 UTC (London is on UTC in November).
const WEDNESDAY = at('2026-11-25T10:00:00Z');

describe('parseWhen', () => {
  it.each([
    ['2026-11-28 03:00', '2026-11-28T03:00:00.000Z'],
    ['2026-11-28T03:00', '2026-11-28T03:00:00.000Z'],
    ['sat 03:00', '2026-11-28T03:00:00.000Z'],
    ['Saturday 3:00', '2026-11-28T03:00:00.000Z'],
    ['wed 11:00', '2026-11-25T11:00:00.000Z'], // later today
    ['wed 09:00', '2026-12-02T09:00:00.000Z'], // already past today: next week
    ['today 09:00', '2026-11-25T09:00:00.000Z'],
    ['tomorrow 09:00', '2026-11-26T09:00:00.000Z'],
    ['now', '2026-11-25T10:00:00.000Z'],
    ['2026-07-01 09:00', '2026-07-01T08:00:00.000Z'], // BST
    ['2026-03-29 01:30', '2026-03-29T01:30:00.000Z'], // in the spring gap: moves forward to 02:30 BST
  ])('%s -> %s', (text, iso) => {
    const parsed = parseWhen(text, LONDON, WEDNESDAY);
    expect(parsed.ok && new Date(parsed.value).toISOString()).toBe(iso);
  });

  it('reads a weekday in the zone given: Saturday 03:00 in Sydney', () => {
    const parsed = parseWhen('sat 03:00', 'Australia/Sydney', WEDNESDAY);
    expect(parsed.ok && new Date(parsed.value).toISOString()).toBe('2026-11-27T16:00:00.000Z');
  });

  it.each([
    ['', 'cannot read the time ""'],
    ['funday 03:00', 'cannot read the time "funday 03:00"'],
    ['sat', 'cannot read the time "sat"'],
    ['sat 25:00', '25:00 is not a time of day'],
    ['sat 03:60', '03:60 is not a time of day'],
    ['2026-02-30 03:00', '"2026-02-30" is not a date'],
    ['9999-12-31 03:00', '9999-12-31 is too far away'],
  ])('refuses %j, saying why', (text, why) => {
    const parsed = parseWhen(text, LONDON, WEDNESDAY);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.problem.field).toBe('at');
      expect(parsed.problem.message).toContain(why);
    }
  });
});

describe('parseCliFlags', () => {
  it('reads --flag value and --flag=value', () => {
    const parsed = parseCliFlags([
      '--severity',
      'P1',
      '--at=2026-11-28 03:00',
      '--zone',
      'UTC',
      '--rotation',
      'backend',
      '--ack-after',
      '50m',
      '--policy',
      'p.yml',
    ]);
    expect(parsed).toEqual({
      ok: true,
      value: { help: false, severity: 'P1', at: '2026-11-28 03:00', zone: 'UTC', rotation: 'backend', ackAfter: '50m', policy: 'p.yml' },
    });
  });

  it.each([
    [['--severity', 'P1', '--at', 'sat 03:00', '--colour', 'red'], 'usage', 'unknown option "--colour"'],
    [['--severity', 'P1', 'sat 03:00'], 'usage', 'unexpected word "sat 03:00"'],
    [['--severity', '--at', 'sat 03:00'], 'severity', '--severity needs a value'],
    [['--severity', 'P1', '--at', 'sat 03:00', '--at', 'sun 03:00'], 'at', '--at is given twice'],
    [['--at', 'sat 03:00'], 'severity', '--severity is required'],
    [['--severity', 'P1'], 'at', '--at is required'],
  ])('%j is refused', (argv, field, message) => {
    const parsed = parseCliFlags(argv);
    expect(parsed).toMatchObject({ ok: false, problem: { field } });
    if (!parsed.ok) expect(parsed.problem.message).toContain(message);
  });
});

describe('resolveSimulation', () => {
  const policy = pagingPolicy();

  it('fills in the rotation (the only one) and the policy zone', () => {
    expect(resolveSimulation({ severity: 'p1', at: '2026-11-28 03:00' }, policy, WEDNESDAY)).toEqual({
      ok: true,
      value: { severity: 'P1', at: at('2026-11-28T03:00:00Z'), zone: 'Europe/London', rotation: 'backend', ackAfterMs: null },
    });
  });

  it.each([
    [{ severity: 'P9', at: 'sat 03:00' }, 'severity', '"P9" is not a severity of this policy: use one of P0, P1, P2, P3'],
    [{ severity: 'P1', at: 'sat 03:00', zone: 'Mars/Olympus' }, 'zone', 'unknown time zone "Mars/Olympus"'],
    [{ severity: 'P1', at: 'sat 03:00', zone: 'EST' }, 'zone', '"EST" is a legacy abbreviation, not the zone of a place'],
    [{ severity: 'P1', at: 'sat 03:00', zone: 'PST' }, 'zone', "Write the place's zone: America/Los_Angeles"],
    [{ severity: 'P1', at: 'sat 03:00', rotation: 'frontend' }, 'rotation', 'there is no rotation "frontend": the policy has backend'],
    [{ severity: 'P1', at: 'sat 03:00', rotation: 'constructor' }, 'rotation', 'there is no rotation "constructor"'],
    [{ severity: 'P1', at: 'sat 03:00', ackAfter: 'fifty' }, 'ack-after', 'expected a duration like "15m", got "fifty"'],
    [{ severity: 'P1', at: 'sat 03:00', ackAfter: '0m' }, 'ack-after', 'expected a duration longer than zero'],
    [{ severity: 'P1', at: 'sat 03:00', ackBy: '@U0DAN' }, 'ack-by', 'say when they press it too, with ack-after'],
    [
      { severity: 'P1', at: 'sat 03:00', ackAfter: '20m', ackBy: 'nobody' },
      'ack-by',
      '"nobody" is not a user id (@U0123ABCD) or a role under people (engineering_lead, cto)',
    ],
    [
      { severity: 'P1', at: 'sat 03:00', groups: ['owners=@U0AMY'] },
      'group',
      '"owners=@U0AMY" is not a user group and its members: write S0123ABCD=@U0AMY,@U0BO',
    ],
    [{ severity: 'P1', at: 'sat 03:00', groups: ['S0OWNERS'] }, 'group', '"S0OWNERS" is not a user group and its members'],
    [
      { severity: 'P1', at: 'sat 03:00', groups: ['S0OWNERS=@U0AMY,amy'] },
      'group',
      '"amy" in S0OWNERS\'s members is not a user id (@U0123ABCD)',
    ],
    [
      { severity: 'P1', at: 'sat 03:00', groups: ['S0OWNERS=@U0AMY', 'S0OWNERS=@U0BO'] },
      'group',
      'S0OWNERS is given twice; list all its members once',
    ],
  ])('%j: %s is wrong', (input, field, message) => {
    const parsed = resolveSimulation(input, policy, WEDNESDAY);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.problem.field).toBe(field);
      expect(parsed.problem.message).toContain(message);
    }
  });

  it('--ack-by reads a mention, a user id or a role under people', () => {
    for (const [by, id] of [
      ['<@U0DAN>', 'U0DAN'],
      ['@U0DAN', 'U0DAN'],
      ['U0DAN', 'U0DAN'],
      ['cto', 'U0CTO'],
    ] as const) {
      const parsed = resolveSimulation({ severity: 'P1', at: 'sat 03:00', ackAfter: '20m', ackBy: by }, policy, WEDNESDAY);
      expect(parsed.ok && parsed.value.ackBy).toBe(id);
    }
  });

  it("--group gives a user group's members for the dry run, once per group, mentions or ids", () => {
    const parsed = resolveSimulation(
      { severity: 'P1', at: 'sat 03:00', groups: ['S0OWNERS=<@U0AMY>, U0BO,@U0AMY', 'S0DBAS=@U0CY'] },
      policy,
      WEDNESDAY,
    );
    expect(parsed.ok && parsed.value.groups).toEqual({ S0OWNERS: ['U0AMY', 'U0BO'], S0DBAS: ['U0CY'] });
    const flags = parseCliFlags(['--severity', 'P1', '--at', 'sat 03:00', '--group', 'S0OWNERS=@U0AMY', '--group=S0DBAS=@U0CY']);
    expect(flags.ok && flags.value.groups).toEqual(['S0OWNERS=@U0AMY', 'S0DBAS=@U0CY']);
  });

  it('the preset alone has no rotation: a problem with the policy, not with the arguments', () => {
    const parsed = resolveSimulation({ severity: 'P1', at: 'sat 03:00' }, defaultPolicy(), WEDNESDAY);
    expect(parsed).toMatchObject({ ok: false, problem: { field: 'rotation', policy: true } });
  });

  it('two rotations: the rotation must be named', () => {
    const two = parsePolicyText('rotations:\n  backend: { members: [U0ALICE] }\n  frontend: { members: [U0BOB] }', 'two.yml');
    const parsed = resolveSimulation({ severity: 'P1', at: 'sat 03:00' }, two, WEDNESDAY);
    expect(parsed).toEqual({
      ok: false,
      problem: { field: 'rotation', message: 'the policy has 2 rotations, so name one: backend, frontend' },
    });
  });
});

describe('parseSlackSimulate', () => {
  const policy = pagingPolicy();
  const slack = (...args: string[]) => parseSlackSimulate(args, policy, WEDNESDAY, LONDON);

  it.each([
    [['P1', 'sat 03:00']],
    [['P1', 'sat', '03:00']],
    [['p1', 'backend', 'sat 03:00']],
    [['P1', '2026-11-28', '03:00', 'backend']],
    [['P1', '2026-11-28 03:00']],
  ])('%j: a P1 on backend at Saturday 03:00', (args) => {
    expect(slack(...args)).toEqual({
      ok: true,
      value: { severity: 'P1', at: at('2026-11-28T03:00:00Z'), zone: LONDON, rotation: 'backend', ackAfterMs: null },
    });
  });

  it.each([[['ack-after', '50m']], [['ack-after=50m']], [['--ack-after', '50m']], [['ACK-AFTER', '50m']]])(
    '%j adds the acknowledgement',
    (words) => {
      const parsed = slack('P1', 'sat 03:00', ...words);
      expect(parsed.ok && parsed.value.ackAfterMs).toBe(50 * 60_000);
    },
  );

  it.each([
    [[], 'usage', 'say the severity first'],
    [['P1'], 'at', 'say when the page fires'],
    [['P9', 'sat 03:00'], 'severity', '"P9" is not a severity'],
    [['P1', 'sat 03:00', 'ack-after'], 'ack-after', 'ack-after needs a duration'],
    [['P1', 'sat 03:00', 'ack-after', '50m', 'ack-after', '1h'], 'ack-after', 'ack-after is given twice'],
    [['P1', 'sat', '03:00', 'frontend'], 'at', 'a rotation is named as it is in the policy: backend'],
    [['P1', 'x'.repeat(20_000)], 'at', 'cannot read the time'],
  ])('%j is refused', (args, field, message) => {
    const parsed = slack(...args);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.problem.field).toBe(field);
      expect(parsed.problem.message).toContain(message);
      expect(parsed.problem.message.length).toBeLessThan(400);
    }
  });
});
