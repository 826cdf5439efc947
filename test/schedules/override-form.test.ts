import { describe, expect, it } from 'vitest';
import { overrideForm, readOverrideForm } from '../../src/schedules/override-form.js';

const NOW = Date.parse('2026-11-20T14:20:00Z');

describe('the override form, pure', () => {
  it('offers every rotation and preselects none when the clicker is in none or several', () => {
    const view = overrideForm({ rotations: ['backend', 'web'], rotation: null, userId: 'U0LEAD', now: NOW }) as {
      blocks: Array<{ block_id?: string; element?: Record<string, unknown> }>;
    };
    const rotation = view.blocks.find((b) => b.block_id === 'rotation')!.element!;
    expect(rotation.options).toEqual([
      { text: { type: 'plain_text', text: 'backend' }, value: 'backend' },
      { text: { type: 'plain_text', text: 'web' }, value: 'web' },
    ]);
    expect(rotation).not.toHaveProperty('initial_option');
  });

  it('reads what Slack sends back: option values, the user, and datetimepicker seconds as milliseconds', () => {
    const read = readOverrideForm({
      rotation: { value: { type: 'static_select', selected_option: { value: 'web' } } },
      role: { value: { type: 'radio_buttons', selected_option: { value: 'secondary' } } },
      who: { value: { type: 'users_select', selected_user: 'U0ERIN' } },
      from: { value: { type: 'datetimepicker', selected_date_time: 1795183200 } },
      to: { value: { type: 'datetimepicker', selected_date_time: 1795269600 } },
    });
    expect(read).toEqual({
      ok: true,
      request: { rotation: 'web', role: 'secondary', userId: 'U0ERIN', startsAt: 1795183200_000, endsAt: 1795269600_000 },
    });
  });

  it.each([
    ['a fractional second', 1795183200.5],
    ['zero', 0],
    ['a negative time', -1],
    ['beyond what a Date holds', 8.64e9],
    ['a numeric string', '1795183200'],
    ['an object', { valueOf: 1795183200 }],
  ])('a time given as %s is no answer', (_what, value) => {
    const read = readOverrideForm({ from: { value: { type: 'datetimepicker', selected_date_time: value } } });
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.errors.from).toBe('Choose when it starts.');
  });
});
