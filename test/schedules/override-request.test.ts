import { describe, expect, it } from 'vitest';
import { overrideProblem, type OverrideRequest } from '../../src/schedules/override-request.js';
import { EXAMPLE_POLICY } from '../support/fixtures.js';

const NOW = Date.parse('2026-11-20T14:00:00Z');
const HOUR = 3_600_000;
const base: OverrideRequest = {
  rotation: 'backend',
  role: 'primary',
  userId: 'U0DAN',
  startsAt: NOW,
  endsAt: NOW + 19 * HOUR,
  requestedBy: 'U0ALICE',
};

describe('overrideProblem: the rules /oncall override and the Home form share', () => {
  it.each<[string, Partial<OverrideRequest>, { field: string; refused: boolean; message: RegExp } | null]>([
    ['a member covering from now', {}, null],
    ['an admin (the engineering lead) for anyone', { requestedBy: 'U0LEAD' }, null],
    ['a start in the past that ends in the future', { startsAt: NOW - 48 * HOUR }, null],
    [
      'no such rotation',
      { rotation: 'payments' },
      { field: 'rotation', refused: false, message: /^There is no rotation `payments`\. Rotations: `backend`\.$/ },
    ],
    [
      'a name from Object.prototype',
      { rotation: 'constructor' },
      { field: 'rotation', refused: false, message: /^There is no rotation `constructor`/ },
    ],
    ['the end at the start', { endsAt: NOW }, { field: 'to', refused: false, message: /must be after the start/ }],
    [
      'the end before the start',
      { startsAt: NOW + 2 * HOUR, endsAt: NOW + HOUR },
      { field: 'to', refused: false, message: /must be after the start/ },
    ],
    ['over already', { startsAt: NOW - 2 * HOUR, endsAt: NOW }, { field: 'to', refused: false, message: /would already be over/ }],
    [
      'someone outside the rotation',
      { requestedBy: 'U0STRANGER' },
      {
        field: 'rotation',
        refused: true,
        message: /^Only members of \*backend\* .* can change the schedule of \*backend\*\. Ask one of them\.$/,
      },
    ],
  ])('%s', (_name, change, expected) => {
    const found = overrideProblem(EXAMPLE_POLICY, { ...base, ...change }, NOW);
    if (expected === null) expect(found).toBeNull();
    else
      expect(found).toMatchObject({
        ok: false,
        field: expected.field,
        refused: expected.refused,
        message: expect.stringMatching(expected.message),
      });
  });
});
