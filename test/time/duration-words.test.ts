/** The two ways a length of time is written (time/duration-words.ts), as tables. */
import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE, SECOND } from '../../src/time/clock.js';
import { durationWords, policyDuration } from '../../src/time/duration-words.js';

describe('policyDuration: as the policy file writes it', () => {
  it.each([
    [0, '0m'],
    [-5 * MINUTE, '0m'],
    [500, '500ms'],
    [30 * SECOND, '30s'],
    [15 * MINUTE, '15m'],
    [45 * MINUTE, '45m'],
    [90 * MINUTE, '1h30m'],
    [HOUR + 30 * SECOND, '1h30s'],
    [4 * HOUR, '4h'],
    [DAY, '24h'], // a day or so reads better in hours
    [36 * HOUR, '36h'],
    [2 * DAY, '2d'],
    [3 * DAY + 2 * HOUR, '3d2h'],
    [7 * DAY, '1w'],
    [10 * DAY, '1w3d'],
  ])('%i ms -> %s', (ms, text) => expect(policyDuration(ms)).toBe(text));
});

describe('durationWords: as a sentence says it', () => {
  it.each([
    [0, '1 s'], // under a second, and a clock that ran backwards, read as the least there is
    [-5 * MINUTE, '1 s'],
    [20 * SECOND, '20 s'],
    [29 * SECOND, '29 s'],
    [30 * SECOND, '1 min'], // rounded to the minute from half a minute on
    [14 * MINUTE + 20 * SECOND, '14 min'],
    [59 * MINUTE + 29 * SECOND, '59 min'],
    [HOUR, '1 h'],
    [HOUR + 5 * MINUTE, '1 h 5 min'],
    [90 * MINUTE, '1 h 30 min'],
    [47 * HOUR + 59 * MINUTE, '47 h 59 min'],
    [48 * HOUR, '2 d'],
    [51 * HOUR + 10 * MINUTE, '2 d 3 h'],
  ])('%i ms -> %s', (ms, text) => expect(durationWords(ms)).toBe(text));
});
