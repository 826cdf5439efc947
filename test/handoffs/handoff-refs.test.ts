/** The handoffs' refs and button values: built and parsed in handoff-refs.ts only. */
import { describe, expect, it } from 'vitest';
import { boundarySubject, handoffRef, parsePromptButtonValue, promptButtonValue } from '../../src/handoffs/handoff-refs.js';

describe('handoff refs', () => {
  it('name a handoff and a boundary', () => {
    expect(handoffRef(4)).toBe('handoff:4');
    expect(boundarySubject('backend', 1768208400000)).toBe('handoff:backend:1768208400000');
  });

  it('the prompt button names its shift change and reads back', () => {
    expect(parsePromptButtonValue(promptButtonValue('backend', 1768208400000))).toEqual({ rotation: 'backend', boundary: 1768208400000 });
  });

  it.each(['', 'backend', 'backend|', '|1768208400000', 'backend|soon', 'backend|1|2', 'backend|-5'])(
    'a value it did not write (%j) names nothing',
    (value) => {
      expect(parsePromptButtonValue(value)).toBeNull();
    },
  );
});
