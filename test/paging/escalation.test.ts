/**
 * decideEscalation and resolveTarget, the pure escalation rule, as tables: minute by minute through a chain
 * whose timer always fires late (now > dueAt), so a wait counted from `now` instead of `dueAt` shows.
 */
import { describe, expect, it } from 'vitest';
import type { SeverityEscalation } from '../../src/config/policy.js';
import { pageTargetOf, pageTargetText } from '../../src/config/policy-target.js';
import {
  decideEscalation,
  resolveTarget,
  resolveWho,
  type EscalationDecision,
  type EscalationInput,
  type OnCallNow,
} from '../../src/paging/escalation.js';
import type { BusinessHours } from '../../src/time/business-hours.js';
import { HOUR, MINUTE } from '../../src/time/clock.js';

// Europe/London is on GMT (= UTC) in January, so UTC instants read as local wall time.
const LONDON: BusinessHours = { zone: 'Europe/London', days: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' };
/** Monday 2026-01-05 10:00 London: business hours, with the rest of the day ahead. */
const T0 = Date.UTC(2026, 0, 5, 10, 0);
const m = (minutes: number) => T0 + minutes * MINUTE;
/** Every timer in these tables fires this late. */
const LATE = 3 * MINUTE;

const PEOPLE = { engineering_lead: 'U0LEAD', cto: 'U0CTO' };
const BOTH: OnCallNow = { primary: 'U0PRI', secondary: 'U0SEC' };
const NO_SECONDARY: OnCallNow = { primary: 'U0PRI', secondary: null };
const NOBODY: OnCallNow = { primary: null, secondary: null };

const t = (page: string) => pageTargetOf(page, PEOPLE);
const step = (afterMin: number, page: string, businessHours = false) => ({
  afterMs: afterMin * MINUTE,
  target: t(page),
  via: null,
  businessHours,
});
const chain = (
  steps: SeverityEscalation['steps'],
  loops = 2,
  quietAtNight = false,
  repeatAfterMs: number | null = null,
): SeverityEscalation => ({
  loops,
  chatOnly: false,
  quietAtNight,
  task: false,
  repeatAfterMs,
  steps,
});

/** primary, secondary +5, lead +10, a user group +7; twice. Every wait is different, so each step's own wait shows. */
const CHAIN = chain([step(0, 'primary'), step(5, 'secondary'), step(10, 'engineering_lead'), step(7, 'S0GROUP')]);

function decide(
  c: SeverityEscalation,
  stepIndex: number,
  loop: number,
  dueAt: number,
  extra: Partial<EscalationInput> = {},
): EscalationDecision {
  return decideEscalation({
    chain: c,
    stepIndex,
    loop,
    dueAt,
    now: dueAt + LATE,
    onCall: BOTH,
    people: PEOPLE,
    businessHours: LONDON,
    ...extra,
  });
}

/** A notify decision in one line: "step.loop target users groups -> next", dueAt in minutes after T0. */
function summary(d: EscalationDecision): string {
  if (d.kind === 'defer') return `defer until ${new Date(d.until).toISOString()}`;
  const skipped = d.skipped.map((s) => `${s.stepIndex}.${s.loop}:${pageTargetText(s.target)}`).join(',');
  if (d.kind === 'exhausted') return `exhausted skipped[${skipped}]`;
  const next =
    d.next.kind === 'step'
      ? `${d.next.position.stepIndex}.${d.next.position.loop} at ${(d.next.dueAt - T0) / MINUTE}`
      : `exhaust at ${(d.next.dueAt - T0) / MINUTE}`;
  return `${d.position.stepIndex}.${d.position.loop} ${pageTargetText(d.target)} u[${d.users.join(',')}] g[${d.groups.join(',')}] skipped[${skipped}] -> ${next}`;
}

describe('decideEscalation: the chain minute by minute, each timer firing 3 min late', () => {
  // [due minute, step, loop, who is on call, expected decision]
  it.each([
    [0, 0, 0, BOTH, '0.0 primary u[U0PRI] g[] skipped[] -> 1.0 at 5'],
    [5, 1, 0, BOTH, '1.0 secondary u[U0SEC] g[] skipped[] -> 2.0 at 15'],
    [15, 2, 0, BOTH, '2.0 engineering_lead u[U0LEAD] g[] skipped[] -> 3.0 at 22'],
    // After the last step the chain repeats, waiting as long as the last step did (7 min).
    [22, 3, 0, BOTH, '3.0 S0GROUP u[] g[S0GROUP] skipped[] -> 0.1 at 29'],
    [29, 0, 1, BOTH, '0.1 primary u[U0PRI] g[] skipped[] -> 1.1 at 34'],
    [34, 1, 1, BOTH, '1.1 secondary u[U0SEC] g[] skipped[] -> 2.1 at 44'],
    [44, 2, 1, BOTH, '2.1 engineering_lead u[U0LEAD] g[] skipped[] -> 3.1 at 51'],
    // The last step of the last loop: the page is exhausted after that same wait.
    [51, 3, 1, BOTH, '3.1 S0GROUP u[] g[S0GROUP] skipped[] -> exhaust at 58'],
    // An empty secondary is skipped at once: the lead is paged when the secondary was due, the next wait counts from there.
    [5, 1, 0, NO_SECONDARY, '2.0 engineering_lead u[U0LEAD] g[] skipped[1.0:secondary] -> 3.0 at 12'],
    [34, 1, 1, NO_SECONDARY, '2.1 engineering_lead u[U0LEAD] g[] skipped[1.1:secondary] -> 3.1 at 41'],
    // Nobody on the schedule: primary and secondary are both skipped, the lead is paged in their place.
    [0, 0, 0, NOBODY, '2.0 engineering_lead u[U0LEAD] g[] skipped[0.0:primary,1.0:secondary] -> 3.0 at 7'],
    [29, 0, 1, NOBODY, '2.1 engineering_lead u[U0LEAD] g[] skipped[0.1:primary,1.1:secondary] -> 3.1 at 36'],
  ] as const)('due at minute %i (step %i, loop %i, fired late)', (due, stepIndex, loop, onCall, expected) => {
    expect(summary(decide(CHAIN, stepIndex, loop, m(due), { onCall }))).toBe(expected);
  });

  it('counts the next wait from when the step was due, however late its timer fires', () => {
    for (const late of [0, 1, 59, 4 * 60]) {
      const d = decide(CHAIN, 1, 0, m(5), { now: m(5 + late) });
      expect(d.kind === 'notify' && d.next).toEqual({ kind: 'step', position: { stepIndex: 2, loop: 0 }, dueAt: m(15) });
    }
  });

  it('reports the whole decision, not just a summary', () => {
    expect(decide(CHAIN, 1, 0, m(5), { onCall: NO_SECONDARY })).toEqual({
      kind: 'notify',
      position: { stepIndex: 2, loop: 0 },
      target: t('engineering_lead'),
      users: ['U0LEAD'],
      groups: [],
      skipped: [{ stepIndex: 1, loop: 0, target: t('secondary') }],
      next: { kind: 'step', position: { stepIndex: 3, loop: 0 }, dueAt: m(12) },
    });
  });
});

describe('decideEscalation: repeats and the end of the chain', () => {
  it.each([
    // A chain whose last step waits 0: a repeat, and the end, come 15 min after it.
    ['single zero-wait step, first of 3 loops', chain([step(0, 'primary')], 3), 0, 0, 0, '0.0 primary u[U0PRI] g[] skipped[] -> 0.1 at 15'],
    [
      'single zero-wait step, second of 3 loops',
      chain([step(0, 'primary')], 3),
      0,
      1,
      15,
      '0.1 primary u[U0PRI] g[] skipped[] -> 0.2 at 30',
    ],
    ['single zero-wait step, last loop', chain([step(0, 'primary')], 3), 0, 2, 30, '0.2 primary u[U0PRI] g[] skipped[] -> exhaust at 45'],
    ['single zero-wait step, one loop', chain([step(0, 'primary')], 1), 0, 0, 0, '0.0 primary u[U0PRI] g[] skipped[] -> exhaust at 15'],
    [
      'two zero-wait steps: the second follows at once',
      chain([step(0, 'primary'), step(0, 'secondary')], 2),
      0,
      0,
      0,
      '0.0 primary u[U0PRI] g[] skipped[] -> 1.0 at 0',
    ],
    [
      'two zero-wait steps: the repeat is 15 min on',
      chain([step(0, 'primary'), step(0, 'secondary')], 2),
      1,
      0,
      0,
      '1.0 secondary u[U0SEC] g[] skipped[] -> 0.1 at 15',
    ],
    [
      'two zero-wait steps: the end is 15 min on',
      chain([step(0, 'primary'), step(0, 'secondary')], 2),
      1,
      1,
      15,
      '1.1 secondary u[U0SEC] g[] skipped[] -> exhaust at 30',
    ],
    // A last step with its own wait: repeat and end wait exactly that (1 min here, not 15).
    [
      'last step waits 1 min',
      chain([step(0, 'primary'), step(1, 'secondary')], 1),
      1,
      0,
      1,
      '1.0 secondary u[U0SEC] g[] skipped[] -> exhaust at 2',
    ],
    // The repeat's wait is the LAST step's, not the first step's.
    [
      'repeat waits the last step, not the first',
      chain([step(20, 'primary'), step(4, 'secondary')], 2),
      1,
      0,
      24,
      '1.0 secondary u[U0SEC] g[] skipped[] -> 0.1 at 28',
    ],
    // A skipped last step wraps straight into the next loop's first step.
    // (Nobody was paged at that step, so no one is given the tail wait to answer.)
    [
      'empty last step wraps to the next loop',
      chain([step(0, 'primary'), step(5, 'engineering_lead'), step(6, 'secondary')], 2),
      2,
      0,
      11,
      '0.1 primary u[U0PRI] g[] skipped[2.0:secondary] -> 1.1 at 16',
    ],
    ['empty last step of the last loop', chain([step(0, 'primary'), step(5, 'secondary')], 2), 1, 1, 5, 'exhausted skipped[1.1:secondary]'],
    // repeat_after: its own wait before the repeat and the end, whatever the last step waited (seed 003's 0-minute CTO step).
    [
      'repeat_after 5 min after a 15 min last step',
      chain([step(0, 'primary'), step(15, 'secondary')], 2, false, 5 * MINUTE),
      1,
      0,
      15,
      '1.0 secondary u[U0SEC] g[] skipped[] -> 0.1 at 20',
    ],
    [
      'repeat_after 5 min, the end too',
      chain([step(0, 'primary'), step(15, 'secondary')], 2, false, 5 * MINUTE),
      1,
      1,
      35,
      '1.1 secondary u[U0SEC] g[] skipped[] -> exhaust at 40',
    ],
    [
      'repeat_after 30 min after a zero-wait last step',
      chain([step(0, 'primary'), step(0, 'secondary')], 2, false, 30 * MINUTE),
      1,
      0,
      0,
      '1.0 secondary u[U0SEC] g[] skipped[] -> 0.1 at 30',
    ],
    // A last step that counts business hours does not make repeat_after count them: 17:50 + 30 min is 18:20, not 09:20 the next day.
    [
      'repeat_after is wall time after a business-hours last step',
      chain([step(0, 'primary'), step(60, 'secondary', true)], 2, false, 30 * MINUTE),
      1,
      0,
      470,
      '1.0 secondary u[U0SEC] g[] skipped[] -> 0.1 at 500',
    ],
  ] as const)('%s', (_name, c, stepIndex, loop, due, expected) => {
    const onCall = expected.includes(':secondary') ? NO_SECONDARY : BOTH;
    expect(summary(decide(c, stepIndex, loop, m(due), { onCall }))).toBe(expected);
  });

  it('is exhausted, naming every step it skipped, when no step has anybody', () => {
    const c = chain([step(0, 'primary'), step(5, 'secondary'), step(5, 'engineering_lead')], 2);
    expect(decide(c, 0, 0, m(0), { onCall: NOBODY, people: {} })).toEqual({
      kind: 'exhausted',
      skipped: [
        { stepIndex: 0, loop: 0, target: t('primary') },
        { stepIndex: 1, loop: 0, target: t('secondary') },
        { stepIndex: 2, loop: 0, target: t('engineering_lead') },
        { stepIndex: 0, loop: 1, target: t('primary') },
        { stepIndex: 1, loop: 1, target: t('secondary') },
        { stepIndex: 2, loop: 1, target: t('engineering_lead') },
      ],
    });
    // From the middle of the second loop only what is left is skipped.
    expect(decide(c, 1, 1, m(40), { onCall: NOBODY, people: {} })).toEqual({
      kind: 'exhausted',
      skipped: [
        { stepIndex: 1, loop: 1, target: t('secondary') },
        { stepIndex: 2, loop: 1, target: t('engineering_lead') },
      ],
    });
  });
});

describe('decideEscalation: quiet at night and business-hours waits', () => {
  const quiet = chain([step(0, 'primary'), step(30, 'secondary')], 2, true);
  const friday = (h: number, min = 0) => Date.UTC(2026, 0, 9, h, min);
  const monday = (h: number, min = 0) => Date.UTC(2026, 0, 12, h, min);

  it.each([
    // [what, due, now, expected]
    ['fires late but still inside hours: notifies, next counted from due', friday(17, 0), friday(17, 59), 'notify next at Fri 17:30'],
    [
      'due inside hours, fires at 18:00 sharp: deferred to Monday 09:00',
      friday(17, 58),
      friday(18, 0),
      'defer until 2026-01-12T09:00:00.000Z',
    ],
    ['due in the evening: deferred to Monday 09:00', friday(20, 0), friday(20, 3), 'defer until 2026-01-12T09:00:00.000Z'],
    [
      'Saturday: deferred to Monday 09:00',
      Date.UTC(2026, 0, 10, 12, 0),
      Date.UTC(2026, 0, 10, 12, 3),
      'defer until 2026-01-12T09:00:00.000Z',
    ],
    ['Monday 08:59: deferred a minute', monday(8, 55), monday(8, 59), 'defer until 2026-01-12T09:00:00.000Z'],
    ['Monday 09:00 sharp: notifies', monday(8, 55), monday(9, 0), 'notify next at Mon 09:25'],
  ])('%s', (_what, due, now, expected) => {
    const d = decide(quiet, 0, 0, due, { now });
    const text =
      d.kind === 'defer'
        ? `defer until ${new Date(d.until).toISOString()}`
        : d.kind === 'notify' && d.next.kind === 'step'
          ? `notify next at ${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][new Date(d.next.dueAt).getUTCDay()]} ${new Date(d.next.dueAt).toISOString().slice(11, 16)}`
          : 'unexpected';
    expect(text).toBe(expected);
  });

  it('a chain that is not quiet at night pages at night', () => {
    const loud = chain([step(0, 'primary'), step(30, 'secondary')], 2, false);
    const d = decide(loud, 0, 0, Date.UTC(2026, 0, 10, 3, 0));
    expect(d).toMatchObject({ kind: 'notify', users: ['U0PRI'], next: { dueAt: Date.UTC(2026, 0, 10, 3, 30) } });
  });

  it.each([
    // [what, chain, step, loop, due, expected next dueAt]
    [
      'a business-hours wait crosses the weekend',
      chain([step(0, 'primary'), step(30, 'secondary', true)]),
      0,
      0,
      friday(17, 45),
      monday(9, 15),
    ],
    [
      'a business-hours wait inside the day is plain',
      chain([step(0, 'primary'), step(30, 'secondary', true)]),
      0,
      0,
      friday(10, 0),
      friday(10, 30),
    ],
    [
      'a wall-clock wait ignores the weekend',
      chain([step(0, 'primary'), step(30, 'secondary', false)]),
      0,
      0,
      friday(17, 45),
      friday(18, 15),
    ],
    [
      'the repeat waits in business time when the last step does',
      chain([step(0, 'primary'), step(60, 'secondary', true)]),
      1,
      0,
      friday(17, 30),
      monday(9, 30),
    ],
    [
      'the end waits in business time when the last step does',
      chain([step(0, 'primary'), step(60, 'secondary', true)]),
      1,
      1,
      friday(17, 30),
      monday(9, 30),
    ],
    ['a zero-wait business last step: 15 business minutes', chain([step(0, 'primary', true)]), 0, 0, friday(17, 55), monday(9, 10)],
    [
      'a wall-clock last step ends on the wall clock',
      chain([step(0, 'primary'), step(60, 'secondary')]),
      1,
      1,
      friday(17, 30),
      friday(18, 30),
    ],
  ] as const)('%s', (_what, c, stepIndex, loop, due, expected) => {
    const d = decide(c, stepIndex, loop, due, { now: due + 2 * HOUR });
    expect(d.kind === 'notify' && new Date(d.next.dueAt).toISOString()).toBe(new Date(expected).toISOString());
  });
});

describe('resolveWho: a written target, parsed and resolved', () => {
  const people = { engineering_lead: 'U0LEAD', cto: 'U0CTO' };
  it.each([
    ['primary', BOTH, { users: ['U0PRI'], groups: [] }],
    ['secondary', BOTH, { users: ['U0SEC'], groups: [] }],
    ['primary', NOBODY, { users: [], groups: [] }],
    ['secondary', NO_SECONDARY, { users: [], groups: [] }],
    ['engineering_lead', BOTH, { users: ['U0LEAD'], groups: [] }],
    ['cto', NOBODY, { users: ['U0CTO'], groups: [] }],
    ['U0ALICE', BOTH, { users: ['U0ALICE'], groups: [] }],
    ['W0ENTERPRISE', BOTH, { users: ['W0ENTERPRISE'], groups: [] }],
    ['S0ONCALL', BOTH, { users: [], groups: ['S0ONCALL'] }],
    ['support_lead', BOTH, { users: [], groups: [] }],
    ['nobody', BOTH, { users: [], groups: [] }],
    // Only whole ids count: lower case, other letters, or anything around the id is no id.
    ['u0alice', BOTH, { users: [], groups: [] }],
    ['U', BOTH, { users: [], groups: [] }],
    ['S', BOTH, { users: [], groups: [] }],
    ['X0ALICE', BOTH, { users: [], groups: [] }],
    ['xU0ALICE', BOTH, { users: [], groups: [] }],
    ['U0ALICE!', BOTH, { users: [], groups: [] }],
    ['U0AL-ICE', BOTH, { users: [], groups: [] }],
    ['xS0ONCALL', BOTH, { users: [], groups: [] }],
    ['S0ONCALL!', BOTH, { users: [], groups: [] }],
    ['S0ON-CALL', BOTH, { users: [], groups: [] }],
  ] as const)('%s', (target, onCall, expected) => {
    expect(resolveWho(target, onCall, people)).toEqual(expected);
  });

  it.each([
    ['platform.primary', { users: ['U0PAT'], groups: [] }],
    ['platform.secondary', { users: ['U0QUINN'], groups: [] }],
    ['web.primary', { users: [], groups: [] }], // that rotation has nobody on call now
    ['unknown.primary', { users: [], groups: [] }],
    ['platform.lead', { users: [], groups: [] }],
    ['platform.primary2', { users: [], groups: [] }], // the whole name must match, not its start
    ['.primary', { users: [], groups: [] }], // no rotation named
    ['platform.', { users: [], groups: [] }],
  ] as const)('another rotation: %s', (target, expected) => {
    const others = { platform: { primary: 'U0PAT', secondary: 'U0QUINN' }, web: NOBODY };
    expect(resolveWho(target, BOTH, people, others)).toEqual(expected);
  });

  it('a role under people wins over an id-shaped name', () => {
    expect(resolveWho('S0ALIAS', BOTH, { S0ALIAS: 'U0REAL' })).toEqual({ users: ['U0REAL'], groups: [] });
  });
});

describe('resolveTarget: one row per kind', () => {
  const people = { engineering_lead: 'U0LEAD' };
  const others = { platform: { primary: 'U0PAT', secondary: null } };
  it.each([
    [
      { kind: 'on-call', role: 'primary' },
      { users: ['U0PRI'], groups: [] },
    ],
    [
      { kind: 'on-call', role: 'secondary' },
      { users: ['U0SEC'], groups: [] },
    ],
    [
      { kind: 'rotation', rotation: 'platform', role: 'primary' },
      { users: ['U0PAT'], groups: [] },
    ],
    [
      { kind: 'rotation', rotation: 'platform', role: 'secondary' },
      { users: [], groups: [] },
    ],
    [
      { kind: 'rotation', rotation: 'web', role: 'primary' },
      { users: [], groups: [] },
    ],
    [
      { kind: 'role', role: 'engineering_lead' },
      { users: ['U0LEAD'], groups: [] },
    ],
    [
      { kind: 'role', role: 'cto' },
      { users: [], groups: [] },
    ], // a role left unset: nobody, the step is skipped
    [
      { kind: 'role', role: 'toString' },
      { users: [], groups: [] },
    ], // nothing from Object's prototype
    [
      { kind: 'person', userId: 'U0ALICE' },
      { users: ['U0ALICE'], groups: [] },
    ],
    [
      { kind: 'usergroup', usergroupId: 'S0ONCALL' },
      { users: [], groups: ['S0ONCALL'] },
    ],
  ] as const)('%o', (target, expected) => {
    expect(resolveTarget(target, BOTH, people, others)).toEqual(expected);
  });
});
