import { describe, expect, it } from 'vitest';
import { cut, fitLastLines, fitLines } from '../../src/slack/format.js';

describe('cut and fitLines (text within a Slack limit)', () => {
  it.each([
    ['abc', 3, 'abc'],
    ['abcd', 3, 'ab…'],
    ['', 0, ''],
  ])('cut(%j, %i) is %j', (text, max, expected) => {
    expect(cut(text, max)).toBe(expected);
  });

  it('keeps every line when they fit', () => {
    expect(fitLines(['a', 'b'], 3, () => 'more')).toBe('a\nb');
  });

  it('keeps whole lines and says how many were left out, within the limit', () => {
    const lines = ['1111', '2222', '3333', '4444'];
    const text = fitLines(lines, 18, (n) => `+${n} more`);
    expect(text).toBe('1111\n2222\n+2 more');
    expect(text.length).toBeLessThanOrEqual(18);
  });

  it('a first line too long for the limit: only the count is left, cut to the limit', () => {
    expect(fitLines(['x'.repeat(50), 'y'], 10, (n) => `+${n} more`)).toBe('+2 more');
    expect(fitLines(['x'.repeat(50)], 10, (n) => `+${n} more`)).toBe('+1 more');
  });

  it('fitLastLines keeps the newest whole lines after how many earlier ones were left out, within the limit', () => {
    expect(fitLastLines(['a', 'b'], 3, () => 'more')).toBe('a\nb');
    const text = fitLastLines(['1111', '2222', '3333', '4444'], 18, (n) => `+${n} earlier`);
    expect(text).toBe('+3 earlier\n4444');
    expect(text.length).toBeLessThanOrEqual(18);
    expect(fitLastLines(['1111', '2222', '3333', '4444', '5555'], 21, (n) => `+${n} earlier`)).toBe('+3 earlier\n4444\n5555');
    expect(fitLastLines(['y', 'x'.repeat(50)], 10, (n) => `+${n} earlier`)).toBe('+2 earlier');
  });
});
