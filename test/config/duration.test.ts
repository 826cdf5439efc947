import { describe, expect, it } from 'vitest';
import { DurationError, parseDuration, parsePolicyDuration } from '../../src/config/duration.js';
import { DAY, HOUR, MINUTE, SECOND } from '../../src/time/clock.js';

describe('parseDuration', () => {
  it.each([
    ['30s', 30 * SECOND],
    ['15m', 15 * MINUTE],
    ['90m', 90 * MINUTE],
    ['4h', 4 * HOUR],
    ['2d', 2 * DAY],
    ['1w', 7 * DAY],
    ['1h30m', 90 * MINUTE],
    ['1h 30m', 90 * MINUTE],
    [' 45M ', 45 * MINUTE],
  ])('"%s" is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['fifteen', '15', '15 minutes', '1.5h', '-5m', '', 'm15'])('refuses "%s" with the one readable reason', (text) => {
    expect(() => parseDuration(text)).toThrow(
      new DurationError(`expected a duration like "15m", got ${JSON.stringify(text)}`, 'not_a_duration'),
    );
  });

  it('says exactly what was wrong with a word', () => {
    expect(() => parseDuration('fifteen')).toThrow('expected a duration like "15m", got "fifteen"');
  });

  it('refuses zero: a step that fires at once leaves `after` out', () => {
    expect(() => parseDuration('0m')).toThrow('expected a duration longer than zero, got "0m"');
  });
});

describe('parsePolicyDuration', () => {
  it('keeps business time tagged, since its length depends on where it starts', () => {
    expect(parsePolicyDuration('2 business days')).toEqual({ kind: 'business_days', days: 2 });
    expect(parsePolicyDuration('1 business day')).toEqual({ kind: 'business_days', days: 1 });
    expect(parsePolicyDuration('4 business hours')).toEqual({ kind: 'business_hours', ms: 4 * HOUR });
    expect(parsePolicyDuration('4 Business Hours')).toEqual({ kind: 'business_hours', ms: 4 * HOUR });
  });

  it('reads anything else as wall time', () => {
    expect(parsePolicyDuration('24h')).toEqual({ kind: 'wall', ms: 24 * HOUR });
    expect(parsePolicyDuration('1w')).toEqual({ kind: 'wall', ms: 7 * DAY });
  });

  it('refuses what is neither', () => {
    expect(() => parsePolicyDuration('two business days')).toThrow('expected a duration like "15m", got "two business days"');
    expect(() => parsePolicyDuration('0 business days')).toThrow('expected a duration longer than zero, got "0 business days"');
  });
});
