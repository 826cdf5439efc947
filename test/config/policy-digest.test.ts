/** The policy's `digest` key (paging/page-digest.ts): its default, a value of its own, and clear errors. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_DIGEST_AFTER } from '../../src/config/policy.js';
import { policyJsonSchema } from '../../src/config/policy-json-schema.js';
import { parse, problems } from './policy-support.js';

describe('digest in the policy', () => {
  it('defaults to 3 pages; `digest: { after: 5 }` sets it', () => {
    expect(DEFAULT_DIGEST_AFTER).toBe(3);
    expect(parse().digest).toEqual({ after: 3 });
    expect(parse('digest: { after: 5 }').digest).toEqual({ after: 5 });
  });

  it.each([
    ['digest: { after: 0 }', 'oncall.policy.yml:2 digest.after: expected at least 1: the first page always goes as a DM of its own'],
    ['digest: { after: 2.5 }', 'oncall.policy.yml:2 digest.after: expected a whole number of pages such as 3, got 2.5'],
    ['digest: { after: three }', 'oncall.policy.yml:2 digest.after: expected a whole number of pages such as 3, got "three"'],
    ['digest: { after: 500 }', 'oncall.policy.yml:2 digest.after: expected at most 100: past that a person is better served by the digest'],
    ['digest: { aftr: 3 }', 'oncall.policy.yml:2 digest.aftr: unknown key "aftr" (did you mean "after"?)'],
  ])('%s is refused: %s', (line, problem) => {
    expect(problems(line)).toEqual([problem]);
  });

  it('the JSON schema describes it for editors', () => {
    const digest = (policyJsonSchema().properties as Record<string, Record<string, unknown>>).digest!;
    expect(digest.description).toMatch(/^Digests: once a person has `after` unacknowledged pages/);
    expect((digest.properties as Record<string, unknown>).after).toMatchObject({ type: 'integer', minimum: 1, maximum: 100 });
  });
});
