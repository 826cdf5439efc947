import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicyText } from '../../src/config/policy.js';
import { lintRotation } from '../../src/schedules/lint.js';
import type { Override } from '../../src/schedules/rotation.js';
import { FakeClock } from '../../src/time/clock.js';
import { TestApp } from '../support/harness.js';

const policy = (members: string, extra = '') =>
  parsePolicyText(
    [
      'rotations:',
      '  r:',
      `    members: [${members}]`,
      '    shift: { every: 1w, handoff: "mon 09:00", timezone: America/New_York, start: "2026-01-05" }',
      extra,
    ].join('\n'),
    'x.yml',
  );
const at = (iso: string) => Date.parse(iso);
const FROM = at('2026-03-02T14:00:00Z');
const TO = at('2026-05-25T13:00:00Z');

describe('fairness lint', () => {
  it('finds nothing in a healthy four-person rotation, across DST', () => {
    expect(lintRotation(policy('U0A, U0B, U0C, U0D').rotations.r!, [], FROM, TO)).toEqual([]);
  });

  it('flags a one-person rotation as primary for more than two weeks in a row, once', () => {
    const findings = lintRotation(policy('U0A').rotations.r!, [], FROM, TO);
    expect(findings.map((f) => f.message)).toEqual(['<@U0A> is primary for more than 2 consecutive weeks']);
  });

  it("counts overrides: covering the next person's week makes a three-week streak", () => {
    const r = policy('U0A, U0B, U0C').rotations.r!;
    // Week of 2026-03-09 is A's (shift 9 mod 3 = 0); A also takes B's and C's weeks through overrides.
    const overrides: Override[] = [
      {
        id: 1,
        rotation: 'r',
        role: 'primary',
        userId: 'U0A',
        startsAt: at('2026-03-16T13:00:00Z'),
        endsAt: at('2026-03-30T13:00:00Z'),
        reason: 'override',
        createdAt: 1,
      },
    ];
    expect(lintRotation(r, overrides, FROM, TO).map((f) => f.message)).toContain('<@U0A> is primary for more than 2 consecutive weeks');
  });

  it('flags a newcomer taking primary before a shadow week', () => {
    const findings = lintRotation(policy('U0NEW, U0B, U0C', '    shadows: [U0NEW]').rotations.r!, [], at('2026-01-05T14:00:00Z'), TO);
    expect(findings.map((f) => f.message)).toEqual(['<@U0NEW> takes primary without a shadow week first (they are listed under shadows)']);
    // Shadowing first (as secondary the week before) is fine.
    expect(lintRotation(policy('U0B, U0NEW, U0C', '    shadows: [U0NEW]').rotations.r!, [], at('2026-01-05T14:00:00Z'), TO)).toEqual([]);
  });
});

describe('/oncall lint over signed HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({ policy: policy('U0A, U0GONE'), clock: new FakeClock('2026-03-02T14:00:00Z') });
    t.standIn.addUser({ id: 'U0A' });
    t.standIn.addUser({ id: 'U0GONE', deleted: true });
  });
  afterAll(async () => t.close());

  it('names members missing from the workspace', async () => {
    const answer = (await t.command('/oncall', 'lint')).json() as { text: string };
    expect(answer.text).toBe('Schedule check, next 12 weeks:\n• *r*: <@U0GONE> is not a member of this workspace (or was deactivated)');
  });
});
